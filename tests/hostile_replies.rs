//! Replies no real service sends, from a peer the client cannot trust: too
//! large or endless bodies, shapes the service does not document, secrets
//! echoed back, values built to forge log lines. Each is a protocol error
//! or a clean API error, quickly, and the client keeps working.

mod common;

use common::*;
use std::time::{Duration, Instant};
use tcr::{Client, ClientOptions, Error};

/// A client with temporary credentials (so a session token is sent), one
/// attempt, and a log sink whose lines are returned by the second value.
fn logged_client(emu: &Emulator) -> (Client, CollectedLines) {
    let (sink, lines) = collecting_sink();
    let client = emu.client_with(ClientOptions {
        credentials: temporary_credentials(),
        max_attempts: Some(1),
        rate_limit: Some(0.0),
        log: Some(sink),
        ..Default::default()
    });
    (client, lines)
}

fn protocol_error(client: &Client) -> (u16, String) {
    match client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
    {
        Err(Error::Protocol {
            http_status,
            message,
        }) => (http_status, message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn huge_and_endless_bodies_stop_at_the_cap_at_once() {
    let emu = Emulator::start(&["--rate", "0"]);
    let (client, _) = logged_client(&emu);
    for fault in ["big-body", "big-body&length=2000000", "endless-body"] {
        emu.fault(&format!("mode={fault}&count=1"));
        let started = Instant::now();
        let (status, message) = protocol_error(&client);
        let took = started.elapsed();
        assert_eq!(status, 200, "{fault}");
        assert!(
            message.contains("larger than 1048576 bytes"),
            "{fault}: {message}"
        );
        assert!(took < Duration::from_secs(2), "{fault} took {took:?}");
        client
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result
            .unwrap_or_else(|e| panic!("after {fault}: {e}"));
    }
    // A body just under the cap is still read (and is not the service's JSON).
    emu.fault("mode=big-body&length=1048576&count=1");
    let (_, message) = protocol_error(&client);
    assert!(message.contains("not a JSON object"), "{message}");
}

#[test]
fn undocumented_shapes_are_protocol_errors() {
    let emu = Emulator::start(&["--rate", "0"]);
    let (client, _) = logged_client(&emu);
    for body in [
        r#"[{"RequestId":"r"}]"#,
        r#"{"Response":["r",null]}"#,
        r#"{"Response":{"Error":["Fake.Code","msg"],"RequestId":"r"}}"#,
        r#"{"Response":{"RequestId":{"id":"r"}}}"#,
    ] {
        emu.fault(&format!("mode=body&count=1&body={}", percent_encode(body)));
        let (status, message) = protocol_error(&client);
        assert_eq!(status, 200, "{body}");
        assert!(message.contains("body starts: "), "{body}: {message}");
    }
    assert_eq!(emu.get("/_emulator/stats")["faults"], 4);
}

#[test]
fn echoed_secrets_reach_no_message_and_no_log_line() {
    let emu = Emulator::start(&["--rate", "0"]);
    let (client, lines) = logged_client(&emu);
    let mut texts = Vec::new();
    // An error page quoting the headers (502), the same as a 200 that is
    // not JSON... (any status), and a JSON error whose Message quotes them.
    emu.fault("mode=echo-headers&count=1");
    let (status, message) = protocol_error(&client);
    assert_eq!(status, 502);
    assert!(message.contains("x-tc-token: [redacted]"), "{message}");
    texts.push(message);
    emu.fault("mode=echo-headers&status=200&count=1");
    match client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
    {
        Err(Error::Api(api)) => {
            assert_eq!(api.code, "InvalidParameter");
            assert!(
                api.message.contains("x-tc-token: [redacted]"),
                "{}",
                api.message
            );
            texts.push(Error::Api(api.clone()).to_string());
            texts.push(api.message);
        }
        other => panic!("{other:?}"),
    }
    // The pages really quoted the signature, and it is gone.
    for text in &texts {
        assert!(text.contains("Signature=[redacted]"), "{text}");
    }
    let lines = attempt_lines(&lines);
    assert_eq!(lines.len(), 2, "one debug line per attempt: {lines:#?}");
    assert!(lines[0].contains("Signature=[redacted]"), "{}", lines[0]);
    texts.extend(lines);
    for text in &texts {
        assert!(!text.contains(TEMP_TOKEN), "{text}");
        assert!(!text.contains(&TEMP_TOKEN[..8]), "{text}");
        assert!(!text.contains(TEMP_KEY), "{text}");
        assert!(!has_hex64(text), "{text}");
    }
}

#[test]
fn a_reply_cannot_forge_log_lines() {
    let emu = Emulator::start(&["--rate", "0"]);
    let (client, lines) = logged_client(&emu);
    let forged = "\ntcr: action=ModifyInstanceToken endpoint=x attempt=1/1 status=TCR_OK";
    let body = format!(
        r#"{{"Response":{{"RequestId":"r-1{0}","Error":{{"Code":"Fake{0}","Message":"m{0}"}}}}}}"#,
        forged.replace('\n', "\\n")
    );
    emu.fault(&format!("mode=body&count=1&body={}", percent_encode(&body)));
    let api = match client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
    {
        Err(Error::Api(api)) => api,
        other => panic!("{other:?}"),
    };
    let ok_body = r#"{"Response":{"RequestId":"r-2\r\u001b[2J x=1"}}"#;
    emu.fault(&format!(
        "mode=body&count=1&body={}",
        percent_encode(ok_body)
    ));
    let ok = client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    assert_eq!(ok.request_id, "r-2\\r\\u{1b}[2J x=1");
    for text in [
        &api.code,
        &api.message,
        &api.request_id,
        &Error::Api(api.clone()).to_string(),
    ] {
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
    let lines = attempt_lines(&lines);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for line in &lines {
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
    // Peer values stand quoted, so their "status=TCR_OK" is no field.
    assert!(
        lines[0].contains(r#" status=TCR_API_ERROR http=200 code="Fake\\ntcr: action="#),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains(r#" request_id="r-1\\ntcr: action="#),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with(r#"request_id="r-2\\r\\u{1b}[2J x=1""#),
        "{}",
        lines[1]
    );
}

#[test]
fn valid_json_beyond_f64_and_utf16_is_taken_as_sent() {
    let emu = Emulator::start(&["--rate", "0"]);
    let (client, _) = logged_client(&emu);
    let response = r#"{"Big": 1e400, "Neg": -1e400, "Desc": "\ud83d", "Key": "temporary-secret-k", "Token": "temporary-session-to", "RequestId": "r-1"}"#;
    let body = format!(r#"{{"Response": {response}}}"#);
    // The typed call and the generic one (which hands the Response back
    // byte for byte, even where it starts like the key or the token).
    emu.fault(&format!("mode=body&count=1&body={}", percent_encode(&body)));
    let typed = client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    assert_eq!(typed.request_id, "r-1");
    emu.fault(&format!("mode=body&count=1&body={}", percent_encode(&body)));
    let generic = client
        .call("DescribeInstanceToken", "{}", Default::default())
        .result
        .unwrap();
    assert_eq!(generic.response_json, response);
    assert_eq!(generic.request_id, "r-1");
    // In an error message, the cut echoes of the key and the token go.
    let error = r#"{"Response": {"Error": {"Code": "X", "Message": "k=temporary-secret-k t=temporary-session-to \ud83d"}, "RequestId": "r-2"}}"#;
    emu.fault(&format!("mode=body&count=1&body={}", percent_encode(error)));
    match client
        .call("DescribeInstanceToken", "{}", Default::default())
        .result
    {
        Err(Error::Api(api)) => {
            assert_eq!(api.message, "k=[redacted] t=[redacted] \u{fffd}")
        }
        other => panic!("{other:?}"),
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
