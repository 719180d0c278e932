//! The `ModifyInstanceToken` action: its request (validated, serialised), and
//! the parsing of its reply.

use crate::error::{ApiError, Error};
use serde::Deserialize;

pub const ACTION: &str = "ModifyInstanceToken";
pub const VERSION: &str = "2019-09-24";
pub const SERVICE: &str = "tcr";

/// Longest RegistryId and TokenId accepted, in bytes. Real ones are about 12
/// and 36 bytes; the bound stops runaway input before it is sent.
pub const MAX_ID_LEN: usize = 128;
/// Longest Desc accepted, in characters (Unicode scalar values).
pub const MAX_DESC_CHARS: usize = 1024;
/// How much of an unexpected reply body is quoted in an error message.
pub const BODY_EXCERPT_LEN: usize = 256;

/// `ModifyFlag = 1`: modify the description.
pub const MODIFY_FLAG_DESC: i64 = 1;
/// `ModifyFlag = 2`: enable or disable (the service's default).
pub const MODIFY_FLAG_ENABLE: i64 = 2;

/// One `ModifyInstanceToken` request. `None` fields are not sent at all;
/// `Some(false)` for `enable` is sent as `"Enable": false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModifyInstanceToken<'a> {
    pub registry_id: &'a str,
    pub token_id: &'a str,
    pub enable: Option<bool>,
    pub desc: Option<&'a str>,
    pub modify_flag: Option<i64>,
}

impl ModifyInstanceToken<'_> {
    /// Checks the documented rules; the message names the field.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("registry_id", self.registry_id)?;
        check_id("token_id", self.token_id)?;
        if let Some(desc) = self.desc {
            if desc.chars().count() > MAX_DESC_CHARS {
                return Err(Error::invalid(
                    "desc",
                    format!("is longer than {MAX_DESC_CHARS} characters"),
                ));
            }
            if let Some(pos) = desc.chars().position(char::is_control) {
                return Err(Error::invalid(
                    "desc",
                    format!("has a control character at character {pos}"),
                ));
            }
        }
        match self.modify_flag {
            Some(MODIFY_FLAG_DESC) => {
                if self.desc.is_none() {
                    return Err(Error::invalid(
                        "desc",
                        "is required when modify_flag is 1 (modify the description)",
                    ));
                }
            }
            Some(MODIFY_FLAG_ENABLE) | None => {
                if self.enable.is_none() {
                    return Err(Error::invalid(
                        "enable",
                        "is required when modify_flag is 2 or unset (enable/disable, the service default)",
                    ));
                }
            }
            Some(other) => {
                return Err(Error::invalid(
                    "modify_flag",
                    format!("must be 1 or 2, got {other}"),
                ));
            }
        }
        Ok(())
    }

    /// Appends the JSON body to `out`, byte for byte as the official Python
    /// SDK writes it (`json.dumps` defaults: `", "` and `": "` separators,
    /// non-ASCII as `\uXXXX`), keys in the SDK model's order.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"TokenId\": ");
        write_json_string(out, self.token_id);
        out.extend_from_slice(b", \"RegistryId\": ");
        write_json_string(out, self.registry_id);
        if let Some(enable) = self.enable {
            out.extend_from_slice(if enable {
                b", \"Enable\": true"
            } else {
                b", \"Enable\": false"
            });
        }
        if let Some(desc) = self.desc {
            out.extend_from_slice(b", \"Desc\": ");
            write_json_string(out, desc);
        }
        if let Some(flag) = self.modify_flag {
            out.extend_from_slice(b", \"ModifyFlag\": ");
            out.extend_from_slice(flag.to_string().as_bytes());
        }
        out.push(b'}');
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            96 + self.token_id.len()
                + self.registry_id.len()
                + self.desc.map_or(0, |d| d.len() * 6),
        );
        self.write_json(&mut out);
        out
    }
}

