/*
 * tcr.h: the C API of libtcr, a client for Tencent Cloud TCR
 * (ModifyInstanceToken typed, any other action by name).
 *
 * These paragraphs are the preamble of include/tcr.h, which build.rs
 * generates from this module. The header reads in the order of src/ffi/: strings, status and version, client
 * options, the client, cancel tokens, per-call settings, responses,
 * ModifyInstanceToken, any action, prepared requests.
 *
 * Inputs are extensible structs the caller allocates: tcr_client_options,
 * tcr_modify_instance_token_request and tcr_call_settings begin with
 * `size_t struct_size`; initialise each with its _INIT macro
 * (`tcr_client_options o = TCR_CLIENT_OPTIONS_INIT;`), then set fields.
 * libtcr reads as many bytes as struct_size says: a program built against
 * an older header gets defaults for fields added since; one built against a
 * newer header works with this library as long as the fields this library
 * does not know are zero (else TCR_INVALID_ARGUMENT: it needs a newer
 * libtcr). Fields are only ever appended; zero means "not set".
 *
 * Outputs are allocated by libtcr (tcr_response, tcr_prepared_request):
 * returned through an out-pointer, read through their fields, freed with
 * their _free function. Never allocate, copy or embed them: they only ever
 * grow at the end, and their struct_size says how much of them this
 * library filled (TCR_HAS_FIELD checks a field a newer header names).
 *
 * Strings: input strings are NUL-terminated UTF-8, read during the call
 * only; output strings belong to the struct holding them. Every _free
 * function accepts NULL.
 *
 * Errors: every fallible function returns a tcr_status (TCR_OK is 0) and
 * leaves a message where its documentation says (error_message), with no
 * thread-local state. A bad argument is a status, never a crash, and
 * nothing is sent.
 *
 * Thread safety: a tcr_client and a tcr_cancel_token may be shared by any
 * number of threads; functions taking `const tcr_client *` may run
 * concurrently. Inputs and outputs belong to the thread using them.
 *
 * GENERATED from src/ffi/ by build.rs (cbindgen) when the crate is built: do not edit.
 */

#ifndef TCR_H
#define TCR_H

#include <stddef.h>
#include <stdint.h>

/* The version of the library this header belongs to; tcr_version() gives the library's at run time. */
#define TCR_VERSION_MAJOR 0
#define TCR_VERSION_MINOR 2
#define TCR_VERSION_PATCH 1
#define TCR_VERSION_STRING "0.2.1"

/* Whether an output struct made by the library at run time holds `field`
   (named by this header, perhaps added after that library was built). */
#define TCR_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ==== Strings (src/ffi/strings.rs) ==== */
/*
 The longest input string read, in bytes; a string without a NUL within
 this many bytes is rejected with `TCR_INVALID_ARGUMENT`. One exception:
 the parameters of `tcr_call` and `tcr_call_prepare`, up to 1 MiB.
 */
#define TCR_MAX_STRING_LEN 65536

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Frees a string libtcr returned on its own (`tcr_client_new`'s
 `error_message`); strings inside a struct are freed with that struct.
 `text`: NULL (ignored) or such a string, not freed yet.
 */
void tcr_string_free(char *text);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* ==== Status and version (src/ffi/status.rs) ==== */
/*
 The result of every fallible function. Numbers are stable and never
 reused; new statuses get new numbers.
 */
typedef enum tcr_status {
  /*
   Success.
   */
  TCR_OK = 0,
  /*
   An argument is NULL, not UTF-8, too long or out of range, or a
   struct's `struct_size` is wrong; nothing was sent. The message names
   the argument or field.
   */
  TCR_INVALID_ARGUMENT = 1,
  /*
   Credentials are missing or unusable; nothing was sent.
   */
  TCR_CREDENTIALS = 2,
  /*
   The request could not be delivered or the reply could not be read.
   */
  TCR_NETWORK = 3,
  /*
   The call did not complete within its timeout.
   */
  TCR_TIMEOUT = 4,
  /*
   The service answered with an error; see `error_code`.
   */
  TCR_API_ERROR = 5,
  /*
   The reply's HTTP status was not 200, its body was not shaped as the
   service documents it, or the body was over 1 MiB.
   */
  TCR_PROTOCOL = 6,
  /*
   A bug in this library (a caught panic); please report it.
   */
  TCR_INTERNAL = 7,
  /*
   The call's `tcr_cancel_token` was cancelled. If that happened before
   the call started, while it waited for the rate limiter, or while its
   connection was being made, nothing was sent; otherwise the request
   may already have been sent and processed (the message says which).
   */
  TCR_CANCELLED = 8,
} tcr_status;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 The library's version, e.g. "0.2.0" (compare with TCR_VERSION_STRING,
 the header's). A static string: do not free it.
 */
