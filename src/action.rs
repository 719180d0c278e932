//! Any TCR action of API version 2019-09-24, called by name: what can be
//! checked without knowing the action (the name's shape, the parameters
//! being one JSON object of bounded size), and the reply's `Response`
//! object handed back as JSON text. Nothing about a particular action is
//! assumed here; the service checks the parameters.

use crate::api;
use crate::error::Error;
use crate::peer_text::Secrets;
use serde_json::value::RawValue;

/// Longest action name accepted, in bytes (TCR's longest is under 40).
pub const MAX_ACTION_LEN: usize = 64;
/// Largest parameters document accepted, in bytes.
pub const MAX_PARAMS_LEN: usize = 1 << 20;

/// The service's reply to a call: its `Response` object as sent (JSON
/// text, `RequestId` included), that RequestId, and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResponse {
    /// The reply's `Response` object, byte for byte as the service sent it.
    pub response_json: String,
    /// Its `RequestId`.
    pub request_id: String,
    /// The HTTP status of the reply (200).
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
/// the `Response` object handed back byte for byte as the service wrote it:
/// it is the caller's data, so nothing in it is redacted or re-encoded.
pub fn parse_reply(
    http_status: u16,
    body: &[u8],
    secrets: &Secrets<'_>,
) -> Result<CallResponse, Error> {
    let envelope = api::parse_envelope(http_status, body, secrets)?;
    Ok(CallResponse {
        response_json: envelope.response.get().to_owned(),
        request_id: envelope.request_id,
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
    fn any_valid_json_is_taken_and_handed_back_byte_for_byte() {
        // Numbers beyond f64 and escaped lone surrogates, where tcr does
        // not look and where it does (a lone surrogate in the Message).
        let response = r#"{"Big": 1e400, "Neg": -1e400, "Exact": 12345678901234567890123, "Desc": "\ud83d and \udc00\u00e9", "Tokens": [{"Desc": "\ud83d"}], "RequestId": "r-1"}"#;
        let body = format!(r#"{{"Response": {response}, "Extra": 1e999}}"#);
        let reply = parse_reply(200, body.as_bytes(), &Secrets::default()).unwrap();
        assert_eq!(reply.response_json, response);
        assert_eq!(reply.request_id, "r-1");
        assert!(crate::api::parse_reply(200, body.as_bytes(), &Secrets::default()).is_ok());
        let error = br#"{"Response": {"Error": {"Code": "InvalidParameter", "Message": "bad \ud83d desc", "Limit": 1e400}, "RequestId": "r-2"}}"#;
        match parse_reply(200, error, &Secrets::default()) {
            Err(Error::Api(api)) => {
                assert_eq!(api.message, "bad \u{fffd} desc");
                assert_eq!(api.request_id, "r-2");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_successful_response_is_never_redacted() {
        // Values that start like the attempt's secrets (a digest sharing the
        // signature's first 8, 15 and 40 characters; the key's and the
        // token's first 20 bytes), and even the whole signature: the
        // caller's data, returned unchanged.
        const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
        const TOKEN: &str = "session-token-0123456789abcdef";
        const SIGNATURE: &str = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
        let secrets = Secrets::new(KEY, Some(TOKEN), SIGNATURE);
        let digest = |n: usize| format!("sha256:{}{}", &SIGNATURE[..n], "f".repeat(64 - n));
        let response = format!(
            r#"{{"Digests": ["{}", "{}", "{}"], "Key": "{}", "Token": "{}", "Whole": "{SIGNATURE}", "RequestId": "r-1"}}"#,
            digest(8),
            digest(15),
            digest(40),
            &KEY[..20],
            &TOKEN[..20]
        );
        let body = format!(r#"{{"Response": {response}}}"#);
        let reply = parse_reply(200, body.as_bytes(), &secrets).unwrap();
        assert_eq!(reply.response_json, response);
        // The same values in an error message: the whole signature and the
        // cut echoes (ending where their value ends) go, the digests stay.
        let message = format!(
            "{} {} key={} token={} sig={SIGNATURE}",
            digest(8),
            digest(15),
            &KEY[..20],
            &TOKEN[..20]
        );
        let error = format!(
            r#"{{"Response": {{"Error": {{"Code": "X", "Message": "{message}"}}, "RequestId": "r-2"}}}}"#
        );
        match parse_reply(200, error.as_bytes(), &secrets) {
            Err(Error::Api(api)) => assert_eq!(
                api.message,
                format!(
                    "{} {} key=[redacted] token=[redacted] sig=[redacted]",
                    digest(8),
                    digest(15)
                )
            ),
            other => panic!("{other:?}"),
        }
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
