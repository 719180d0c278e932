//! `tcr_call_settings`: what one call may set instead of the client's
//! defaults, as an extensible struct.

use super::cancel::tcr_cancel_token;
use super::options::milliseconds;
use super::sized::{read_sized, Extensible};
use crate::cancel::CancelToken;
use crate::client::CallSettings;
use crate::error::Error;
use std::time::Duration;

/// Per-call settings, an extensible struct: initialise it with
/// `TCR_CALL_SETTINGS_INIT`, then set what you need. Every call takes a
/// `const tcr_call_settings *`; NULL means the client's defaults. It is
/// read when the call starts; the caller keeps ownership. Fields are only
/// ever appended (see the preamble).
#[repr(C)]
pub struct tcr_call_settings {
    /// `sizeof(tcr_call_settings)` as the program was compiled: set by
    /// `TCR_CALL_SETTINGS_INIT`.
    pub struct_size: usize,
    /// This call's total time in milliseconds, retries and waits included,
    /// 1 to 600000, instead of the client's timeout. 0: the client's.
    pub timeout_ms: u32,
    /// Ends the call early when cancelled (see `tcr_cancel_token`). NULL:
    /// none. The call keeps its own reference: the caller may free the
    /// token while the call runs.
    pub cancel: *const tcr_cancel_token,
}

// SAFETY: struct_size first; a number and a raw pointer, zero is valid.
unsafe impl Extensible for tcr_call_settings {
    const ARGUMENT: &'static str = "settings";
    const INIT: &'static str = "TCR_CALL_SETTINGS_INIT";
    // The 0.2.0 layout is the whole struct. When a field is appended, this
    // becomes `offset_of!(tcr_call_settings, <that field>)`.
    const FIRST_SIZE: usize = std::mem::size_of::<tcr_call_settings>();
}

/// A call's settings read from C, owning its reference to the token.
#[derive(Default)]
pub(super) struct Settings {
    timeout: Option<Duration>,
    cancel: Option<CancelToken>,
}

impl Settings {
    /// `settings` is NULL (the defaults) or points to a struct laid out as
    /// its `struct_size` says, whose `cancel` is NULL or a live token.
    pub(super) unsafe fn read(settings: *const tcr_call_settings) -> Result<Settings, Error> {
        if settings.is_null() {
            return Ok(Settings::default());
        }
        let s = read_sized(settings)?;
        Ok(Settings {
            timeout: milliseconds(s.timeout_ms),
            cancel: s.cancel.as_ref().map(|token| token.inner.clone()),
        })
    }

    pub(super) fn call(&self) -> CallSettings<'_> {
        CallSettings {
            timeout: self.timeout,
            cancel: self.cancel.as_ref(),
        }
    }
}
