//! `tcr_client_options`: what `tcr_client_new` reads, as an extensible
//! struct, and the log callback it may carry.

use super::sized::Extensible;
use super::strings::read_optional;
use crate::client::ClientOptions;
use crate::credential::Sources;
use crate::error::Error;
use crate::log::{Level, LogSink};
use libc::{c_char, c_int, c_void};
use std::ffi::CString;
use std::sync::Arc;
use std::time::Duration;

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

/// Settings for `tcr_client_new`, an extensible struct: initialise it with
/// `TCR_CLIENT_OPTIONS_INIT` (which sets `struct_size`), then set what you
/// need. A NULL string or a zero number means "not set". The strings are
/// read during `tcr_client_new` only and may be freed after it returns.
/// Fields are only ever appended (see the preamble).
#[repr(C)]
pub struct tcr_client_options {
    /// `sizeof(tcr_client_options)` as the program was compiled: set by
    /// `TCR_CLIENT_OPTIONS_INIT`.
    pub struct_size: usize,
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
    /// `"host"`, `"host:port"`, `"https://host[:port]"` or `"http://host[:port]"`.
    /// Without a scheme the endpoint is HTTPS. NULL: the `TCR_ENDPOINT`
    /// environment variable, else `https://tcr.tencentcloudapi.com`.
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
    /// Requests allowed at once before the rate applies. 0: the rate.
    pub rate_burst: u32,
    /// Client-side rate limit in requests per second, shared by all
    /// threads; positive. 0: 20 (the documented limit). See also
    /// `disable_rate_limit`.
    pub rate_limit: f64,
    /// Profile section of the credentials file. NULL: `TENCENTCLOUD_PROFILE`, else "default".
    pub profile: *const c_char,
    /// Credentials file. NULL: `TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`.
    pub credentials_file: *const c_char,
    /// Base URL of the CVM metadata service. NULL: `http://metadata.tencentyun.com`.
    pub metadata_url: *const c_char,
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
    /// Nonzero: do not try the CVM instance role.
    pub disable_metadata: u8,
    /// Nonzero: use `tcr.<region>.<root domain>`. Excludes `endpoint`.
    pub regional_endpoint: u8,
    /// Nonzero: ignore HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY.
    pub ignore_proxy_env: u8,
    /// DANGEROUS. Nonzero: accept any TLS certificate. Logged as a warning.
    pub danger_accept_invalid_certs: u8,
    /// Nonzero: no client-side rate limit at all (then `rate_limit` must be 0).
    pub disable_rate_limit: u8,
    // ---- 0.2.1: roles and workload identity (appended; the struct's
    // 0.2.0 size ends before them, see docs/abi.md).
    /// A role to assume (STS `AssumeRole`) over the credentials the chain
    /// found, e.g. "qcs::cam::uin/100000000001:roleName/ci"; with
    /// `oidc_provider_id` and `web_identity_token_file`, the role of
    /// explicit workload identity instead. NULL: the role the source names
    /// (`TENCENTCLOUD_ROLE_ARN`, a profile's `role_arn`), if any.
    pub role_arn: *const c_char,
    /// `RoleSessionName` of any role assumed. NULL: the source's, else
    /// "tcr-" and the Unix time.
    pub role_session_name: *const c_char,
    /// Lifetime of a role's keys in seconds, 1 to 43200. 0: 7200.
    pub role_duration_seconds: u32,
    /// Explicit workload identity: the OIDC provider id (with
    /// `web_identity_token_file` and `role_arn`). NULL: `TKE_PROVIDER_ID`
    /// at the end of the chain.
    pub oidc_provider_id: *const c_char,
    /// Explicit workload identity: the file holding the OIDC token, read
    /// again at each refresh. NULL: `TKE_WEB_IDENTITY_TOKEN_FILE`.
    pub web_identity_token_file: *const c_char,
    /// STS's endpoint, the syntax of `endpoint`. NULL: `TCR_STS_ENDPOINT`,
    /// else "sts.tencentcloudapi.com".
    pub sts_endpoint: *const c_char,
    /// tccli's directory. NULL: `~/.tccli`.
    pub tccli_dir: *const c_char,
    /// Only this source of the chain: "explicit", "environment", "profile",
    /// "tccli", "cvm-role" or "tke-oidc". NULL: the whole chain.
    pub credential_source: *const c_char,
}

