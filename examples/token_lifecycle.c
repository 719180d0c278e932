/*
 * token_lifecycle: a long-term access credential from creation to deletion
 * with libtcr: CreateInstanceToken, ModifyInstanceToken (disable it),
 * DescribeInstanceToken (list), DeleteInstanceToken. The three other actions
 * go through tcr_call, the generic call.
 *
 *   TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... TENCENTCLOUD_REGION=ap-guangzhou \
 *   token_lifecycle REGISTRY-ID [ENDPOINT]
 *
 * Exits with 1 at the first failed step (printed on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcr.h"

/* Prints a failed call's response and returns 0, or returns 1. */
static int succeeded(const char *step, tcr_status status, const tcr_response *out) {
    if (status == TCR_OK) return 1;
    fprintf(stderr, "%s: %s [%s] %s (RequestId %s)\n", step, tcr_status_name(status),
            out->error_code ? out->error_code : "-", out->error_message ? out->error_message : "",
            out->request_id ? out->request_id : "-");
    return 0;
}

/* One generic call: the response (freed by the caller) in *out; 1 on success. */
static int call(tcr_client *client, const char *step, const char *action, const char *params, tcr_response **out) {
    tcr_status status = tcr_call(client, action, params, NULL, out);
    return succeeded(step, status, *out);
}

/* The string value of "Key":"..." in a flat JSON object, copied into buf
 * (enough for the IDs the service returns; a real program uses a JSON
 * parser). */
static int json_string(const char *json, const char *key, char *buf, size_t cap) {
    char pattern[64];
    const char *at, *end;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    if ((at = strstr(json, pattern)) == NULL) return 0;
    at += strlen(pattern);
    while (*at == ' ') at++;
    if (*at++ != '"' || (end = strchr(at, '"')) == NULL || (size_t)(end - at) >= cap) return 0;
    memcpy(buf, at, (size_t)(end - at));
    buf[end - at] = '\0';
    return 1;
}

int main(int argc, char **argv) {
    tcr_client_options options = TCR_CLIENT_OPTIONS_INIT;
    tcr_client *client = NULL;
    tcr_response *out = NULL;
    tcr_modify_instance_token_request disable = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;
    tcr_response *modified = NULL;
    char *error = NULL, params[512], token_id[128];
    tcr_status status;
    int ok = 0;
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s REGISTRY-ID [ENDPOINT]\n", argv[0]);
        return 2;
    }
    options.endpoint = argc == 3 ? argv[2] : NULL;
    if (tcr_client_new(&options, &client, &error) != TCR_OK) {
        fprintf(stderr, "tcr_client_new: %s\n", error);
        tcr_string_free(error);
        return 1;
    }

    snprintf(params, sizeof params,
             "{\"RegistryId\": \"%s\", \"TokenType\": \"longterm\", \"Desc\": \"made by token_lifecycle\"}", argv[1]);
    if (!call(client, "create", "CreateInstanceToken", params, &out) ||
        !json_string(out->response_json, "TokenId", token_id, sizeof token_id)) {
        tcr_response_free(out);
        goto done;
    }
    printf("created   %s (RequestId %s)\n", token_id, out->request_id);
    tcr_response_free(out);

    disable.registry_id = argv[1];
    disable.token_id = token_id;
    disable.enable = TCR_ENABLE_FALSE;
    status = tcr_modify_instance_token(client, &disable, NULL, &modified);
    if (!succeeded("disable", status, modified)) {
        tcr_response_free(modified);
        goto done;
    }
    printf("disabled  %s (RequestId %s)\n", token_id, modified->request_id);
    tcr_response_free(modified);

    snprintf(params, sizeof params, "{\"RegistryId\": \"%s\"}", argv[1]);
    if (!call(client, "list", "DescribeInstanceToken", params, &out)) {
        tcr_response_free(out);
        goto done;
    }
    printf("listed    %s\n", out->response_json);
    tcr_response_free(out);

    snprintf(params, sizeof params, "{\"RegistryId\": \"%s\", \"TokenId\": \"%s\"}", argv[1], token_id);
    if (!call(client, "delete", "DeleteInstanceToken", params, &out)) {
        tcr_response_free(out);
        goto done;
    }
    printf("deleted   %s (RequestId %s)\n", token_id, out->request_id);
    tcr_response_free(out);
    ok = 1;
done:
    tcr_client_free(client);
    return ok ? 0 : 1;
}
