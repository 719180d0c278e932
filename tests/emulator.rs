//! The client against tcr-emulator, and the emulator's own behaviour: TC3
//! verification, documented error codes, state, rate limit and faults.

mod common;

use common::*;
use serde_json::json;
use std::time::{Duration, Instant};
use tcr::sign;
use tcr::{Client, ClientOptions, Error, ModifyInstanceToken, Sources};

const ENABLE_BODY: &str = r#"{"RegistryId": "tcr-12345", "TokenId": "2ab3af0d-893d-423f-91b1-27713566f95f", "Enable": true}"#;

fn good<'a>() -> Raw<'a> {
    Raw {
        secret_id: ID,
        secret_key: KEY,
        token: None,
        service: "tcr",
        action: "ModifyInstanceToken",
        version: Some("2019-09-24"),
        timestamp: None,
        scope_date: None,
        signed_headers: None,
        body: ENABLE_BODY,
    }
}

#[test]
fn seed_examples_change_the_state() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client(KEY);
    let outcome = client.modify_instance_token(
        &request(Some(false), None, None),
        tcr::CallSettings::default(),
    );
    let r = outcome.result.unwrap();
    assert_eq!(
        (r.request_id.len(), r.http_status, outcome.attempts),
        (36, 200, 1)
    );
    assert_eq!(emu.token(TOKEN), json!({"enabled": false, "desc": ""}));
    client
        .modify_instance_token(
            &request(Some(true), None, None),
            tcr::CallSettings::default(),
        )
        .result
        .unwrap();
    assert_eq!(emu.token(TOKEN), json!({"enabled": true, "desc": ""}));
    client
        .modify_instance_token(
            &request(None, Some("aaa"), Some(1)),
            tcr::CallSettings::default(),
        )
        .result
        .unwrap();
    assert_eq!(emu.token(TOKEN), json!({"enabled": true, "desc": "aaa"}));
    // An empty description is sent and clears it.
    client
        .modify_instance_token(
            &request(None, Some(""), Some(1)),
            tcr::CallSettings::default(),
        )
        .result
        .unwrap();
    assert_eq!(emu.token(TOKEN)["desc"], "");
    // The other token was not touched.
    assert_eq!(
        emu.token("second-token"),
        json!({"enabled": false, "desc": "old"})
    );
    assert_eq!(emu.get("/_emulator/stats")["accepted"], 4);
}

#[test]
fn invalid_requests_are_never_sent() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client(KEY);
    let before = emu.requests();
    for bad in [
        request(None, None, None),
        request(Some(true), None, Some(3)),
        request(None, None, Some(1)),
        ModifyInstanceToken {
            token_id: "",
            ..request(Some(true), None, None)
        },
    ] {
        assert!(
            matches!(
                client
                    .modify_instance_token(&bad, tcr::CallSettings::default())
                    .result,
                Err(Error::InvalidArgument { .. })
            ),
            "{bad:?}"
        );
    }
    assert_eq!(emu.requests(), before);
}

