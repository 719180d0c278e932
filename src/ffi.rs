//! Every `extern "C"` item, and nothing else: argument checking, the panic
//! boundary, and conversion between C structs and the Rust core.
//!
//! Thread safety: a `tcr_client` may be used from many threads at once. The
//! request and response structs belong to the caller's thread.
#![allow(non_camel_case_types)]

use crate::action;
use crate::api::ModifyInstanceToken;
use crate::cancel::CancelToken;
use crate::client::{CallSettings, Client, ClientOptions, Reply};
use crate::credential::Sources;
use crate::error::{Error, Kind};
use crate::log::{Level, LogSink};
use libc::{c_char, c_int, c_void};
use std::ffi::{CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

/// The result of every fallible function. Numbers are stable and never
/// reused; new statuses get new numbers.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcr_status {
    /// Success.
    TCR_OK = 0,
    /// An argument is NULL, not UTF-8, too long or out of range; nothing was
    /// sent. The message names the argument or field.
    TCR_INVALID_ARGUMENT = 1,
    /// Credentials are missing or unusable; nothing was sent.
    TCR_CREDENTIALS = 2,
    /// The request could not be delivered or the reply could not be read.
    TCR_NETWORK = 3,
    /// The call did not complete within its timeout.
    TCR_TIMEOUT = 4,
    /// The service answered with an error; see `error_code`.
    TCR_API_ERROR = 5,
    /// The reply's HTTP status was not 200, its body was not shaped as the
    /// service documents it, or the body was over 1 MiB.
    TCR_PROTOCOL = 6,
    /// A bug in this library (a caught panic); please report it.
    TCR_INTERNAL = 7,
    /// The call's `tcr_cancel_token` was cancelled. If that happened before
    /// the call started, while it waited for the rate limiter, or while its
    /// connection was being made, nothing was sent; otherwise the request
    /// may already have been sent and processed (the message says which).
    TCR_CANCELLED = 8,
}

/// `tcr_modify_instance_token_request.enable`: not set (0, the zero value).
pub const TCR_ENABLE_UNSET: i32 = 0;
/// `tcr_modify_instance_token_request.enable`: enable the credential.
pub const TCR_ENABLE_TRUE: i32 = 1;
/// `tcr_modify_instance_token_request.enable`: disable the credential.
pub const TCR_ENABLE_FALSE: i32 = 2;

/// `tcr_client_options.rate_limit`: turn the client-side rate limiter off.
pub const TCR_RATE_LIMIT_OFF: f64 = -1.0;

/// Log level of a diagnostics line: one line per HTTP attempt.
pub const TCR_LOG_DEBUG: c_int = 10;
/// Log level of a warning (e.g. TLS verification turned off).
pub const TCR_LOG_WARN: c_int = 30;

/// Receives diagnostics lines: `level` is `TCR_LOG_DEBUG` or `TCR_LOG_WARN`,
/// `line` a NUL-terminated UTF-8 string valid only during the call, never
/// holding a secret. It is called on the thread making the call, possibly
/// on several threads at once, so it must be thread-safe.
pub type tcr_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: c_int, line: *const c_char)>;

/// The longest input string read, in bytes; a string without a NUL within
/// this many bytes is rejected with `TCR_INVALID_ARGUMENT`. One exception:
/// `tcr_call`'s `params_json`, which may be up to 1 MiB.
pub const TCR_MAX_STRING_LEN: usize = 65536;

/// An opaque client. Create it with `tcr_client_new`, free it with
/// `tcr_client_free`. Thread safety: safe to share between threads; every
/// function taking `const tcr_client *` may be called concurrently.
pub struct tcr_client {
    inner: Client,
}

