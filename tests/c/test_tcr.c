/*
 * C tests of libtcr against a running tcr-emulator.
 *
 * Environment (set by tests/with-emulator.sh):
 *   TCR_EMULATOR_URL   http://127.0.0.1:PORT of an emulator started with
 *                      --key AKIDCTEST:ctest-secret-key --rate 0 and the default token
 *   TCR_CLOSED_PORT    a local port nobody listens on
 *
 * Ends with "N passed, N failed"; exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcr.h"
#include "emulator.h"
#include "check.h"

#define SECRET_ID "AKIDCTEST"
#define SECRET_KEY "ctest-secret-key"
#define REGISTRY "tcr-12345"
#define TOKEN "2ab3af0d-893d-423f-91b1-27713566f95f"


static const char *emulator_url;

static char *emulator_get(const char *path) { return emulator_call(emulator_url, "GET", path); }

static long emulator_requests(void) { return emulator_stat(emulator_url, "requests"); }

static void emulator_post(const char *path_and_query) {
    char *reply = emulator_call(emulator_url, "POST", path_and_query);
    if (reply == NULL) {
        failed++;
        fprintf(stderr, "FAIL: cannot reach the emulator for %s\n", path_and_query);
    }
    free(reply);
}

/* Options for a client of the emulator with the test key. */
static tcr_client_options emulator_options(void) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    options.secret_id = SECRET_ID;
    options.secret_key = SECRET_KEY;
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    options.disable_rate_limit = 1; /* tests call in bursts */
    options.max_attempts = 1;               /* faults must surface, not be retried */
    return options;
}

static tcr_client *new_client(const char *secret_key, uint32_t timeout_ms) {
    tcr_client_options options = emulator_options();
    tcr_client *client = NULL;
    char *error = NULL;
    options.secret_key = secret_key;
    options.timeout_ms = timeout_ms;
    if (tcr_client_new(&options, &client, &error) != TCR_OK) {
        fprintf(stderr, "tcr_client_new: %s\n", error ? error : "?");
        tcr_string_free(error);
        return NULL;
    }
    return client;
}


static void test_version(void) {
    CHECK(strcmp(tcr_version(), TCR_VERSION_STRING) == 0);
    CHECK(strcmp(tcr_status_name(TCR_OK), "TCR_OK") == 0);
    CHECK(strcmp(tcr_status_name(TCR_TIMEOUT), "TCR_TIMEOUT") == 0);
    CHECK(strcmp(tcr_status_name(1234), "TCR_UNKNOWN_STATUS") == 0);
    CHECK(strlen(tcr_status_description(TCR_API_ERROR)) > 0);
}

/* The three examples of the service document, with the state checked after each. */
static void test_seed_examples(void) {
    tcr_client *client = new_client(SECRET_KEY, 0);
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *first = NULL, *response = NULL;
    char *state;
    CHECK(client != NULL);
    if (client == NULL) return;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;

    /* Example 2: disable. */
    request.enable = TCR_ENABLE_FALSE;
    CHECK(tcr_modify_instance_token(client, &request, NULL, &first) == TCR_OK);
    CHECK(first->request_id != NULL && strlen(first->request_id) == 36);
    CHECK(first->error_code == NULL && first->error_message == NULL);
    CHECK(first->http_status == 200 && first->attempts == 1);
    state = emulator_get("/_emulator/state");
    CHECK(contains(state, "\"enabled\":false"));
    free(state);

    /* Example 1: enable. */
    request.enable = TCR_ENABLE_TRUE;
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
    CHECK(response->request_id != NULL && first->request_id != NULL &&
          strcmp(response->request_id, first->request_id) != 0);
    tcr_response_free(response);
    state = emulator_get("/_emulator/state");
    CHECK(contains(state, "\"enabled\":true"));
    free(state);

    /* Example 3: update the description. */
    request.enable = TCR_ENABLE_UNSET;
    request.desc = "aaa";
    request.modify_flag = 1;
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
    tcr_response_free(response);
    state = emulator_get("/_emulator/state");
    CHECK(contains(state, "\"desc\":\"aaa\"") && contains(state, "\"enabled\":true"));
    free(state);

    tcr_response_free(first);
    tcr_client_free(client);
}

