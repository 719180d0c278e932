/* Growth: one client, sequential calls against $TCR_EMULATOR_URL; at 1k, 10k
 * and 100k calls prints the calls/s of the last stretch and the resident
 * memory, to show the cost per call stays flat. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "tcr.h"
#include "demo.h"

int main(void) {
    const long marks[] = {1000, 10000, 100000};
    tcr_client_options options = demo_options(getenv("TCR_EMULATOR_URL"));
    tcr_modify_instance_token_request request = seed_request();
    tcr_response *response = NULL;
    tcr_client *client = NULL;
    long done = 0;
    size_t m;
    double start;
    if (tcr_client_new(&options, &client, NULL) != TCR_OK) return 2;
    printf("| calls so far | calls/s over the stretch | RSS (kB) |\n|---|---|---|\n");
    for (m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        long stretch = marks[m] - done;
        start = monotonic_seconds();
        for (; done < marks[m]; done++) {
            if (tcr_modify_instance_token(client, &request, NULL, &response) != TCR_OK) {
                fprintf(stderr, "call %ld failed: %s\n", done, response->error_message);
                return 1;
            }
            tcr_response_free(response);
        }
        printf("| %ld | %.0f | %ld |\n", done, stretch / (monotonic_seconds() - start), rss_kb());
    }
    tcr_client_free(client);
    return 0;
}