/// Settings for `tcr_client_new`. Zero-initialise it (`= {0}`) and set what
/// you need: a NULL string or a zero number means "not set". The strings are
/// read during `tcr_client_new` only and may be freed after it returns.
#[repr(C)]
pub struct tcr_client_options {
    /// SecretId. NULL (with `secret_key` NULL): the next source of the chain
    /// (environment, profile file, CVM role).
    pub secret_id: *const c_char,
    /// SecretKey. libtcr's copy is wiped when the client is freed; copies it
    /// cannot reach (yours, the HTTP stack's header values) are not: a best
    /// effort.
    pub secret_key: *const c_char,
    /// Session token of temporary credentials, sent as `X-TC-Token`. Optional.
    pub session_token: *const c_char,
    /// Region, e.g. "ap-guangzhou", sent as `X-TC-Region`. NULL: `TENCENTCLOUD_REGION`.
    pub region: *const c_char,
    /// "host", "host:port", "https://host[:port]" or "http://host[:port]".
    /// Without a scheme the endpoint is HTTPS. NULL: https://tcr.tencentcloudapi.com.
    pub endpoint: *const c_char,
    /// "zh-CN" or "en-US", sent as `X-TC-Language`. NULL: not sent.
    pub language: *const c_char,
    /// Total time for one call in milliseconds, retries and rate-limit waits
    /// included, 1 to 600000. 0: 60000.
    pub timeout_ms: u32,
    /// Time to connect, in milliseconds, 1 to 600000. 0: 10000 (or the total timeout if shorter).
    pub connect_timeout_ms: u32,
    /// HTTP attempts per call, 1 to 10 (1: no retries). 0: 3. Only network
    /// failures before a reply and RequestLimitExceeded[.*] are retried.
    pub max_attempts: u32,
    /// Client-side rate limit in requests per second, shared by all threads.
    /// 0: 20 (the documented limit); `TCR_RATE_LIMIT_OFF`: no limit.
    pub rate_limit: f64,
    /// Requests allowed at once before the rate applies. 0: the rate.
    pub rate_burst: u32,
    /// Profile section of the credentials file. NULL: `TENCENTCLOUD_PROFILE`, else "default".
    pub profile: *const c_char,
    /// Credentials file. NULL: `TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`.
    pub credentials_file: *const c_char,
    /// Base URL of the CVM metadata service. NULL: http://metadata.tencentyun.com.
    pub metadata_url: *const c_char,
    /// Nonzero: do not try the CVM instance role.
    pub disable_metadata: u8,
    /// Nonzero: use `tcr.<region>.<root domain>`. Excludes `endpoint`.
    pub regional_endpoint: u8,
    /// Nonzero: ignore HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY.
    pub ignore_proxy_env: u8,
    /// DANGEROUS. Nonzero: accept any TLS certificate. Logged as a warning.
    pub danger_accept_invalid_certs: u8,
    /// Root domain instead of "tencentcloudapi.com" (`tcr.<root>`). Excludes `endpoint`.
    pub root_domain: *const c_char,
    /// Proxy URL (`http://` or `https://`) for every request. NULL: from the environment.
    pub proxy: *const c_char,
    /// PEM file of extra CA certificates to trust.
    pub ca_bundle: *const c_char,
    /// Receives diagnostics lines. NULL: only `TCR_LOG=debug` (stderr).
    pub log_callback: tcr_log_callback,
    /// Passed to `log_callback` as is.
    pub log_user_data: *mut c_void,
}

/// One ModifyInstanceToken request. Zero-initialise it (`= {0}`): every
/// optional field is then absent. Strings are read during the call only.
#[repr(C)]
pub struct tcr_modify_instance_token_request {
    /// Instance ID, e.g. "tcr-12345". Required, 1 to 128 bytes, no spaces or control characters.
    pub registry_id: *const c_char,
    /// Long-term access credential ID. Required, 1 to 128 bytes, no spaces or control characters.
    pub token_id: *const c_char,
    /// `TCR_ENABLE_TRUE`, `TCR_ENABLE_FALSE`, or `TCR_ENABLE_UNSET` (0) to not
    /// send `Enable`. Required when `modify_flag` is 2 or 0.
    pub enable: i32,
    /// New description, at most 1024 characters, no control characters.
    /// NULL: not sent. "" is sent and clears the description. Required when `modify_flag` is 1.
    pub desc: *const c_char,
    /// 1: modify the description; 2: enable/disable; 0: not sent (the service
    /// then acts as for 2). Any other value is `TCR_INVALID_ARGUMENT`.
    pub modify_flag: i32,
    /// This call's total time in milliseconds, 1 to 600000, instead of the
    /// client's timeout. 0: the client's timeout.
    pub timeout_ms: u32,
}

/// The outcome of `tcr_modify_instance_token`. The function overwrites every
/// field, so free a previous outcome before reusing the struct. Strings are
/// owned by the struct: free them all with
/// `tcr_modify_instance_token_response_free`.
#[repr(C)]
pub struct tcr_modify_instance_token_response {
    /// The service's RequestId: set on success and on `TCR_API_ERROR`
    /// (when the service sent one), NULL otherwise.
    pub request_id: *mut c_char,
    /// On `TCR_API_ERROR` the service's error code (e.g.
    /// "AuthFailure.SignatureFailure"); NULL otherwise.
    pub error_code: *mut c_char,
    /// On any failure a human-readable message (on `TCR_API_ERROR` the
    /// service's own message); NULL on success. Never holds a secret.
    pub error_message: *mut c_char,
    /// The HTTP status of the reply, or 0 if no reply arrived.
    pub http_status: u32,
    /// How many HTTP attempts were made (0 if the request was rejected
    /// before sending; more than 1 when failures were retried).
    pub attempts: u32,
}

impl tcr_modify_instance_token_response {
    const EMPTY: tcr_modify_instance_token_response = tcr_modify_instance_token_response {
        request_id: std::ptr::null_mut(),
        error_code: std::ptr::null_mut(),
        error_message: std::ptr::null_mut(),
        http_status: 0,
        attempts: 0,
    };
}

/// Turns a caught panic's payload into text. Our own panics carry no secrets.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("panic caught at the C boundary: {detail}")
}

/// The panic boundary every export runs inside: a panic becomes
/// `Err(Error::Internal)` instead of unwinding into C.
fn boundary<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(Error::Internal(panic_text(&*payload))))
}