fn check_id(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(field, "is required and must not be empty"));
    }
    if value.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            field,
            format!("is longer than {MAX_ID_LEN} bytes"),
        ));
    }
    if let Some(pos) = value
        .chars()
        .position(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Error::invalid(
            field,
            format!("has a control or space character at character {pos}"),
        ));
    }
    Ok(())
}

/// A JSON string as Python's `json.dumps(ensure_ascii=True)` writes it:
/// printable ASCII as is, the usual short escapes, everything else `\uXXXX`
/// (lower-case hex, UTF-16 surrogate pairs above U+FFFF).
pub fn write_json_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let mut utf16 = [0u16; 2];
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            ' '..='~' => out.push(c as u8),
            _ => {
                for unit in c.encode_utf16(&mut utf16).iter() {
                    out.extend_from_slice(b"\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(HEX[((unit >> shift) & 0xf) as usize]);
                    }
                }
            }
        }
    }
    out.push(b'"');
}

/// A successful reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifyInstanceTokenResponse {
    pub request_id: String,
    pub http_status: u16,
    /// How many HTTP attempts the call made (1 without retries).
    pub attempts: u32,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: Option<ReplyBody>,
}

#[derive(Deserialize)]
struct ReplyBody {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "Error")]
    error: Option<ReplyError>,
}

#[derive(Deserialize)]
struct ReplyError {
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message", default)]
    message: String,
}

/// A short, printable excerpt of a reply body for error messages.
pub fn body_excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_EXCERPT_LEN)];
    let text: String = String::from_utf8_lossy(cut)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if body.len() > BODY_EXCERPT_LEN {
        format!("{text}...")
    } else {
        text
    }
}

