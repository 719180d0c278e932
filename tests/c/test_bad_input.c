/*
 * Malformed calls through the C ABI. Every case must return its specific
 * status with a message naming the field, and the emulator at
 * $TCR_EMULATOR_URL must receive nothing. Ends with "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcr.h"
#include "emulator.h"

#define REGISTRY "tcr-12345"
#define TOKEN "2ab3af0d-893d-423f-91b1-27713566f95f"
#define SECRET_KEY "ctest-secret-key"

static int passed, failed, cases;
static const char *emulator_url;

static void check(int ok, const char *name, const char *detail) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s: %s\n", name, detail ? detail : "(no message)");
    }
}

static long emulator_requests(void) { return emulator_stat(emulator_url, "requests"); }

static char *repeat(const char *unit, size_t times) {
    size_t n = strlen(unit);
    char *out = malloc(n * times + 1), *p = out;
    size_t i;
    for (i = 0; i < times; i++, p += n) memcpy(p, unit, n);
    *p = '\0';
    return out;
}

/* ---- tcr_modify_instance_token ---- */

struct request_case {
    const char *name;
    int null_client, null_request;
    const char *registry_id, *token_id, *desc;
    int32_t enable, modify_flag;
    uint32_t timeout_ms;
    const char *field;
};

/* A refused call: TCR_INVALID_ARGUMENT and a response naming the field. */
static void expect_refused(tcr_status status, const tcr_response *response, const char *field, const char *name) {
    cases++;
    check(status == TCR_INVALID_ARGUMENT && response != NULL && response->error_message != NULL &&
              strstr(response->error_message, field) && response->request_id == NULL && response->attempts == 0 &&
              response->http_status == 0 && response->response_json == NULL,
          name, response ? response->error_message : "no response");
}

/* Makes the call (which sets `response`), then checks and frees it: in
 * that order, which function arguments would not guarantee. */
#define EXPECT_REFUSED(call, field, name)                 \
    do {                                                  \
        tcr_status status_ = (call);                      \
        expect_refused(status_, response, field, name);   \
        tcr_response_free(response);                      \
        response = NULL;                                  \
    } while (0)

static void run_request_case(tcr_client *client, const struct request_case *c) {
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
    tcr_response *response = NULL;
    tcr_status status;
    request.registry_id = c->registry_id;
    request.token_id = c->token_id;
    request.desc = c->desc;
    request.enable = c->enable;
    request.modify_flag = c->modify_flag;
    settings.timeout_ms = c->timeout_ms;
    status = tcr_modify_instance_token(c->null_client ? NULL : client, c->null_request ? NULL : &request, &settings,
                                       &response);
    expect_refused(status, response, c->field, c->name);
    tcr_response_free(response);
}

/* ---- struct_size of each extensible input ---- */

/* A layout as a program built against a newer header would pass it: the
 * known struct, then a field this library does not know. */
#define LONGER(type) \
    struct {         \
        type known;  \
        uint64_t newer_field; \
    }

