//! Any TCR action of API version 2019-09-24, called by name: what can be
//! checked without knowing the action (the name's shape, the parameters
//! being one JSON object of bounded size), and the reply's `Response`
//! object handed back as JSON text. Nothing about a particular action is
//! assumed here; the service checks the parameters.

use crate::api::{self, BODY_EXCERPT_LEN};
use crate::error::Error;
use crate::peer_text::{self, Secrets};
use serde_json::value::RawValue;

/// Longest action name accepted, in bytes (TCR's longest is under 40).
pub const MAX_ACTION_LEN: usize = 64;
/// Largest parameters document accepted, in bytes.
pub const MAX_PARAMS_LEN: usize = 1 << 20;

/// The service's reply to a call: its `Response` object as sent (JSON
/// text, `RequestId` included), that RequestId, and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResponse {
    pub response_json: String,
    pub request_id: String,
    pub http_status: u16,
}

/// An action name as the API spells them: an ASCII capital letter, then
/// letters and digits (`CreateInstanceToken`).
pub fn check_action(action: &str) -> Result<(), Error> {
    if action.is_empty() || action.len() > MAX_ACTION_LEN {
        return Err(Error::invalid(
            "action",
            format!("must be 1 to {MAX_ACTION_LEN} bytes"),
        ));
    }
    let mut bytes = action.bytes();
    let first_is_capital = bytes.next().is_some_and(|b| b.is_ascii_uppercase());
    if !first_is_capital || !bytes.all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid(
            "action",
            "must be an API action name: an ASCII capital letter, then letters and digits (e.g. \"DescribeInstanceToken\")",
        ));
    }
    Ok(())
}

/// The parameters: one JSON object, at most [`MAX_PARAMS_LEN`] bytes.
pub fn check_params(params_json: &str) -> Result<(), Error> {
    if params_json.len() > MAX_PARAMS_LEN {
        return Err(Error::invalid(
            "params",
            format!("is larger than {MAX_PARAMS_LEN} bytes"),
        ));
    }
    match serde_json::from_str::<&RawValue>(params_json) {
        Err(e) => Err(Error::invalid(
            "params",
            format!(
                "is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )),
        Ok(raw) if raw.get().starts_with('{') => Ok(()),
        Ok(_) => Err(Error::invalid("params", "must be a JSON object")),
    }
}

/// The reply, checked as [`api::parse_envelope`] checks every reply, with
/// the `Response` object kept as the service wrote it.
pub fn parse_reply(
    http_status: u16,
    body: &[u8],
    secrets: &Secrets<'_>,
) -> Result<CallResponse, Error> {
    let (_, request_id) = api::parse_envelope(http_status, body, secrets)?;
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(rename = "Response", borrow)]
        response: &'a RawValue,
    }
    let envelope: Envelope<'_> = serde_json::from_slice(body).map_err(|_| Error::Protocol {
        http_status,
        message: format!(
            "reply's Response cannot be taken as it is; body starts: {}",
            peer_text::excerpt(body, BODY_EXCERPT_LEN, secrets)
        ),
    })?;
    Ok(CallResponse {
        response_json: peer_text::redact(envelope.response.get(), secrets).into_owned(),
        request_id,
        http_status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_are_checked_for_shape_only() {
        for good in ["DescribeInstanceToken", "CreateInstanceToken", "A", "X1"] {
            assert!(check_action(good).is_ok(), "{good}");
        }
        let long = "A".repeat(MAX_ACTION_LEN + 1);
        for bad in [
            "",
            "describeInstanceToken",
            "Describe Instance",
            "Describe-Token",
            "Ação",
            "1Action",
            long.as_str(),
        ] {
            assert!(
                matches!(
                    check_action(bad),
                    Err(Error::InvalidArgument {
                        field: "action",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn params_must_be_one_json_object_of_bounded_size() {
        for good in ["{}", r#"{"RegistryId": "tcr-1", "Limit": 5}"#, " { } "] {
            assert!(check_params(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("", "not valid JSON"),
            ("[]", "JSON object"),
            ("\"x\"", "JSON object"),
            ("null", "JSON object"),
            ("{\"a\": 1", "not valid JSON"),
            ("{} {}", "not valid JSON"),
        ] {
            match check_params(bad) {
                Err(Error::InvalidArgument {
                    field: "params",
                    reason,
                }) => assert!(reason.contains(why), "{bad:?}: {reason}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        let big = format!("{{\"Desc\": \"{}\"}}", "x".repeat(MAX_PARAMS_LEN));
        assert!(check_params(&big).is_err());
    }

    #[test]
    fn the_response_object_is_kept_as_sent() {
        let body = br#"{"Response": {"TotalCount": 1, "Tokens": [{"Id": "t", "Enabled": true}], "RequestId": "r-1"}}"#;
        let reply = parse_reply(200, body, &Secrets::default()).unwrap();
        assert_eq!(
            reply.response_json,
            r#"{"TotalCount": 1, "Tokens": [{"Id": "t", "Enabled": true}], "RequestId": "r-1"}"#
        );
        assert_eq!(reply.request_id, "r-1");
        let error = br#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "m"}, "RequestId": "r-2"}}"#;
        assert!(matches!(
            parse_reply(200, error, &Secrets::default()),
            Err(Error::Api(api)) if api.code == "ResourceNotFound" && api.request_id == "r-2"
        ));
        for bad in [&b"[]"[..], b"{\"Response\": []}", b"{\"Response\": {}}"] {
            assert!(matches!(
                parse_reply(200, bad, &Secrets::default()),
                Err(Error::Protocol { .. })
            ));
        }
    }
}
