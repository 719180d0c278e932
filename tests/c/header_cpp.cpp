// tcr.h must compile as C++17 and link from C++ (extern "C" linkage).
#include "tcr.h"

#include <cstdio>
#include <cstring>

int main() {
    tcr_client_options options = {};
    tcr_client *client = nullptr;
    char *error = nullptr;
    // No region: rejected before anything happens, through C linkage.
    tcr_status status = tcr_client_new(&options, &client, &error);
    bool ok = status == TCR_CREDENTIALS && client == nullptr && error != nullptr &&
              std::strcmp(tcr_version(), TCR_VERSION_STRING) == 0;
    tcr_string_free(error);
    std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