static void run_struct_size_cases(tcr_client *client) {
    static const size_t bad_sizes[] = {0, 1, sizeof(size_t), 4097};
    tcr_modify_instance_token_request good = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    tcr_prepared_request *prepared = NULL;
    size_t i;
    good.registry_id = REGISTRY;
    good.token_id = TOKEN;
    good.enable = TCR_ENABLE_TRUE;
    for (i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        tcr_modify_instance_token_request request = good;
        tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
        tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
        tcr_client *out = (tcr_client *)&options;
        char *error = NULL;
        char name[96];
        tcr_status status;
        request.struct_size = bad_sizes[i];
        snprintf(name, sizeof name, "request.struct_size %zu", bad_sizes[i]);
        EXPECT_REFUSED(tcr_modify_instance_token(client, &request, NULL, &response), "TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT", name);
        snprintf(name, sizeof name, "prepare: request.struct_size %zu", bad_sizes[i]);
        cases++;
        status = tcr_modify_instance_token_prepare(client, &request, NULL, &prepared);
        check(status == TCR_INVALID_ARGUMENT && strstr(prepared->error_message, "struct_size") &&
                  prepared->header_count == 0,
              name, prepared->error_message);
        tcr_prepared_request_free(prepared);
        settings.struct_size = bad_sizes[i];
        snprintf(name, sizeof name, "settings.struct_size %zu", bad_sizes[i]);
        EXPECT_REFUSED(tcr_modify_instance_token(client, &good, &settings, &response), "TCR_CALL_SETTINGS_INIT", name);
        snprintf(name, sizeof name, "tcr_call: settings.struct_size %zu", bad_sizes[i]);
        EXPECT_REFUSED(tcr_call(client, "DescribeInstanceToken", "{}", &settings, &response), "settings", name);
        options.struct_size = bad_sizes[i];
        options.secret_id = "AKIDCTEST";
        options.secret_key = SECRET_KEY;
        options.region = "ap-guangzhou";
        cases++;
        snprintf(name, sizeof name, "options.struct_size %zu", bad_sizes[i]);
        status = tcr_client_new(&options, &out, &error);
        check(status == TCR_INVALID_ARGUMENT && out == NULL && error &&
                  strstr(error, "TCR_CLIENT_OPTIONS_INIT"),
              name, error);
        tcr_string_free(error);
    }
    /* Longer layouts: accepted with a zero tail (next block), refused with a set one. */
    {
        LONGER(tcr_modify_instance_token_request) request;
        LONGER(tcr_call_settings) settings;
        LONGER(tcr_client_options) options;
        tcr_client *out = NULL;
        char *error = NULL;
        tcr_status status;
        memset(&request, 0, sizeof request);
        memset(&settings, 0, sizeof settings);
        memset(&options, 0, sizeof options);
        request.known = good;
        request.known.struct_size = sizeof request;
        request.newer_field = 7;
        settings.known.struct_size = sizeof settings;
        settings.newer_field = 7;
        options.known.struct_size = sizeof options;
        options.known.secret_id = "AKIDCTEST";
        options.known.secret_key = SECRET_KEY;
        options.known.region = "ap-guangzhou";
        options.newer_field = 7;
        EXPECT_REFUSED(tcr_modify_instance_token(client, &request.known, NULL, &response), "needs a newer libtcr", "request with an unknown field set");
        EXPECT_REFUSED(tcr_modify_instance_token(client, &good, &settings.known, &response), "needs a newer libtcr", "settings with an unknown field set");
        cases++;
        status = tcr_client_new(&options.known, &out, &error);
        check(status == TCR_INVALID_ARGUMENT && out == NULL && error &&
                  strstr(error, "needs a newer libtcr"),
              "options with an unknown field set", error);
        tcr_string_free(error);
    }
}

/* ---- tcr_client_new ---- */

struct option_case {
    const char *name;
    void (*edit)(tcr_client_options *);
    tcr_status status;
    const char *field;
};

static char not_utf8[] = {'A', 'K', 'I', 'D', (char)0xc3, (char)0x28, 0};
static char *long_region;
static const char *profile_path;

#define EDIT(fn, body) \
    static void fn(tcr_client_options *o) { body; }
EDIT(secret_id_only, o->secret_key = NULL)
EDIT(secret_key_only, o->secret_id = NULL)
EDIT(token_only, (o->secret_id = NULL, o->secret_key = NULL, o->session_token = "tok"))
EDIT(secret_id_not_utf8, o->secret_id = not_utf8)
EDIT(secret_key_space, o->secret_key = "has space")
EDIT(secret_id_comma, o->secret_id = "AKID,x")
EDIT(secret_id_slash, o->secret_id = "AKID/x")
EDIT(token_newline, o->session_token = "tok\r\nX-Injected: 1")
EDIT(secret_id_empty, o->secret_id = "")
EDIT(region_empty, o->region = "")
EDIT(region_space, o->region = "ap guangzhou")
EDIT(region_long, o->region = long_region)
/* Not the developer's tccli either: its .configure would give a region. */
EDIT(region_null, (o->region = NULL, o->tccli_dir = "/nonexistent/tccli"))
EDIT(endpoint_ftp, o->endpoint = "ftp://tcr.tencentcloudapi.com")
EDIT(endpoint_port0, o->endpoint = "http://127.0.0.1:0")
EDIT(endpoint_port_big, o->endpoint = "https://127.0.0.1:70000")
EDIT(endpoint_port_text, o->endpoint = "127.0.0.1:http")
EDIT(endpoint_path, o->endpoint = "https://tcr.tencentcloudapi.com/v2")
EDIT(endpoint_query, o->endpoint = "tcr.tencentcloudapi.com?x=1")
EDIT(endpoint_userinfo, o->endpoint = "https://user:pw@tcr.tencentcloudapi.com")
EDIT(endpoint_empty, o->endpoint = "")
EDIT(endpoint_space, o->endpoint = "tcr tencentcloudapi.com")
EDIT(endpoint_not_utf8, o->endpoint = not_utf8)
EDIT(language_fr, o->language = "fr-FR")
EDIT(language_case, o->language = "zh-cn")
EDIT(timeout_big, o->timeout_ms = 600001)
EDIT(connect_timeout_big, o->connect_timeout_ms = 600001)
EDIT(attempts_big, o->max_attempts = 11)
EDIT(rate_negative, o->rate_limit = -2.0)
EDIT(rate_nan, o->rate_limit = NAN)
EDIT(rate_huge, o->rate_limit = 1e9)
EDIT(rate_and_off, (o->rate_limit = 5.0, o->disable_rate_limit = 1))
EDIT(burst_huge, o->rate_burst = 100001)
EDIT(root_domain_port, o->root_domain = "example.com:443")
EDIT(endpoint_and_regional, (o->endpoint = "tcr.example.com", o->regional_endpoint = 1))
EDIT(proxy_socks, o->proxy = "socks5://127.0.0.1:1080")
EDIT(proxy_garbage, o->proxy = "::not a url::")
EDIT(ca_missing, o->ca_bundle = "/nonexistent/tcr/ca.pem")
EDIT(ca_not_pem, o->ca_bundle = profile_path)
EDIT(profile_missing_section,
     (o->secret_id = NULL, o->secret_key = NULL, o->credentials_file = profile_path, o->profile = "absent"))