/// The panic boundary for functions that cannot report an error (free
/// functions, static strings): a panic yields `fallback`.
fn boundary_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Rejects a NULL pointer argument with a message naming it.
macro_rules! non_null {
    ($ptr:expr, $name:literal) => {
        if $ptr.is_null() {
            return Err(Error::invalid($name, "must not be NULL"));
        }
    };
}

/// Reads an optional C string: NULL is `None`; a string that is not UTF-8
/// or has no NUL within `TCR_MAX_STRING_LEN` bytes is an error naming `field`.
///
/// # Safety
/// `ptr` is NULL or points to readable memory holding a NUL within
/// `TCR_MAX_STRING_LEN + 1` bytes, or at least that many readable bytes.
unsafe fn read_optional<'a>(
    ptr: *const c_char,
    field: &'static str,
) -> Result<Option<&'a str>, Error> {
    read_up_to(ptr, field, TCR_MAX_STRING_LEN)
}

/// As [`read_optional`], with `max` bytes instead of `TCR_MAX_STRING_LEN`
/// (a generic call's parameters may be up to 1 MiB).
unsafe fn read_up_to<'a>(
    ptr: *const c_char,
    field: &'static str,
    max: usize,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    let len = libc::strnlen(ptr, max + 1);
    if len > max {
        return Err(Error::invalid(field, format!("is longer than {max} bytes")));
    }
    let bytes = CStr::from_ptr(ptr).to_bytes();
    std::str::from_utf8(bytes).map(Some).map_err(|e| {
        Error::invalid(
            field,
            format!(
                "is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads a required C string; NULL is an error naming `field`.
unsafe fn read_required<'a>(ptr: *const c_char, field: &'static str) -> Result<&'a str, Error> {
    read_optional(ptr, field)?
        .ok_or_else(|| Error::invalid(field, "is required and must not be NULL"))
}

/// A heap C string the caller frees through one of our free functions.
/// Interior NULs (which a server could send) are dropped, not truncated at.
fn c_string(text: &str) -> *mut c_char {
    let bytes: Vec<u8> = text.bytes().filter(|&b| b != 0).collect();
    CString::new(bytes).expect("NULs were removed").into_raw()
}

unsafe fn free_c_string(slot: &mut *mut c_char) {
    if !slot.is_null() {
        drop(CString::from_raw(*slot));
        *slot = std::ptr::null_mut();
    }
}

/// As [`free_c_string`], overwriting the bytes with zeros first.
unsafe fn wipe_c_string(slot: &mut *mut c_char) {
    if !slot.is_null() {
        let mut bytes = CString::from_raw(*slot).into_bytes_with_nul();
        zeroize::Zeroize::zeroize(&mut bytes);
        *slot = std::ptr::null_mut();
    }
}

/// 0 is "not set" in the C structs.
fn milliseconds(ms: u32) -> Option<Duration> {
    (ms != 0).then(|| Duration::from_millis(u64::from(ms)))
}

/// The caller's `user_data`, which the header requires to be usable from
/// any thread.
struct UserData(*mut c_void);
// SAFETY: the header documents that the callback and its user_data must be
// thread-safe; we only pass the pointer back to the caller's callback.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl UserData {
    // A method, so closures capture the whole (Send + Sync) wrapper rather
    // than its raw-pointer field.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

fn c_log_sink(
    callback: unsafe extern "C" fn(*mut c_void, c_int, *const c_char),
    user_data: *mut c_void,
) -> LogSink {
    let user_data = UserData(user_data);
    Arc::new(move |level: Level, line: &str| {
        let level = match level {
            Level::Debug => TCR_LOG_DEBUG,
            Level::Warn => TCR_LOG_WARN,
        };
        let line = CString::new(line.replace('\0', " ")).expect("NULs were replaced");
        // SAFETY: the caller gave us this callback for this purpose; the line
        // outlives the call.
        unsafe { callback(user_data.get(), level, line.as_ptr()) };
    })
}

fn status_of(error: &Error) -> tcr_status {
    tcr_status::of(error.kind())
}

impl tcr_status {
    /// The C view of a [`Kind`]: the one place the two are mapped.
    fn of(kind: Kind) -> tcr_status {
        match kind {
            Kind::Ok => tcr_status::TCR_OK,
            Kind::InvalidArgument => tcr_status::TCR_INVALID_ARGUMENT,
            Kind::Credentials => tcr_status::TCR_CREDENTIALS,
            Kind::Network => tcr_status::TCR_NETWORK,
            Kind::Timeout => tcr_status::TCR_TIMEOUT,
            Kind::Api => tcr_status::TCR_API_ERROR,
            Kind::Protocol => tcr_status::TCR_PROTOCOL,
            Kind::Internal => tcr_status::TCR_INTERNAL,
            Kind::Cancelled => tcr_status::TCR_CANCELLED,
        }
    }
}

/// The library version, e.g. "0.1.0". A static string: do not free it.
#[no_mangle]
pub extern "C" fn tcr_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The name of a status, e.g. "TCR_TIMEOUT", or "TCR_UNKNOWN_STATUS" for a
/// number that is not a status. A static string: do not free it.
#[no_mangle]
pub extern "C" fn tcr_status_name(status: c_int) -> *const c_char {
    Kind::from_number(status)
        .map_or(c"TCR_UNKNOWN_STATUS", Kind::name)
        .as_ptr()
}

/// A one-sentence description of a status, for messages. A static string:
/// do not free it.
#[no_mangle]
pub extern "C" fn tcr_status_description(status: c_int) -> *const c_char {
    Kind::from_number(status)
        .map_or(c"unknown status", Kind::description)
        .as_ptr()
}

/// Frees a string returned through `tcr_client_new`'s `error_message`.
/// NULL is accepted and ignored.
///
/// # Safety
/// `text` is NULL or a string this library returned and that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_string_free(text: *mut c_char) {
    let mut slot = text;
    boundary_or((), || free_c_string(&mut slot))
}

/// Creates a client from `options`; nothing is sent.
///
/// On `TCR_OK`, `*client_out` is a new client to free with `tcr_client_free`.
/// On failure `*client_out` is set to NULL (when `client_out` is not NULL)
/// and, when `error_message` is not NULL, `*error_message` receives a message
/// to free with `tcr_string_free`; on success `*error_message` is set to NULL.
/// `options` and `client_out` must not be NULL (`TCR_INVALID_ARGUMENT`).
///
/// # Safety
/// Non-NULL pointers point to valid objects of their types; option strings
/// are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcr_client_new(
    options: *const tcr_client_options,
    client_out: *mut *mut tcr_client,
    error_message: *mut *mut c_char,
) -> tcr_status {
    if !error_message.is_null() {
        *error_message = std::ptr::null_mut();
    }
    if !client_out.is_null() {
        *client_out = std::ptr::null_mut();
    }
    let result = boundary(|| {
        non_null!(options, "options");
        non_null!(client_out, "client_out");
        let o = &*options;
        let rate_limit = match o.rate_limit {
            0.0 => None,
            r if r == TCR_RATE_LIMIT_OFF => Some(0.0),
            r if r < 0.0 => {
                return Err(Error::invalid(
                    "rate_limit",
                    "must be positive, 0 (the default) or TCR_RATE_LIMIT_OFF",
                ))
            }
            r => Some(r),
        };
        let secret =
            |ptr, field| read_optional(ptr, field).map_err(|e| Error::Credentials(e.to_string()));
        let client = Client::new(&ClientOptions {
            credentials: Sources {
                secret_id: secret(o.secret_id, "secret_id")?,
                secret_key: secret(o.secret_key, "secret_key")?,
                session_token: secret(o.session_token, "session_token")?,
                profile: read_optional(o.profile, "profile")?,
                credentials_file: read_optional(o.credentials_file, "credentials_file")?,
                metadata_url: read_optional(o.metadata_url, "metadata_url")?,
                disable_metadata: o.disable_metadata != 0,
            },
            region: read_optional(o.region, "region")?,
            endpoint: read_optional(o.endpoint, "endpoint")?,
            regional_endpoint: o.regional_endpoint != 0,
            root_domain: read_optional(o.root_domain, "root_domain")?,
            language: read_optional(o.language, "language")?,
            timeout: milliseconds(o.timeout_ms),
            connect_timeout: milliseconds(o.connect_timeout_ms),
            max_attempts: (o.max_attempts != 0).then_some(o.max_attempts),
            rate_limit,
            rate_burst: (o.rate_burst != 0).then_some(o.rate_burst),
            proxy: read_optional(o.proxy, "proxy")?,
            ignore_proxy_env: o.ignore_proxy_env != 0,
            ca_bundle: read_optional(o.ca_bundle, "ca_bundle")?,
            danger_accept_invalid_certs: o.danger_accept_invalid_certs != 0,
            log: o
                .log_callback
                .map(|callback| c_log_sink(callback, o.log_user_data)),
        })?;
        *client_out = Box::into_raw(Box::new(tcr_client { inner: client }));
        Ok(())
    });
    match result {
        Ok(()) => tcr_status::TCR_OK,
        Err(error) => {
            if !error_message.is_null() {
                *error_message = c_string(&error.to_string());
            }
            status_of(&error)
        }
    }
}

