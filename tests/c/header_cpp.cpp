// tcr.h must compile as C++17 and link from C++ (extern "C" linkage).
#include "tcr.h"

#include <cstdio>
#include <cstring>

int main() {
    tcr_client_options options = {};
    options.region = "ap-guangzhou";
    options.disable_metadata = 1;
    options.credentials_file = "/nonexistent/tcr-cpp-test/credentials";
    tcr_client *client = nullptr;
    char *error = nullptr;
    // The chain's named credentials file does not exist: a credentials error
    // naming it, through C linkage, with nothing sent.
    tcr_status status = tcr_client_new(&options, &client, &error);
    bool ok = status == TCR_CREDENTIALS && client == nullptr && error != nullptr &&
              std::strstr(error, "/nonexistent/tcr-cpp-test/credentials") != nullptr &&
              std::strcmp(tcr_version(), TCR_VERSION_STRING) == 0;
    if (!ok) std::fprintf(stderr, "status %s: %s\n", tcr_status_name(status), error ? error : "(null)");
    tcr_string_free(error);
    std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
