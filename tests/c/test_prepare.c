/*
 * The signing features from C, against a running tcr-emulator:
 *  - clock-skew correction: the emulator's clock is moved 15 minutes ahead,
 *    then 10 minutes behind; each first call takes two attempts, the
 *    client's offset follows, and the next call takes one;
 *  - a prepared request (tcr_modify_instance_token_prepare) sent with
 *    libcurl is accepted, and its headers and body are the ones the library
 *    itself sends.
 *
 * Environment (tests/with-emulator.sh): TCR_EMULATOR_URL of an emulator
 * started with --key AKIDCTEST:ctest-secret-key --rate 0.
 * Ends with "N passed, N failed"; exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcr.h"
#include "emulator.h"
#include "check.h"

#define SECRET_ID "AKIDCTEST"
#define SECRET_KEY "ctest-secret-key"
#define REGISTRY "tcr-12345"
#define TOKEN "2ab3af0d-893d-423f-91b1-27713566f95f"


static const char *emulator_url;



static int set_emulator_clock(long offset) {
    char path[64], *reply;
    int ok;
    snprintf(path, sizeof path, "/_emulator/clock?offset=%ld", offset);
    reply = emulator_call(emulator_url, "POST", path);
    ok = reply != NULL;
    free(reply);
    return ok;
}

static tcr_client *new_client(void) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    tcr_client *client = NULL;
    options.secret_id = SECRET_ID;
    options.secret_key = SECRET_KEY;
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    options.disable_rate_limit = 1;
    options.timeout_ms = 5000;
    return tcr_client_new(&options, &client, NULL) == TCR_OK ? client : NULL;
}

static int64_t distance(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

/* One call; prints and returns its attempts (0 on failure). */
static unsigned call_attempts(tcr_client *client, int enable, double *took_ms) {
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    unsigned attempts;
    double start = now_ms();
    tcr_status status;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = enable ? TCR_ENABLE_TRUE : TCR_ENABLE_FALSE;
    status = tcr_modify_instance_token(client, &request, NULL, &response);
    if (took_ms) *took_ms = now_ms() - start;
    attempts = status == TCR_OK ? response->attempts : 0;
    if (status != TCR_OK)
        fprintf(stderr, "call: %s %s\n", tcr_status_name(status),
                response->error_message ? response->error_message : "");
    tcr_response_free(response);
    return attempts;
}

static void test_clock_skew(void) {
    tcr_client *client = new_client();
    double took;
    unsigned attempts;
    CHECK(client != NULL);
    if (client == NULL) return;
    CHECK(tcr_client_clock_offset(client) == 0);
    CHECK(tcr_client_clock_offset(NULL) == 0);

    CHECK(set_emulator_clock(900));
    attempts = call_attempts(client, 0, &took);
    printf("skew +900 s: first call %u attempts, %.1f ms, offset %lld s\n", attempts, took,
           (long long)tcr_client_clock_offset(client));
    CHECK(attempts == 2);
    CHECK(distance(tcr_client_clock_offset(client), 900) <= 1);
    attempts = call_attempts(client, 1, &took);
    printf("skew +900 s: next call %u attempt, %.1f ms\n", attempts, took);
    CHECK(attempts == 1);

    CHECK(set_emulator_clock(-600));
    attempts = call_attempts(client, 0, &took);
    printf("skew -600 s: first call %u attempts, %.1f ms, offset %lld s\n", attempts, took,
           (long long)tcr_client_clock_offset(client));
    CHECK(attempts == 2);
    CHECK(distance(tcr_client_clock_offset(client), -600) <= 1);
    CHECK(call_attempts(client, 1, NULL) == 1);

    CHECK(set_emulator_clock(0));
    tcr_client_free(client);
}

/* Collects a libcurl reply body. */
struct buffer {
    char data[8192];
    size_t len;
};

static size_t collect(char *ptr, size_t size, size_t count, void *user) {
    struct buffer *b = user;
    size_t n = size * count;
    if (n > sizeof b->data - 1 - b->len) n = sizeof b->data - 1 - b->len;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return size * count;
}