const char *tcr_version(void);

/*
 The name of `status`, e.g. "TCR_TIMEOUT", or "TCR_UNKNOWN_STATUS" for a
 number that is not a status. A static string: do not free it.
 */
const char *tcr_status_name(int status);

/*
 A one-sentence description of `status` (any number), for messages. A
 static string: do not free it.
 */
const char *tcr_status_description(int status);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* ==== Client options (extensible input) (src/ffi/options.rs) ==== */
/*
 Log level of a diagnostics line: one line per HTTP attempt.
 */
#define TCR_LOG_DEBUG 10

/*
 Log level of a warning (e.g. TLS verification turned off).
 */
#define TCR_LOG_WARN 30

/*
 Receives diagnostics lines: `level` is `TCR_LOG_DEBUG` or `TCR_LOG_WARN`,
 `line` a NUL-terminated UTF-8 string valid only during the call, never
 holding a secret. It is called on the thread making the call, possibly
 on several threads at once, so it must be thread-safe.
 */
typedef void (*tcr_log_callback)(void *user_data, int level, const char *line);

/*
 Settings for `tcr_client_new`, an extensible struct: initialise it with
 `TCR_CLIENT_OPTIONS_INIT` (which sets `struct_size`), then set what you
 need. A NULL string or a zero number means "not set". The strings are
 read during `tcr_client_new` only and may be freed after it returns.
 Fields are only ever appended (see the preamble).
 */
