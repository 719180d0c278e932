/* Sequential ModifyInstanceToken calls on one client against the emulator
 * at $TCR_EMULATOR_URL (demo key, --rate 0), client-side limiter off;
 * prints calls/s. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tcr.h"

int main(int argc, char **argv) {
    int calls = argc > 1 ? atoi(argv[1]) : 5000, i;
    tcr_client_options options = {0};
    tcr_modify_instance_token_request request = {0};
    tcr_modify_instance_token_response response;
    tcr_client *client = NULL;
    struct timespec start, end;
    options.secret_id = "AKIDEMULATOR0000000000000000000000000";
    options.secret_key = "EmulatorDemoSecretKey000000000000";
    options.region = "ap-guangzhou";
    options.endpoint = getenv("TCR_EMULATOR_URL");
    options.rate_limit = TCR_RATE_LIMIT_OFF;
    request.registry_id = "tcr-12345";
    request.token_id = "2ab3af0d-893d-423f-91b1-27713566f95f";
    request.enable = TCR_ENABLE_TRUE;
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 1;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (i = 0; i < calls; i++) {
        if (tcr_modify_instance_token(client, &request, &response) != TCR_OK) {
            fprintf(stderr, "call %d failed: %s\n", i, response.error_message ? response.error_message : "?");
            return 1;
        }
        tcr_modify_instance_token_response_free(&response);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("C       %8.0f calls/s (%d calls)\n",
           calls / ((double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9), calls);
    tcr_client_free(client);
    return 0;
}