static void test_api_error(void) {
    tcr_client *client = new_client("wrong-secret-key", 0);
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    CHECK(client != NULL);
    if (client == NULL) return;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = TCR_ENABLE_TRUE;
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_API_ERROR);
    CHECK(response->error_code != NULL && strcmp(response->error_code, "AuthFailure.SignatureFailure") == 0);
    CHECK(response->request_id != NULL && strlen(response->request_id) == 36);
    CHECK(response->error_message != NULL && strlen(response->error_message) > 0);
    CHECK(response->http_status == 200);
    tcr_response_free(response);
    response = NULL;
    tcr_response_free(response); /* NULL is fine: free, set NULL, free again */
    tcr_client_free(client);

    /* An unknown token is the service's ResourceNotFound. */
    client = new_client(SECRET_KEY, 0);
    request.token_id = "no-such-token";
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_API_ERROR);
    CHECK(response->error_code != NULL && strcmp(response->error_code, "ResourceNotFound") == 0);
    tcr_response_free(response);
    tcr_client_free(client);
}

/* Each bad call returns TCR_INVALID_ARGUMENT, names the field, sends nothing. */
static void test_bad_arguments(void) {
    tcr_client *client = new_client(SECRET_KEY, 0);
    tcr_modify_instance_token_request good = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT, request;
    tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
    tcr_response *response = NULL;
    long before = emulator_requests();
    char not_utf8[] = {'t', 'c', 'r', '-', (char)0xff, 0};
    struct {
        const char *name;
        int null_client, null_request;
        const char *registry_id, *token_id, *desc;
        int enable, modify_flag;
        uint32_t timeout_ms;
        const char *expected_field;
    } cases[] = {
        {"NULL client", 1, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "client"},
        {"NULL request", 0, 1, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "request"},
        {"missing token id", 0, 0, REGISTRY, NULL, NULL, TCR_ENABLE_TRUE, 0, 0, "token_id"},
        {"empty token id", 0, 0, REGISTRY, "", NULL, TCR_ENABLE_TRUE, 0, 0, "token_id"},
        {"missing registry id", 0, 0, NULL, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
        {"registry id not UTF-8", 0, 0, not_utf8, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
        {"invalid modify flag 3", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 3, 0, "modify_flag"},
        {"invalid modify flag -1", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, -1, 0, "modify_flag"},
        {"flag 1 without desc", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_UNSET, 1, 0, "desc"},
        {"flag 2 without enable", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_UNSET, 2, 0, "enable"},
        {"no flag, no enable", 0, 0, REGISTRY, TOKEN, "x", TCR_ENABLE_UNSET, 0, 0, "enable"},
        {"enable out of range", 0, 0, REGISTRY, TOKEN, NULL, 7, 0, 0, "enable"},
        {"desc with a control character", 0, 0, REGISTRY, TOKEN, "a\001b", TCR_ENABLE_UNSET, 1, 0, "desc"},
        {"per-call timeout out of range", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 600001, "timeout"},
    };
    size_t i;
    CHECK(client != NULL);
    if (client == NULL) return;
    good.registry_id = REGISTRY;
    good.token_id = TOKEN;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tcr_status status;
        request = good;
        request.registry_id = cases[i].registry_id;
        request.token_id = cases[i].token_id;
        request.desc = cases[i].desc;
        request.enable = cases[i].enable;
        request.modify_flag = cases[i].modify_flag;
        settings.timeout_ms = cases[i].timeout_ms;
        status = tcr_modify_instance_token(cases[i].null_client ? NULL : client,
                                           cases[i].null_request ? NULL : &request, &settings, &response);
        if (status != TCR_INVALID_ARGUMENT || !contains(response->error_message, cases[i].expected_field)) {
            fprintf(stderr, "case %s: status %s, message %s\n", cases[i].name, tcr_status_name((int)status),
                    response->error_message ? response->error_message : "(null)");
        }
        CHECK(status == TCR_INVALID_ARGUMENT);
        CHECK(contains(response->error_message, cases[i].expected_field));
        CHECK(response->request_id == NULL && response->http_status == 0 && response->attempts == 0);
        tcr_response_free(response);
    }
    CHECK(tcr_modify_instance_token(client, &good, NULL, NULL) == TCR_INVALID_ARGUMENT);
    /* struct_size: 0, too small, and a longer layout whose unknown tail is set. */
    {
        struct {
            tcr_modify_instance_token_request known;
            uint64_t newer_field;
        } longer;
        memset(&longer, 0, sizeof longer);
        longer.known = good;
        longer.known.enable = TCR_ENABLE_TRUE;
        longer.known.struct_size = sizeof longer;
        longer.newer_field = 1;
        request = good;
        request.enable = TCR_ENABLE_TRUE;
        request.struct_size = 0;
        CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_INVALID_ARGUMENT);
        CHECK(contains(response->error_message, "TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT"));
        tcr_response_free(response);
        request.struct_size = 8;
        CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_INVALID_ARGUMENT);
        tcr_response_free(response);
        CHECK(tcr_modify_instance_token(client, &longer.known, NULL, &response) == TCR_INVALID_ARGUMENT);
        CHECK(contains(response->error_message, "needs a newer libtcr"));
        tcr_response_free(response);
    }
    CHECK(before >= 0 && emulator_requests() == before);
    tcr_client_free(client);
}