typedef struct tcr_client_options {
  /*
   `sizeof(tcr_client_options)` as the program was compiled: set by
   `TCR_CLIENT_OPTIONS_INIT`.
   */
  size_t struct_size;
  /*
   SecretId. NULL (with `secret_key` NULL): the next source of the chain
   (environment, profile file, CVM role).
   */
  const char *secret_id;
  /*
   SecretKey. libtcr's copy is wiped when the client is freed; copies it
   cannot reach (yours, the HTTP stack's header values) are not: a best
   effort.
   */
  const char *secret_key;
  /*
   Session token of temporary credentials, sent as `X-TC-Token`. Optional.
   */
  const char *session_token;
  /*
   Region, e.g. "ap-guangzhou", sent as `X-TC-Region`. NULL: `TENCENTCLOUD_REGION`.
   */
  const char *region;
  /*
   `"host"`, `"host:port"`, `"https://host[:port]"` or `"http://host[:port]"`.
   Without a scheme the endpoint is HTTPS. NULL: the `TCR_ENDPOINT`
   environment variable, else `https://tcr.tencentcloudapi.com`.
   */
  const char *endpoint;
  /*
   "zh-CN" or "en-US", sent as `X-TC-Language`. NULL: not sent.
   */
  const char *language;
  /*
   Total time for one call in milliseconds, retries and rate-limit waits
   included, 1 to 600000. 0: 60000.
   */
  uint32_t timeout_ms;
  /*
   Time to connect, in milliseconds, 1 to 600000. 0: 10000 (or the total timeout if shorter).
   */
  uint32_t connect_timeout_ms;
  /*
   HTTP attempts per call, 1 to 10 (1: no retries). 0: 3. Only network
   failures before a reply and RequestLimitExceeded[.*] are retried.
   */
  uint32_t max_attempts;
  /*
   Requests allowed at once before the rate applies. 0: the rate.
   */
  uint32_t rate_burst;
  /*
   Client-side rate limit in requests per second, shared by all
   threads; positive. 0: 20 (the documented limit). See also
   `disable_rate_limit`.
   */
  double rate_limit;
  /*
   Profile section of the credentials file. NULL: `TENCENTCLOUD_PROFILE`, else "default".
   */
  const char *profile;
  /*
   Credentials file. NULL: `TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`.
   */
  const char *credentials_file;
  /*
   Base URL of the CVM metadata service. NULL: `http://metadata.tencentyun.com`.
   */
  const char *metadata_url;
  /*
   Root domain instead of "tencentcloudapi.com" (`tcr.<root>`). Excludes `endpoint`.
   */
  const char *root_domain;
  /*
   Proxy URL (`http://` or `https://`) for every request. NULL: from the environment.
   */
  const char *proxy;
  /*
   PEM file of extra CA certificates to trust.
   */
  const char *ca_bundle;
  /*
   Receives diagnostics lines. NULL: only `TCR_LOG=debug` (stderr).
   */
  tcr_log_callback log_callback;
  /*
   Passed to `log_callback` as is.
   */
  void *log_user_data;
  /*
   Nonzero: do not try the CVM instance role.
   */
  uint8_t disable_metadata;
  /*
   Nonzero: use `tcr.<region>.<root domain>`. Excludes `endpoint`.
   */
  uint8_t regional_endpoint;
  /*
   Nonzero: ignore HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY.
   */
  uint8_t ignore_proxy_env;
  /*
   DANGEROUS. Nonzero: accept any TLS certificate. Logged as a warning.
   */
  uint8_t danger_accept_invalid_certs;
  /*
   Nonzero: no client-side rate limit at all (then `rate_limit` must be 0).
   */
  uint8_t disable_rate_limit;
  /*
   A role to assume (STS `AssumeRole`) over the credentials the chain
   found, e.g. "qcs::cam::uin/100000000001:roleName/ci"; with
   `oidc_provider_id` and `web_identity_token_file`, the role of
   explicit workload identity instead. NULL: the role the source names
   (`TENCENTCLOUD_ROLE_ARN`, a profile's `role_arn`), if any.
   */
  const char *role_arn;
  /*
   `RoleSessionName` of any role assumed. NULL: the source's, else
   "tcr-" and the Unix time.
   */
  const char *role_session_name;
  /*
   Lifetime of a role's keys in seconds, 1 to 43200. 0: 7200.
   */
  uint32_t role_duration_seconds;
  /*
   Explicit workload identity: the OIDC provider id (with
   `web_identity_token_file` and `role_arn`). NULL: `TKE_PROVIDER_ID`
   at the end of the chain.
   */
  const char *oidc_provider_id;
  /*
   Explicit workload identity: the file holding the OIDC token, read
   again at each refresh. NULL: `TKE_WEB_IDENTITY_TOKEN_FILE`.
   */
  const char *web_identity_token_file;
  /*
   STS's endpoint, the syntax of `endpoint`. NULL: `TCR_STS_ENDPOINT`,
   else "sts.tencentcloudapi.com".
   */
  const char *sts_endpoint;
  /*
   tccli's directory. NULL: `~/.tccli`.
   */
  const char *tccli_dir;
  /*
   Only this source of the chain: "explicit", "environment", "profile",
   "tccli", "cvm-role" or "tke-oidc". NULL: the whole chain.
   */
  const char *credential_source;
} tcr_client_options;

/* Initialises a tcr_client_options: `tcr_client_options x = TCR_CLIENT_OPTIONS_INIT;` sets struct_size and leaves every other field zero (not set). */
#ifdef __cplusplus
#define TCR_CLIENT_OPTIONS_INIT ([]() { tcr_client_options tcr_init_{}; tcr_init_.struct_size = sizeof(tcr_client_options); return tcr_init_; }())
#else
#define TCR_CLIENT_OPTIONS_INIT { .struct_size = sizeof(tcr_client_options) }
#endif

/* ==== The client (src/ffi/client.rs) ==== */
/*
 An opaque client: `tcr_client_new`, `tcr_client_free`,
 `tcr_client_clock_offset`, `tcr_client_set_log_level`,
 `tcr_client_credential_source`, and the calls
 (`tcr_modify_instance_token`, `tcr_call`, the `_prepare` functions).
 Thread safety: safe to share between threads; every function taking
 `const tcr_client *` may be called concurrently.
 */
