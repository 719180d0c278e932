/* THREADS threads share one libtcr client and make CALLS calls each against
 * $TCR_EMULATOR_URL (demo key; limiter off). Prints "RESULT <calls/s>". */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tcr.h"

static tcr_client *client;
static long calls;
static int failures;

static void *worker(void *arg) {
    tcr_modify_instance_token_request request = {0};
    tcr_modify_instance_token_response response;
    long i;
    (void)arg;
    request.registry_id = "tcr-12345";
    request.token_id = "2ab3af0d-893d-423f-91b1-27713566f95f";
    request.enable = TCR_ENABLE_TRUE;
    for (i = 0; i < calls; i++) {
        if (tcr_modify_instance_token(client, &request, &response) != TCR_OK) __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
        tcr_modify_instance_token_response_free(&response);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1, i;
    tcr_client_options options = {0};
    pthread_t ids[64];
    struct timespec t0, t1;
    double seconds;
    calls = argc > 2 ? atol(argv[2]) : 10000;
    if (threads < 1 || threads > 64) return 2;
    options.secret_id = "AKIDEMULATOR0000000000000000000000000";
    options.secret_key = "EmulatorDemoSecretKey000000000000";
    options.region = "ap-guangzhou";
    options.endpoint = getenv("TCR_EMULATOR_URL");
    options.rate_limit = TCR_RATE_LIMIT_OFF;
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
    for (i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    tcr_client_free(client);
    if (failures) {
        fprintf(stderr, "%d calls failed\n", failures);
        return 1;
    }
    printf("RESULT %.1f\n", (double)calls * threads / seconds);
    return 0;
}
