//! Cancelling a call from another thread: it ends within milliseconds
//! wherever it is (before sending, in a rate-limit wait, in an attempt, in
//! a backoff), and nothing of it reaches the next call on the client.

mod common;

use common::*;
use std::time::{Duration, Instant};
use tcr::{CallSettings, CancelToken, Client, ClientOptions, Error, Sources};

/// How long after the cancel a call may take to return: generous for a
/// loaded 2-core machine; the measured time is printed.
const PROMPT: Duration = Duration::from_millis(250);

/// Runs `call` on another thread, cancels `token` after `after`, and
/// returns the call's outcome and the time from the cancel to its return.
fn cancel_after(
    client: &Client,
    token: &CancelToken,
    after: Duration,
    enable: bool,
) -> (tcr::Outcome, Duration) {
    std::thread::scope(|scope| {
        let call = scope.spawn(|| {
            let outcome = client.modify_instance_token(
                &request(Some(enable), None, None),
                CallSettings {
                    timeout: None,
                    cancel: Some(token),
                },
            );
            (outcome, Instant::now())
        });
        std::thread::sleep(after);
        let cancelled_at = Instant::now();
        token.cancel();
        let (outcome, returned_at) = call.join().unwrap();
        (outcome, returned_at.saturating_duration_since(cancelled_at))
    })
}

/// A client limited to `rate` calls/s (0: no limit) with a burst of 1,
/// whose first call is done: it holds a pooled connection, and with a rate
/// the burst is taken, so the next call waits 1/rate for its slot.
fn warmed_client(emu: &Emulator, rate: f64) -> Client {
    let client = emu.client_with(ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        rate_limit: Some(rate),
        rate_burst: Some(1),
        timeout: Some(Duration::from_secs(10)),
        ..Default::default()
    });
    assert!(client
        .modify_instance_token(
            &request(Some(true), None, None),
            tcr::CallSettings::default()
        )
        .result
        .is_ok());
    client
}

fn expect_cancelled(outcome: &tcr::Outcome, words: &str) {
    match &outcome.result {
        Err(Error::Cancelled(message)) => assert!(message.contains(words), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_call_waiting_for_a_slow_reply_ends_at_once_and_the_next_gets_its_own() {
    let emu = Emulator::start(&["--rate", "0"]);
    // A pooled connection, so that the slow call runs on it.
    let client = warmed_client(&emu, 0.0);
    emu.fault("mode=delay&delay_ms=3000&count=1");
    let token = CancelToken::new();
    let (outcome, took) = cancel_after(&client, &token, Duration::from_millis(200), false);
    eprintln!("cancel during an attempt: returned {took:?} after the cancel");
    expect_cancelled(&outcome, "may already have been sent");
    assert_eq!(outcome.attempts, 1, "a cancelled attempt is not retried");
    assert!(took < PROMPT, "{took:?}");

    // The next call, while the emulator still holds the abandoned request:
    // it gets its own reply, at once, on a new connection.
    let connections = emu.get("/_emulator/stats")["connections"].as_u64().unwrap();
    let started = Instant::now();
    let next = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    assert!(next.result.is_ok(), "{:?}", next.result);
    assert_eq!(next.attempts, 1);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emu.token(TOKEN)["enabled"], true);
    assert_eq!(
        emu.get("/_emulator/stats")["connections"].as_u64().unwrap(),
        connections + 1
    );
    // The emulator processes the abandoned request after its delay: the
    // service may act on a cancelled call, as the message says.
    std::thread::sleep(Duration::from_millis(3200));
    assert_eq!(emu.requests(), 3);
    assert_eq!(emu.token(TOKEN)["enabled"], false);
    // A third call still gets its own reply.
    let third = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    assert!(third.result.is_ok(), "{:?}", third.result);
    assert_eq!(third.attempts, 1);
    assert_eq!(emu.token(TOKEN)["enabled"], true);
}

#[test]
fn a_token_cancelled_before_the_call_sends_nothing() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client(KEY);
    let token = CancelToken::new();
    token.cancel();
    let outcome = client.modify_instance_token(
        &request(Some(false), None, None),
        CallSettings {
            timeout: None,
            cancel: Some(&token),
        },
    );
    expect_cancelled(&outcome, "nothing was sent");
    assert_eq!(outcome.attempts, 0);
    assert_eq!(emu.requests(), 0);
}

#[test]
fn a_rate_limit_wait_ends_at_once_and_sends_nothing() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = warmed_client(&emu, 0.5);
    let token = CancelToken::new();
    // The next slot is 2 s away.
    let (outcome, took) = cancel_after(&client, &token, Duration::from_millis(100), false);
    eprintln!("cancel during a rate-limit wait: returned {took:?} after the cancel");
    expect_cancelled(&outcome, "rate limit; nothing was sent");
    assert!(took < PROMPT, "{took:?}");
    assert_eq!(emu.requests(), 1);
}