/* The body as it appears inside a JSON string (quotes escaped). */
static void json_escaped(const uint8_t *body, size_t len, char *out, size_t cap) {
    size_t i, o = 0;
    for (i = 0; i < len && o + 3 < cap; i++) {
        if (body[i] == '"' || body[i] == '\\') out[o++] = '\\';
        out[o++] = (char)body[i];
    }
    out[o] = '\0';
}

static void lower(char *text) {
    for (; *text; text++)
        if (*text >= 'A' && *text <= 'Z') *text = (char)(*text - 'A' + 'a');
}


/* Sends a prepared request with libcurl, as an event-loop program would;
 * the reply body goes to `reply`. Returns the HTTP status, 0 on failure. */
static long send_with_curl(const tcr_prepared_request *prepared, struct buffer *reply) {
    CURL *curl = curl_easy_init();
    struct curl_slist *list = NULL;
    char line[2048];
    long http_status = 0;
    size_t i;
    if (curl == NULL) return 0;
    for (i = 0; i < prepared->header_count; i++) {
        snprintf(line, sizeof line, "%s: %s", prepared->headers[i].name, prepared->headers[i].value);
        list = curl_slist_append(list, line);
    }
    list = curl_slist_append(list, "Expect:"); /* no 100-continue */
    curl_easy_setopt(curl, CURLOPT_URL, prepared->url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, prepared->method);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, (const char *)prepared->body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)prepared->body_len);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return http_status;
}

/* Every prepared header but the signature and timestamp appears, as
 * ["name","value"], in the emulator's record of the request at `from`. */
static int headers_recorded(const tcr_prepared_request *p, const char *record) {
    size_t i;
    char pair[1024], name[128];
    for (i = 0; i < p->header_count; i++) {
        snprintf(name, sizeof name, "%s", p->headers[i].name);
        lower(name);
        if (strcmp(name, "authorization") == 0 || strcmp(name, "x-tc-timestamp") == 0) continue;
        snprintf(pair, sizeof pair, "[\"%s\",\"%s\"]", name, p->headers[i].value);
        if (!contains(record, pair)) {
            fprintf(stderr, "not recorded: %s\n", pair);
            return 0;
        }
    }
    return 1;
}

static void test_prepared_request_sent_with_libcurl(void) {
    tcr_client *client = new_client();
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_prepared_request *prepared = NULL, *failed_prepare = NULL;
    struct buffer reply = {{0}, 0};
    char line[2048], escaped[1024], *requests, *by_curl, *by_library;
    CHECK(client != NULL);
    if (client == NULL) return;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = TCR_ENABLE_FALSE;
    request.desc = "rotated by C";
    request.modify_flag = 1;

    /* What the library itself sends, for comparison. */
    {
        tcr_response *response = NULL;
        CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
        tcr_response_free(response);
    }

    CHECK(tcr_modify_instance_token_prepare(client, &request, NULL, &prepared) == TCR_OK);
    CHECK(prepared->error_message == NULL);
    CHECK(prepared->method != NULL && strcmp(prepared->method, "POST") == 0);
    CHECK(prepared->url != NULL && contains(prepared->url, "http://127.0.0.1:"));
    CHECK(prepared->header_count >= 8);
    CHECK(prepared->body != NULL && prepared->body_len > 0);
    CHECK(strcmp(prepared->headers[0].name, "Host") == 0);
    CHECK(strcmp(prepared->headers[prepared->header_count - 1].name, "Authorization") == 0);
    CHECK(contains(prepared->headers[prepared->header_count - 1].value, "TC3-HMAC-SHA256 Credential=AKIDCTEST/"));

    CHECK(send_with_curl(prepared, &reply) == 200);
    CHECK(contains(reply.data, "\"RequestId\"") && !contains(reply.data, "\"Error\""));
    if (contains(reply.data, "\"Error\"")) fprintf(stderr, "reply: %s\n", reply.data);

    /* The last two requests: the library's call, then curl's. */
    requests = emulator_call(emulator_url, "GET", "/_emulator/requests");
    CHECK(requests != NULL);
    json_escaped(prepared->body, prepared->body_len, escaped, sizeof escaped);
    snprintf(line, sizeof line, "\"body\":\"%s\"", escaped);
    by_library = requests ? strstr(requests, line) : NULL;
    by_curl = by_library ? strstr(by_library + 1, line) : NULL;
    CHECK(by_library != NULL && by_curl != NULL); /* the same body, twice */
    if (by_library != NULL && by_curl != NULL) {
        /* Records are {"body":..., "code":..., "header_list":..., "headers":...}
         * (keys sorted): the library's record ends where curl's begins. */
        char *library_record = strndup(by_library, (size_t)(by_curl - by_library));
        CHECK(headers_recorded(prepared, library_record));
        CHECK(headers_recorded(prepared, by_curl));
        CHECK(contains(library_record, "\"code\":\"OK\"") && contains(by_curl, "\"code\":\"OK\""));
        free(library_record);
    }
    free(requests);

    tcr_prepared_request_free(prepared);
    tcr_prepared_request_free(NULL);

    /* Bad input: a specific message, nothing else set, nothing sent. */
    {
        long before = emulator_stat(emulator_url, "requests");
        request.modify_flag = 7;
        CHECK(tcr_modify_instance_token_prepare(client, &request, NULL, &failed_prepare) == TCR_INVALID_ARGUMENT);
        CHECK(contains(failed_prepare->error_message, "modify_flag"));
        CHECK(failed_prepare->headers == NULL && failed_prepare->body == NULL);
        tcr_prepared_request_free(failed_prepare);
        CHECK(tcr_modify_instance_token_prepare(NULL, &request, NULL, &failed_prepare) == TCR_INVALID_ARGUMENT);
        CHECK(contains(failed_prepare->error_message, "client"));
        tcr_prepared_request_free(failed_prepare);
        CHECK(tcr_modify_instance_token_prepare(client, &request, NULL, NULL) == TCR_INVALID_ARGUMENT);
        CHECK(emulator_stat(emulator_url, "requests") == before);
    }
    tcr_client_free(client);
}