EDIT(credentials_file_missing,
     (o->secret_id = NULL, o->secret_key = NULL, o->credentials_file = "/nonexistent/tcr/credentials"))

static const struct option_case option_cases[] = {
    {"secret_id without secret_key", secret_id_only, TCR_CREDENTIALS, "secret_key"},
    {"secret_key without secret_id", secret_key_only, TCR_CREDENTIALS, "secret_id"},
    {"session_token without a key pair", token_only, TCR_CREDENTIALS, "session_token"},
    {"secret_id not UTF-8", secret_id_not_utf8, TCR_CREDENTIALS, "secret_id"},
    {"secret_key with a space", secret_key_space, TCR_CREDENTIALS, "secret_key"},
    {"secret_id with a comma", secret_id_comma, TCR_CREDENTIALS, "secret_id"},
    {"secret_id with a slash", secret_id_slash, TCR_CREDENTIALS, "secret_id"},
    {"session_token with CR LF", token_newline, TCR_CREDENTIALS, "session_token"},
    {"empty secret_id", secret_id_empty, TCR_CREDENTIALS, "secret_id"},
    {"empty region", region_empty, TCR_INVALID_ARGUMENT, "region"},
    {"region with a space", region_space, TCR_INVALID_ARGUMENT, "region"},
    {"region of 65 bytes", region_long, TCR_INVALID_ARGUMENT, "region"},
    {"no region anywhere", region_null, TCR_INVALID_ARGUMENT, "region"},
    {"endpoint with scheme ftp", endpoint_ftp, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint port 0", endpoint_port0, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint port 70000", endpoint_port_big, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint port not a number", endpoint_port_text, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint with a path", endpoint_path, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint with a query", endpoint_query, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint with user info", endpoint_userinfo, TCR_INVALID_ARGUMENT, "endpoint"},
    {"empty endpoint", endpoint_empty, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint with a space", endpoint_space, TCR_INVALID_ARGUMENT, "endpoint"},
    {"endpoint not UTF-8", endpoint_not_utf8, TCR_INVALID_ARGUMENT, "endpoint"},
    {"unknown language", language_fr, TCR_INVALID_ARGUMENT, "language"},
    {"language in the wrong case", language_case, TCR_INVALID_ARGUMENT, "language"},
    {"timeout over 600 s", timeout_big, TCR_INVALID_ARGUMENT, "timeout"},
    {"connect timeout over 600 s", connect_timeout_big, TCR_INVALID_ARGUMENT, "connect_timeout"},
    {"max_attempts 11", attempts_big, TCR_INVALID_ARGUMENT, "max_attempts"},
    {"negative rate limit", rate_negative, TCR_INVALID_ARGUMENT, "rate_limit"},
    {"NaN rate limit", rate_nan, TCR_INVALID_ARGUMENT, "rate_limit"},
    {"rate limit 1e9", rate_huge, TCR_INVALID_ARGUMENT, "rate_limit"},
    {"a rate limit and disable_rate_limit", rate_and_off, TCR_INVALID_ARGUMENT, "rate_limit"},
    {"burst over the bound", burst_huge, TCR_INVALID_ARGUMENT, "rate_burst"},
    {"root domain with a port", root_domain_port, TCR_INVALID_ARGUMENT, "root_domain"},
    {"endpoint and regional_endpoint", endpoint_and_regional, TCR_INVALID_ARGUMENT, "endpoint"},
    {"socks proxy", proxy_socks, TCR_INVALID_ARGUMENT, "proxy"},
    {"proxy that is not a URL", proxy_garbage, TCR_INVALID_ARGUMENT, "proxy"},
    {"missing CA bundle", ca_missing, TCR_INVALID_ARGUMENT, "ca_bundle"},
    {"CA bundle that is not PEM", ca_not_pem, TCR_INVALID_ARGUMENT, "ca_bundle"},
    {"profile section that does not exist", profile_missing_section, TCR_CREDENTIALS, "[absent]"},
    {"credentials file that does not exist", credentials_file_missing, TCR_CREDENTIALS, "/nonexistent/tcr/credentials"},
};

static void run_option_case(const struct option_case *c) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    tcr_client *client = (tcr_client *)&options; /* must come back NULL */
    char *error = NULL;
    tcr_status status;
    options.secret_id = "AKIDCTEST";
    options.secret_key = SECRET_KEY;
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    options.disable_metadata = 1;
    c->edit(&options);
    status = tcr_client_new(&options, &client, &error);
    cases++;
    check(status == c->status && client == NULL && error != NULL && strstr(error, c->field) != NULL &&
              strstr(error, SECRET_KEY) == NULL,
          c->name, error);
    tcr_string_free(error);
}