static void test_bad_options(void) {
    tcr_client_options base = TCR_CLIENT_OPTIONS_INIT, options;
    tcr_client *client = (tcr_client *)&base; /* must be overwritten with NULL */
    char *error = NULL;
    base.secret_id = SECRET_ID;
    base.secret_key = SECRET_KEY;
    base.region = "ap-guangzhou";
    /* Not the developer's tccli: its .configure would give the region the
       "no region" cases leave out. */
    base.tccli_dir = "/nonexistent/tccli";

    CHECK(tcr_client_new(NULL, &client, &error) == TCR_INVALID_ARGUMENT);
    CHECK(client == NULL && contains(error, "options"));
    tcr_string_free(error);
    CHECK(tcr_client_new(&base, NULL, &error) == TCR_INVALID_ARGUMENT);
    CHECK(contains(error, "client_out"));
    tcr_string_free(error);

#define BAD_OPTION(field, value, expected_status, expected_text)                  \
    do {                                                                          \
        options = base;                                                           \
        options.field = value;                                                    \
        CHECK(tcr_client_new(&options, &client, &error) == expected_status);      \
        CHECK(client == NULL && contains(error, expected_text));                  \
        tcr_string_free(error);                                                   \
    } while (0)
    BAD_OPTION(secret_id, NULL, TCR_CREDENTIALS, "secret_id");
    BAD_OPTION(secret_key, NULL, TCR_CREDENTIALS, "secret_key");
    BAD_OPTION(secret_key, "", TCR_CREDENTIALS, "secret_key");
    BAD_OPTION(region, NULL, TCR_INVALID_ARGUMENT, "region");
    BAD_OPTION(region, "", TCR_INVALID_ARGUMENT, "region");
    BAD_OPTION(endpoint, "ftp://example.com", TCR_INVALID_ARGUMENT, "endpoint");
    BAD_OPTION(endpoint, "http://127.0.0.1:99999", TCR_INVALID_ARGUMENT, "endpoint");
    BAD_OPTION(endpoint, "https://host/path", TCR_INVALID_ARGUMENT, "endpoint");
    BAD_OPTION(language, "fr-FR", TCR_INVALID_ARGUMENT, "language");
    BAD_OPTION(timeout_ms, 600001, TCR_INVALID_ARGUMENT, "timeout");
#undef BAD_OPTION
    /* The secret key never appears in a message. */
    options = base;
    options.secret_key = "key with spaces";
    CHECK(tcr_client_new(&options, &client, &error) == TCR_CREDENTIALS);
    CHECK(error != NULL && !contains(error, "key with spaces"));
    tcr_string_free(error);
    /* error_message may be NULL. */
    options = base;
    options.region = NULL;
    CHECK(tcr_client_new(&options, &client, NULL) == TCR_INVALID_ARGUMENT);
}