/// Frees a client and wipes its secret key. NULL is accepted and ignored.
/// Using the client after this call, or freeing it twice, is forbidden.
/// Other threads must have finished their calls on it.
///
/// # Safety
/// `client` is NULL or a client from `tcr_client_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_client_free(client: *mut tcr_client) {
    boundary_or((), || {
        if !client.is_null() {
            drop(Box::from_raw(client));
        }
    })
}

/// Calls ModifyInstanceToken: validates `request`, then makes up to
/// `max_attempts` HTTP attempts, each after the client's rate limiter and
/// signed afresh; network failures before a reply and RequestLimitExceeded
/// (and its sub-codes) are retried with jittered exponential backoff. The
/// whole call, waits included, ends within the timeout. Repeating it is safe:
/// it sets a state.
///
/// `response` must not be NULL; it is overwritten (first set to all zero),
/// and on return holds the outcome; free it with
/// `tcr_modify_instance_token_response_free`. A NULL `client` or `request`,
/// or an invalid field, gives `TCR_INVALID_ARGUMENT` with
/// `response->error_message` naming it, and nothing is sent.
/// Thread safety: may be called concurrently on one client.
///
/// # Safety
/// Non-NULL pointers point to valid objects of their types; strings in
/// `request` are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcr_modify_instance_token(
    client: *const tcr_client,
    request: *const tcr_modify_instance_token_request,
    response: *mut tcr_modify_instance_token_response,
) -> tcr_status {
    tcr_modify_instance_token_with_cancel(client, request, std::ptr::null(), response)
}