// SAFETY: struct_size comes first; every field is a raw pointer, a number
// or an optional function pointer, for which zero is valid ("not set").
unsafe impl Extensible for tcr_client_options {
    const ARGUMENT: &'static str = "options";
    const INIT: &'static str = "TCR_CLIENT_OPTIONS_INIT";
    // The 0.2.0 layout ends where the first appended field begins: a
    // program built against the 0.2.0 header passes that size.
    const FIRST_SIZE: usize = std::mem::offset_of!(tcr_client_options, role_arn);
}

impl tcr_client_options {
    /// The Rust view of these options. The strings must outlive the result.
    pub(super) unsafe fn read<'a>(&self) -> Result<ClientOptions<'a>, Error> {
        let rate_limit = match (self.disable_rate_limit != 0, self.rate_limit) {
            (true, 0.0) => Some(0.0),
            (true, _) => {
                return Err(Error::invalid(
                    "rate_limit",
                    "must be 0 when disable_rate_limit is set",
                ))
            }
            (false, 0.0) => None,
            (false, r) if r > 0.0 => Some(r),
            (false, _) => {
                return Err(Error::invalid(
                    "rate_limit",
                    "must be positive, or 0 for the default (disable_rate_limit turns it off)",
                ))
            }
        };
        let secret =
            |ptr, field| read_optional(ptr, field).map_err(|e| Error::Credentials(e.to_string()));
        Ok(ClientOptions {
            credentials: Sources {
                secret_id: secret(self.secret_id, "secret_id")?,
                secret_key: secret(self.secret_key, "secret_key")?,
                session_token: secret(self.session_token, "session_token")?,
                profile: read_optional(self.profile, "profile")?,
                credentials_file: read_optional(self.credentials_file, "credentials_file")?,
                metadata_url: read_optional(self.metadata_url, "metadata_url")?,
                disable_metadata: self.disable_metadata != 0,
                role_arn: read_optional(self.role_arn, "role_arn")?,
                role_session_name: read_optional(self.role_session_name, "role_session_name")?,
                role_duration: (self.role_duration_seconds != 0)
                    .then_some(self.role_duration_seconds),
                oidc_provider_id: read_optional(self.oidc_provider_id, "oidc_provider_id")?,
                web_identity_token_file: read_optional(
                    self.web_identity_token_file,
                    "web_identity_token_file",
                )?,
                sts_endpoint: read_optional(self.sts_endpoint, "sts_endpoint")?,
                tccli_dir: read_optional(self.tccli_dir, "tccli_dir")?,
                source: read_optional(self.credential_source, "credential_source")?,
            },
            region: read_optional(self.region, "region")?,
            endpoint: read_optional(self.endpoint, "endpoint")?,
            regional_endpoint: self.regional_endpoint != 0,
            root_domain: read_optional(self.root_domain, "root_domain")?,
            language: read_optional(self.language, "language")?,
            timeout: milliseconds(self.timeout_ms),
            connect_timeout: milliseconds(self.connect_timeout_ms),
            max_attempts: (self.max_attempts != 0).then_some(self.max_attempts),
            rate_limit,
            rate_burst: (self.rate_burst != 0).then_some(self.rate_burst),
            proxy: read_optional(self.proxy, "proxy")?,
            ignore_proxy_env: self.ignore_proxy_env != 0,
            ca_bundle: read_optional(self.ca_bundle, "ca_bundle")?,
            danger_accept_invalid_certs: self.danger_accept_invalid_certs != 0,
            log: self
                .log_callback
                .map(|callback| c_log_sink(callback, self.log_user_data)),
        })
    }
}

/// 0 is "not set" in the C structs.
pub(super) fn milliseconds(ms: u32) -> Option<Duration> {
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