static void test_transport_failures(void) {
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    tcr_client *client = NULL;
    char endpoint[64];
    const char *closed_port = getenv("TCR_CLOSED_PORT");
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = TCR_ENABLE_TRUE;

    /* Nobody listening: a network error. */
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%s", closed_port ? closed_port : "9");
    options.secret_id = SECRET_ID;
    options.secret_key = SECRET_KEY;
    options.region = "ap-guangzhou";
    options.endpoint = endpoint;
    options.timeout_ms = 2000;
    options.max_attempts = 1;
    CHECK(tcr_client_new(&options, &client, NULL) == TCR_OK);
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_NETWORK);
    CHECK(response->error_message != NULL && response->http_status == 0 && response->request_id == NULL);
    CHECK(response->attempts == 1);
    tcr_response_free(response);
    tcr_client_free(client);

    client = new_client(SECRET_KEY, 300);
    /* A reply slower than the timeout. */
    emulator_post("/_emulator/fault?mode=delay&delay_ms=1500&count=1");
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_TIMEOUT);
    tcr_response_free(response);
    tcr_client_free(client);

    /* A per-call timeout shorter than the client's bounds the call. */
    client = new_client(SECRET_KEY, 10000);
    emulator_post("/_emulator/fault?mode=delay&delay_ms=1500&count=1");
    {
        tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
        settings.timeout_ms = 300;
        CHECK(tcr_modify_instance_token(client, &request, &settings, &response) == TCR_TIMEOUT);
        CHECK(contains(response->error_message, "timeout"));
        tcr_response_free(response);
    }

    /* 5xx with an HTML body: a protocol error keeping the status and the body's start. */
    emulator_post("/_emulator/fault?mode=http5xx&status=502&count=1");
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_PROTOCOL);
    CHECK(response->http_status == 502 && contains(response->error_message, "<html>"));
    tcr_response_free(response);
    /* 200 with a body that is not JSON. */
    emulator_post("/_emulator/fault?mode=garbage&count=1");
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_PROTOCOL);
    CHECK(response->http_status == 200 && contains(response->error_message, "not json"));
    tcr_response_free(response);
    /* The client works at once afterwards: the timed-out connection, whose
     * late reply the emulator is still about to write, is never reused. */
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
    tcr_response_free(response);
    tcr_client_free(client);
}

#define THREADS 8
#define CALLS_PER_THREAD 25

static void *worker(void *arg) {
    tcr_client *client = arg;
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    long ok = 0;
    int i;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    for (i = 0; i < CALLS_PER_THREAD; i++) {
        request.enable = (i % 2) ? TCR_ENABLE_TRUE : TCR_ENABLE_FALSE;
        if (tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK) ok++;
        tcr_response_free(response);
    }
    return (void *)ok;
}

static void test_threads_share_one_client(void) {
    tcr_client *client = new_client(SECRET_KEY, 0);
    pthread_t threads[THREADS];
    long total = 0, before = emulator_requests();
    int i;
    CHECK(client != NULL);
    if (client == NULL) return;
    for (i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, worker, client);
    for (i = 0; i < THREADS; i++) {
        void *ok;
        pthread_join(threads[i], &ok);
        total += (long)ok;
    }
    CHECK(total == THREADS * CALLS_PER_THREAD);
    CHECK(emulator_requests() - before == THREADS * CALLS_PER_THREAD);
    tcr_client_free(client);
}