/* tcr_call_prepare: any action, signed for the caller to send; the
 * emulator accepts it (sent with libcurl), and a cancelled token or bad
 * parameters prepare nothing. */
static void test_generic_prepare_sent_with_libcurl(void) {
    tcr_client *client = new_client();
    tcr_prepared_request *prepared = NULL;
    tcr_cancel_token *cancel = tcr_cancel_token_new();
    tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
    struct buffer reply = {{0}, 0};
    long before;
    size_t i;
    const char *params = "{\"RegistryId\": \"" REGISTRY "\"}";
    CHECK(client != NULL);
    if (client == NULL) return;
    CHECK(tcr_call_prepare(client, "DescribeInstanceToken", params, NULL, &prepared) == TCR_OK);
    CHECK(prepared->body_len == strlen(params) && memcmp(prepared->body, params, prepared->body_len) == 0);
    for (i = 0; i < prepared->header_count; i++)
        if (strcmp(prepared->headers[i].name, "X-TC-Action") == 0)
            CHECK(strcmp(prepared->headers[i].value, "DescribeInstanceToken") == 0);
    CHECK(send_with_curl(prepared, &reply) == 200);
    CHECK(contains(reply.data, "\"TotalCount\"") && !contains(reply.data, "\"Error\""));
    tcr_prepared_request_free(prepared);

    before = emulator_stat(emulator_url, "requests");
    tcr_cancel_token_cancel(cancel);
    settings.cancel = cancel;
    CHECK(tcr_call_prepare(client, "DescribeInstanceToken", params, &settings, &prepared) == TCR_CANCELLED);
    CHECK(prepared->headers == NULL && contains(prepared->error_message, "cancelled"));
    tcr_prepared_request_free(prepared);
    CHECK(tcr_call_prepare(client, "DescribeInstanceToken", "[]", NULL, &prepared) == TCR_INVALID_ARGUMENT);
    CHECK(contains(prepared->error_message, "params"));
    tcr_prepared_request_free(prepared);
    CHECK(emulator_stat(emulator_url, "requests") == before);
    tcr_cancel_token_free(cancel);
    tcr_client_free(client);
}

int main(void) {
    emulator_url = getenv("TCR_EMULATOR_URL");
    if (emulator_port_of(emulator_url) < 0) {
        fprintf(stderr, "set TCR_EMULATOR_URL=http://127.0.0.1:PORT (run through tests/with-emulator.sh)\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_clock_skew();
    test_prepared_request_sent_with_libcurl();
    test_generic_prepare_sent_with_libcurl();
    curl_global_cleanup();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