int main(void) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    tcr_client *client = NULL;
    tcr_response *response = NULL;
    char *id129 = repeat("a", 129), *desc1025 = repeat("d", 1025), *cjk1025 = repeat("\xe6\x8f\x8f", 1025);
    char *huge = repeat("x", 70000);
    char profile_file[] = "/tmp/tcr-bad-input-XXXXXX";
    long before;
    size_t i;
    int fd;

    emulator_url = getenv("TCR_EMULATOR_URL");
    if (emulator_url == NULL || strncmp(emulator_url, "http://127.0.0.1:", 17) != 0) {
        fprintf(stderr, "set TCR_EMULATOR_URL (run through tests/with-emulator.sh)\n");
        return 2;
    }
    long_region = repeat("r", 65);
    fd = mkstemp(profile_file);
    if (fd < 0 || write(fd, "[default]\nsecret_id = AKIDCTEST\nsecret_key = x\n", 47) != 47) return 2;
    close(fd);
    profile_path = profile_file;
    before = emulator_requests();

    options.secret_id = "AKIDCTEST";
    options.secret_key = SECRET_KEY;
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 2;

    {
        const struct request_case request_cases[] = {
            {"NULL client", 1, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "client"},
            {"NULL request", 0, 1, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "request"},
            {"NULL registry_id", 0, 0, NULL, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
            {"NULL token_id", 0, 0, REGISTRY, NULL, NULL, TCR_ENABLE_TRUE, 0, 0, "token_id"},
            {"empty registry_id", 0, 0, "", TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
            {"empty token_id", 0, 0, REGISTRY, "", NULL, TCR_ENABLE_TRUE, 0, 0, "token_id"},
            {"registry_id not UTF-8", 0, 0, not_utf8, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
            {"token_id not UTF-8", 0, 0, REGISTRY, not_utf8, NULL, TCR_ENABLE_TRUE, 0, 0, "token_id"},
            {"desc not UTF-8", 0, 0, REGISTRY, TOKEN, not_utf8, 0, 1, 0, "desc"},
            {"registry_id with a control character", 0, 0, "tcr-\x01", TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
            {"token_id with a newline", 0, 0, REGISTRY, "2ab3\n", NULL, TCR_ENABLE_TRUE, 0, 0, "token_id"},
            {"registry_id with a space", 0, 0, "tcr 12345", TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
            {"desc with a bell character", 0, 0, REGISTRY, TOKEN, "ring\a", 0, 1, 0, "desc"},
            {"desc with a newline", 0, 0, REGISTRY, TOKEN, "two\nlines", 0, 1, 0, "desc"},
            {"registry_id of 129 bytes", 0, 0, id129, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
            {"token_id of 129 bytes", 0, 0, REGISTRY, id129, NULL, TCR_ENABLE_TRUE, 0, 0, "token_id"},
            {"desc of 1025 characters", 0, 0, REGISTRY, TOKEN, desc1025, 0, 1, 0, "desc"},
            {"desc of 1025 CJK characters", 0, 0, REGISTRY, TOKEN, cjk1025, 0, 1, 0, "desc"},
            {"registry_id of 70000 bytes", 0, 0, huge, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 0, "registry_id"},
            {"modify_flag 3", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 3, 0, "modify_flag"},
            {"modify_flag -1", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, -1, 0, "modify_flag"},
            {"modify_flag INT32_MAX", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, INT32_MAX, 0, "modify_flag"},
            {"modify_flag INT32_MIN", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, INT32_MIN, 0, "modify_flag"},
            {"modify_flag 1 without desc", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 1, 0, "desc"},
            {"modify_flag 2 without enable", 0, 0, REGISTRY, TOKEN, NULL, 0, 2, 0, "enable"},
            {"desc alone, no flag (the default is 2)", 0, 0, REGISTRY, TOKEN, "x", 0, 0, 0, "enable"},
            {"enable 3", 0, 0, REGISTRY, TOKEN, NULL, 3, 0, 0, "enable"},
            {"enable -1", 0, 0, REGISTRY, TOKEN, NULL, -1, 0, 0, "enable"},
            {"per-call timeout 600001 ms", 0, 0, REGISTRY, TOKEN, NULL, TCR_ENABLE_TRUE, 0, 600001, "timeout"},
        };
        for (i = 0; i < sizeof request_cases / sizeof request_cases[0]; i++) run_request_case(client, &request_cases[i]);
    }

    /* NULL out-pointers: a status only, and nothing sent. */
    {
        tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
        request.registry_id = REGISTRY;
        request.token_id = TOKEN;
        request.enable = TCR_ENABLE_TRUE;
        cases += 4;
        check(tcr_modify_instance_token(client, &request, NULL, NULL) == TCR_INVALID_ARGUMENT, "NULL response_out", NULL);
        check(tcr_call(client, "DescribeInstanceToken", "{}", NULL, NULL) == TCR_INVALID_ARGUMENT,
              "tcr_call: NULL response_out", NULL);
        check(tcr_modify_instance_token_prepare(client, &request, NULL, NULL) == TCR_INVALID_ARGUMENT,
              "NULL prepared_out", NULL);
        check(tcr_call_prepare(client, "DescribeInstanceToken", "{}", NULL, NULL) == TCR_INVALID_ARGUMENT,
              "tcr_call_prepare: NULL prepared_out", NULL);
    }
    run_struct_size_cases(client);
    /* The generic call's and its prepare's own arguments. */
    {
        static const struct {
            const char *name, *action, *params, *field;
        } call_cases[] = {
            {"tcr_call: NULL action", NULL, "{}", "action"},
            {"tcr_call: lower-case action", "describeInstanceToken", "{}", "action"},
            {"tcr_call: action with a space", "Describe Token", "{}", "action"},
            {"tcr_call: NULL params", "DescribeInstanceToken", NULL, "params"},
            {"tcr_call: params an array", "DescribeInstanceToken", "[]", "params"},
            {"tcr_call: params cut short", "DescribeInstanceToken", "{\"A\":", "params"},
        };
        for (i = 0; i < sizeof call_cases / sizeof call_cases[0]; i++) {
            tcr_prepared_request *prepared = NULL;
            EXPECT_REFUSED(tcr_call(client, call_cases[i].action, call_cases[i].params, NULL, &response), call_cases[i].field, call_cases[i].name);
            tcr_status status = tcr_call_prepare(client, call_cases[i].action, call_cases[i].params, NULL, &prepared);
            cases++;
            check(status == TCR_INVALID_ARGUMENT && strstr(prepared->error_message, call_cases[i].field) &&
                      prepared->body == NULL,
                  call_cases[i].name, prepared->error_message);
            tcr_prepared_request_free(prepared);
        }
    }

    /* tcr_client_new's own pointers. */
    {
        char *error = NULL;
        tcr_client *out = NULL;
        cases += 2;
        check(tcr_client_new(NULL, &out, &error) == TCR_INVALID_ARGUMENT && error && strstr(error, "options"),
              "NULL options", error);
        tcr_string_free(error);
        check(tcr_client_new(&options, NULL, &error) == TCR_INVALID_ARGUMENT && error && strstr(error, "client_out"),
              "NULL client_out", error);
        tcr_string_free(error);
    }
    for (i = 0; i < sizeof option_cases / sizeof option_cases[0]; i++) run_option_case(&option_cases[i]);

    /* Free functions accept NULL. (Using an object after its free function
       is forbidden by the header and not exercised.) */
    tcr_client_free(NULL);
    tcr_string_free(NULL);
    tcr_response_free(response);
    tcr_prepared_request_free(NULL);
    tcr_cancel_token_free(NULL);
    tcr_client_free(client);

    check(before >= 0 && emulator_requests() == before, "the emulator received nothing", NULL);
    printf("%d distinct malformed calls\n", cases);
    check(cases >= 100, "at least 100 cases", NULL);
    unlink(profile_file);
    free(id129);
    free(desc1025);
    free(cjk1025);
    free(huge);
    free(long_region);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
