//! Property tests (fuzzing on the stable toolchain) of everything that reads
//! untrusted or user input: the reply parser, the endpoint parser, request
//! validation and the JSON writer, the profile-file parser, and the signer.
//!
//! CI runs a short, bounded pass; `TCR_FUZZ_CASES=200000 cargo test --release
//! --test properties` is the long run (RELIABILITY.md records one).

use proptest::prelude::*;
use tcr::api::{self, ModifyInstanceToken};
use tcr::config::{Endpoint, Scheme};
use tcr::peer_text::Secrets;
use tcr::Error;

fn config() -> ProptestConfig {
    let cases = std::env::var("TCR_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// JSON-ish bytes: often well-formed envelopes with odd values, sometimes noise.
fn reply_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        (any::<String>(), any::<String>(), any::<String>()).prop_map(|(code, message, id)| serde_json::to_vec(
            &serde_json::json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": id}})
        )
        .unwrap()),
        any::<String>().prop_map(|id| serde_json::to_vec(&serde_json::json!({"Response": {"RequestId": id}})).unwrap()),
        "[{}\\[\\]\":,a-zA-Z0-9 ]{0,80}".prop_map(String::into_bytes),
    ]
}

/// The UTC date of a non-negative Unix timestamp, by counting whole years
/// and months from 1970: slow and plain, and independent of the signer's
/// own calendar arithmetic, which it checks.
fn date_by_counting_days(timestamp: i64) -> String {
    let mut days = timestamp / 86_400;
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut year = 1970;
    while days >= if leap(year) { 366 } else { 365 } {
        days -= if leap(year) { 366 } else { 365 };
        year += 1;
    }
    let lengths = [
        31,
        if leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while days >= lengths[month] {
        days -= lengths[month];
        month += 1;
    }
    format!("{year:04}-{:02}-{:02}", month + 1, days + 1)
}

/// Endpoint-like text: any string, one shaped like host[:port] with odd
/// schemes, ports, brackets and paths, or a well-formed one (so that what
/// the parser accepts is checked often, not by chance).
fn endpoint_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(https?://)?[a-z0-9]{1,12}(\\.[a-z0-9-]{1,12}){0,3}(:[1-9][0-9]{0,3})?/?",
        "(https?://|HTTP://|ftp://)?[a-zA-Z0-9.\\-\\[\\]:]{0,30}(:[0-9+\\-]{0,7})?(/[a-z?#]{0,5})?",
    ]
}

/// The TC3 signature computed here from the algorithm's description with
/// the hmac and sha2 crates (no code of the signer under test): canonical
/// request, string to sign, the key chain TC3+key > date > service >
/// tc3_request.
fn signature_by_the_book(payload: &[u8], timestamp: i64, date: &str, key: &str) -> String {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mac = |key: &[u8], data: &[u8]| {
        let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
        m.update(data);
        m.finalize().into_bytes().to_vec()
    };
    let canonical = format!(
        "POST\n/\n\ncontent-type:application/json\nhost:tcr.tencentcloudapi.com\n\ncontent-type;host\n{}",
        hex(&Sha256::digest(payload))
    );
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{date}/tcr/tc3_request\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k_date = mac(format!("TC3{key}").as_bytes(), date.as_bytes());
    let k_service = mac(&k_date, b"tcr");
    let k_signing = mac(&k_service, b"tc3_request");
    hex(&mac(&k_signing, to_sign.as_bytes()))
}

fn parse_reply(status: u16, body: &[u8]) -> Result<tcr::ModifyInstanceTokenResponse, Error> {
    api::parse_reply(
        status,
        body,
        &Secrets::new("a-secret-key", None, "a-signature"),
    )
}

// Replies without control characters (nor the bidirectional controls that
// peer text escapes) round-trip unchanged.

