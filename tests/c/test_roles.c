/*
 * Roles and workload identity through the C ABI (the fields appended to
 * tcr_client_options in 0.2.1), against an emulator started with
 * --sts-role ROLE --oidc-provider PROVIDER --oidc-role ROLE --oidc-token TOKEN.
 * Compiled twice: against include/tcr.h, and (-DTCR_TEST_0_2_0_HEADER)
 * against the 0.2.0 header, before those fields existed, where it checks
 * that such a program still works with this library.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tcr.h"
#include "check.h"
#include "emulator.h"

#define SECRET_ID "AKIDCTEST"
#define SECRET_KEY "ctest-secret-key"
#define ROLE "qcs::cam::uin/100000000001:roleName/c-deployer"
#define PROVIDER "c-oidc-provider"
#define OIDC_TOKEN "eyJhbGciOiJSUzI1NiJ9.c-projected-token.sig"

static const char *emulator_url;

static tcr_status enable_once(tcr_client *client) {
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    tcr_status status;
    request.registry_id = "tcr-12345";
    request.token_id = "2ab3af0d-893d-423f-91b1-27713566f95f";
    request.enable = TCR_ENABLE_TRUE;
    status = tcr_modify_instance_token(client, &request, NULL, &response);
    if (status != TCR_OK) fprintf(stderr, "call: %s\n", response ? response->error_message : "?");
    tcr_response_free(response);
    return status;
}

static tcr_client_options base_options(void) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    options.secret_id = SECRET_ID;
    options.secret_key = SECRET_KEY;
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    options.disable_rate_limit = 1;
    options.disable_metadata = 1;
    return options;
}

#ifdef TCR_TEST_0_2_0_HEADER
/* A program built before the role fields existed passes the 0.2.0 size:
 * the library reads that much, and the fields it does not know are "not
 * set". */
static void test_a_0_2_0_program(void) {
    tcr_client_options options = base_options();
    tcr_client *client = NULL;
    char *error = NULL;
    CHECK(options.struct_size == sizeof(tcr_client_options));
    CHECK(tcr_client_new(&options, &client, &error) == TCR_OK);
    CHECK(enable_once(client) == TCR_OK);
    tcr_client_free(client);
    tcr_string_free(error);
    CHECK(emulator_stat(emulator_url, "accepted") == 1);
    CHECK(emulator_stat(emulator_url, "sts_assume_role") == 0);
}
#else
static void test_role_options(void) {
    tcr_client_options options = base_options();
    tcr_client *client = NULL;
    char *error = NULL, *source;
    long before = emulator_stat(emulator_url, "accepted");
    options.role_arn = ROLE;
    options.role_session_name = "c-session";
    options.role_duration_seconds = 900;
    options.sts_endpoint = emulator_url;
    CHECK(tcr_client_new(&options, &client, &error) == TCR_OK);
    source = tcr_client_credential_source(client);
    CHECK(contains(source, "STS AssumeRole " ROLE " (session c-session) over explicit options"));
    CHECK(!contains(source, SECRET_KEY));
    tcr_string_free(source);
    CHECK(enable_once(client) == TCR_OK);
    CHECK(enable_once(client) == TCR_OK);
    CHECK(emulator_stat(emulator_url, "sts_assume_role") == 1);
    CHECK(emulator_stat(emulator_url, "accepted") == before + 3);
    tcr_client_free(client);
    CHECK(tcr_client_credential_source(NULL) == NULL);

    /* A bad duration names the problem; nothing is sent. */
    before = emulator_stat(emulator_url, "requests");
    options.role_duration_seconds = 50000;
    CHECK(tcr_client_new(&options, &client, &error) == TCR_CREDENTIALS && client == NULL);
    CHECK(contains(error, "43200"));
    tcr_string_free(error);
    error = NULL;
    CHECK(emulator_stat(emulator_url, "requests") == before);

    /* An unknown source is refused. */
    options = base_options();
    options.credential_source = "somewhere";
    CHECK(tcr_client_new(&options, &client, &error) == TCR_INVALID_ARGUMENT);
    CHECK(contains(error, "credential_source"));
    tcr_string_free(error);
}

static void test_workload_identity_options(void) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    tcr_client *client = NULL;
    char *error = NULL, *source, path[] = "/tmp/tcr-c-oidc-XXXXXX";
    int fd = mkstemp(path);
    FILE *file = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(file != NULL);
    if (file == NULL) return;
    fputs(OIDC_TOKEN "\n", file);
    fclose(file);
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    options.disable_rate_limit = 1;
    options.disable_metadata = 1;
    options.oidc_provider_id = PROVIDER;
    options.web_identity_token_file = path;
    options.role_arn = ROLE;
    options.sts_endpoint = emulator_url;
    options.tccli_dir = "/nonexistent/tccli";
    options.credential_source = "explicit";
    CHECK(tcr_client_new(&options, &client, &error) == TCR_OK);
    source = tcr_client_credential_source(client);
    CHECK(contains(source, "TKE OIDC (options)") && !contains(source, OIDC_TOKEN));
    tcr_string_free(source);
    CHECK(enable_once(client) == TCR_OK);
    CHECK(emulator_stat(emulator_url, "sts_web_identity") == 1);
    tcr_client_free(client);
    remove(path);

    /* Half set: no token file. */
    options.web_identity_token_file = NULL;
    CHECK(tcr_client_new(&options, &client, &error) == TCR_CREDENTIALS);
    CHECK(contains(error, "web_identity_token_file"));
    tcr_string_free(error);
}
#endif

int main(void) {
    emulator_url = getenv("TCR_EMULATOR_URL");
    if (emulator_url == NULL) {
        fprintf(stderr, "TCR_EMULATOR_URL is not set (run through tests/with-emulator.sh)\n");
        return 2;
    }
#ifdef TCR_TEST_0_2_0_HEADER
    test_a_0_2_0_program();
#else
    test_role_options();
    test_workload_identity_options();
#endif
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