#[test]
fn signature_verification_and_documented_error_codes() {
    let emu = Emulator::start(&["--rate", "0"]);
    let today = sign::utc_date(now());
    let yesterday = sign::utc_date(now() - 86_400);
    let cases: Vec<(&str, Raw, &str)> = vec![
        ("a correct request", good(), "OK"),
        (
            "wrong secret key",
            Raw {
                secret_key: "wrong",
                ..good()
            },
            "AuthFailure.SignatureFailure",
        ),
        (
            "unknown SecretId",
            Raw {
                secret_id: "AKIDUNKNOWN",
                ..good()
            },
            "AuthFailure.SecretIdNotFound",
        ),
        (
            "timestamp 301 s old",
            Raw {
                timestamp: Some(now() - 301),
                ..good()
            },
            "AuthFailure.SignatureExpire",
        ),
        (
            "timestamp 301 s ahead",
            Raw {
                timestamp: Some(now() + 301),
                ..good()
            },
            "AuthFailure.SignatureExpire",
        ),
        (
            "scope date not the timestamp's",
            Raw {
                scope_date: Some(&yesterday),
                ..good()
            },
            "AuthFailure.SignatureFailure",
        ),
        (
            "scope service not tcr",
            Raw {
                service: "cvm",
                ..good()
            },
            "AuthFailure.SignatureFailure",
        ),
        (
            "host not signed",
            Raw {
                signed_headers: Some("content-type"),
                ..good()
            },
            "AuthFailure.SignatureFailure",
        ),
        (
            "extra signed header",
            Raw {
                signed_headers: Some("content-type;host;x-tc-action"),
                ..good()
            },
            "OK",
        ),
        (
            "temporary key without token",
            Raw {
                secret_id: TEMP_ID,
                secret_key: TEMP_KEY,
                ..good()
            },
            "AuthFailure.TokenFailure",
        ),
        (
            "temporary key, wrong token",
            Raw {
                secret_id: TEMP_ID,
                secret_key: TEMP_KEY,
                token: Some("nope"),
                ..good()
            },
            "AuthFailure.TokenFailure",
        ),
        (
            "temporary key with its token",
            Raw {
                secret_id: TEMP_ID,
                secret_key: TEMP_KEY,
                token: Some(TEMP_TOKEN),
                ..good()
            },
            "OK",
        ),
        (
            "permanent key with a token",
            Raw {
                token: Some(TEMP_TOKEN),
                ..good()
            },
            "AuthFailure.TokenFailure",
        ),
        (
            "unknown action",
            Raw {
                action: "MakeCoffee",
                ..good()
            },
            "InvalidAction",
        ),
        (
            "no version",
            Raw {
                version: None,
                ..good()
            },
            "MissingParameter",
        ),
        (
            "missing TokenId",
            Raw {
                body: r#"{"RegistryId": "tcr-12345", "Enable": true}"#,
                ..good()
            },
            "MissingParameter",
        ),
        (
            "Enable as a string",
            Raw {
                body: r#"{"RegistryId": "tcr-12345", "TokenId": "x", "Enable": "true"}"#,
                ..good()
            },
            "InvalidParameter",
        ),
        (
            "ModifyFlag as a string",
            Raw {
                body: r#"{"RegistryId": "tcr-12345", "TokenId": "x", "Enable": true, "ModifyFlag": "2"}"#,
                ..good()
            },
            "InvalidParameter",
        ),
        (
            "ModifyFlag 3",
            Raw {
                body: r#"{"RegistryId": "tcr-12345", "TokenId": "2ab3af0d-893d-423f-91b1-27713566f95f", "Enable": true, "ModifyFlag": 3}"#,
                ..good()
            },
            "InvalidParameterValue",
        ),
        (
            "flag 2 without Enable",
            Raw {
                body: r#"{"RegistryId": "tcr-12345", "TokenId": "2ab3af0d-893d-423f-91b1-27713566f95f"}"#,
                ..good()
            },
            "MissingParameter",
        ),
        (
            "unknown parameter",
            Raw {
                body: r#"{"RegistryId": "tcr-12345", "TokenId": "x", "Enable": true, "Foo": 1}"#,
                ..good()
            },
            "UnknownParameter",
        ),
        (
            "body not JSON",
            Raw {
                body: "Enable=true",
                ..good()
            },
            "InvalidParameter",
        ),
        (
            "unknown token",
            Raw {
                body: r#"{"RegistryId": "tcr-12345", "TokenId": "nope", "Enable": true}"#,
                ..good()
            },
            "ResourceNotFound",
        ),
        (
            "unknown instance",
            Raw {
                body: r#"{"RegistryId": "tcr-99999", "TokenId": "nope", "Enable": true}"#,
                ..good()
            },
            "ResourceNotFound",
        ),
    ];
    assert_ne!(today, yesterday);
    for (name, raw, expected) in cases {
        assert_eq!(emu.raw(raw), expected, "{name}");
    }
}

#[test]
fn describe_instance_token_reads_the_state() {
    let emu = Emulator::start(&["--rate", "0"]);
    emu.client(KEY)
        .modify_instance_token(
            &request(None, Some("ci"), Some(1)),
            tcr::CallSettings::default(),
        )
        .result
        .unwrap();
    let body = r#"{"RegistryId": "tcr-12345"}"#;
    assert_eq!(
        emu.raw(Raw {
            action: "DescribeInstanceToken",
            body,
            ..good()
        }),
        "OK"
    );
    let tokens = emu.get("/_emulator/requests");
    let last = tokens["requests"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["headers"]["x-tc-action"], "DescribeInstanceToken");
    assert!(
        last["headers"].get("authorization").is_none(),
        "secrets are not kept: {last}"
    );
    assert_eq!(emu.token(TOKEN)["desc"], "ci");
}