#[test]
fn a_backoff_ends_at_once() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        rate_limit: Some(0.0),
        max_attempts: Some(10),
        timeout: Some(Duration::from_secs(30)),
        ..Default::default()
    });
    emu.fault("mode=error&code=RequestLimitExceeded");
    let token = CancelToken::new();
    let (outcome, took) = cancel_after(&client, &token, Duration::from_millis(1500), false);
    eprintln!(
        "cancel during backoffs: returned {took:?} after the cancel, {} attempts",
        outcome.attempts
    );
    // Backoffs of up to 0.5, 1, 2, 4 s: by 1.5 s the call is almost surely
    // sleeping; if it was in an attempt, that attempt is cancelled instead.
    assert!(
        matches!(outcome.result, Err(Error::Cancelled(_))),
        "{:?}",
        outcome.result
    );
    assert!(took < PROMPT, "{took:?}");
    let sent = emu.requests();
    assert_eq!(sent, u64::from(outcome.attempts));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(emu.requests(), sent, "nothing is sent after the cancel");
}

#[test]
fn cancelled_rate_limit_waits_give_their_slots_back() {
    // 2/s, burst 1: one call takes the token, five wait for the next five
    // slots (0.5 s to 2.5 s away) and are cancelled there. The call after
    // them waits for one slot, not for six.
    let emu = Emulator::start(&["--rate", "0"]);
    let client = warmed_client(&emu, 2.0);
    let token = CancelToken::new();
    std::thread::scope(|scope| {
        let waiters: Vec<_> = (0..5)
            .map(|_| {
                scope.spawn(|| {
                    client.modify_instance_token(
                        &request(Some(false), None, None),
                        CallSettings {
                            timeout: None,
                            cancel: Some(&token),
                        },
                    )
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(150));
        token.cancel();
        for waiter in waiters {
            expect_cancelled(&waiter.join().unwrap(), "rate limit; nothing was sent");
        }
    });
    let started = Instant::now();
    let outcome = client.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    );
    let waited = started.elapsed();
    eprintln!("after five cancelled waits, the next call took {waited:?}");
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    // One slot is at most 0.5 s away; six would be 2.5 s or more.
    assert!(waited < Duration::from_millis(1200), "{waited:?}");
    assert_eq!(emu.requests(), 2);
}

#[test]
fn a_call_cancelled_while_connecting_says_nothing_was_sent() {
    // A server that takes the TCP connection but never answers the TLS
    // handshake: the call is still connecting when it is cancelled.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("https://{}", listener.local_addr().unwrap());
    let client = Client::new(&ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        region: Some("ap-guangzhou"),
        endpoint: Some(&endpoint),
        rate_limit: Some(0.0),
        timeout: Some(Duration::from_secs(10)),
        ..Default::default()
    })
    .unwrap();
    let token = CancelToken::new();
    let (outcome, took) = cancel_after(&client, &token, Duration::from_millis(200), true);
    eprintln!("cancel while connecting: returned {took:?} after the cancel");
    expect_cancelled(&outcome, "while connecting");
    expect_cancelled(&outcome, "nothing was sent");
    assert!(took < PROMPT, "{took:?}");
    assert_eq!(outcome.attempts, 1);
    drop(listener);
}

#[test]
fn a_cancellable_call_sends_the_same_bytes_as_a_plain_one() {
    // A call with a cancel token has its body watched (to know whether its
    // request was being written); on the wire it must not differ.
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client(KEY);
    let token = CancelToken::new();
    for cancel in [None, Some(&token)] {
        let outcome = client.modify_instance_token(
            &request(Some(true), Some("same bytes"), None),
            CallSettings {
                timeout: None,
                cancel,
            },
        );
        assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    }
    let requests = emu.get("/_emulator/requests")["requests"].clone();
    let shape = |r: &serde_json::Value| {
        let names: Vec<String> = r["header_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h[0].as_str().unwrap().to_owned())
            .collect();
        let length = r["header_list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "content-length")
            .map(|h| h[1].clone());
        (names, length, r["body"].clone())
    };
    let (plain, cancellable) = (shape(&requests[0]), shape(&requests[1]));
    assert_eq!(plain, cancellable);
    assert!(plain.1.is_some(), "no Content-Length: {plain:?}");
}