/// As `tcr_modify_instance_token`, ended early by `cancel` (NULL: never).
///
/// When another thread calls `tcr_cancel_token_cancel(cancel)`, this call
/// returns within milliseconds with `TCR_CANCELLED`: at once, sending
/// nothing, if the token was cancelled before the call; during a rate-limit
/// wait (its slot goes to later calls) or a backoff, sending nothing more;
/// while connecting, with nothing of that attempt sent; once the request
/// is being written, after which it may already have been sent and processed (the
/// service's reply, if it comes, is never read by another call: that
/// connection is closed). `response->attempts` counts the attempts begun.
///
/// Races: a cancel that comes as the reply completes may lose, and the call
/// returns `TCR_OK` (or its error) with the reply; a cancel never undoes
/// what the service did. Fetching CVM role credentials is not interrupted.
///
/// # Safety
/// As `tcr_modify_instance_token`; `cancel` is NULL or a token from
/// `tcr_cancel_token_new` not freed before this call starts.
#[no_mangle]
pub unsafe extern "C" fn tcr_modify_instance_token_with_cancel(
    client: *const tcr_client,
    request: *const tcr_modify_instance_token_request,
    cancel: *const tcr_cancel_token,
    response: *mut tcr_modify_instance_token_response,
) -> tcr_status {
    if response.is_null() {
        return tcr_status::TCR_INVALID_ARGUMENT;
    }
    let out = &mut *response;
    *out = tcr_modify_instance_token_response::EMPTY;
    let result = boundary(|| {
        non_null!(client, "client");
        non_null!(request, "request");
        let r = &*request;
        let call = read_request(r)?;
        // The call's own reference: the caller may free the token while
        // the call runs.
        let cancel = cancel.as_ref().map(|c| c.inner.clone());
        let outcome = (*client).inner.execute_with(
            &call,
            CallSettings {
                timeout: milliseconds(r.timeout_ms),
                cancel: cancel.as_ref(),
            },
        );
        out.attempts = outcome.attempts;
        outcome.result
    });
    let filled = fill_outcome(
        result,
        &mut out.request_id,
        &mut out.error_code,
        &mut out.error_message,
        &mut out.http_status,
    );
    filled.map_or_else(|status| status, |_| tcr_status::TCR_OK)
}

/// Fills the fields every response struct has from a call's result: on
/// success the RequestId and HTTP status (the reply is handed back for the
/// rest); on failure the HTTP status and, on `TCR_API_ERROR`, the service's
/// RequestId (if any), code and message, otherwise the message.
fn fill_outcome<T: Reply>(
    result: Result<T, Error>,
    request_id: &mut *mut c_char,
    code: &mut *mut c_char,
    message: &mut *mut c_char,
    http_status: &mut u32,
) -> Result<T, tcr_status> {
    match result {
        Ok(reply) => {
            *request_id = c_string(reply.request_id());
            *http_status = u32::from(reply.http_status());
            Ok(reply)
        }
        Err(error) => {
            *http_status = u32::from(error.http_status());
            match &error {
                Error::Api(api) => {
                    if !api.request_id.is_empty() {
                        *request_id = c_string(&api.request_id);
                    }
                    *code = c_string(&api.code);
                    *message = c_string(&api.message);
                }
                other => *message = c_string(&other.to_string()),
            }
            Err(status_of(&error))
        }
    }
}

/// The outcome of `tcr_call`. The function overwrites every field; free
/// the strings with `tcr_call_response_free`.
#[repr(C)]
pub struct tcr_call_response {
    /// On `TCR_OK` the reply's `Response` object as the service sent it
    /// (JSON text, `RequestId` included); NULL otherwise.
    pub response_json: *mut c_char,
    /// The service's RequestId: on success, and on `TCR_API_ERROR` when
    /// the service sent one; NULL otherwise.
    pub request_id: *mut c_char,
    /// On `TCR_API_ERROR` the service's error code; NULL otherwise.
    pub error_code: *mut c_char,
    /// On any failure a human-readable message; NULL on success.
    pub error_message: *mut c_char,
    /// The HTTP status of the reply, or 0 if no reply arrived.
    pub http_status: u32,
    /// How many HTTP attempts were made (0 if rejected before sending).
    pub attempts: u32,
}

impl tcr_call_response {
    const EMPTY: tcr_call_response = tcr_call_response {
        response_json: std::ptr::null_mut(),
        request_id: std::ptr::null_mut(),
        error_code: std::ptr::null_mut(),
        error_message: std::ptr::null_mut(),
        http_status: 0,
        attempts: 0,
    };
}

