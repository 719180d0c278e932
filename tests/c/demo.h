/*
 * What the load test and the C benchmarks share: a client for the emulator's
 * demo key pair with the client-side limiter off, the seed's first example,
 * a monotonic clock and the process's resident memory. Header-only (static
 * inline, so a program that uses only part of it compiles without warnings).
 */
#ifndef TCR_TESTS_DEMO_H
#define TCR_TESTS_DEMO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcr.h"

/* Options for the emulator at `endpoint` with its demo key pair, limiter off. */
static inline tcr_client_options demo_options(const char *endpoint) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    options.secret_id = "AKIDEMULATOR0000000000000000000000000";
    options.secret_key = "EmulatorDemoSecretKey000000000000";
    options.region = "ap-guangzhou";
    options.endpoint = endpoint;
    options.disable_rate_limit = 1;
    return options;
}

/* The seed's first example: enable token 2ab3af0d-... of tcr-12345. */
static inline tcr_modify_instance_token_request seed_request(void) {
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    request.registry_id = "tcr-12345";
    request.token_id = "2ab3af0d-893d-423f-91b1-27713566f95f";
    request.enable = TCR_ENABLE_TRUE;
    return request;
}

/* Seconds on the monotonic clock. */
static inline double monotonic_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* VmRSS of this process in kB, or -1. */
static inline long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (f == NULL) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

#endif