/* Collects log lines; the callback may run on any thread. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[16384];
static int log_lines;

static void collect_log(void *user_data, int level, const char *line) {
    size_t used;
    (void)level;
    pthread_mutex_lock(&log_lock);
    used = strlen(log_text);
    if (user_data == (void *)&log_lines && used + strlen(line) + 2 < sizeof log_text) {
        strcat(log_text, line);
        strcat(log_text, "\n");
        log_lines++;
    }
    pthread_mutex_unlock(&log_lock);
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Retries, the log callback, environment credentials and the rate limiter. */
static void test_resilience_options(void) {
    tcr_client_options options = emulator_options();
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    tcr_client *client = NULL;
    struct timespec start;
    int i;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = TCR_ENABLE_TRUE;

    options.max_attempts = 3;
    options.log_callback = collect_log;
    options.log_user_data = &log_lines;
    CHECK(tcr_client_new(&options, &client, NULL) == TCR_OK);
    emulator_post("/_emulator/fault?mode=drop&count=2");
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
    CHECK(response->attempts == 3);
    tcr_response_free(response);
    tcr_client_free(client);
    {
        int attempt_lines = 0;
        const char *at = log_text;
        while ((at = strstr(at, "attempt=")) != NULL) {
            attempt_lines++;
            at++;
        }
        CHECK(attempt_lines == 3 && log_lines == 4); /* one line per attempt, one at creation */
    }
    CHECK(contains(log_text, "attempt=1/3") && contains(log_text, "attempt=3/3") && contains(log_text, "status=TCR_OK"));
    CHECK(!contains(log_text, SECRET_KEY) && !contains(log_text, "Signature="));

    /* The callback's level changes on a live client: no debug line at
       TCR_LOG_WARN, lines again at TCR_LOG_DEBUG; other levels refused. */
    CHECK(tcr_client_new(&options, &client, NULL) == TCR_OK);
    log_lines = 0;
    CHECK(tcr_client_set_log_level(client, TCR_LOG_WARN) == TCR_OK);
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
    tcr_response_free(response);
    CHECK(log_lines == 0);
    CHECK(tcr_client_set_log_level(client, TCR_LOG_DEBUG) == TCR_OK);
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
    tcr_response_free(response);
    CHECK(log_lines == 1);
    CHECK(tcr_client_set_log_level(client, 20) == TCR_INVALID_ARGUMENT);
    CHECK(tcr_client_set_log_level(NULL, TCR_LOG_WARN) == TCR_INVALID_ARGUMENT);
    tcr_client_free(client);

    /* No explicit credentials: the environment is the next source. */
    options = (tcr_client_options)TCR_CLIENT_OPTIONS_INIT;
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    options.disable_rate_limit = 1;
    options.disable_metadata = 1;
    setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID, 1);
    setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY, 1);
    CHECK(tcr_client_new(&options, &client, NULL) == TCR_OK);
    unsetenv("TENCENTCLOUD_SECRET_ID");
    unsetenv("TENCENTCLOUD_SECRET_KEY");
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
    tcr_response_free(response);
    tcr_client_free(client);

    /* A half-set environment is an error, not a skip. */
    setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID, 1);
    {
        char *error = NULL;
        CHECK(tcr_client_new(&options, &client, &error) == TCR_CREDENTIALS);
        CHECK(contains(error, "TENCENTCLOUD_SECRET_KEY"));
        tcr_string_free(error);
    }
    unsetenv("TENCENTCLOUD_SECRET_ID");

    /* The client-side limiter: 5/s with a burst of 1 spaces 4 calls >= 0.6 s apart in all. */
    options.secret_id = SECRET_ID;
    options.secret_key = SECRET_KEY;
    options.disable_rate_limit = 0;
    options.rate_limit = 5.0;
    options.rate_burst = 1;
    CHECK(tcr_client_new(&options, &client, NULL) == TCR_OK);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (i = 0; i < 4; i++) {
        CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_OK);
        tcr_response_free(response);
    }
    CHECK(seconds_since(&start) >= 0.55);
    tcr_client_free(client);

    /* Bad values of the new options are named. */
    {
        char *error = NULL;
        options.rate_limit = -5.0;
        CHECK(tcr_client_new(&options, &client, &error) == TCR_INVALID_ARGUMENT && contains(error, "rate_limit"));
        tcr_string_free(error);
        options.rate_limit = 5.0;
        options.disable_rate_limit = 1; /* a rate and "off" at once */
        CHECK(tcr_client_new(&options, &client, &error) == TCR_INVALID_ARGUMENT && contains(error, "rate_limit"));
        tcr_string_free(error);
        options.rate_limit = 0;
        options.disable_rate_limit = 0;
        options.max_attempts = 11;
        CHECK(tcr_client_new(&options, &client, &error) == TCR_INVALID_ARGUMENT && contains(error, "max_attempts"));
        tcr_string_free(error);
        options.max_attempts = 0;
        options.ca_bundle = "/nonexistent/ca.pem";
        CHECK(tcr_client_new(&options, &client, &error) == TCR_INVALID_ARGUMENT && contains(error, "ca_bundle"));
        tcr_string_free(error);
        options.ca_bundle = NULL;
        options.proxy = "socks5://127.0.0.1:1";
        CHECK(tcr_client_new(&options, &client, &error) == TCR_INVALID_ARGUMENT && contains(error, "proxy"));
        tcr_string_free(error);
    }
}