/// Calls any TCR action (API version 2019-09-24) by name, e.g.
/// `tcr_call(client, "DescribeInstanceToken", "{\"RegistryId\": \"tcr-1\"}", &out)`,
/// with the client's signer, credentials, clock, timeouts and errors.
///
/// `action` must look like an action name (an ASCII capital, then letters
/// and digits, at most 64 bytes) and `params_json` must be one JSON object
/// of at most 1 MiB; nothing else is checked here (the service checks the
/// parameters). The action may not be repeatable (a second
/// `CreateInstanceToken` makes a second token), so only what cannot have
/// been processed is retried: `RequestLimitExceeded[.*]` and a failure
/// before the request was written (a failed connect). Each action has its
/// own client-side rate-limit bucket, at the client's rate.
///
/// `out` must not be NULL; it is overwritten, and freed with
/// `tcr_call_response_free`. Thread safety: as `tcr_modify_instance_token`.
///
/// # Safety
/// Non-NULL pointers point to valid objects of their types; strings are
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcr_call(
    client: *const tcr_client,
    action: *const c_char,
    params_json: *const c_char,
    out: *mut tcr_call_response,
) -> tcr_status {
    tcr_call_with_cancel(client, action, params_json, 0, std::ptr::null(), out)
}

/// As `tcr_call`, with this call's total time (`timeout_ms`, 1 to 600000;
/// 0: the client's timeout) and a cancel token (NULL: none), which ends
/// the call as described at `tcr_modify_instance_token_with_cancel`.
///
/// # Safety
/// As `tcr_call`; `cancel` is NULL or a token not freed before the call.
#[no_mangle]
pub unsafe extern "C" fn tcr_call_with_cancel(
    client: *const tcr_client,
    action: *const c_char,
    params_json: *const c_char,
    timeout_ms: u32,
    cancel: *const tcr_cancel_token,
    out: *mut tcr_call_response,
) -> tcr_status {
    let Some(out) = out.as_mut() else {
        return tcr_status::TCR_INVALID_ARGUMENT;
    };
    *out = tcr_call_response::EMPTY;
    let result = boundary(|| {
        non_null!(client, "client");
        let action = read_required(action, "action")?;
        let params =
            read_up_to(params_json, "params", action::MAX_PARAMS_LEN)?.ok_or_else(|| {
                Error::invalid("params", "is required: a JSON object, \"{}\" for none")
            })?;
        let cancel = cancel.as_ref().map(|c| c.inner.clone());
        let outcome = (*client).inner.call(
            action,
            params,
            CallSettings {
                timeout: milliseconds(timeout_ms),
                cancel: cancel.as_ref(),
            },
        );
        out.attempts = outcome.attempts;
        outcome.result
    });
    match fill_outcome(
        result,
        &mut out.request_id,
        &mut out.error_code,
        &mut out.error_message,
        &mut out.http_status,
    ) {
        Ok(reply) => {
            out.response_json = c_string(&reply.response_json);
            tcr_status::TCR_OK
        }
        Err(status) => status,
    }
}

/// Frees the strings of a `tcr_call_response` and sets them to NULL, so
/// calling it twice is safe. NULL is accepted and ignored.
///
/// # Safety
/// `response` is NULL or points to a response filled by `tcr_call` or
/// zero-initialised.
#[no_mangle]
pub unsafe extern "C" fn tcr_call_response_free(response: *mut tcr_call_response) {
    boundary_or((), || {
        if let Some(out) = response.as_mut() {
            free_c_string(&mut out.response_json);
            free_c_string(&mut out.request_id);
            free_c_string(&mut out.error_code);
            free_c_string(&mut out.error_message);
        }
    })
}

/// Cancels calls from another thread (see
/// `tcr_modify_instance_token_with_cancel`). Create it with
/// `tcr_cancel_token_new`, free it with `tcr_cancel_token_free`. Once
/// cancelled it stays cancelled: use a new token for new calls. One token
/// may be given to several calls at once, which it then all cancels.
pub struct tcr_cancel_token {
    inner: CancelToken,
}

/// A new, not cancelled token; free it with `tcr_cancel_token_free`.
/// NULL only if memory ran out.
#[no_mangle]
pub extern "C" fn tcr_cancel_token_new() -> *mut tcr_cancel_token {
    boundary_or(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(tcr_cancel_token {
            inner: CancelToken::new(),
        }))
    })
}

/// Cancels every call using `token`, now or later. Thread-safe and
/// idempotent; it wakes those calls and returns at once, without waiting
/// for them to end. NULL is ignored.
///
/// # Safety
/// `token` is NULL or a token from `tcr_cancel_token_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_cancel_token_cancel(token: *const tcr_cancel_token) {
    boundary_or((), || {
        if let Some(token) = token.as_ref() {
            token.inner.cancel();
        }
    })
}

