/* THREADS threads share one libtcr client and make CALLS calls each against
 * $TCR_EMULATOR_URL (demo key; limiter off). Prints "RESULT <calls/s>".
 *   c_client [THREADS [CALLS [cancel]]]   "cancel": each call gets a cancel
 *                                          token (never cancelled) in its settings */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "tcr.h"
#include "demo.h"

static tcr_client *client;
static long calls;
static int failures;
static tcr_cancel_token *cancel; /* NULL: calls take no settings */

static void *worker(void *arg) {
    tcr_modify_instance_token_request request = seed_request();
    tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
    tcr_response *response = NULL;
    long i;
    (void)arg;
    settings.cancel = cancel;
    for (i = 0; i < calls; i++) {
        if (tcr_modify_instance_token(client, &request, cancel ? &settings : NULL, &response) != TCR_OK)
            __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
        tcr_response_free(response);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1, i;
    tcr_client_options options = demo_options(getenv("TCR_EMULATOR_URL"));
    pthread_t ids[64];
    double start, seconds;
    calls = argc > 2 ? atol(argv[2]) : 10000;
    if (argc > 3 && strcmp(argv[3], "cancel") == 0) cancel = tcr_cancel_token_new();
    if (threads < 1 || threads > 64) return 2;
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 2;
    start = monotonic_seconds();
    for (i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
    for (i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    seconds = monotonic_seconds() - start;
    tcr_client_free(client);
    tcr_cancel_token_free(cancel);
    if (failures) {
        fprintf(stderr, "%d calls failed\n", failures);
        return 1;
    }
    printf("RESULT %.1f\n", (double)calls * threads / seconds);
    return 0;
}
