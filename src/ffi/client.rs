//! `tcr_client`: made from options, shared by threads, freed once.

use super::export::reset;
use super::options::tcr_client_options;
use super::options::{TCR_LOG_DEBUG, TCR_LOG_WARN};
use super::panic::{boundary, boundary_or};
use super::sized::read_sized;
use super::status::tcr_status;
use super::strings::c_string;
use crate::client::Client;
use crate::log::Level;
use libc::{c_char, c_int};

/// An opaque client: `tcr_client_new`, `tcr_client_free`,
/// `tcr_client_clock_offset`, `tcr_client_set_log_level`,
/// `tcr_client_credential_source`, and the calls
/// (`tcr_modify_instance_token`, `tcr_call`, the `_prepare` functions).
/// Thread safety: safe to share between threads; every function taking
/// `const tcr_client *` may be called concurrently.
pub struct tcr_client {
    pub(super) inner: Client,
}

/// Creates a client from `options`; nothing is sent.
///
/// - `options`: read during the call (see `tcr_client_options`); not NULL.
/// - `client_out`: not NULL; receives the new client on `TCR_OK`, which the
///   caller frees with `tcr_client_free`; set to NULL on failure.
/// - `error_message`: NULL, or receives on failure a message that the
///   caller frees with `tcr_string_free` (NULL on success).
///
/// Returns `TCR_OK`, `TCR_INVALID_ARGUMENT` (a bad option, NULL argument or
/// `struct_size`), `TCR_CREDENTIALS`, or `TCR_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn tcr_client_new(
    options: *const tcr_client_options,
    client_out: *mut *mut tcr_client,
    error_message: *mut *mut c_char,
) -> tcr_status {
    let message_slot = reset(error_message);
    let client_slot = reset(client_out);
    let result = boundary(|| {
        non_null!(options, "options");
        let Some(slot) = client_slot else {
            return Err(crate::Error::invalid("client_out", "must not be NULL"));
        };
        let options = read_sized(options)?;
        let client = Client::new(&options.read()?)?;
        *slot = Box::into_raw(Box::new(tcr_client { inner: client }));
        Ok(())
    });
    match result {
        Ok(()) => tcr_status::TCR_OK,
        Err(error) => {
            if let Some(slot) = message_slot {
                *slot = c_string(&error.to_string());
            }
            tcr_status::of_error(&error)
        }
    }
}

/// Frees a client and wipes its secret key.
///
/// - `client`: NULL (ignored) or a client from `tcr_client_new` not freed
///   yet, whose calls on other threads have returned. It must not be used
///   afterwards.
#[no_mangle]
pub unsafe extern "C" fn tcr_client_free(client: *mut tcr_client) {
    boundary_or((), || {
        if !client.is_null() {
            drop(Box::from_raw(client));
        }
    })
}

/// Seconds the client adds to the local clock when signing: the service's
/// clock minus this host's, learned from the `Date` header of an
/// `AuthFailure.SignatureExpire` reply (0 until one arrives; how it is
/// learned and used: docs/behaviour.md, "Clock").
///
/// - `client`: NULL (returns 0) or a client not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_client_clock_offset(client: *const tcr_client) -> i64 {
    boundary_or(0, || client.as_ref().map_or(0, |c| c.inner.clock_offset()))
}

/// Sets the lowest level of lines the client's `log_callback` receives from
/// now on, also for calls running on other threads: `TCR_LOG_WARN` stops
/// the per-attempt debug lines (libtcr then does not even format them),
/// `TCR_LOG_DEBUG` (a new client's level) starts them again. A binding
/// whose logging is configured after the client was made uses it to send
/// lines only while someone listens. `TCR_LOG=debug` on stderr is not
/// affected.
///
/// - `client`: a client not freed yet; not NULL.
/// - `level`: `TCR_LOG_DEBUG` or `TCR_LOG_WARN`.
///
/// Returns `TCR_OK`, or `TCR_INVALID_ARGUMENT` (NULL client, other level).
#[no_mangle]
pub unsafe extern "C" fn tcr_client_set_log_level(
    client: *const tcr_client,
    level: c_int,
) -> tcr_status {
    boundary_or(tcr_status::TCR_INTERNAL, || {
        let Some(client) = client.as_ref() else {
            return tcr_status::TCR_INVALID_ARGUMENT;
        };
        let level = match level {
            TCR_LOG_DEBUG => Level::Debug,
            TCR_LOG_WARN => Level::Warn,
            _ => return tcr_status::TCR_INVALID_ARGUMENT,
        };
        client.inner.set_log_level(level);
        tcr_status::TCR_OK
    })
}

/// Where the client's credentials come from, e.g. "environment",
/// "tccli profile /home/ci/.tccli/default.credential" or "STS AssumeRole
/// qcs::cam::uin/100000000001:roleName/ci (session tcr-1764633600) over
/// environment": never a secret. The same text is in the debug line
/// `tcr_client_new` logs.
///
/// - `client`: a client not freed yet; NULL returns NULL.
///
/// Returns a string the caller frees with `tcr_string_free` (NULL if
/// `client` is NULL).
#[no_mangle]
pub unsafe extern "C" fn tcr_client_credential_source(client: *const tcr_client) -> *mut c_char {
    boundary_or(std::ptr::null_mut(), || {
        client.as_ref().map_or(std::ptr::null_mut(), |c| {
            c_string(&c.inner.credential_source())
        })
    })
}