/// Turns an HTTP reply into the action's result: `Response.RequestId` on
/// success, `Response.Error` as [`Error::Api`], anything else as
/// [`Error::Protocol`] quoting the start of the body.
pub fn parse_reply(http_status: u16, body: &[u8]) -> Result<ModifyInstanceTokenResponse, Error> {
    let protocol = |what: &str| Error::Protocol {
        http_status,
        message: format!("{what}; body starts: {}", body_excerpt(body)),
    };
    if http_status != 200 {
        return Err(protocol("unexpected HTTP status"));
    }
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|_| protocol("reply is not the expected JSON"))?;
    let reply = envelope
        .response
        .ok_or_else(|| protocol("reply has no Response object"))?;
    if let Some(error) = reply.error {
        if error.code.is_empty() {
            return Err(protocol("reply has an empty Response.Error.Code"));
        }
        return Err(Error::Api(ApiError {
            code: error.code,
            message: error.message,
            request_id: reply.request_id.unwrap_or_default(),
            http_status,
        }));
    }
    let request_id = reply
        .request_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| protocol("reply has no Response.RequestId"))?;
    Ok(ModifyInstanceTokenResponse {
        request_id,
        http_status,
        attempts: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>() -> ModifyInstanceToken<'a> {
        ModifyInstanceToken {
            registry_id: "tcr-12345",
            token_id: "2ab3af0d-893d-423f-91b1-27713566f95f",
            enable: Some(true),
            ..Default::default()
        }
    }

    #[test]
    fn json_matches_python_json_dumps() {
        let body = String::from_utf8(req().to_json()).unwrap();
        assert_eq!(
            body,
            r#"{"TokenId": "2ab3af0d-893d-423f-91b1-27713566f95f", "RegistryId": "tcr-12345", "Enable": true}"#
        );
        let r = ModifyInstanceToken {
            enable: Some(false),
            desc: Some("é\"\\\t😀<>&\u{7f}"),
            modify_flag: Some(2),
            ..req()
        };
        let body = String::from_utf8(r.to_json()).unwrap();
        assert_eq!(
            body,
            r#"{"TokenId": "2ab3af0d-893d-423f-91b1-27713566f95f", "RegistryId": "tcr-12345", "Enable": false, "Desc": "\u00e9\"\\\t\ud83d\ude00<>&\u007f", "ModifyFlag": 2}"#
        );
    }

    #[test]
    fn validation_rules() {
        assert!(req().validate().is_ok());
        let cases: Vec<(ModifyInstanceToken, &str)> = vec![
            (
                ModifyInstanceToken {
                    registry_id: "",
                    ..req()
                },
                "registry_id",
            ),
            (
                ModifyInstanceToken {
                    token_id: "",
                    ..req()
                },
                "token_id",
            ),
            (
                ModifyInstanceToken {
                    token_id: "a b",
                    ..req()
                },
                "token_id",
            ),
            (
                ModifyInstanceToken {
                    modify_flag: Some(3),
                    ..req()
                },
                "modify_flag",
            ),
            (
                ModifyInstanceToken {
                    modify_flag: Some(0),
                    ..req()
                },
                "modify_flag",
            ),
            (
                ModifyInstanceToken {
                    modify_flag: Some(1),
                    ..req()
                },
                "desc",
            ),
            (
                ModifyInstanceToken {
                    enable: None,
                    ..req()
                },
                "enable",
            ),
            (
                ModifyInstanceToken {
                    enable: None,
                    modify_flag: Some(2),
                    ..req()
                },
                "enable",
            ),
            (
                ModifyInstanceToken {
                    desc: Some("a\u{1}"),
                    ..req()
                },
                "desc",
            ),
        ];
        for (r, field) in cases {
            match r.validate() {
                Err(Error::InvalidArgument { field: f, .. }) => assert_eq!(f, field, "{r:?}"),
                other => panic!("{r:?} gave {other:?}"),
            }
        }
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert!(ModifyInstanceToken {
            registry_id: &long,
            ..req()
        }
        .validate()
        .is_err());
        let desc = "描".repeat(MAX_DESC_CHARS);
        assert!(ModifyInstanceToken {
            desc: Some(&desc),
            ..req()
        }
        .validate()
        .is_ok());
        let desc = "描".repeat(MAX_DESC_CHARS + 1);
        assert!(ModifyInstanceToken {
            desc: Some(&desc),
            ..req()
        }
        .validate()
        .is_err());
        // An empty description is a value: it clears the description.
        assert!(ModifyInstanceToken {
            desc: Some(""),
            modify_flag: Some(1),
            enable: None,
            ..req()
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn replies() {
        let ok = parse_reply(200, br#"{"Response":{"RequestId":"r-1"}}"#).unwrap();
        assert_eq!(ok.request_id, "r-1");
        match parse_reply(200, br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"r-2"}}"#) {
            Err(Error::Api(api)) => {
                assert_eq!(api.code, "AuthFailure.SignatureFailure");
                assert_eq!(api.message, "bad");
                assert_eq!(api.request_id, "r-2");
            }
            other => panic!("{other:?}"),
        }
        for (status, body, what) in [
            (
                502,
                &b"<html>bad gateway</html>"[..],
                "unexpected HTTP status",
            ),
            (200, b"not json", "not the expected JSON"),
            (200, b"{}", "no Response object"),
            (200, br#"{"Response":{}}"#, "no Response.RequestId"),
            (
                200,
                br#"{"Response":{"RequestId":""}}"#,
                "no Response.RequestId",
            ),
            (
                200,
                br#"{"Response":{"Error":{"Code":"","Message":"m"},"RequestId":"r"}}"#,
                "empty Response.Error.Code",
            ),
            (
                200,
                br#"{"Response":{"Error":{"Code":5}}}"#,
                "not the expected JSON",
            ),
        ] {
            match parse_reply(status, body) {
                Err(Error::Protocol {
                    http_status,
                    message,
                }) => {
                    assert_eq!(http_status, status);
                    assert!(message.contains(what), "{message}");
                    assert!(message.contains(&body_excerpt(body)), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
        let long = vec![b'a'; 1000];
        assert_eq!(body_excerpt(&long).len(), BODY_EXCERPT_LEN + 3);
    }
}