/// No control character, and so no line break, reaches a caller's text.
fn clean(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_reply_parser_never_panics_and_classifies(status in prop_oneof![Just(200u16), 100u16..600], body in reply_bytes()) {
        match parse_reply(status, &body) {
            Ok(reply) => {
                prop_assert_eq!(status, 200);
                prop_assert!(!reply.request_id.is_empty());
                prop_assert!(clean(&reply.request_id));
            }
            Err(Error::Api(api)) => {
                prop_assert_eq!(status, 200);
                prop_assert!(!api.code.is_empty());
                prop_assert!(clean(&api.code) && clean(&api.message) && clean(&api.request_id));
            }
            Err(Error::Protocol { http_status, message }) => {
                prop_assert_eq!(http_status, status);
                prop_assert!(message.len() < 2048, "messages stay short");
                prop_assert!(clean(&message));
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn well_formed_replies_round_trip(id in "[^\\p{Cc}\u{200e}\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}]{1,60}", code in "[A-Za-z.]{1,40}", message in "[^\\p{Cc}\u{200e}\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}]*") {
        let ok = serde_json::to_vec(&serde_json::json!({"Response": {"RequestId": id}})).unwrap();
        prop_assert_eq!(parse_reply(200, &ok).unwrap().request_id, id.clone());
        let err = serde_json::to_vec(&serde_json::json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": id}})).unwrap();
        match parse_reply(200, &err) {
            Err(Error::Api(api)) => {
                prop_assert_eq!(api.code, code);
                prop_assert_eq!(api.message, message);
                prop_assert_eq!(api.request_id, id);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn the_endpoint_parser_never_panics_and_what_it_accepts_is_clean(text in endpoint_text()) {
        if let Ok(endpoint) = Endpoint::parse(&text) {
            let prefix = match endpoint.scheme { Scheme::Http => "http://", Scheme::Https => "https://" };
            prop_assert_eq!(endpoint.url.clone(), format!("{prefix}{}/", endpoint.host));
            prop_assert!(!endpoint.host.is_empty());
            prop_assert!(endpoint.host.bytes().all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase()));
            prop_assert!(!endpoint.host.contains(['/', '?', '#', '@']));
            // Parsing its own URL gives the same endpoint.
            prop_assert_eq!(Endpoint::parse(&endpoint.url).unwrap(), endpoint);
        }
    }

    #[test]
    fn validation_never_panics_and_valid_requests_serialise_to_the_same_json(
        registry_id in any::<String>(),
        token_id in prop_oneof![any::<String>(), "[a-f0-9\\-]{1,40}"],
        enable in proptest::option::of(any::<bool>()),
        desc in proptest::option::of(any::<String>()),
        modify_flag in proptest::option::of(prop_oneof![Just(1i64), Just(2i64), any::<i64>()]),
    ) {
        let request = ModifyInstanceToken { registry_id: &registry_id, token_id: &token_id, enable, desc: desc.as_deref(), modify_flag };
        if request.validate().is_ok() {
            let json = request.to_json();
            prop_assert!(json.iter().all(|b| (0x20..0x7f).contains(b)), "the body is printable ASCII, as json.dumps writes it");
            let parsed: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
            prop_assert_eq!(parsed["RegistryId"].as_str(), Some(registry_id.as_str()));
            prop_assert_eq!(parsed["TokenId"].as_str(), Some(token_id.as_str()));
            prop_assert_eq!(parsed.get("Enable").and_then(|v| v.as_bool()), enable);
            prop_assert_eq!(parsed.get("Desc").and_then(|v| v.as_str()), desc.as_deref());
            prop_assert_eq!(parsed.get("ModifyFlag").and_then(|v| v.as_i64()), modify_flag);
        }
    }

    #[test]
    fn the_json_writer_agrees_with_serde_json_for_any_string(text in any::<String>()) {
        let mut out = Vec::new();
        tcr::api::write_json_string(&mut out, &text);
        let back: String = serde_json::from_slice(&out).expect("valid JSON string");
        prop_assert_eq!(back, text);
    }

    #[test]
    fn the_profile_parser_never_panics(text in prop_oneof![any::<String>(), "(\\[[a-z]{0,5}\\]?|[a-z_]{0,10} ?=? ?[a-z0-9]{0,5}|[#;].*)(\n(\\[[a-z]{0,5}\\]?|[a-z_]{0,10} ?=? ?[a-z0-9]{0,5}))*"], section in "[a-z]{0,5}") {
        let _ = tcr::credential::profile::find_section(&text, &section);
    }

    #[test]
    fn signatures_match_the_algorithm_computed_independently(payload in proptest::collection::vec(any::<u8>(), 0..512), timestamp in 0i64..4_102_444_800, key in "[A-Za-z0-9]{1,40}") {
        let input = tcr::sign::SignInput { method: "POST", host: "tcr.tencentcloudapi.com", content_type: "application/json", payload: &payload, timestamp, service: "tcr" };
        let a = tcr::sign::authorization(&input, "AKIDfuzz", key.as_bytes());
        let date = date_by_counting_days(timestamp);
        let scope = format!("/{date}/tcr/tc3_request");
        prop_assert!(a.contains(&scope), "{} lacks {}", a, scope);
        let signature = a.rsplit("Signature=").next().unwrap();
        prop_assert_eq!(signature, signature_by_the_book(&payload, timestamp, &date, &key));
    }
}

/// The endpoint property above checks only what the parser accepts: it
/// would pass if nothing were accepted. This counts, over the same
/// generator, that a fair share of cases is accepted.
#[test]
fn the_endpoint_property_sees_accepted_endpoints() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = endpoint_text();
    let total = 1000;
    let accepted = (0..total)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            Endpoint::parse(&text).is_ok()
        })
        .count();
    assert!(accepted * 5 >= total, "only {accepted} of {total} accepted");
}
