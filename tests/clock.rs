//! A client whose clock is off by more than the service's 5-minute window:
//! the first `AuthFailure.SignatureExpire` (with the reply's `Date`) sets
//! the client's clock offset, the call is signed again and succeeds, and
//! later calls are signed right from their first attempt. Also the
//! prepared (sans-I/O) request, sent by another HTTP client.

mod common;

use common::*;
use std::time::{Duration, Instant};
use tcr::{Client, ClientOptions, Sources};

fn client_logging(emu: &Emulator, max_attempts: u32) -> (Client, CollectedLines) {
    let (sink, lines) = collecting_sink();
    let client = emu.client_with(ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        rate_limit: Some(0.0),
        max_attempts: Some(max_attempts),
        log: Some(sink),
        ..Default::default()
    });
    (client, lines)
}

fn set_clock(emu: &Emulator, offset: i64) {
    let reply = emu
        .control
        .post(format!("{}/_emulator/clock?offset={offset}", emu.url))
        .send()
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(json_of(reply)["offset"], offset);
}

fn assert_offset_near(client: &Client, expected: i64) {
    let offset = client.clock_offset();
    assert!(
        (offset - expected).abs() <= 1,
        "offset {offset}, expected {expected}"
    );
}

#[test]
fn a_server_ahead_or_behind_is_followed_and_relearned() {
    let emu = Emulator::start(&["--rate", "0", "--clock-offset", "900"]);
    let (client, lines) = client_logging(&emu, 3);
    assert_eq!(client.clock_offset(), 0);

    let started = Instant::now();
    let first = client.modify_instance_token(
        &request(Some(false), None, None),
        tcr::CallSettings::default(),
    );
    let took = started.elapsed();
    assert!(first.result.is_ok(), "{:?}", first.result);
    assert_eq!(first.attempts, 2, "one expired attempt, one corrected");
    assert_offset_near(&client, 900);
    // No backoff before the corrected attempt.
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert_eq!(emu.token(TOKEN)["enabled"], false);
    let learned: Vec<String> = lines
        .lock()
        .unwrap()
        .iter()
        .map(|(_, l)| l.clone())
        .filter(|l| l.contains("clock_offset_s="))
        .collect();
    assert_eq!(learned.len(), 1, "{learned:?}");
    assert!(!has_hex64(&learned[0]), "{}", learned[0]);

    // Every later call, from any thread, is signed right the first time.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let outcome = client.modify_instance_token(
                    &request(Some(true), None, None),
                    tcr::CallSettings::default(),
                );
                assert!(outcome.result.is_ok(), "{:?}", outcome.result);
                assert_eq!(outcome.attempts, 1);
            });
        }
    });

    // The server's clock is put right (or ours is): relearned on the next
    // expiry, in the other direction too.
    set_clock(&emu, -600);
    let after = client.modify_instance_token(
        &request(Some(false), None, None),
        tcr::CallSettings::default(),
    );
    assert!(after.result.is_ok(), "{:?}", after.result);
    assert_eq!(after.attempts, 2);
    assert_offset_near(&client, -600);
    let stats = emu.get("/_emulator/stats");
    assert_eq!(stats["by_code"]["AuthFailure.SignatureExpire"], 2);
    assert_eq!(stats["by_code"]["OK"], 6);
}

#[test]
fn a_single_attempt_call_still_learns_for_the_next() {
    let emu = Emulator::start(&["--rate", "0", "--clock-offset", "-1200"]);
    let (client, _) = client_logging(&emu, 1);
    let first = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    match first.result {
        Err(tcr::Error::Api(api)) => assert_eq!(api.code, tcr::SIGNATURE_EXPIRED),
        other => panic!("{other:?}"),
    }
    assert_eq!(first.attempts, 1, "max_attempts 1 is never exceeded");
    assert_offset_near(&client, -1200);
    let second = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    assert!(second.result.is_ok(), "{:?}", second.result);
    assert_eq!(second.attempts, 1);
}