typedef struct tcr_client tcr_client;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Creates a client from `options`; nothing is sent.

 - `options`: read during the call (see `tcr_client_options`); not NULL.
 - `client_out`: not NULL; receives the new client on `TCR_OK`, which the
   caller frees with `tcr_client_free`; set to NULL on failure.
 - `error_message`: NULL, or receives on failure a message that the
   caller frees with `tcr_string_free` (NULL on success).

 Returns `TCR_OK`, `TCR_INVALID_ARGUMENT` (a bad option, NULL argument or
 `struct_size`), `TCR_CREDENTIALS`, or `TCR_INTERNAL`.
 */
tcr_status tcr_client_new(const tcr_client_options *options,
                          struct tcr_client **client_out,
                          char **error_message);

/*
 Frees a client and wipes its secret key.

 - `client`: NULL (ignored) or a client from `tcr_client_new` not freed
   yet, whose calls on other threads have returned. It must not be used
   afterwards.
 */
void tcr_client_free(struct tcr_client *client);

/*
 Seconds the client adds to the local clock when signing: the service's
 clock minus this host's, learned from the `Date` header of an
 `AuthFailure.SignatureExpire` reply (0 until one arrives; how it is
 learned and used: docs/behaviour.md, "Clock").

 - `client`: NULL (returns 0) or a client not freed yet.
 */
int64_t tcr_client_clock_offset(const struct tcr_client *client);

/*
 Sets the lowest level of lines the client's `log_callback` receives from
 now on, also for calls running on other threads: `TCR_LOG_WARN` stops
 the per-attempt debug lines (libtcr then does not even format them),
 `TCR_LOG_DEBUG` (a new client's level) starts them again. A binding
 whose logging is configured after the client was made uses it to send
 lines only while someone listens. `TCR_LOG=debug` on stderr is not
 affected.

 - `client`: a client not freed yet; not NULL.
 - `level`: `TCR_LOG_DEBUG` or `TCR_LOG_WARN`.

 Returns `TCR_OK`, or `TCR_INVALID_ARGUMENT` (NULL client, other level).
 */
tcr_status tcr_client_set_log_level(const struct tcr_client *client, int level);

/*
 Where the client's credentials come from, e.g. "environment",
 "tccli profile /home/ci/.tccli/default.credential" or "STS AssumeRole
 qcs::cam::uin/100000000001:roleName/ci (session tcr-1764633600) over
 environment": never a secret. The same text is in the debug line
 `tcr_client_new` logs.

 - `client`: a client not freed yet; NULL returns NULL.

 Returns a string the caller frees with `tcr_string_free` (NULL if
 `client` is NULL).
 */
char *tcr_client_credential_source(const struct tcr_client *client);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* ==== Cancel tokens (src/ffi/cancel.rs) ==== */
/*
 Cancels calls from another thread: give it to calls through
 `tcr_call_settings.cancel`, then `tcr_cancel_token_cancel` ends them
 within milliseconds with `TCR_CANCELLED`. Functions:
 `tcr_cancel_token_new`, `tcr_cancel_token_cancel`,
 `tcr_cancel_token_is_cancelled`, `tcr_cancel_token_free`. Once cancelled
 it stays cancelled: use a new token for new calls. One token may be given
 to several calls at once, which it then all cancels. Thread safety: every
 function may be called from any thread, concurrently.

 What a cancel means for the call: cancelled before it started, while it
 waited for the rate limiter (its slot goes to later calls) or while its
 connection was being made, nothing was sent; during a backoff, nothing
 more is sent; once the request is being written it may already have been
 sent and processed, and its connection is closed, so the service's late
 reply is never read by another call. A cancel that comes as the reply
 completes may lose: the call returns the reply. Fetching CVM role
 credentials is not interrupted.
 */
typedef struct tcr_cancel_token tcr_cancel_token;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 A new, not cancelled token; the caller frees it with
 `tcr_cancel_token_free`. NULL only if memory ran out.
 */
struct tcr_cancel_token *tcr_cancel_token_new(void);

/*
 Cancels every call using `token`, now or later. Idempotent; it wakes
 those calls and returns at once, without waiting for them to end.

 - `token`: NULL (ignored) or a token not freed yet.
 */
void tcr_cancel_token_cancel(const struct tcr_cancel_token *token);

