//! ModifyInstanceToken: its request struct and the call.

use super::client::tcr_client;
use super::export::hand_out;
use super::response::tcr_response;
use super::settings::{tcr_call_settings, Settings};
use super::sized::{read_sized, Extensible};
use super::status::tcr_status;
use super::strings::{read_optional, read_required};
use crate::api::ModifyInstanceToken;
use crate::error::Error;
use libc::c_char;

/// `tcr_modify_instance_token_request.enable`: not set (0, the zero value).
pub const TCR_ENABLE_UNSET: i32 = 0;
/// `tcr_modify_instance_token_request.enable`: enable the credential.
pub const TCR_ENABLE_TRUE: i32 = 1;
/// `tcr_modify_instance_token_request.enable`: disable the credential.
pub const TCR_ENABLE_FALSE: i32 = 2;

/// One ModifyInstanceToken request, an extensible struct: initialise it
/// with `TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT` (every optional field is
/// then absent), then set fields. Used by `tcr_modify_instance_token` and
/// `tcr_modify_instance_token_prepare`, which read it during the call; the
/// caller keeps ownership. Fields are only ever appended.
#[repr(C)]
pub struct tcr_modify_instance_token_request {
    /// `sizeof(tcr_modify_instance_token_request)` as the program was
    /// compiled: set by `TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT`.
    pub struct_size: usize,
    /// Instance ID, e.g. "tcr-12345". Required, 1 to 128 bytes, no spaces or control characters.
    pub registry_id: *const c_char,
    /// Long-term access credential ID. Required, 1 to 128 bytes, no spaces or control characters.
    pub token_id: *const c_char,
    /// New description, at most 1024 characters, no control characters.
    /// NULL: not sent. "" is sent and clears the description. Required when `modify_flag` is 1.
    pub desc: *const c_char,
    /// `TCR_ENABLE_TRUE`, `TCR_ENABLE_FALSE`, or `TCR_ENABLE_UNSET` (0) to not
    /// send `Enable`. Required when `modify_flag` is 2 or 0.
    pub enable: i32,
    /// 1: modify the description; 2: enable/disable; 0: not sent (the service
    /// then acts as for 2). Any other value is `TCR_INVALID_ARGUMENT`.
    pub modify_flag: i32,
}

// SAFETY: struct_size first; raw pointers and integers, zero is valid.
unsafe impl Extensible for tcr_modify_instance_token_request {
    const ARGUMENT: &'static str = "request";
    const INIT: &'static str = "TCR_MODIFY_INSTANCE_TOKEN_REQUEST_INIT";
    // The 0.2.0 layout is the whole struct. When a field is appended, this
    // becomes `offset_of!(tcr_modify_instance_token_request, <that field>)`.
    const FIRST_SIZE: usize = std::mem::size_of::<tcr_modify_instance_token_request>();
}

impl tcr_modify_instance_token_request {
    /// The Rust view of a C request; `request` is not NULL, and its strings
    /// are NULL or NUL-terminated and outlive the result.
    pub(super) unsafe fn read<'a>(
        request: *const tcr_modify_instance_token_request,
    ) -> Result<ModifyInstanceToken<'a>, Error> {
        let r = read_sized(request)?;
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
}

/// Calls ModifyInstanceToken: validates `request`, then makes up to
/// `max_attempts` HTTP attempts, each after the client's rate limiter and
/// signed afresh; network failures before a reply and
/// RequestLimitExceeded[.*] are retried with jittered exponential backoff.
/// The whole call, waits included, ends within the timeout. Repeating it is
/// safe: it sets a state. Thread safety: may be called concurrently on one
/// client.
///
/// - `client`: a client not freed yet; NULL is `TCR_INVALID_ARGUMENT`.
/// - `request`: read during the call; NULL is `TCR_INVALID_ARGUMENT`.
/// - `settings`: NULL (the client's defaults) or read when the call starts.
/// - `response_out`: not NULL (else `TCR_INVALID_ARGUMENT` and nothing is
///   sent); receives a new `tcr_response` whatever the status, which the
///   caller frees with `tcr_response_free`.
///
/// Returns the status; a bad argument or field is `TCR_INVALID_ARGUMENT`
/// with `error_message` naming it, and nothing is sent.
#[no_mangle]
pub unsafe extern "C" fn tcr_modify_instance_token(
    client: *const tcr_client,
    request: *const tcr_modify_instance_token_request,
    settings: *const tcr_call_settings,
    response_out: *mut *mut tcr_response,
) -> tcr_status {
    hand_out(response_out, || {
        non_null!(client, "client");
        non_null!(request, "request");
        let request = tcr_modify_instance_token_request::read(request)?;
        let settings = Settings::read(settings)?;
        let outcome = (*client)
            .inner
            .modify_instance_token(&request, settings.call());
        Ok(tcr_response::of(outcome))
    })
}
