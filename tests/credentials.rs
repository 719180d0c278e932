//! The credential chain end to end: environment, profile file and the CVM
//! instance role served by the emulator, including refresh under load.

mod common;

use common::*;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tcr::{Client, ClientOptions, Error, Sources};

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn base<'a>(emu: &'a Emulator) -> ClientOptions<'a> {
    ClientOptions {
        credentials: Sources {
            disable_metadata: true,
            ..Default::default()
        },
        endpoint: Some(&emu.url),
        rate_limit: Some(0.0),
        ..Default::default()
    }
}

#[test]
fn environment_credentials_and_region() {
    let emu = Emulator::start(&["--rate", "0"]);
    let env = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", TEMP_ID),
        ("TENCENTCLOUD_SECRET_KEY", TEMP_KEY),
        ("TENCENTCLOUD_TOKEN", TEMP_TOKEN),
        ("TENCENTCLOUD_REGION", "ap-shanghai"),
        ("HOME", "/nonexistent"),
    ]);
    let client = Client::new_with_env(&base(&emu), &env).unwrap();
    assert_eq!(
        (client.credential_source().as_str(), client.region()),
        ("environment", "ap-shanghai")
    );
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    let seen = emu.get("/_emulator/requests");
    assert_eq!(seen["requests"][0]["headers"]["x-tc-region"], "ap-shanghai");
}

