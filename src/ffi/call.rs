//! Any TCR action, by name.

use super::client::tcr_client;
use super::export::hand_out;
use super::response::tcr_response;
use super::settings::{tcr_call_settings, Settings};
use super::status::tcr_status;
use super::strings::{read_required, read_up_to};
use crate::action;
use crate::error::Error;
use libc::c_char;

/// The action and parameters of a generic call or prepared request.
pub(super) unsafe fn read_action<'a>(
    action: *const c_char,
    params_json: *const c_char,
) -> Result<(&'a str, &'a str), Error> {
    let action = read_required(action, "action")?;
    let params = read_up_to(params_json, "params", action::MAX_PARAMS_LEN)?
        .ok_or_else(|| Error::invalid("params", "is required: a JSON object, \"{}\" for none"))?;
    Ok((action, params))
}

/// Calls any TCR action (API version 2019-09-24) by name, e.g.
/// `tcr_call(client, "DescribeInstanceToken", "{\"RegistryId\": \"tcr-1\"}", NULL, &response)`,
/// with the client's signer, credentials, clock, timeouts and errors; the
/// reply's `Response` object comes back in `response->response_json`.
///
/// Only the shape is checked here (the service checks the parameters). The
/// action may not be repeatable (a second `CreateInstanceToken` makes a
/// second token), so only what cannot have been processed is retried, and
/// each action has its own rate-limit bucket (docs/behaviour.md, "Retries",
/// "Rate limiting"). Thread safety: may be called concurrently on one
/// client.
///
/// - `client`: a client not freed yet; NULL is `TCR_INVALID_ARGUMENT`.
/// - `action`: an ASCII capital, then letters and digits, at most 64 bytes;
///   read during the call.
/// - `params_json`: one JSON object of at most 1 MiB ("{}" for none); read
///   during the call.
/// - `settings`: NULL (the client's defaults) or read when the call starts.
/// - `response_out`: as for `tcr_modify_instance_token`.
#[no_mangle]
pub unsafe extern "C" fn tcr_call(
    client: *const tcr_client,
    action: *const c_char,
    params_json: *const c_char,
    settings: *const tcr_call_settings,
    response_out: *mut *mut tcr_response,
) -> tcr_status {
    hand_out(response_out, || {
        non_null!(client, "client");
        let (action, params) = read_action(action, params_json)?;
        let settings = Settings::read(settings)?;
        let outcome = (*client).inner.call(action, params, settings.call());
        Ok(tcr_response::of(outcome))
    })
}