/*
 1 if `token` was cancelled, else 0.

 - `token`: NULL (returns 0) or a token not freed yet.
 */
int tcr_cancel_token_is_cancelled(const struct tcr_cancel_token *token);

/*
 Frees a token. Calls that were given it keep their own reference, so it
 may be freed while they run, but no thread may use the pointer
 afterwards (cancel it first if they should end).

 - `token`: NULL (ignored) or a token from `tcr_cancel_token_new` not
   freed yet.
 */
void tcr_cancel_token_free(struct tcr_cancel_token *token);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* ==== Per-call settings (extensible input) (src/ffi/settings.rs) ==== */
/*
 Per-call settings, an extensible struct: initialise it with
 `TCR_CALL_SETTINGS_INIT`, then set what you need. Every call takes a
 `const tcr_call_settings *`; NULL means the client's defaults. It is
 read when the call starts; the caller keeps ownership. Fields are only
 ever appended (see the preamble).
 */
typedef struct tcr_call_settings {
  /*
   `sizeof(tcr_call_settings)` as the program was compiled: set by
   `TCR_CALL_SETTINGS_INIT`.
   */
  size_t struct_size;
  /*
   This call's total time in milliseconds, retries and waits included,
   1 to 600000, instead of the client's timeout. 0: the client's.
   */
  uint32_t timeout_ms;
  /*
   Ends the call early when cancelled (see `tcr_cancel_token`). NULL:
   none. The call keeps its own reference: the caller may free the
   token while the call runs.
   */
  const tcr_cancel_token *cancel;
} tcr_call_settings;

/* Initialises a tcr_call_settings: `tcr_call_settings x = TCR_CALL_SETTINGS_INIT;` sets struct_size and leaves every other field zero (not set). */
#ifdef __cplusplus
#define TCR_CALL_SETTINGS_INIT ([]() { tcr_call_settings tcr_init_{}; tcr_init_.struct_size = sizeof(tcr_call_settings); return tcr_init_; }())
#else
#define TCR_CALL_SETTINGS_INIT { .struct_size = sizeof(tcr_call_settings) }
#endif

/* ==== Responses (library-owned output) (src/ffi/response.rs) ==== */
/*
 The outcome of a call (`tcr_modify_instance_token`, `tcr_call`),
 allocated by libtcr and handed out through the call's `response_out`,
 on success and on failure alike; freed with `tcr_response_free`. Read
 its fields; never allocate, copy or embed it: it only ever grows at the
 end, and `struct_size` says how much of it this library filled
 (`TCR_HAS_FIELD(response, tcr_response, field)` before reading a field
 a newer header added). Its strings belong to it.
 */
typedef struct tcr_response {
  /*
   The size of this struct as the library that made it knows it.
   */
  size_t struct_size;
  /*
   The service's RequestId: on success, and on `TCR_API_ERROR` when the
   service sent one; NULL otherwise.
   */
  char *request_id;
  /*
   On `TCR_API_ERROR` the service's error code (e.g.
   "AuthFailure.SignatureFailure"); NULL otherwise.
   */
  char *error_code;
  /*
   On any failure a human-readable message (on `TCR_API_ERROR` the
   service's own message); NULL on success. Never holds a secret.
   */
  char *error_message;
  /*
   The HTTP status of the reply, or 0 if no reply arrived.
   */
  uint32_t http_status;
  /*
   How many HTTP attempts were made (0 if the call was rejected before
   sending; more than 1 when failures were retried).
   */
  uint32_t attempts;
  /*
   On `TCR_OK` the reply's `Response` object exactly as the service
   sent it (JSON text, `RequestId` included); NULL otherwise.
   */
  char *response_json;
} tcr_response;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Frees a response and everything it holds.

 - `response`: NULL (ignored) or a response libtcr handed out, not freed
   yet; it must not be used afterwards.
 */
void tcr_response_free(struct tcr_response *response);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* ==== ModifyInstanceToken (src/ffi/modify_instance_token.rs) ==== */
/*
 `tcr_modify_instance_token_request.enable`: not set (0, the zero value).
 */
#define TCR_ENABLE_UNSET 0

/*
 `tcr_modify_instance_token_request.enable`: enable the credential.
 */
#define TCR_ENABLE_TRUE 1

