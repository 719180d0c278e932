/*
 * Cancellation through the C ABI, against a running tcr-emulator: a call
 * waiting for a slow reply ends within milliseconds of
 * tcr_cancel_token_cancel on another thread, with TCR_CANCELLED; the next
 * call on the client gets its own reply; a token cancelled before a call
 * sends nothing.
 *
 * Environment (tests/with-emulator.sh): TCR_EMULATOR_URL of an emulator
 * started with --key AKIDCTEST:ctest-secret-key --rate 0.
 * Ends with "N passed, N failed"; exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcr.h"
#include "emulator.h"
#include "check.h"

#define REGISTRY "tcr-12345"
#define TOKEN "2ab3af0d-893d-423f-91b1-27713566f95f"


static const char *emulator_url;



static tcr_client *new_client(void) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    tcr_client *client = NULL;
    options.secret_id = "AKIDCTEST";
    options.secret_key = "ctest-secret-key";
    options.region = "ap-guangzhou";
    options.endpoint = emulator_url;
    options.disable_rate_limit = 1;
    options.timeout_ms = 10000;
    return tcr_client_new(&options, &client, NULL) == TCR_OK ? client : NULL;
}

/* tcr_modify_instance_token with `cancel` (NULL: none) as its only setting. */
static tcr_status modify_with_cancel(tcr_client *client, const tcr_modify_instance_token_request *request,
                                     tcr_cancel_token *cancel, tcr_response **response) {
    tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
    settings.cancel = cancel;
    return tcr_modify_instance_token(client, request, &settings, response);
}

struct slow_call {
    tcr_client *client;
    tcr_cancel_token *cancel;
    tcr_status status;
    tcr_response *response;
    double returned_ms;
};

static void *run_call(void *arg) {
    struct slow_call *call = arg;
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = TCR_ENABLE_FALSE;
    call->status = modify_with_cancel(call->client, &request, call->cancel, &call->response);
    call->returned_ms = now_ms();
    return NULL;
}

static tcr_status plain_call(tcr_client *client, int enable, unsigned *attempts) {
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = NULL;
    tcr_status status;
    request.registry_id = REGISTRY;
    request.token_id = TOKEN;
    request.enable = enable ? TCR_ENABLE_TRUE : TCR_ENABLE_FALSE;
    status = modify_with_cancel(client, &request, NULL, &response);
    if (attempts) *attempts = response->attempts;
    tcr_response_free(response);
    return status;
}

static void test_cancel_during_a_slow_reply(void) {
    struct slow_call call;
    struct timespec wait = {0, 200000000L};
    pthread_t thread;
    double cancelled_ms, next_started;
    unsigned attempts = 0;
    char *state;
    memset(&call, 0, sizeof call);
    call.client = new_client();
    call.cancel = tcr_cancel_token_new();
    CHECK(call.client != NULL && call.cancel != NULL);
    if (call.client == NULL || call.cancel == NULL) return;
    CHECK(plain_call(call.client, 1, NULL) == TCR_OK); /* a pooled connection */

    free(emulator_call(emulator_url, "POST", "/_emulator/fault?mode=delay&delay_ms=3000&count=1"));
    CHECK(pthread_create(&thread, NULL, run_call, &call) == 0);
    nanosleep(&wait, NULL);
    cancelled_ms = now_ms();
    tcr_cancel_token_cancel(call.cancel);
    tcr_cancel_token_cancel(call.cancel); /* idempotent */
    pthread_join(thread, NULL);
    printf("cancel during an attempt: returned %.2f ms after the cancel\n", call.returned_ms - cancelled_ms);
    CHECK(call.status == TCR_CANCELLED);
    CHECK(call.returned_ms - cancelled_ms < 250.0);
    CHECK(contains(call.response->error_message, "may already have been sent"));
    CHECK(call.response->attempts == 1 && call.response->request_id == NULL);
    CHECK(tcr_cancel_token_is_cancelled(call.cancel) == 1);
    tcr_response_free(call.response);

    /* The next call, while the emulator still holds the abandoned request. */
    next_started = now_ms();
    CHECK(plain_call(call.client, 1, &attempts) == TCR_OK);
    CHECK(attempts == 1);
    CHECK(now_ms() - next_started < 2000.0);
    state = emulator_call(emulator_url, "GET", "/_emulator/state");
    CHECK(contains(state, "\"enabled\":true"));
    free(state);

    /* A cancelled token keeps cancelling: the next call with it sends nothing. */
    {
        long before = emulator_stat(emulator_url, "requests");
        CHECK(modify_with_cancel(call.client, &(tcr_modify_instance_token_request){
                  .struct_size = sizeof(tcr_modify_instance_token_request), .registry_id = REGISTRY, .token_id = TOKEN, .enable = TCR_ENABLE_TRUE},
                  call.cancel, &call.response) == TCR_CANCELLED);
        CHECK(contains(call.response->error_message, "nothing was sent"));
        CHECK(call.response->attempts == 0);
        CHECK(emulator_stat(emulator_url, "requests") == before);
        tcr_response_free(call.response);
    }
    tcr_cancel_token_free(call.cancel);
    tcr_client_free(call.client);
}

/* A token freed while its call runs: the call holds its own reference. */
static void test_free_while_running(void) {
    struct slow_call call;
    struct timespec wait = {0, 100000000L};
    pthread_t thread;
    memset(&call, 0, sizeof call);
    call.client = new_client();
    call.cancel = tcr_cancel_token_new();
    if (call.client == NULL || call.cancel == NULL) {
        CHECK(0);
        return;
    }
    free(emulator_call(emulator_url, "POST", "/_emulator/fault?mode=delay&delay_ms=300&count=1"));
    CHECK(pthread_create(&thread, NULL, run_call, &call) == 0);
    nanosleep(&wait, NULL);
    tcr_cancel_token_free(call.cancel);
    pthread_join(thread, NULL);
    CHECK(call.status == TCR_OK); /* never cancelled */
    tcr_response_free(call.response);
    tcr_client_free(call.client);
}

static void test_token_functions(void) {
    tcr_cancel_token *token = tcr_cancel_token_new();
    CHECK(token != NULL);
    CHECK(tcr_cancel_token_is_cancelled(token) == 0);
    tcr_cancel_token_cancel(token);
    CHECK(tcr_cancel_token_is_cancelled(token) == 1);
    tcr_cancel_token_free(token);
    tcr_cancel_token_cancel(NULL);
    tcr_cancel_token_free(NULL);
    CHECK(tcr_cancel_token_is_cancelled(NULL) == 0);
    CHECK(strcmp(tcr_status_name(TCR_CANCELLED), "TCR_CANCELLED") == 0);
    CHECK(TCR_CANCELLED == 8);
    CHECK(contains(tcr_status_description(TCR_CANCELLED), "may already have been sent"));
}

int main(void) {
    emulator_url = getenv("TCR_EMULATOR_URL");
    if (emulator_port_of(emulator_url) < 0) {
        fprintf(stderr, "set TCR_EMULATOR_URL=http://127.0.0.1:PORT (run through tests/with-emulator.sh)\n");
        return 2;
    }
    test_token_functions();
    test_cancel_during_a_slow_reply();
    test_free_while_running();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
