//! Retries, the client-side rate limiter and diagnostics, against the
//! emulator's injected faults.

mod common;

use common::*;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tcr::{ClientOptions, Error, Sources};

fn options<'a>() -> ClientOptions<'a> {
    ClientOptions {
        credentials: Sources {
            secret_id: Some(ID),
            secret_key: Some(KEY),
            ..Default::default()
        },
        rate_limit: Some(0.0),
        ..Default::default()
    }
}

#[test]
fn network_failures_before_a_reply_are_retried_and_counted() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(options());
    emu.fault("mode=drop&count=2");
    let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
    outcome.result.expect("the third attempt succeeds");
    assert_eq!(outcome.attempts, 3);
    let stats = emu.get("/_emulator/stats");
    assert_eq!(
        (
            stats["requests"].as_u64(),
            stats["faults"].as_u64(),
            stats["accepted"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );

    // With max_attempts 1 nothing is retried.
    let once = emu.client_with(ClientOptions {
        max_attempts: Some(1),
        ..options()
    });
    emu.fault("mode=drop&count=1");
    let outcome = once.modify_instance_token(&enable(), tcr::CallSettings::default());
    assert!(matches!(outcome.result, Err(Error::Network(_))));
    assert_eq!(outcome.attempts, 1);
}

#[test]
fn a_connection_reset_after_the_reply_began_is_not_retried() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(options());
    emu.fault("mode=reset&count=1");
    let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
    assert!(
        matches!(outcome.result, Err(Error::Network(_))),
        "{:?}",
        outcome.result
    );
    assert_eq!(outcome.attempts, 1, "the reply had started: not retried");
}

#[test]
fn request_limit_exceeded_and_its_sub_codes_are_retried() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(options());
    for code in [
        "RequestLimitExceeded",
        "RequestLimitExceeded.UinLimitExceeded",
        "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
        "RequestLimitExceeded.IPLimitExceeded",
    ] {
        emu.fault(&format!("mode=error&code={code}&count=2"));
        let started = Instant::now();
        let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
        assert!(outcome.result.is_ok(), "{code}: {:?}", outcome.result);
        assert_eq!(outcome.attempts, 3, "{code}");
        // Full jitter: at most 500 ms + 1000 ms of backoff, plus three
        // requests and a loaded machine's slack.
        assert!(
            started.elapsed() < Duration::from_millis(2500),
            "{code}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn other_failures_are_not_retried() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(options());
    for fault in [
        "mode=error&code=InternalError&count=1",
        "mode=error&code=AuthFailure.SignatureFailure&count=1",
        "mode=http5xx&status=503&count=1",
        "mode=garbage&count=1",
        "mode=no-request-id&count=1",
    ] {
        emu.fault(fault);
        let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
        assert!(outcome.result.is_err(), "{fault}");
        assert_eq!(outcome.attempts, 1, "{fault}");
    }
    let bad =
        client.modify_instance_token(&request(None, None, None), tcr::CallSettings::default());
    assert!(matches!(bad.result, Err(Error::InvalidArgument { .. })));
    assert_eq!(bad.attempts, 0, "an invalid request is never sent");
}

#[test]
fn a_request_limit_storm_gives_up_within_the_timeout() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(ClientOptions {
        max_attempts: Some(10),
        timeout: Some(Duration::from_millis(1500)),
        ..options()
    });
    emu.fault("mode=error&code=RequestLimitExceeded");
    let started = Instant::now();
    let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
    let took = started.elapsed();
    assert!(
        matches!(&outcome.result, Err(Error::Api(api)) if api.code == "RequestLimitExceeded"),
        "{:?}",
        outcome.result
    );
    // Never a backoff that ends past the timeout: the call ends at it, give
    // or take one request and scheduling on a loaded machine.
    assert!(
        took < Duration::from_millis(1500 + 500),
        "{took:?} is past the 1.5 s timeout"
    );
    assert!((2..=10).contains(&outcome.attempts), "{}", outcome.attempts);
    assert_eq!(emu.requests(), u64::from(outcome.attempts));
}

#[test]
fn every_attempt_is_signed_afresh() {
    // The emulator accepts a timestamp at most 1 s from its clock; the
    // first attempt is dropped after 2.1 s, so only a re-signed retry passes.
    let emu = Emulator::start(&["--rate", "0", "--max-skew", "1"]);
    let client = emu.client_with(ClientOptions {
        timeout: Some(Duration::from_secs(10)),
        ..options()
    });
    emu.fault("mode=drop&count=1&delay_ms=2100");
    let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.attempts, 2);
    let seen = emu.get("/_emulator/requests");
    let stamps: Vec<i64> = seen["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["headers"]["x-tc-timestamp"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(stamps.len(), 2);
    assert!(stamps[1] >= stamps[0] + 2, "timestamps {stamps:?}");
}

