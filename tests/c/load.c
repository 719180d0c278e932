/*
 * Load: THREADS threads share one client and make CALLS calls each against
 * the emulator at $TCR_EMULATOR_URL (started with --rate 0; the client's
 * limiter is off). Checks zero failed calls, that the emulator accepted
 * every request, and that resident memory after warm-up stays within
 * MAX_GROWTH_KB. Usage: load [THREADS] [CALLS] [MAX_GROWTH_KB]
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcr.h"
#include "demo.h"
#include "emulator.h"

static tcr_client *client;
static long calls_per_thread;
static long done_calls;
static long failures;
static long rss_after_warmup_kb = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total_calls;

static void *worker(void *arg) {
    tcr_modify_instance_token_request request = seed_request();
    tcr_response *response = NULL;
    long i, failed_here = 0;
    (void)arg;
    for (i = 0; i < calls_per_thread; i++) {
        long done;
        request.enable = (i % 2) ? TCR_ENABLE_TRUE : TCR_ENABLE_FALSE;
        if (tcr_modify_instance_token(client, &request, NULL, &response) != TCR_OK) {
            if (failed_here++ < 3) fprintf(stderr, "call failed: %s\n", response->error_message);
        }
        tcr_response_free(response);
        pthread_mutex_lock(&lock);
        done = ++done_calls;
        /* Warm-up is the first tenth of all calls: pools, buffers and the
           runtime have reached their working size by then. */
        if (done == total_calls / 10) rss_after_warmup_kb = rss_kb();
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    failures += failed_here;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 8, i, ok;
    long max_growth_kb = argc > 3 ? atol(argv[3]) : 8192, rss_start, rss_end, accepted_before, accepted;
    const char *url = getenv("TCR_EMULATOR_URL");
    tcr_client_options options = demo_options(url);
    pthread_t *ids;
    double start, seconds;
    calls_per_thread = argc > 2 ? atol(argv[2]) : 10000;
    total_calls = calls_per_thread * threads;
    if (url == NULL || threads < 1 || calls_per_thread < 1) {
        fprintf(stderr, "usage: TCR_EMULATOR_URL=... load [THREADS] [CALLS] [MAX_GROWTH_KB]\n");
        return 2;
    }
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 2;
    accepted_before = emulator_stat(url, "accepted");
    rss_start = rss_kb();
    ids = malloc(sizeof *ids * (size_t)threads);
    start = monotonic_seconds();
    for (i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
    for (i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    seconds = monotonic_seconds() - start;
    rss_end = rss_kb();
    accepted = emulator_stat(url, "accepted") - accepted_before;
    tcr_client_free(client);
    free(ids);

    printf("load: %d threads x %ld calls = %ld calls in %.2f s (%.0f calls/s)\n", threads, calls_per_thread,
           total_calls, seconds, total_calls / seconds);
    printf("load: failed calls %ld, accepted by the emulator %ld\n", failures, accepted);
    printf("load: RSS %ld kB at start, %ld kB after warm-up, %ld kB at the end (growth %ld kB, bound %ld kB)\n",
           rss_start, rss_after_warmup_kb, rss_end, rss_end - rss_after_warmup_kb, max_growth_kb);
    ok = failures == 0 && accepted == total_calls && rss_after_warmup_kb > 0 &&
         rss_end - rss_after_warmup_kb <= max_growth_kb;
    printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