/*
 `tcr_modify_instance_token_request.enable`: disable the credential.
 */
#define TCR_ENABLE_FALSE 2

/*
 One ModifyInstanceToken request, an extensible struct: initialise it
 with `TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT` (every optional field is
 then absent), then set fields. Used by `tcr_modify_instance_token` and
 `tcr_modify_instance_token_prepare`, which read it during the call; the
 caller keeps ownership. Fields are only ever appended.
 */
typedef struct tcr_modify_instance_token_request {
  /*
   `sizeof(tcr_modify_instance_token_request)` as the program was
   compiled: set by `TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT`.
   */
  size_t struct_size;
  /*
   Instance ID, e.g. "tcr-12345". Required, 1 to 128 bytes, no spaces or control characters.
   */
  const char *registry_id;
  /*
   Long-term access credential ID. Required, 1 to 128 bytes, no spaces or control characters.
   */
  const char *token_id;
  /*
   New description, at most 1024 characters, no control characters.
   NULL: not sent. "" is sent and clears the description. Required when `modify_flag` is 1.
   */
  const char *desc;
  /*
   `TCR_ENABLE_TRUE`, `TCR_ENABLE_FALSE`, or `TCR_ENABLE_UNSET` (0) to not
   send `Enable`. Required when `modify_flag` is 2 or 0.
   */
  int32_t enable;
  /*
   1: modify the description; 2: enable/disable; 0: not sent (the service
   then acts as for 2). Any other value is `TCR_INVALID_ARGUMENT`.
   */
  int32_t modify_flag;
} tcr_modify_instance_token_request;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Calls ModifyInstanceToken: validates `request`, then makes up to
 `max_attempts` HTTP attempts, each after the client's rate limiter and
 signed afresh; network failures before a reply and
 RequestLimitExceeded[.*] are retried with jittered exponential backoff.
 The whole call, waits included, ends within the timeout. Repeating it is
 safe: it sets a state. Thread safety: may be called concurrently on one
 client.

 - `client`: a client not freed yet; NULL is `TCR_INVALID_ARGUMENT`.
 - `request`: read during the call; NULL is `TCR_INVALID_ARGUMENT`.
 - `settings`: NULL (the client's defaults) or read when the call starts.
 - `response_out`: not NULL (else `TCR_INVALID_ARGUMENT` and nothing is
   sent); receives a new `tcr_response` whatever the status, which the
   caller frees with `tcr_response_free`.

 Returns the status; a bad argument or field is `TCR_INVALID_ARGUMENT`
 with `error_message` naming it, and nothing is sent.
 */
tcr_status tcr_modify_instance_token(const tcr_client *client,
                                     const struct tcr_modify_instance_token_request *request,
                                     const tcr_call_settings *settings,
                                     tcr_response **response_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* Initialises a tcr_modify_instance_token_request: `tcr_modify_instance_token_request x = TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT;` sets struct_size and leaves every other field zero (not set). */
#ifdef __cplusplus
#define TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT ([]() { tcr_modify_instance_token_request tcr_init_{}; tcr_init_.struct_size = sizeof(tcr_modify_instance_token_request); return tcr_init_; }())
#else
#define TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT { .struct_size = sizeof(tcr_modify_instance_token_request) }
#endif

/* ==== Any TCR action (src/ffi/call.rs) ==== */
#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Calls any TCR action (API version 2019-09-24) by name, e.g.
 `tcr_call(client, "DescribeInstanceToken", "{\"RegistryId\": \"tcr-1\"}", NULL, &response)`,
 with the client's signer, credentials, clock, timeouts and errors; the
 reply's `Response` object comes back in `response->response_json`.

 Only the shape is checked here (the service checks the parameters). The
 action may not be repeatable (a second `CreateInstanceToken` makes a
 second token), so only what cannot have been processed is retried, and
 each action has its own rate-limit bucket (docs/behaviour.md, "Retries",
 "Rate limiting"). Thread safety: may be called concurrently on one
 client.

 - `client`: a client not freed yet; NULL is `TCR_INVALID_ARGUMENT`.
 - `action`: an ASCII capital, then letters and digits, at most 64 bytes;
   read during the call.
 - `params_json`: one JSON object of at most 1 MiB ("{}" for none); read
   during the call.
 - `settings`: NULL (the client's defaults) or read when the call starts.
 - `response_out`: as for `tcr_modify_instance_token`.
 */
tcr_status tcr_call(const tcr_client *client,
                    const char *action,
                    const char *params_json,
                    const tcr_call_settings *settings,
                    tcr_response **response_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

/* ==== Prepared requests (library-owned output) (src/ffi/prepared.rs) ==== */
/*
 One header of a `tcr_prepared_request`: NUL-terminated name and value.
 It is an element of an array, so its layout is fixed for the life of
 this ABI: it never grows (anything more about a header would come in a
 new array of the prepared request).
 */
typedef struct tcr_header {
  /*
   The header's name, e.g. "X-TC-Action".
   */
  char *name;
  /*
   Its value.
   */
  char *value;
} tcr_header;

/*
 A signed request for the caller to send with its own HTTP client,
 allocated by libtcr and handed out by `tcr_modify_instance_token_prepare`
 and `tcr_call_prepare` (on failure too, with only `error_message`);
 freed with `tcr_prepared_request_free`. Read its fields; never allocate,
 copy or embed it: it only ever grows at the end (`struct_size`, as for
 `tcr_response`). Everything it points to belongs to it.
 */
typedef struct tcr_prepared_request {
  /*
   The size of this struct as the library that made it knows it.
   */
  size_t struct_size;
  /*
   "POST" (NULL on failure).
   */
  char *method;
  /*
   The endpoint's URL, e.g. `"https://tcr.tencentcloudapi.com/"`.
   */
  char *url;
  /*
   The headers to send, in this order, `Host` first (an HTTP client
   that sets `Host` from the URL sends the same value).
   */
  struct tcr_header *headers;
  /*
   How many elements `headers` has.
   */
  size_t header_count;
  /*
   The JSON body, `body_len` bytes (not NUL-terminated).
   */
  uint8_t *body;
  /*
   The length of `body` in bytes.
   */
  size_t body_len;
  /*
   On failure, a message naming the problem; NULL on success.
   */
  char *error_message;
} tcr_prepared_request;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Builds the exact request `tcr_modify_instance_token` would send now, for
 programs that send HTTP themselves (an event loop, libcurl multi):
 `request` is validated the same way, the credentials are the client's (a
 CVM role's refreshed when due), and it is signed at the client's clock
 (`tcr_client_clock_offset` included). Nothing is sent.

 The service accepts it for 5 minutes. The library does not retry it,
 rate-limit it or read its reply: parse the JSON reply yourself
 (`Response.Error` on failure). Its `Authorization` header holds a
 signature and `X-TC-Token` a session token: treat both as secrets.

 - `client`, `request`: as for `tcr_modify_instance_token`.
 - `settings`: NULL or read at once; only `cancel` applies (a token
   already cancelled gives `TCR_CANCELLED`).
 - `prepared_out`: not NULL (else `TCR_INVALID_ARGUMENT`); receives a new
   `tcr_prepared_request` whatever the status, which the caller frees with
   `tcr_prepared_request_free`.
 */
tcr_status tcr_modify_instance_token_prepare(const tcr_client *client,
                                             const tcr_modify_instance_token_request *request,
                                             const tcr_call_settings *settings,
                                             struct tcr_prepared_request **prepared_out);

/*
 Builds the exact request `tcr_call` would send now for `action` and
 `params_json` (checked as `tcr_call` checks them), for the caller to
 send itself; otherwise as `tcr_modify_instance_token_prepare`: `client`,
 `settings` and `prepared_out` are as there, `action` and `params_json`
 as for `tcr_call` (read during the call only).
 */
tcr_status tcr_call_prepare(const tcr_client *client,
                            const char *action,
                            const char *params_json,
                            const tcr_call_settings *settings,
                            struct tcr_prepared_request **prepared_out);

/*
 Frees a prepared request and everything it holds, wiping the header
 values (the signature and session token among them) first.

 - `prepared`: NULL (ignored) or a prepared request libtcr handed out,
   not freed yet; it must not be used afterwards.
 */
void tcr_prepared_request_free(struct tcr_prepared_request *prepared);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif /* TCR_H */