/* What gateways and middleboxes do to an idle keep-alive connection (close
 * it with FIN or RST, write a stray reply or a 408 into it) 50 ms after each
 * reply: calls 100 ms apart must each succeed on their first attempt, with
 * the reply to their own request. */
static void test_idle_connections(void) {
    static const char *const faults[] = {"idle-close", "idle-reset", "stray-reply", "idle-408"};
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    tcr_client *client = new_client(SECRET_KEY, 5000);
    struct timespec pause = {0, 100000000L};
    size_t f;
    int i;
    char query[96];
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    for (f = 0; f < sizeof faults / sizeof faults[0]; f++) {
        long faults_before = emulator_stat(emulator_url, "faults");
        int good = 0;
        snprintf(query, sizeof query, "/_emulator/fault?mode=%s&delay_ms=50", faults[f]);
        emulator_post(query);
        for (i = 0; i < 5; i++) {
            tcr_status status;
            char *state;
            request.enable = i % 2 == 0 ? TCR_ENABLE_FALSE : TCR_ENABLE_TRUE;
            status = tcr_modify_instance_token(client, &request, NULL, &response);
            state = emulator_get("/_emulator/state");
            if (status == TCR_OK && response->attempts == 1 && !contains(response->request_id, "stray") &&
                contains(state, i % 2 == 0 ? "\"enabled\":false" : "\"enabled\":true"))
                good++;
            else
                fprintf(stderr, "%s, call %d: %s %s\n", faults[f], i, tcr_status_name(status),
                        response->error_message ? response->error_message : "");
            free(state);
            tcr_response_free(response);
            nanosleep(&pause, NULL);
        }
        emulator_post("/_emulator/fault?mode=none");
        CHECK(good == 5);
        CHECK(emulator_stat(emulator_url, "faults") - faults_before == 5); /* the fault was acted out */
    }
    tcr_client_free(client);
}

/* A gateway's error page that echoes the request headers: the session token
 * and the signature must reach neither the message nor a log line. */
static void test_echoed_secrets(void) {
    const char *token = "ctest-session-token-value";
    tcr_client_options options = emulator_options();
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    tcr_client *client = NULL;
    const char *at;
    int hex_run = 0, longest = 0;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = TCR_ENABLE_TRUE;
    options.session_token = token;
    options.log_callback = collect_log;
    options.log_user_data = &log_lines;
    log_text[0] = '\0';
    log_lines = 0;
    CHECK(tcr_client_new(&options, &client, NULL) == TCR_OK);
    emulator_post("/_emulator/fault?mode=echo-headers&count=1");
    CHECK(tcr_modify_instance_token(client, &request, NULL, &response) == TCR_PROTOCOL);
    CHECK(response->http_status == 502);
    CHECK(contains(response->error_message, "Signature=[redacted]"));
    CHECK(contains(response->error_message, "x-tc-token: [redacted]"));
    CHECK(!contains(response->error_message, token) && !contains(log_text, token));
    CHECK(contains(log_text, "status=TCR_PROTOCOL") && contains(log_text, "Signature=[redacted]"));
    /* No run of 64 hex digits (a signature) anywhere. */
    for (at = log_text; *at; at++) {
        hex_run = ((*at >= '0' && *at <= '9') || (*at >= 'a' && *at <= 'f')) ? hex_run + 1 : 0;
        if (hex_run > longest) longest = hex_run;
    }
    CHECK(longest < 64);
    tcr_response_free(response);
    tcr_client_free(client);
}

