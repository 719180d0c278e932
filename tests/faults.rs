//! Every fault a security-minded user asks about, in one table: the status
//! it gives, whether it is retried (attempts), that the call returns within
//! its timeout, and that the same client works for the next call.

mod common;

use common::*;
use std::time::{Duration, Instant};
use tcr::{Client, ClientOptions, Error, Sources};

#[derive(Debug, PartialEq)]
enum Kind {
    Network,
    Timeout,
    Api(&'static str),
    Protocol(u16),
}

fn kind(error: &Error) -> Option<Kind> {
    Some(match error {
        Error::Network(_) => Kind::Network,
        Error::Timeout(_) => Kind::Timeout,
        Error::Api(api) => Kind::Api(match api.code.as_str() {
            "RequestLimitExceeded" => "RequestLimitExceeded",
            "Tcr.SomethingNew.NeverSeenBefore" => "Tcr.SomethingNew.NeverSeenBefore",
            _ => return None,
        }),
        Error::Protocol { http_status, .. } => Kind::Protocol(*http_status),
        _ => return None,
    })
}

#[test]
fn each_fault_gets_its_status_its_retry_policy_and_a_bounded_time() {
    let emu = Emulator::start(&["--rate", "0"]);
    let timeout = Duration::from_millis(800);
    let client = emu.client_with(ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        timeout: Some(timeout),
        max_attempts: Some(3),
        rate_limit: Some(0.0),
        ..Default::default()
    });
    // (fault, expected kind, attempts: Some(n) exactly, None = "more than 1")
    let cases: Vec<(&str, Kind, Option<u32>)> = vec![
        ("mode=drop", Kind::Network, Some(3)),
        ("mode=reset-before", Kind::Network, Some(3)),
        ("mode=reset", Kind::Network, Some(1)),
        ("mode=delay&delay_ms=3000&count=1", Kind::Timeout, Some(1)),
        ("mode=http5xx&status=502", Kind::Protocol(502), Some(1)),
        ("mode=garbage", Kind::Protocol(200), Some(1)),
        ("mode=no-response", Kind::Protocol(200), Some(1)),
        ("mode=no-request-id", Kind::Protocol(200), Some(1)),
        (
            "mode=error&code=Tcr.SomethingNew.NeverSeenBefore",
            Kind::Api("Tcr.SomethingNew.NeverSeenBefore"),
            Some(1),
        ),
        (
            "mode=error&code=RequestLimitExceeded",
            Kind::Api("RequestLimitExceeded"),
            None,
        ),
    ];
    for (fault, expected, attempts) in cases {
        emu.fault(fault);
        let started = Instant::now();
        let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
        let took = started.elapsed();
        emu.fault("mode=none");
        let error = outcome.result.as_ref().expect_err(fault);
        assert_eq!(kind(error), Some(expected), "{fault}: {error}");
        match attempts {
            Some(n) => assert_eq!(outcome.attempts, n, "{fault}"),
            None => assert!(outcome.attempts > 1, "{fault}: retried"),
        }
        // Within the timeout, with half of it as slack for a loaded machine.
        assert!(took <= timeout + timeout / 2, "{fault} took {took:?}");
        // The same client keeps working (the delayed reply may still be draining).
        client
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result
            .unwrap_or_else(|e| panic!("after {fault}: {e}"));
    }
}

#[test]
fn refused_connections_untrusted_certificates_and_refusing_proxies() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let ca = std::env::temp_dir().join(format!("tcr-faults-ca-{}.pem", std::process::id()));
    let tls = Emulator::start_tls(ca.to_str().unwrap(), &["--rate", "0"]);
    let plain = Emulator::start(&["--rate", "0"]);
    let cases: Vec<(&str, ClientOptions)> = vec![
        (
            "connection refused",
            ClientOptions {
                endpoint: Some(&closed),
                ..Default::default()
            },
        ),
        (
            "untrusted certificate",
            ClientOptions {
                endpoint: Some(&tls.url),
                ..Default::default()
            },
        ),
        (
            "refusing proxy",
            ClientOptions {
                endpoint: Some(&plain.url),
                proxy: Some(&closed),
                ..Default::default()
            },
        ),
    ];
    for (name, options) in cases {
        let client = Client::new(&ClientOptions {
            credentials: Sources::explicit(ID, KEY),
            region: Some("ap-guangzhou"),
            timeout: Some(Duration::from_secs(2)),
            rate_limit: Some(0.0),
            ..options
        })
        .unwrap();
        let started = Instant::now();
        let outcome = client.modify_instance_token(&enable(), tcr::CallSettings::default());
        assert!(
            matches!(outcome.result, Err(Error::Network(_))),
            "{name}: {:?}",
            outcome.result
        );
        // A failure before any reply is retried, within the timeout.
        assert_eq!(outcome.attempts, 3, "{name}");
        assert!(started.elapsed() < Duration::from_secs(2), "{name}");
    }
    assert_eq!(tls.get("/_emulator/stats")["requests"], 0);
    assert_eq!(plain.get("/_emulator/stats")["requests"], 0);
    std::fs::remove_file(ca).unwrap();
}
