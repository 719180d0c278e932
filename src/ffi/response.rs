//! `tcr_response`: the outcome of every call, allocated by libtcr.

use super::export::Output;
use super::panic::boundary_or;
use super::status::tcr_status;
use super::strings::{c_string, free_c_string};
use crate::client::{Outcome, Reply};
use crate::error::Error;
use libc::c_char;

/// The outcome of a call (`tcr_modify_instance_token`, `tcr_call`),
/// allocated by libtcr and handed out through the call's `response_out`,
/// on success and on failure alike; freed with `tcr_response_free`. Read
/// its fields; never allocate, copy or embed it: it only ever grows at the
/// end, and `struct_size` says how much of it this library filled
/// (`TCR_HAS_FIELD(response, tcr_response, field)` before reading a field
/// a newer header added). Its strings belong to it.
#[repr(C)]
pub struct tcr_response {
    /// The size of this struct as the library that made it knows it.
    pub struct_size: usize,
    /// The service's RequestId: on success, and on `TCR_API_ERROR` when the
    /// service sent one; NULL otherwise.
    pub request_id: *mut c_char,
    /// On `TCR_API_ERROR` the service's error code (e.g.
    /// "AuthFailure.SignatureFailure"); NULL otherwise.
    pub error_code: *mut c_char,
    /// On any failure a human-readable message (on `TCR_API_ERROR` the
    /// service's own message); NULL on success. Never holds a secret.
    pub error_message: *mut c_char,
    /// The HTTP status of the reply, or 0 if no reply arrived.
    pub http_status: u32,
    /// How many HTTP attempts were made (0 if the call was rejected before
    /// sending; more than 1 when failures were retried).
    pub attempts: u32,
    /// On `TCR_OK` the reply's `Response` object exactly as the service
    /// sent it (JSON text, `RequestId` included); NULL otherwise.
    pub response_json: *mut c_char,
}

impl tcr_response {
    const EMPTY: tcr_response = tcr_response {
        struct_size: std::mem::size_of::<tcr_response>(),
        request_id: std::ptr::null_mut(),
        error_code: std::ptr::null_mut(),
        error_message: std::ptr::null_mut(),
        http_status: 0,
        attempts: 0,
        response_json: std::ptr::null_mut(),
    };

    /// A call's outcome and its status.
    pub(super) fn of<T: Reply>(outcome: Outcome<T>) -> (tcr_status, tcr_response) {
        let (status, response) = match &outcome.result {
            Ok(reply) => (
                tcr_status::TCR_OK,
                tcr_response {
                    request_id: c_string(reply.request_id()),
                    http_status: u32::from(reply.http_status()),
                    response_json: c_string(reply.response_json()),
                    ..tcr_response::EMPTY
                },
            ),
            Err(error) => (tcr_status::of_error(error), tcr_response::failed(error)),
        };
        (
            status,
            tcr_response {
                attempts: outcome.attempts,
                ..response
            },
        )
    }
}

impl Output for tcr_response {
    fn failed(error: &Error) -> tcr_response {
        let mut response = tcr_response {
            http_status: u32::from(error.http_status()),
            ..tcr_response::EMPTY
        };
        match error {
            Error::Api(api) => {
                if !api.request_id.is_empty() {
                    response.request_id = c_string(&api.request_id);
                }
                response.error_code = c_string(&api.code);
                response.error_message = c_string(&api.message);
            }
            other => response.error_message = c_string(&other.to_string()),
        }
        response
    }
}

/// Frees a response and everything it holds.
///
/// - `response`: NULL (ignored) or a response libtcr handed out, not freed
///   yet; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tcr_response_free(response: *mut tcr_response) {
    boundary_or((), || {
        if response.is_null() {
            return;
        }
        let mut response = Box::from_raw(response);
        free_c_string(&mut response.request_id);
        free_c_string(&mut response.error_code);
        free_c_string(&mut response.error_message);
        free_c_string(&mut response.response_json);
    })
}