#[test]
fn the_rate_limit_is_twenty_per_second_per_secret_id() {
    let emu = Emulator::start(&[]);
    // The client's own limiter and retries off, to see the server's limit.
    let client = emu.client_with(ClientOptions {
        credentials: Sources {
            secret_id: Some(ID),
            secret_key: Some(KEY),
            ..Default::default()
        },
        rate_limit: Some(0.0),
        max_attempts: Some(1),
        ..Default::default()
    });
    let started = Instant::now();
    let (mut ok, mut limited) = (0, 0);
    for _ in 0..40 {
        match client
            .modify_instance_token(
                &request(Some(true), None, None),
                tcr::CallSettings::default(),
            )
            .result
        {
            Ok(_) => ok += 1,
            Err(Error::Api(api)) if api.code == "RequestLimitExceeded" => limited += 1,
            Err(other) => panic!("{other}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    // A burst of 20 plus what refills at 20/s while the loop runs.
    let allowed = 20.0 + 20.0 * elapsed;
    assert!(
        ok >= 20 && f64::from(ok) <= allowed + 1.0,
        "ok {ok} limited {limited} in {elapsed:.3}s"
    );
    assert_eq!(ok + limited, 40);
    if elapsed < 0.5 {
        assert!(limited >= 5, "ok {ok} limited {limited} in {elapsed:.3}s");
    }
    // Another SecretId has its own budget.
    let temp = emu.client_with(ClientOptions {
        credentials: Sources {
            secret_id: Some(TEMP_ID),
            secret_key: Some(TEMP_KEY),
            session_token: Some(TEMP_TOKEN),
            ..Default::default()
        },
        rate_limit: Some(0.0),
        ..Default::default()
    });
    temp.modify_instance_token(
        &request(Some(true), None, None),
        tcr::CallSettings::default(),
    )
    .result
    .unwrap();
}

#[test]
fn faults_map_to_the_right_errors_and_the_client_recovers() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(ClientOptions {
        credentials: Sources {
            secret_id: Some(ID),
            secret_key: Some(KEY),
            ..Default::default()
        },
        timeout: Some(Duration::from_millis(500)),
        max_attempts: Some(1),
        ..Default::default()
    });
    let call = || {
        client
            .modify_instance_token(
                &request(Some(true), None, None),
                tcr::CallSettings::default(),
            )
            .result
    };
    type IsExpected = fn(&Error) -> bool;
    let cases: Vec<(&str, IsExpected)> = vec![
        ("mode=drop&count=1", |e| matches!(e, Error::Network(_))),
        ("mode=reset&count=1", |e| matches!(e, Error::Network(_))),
        ("mode=delay&delay_ms=2000&count=1", |e| {
            matches!(e, Error::Timeout(_))
        }),
        (
            "mode=http5xx&status=503&count=1",
            |e| matches!(e, Error::Protocol { http_status: 503, message } if message.contains("<html>")),
        ),
        ("mode=garbage&count=1", |e| {
            matches!(
                e,
                Error::Protocol {
                    http_status: 200,
                    ..
                }
            )
        }),
        (
            "mode=no-response&count=1",
            |e| matches!(e, Error::Protocol { message, .. } if message.contains("no Response")),
        ),
        (
            "mode=no-request-id&count=1",
            |e| matches!(e, Error::Protocol { message, .. } if message.contains("RequestId")),
        ),
        (
            "mode=error&code=InternalError.DbError&count=1",
            |e| matches!(e, Error::Api(api) if api.code == "InternalError.DbError" && api.request_id.len() == 36),
        ),
    ];
    for (fault, expected) in cases {
        emu.fault(fault);
        let started = Instant::now();
        let error = call().expect_err(fault);
        assert!(expected(&error), "{fault}: {error:?}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{fault} took {:?}",
            started.elapsed()
        );
        // count=1: the next call goes through on the same client.
        call().unwrap_or_else(|e| panic!("after {fault}: {e}"));
    }
}

#[test]
fn connection_refused_is_a_network_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = Client::new(&ClientOptions {
        credentials: Sources {
            secret_id: Some(ID),
            secret_key: Some(KEY),
            ..Default::default()
        },
        region: Some("ap-guangzhou"),
        endpoint: Some(&endpoint),
        timeout: Some(Duration::from_secs(2)),
        max_attempts: Some(1),
        ..Default::default()
    })
    .unwrap();
    match client
        .modify_instance_token(
            &request(Some(true), None, None),
            tcr::CallSettings::default(),
        )
        .result
    {
        Err(Error::Network(message)) => assert!(message.contains(&endpoint), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_and_debug_output_never_contain_secrets() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(ClientOptions {
        credentials: Sources {
            secret_id: Some(TEMP_ID),
            secret_key: Some(TEMP_KEY),
            session_token: Some("wrong-session-token-value"),
            ..Default::default()
        },
        ..Default::default()
    });
    let error = client
        .modify_instance_token(
            &request(Some(true), None, None),
            tcr::CallSettings::default(),
        )
        .result
        .unwrap_err();
    let shown = format!("{error} {error:?} {client:?}");
    assert!(shown.contains("AuthFailure.TokenFailure"), "{shown}");
    for secret in [TEMP_KEY, "wrong-session-token-value", "Signature="] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}
