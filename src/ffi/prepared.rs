//! Prepared requests: signed, for the caller to send with its own HTTP
//! client.

use super::call::read_action;
use super::client::tcr_client;
use super::export::{hand_out, Output};
use super::modify_instance_token::tcr_modify_instance_token_request;
use super::panic::boundary_or;
use super::settings::{tcr_call_settings, Settings};
use super::status::tcr_status;
use super::strings::{c_string, free_c_string, wipe_c_string};
use crate::client::SignedRequest;
use crate::error::Error;
use libc::c_char;

/// One header of a `tcr_prepared_request`: NUL-terminated name and value.
/// It is an element of an array, so its layout is fixed for the life of
/// this ABI: it never grows (anything more about a header would come in a
/// new array of the prepared request).
#[repr(C)]
pub struct tcr_header {
    /// The header's name, e.g. "X-TC-Action".
    pub name: *mut c_char,
    /// Its value.
    pub value: *mut c_char,
}

/// A signed request for the caller to send with its own HTTP client,
/// allocated by libtcr and handed out by `tcr_modify_instance_token_prepare`
/// and `tcr_call_prepare` (on failure too, with only `error_message`);
/// freed with `tcr_prepared_request_free`. Read its fields; never allocate,
/// copy or embed it: it only ever grows at the end (`struct_size`, as for
/// `tcr_response`). Everything it points to belongs to it.
#[repr(C)]
pub struct tcr_prepared_request {
    /// The size of this struct as the library that made it knows it.
    pub struct_size: usize,
    /// "POST" (NULL on failure).
    pub method: *mut c_char,
    /// The endpoint's URL, e.g. `"https://tcr.tencentcloudapi.com/"`.
    pub url: *mut c_char,
    /// The headers to send, in this order, `Host` first (an HTTP client
    /// that sets `Host` from the URL sends the same value).
    pub headers: *mut tcr_header,
    /// How many elements `headers` has.
    pub header_count: usize,
    /// The JSON body, `body_len` bytes (not NUL-terminated).
    pub body: *mut u8,
    /// The length of `body` in bytes.
    pub body_len: usize,
    /// On failure, a message naming the problem; NULL on success.
    pub error_message: *mut c_char,
}

impl tcr_prepared_request {
    const EMPTY: tcr_prepared_request = tcr_prepared_request {
        struct_size: std::mem::size_of::<tcr_prepared_request>(),
        method: std::ptr::null_mut(),
        url: std::ptr::null_mut(),
        headers: std::ptr::null_mut(),
        header_count: 0,
        body: std::ptr::null_mut(),
        body_len: 0,
        error_message: std::ptr::null_mut(),
    };

    fn of(mut prepared: SignedRequest) -> (tcr_status, tcr_prepared_request) {
        let headers: Box<[tcr_header]> = prepared
            .headers
            .iter()
            .map(|(name, value)| tcr_header {
                name: c_string(name),
                value: c_string(value),
            })
            .collect();
        let body: Box<[u8]> = std::mem::take(&mut prepared.body).into_boxed_slice();
        let out = tcr_prepared_request {
            method: c_string("POST"),
            url: c_string(&prepared.url),
            header_count: headers.len(),
            headers: Box::into_raw(headers).cast(),
            body_len: body.len(),
            body: Box::into_raw(body).cast(),
            ..tcr_prepared_request::EMPTY
        };
        (tcr_status::TCR_OK, out)
    }
}

impl Output for tcr_prepared_request {
    fn failed(error: &Error) -> tcr_prepared_request {
        tcr_prepared_request {
            error_message: c_string(&error.to_string()),
            ..tcr_prepared_request::EMPTY
        }
    }
}

/// A cancel token already cancelled stops a prepare (nothing to send, so
/// nothing sent); the timeout does not apply to one.
fn unless_cancelled(settings: &Settings) -> Result<(), Error> {
    match settings.call().cancel {
        Some(token) if token.is_cancelled() => Err(Error::Cancelled(
            "cancelled before the request was prepared".into(),
        )),
        _ => Ok(()),
    }
}

/// Builds the exact request `tcr_modify_instance_token` would send now, for
/// programs that send HTTP themselves (an event loop, libcurl multi):
/// `request` is validated the same way, the credentials are the client's (a
/// CVM role's refreshed when due), and it is signed at the client's clock
/// (`tcr_client_clock_offset` included). Nothing is sent.
///
/// The service accepts it for 5 minutes. The library does not retry it,
/// rate-limit it or read its reply: parse the JSON reply yourself
/// (`Response.Error` on failure). Its `Authorization` header holds a
/// signature and `X-TC-Token` a session token: treat both as secrets.
///
/// - `client`, `request`: as for `tcr_modify_instance_token`.
/// - `settings`: NULL or read at once; only `cancel` applies (a token
///   already cancelled gives `TCR_CANCELLED`).
/// - `prepared_out`: not NULL (else `TCR_INVALID_ARGUMENT`); receives a new
///   `tcr_prepared_request` whatever the status, which the caller frees with
///   `tcr_prepared_request_free`.
#[no_mangle]
pub unsafe extern "C" fn tcr_modify_instance_token_prepare(
    client: *const tcr_client,
    request: *const tcr_modify_instance_token_request,
    settings: *const tcr_call_settings,
    prepared_out: *mut *mut tcr_prepared_request,
) -> tcr_status {
    hand_out(prepared_out, || {
        non_null!(client, "client");
        non_null!(request, "request");
        let request = tcr_modify_instance_token_request::read(request)?;
        unless_cancelled(&Settings::read(settings)?)?;
        let prepared = (*client).inner.prepare_modify_instance_token(&request)?;
        Ok(tcr_prepared_request::of(prepared))
    })
}

/// Builds the exact request `tcr_call` would send now for `action` and
/// `params_json` (checked as `tcr_call` checks them), for the caller to
/// send itself; otherwise as `tcr_modify_instance_token_prepare`: `client`,
/// `settings` and `prepared_out` are as there, `action` and `params_json`
/// as for `tcr_call` (read during the call only).
#[no_mangle]
pub unsafe extern "C" fn tcr_call_prepare(
    client: *const tcr_client,
    action: *const c_char,
    params_json: *const c_char,
    settings: *const tcr_call_settings,
    prepared_out: *mut *mut tcr_prepared_request,
) -> tcr_status {
    hand_out(prepared_out, || {
        non_null!(client, "client");
        let (action, params) = read_action(action, params_json)?;
        unless_cancelled(&Settings::read(settings)?)?;
        let prepared = (*client).inner.prepare_call(action, params)?;
        Ok(tcr_prepared_request::of(prepared))
    })
}

/// Frees a prepared request and everything it holds, wiping the header
/// values (the signature and session token among them) first.
///
/// - `prepared`: NULL (ignored) or a prepared request libtcr handed out,
///   not freed yet; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tcr_prepared_request_free(prepared: *mut tcr_prepared_request) {
    boundary_or((), || {
        if prepared.is_null() {
            return;
        }
        let mut out = Box::from_raw(prepared);
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
    })
}