#[test]
fn the_client_side_limiter_keeps_under_the_service_limit() {
    let emu = Emulator::start(&["--rate", "10"]);
    let client = Arc::new(emu.client_with(ClientOptions {
        rate_limit: Some(10.0),
        rate_burst: Some(1),
        max_attempts: Some(1),
        ..options()
    }));
    let started = Instant::now();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let c = Arc::clone(&client);
            std::thread::spawn(move || {
                (0..4)
                    .map(|_| {
                        c.modify_instance_token(&enable(), tcr::CallSettings::default())
                            .result
                            .is_ok()
                    })
                    .filter(|ok| *ok)
                    .count()
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let took = started.elapsed();
    assert_eq!(ok, 16, "the emulator's 10/s limit was never hit");
    // 16 calls at 10/s with a burst of 1: at least 1.5 s, shared by 4 threads.
    assert!(took >= Duration::from_millis(1400), "{took:?}");
    assert!(emu.get("/_emulator/stats")["by_code"]
        .get("RequestLimitExceeded")
        .is_none());
}

#[test]
fn waiting_for_the_limiter_counts_against_the_timeout() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(ClientOptions {
        rate_limit: Some(1.0),
        rate_burst: Some(1),
        timeout: Some(Duration::from_millis(300)),
        ..options()
    });
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    let before = emu.requests();
    let started = Instant::now();
    let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
    assert!(
        matches!(&outcome.result, Err(Error::Timeout(m)) if m.contains("rate limit")),
        "{:?}",
        outcome.result
    );
    // The next token is 1 s away and the timeout 300 ms: it fails at once
    // rather than sleeping until the timeout.
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "failed at once, without waiting"
    );
    assert_eq!((outcome.attempts, emu.requests()), (0, before));
}

#[test]
fn one_log_line_per_attempt_and_never_a_secret() {
    let emu = Emulator::start(&["--rate", "0"]);
    let (sink, lines) = collecting_sink();
    let client = emu.client_with(ClientOptions {
        credentials: temporary_credentials(),
        log: Some(sink),
        ..options()
    });
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    emu.fault("mode=drop&count=1");
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    emu.fault("mode=error&code=ResourceNotFound&count=1");
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap_err();
    // The failing client's own lines are searched too (see below).
    let (wrong_sink, wrong_lines) = collecting_sink();
    let wrong = emu.client_with(ClientOptions {
        credentials: Sources {
            secret_id: Some(TEMP_ID),
            secret_key: Some("wrong-temporary-secret"),
            session_token: Some(TEMP_TOKEN),
            ..Default::default()
        },
        log: Some(wrong_sink),
        ..options()
    });
    wrong
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap_err();
    let failing = attempt_lines(&wrong_lines);
    assert_eq!(failing.len(), 1, "{failing:#?}");
    assert!(
        failing[0].contains("code=AuthFailure.SignatureFailure"),
        "{}",
        failing[0]
    );

    let attempts = attempt_lines(&lines);
    assert_eq!(attempts.len(), 4, "{attempts:#?}");
    assert!(
        attempts[0].contains("action=ModifyInstanceToken") && attempts[0].contains("status=TCR_OK")
    );
    assert!(
        attempts[0].contains(&format!("endpoint={}/", emu.url))
            && attempts[0].contains("duration_ms=")
    );
    assert!(attempts[0].contains("request_id=") && attempts[0].contains("attempt=1/3"));
    assert!(attempts[1].contains("status=TCR_NETWORK") && attempts[2].contains("attempt=2/3"));
    assert!(attempts[3].contains("code=ResourceNotFound"));
    // Every line of both clients, not only the attempts.
    for sink in [&lines, &wrong_lines] {
        for (_, line) in sink.lock().unwrap().iter() {
            for secret in [TEMP_KEY, TEMP_TOKEN, "Signature=", "wrong-temporary-secret"] {
                assert!(!line.contains(secret), "{secret} in {line}");
            }
            assert!(!has_hex64(line), "a signature-like value in {line}");
        }
    }
}

#[test]
// That the lines then reach stderr is checked on the example tool
// (tests/c/example_tool.sh, "TCR_LOG=debug logs the attempt").
fn tcr_log_debug_in_the_environment_turns_debug_lines_on() {
    let env = |name: &str| (name == "TCR_LOG").then(|| "debug".to_owned());
    let logger = tcr::log::Logger::new(None, &env);
    assert!(logger.debug_enabled());
    let off = |_: &str| None;
    assert!(!tcr::log::Logger::new(None, &off).debug_enabled());
}