/* tcr_call: checks before sending, the reply as JSON, errors, cancel. */
static void test_generic_call(void) {
    tcr_client *client = new_client(SECRET_KEY, 5000);
    tcr_response *out = NULL;
    tcr_cancel_token *cancel = tcr_cancel_token_new();
    tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
    long before = emulator_requests();
    static const struct {
        const char *action, *params, *field;
    } bad[] = {
        {"describeInstanceToken", "{}", "action"},
        {"Describe Token", "{}", "action"},
        {NULL, "{}", "action"},
        {"DescribeInstanceToken", "[1]", "params"},
        {"DescribeInstanceToken", "{\"RegistryId\":", "params"},
        {"DescribeInstanceToken", NULL, "params"},
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(tcr_call(client, bad[i].action, bad[i].params, NULL, &out) == TCR_INVALID_ARGUMENT);
        CHECK(contains(out->error_message, bad[i].field) && out->response_json == NULL && out->attempts == 0);
        tcr_response_free(out);
    }
    CHECK(tcr_call(client, "DescribeInstanceToken", "{}", NULL, NULL) == TCR_INVALID_ARGUMENT);
    tcr_cancel_token_cancel(cancel);
    settings.cancel = cancel;
    CHECK(tcr_call(client, "DescribeInstanceToken", "{}", &settings, &out) == TCR_CANCELLED);
    tcr_response_free(out);
    CHECK(emulator_requests() == before); /* nothing was sent */

    CHECK(tcr_call(client, "DescribeInstanceToken", "{\"RegistryId\": \"" REGISTRY "\"}", NULL, &out) == TCR_OK);
    CHECK(contains(out->response_json, "\"TotalCount\":") && contains(out->response_json, TOKEN));
    CHECK(out->request_id != NULL && contains(out->response_json, out->request_id));
    CHECK(out->http_status == 200 && out->attempts == 1 && out->error_message == NULL);
    tcr_response_free(out);

    CHECK(tcr_call(client, "DeleteInstanceToken", "{\"RegistryId\": \"" REGISTRY "\", \"TokenId\": \"nope\"}",
                   NULL, &out) == TCR_API_ERROR);
    CHECK(out->error_code != NULL && strcmp(out->error_code, "ResourceNotFound") == 0);
    CHECK(out->request_id != NULL && out->response_json == NULL && contains(out->error_message, "nope"));
    tcr_response_free(out);
    tcr_response_free(NULL);

    /* Parameters past TCR_MAX_STRING_LEN but within 1 MiB are sent (the
     * service then names the parameter it does not know); past 1 MiB they
     * are refused before sending. */
    {
        size_t sizes[2] = {100 * 1024, 1024 * 1024 + 1}, k;
        for (k = 0; k < 2; k++) {
            char *params = malloc(sizes[k] + 1);
            long sent_before = emulator_requests();
            tcr_status status;
            if (params == NULL) {
                CHECK(0);
                break;
            }
            memset(params, 'x', sizes[k]);
            memcpy(params, "{\"Padding\": \"", 13);
            memcpy(params + sizes[k] - 2, "\"}", 2);
            params[sizes[k]] = '\0';
            status = tcr_call(client, "DescribeInstanceToken", params, NULL, &out);
            if (k == 0) {
                CHECK(status == TCR_API_ERROR && out->error_code != NULL && strcmp(out->error_code, "UnknownParameter") == 0);
                CHECK(emulator_requests() == sent_before + 1);
            } else {
                CHECK(status == TCR_INVALID_ARGUMENT && contains(out->error_message, "params"));
                CHECK(emulator_requests() == sent_before);
            }
            tcr_response_free(out);
            free(params);
        }
    }
    tcr_cancel_token_free(cancel);
    tcr_client_free(client);
}

/* A program built against a newer header passes longer structs: with their
 * unknown tail zero they work, call included; with it set they are refused
 * with a message saying a newer libtcr is needed, and nothing is sent. */
