/* Growth: one client, sequential calls against $TCR_EMULATOR_URL; at 1k, 10k
 * and 100k calls prints the calls/s of the last stretch and the resident
 * memory, to show the cost per call stays flat. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcr.h"

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (f == NULL) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void) {
    const long marks[] = {1000, 10000, 100000};
    tcr_client_options options = {0};
    tcr_modify_instance_token_request request = {0};
    tcr_modify_instance_token_response response;
    tcr_client *client = NULL;
    long done = 0;
    size_t m;
    double start;
    options.secret_id = "AKIDEMULATOR0000000000000000000000000";
    options.secret_key = "EmulatorDemoSecretKey000000000000";
    options.region = "ap-guangzhou";
    options.endpoint = getenv("TCR_EMULATOR_URL");
    options.rate_limit = TCR_RATE_LIMIT_OFF;
    request.registry_id = "tcr-12345";
    request.token_id = "2ab3af0d-893d-423f-91b1-27713566f95f";
    request.enable = TCR_ENABLE_TRUE;
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 2;
    printf("| calls so far | calls/s over the stretch | RSS (kB) |\n|---|---|---|\n");
    for (m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        long stretch = marks[m] - done;
        start = now();
        for (; done < marks[m]; done++) {
            if (tcr_modify_instance_token(client, &request, &response) != TCR_OK) {
                fprintf(stderr, "call %ld failed: %s\n", done, response.error_message);
                return 1;
            }
            tcr_modify_instance_token_response_free(&response);
        }
        printf("| %ld | %.0f | %ld |\n", done, stretch / (now() - start), rss_kb());
    }
    tcr_client_free(client);
    return 0;
}
