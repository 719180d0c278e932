/*
 * The C test programs' checks: CHECK(cond) counts a pass or prints the
 * failed condition and counts a failure; each program prints
 * "N passed, N failed" from `passed` and `failed`. Static: each program
 * gets its own copy.
 */
#ifndef TCR_TEST_CHECK_H
#define TCR_TEST_CHECK_H

#include <stdio.h>
#include <string.h>
#include <time.h>

static int passed, failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                        \
    } while (0)

static inline int contains(const char *haystack, const char *needle) {
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

/* A monotonic clock in milliseconds (needs _POSIX_C_SOURCE). */
static inline double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

#endif