#[test]
fn an_offset_beyond_a_day_is_refused_and_reported() {
    let emu = Emulator::start(&["--rate", "0", "--clock-offset", "90000"]);
    let (client, lines) = client_logging(&emu, 3);
    let outcome = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    match outcome.result {
        Err(tcr::Error::Api(api)) => assert_eq!(api.code, tcr::SIGNATURE_EXPIRED),
        other => panic!("{other:?}"),
    }
    assert_eq!(outcome.attempts, 1, "nothing to retry with");
    assert_eq!(client.clock_offset(), 0);
    let warnings: Vec<String> = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|(level, _)| *level == tcr::log::Level::Warn)
        .map(|(_, l)| l.clone())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("90000 s"), "{}", warnings[0]);
}

#[test]
fn only_a_signature_expiry_with_a_date_moves_the_clock() {
    let emu = Emulator::start(&["--rate", "0", "--clock-offset", "900"]);
    let (client, _) = client_logging(&emu, 3);
    // Another error code from a server far ahead: the Date is ignored.
    emu.fault("mode=error&code=AuthFailure.SignatureFailure&count=1");
    let outcome = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    assert!(outcome.result.is_err());
    assert_eq!(outcome.attempts, 1);
    assert_eq!(client.clock_offset(), 0);
    // The code without a Date header, or with one that is not a date, or
    // with two: nothing learned, no retry.
    let body = r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"m"},"RequestId":"r"}}"#
        .replace('"', "%22");
    for date in ["", "soon", "Tue,%2014%20Nov%202023%2099:13:20%20GMT"] {
        emu.fault(&format!("mode=body&count=1&date={date}&body={body}"));
        let outcome = client.modify_instance_token(
            &request(Some(true), None, None),
            tcr::CallSettings::default(),
        );
        match outcome.result {
            Err(tcr::Error::Api(api)) => assert_eq!(api.code, tcr::SIGNATURE_EXPIRED),
            other => panic!("{date}: {other:?}"),
        }
        assert_eq!(outcome.attempts, 1, "{date}");
        assert_eq!(client.clock_offset(), 0, "{date}");
    }
    // The same reply with the emulator's own Date is learned from.
    emu.fault(&format!("mode=body&count=1&body={body}"));
    let outcome = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.attempts, 2);
    assert_offset_near(&client, 900);
}

#[test]
fn a_prepared_request_is_what_a_call_sends_and_is_accepted_from_another_client() {
    let emu = Emulator::start(&["--rate", "0", "--clock-offset", "900"]);
    let client = emu.client(KEY);
    // Learn the clock with a call, then prepare: the same offset is used.
    let call = client.modify_instance_token(
        &request(Some(false), Some("rotated"), Some(1)),
        tcr::CallSettings::default(),
    );
    assert!(call.result.is_ok(), "{:?}", call.result);
    let prepared = client
        .prepare_modify_instance_token(&request(Some(false), Some("rotated"), Some(1)))
        .unwrap();
    let timestamp: i64 = prepared.header("x-tc-timestamp").unwrap().parse().unwrap();
    assert!((timestamp - (now() + 900)).abs() <= 2, "{timestamp}");
    assert_eq!(
        prepared.headers,
        client
            .signed_request(&request(Some(false), Some("rotated"), Some(1)), timestamp)
            .unwrap()
            .headers
    );
    let mut send = emu.control.post(&prepared.url);
    for (name, value) in &prepared.headers {
        send = send.header(*name, value);
    }
    let reply = json_of(send.body(prepared.body.clone()).send().unwrap());
    assert!(reply["Response"]["Error"].is_null(), "{reply}");
    let seen = emu.get("/_emulator/requests")["requests"].clone();
    let seen = seen.as_array().unwrap();
    let (by_library, by_other) = (&seen[seen.len() - 2], &seen[seen.len() - 1]);
    assert_eq!(by_library["code"], "OK");
    assert_eq!(by_other["code"], "OK");
    assert_eq!(by_library["body"], by_other["body"]);
    assert_eq!(
        by_other["body"].as_str().unwrap().as_bytes(),
        &prepared.body[..]
    );
    for (name, value) in &prepared.headers {
        let name = name.to_ascii_lowercase();
        if name == "authorization" || name == "x-tc-timestamp" {
            continue;
        }
        assert_eq!(by_library["headers"][&name], *value, "{name}");
        assert_eq!(by_other["headers"][&name], *value, "{name}");
    }
}