/// 1 if `token` was cancelled, else 0 (NULL: 0).
///
/// # Safety
/// `token` is NULL or a token from `tcr_cancel_token_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_cancel_token_is_cancelled(token: *const tcr_cancel_token) -> c_int {
    boundary_or(0, || {
        token
            .as_ref()
            .map_or(0, |t| c_int::from(t.inner.is_cancelled()))
    })
}

/// Frees a token. NULL is ignored. Calls that were given it keep their own
/// reference, so it may be freed while they run, but no thread may use the
/// pointer afterwards (cancel it first if they should end).
///
/// # Safety
/// `token` is NULL or a token from `tcr_cancel_token_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_cancel_token_free(token: *mut tcr_cancel_token) {
    boundary_or((), || {
        if !token.is_null() {
            drop(Box::from_raw(token));
        }
    })
}

/// The Rust view of a C request (its `timeout_ms` aside).
///
/// # Safety
/// The strings of `r` are NULL or NUL-terminated, and outlive the result.
unsafe fn read_request<'a>(
    r: &tcr_modify_instance_token_request,
) -> Result<ModifyInstanceToken<'a>, Error> {
    let enable = match r.enable {
        TCR_ENABLE_UNSET => None,
        TCR_ENABLE_TRUE => Some(true),
        TCR_ENABLE_FALSE => Some(false),
        other => {
            return Err(Error::invalid(
                "enable",
                format!("must be TCR_ENABLE_UNSET (0), TCR_ENABLE_TRUE (1) or TCR_ENABLE_FALSE (2), got {other}"),
            ))
        }
    };
    Ok(ModifyInstanceToken {
        registry_id: read_required(r.registry_id, "registry_id")?,
        token_id: read_required(r.token_id, "token_id")?,
        enable,
        desc: read_optional(r.desc, "desc")?,
        modify_flag: match r.modify_flag {
            0 => None,
            flag => Some(i64::from(flag)),
        },
    })
}

/// Seconds the client adds to the local clock when signing: the service's
/// clock minus this host's, learned from the `Date` header of an
/// `AuthFailure.SignatureExpire` reply (0 until one arrives; NULL: 0).
///
/// A call that gets that error re-signs with the service's time and tries
/// once more (as one of its `max_attempts`), and every later call from any
/// thread is signed with the offset from its first attempt; it is learned
/// again when the service says expired again. A `Date` more than 24 hours
/// away is not taken (a `TCR_LOG_WARN` line says so).
///
/// # Safety
/// `client` is NULL or a client from `tcr_client_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_client_clock_offset(client: *const tcr_client) -> i64 {
    boundary_or(0, || client.as_ref().map_or(0, |c| c.inner.clock_offset()))
}

/// One header of a `tcr_prepared_request`: NUL-terminated name and value.
#[repr(C)]
pub struct tcr_header {
    pub name: *mut c_char,
    pub value: *mut c_char,
}

/// A signed request for the caller to send with its own HTTP client (see
/// `tcr_modify_instance_token_prepare`). Everything is owned by the struct:
/// free it with `tcr_prepared_request_free`.
#[repr(C)]
pub struct tcr_prepared_request {
    /// "POST".
    pub method: *mut c_char,
    /// The endpoint's URL, e.g. "https://tcr.tencentcloudapi.com/".
    pub url: *mut c_char,
    /// The headers to send, in this order, `Host` first (an HTTP client
    /// that sets `Host` from the URL sends the same value).
    pub headers: *mut tcr_header,
    pub header_count: usize,
    /// The JSON body, `body_len` bytes (not NUL-terminated).
    pub body: *mut u8,
    pub body_len: usize,
    /// On failure, a message naming the problem; NULL on success.
    pub error_message: *mut c_char,
}

impl tcr_prepared_request {
    const EMPTY: tcr_prepared_request = tcr_prepared_request {
        method: std::ptr::null_mut(),
        url: std::ptr::null_mut(),
        headers: std::ptr::null_mut(),
        header_count: 0,
        body: std::ptr::null_mut(),
        body_len: 0,
        error_message: std::ptr::null_mut(),
    };
}

