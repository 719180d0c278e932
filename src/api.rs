//! The `ModifyInstanceToken` action: its request (validated, serialised), and
//! the parsing of its reply.

use crate::error::{ApiError, Error};
use crate::peer_text::{self, Secrets};
use serde_json::value::RawValue;

/// The action this module's types are for.
pub const ACTION: &str = "ModifyInstanceToken";
/// The TCR API version every request names (`X-TC-Version`).
pub const VERSION: &str = "2019-09-24";
/// The service name in the TC3 credential scope.
pub const SERVICE: &str = "tcr";

/// Longest RegistryId and TokenId accepted, in bytes. Real ones are about 12
/// and 36 bytes; the bound stops runaway input before it is sent.
pub const MAX_ID_LEN: usize = 128;
/// Longest Desc accepted, in characters (Unicode scalar values).
pub const MAX_DESC_CHARS: usize = 1024;
/// How much of an unexpected reply body is quoted in an error message, in characters.
pub const BODY_EXCERPT_LEN: usize = 256;

/// The `Content-Type` of every request (TCR's and STS's), as the official
/// SDKs send it.
pub const CONTENT_TYPE: &str = "application/json";

/// `X-TC-RequestClient`: this library and its version, in the characters the
/// official SDKs allow there (letters, digits and `-_.,;`).
pub const REQUEST_CLIENT: &str = concat!("tcr_", env!("CARGO_PKG_VERSION"));

/// `ModifyFlag = 1`: modify the description.
pub const MODIFY_FLAG_DESC: i64 = 1;
/// `ModifyFlag = 2`: enable or disable (the service's default).
pub const MODIFY_FLAG_ENABLE: i64 = 2;

/// One `ModifyInstanceToken` request. `None` fields are not sent at all;
/// `Some(false)` for `enable` is sent as `"Enable": false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModifyInstanceToken<'a> {
    /// `RegistryId`: the instance, e.g. `tcr-12345`.
    pub registry_id: &'a str,
    /// `TokenId`: the long-term access credential.
    pub token_id: &'a str,
    /// `Enable`: `Some(true)` enables, `Some(false)` disables (sent, never dropped).
    pub enable: Option<bool>,
    /// `Desc`: the new description (with `modify_flag` 1), at most 1,024 characters.
    pub desc: Option<&'a str>,
    /// `ModifyFlag`: [`MODIFY_FLAG_DESC`] or [`MODIFY_FLAG_ENABLE`] (the service's default).
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

    /// The request body: the fields that are set, in the official SDK's order and spacing.
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
    /// The service's `RequestId`, for support and logs.
    pub request_id: String,
    /// The HTTP status of the reply (200).
    pub http_status: u16,
    /// The reply's `Response` object, exactly as the service sent it.
    pub response_json: String,
}

/// Turns an HTTP reply into the action's result: `Response.RequestId` on
/// success, `Response.Error` as [`Error::Api`], anything else as
/// [`Error::Protocol`] quoting the start of the body.
///
/// Only the documented shape is accepted: objects where the service sends
/// objects, strings where it sends strings (a JSON array in place of an
/// object is a protocol error, not a struct read field by field). Fields
/// the service may add later are ignored. Every string taken from the reply,
/// and the quoted body, goes through [`peer_text`] with the attempt's
/// `secrets`.
pub fn parse_reply(
    http_status: u16,
    body: &[u8],
    secrets: &Secrets<'_>,
) -> Result<ModifyInstanceTokenResponse, Error> {
    let envelope = parse_envelope(http_status, body, secrets)?;
    Ok(ModifyInstanceTokenResponse {
        request_id: envelope.request_id,
        http_status,
        response_json: envelope.response.get().to_owned(),
    })
}

/// What every action's reply shares, checked strictly.
pub struct Envelope<'a> {
    /// The reply's `Response` object, exactly as the service wrote it.
    pub response: &'a RawValue,
    /// Its `RequestId` (secrets redacted, controls escaped).
    pub request_id: String,
}

