//! `tcr_cancel_token`: cancels calls from another thread.

use super::panic::boundary_or;
use crate::cancel::CancelToken;
use libc::c_int;

/// Cancels calls from another thread: give it to calls through
/// `tcr_call_settings.cancel`, then `tcr_cancel_token_cancel` ends them
/// within milliseconds with `TCR_CANCELLED`. Functions:
/// `tcr_cancel_token_new`, `tcr_cancel_token_cancel`,
/// `tcr_cancel_token_is_cancelled`, `tcr_cancel_token_free`. Once cancelled
/// it stays cancelled: use a new token for new calls. One token may be given
/// to several calls at once, which it then all cancels. Thread safety: every
/// function may be called from any thread, concurrently.
///
/// What a cancel means for the call: cancelled before it started, while it
/// waited for the rate limiter (its slot goes to later calls) or while its
/// connection was being made, nothing was sent; during a backoff, nothing
/// more is sent; once the request is being written it may already have been
/// sent and processed, and its connection is closed, so the service's late
/// reply is never read by another call. A cancel that comes as the reply
/// completes may lose: the call returns the reply. Fetching CVM role
/// credentials is not interrupted.
pub struct tcr_cancel_token {
    pub(super) inner: CancelToken,
}

/// A new, not cancelled token; the caller frees it with
/// `tcr_cancel_token_free`. NULL only if memory ran out.
#[no_mangle]
pub extern "C" fn tcr_cancel_token_new() -> *mut tcr_cancel_token {
    boundary_or(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(tcr_cancel_token {
            inner: CancelToken::new(),
        }))
    })
}

/// Cancels every call using `token`, now or later. Idempotent; it wakes
/// those calls and returns at once, without waiting for them to end.
///
/// - `token`: NULL (ignored) or a token not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_cancel_token_cancel(token: *const tcr_cancel_token) {
    boundary_or((), || {
        if let Some(token) = token.as_ref() {
            token.inner.cancel();
        }
    })
}

/// 1 if `token` was cancelled, else 0.
///
/// - `token`: NULL (returns 0) or a token not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_cancel_token_is_cancelled(token: *const tcr_cancel_token) -> c_int {
    boundary_or(0, || {
        token
            .as_ref()
            .map_or(0, |t| c_int::from(t.inner.is_cancelled()))
    })
}

/// Frees a token. Calls that were given it keep their own reference, so it
/// may be freed while they run, but no thread may use the pointer
/// afterwards (cancel it first if they should end).
///
/// - `token`: NULL (ignored) or a token from `tcr_cancel_token_new` not
///   freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_cancel_token_free(token: *mut tcr_cancel_token) {
    boundary_or((), || {
        if !token.is_null() {
            drop(Box::from_raw(token));
        }
    })
}