#[test]
fn profile_file_credentials() {
    let emu = Emulator::start(&["--rate", "0"]);
    let dir = std::env::temp_dir().join(format!("tcr-credentials-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(&file, format!("[default]\nsecret_id = AKIDwrong\nsecret_key = wrong\n\n[ci]\nsecret_id = {ID}\nsecret_key = {KEY}\n")).unwrap();
    let path = file.to_str().unwrap();
    let env = env_of(&[
        ("TENCENTCLOUD_CREDENTIALS_FILE", path),
        ("TENCENTCLOUD_PROFILE", "ci"),
    ]);
    let client = Client::new_with_env(
        &ClientOptions {
            region: Some("ap-guangzhou"),
            ..base(&emu)
        },
        &env,
    )
    .unwrap();
    assert!(
        client.credential_source().contains("[ci]"),
        "{}",
        client.credential_source()
    );
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    // The option names the file and section too, before the environment.
    let client = Client::new_with_env(
        &ClientOptions {
            region: Some("ap-guangzhou"),
            credentials: Sources {
                credentials_file: Some(path),
                profile: Some("default"),
                disable_metadata: true,
                ..Default::default()
            },
            ..base(&emu)
        },
        &|_: &str| None,
    )
    .unwrap();
    assert!(
        matches!(client.modify_instance_token(&enable(), tcr::CallSettings::default()).result, Err(Error::Api(api)) if api.code == "AuthFailure.SecretIdNotFound")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn role_client(emu: &Emulator) -> Client {
    let none = |_: &str| None;
    Client::new_with_env(
        &ClientOptions {
            region: Some("ap-guangzhou"),
            credentials: Sources {
                metadata_url: Some(&emu.url),
                ..Default::default()
            },
            ..base(emu)
        },
        &none,
    )
    .unwrap()
}

#[test]
fn cvm_role_credentials_are_discovered_and_cached() {
    let emu = Emulator::start(&["--rate", "0", "--role", "ci-deployer"]);
    let client = role_client(&emu);
    assert!(
        client.credential_source().contains("CVM role ci-deployer"),
        "{}",
        client.credential_source()
    );
    for _ in 0..5 {
        client
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result
            .unwrap();
    }
    assert_eq!(
        emu.get("/_emulator/stats")["metadata_fetches"],
        1,
        "fetched once, then cached"
    );
    // The requests carried the role's session token.
    let seen = emu.get("/_emulator/requests");
    assert!(
        seen["requests"][0]["headers"].get("x-tc-token").is_none(),
        "tokens are not recorded"
    );
    assert_eq!(emu.get("/_emulator/stats")["accepted"], 5);
}

#[test]
fn cvm_role_credentials_refresh_before_expiry_once_under_concurrency() {
    // A 4 s lifetime: refreshed after half of it (the margin is 300 s or half
    // the lifetime, whichever is shorter).
    let emu = Emulator::start(&["--rate", "0", "--role", "short-lived:4"]);
    let client = Arc::new(role_client(&emu));
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    assert_eq!(emu.get("/_emulator/stats")["metadata_fetches"], 1);
    std::thread::sleep(Duration::from_millis(2300));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = Arc::clone(&client);
            std::thread::spawn(move || {
                c.modify_instance_token(&enable(), tcr::CallSettings::default())
                    .result
                    .map(|_| ())
            })
        })
        .collect();
    for t in threads {
        t.join()
            .unwrap()
            .expect("every thread signs with valid credentials");
    }
    assert_eq!(
        emu.get("/_emulator/stats")["metadata_fetches"],
        2,
        "one refresh for 8 threads"
    );
}

#[test]
fn no_role_and_an_unreachable_metadata_service_are_named() {
    let emu = Emulator::start(&["--rate", "0"]);
    let none = |_: &str| None;
    let options = ClientOptions {
        region: Some("ap-guangzhou"),
        credentials: Sources {
            metadata_url: Some(&emu.url),
            ..Default::default()
        },
        ..base(&emu)
    };
    match Client::new_with_env(&options, &none) {
        Err(Error::Credentials(message)) => {
            assert!(
                message.contains("CVM role metadata") && message.contains("HTTP 404"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}

/// A metadata service that accepts the connection and never answers (what
/// a firewall that holds the flow does): the chain gives up after its 1 s
/// metadata timeout, not the call's 60 s.
#[test]
fn a_silent_metadata_service_is_given_up_after_one_second() {
    let emu = Emulator::start(&["--rate", "0"]);
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    // Holds the accepted connections open without a byte in reply.
    std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().take(4).collect();
        std::thread::sleep(std::time::Duration::from_secs(10));
        drop(held);
    });
    let none = |_: &str| None;
    let options = ClientOptions {
        region: Some("ap-guangzhou"),
        credentials: Sources {
            metadata_url: Some(&url),
            ..Default::default()
        },
        ..base(&emu)
    };
    let started = std::time::Instant::now();
    let result = Client::new_with_env(&options, &none);
    let took = started.elapsed();
    assert!(matches!(result, Err(Error::Credentials(_))), "{result:?}");
    assert!(
        took >= std::time::Duration::from_millis(900) && took < std::time::Duration::from_secs(5),
        "gave up after {took:?}"
    );
}

#[test]
fn tcr_endpoint_names_the_endpoint_when_the_options_do_not() {
    let emu = Emulator::start(&["--rate", "0"]);
    let env = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", ID),
        ("TENCENTCLOUD_SECRET_KEY", KEY),
        ("TCR_ENDPOINT", &emu.url),
    ]);
    let options = ClientOptions {
        endpoint: None,
        region: Some("ap-guangzhou"),
        ..base(&emu)
    };
    let client = Client::new_with_env(&options, &env).unwrap();
    assert_eq!(client.endpoint().url, format!("{}/", emu.url));
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    // An explicit endpoint, regional endpoint or root domain wins.
    let regional = ClientOptions {
        regional_endpoint: true,
        ..options.clone()
    };
    let client = Client::new_with_env(&regional, &env).unwrap();
    assert_eq!(
        client.endpoint().url,
        "https://tcr.ap-guangzhou.tencentcloudapi.com/"
    );
    // A bad value names the variable; nothing is sent.
    let bad = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", ID),
        ("TENCENTCLOUD_SECRET_KEY", KEY),
        ("TCR_ENDPOINT", "ftp://example"),
    ]);
    match Client::new_with_env(&options, &bad) {
        Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "TCR_ENDPOINT"),
        other => panic!("{other:?}"),
    }
}