/// Builds the exact request `tcr_modify_instance_token` would send now,
/// for programs that send HTTP themselves (an event loop, libcurl multi):
/// `request` is validated the same way, the credentials are the client's
/// (a CVM role's refreshed when due), and it is signed at the client's
/// clock (`tcr_client_clock_offset` included). Nothing is sent.
///
/// The request is accepted by the service for 5 minutes after it is made.
/// The library does not retry it, rate-limit it or read its reply: parse
/// the JSON reply yourself (`Response.Error` on failure). Its
/// `Authorization` header holds a signature and `X-TC-Token` a session
/// token: treat both as secrets. `request->timeout_ms` is not used.
///
/// `out` must not be NULL; it is overwritten (first set to all zero). On
/// `TCR_OK` it holds the request, on failure only `error_message`; free it
/// with `tcr_prepared_request_free` in both cases.
///
/// # Safety
/// Non-NULL pointers point to valid objects of their types; strings in
/// `request` are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcr_modify_instance_token_prepare(
    client: *const tcr_client,
    request: *const tcr_modify_instance_token_request,
    out: *mut tcr_prepared_request,
) -> tcr_status {
    let Some(out) = out.as_mut() else {
        return tcr_status::TCR_INVALID_ARGUMENT;
    };
    *out = tcr_prepared_request::EMPTY;
    let result = boundary(|| {
        non_null!(client, "client");
        non_null!(request, "request");
        let call = read_request(&*request)?;
        (*client).inner.prepare_modify_instance_token(&call)
    });
    match result {
        Ok(mut prepared) => {
            let headers: Box<[tcr_header]> = prepared
                .headers
                .iter()
                .map(|(name, value)| tcr_header {
                    name: c_string(name),
                    value: c_string(value),
                })
                .collect();
            out.header_count = headers.len();
            out.headers = Box::into_raw(headers).cast();
            let body: Box<[u8]> = std::mem::take(&mut prepared.body).into_boxed_slice();
            out.body_len = body.len();
            out.body = Box::into_raw(body).cast();
            out.method = c_string("POST");
            out.url = c_string(&prepared.url);
            tcr_status::TCR_OK
        }
        Err(error) => {
            out.error_message = c_string(&error.to_string());
            status_of(&error)
        }
    }
}

/// Frees everything a `tcr_prepared_request` holds, wiping the header
/// values (the signature and session token among them) first, and sets it
/// to all zero, so calling it twice is safe. NULL is accepted and ignored.
///
/// # Safety
/// `prepared` is NULL or points to a struct filled by
/// `tcr_modify_instance_token_prepare` or zero-initialised.
#[no_mangle]
pub unsafe extern "C" fn tcr_prepared_request_free(prepared: *mut tcr_prepared_request) {
    boundary_or((), || {
        let Some(out) = prepared.as_mut() else {
            return;
        };
        free_c_string(&mut out.method);
        free_c_string(&mut out.url);
        free_c_string(&mut out.error_message);
        if !out.headers.is_null() {
            let headers = Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                out.headers,
                out.header_count,
            ));
            for mut header in headers.into_vec() {
                free_c_string(&mut header.name);
                wipe_c_string(&mut header.value);
            }
        }
        if !out.body.is_null() {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                out.body,
                out.body_len,
            )));
        }
        *out = tcr_prepared_request::EMPTY;
    })
}

/// Frees the strings of a response and sets them to NULL, so calling it
/// twice is safe. NULL is accepted and ignored. The struct itself is the
/// caller's.
///
/// # Safety
/// `response` is NULL or points to a response filled by
/// `tcr_modify_instance_token` or zero-initialised.
#[no_mangle]
pub unsafe extern "C" fn tcr_modify_instance_token_response_free(
    response: *mut tcr_modify_instance_token_response,
) {
    boundary_or((), || {
        if let Some(out) = response.as_mut() {
            free_c_string(&mut out.request_id);
            free_c_string(&mut out.error_code);
            free_c_string(&mut out.error_message);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_turns_a_panic_into_an_internal_error() {
        let result: Result<(), Error> = boundary(|| panic!("boom"));
        match result {
            Err(Error::Internal(msg)) => assert!(msg.contains("boom"), "{msg}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(boundary_or(7, || panic!("boom")), 7);
    }

    #[test]
    fn status_names_cover_every_status() {
        for (status, name) in [
            (tcr_status::TCR_OK, "TCR_OK"),
            (tcr_status::TCR_INVALID_ARGUMENT, "TCR_INVALID_ARGUMENT"),
            (tcr_status::TCR_CREDENTIALS, "TCR_CREDENTIALS"),
            (tcr_status::TCR_NETWORK, "TCR_NETWORK"),
            (tcr_status::TCR_TIMEOUT, "TCR_TIMEOUT"),
            (tcr_status::TCR_API_ERROR, "TCR_API_ERROR"),
            (tcr_status::TCR_PROTOCOL, "TCR_PROTOCOL"),
            (tcr_status::TCR_INTERNAL, "TCR_INTERNAL"),
            (tcr_status::TCR_CANCELLED, "TCR_CANCELLED"),
        ] {
            let got = unsafe { CStr::from_ptr(tcr_status_name(status as c_int)) };
            assert_eq!(got.to_str().unwrap(), name);
            let description = unsafe { CStr::from_ptr(tcr_status_description(status as c_int)) };
            assert_ne!(description.to_str().unwrap(), "unknown status");
        }
        let got = unsafe { CStr::from_ptr(tcr_status_name(99)) };
        assert_eq!(got.to_str().unwrap(), "TCR_UNKNOWN_STATUS");
        let got = unsafe { CStr::from_ptr(tcr_status_name(-1)) };
        assert_eq!(got.to_str().unwrap(), "TCR_UNKNOWN_STATUS");
    }

    #[test]
    fn the_c_enum_and_the_kinds_agree_in_number_and_name() {
        for kind in Kind::ALL {
            let status = tcr_status::of(kind);
            assert_eq!(status as i32, kind.number(), "{kind:?}");
            assert_eq!(format!("{status:?}"), kind.name().to_str().unwrap());
        }
    }
}
