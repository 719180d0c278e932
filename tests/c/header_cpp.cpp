// tcr.h must compile as C++17 and link from C++ (extern "C" linkage), with
// the _INIT macros usable as initialisers there too.
#include "tcr.h"

#include <cstdio>
#include <cstring>

int main() {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
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
    // The other inputs' initialisers, and a call refused for a NULL client.
    tcr_call_settings settings = TCR_CALL_SETTINGS_INIT;
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *response = nullptr;
    bool inits = settings.struct_size == sizeof settings && request.struct_size == sizeof request &&
                 settings.cancel == nullptr && request.registry_id == nullptr &&
                 tcr_modify_instance_token(nullptr, &request, &settings, &response) == TCR_INVALID_ARGUMENT &&
                 response != nullptr && response->struct_size >= sizeof(tcr_response);
    tcr_response_free(response);
    int passed = (ok ? 1 : 0) + (inits ? 1 : 0);
    std::printf("%d passed, %d failed\n", passed, 2 - passed);
    return passed == 2 ? 0 : 1;
}