static void test_longer_layouts(void) {
    struct {
        tcr_client_options known;
        uint64_t newer_option;
    } options;
    struct {
        tcr_modify_instance_token_request known;
        uint64_t newer_field;
    } request;
    struct {
        tcr_call_settings known;
        uint64_t newer_setting;
    } settings;
    tcr_client *client = NULL;
    tcr_response *response = NULL;
    char *error = NULL;
    long before;
    memset(&options, 0, sizeof options);
    memset(&request, 0, sizeof request);
    memset(&settings, 0, sizeof settings);
    options.known = emulator_options();
    options.known.struct_size = sizeof options;
    request.known.struct_size = sizeof request;
    request.known.registry_id = REGISTRY;
    request.known.token_id = TOKEN;
    request.known.enable = TCR_ENABLE_FALSE;
    settings.known.struct_size = sizeof settings;
    settings.known.timeout_ms = 5000;
    CHECK(tcr_client_new(&options.known, &client, &error) == TCR_OK);
    tcr_string_free(error);
    if (client == NULL) return;
    before = emulator_requests();
    CHECK(tcr_modify_instance_token(client, &request.known, &settings.known, &response) == TCR_OK);
    CHECK(response->request_id != NULL && emulator_requests() == before + 1);
    tcr_response_free(response);
    CHECK(tcr_call(client, "DescribeInstanceToken", "{\"RegistryId\": \"" REGISTRY "\"}", &settings.known, &response) ==
          TCR_OK);
    CHECK(contains(response->response_json, "\"Enabled\":false"));
    tcr_response_free(response);

    before = emulator_requests();
    request.newer_field = 1;
    CHECK(tcr_modify_instance_token(client, &request.known, &settings.known, &response) == TCR_INVALID_ARGUMENT);
    CHECK(contains(response->error_message, "needs a newer libtcr") && contains(response->error_message, "request"));
    tcr_response_free(response);
    request.newer_field = 0;
    settings.newer_setting = 1;
    CHECK(tcr_modify_instance_token(client, &request.known, &settings.known, &response) == TCR_INVALID_ARGUMENT);
    CHECK(contains(response->error_message, "needs a newer libtcr") && contains(response->error_message, "settings"));
    tcr_response_free(response);
    CHECK(emulator_requests() == before);
    tcr_client_free(client);
    options.newer_option = 1;
    client = NULL;
    CHECK(tcr_client_new(&options.known, &client, &error) == TCR_INVALID_ARGUMENT && client == NULL);
    CHECK(contains(error, "needs a newer libtcr") && contains(error, "options"));
    tcr_string_free(error);
}

/* Outputs: freed in any order, NULL accepted; a NULL client is refused by
 * every call, with a response saying so (and nothing sent). */
static void test_outputs_and_null_handles(void) {
    tcr_client *client = new_client(SECRET_KEY, 0);
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *a = NULL, *b = NULL, *c = NULL;
    tcr_prepared_request *p = NULL, *q = NULL;
    long before = emulator_requests();
    tcr_client_free(NULL);
    tcr_string_free(NULL);
    tcr_response_free(NULL);
    tcr_prepared_request_free(NULL);
    tcr_cancel_token_free(NULL);
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = TCR_ENABLE_TRUE;
    CHECK(tcr_modify_instance_token(NULL, &request, NULL, &a) == TCR_INVALID_ARGUMENT && contains(a->error_message, "client"));
    CHECK(tcr_call(NULL, "DescribeInstanceToken", "{}", NULL, &b) == TCR_INVALID_ARGUMENT && contains(b->error_message, "client"));
    CHECK(tcr_modify_instance_token_prepare(NULL, &request, NULL, &p) == TCR_INVALID_ARGUMENT && contains(p->error_message, "client"));
    CHECK(tcr_call_prepare(NULL, "DescribeInstanceToken", "{}", NULL, &q) == TCR_INVALID_ARGUMENT && contains(q->error_message, "client"));
    CHECK(tcr_modify_instance_token(client, NULL, NULL, &c) == TCR_INVALID_ARGUMENT && contains(c->error_message, "request"));
    CHECK(a->struct_size >= sizeof(tcr_response) && TCR_HAS_FIELD(a, tcr_response, response_json));
    CHECK(p->struct_size >= sizeof(tcr_prepared_request) && p->headers == NULL && p->header_count == 0);
    CHECK(emulator_requests() == before);
    /* Freed in another order than made, interleaved with the client's own free. */
    tcr_prepared_request_free(q);
    tcr_response_free(c);
    tcr_client_free(client);
    tcr_response_free(a);
    tcr_prepared_request_free(p);
    tcr_response_free(b);
}

int main(void) {
    emulator_url = getenv("TCR_EMULATOR_URL");
    if (emulator_url == NULL || strncmp(emulator_url, "http://127.0.0.1:", 17) != 0) {
        fprintf(stderr, "set TCR_EMULATOR_URL=http://127.0.0.1:PORT (run through tests/with-emulator.sh)\n");
        return 2;
    }

    test_version();
    test_outputs_and_null_handles();
    test_longer_layouts();
    test_seed_examples();
    test_api_error();
    test_bad_arguments();
    test_bad_options();
    test_transport_failures();
    test_threads_share_one_client();
    test_resilience_options();
    test_idle_connections();
    test_echoed_secrets();
    test_generic_call();

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