/// Checks what every action's reply shares: HTTP 200, a JSON object whose
/// `Response` is an object, holding either `Error` (then [`Error::Api`]) or
/// a `RequestId` string.
///
/// Only the members tcr interprets are decoded; everything else, the
/// `Response` object included, is kept as the JSON text the service sent.
/// So a reply that any JSON reader accepts is accepted here too, whatever
/// it holds where tcr does not look: numbers beyond `f64` (`1e400`),
/// escapes of lone surrogates (`"\ud83d"`), arbitrary nesting.
pub fn parse_envelope<'a>(
    http_status: u16,
    body: &'a [u8],
    secrets: &Secrets<'_>,
) -> Result<Envelope<'a>, Error> {
    let protocol = |what: &str| Error::Protocol {
        http_status,
        message: format!(
            "{what}; body starts: {}",
            peer_text::excerpt(body, BODY_EXCERPT_LEN, secrets)
        ),
    };
    if http_status != 200 {
        return Err(protocol("unexpected HTTP status"));
    }
    let Some([response]) = members(body, ["Response"]) else {
        return Err(protocol("reply is not a JSON object"));
    };
    let Some(response) = response.filter(|r| r.get().starts_with('{')) else {
        return Err(protocol(match response {
            Some(_) => "reply's Response is not an object",
            None => "reply has no Response object",
        }));
    };
    let [request_id, error] = members(response.get().as_bytes(), ["RequestId", "Error"])
        .ok_or_else(|| protocol("reply's Response is not an object"))?;
    let request_id = match json_string(request_id) {
        Ok(id) => peer_text::quote(&id.unwrap_or_default(), secrets),
        Err(()) => return Err(protocol("reply's Response.RequestId is not a string")),
    };
    match error.filter(|e| e.get() != "null") {
        None => {}
        Some(error) if error.get().starts_with('{') => {
            let [code, message] = members(error.get().as_bytes(), ["Code", "Message"])
                .ok_or_else(|| protocol("reply's Response.Error is not an object"))?;
            let code = match json_string(code) {
                Ok(Some(code)) if !code.is_empty() => code,
                Ok(Some(_)) => return Err(protocol("reply has an empty Response.Error.Code")),
                _ => return Err(protocol("reply's Response.Error.Code is not a string")),
            };
            let Ok(message) = json_string(message) else {
                return Err(protocol("reply's Response.Error.Message is not a string"));
            };
            return Err(Error::Api(ApiError {
                code: peer_text::quote(&code, secrets),
                message: peer_text::quote(&message.unwrap_or_default(), secrets),
                request_id,
                http_status,
            }));
        }
        Some(_) => return Err(protocol("reply's Response.Error is not an object")),
    }
    if request_id.is_empty() {
        return Err(protocol("reply has no Response.RequestId"));
    }
    Ok(Envelope {
        response,
        request_id,
    })
}

