//! Keep-alive connections as real networks treat them: a gateway that closes
//! or resets idle connections, a middlebox that writes a stray reply or a
//! `408` into one. Every call must get the reply to its own request, on its
//! first attempt.

mod common;

use common::*;
use std::time::Duration;
use tcr::{Client, ClientOptions, Sources};

const CALLS: usize = 10;
const STRAY: &str = "stray-reply-nobody-asked-for";

fn one_attempt_client(emu: &Emulator, ca_bundle: Option<&str>) -> Client {
    Client::new(&ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        region: Some("ap-guangzhou"),
        endpoint: Some(&emu.url),
        ca_bundle,
        timeout: Some(Duration::from_secs(5)),
        max_attempts: Some(1),
        rate_limit: Some(0.0),
        ..Default::default()
    })
    .unwrap()
}

/// `CALLS` calls, 100 ms apart, each flipping the token; the emulator
/// misbehaves on every idle connection 50 ms after each reply. Returns the
/// failures, each with what went wrong.
fn calls_spaced_past_the_idle_fault(emu: &Emulator, client: &Client, fault: &str) -> Vec<String> {
    emu.fault(&format!("mode={fault}&delay_ms=50"));
    let mut failures = Vec::new();
    for i in 0..CALLS {
        let enable = i % 2 == 0;
        let outcome = client.modify_instance_token(
            &request(Some(enable), None, None),
            tcr::CallSettings::default(),
        );
        match outcome.result {
            Ok(reply) if reply.request_id == STRAY => {
                failures.push(format!("call {i}: took the stray reply as its own"))
            }
            Ok(_) if outcome.attempts != 1 => {
                failures.push(format!("call {i}: {} attempts", outcome.attempts))
            }
            Ok(_) if emu.token(TOKEN)["enabled"] != enable => {
                failures.push(format!("call {i}: the token was not set to {enable}"))
            }
            Ok(_) => {}
            Err(e) => failures.push(format!("call {i}: {e}")),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    emu.fault("mode=none");
    failures
}

fn check_idle_fault(fault: &str) {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = one_attempt_client(&emu, None);
    let failures = calls_spaced_past_the_idle_fault(&emu, &client, fault);
    assert!(
        failures.is_empty(),
        "{fault}: {} of {CALLS} calls failed: {failures:#?}",
        failures.len()
    );
    let stats = emu.get("/_emulator/stats");
    // Every call's request reached the emulator exactly once, and the
    // fault really was acted out (it is counted once per reply).
    assert_eq!(stats["accepted"], CALLS as u64, "{stats}");
    assert_eq!(stats["faults"], CALLS as u64, "{stats}");
}

#[test]
fn a_connection_closed_while_idle_is_not_reused() {
    check_idle_fault("idle-close");
}

#[test]
fn a_connection_reset_while_idle_is_not_reused() {
    check_idle_fault("idle-reset");
}

#[test]
fn a_stray_reply_is_never_taken_as_the_next_calls_answer() {
    check_idle_fault("stray-reply");
}

#[test]
fn a_408_on_an_idle_connection_does_not_fail_the_next_call() {
    check_idle_fault("idle-408");
}

#[test]
fn over_https_too_a_closed_idle_connection_is_not_reused() {
    let ca = std::env::temp_dir().join(format!("tcr-connections-ca-{}.pem", std::process::id()));
    let ca = ca.to_str().unwrap();
    let emu = Emulator::start_tls(ca, &["--rate", "0"]);
    let client = one_attempt_client(&emu, Some(ca));
    for fault in ["idle-close", "stray-reply"] {
        let failures = calls_spaced_past_the_idle_fault(&emu, &client, fault);
        assert!(failures.is_empty(), "{fault} over TLS: {failures:#?}");
    }
    std::fs::remove_file(ca).unwrap();
}

#[test]
fn a_reply_followed_at_once_by_stray_bytes_is_used_and_its_connection_is_not() {
    // The stray reply lands right behind the real one (1 ms), usually
    // within the same call; the next call must still get its own answer.
    let emu = Emulator::start(&["--rate", "0"]);
    let client = one_attempt_client(&emu, None);
    emu.fault("mode=stray-reply&delay_ms=1");
    for i in 0..CALLS {
        let reply = client
            .modify_instance_token(
                &request(Some(i % 2 == 0), None, None),
                tcr::CallSettings::default(),
            )
            .result
            .unwrap_or_else(|e| panic!("call {i}: {e}"));
        assert_ne!(reply.request_id, STRAY, "call {i}");
        assert_eq!(emu.token(TOKEN)["enabled"], i % 2 == 0, "call {i}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn connections_are_still_reused_when_nothing_happened_to_them() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = one_attempt_client(&emu, None);
    // The harness's own control connection is counted too.
    let before = emu.get("/_emulator/stats")["connections"].as_u64().unwrap();
    for _ in 0..20 {
        client
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result
            .unwrap();
    }
    let after = emu.get("/_emulator/stats")["connections"].as_u64().unwrap();
    assert_eq!(after - before, 1, "20 calls, one connection");
}
