/*
 * modify_instance_token: enable, disable or re-describe a TCR long-term
 * access credential from the command line, using libtcr.
 *
 *   TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
 *   modify_instance_token --registry-id tcr-12345 --token-id ID --disable --region ap-guangzhou
 *
 * Build: cc -std=c99 modify_instance_token.c -Iinclude -Ltarget/release -ltcr
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcr.h"

static void usage(FILE *out, const char *argv0) {
    fprintf(out,
            "usage: %s --registry-id ID --token-id ID (--enable | --disable | --desc TEXT)\n"
            "          [--region REGION] [--endpoint URL] [--language zh-CN|en-US] [--timeout-ms N]\n"
            "\n"
            "Calls Tencent Cloud TCR ModifyInstanceToken: enables or disables the long-term\n"
            "access credential TOKEN-ID of instance REGISTRY-ID, or sets its description\n"
            "(--desc sends ModifyFlag=1; --enable/--disable send ModifyFlag=2).\n"
            "\n"
            "Credentials come from libtcr's chain, the first source that has them:\n"
            "  TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, with TENCENTCLOUD_SESSION_TOKEN\n"
            "    (or TENCENTCLOUD_TOKEN) for temporary credentials;\n"
            "  the profile TENCENTCLOUD_PROFILE (default \"default\") of the credentials file\n"
            "    TENCENTCLOUD_CREDENTIALS_FILE (default ~/.tencentcloud/credentials);\n"
            "  the CVM instance role, from the metadata service.\n"
            "Environment:\n"
            "  TENCENTCLOUD_REGION                              region when --region is not given\n"
            "\n"
            "--endpoint takes host, host:port, https://host[:port] or http://host[:port];\n"
            "the default is https://tcr.tencentcloudapi.com.\n"
            "\n"
            "Prints the RequestId on success. On failure prints the status, the error code,\n"
            "message and RequestId on stderr and exits with 1 (2 for usage errors).\n"
            "libtcr %s\n",
            argv0, tcr_version());
}

/* Returns the value after option argv[*i], or NULL (and complains) if missing. */
static const char *option_value(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s needs a value; see --help\n", argv[*i]);
        return NULL;
    }
    *i += 1;
    return argv[*i];
}

int main(int argc, char **argv) {
    tcr_modify_instance_token_request request = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    const char *region = getenv("TENCENTCLOUD_REGION");
    int actions = 0;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **slot = NULL;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout, argv[0]);
            return 0;
        } else if (strcmp(arg, "--enable") == 0) {
            request.enable = TCR_ENABLE_TRUE;
            request.modify_flag = 2;
            actions++;
            continue;
        } else if (strcmp(arg, "--disable") == 0) {
            request.enable = TCR_ENABLE_FALSE;
            request.modify_flag = 2;
            actions++;
            continue;
        } else if (strcmp(arg, "--desc") == 0) {
            slot = &request.desc;
            request.modify_flag = 1;
            actions++;
        } else if (strcmp(arg, "--registry-id") == 0) {
            slot = &request.registry_id;
        } else if (strcmp(arg, "--token-id") == 0) {
            slot = &request.token_id;
        } else if (strcmp(arg, "--region") == 0) {
            slot = &region;
        } else if (strcmp(arg, "--endpoint") == 0) {
            slot = &options.endpoint;
        } else if (strcmp(arg, "--language") == 0) {
            slot = &options.language;
        } else if (strcmp(arg, "--timeout-ms") == 0) {
            const char *text = option_value(argc, argv, &i);
            char *end = NULL;
            unsigned long ms;
            if (text == NULL) return 2;
            ms = strtoul(text, &end, 10);
            if (*text == '\0' || *end != '\0' || ms == 0 || ms > 600000UL) {
                fprintf(stderr, "--timeout-ms wants a number of milliseconds from 1 to 600000\n");
                return 2;
            }
            options.timeout_ms = (uint32_t)ms;
            continue;
        } else {
            fprintf(stderr, "unknown argument %s; see --help\n", arg);
            return 2;
        }
        if ((*slot = option_value(argc, argv, &i)) == NULL) return 2;
    }

    if (request.registry_id == NULL || request.token_id == NULL) {
        fprintf(stderr, "--registry-id and --token-id are required; see --help\n");
        return 2;
    }
    if (actions != 1) {
        fprintf(stderr, "give exactly one of --enable, --disable, --desc TEXT; see --help\n");
        return 2;
    }
    if (region == NULL || region[0] == '\0') {
        fprintf(stderr, "no region: pass --region or set TENCENTCLOUD_REGION\n");
        return 2;
    }

    /* No credentials here: libtcr's own chain (environment, profile file,
     * instance role) finds them, as the help text says. */
    options.region = region;

    tcr_client *client = NULL;
    char *error = NULL;
    tcr_status status = tcr_client_new(&options, &client, &error);
    if (status != TCR_OK) {
        fprintf(stderr, "%s: %s\n", tcr_status_name((int)status), error ? error : "");
        tcr_string_free(error);
        return 1;
    }

    tcr_response *response = NULL;
    status = tcr_modify_instance_token(client, &request, NULL, &response);
    int exit_code = 0;
    if (status == TCR_OK) {
        printf("%s\n", response->request_id);
    } else if (status == TCR_API_ERROR) {
        fprintf(stderr, "%s: %s: %s (RequestId %s)\n", tcr_status_name((int)status), response->error_code,
                response->error_message, response->request_id ? response->request_id : "none");
        exit_code = 1;
    } else {
        fprintf(stderr, "%s: %s\n", tcr_status_name((int)status),
                response->error_message ? response->error_message : tcr_status_description((int)status));
        exit_code = 1;
    }
    tcr_response_free(response);
    tcr_client_free(client);
    return exit_code;
}
