/* Sequential ModifyInstanceToken calls on one client against the emulator
 * at $TCR_EMULATOR_URL (demo key, --rate 0), client-side limiter off;
 * prints calls/s. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "tcr.h"
#include "demo.h"

int main(int argc, char **argv) {
    int calls = argc > 1 ? atoi(argv[1]) : 5000, i;
    tcr_client_options options = demo_options(getenv("TCR_EMULATOR_URL"));
    tcr_modify_instance_token_request request = seed_request();
    tcr_response *response = NULL;
    tcr_client *client = NULL;
    double start;
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 1;
    start = monotonic_seconds();
    for (i = 0; i < calls; i++) {
        if (tcr_modify_instance_token(client, &request, NULL, &response) != TCR_OK) {
            fprintf(stderr, "call %d failed: %s\n", i, response->error_message ? response->error_message : "?");
            return 1;
        }
        tcr_response_free(response);
    }
    printf("C       %8.0f calls/s (%d calls)\n", calls / (monotonic_seconds() - start), calls);
    tcr_client_free(client);
    return 0;
}