/// The members named `names` of the JSON object `json`, each as the text
/// the peer wrote (the last one when a name repeats); the other members are
/// checked for syntax only. `None` when `json` is not one JSON object.
fn members<'a, const N: usize>(
    json: &'a [u8],
    names: [&'static str; N],
) -> Option<[Option<&'a RawValue>; N]> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
    struct Pick<const N: usize>([&'static str; N]);
    struct Key<'n>(&'n [&'static str]);
    impl<'de, const N: usize> DeserializeSeed<'de> for Pick<N> {
        type Value = [Option<&'de RawValue>; N];
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de, const N: usize> Visitor<'de> for Pick<N> {
        type Value = [Option<&'de RawValue>; N];
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut found = [None; N];
            while let Some(index) = map.next_key_seed(Key(&self.0))? {
                match index {
                    Some(i) => found[i] = Some(map.next_value::<&RawValue>()?),
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(found)
        }
    }
    impl<'de> DeserializeSeed<'de> for Key<'_> {
        type Value = Option<usize>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl Visitor<'_> for Key<'_> {
        type Value = Option<usize>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a member name")
        }
        fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
            Ok(self.0.iter().position(|name| *name == key))
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let found = Pick(names).deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(found)
}

/// A member tcr reads as text: `Ok(None)` when absent or `null`, `Err` when
/// it is not a string. An escaped lone surrogate, which no Rust string can
/// hold, becomes U+FFFD.
fn json_string(raw: Option<&RawValue>) -> Result<Option<String>, ()> {
    let Some(raw) = raw.map(RawValue::get).filter(|r| *r != "null") else {
        return Ok(None);
    };
    if !raw.starts_with('"') {
        return Err(());
    }
    if let Ok(text) = serde_json::from_str::<String>(raw) {
        return Ok(Some(text));
    }
    // The literal is valid JSON (serde_json checked it while taking it
    // raw): only an unpaired surrogate escape can have failed. Decode it
    // again as UTF-16 code units, lossily.
    let mut units: Vec<u16> = Vec::with_capacity(raw.len());
    let mut chars = raw[1..raw.len() - 1].chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            units.extend(c.encode_utf16(&mut [0; 2]).iter());
            continue;
        }
        let unit = match chars.next() {
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                u16::from_str_radix(&hex, 16).map_err(|_| ())?
            }
            Some('b') => 0x08,
            Some('f') => 0x0c,
            Some('n') => u16::from(b'\n'),
            Some('r') => u16::from(b'\r'),
            Some('t') => u16::from(b'\t'),
            Some(c @ ('"' | '\\' | '/')) => c as u16,
            _ => return Err(()),
        };
        units.push(unit);
    }
    Ok(Some(String::from_utf16_lossy(&units)))
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

    fn parse(status: u16, body: &[u8]) -> Result<ModifyInstanceTokenResponse, Error> {
        parse_reply(status, body, &Secrets::default())
    }

    #[test]
    fn replies() {
        let ok = parse(200, br#"{"Response":{"RequestId":"r-1"}}"#).unwrap();
        assert_eq!(ok.request_id, "r-1");
        // Fields the service may add later are ignored.
        let ok = parse(
            200,
            br#"{"Response":{"RequestId":"r-1","New":[1]},"Other":0}"#,
        )
        .unwrap();
        assert_eq!(ok.request_id, "r-1");
        match parse(200, br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"r-2"}}"#) {
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
            (200, b"not json", "not a JSON object"),
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
                "Code is not a string",
            ),
            // JSON arrays where the service sends objects: serde's derived
            // structs would read these field by field.
            (200, br#"[{"RequestId":"r"}]"#, "not a JSON object"),
            (
                200,
                br#"{"Response":["r",null]}"#,
                "Response is not an object",
            ),
            (
                200,
                br#"{"Response":{"Error":["Fake.Code","msg"],"RequestId":"r"}}"#,
                "Error is not an object",
            ),
            (
                200,
                br#"{"Response":{"RequestId":["r"]}}"#,
                "RequestId is not a string",
            ),
            (
                200,
                br#"{"Response":{"RequestId":7}}"#,
                "RequestId is not a string",
            ),
            (
                200,
                br#"{"Response":{"Error":{"Code":"C","Message":{"a":1}},"RequestId":"r"}}"#,
                "Message is not a string",
            ),
            (
                200,
                br#"{"Response":{"Error":"Fake.Code","RequestId":"r"}}"#,
                "Error is not an object",
            ),
            (200, br#"{"Response":"r"}"#, "Response is not an object"),
            (200, b"\"r\"", "not a JSON object"),
            (
                200,
                br#"{"Response":{"RequestId":"r"}} trailing"#,
                "not a JSON object",
            ),
        ] {
            match parse(status, body) {
                Err(Error::Protocol {
                    http_status,
                    message,
                }) => {
                    assert_eq!(http_status, status);
                    assert!(message.contains(what), "{message}");
                    let excerpt = peer_text::excerpt(body, BODY_EXCERPT_LEN, &Secrets::default());
                    assert!(message.contains(&excerpt), "{message}");
                }
                other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
            }
        }
    }

    #[test]
    fn peer_strings_lose_secrets_and_control_characters() {
        const SIGNATURE: &str = "f00df00df00df00df00df00df00df00df00df00df00df00df00df00df00df00d";
        let secrets = Secrets::new("the-secret-key-value", Some("the-session-token"), SIGNATURE);
        let body = br#"{"Response":{"Error":{"Code":"X\ntcr: action=ModifyInstanceToken status=TCR_OK","Message":"echo: X-TC-Token: the-session-token"},"RequestId":"r\r\n"}}"#;
        match parse_reply(200, body, &secrets) {
            Err(Error::Api(api)) => {
                assert_eq!(
                    api.code,
                    "X\\ntcr: action=ModifyInstanceToken status=TCR_OK"
                );
                assert_eq!(api.message, "echo: X-TC-Token: [redacted]");
                assert_eq!(api.request_id, "r\\r\\n");
            }
            other => panic!("{other:?}"),
        }
        let page = format!("<pre>Authorization: ... Signature={SIGNATURE}</pre>");
        match parse_reply(502, page.as_bytes(), &secrets) {
            Err(Error::Protocol { message, .. }) => {
                assert!(message.ends_with("Signature=[redacted]</pre>"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        let long = vec![b'a'; 1000];
        assert_eq!(
            peer_text::excerpt(&long, BODY_EXCERPT_LEN, &secrets).len(),
            BODY_EXCERPT_LEN + 3
        );
    }
}
