//! Transport options end to end: HTTPS with a CA bundle, the dangerous
//! opt-out, HTTPS never downgraded, and proxies.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use tcr::log::{Level, LogSink};
use tcr::{Client, ClientOptions, Error, Sources};

fn options<'a>() -> ClientOptions<'a> {
    ClientOptions {
        credentials: Sources {
            secret_id: Some(ID),
            secret_key: Some(KEY),
            ..Default::default()
        },
        region: Some("ap-guangzhou"),
        rate_limit: Some(0.0),
        max_attempts: Some(1),
        ..Default::default()
    }
}

fn ca_path(name: &str) -> String {
    std::env::temp_dir()
        .join(format!("tcr-{name}-{}.pem", std::process::id()))
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn https_with_the_emulators_ca_bundle() {
    let ca = ca_path("ca-trusted");
    let emu = Emulator::start_tls(&ca, &["--rate", "0"]);
    assert!(emu.url.starts_with("https://"));
    let client = Client::new(&ClientOptions {
        endpoint: Some(&emu.url),
        ca_bundle: Some(&ca),
        ..options()
    })
    .unwrap();
    client.modify_instance_token(&enable()).unwrap();
    assert_eq!(emu.get("/_emulator/stats")["accepted"], 1);
    std::fs::remove_file(&ca).unwrap();
}

#[test]
fn an_untrusted_certificate_is_refused_and_nothing_is_accepted() {
    let ca = ca_path("ca-untrusted");
    let emu = Emulator::start_tls(&ca, &["--rate", "0"]);
    let client = Client::new(&ClientOptions {
        endpoint: Some(&emu.url),
        ..options()
    })
    .unwrap();
    match client.modify_instance_token(&enable()) {
        Err(Error::Network(message)) => assert!(message.contains("certificate"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(emu.get("/_emulator/stats")["requests"], 0);
    std::fs::remove_file(&ca).unwrap();
}

#[test]
fn turning_verification_off_is_explicit_and_logged() {
    let ca = ca_path("ca-danger");
    let emu = Emulator::start_tls(&ca, &["--rate", "0"]);
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&warnings);
    let sink: LogSink = Arc::new(move |level, line: &str| {
        if level == Level::Warn {
            seen.lock().unwrap().push(line.to_owned());
        }
    });
    let client = Client::new(&ClientOptions {
        endpoint: Some(&emu.url),
        danger_accept_invalid_certs: true,
        log: Some(sink),
        ..options()
    })
    .unwrap();
    client.modify_instance_token(&enable()).unwrap();
    let warnings = warnings.lock().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("danger_accept_invalid_certs") && w.contains("NOT verified")),
        "{warnings:?}"
    );
    std::fs::remove_file(&ca).unwrap();
}

#[test]
fn an_https_endpoint_never_falls_back_to_http() {
    let emu = Emulator::start(&["--rate", "0"]);
    let https_to_plain = emu.url.replace("http://", "https://");
    let client = Client::new(&ClientOptions {
        endpoint: Some(&https_to_plain),
        timeout: Some(std::time::Duration::from_secs(2)),
        ..options()
    })
    .unwrap();
    // The TLS handshake fails (or never completes): no plain-HTTP retry.
    let result = client.modify_instance_token(&enable());
    assert!(
        matches!(result, Err(Error::Network(_)) | Err(Error::Timeout(_))),
        "{result:?}"
    );
    // Nothing reached the plain-HTTP server as an API request.
    assert_eq!(emu.get("/_emulator/stats")["accepted"], 0);
}

#[test]
fn an_explicit_proxy_carries_the_request() {
    // The emulator also acts as the proxy: it serves absolute-form requests
    // and counts them. The endpoint's host never needs to resolve.
    let emu = Emulator::start(&["--rate", "0"]);
    let client = Client::new(&ClientOptions {
        endpoint: Some("http://tcr.proxied.invalid"),
        proxy: Some(&emu.url),
        ..options()
    })
    .unwrap();
    client.modify_instance_token(&enable()).unwrap();
    let stats = emu.get("/_emulator/stats");
    assert_eq!(
        (stats["proxied"].as_u64(), stats["accepted"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn a_refusing_proxy_is_a_network_error_and_no_proxy_bypasses_it() {
    let emu = Emulator::start(&["--rate", "0"]);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let client = Client::new(&ClientOptions {
        endpoint: Some(&emu.url),
        proxy: Some(&closed),
        ..options()
    })
    .unwrap();
    assert!(matches!(
        client.modify_instance_token(&enable()),
        Err(Error::Network(_))
    ));
    // NO_PROXY (read from the environment) names the endpoint: sent directly.
    let env = |name: &str| (name == "NO_PROXY").then(|| "127.0.0.1".to_owned());
    let client = Client::new_with_env(
        &ClientOptions {
            endpoint: Some(&emu.url),
            proxy: Some(&closed),
            ..options()
        },
        &env,
    )
    .unwrap();
    client.modify_instance_token(&enable()).unwrap();
    // ...unless the environment is ignored.
    let client = Client::new_with_env(
        &ClientOptions {
            endpoint: Some(&emu.url),
            proxy: Some(&closed),
            ignore_proxy_env: true,
            ..options()
        },
        &env,
    )
    .unwrap();
    assert!(matches!(
        client.modify_instance_token(&enable()),
        Err(Error::Network(_))
    ));
}
