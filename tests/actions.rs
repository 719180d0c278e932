//! Any TCR action through `Client::call`: a long-term credential's whole
//! lifecycle against the emulator, input checked before sending, the retry
//! rule for actions that may not be repeatable, and one rate-limit bucket
//! per action.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tcr::{CallSettings, Client, ClientOptions, Error, Sources};

fn call(client: &Client, action: &str, params: Value) -> tcr::Outcome<tcr::CallResponse> {
    client.call(action, &params.to_string(), CallSettings::default())
}

fn response(outcome: tcr::Outcome<tcr::CallResponse>) -> Value {
    let reply = outcome.result.expect("the call succeeds");
    let value: Value = serde_json::from_str(&reply.response_json).unwrap();
    assert_eq!(value["RequestId"], reply.request_id);
    value
}

fn client_with(emu: &Emulator, max_attempts: u32, rate: f64) -> Client {
    emu.client_with(ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        rate_limit: Some(rate),
        rate_burst: Some(1),
        max_attempts: Some(max_attempts),
        ..Default::default()
    })
}

#[test]
fn a_long_term_credential_from_creation_to_deletion() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client(KEY);
    let created = response(call(
        &client,
        "CreateInstanceToken",
        json!({"RegistryId": REGISTRY, "TokenType": "longterm", "Desc": "CI pipeline"}),
    ));
    let id = created["TokenId"].as_str().unwrap().to_owned();
    assert!(created["Token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(created["Username"].is_string());

    let disabled = client
        .modify_instance_token(
            &tcr::ModifyInstanceToken {
                registry_id: REGISTRY,
                token_id: &id,
                enable: Some(false),
                ..Default::default()
            },
            tcr::CallSettings::default(),
        )
        .result;
    assert!(disabled.is_ok(), "{disabled:?}");

    let listed = response(call(
        &client,
        "DescribeInstanceToken",
        json!({"RegistryId": REGISTRY}),
    ));
    let mine: Vec<&Value> = listed["Tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["Id"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{listed}");
    assert_eq!(mine[0]["Enabled"], false);
    assert_eq!(mine[0]["Desc"], "CI pipeline");
    assert_eq!(listed["TotalCount"], 3);

    response(call(
        &client,
        "DeleteInstanceToken",
        json!({"RegistryId": REGISTRY, "TokenId": id}),
    ));
    let listed = response(call(
        &client,
        "DescribeInstanceToken",
        json!({"RegistryId": REGISTRY}),
    ));
    assert_eq!(listed["TotalCount"], 2);
    match call(
        &client,
        "DeleteInstanceToken",
        json!({"RegistryId": REGISTRY, "TokenId": id}),
    )
    .result
    {
        Err(Error::Api(api)) => {
            assert_eq!(api.code, "ResourceNotFound");
            assert!(!api.request_id.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // A temporary credential has no TokenId and expires in an hour.
    let temp = response(call(
        &client,
        "CreateInstanceToken",
        json!({"RegistryId": REGISTRY}),
    ));
    assert!(temp.get("TokenId").is_none());
    let expires_ms = temp["ExpTime"].as_i64().unwrap();
    assert!(
        (expires_ms / 1000 - (now() + 3600)).abs() <= 5,
        "{expires_ms}"
    );
}

#[test]
fn bad_names_and_parameters_are_refused_before_sending() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client(KEY);
    for (action, params, field) in [
        ("describeInstanceToken", "{}", "action"),
        ("Describe Token", "{}", "action"),
        ("", "{}", "action"),
        ("DescribeInstanceToken", "[]", "params"),
        ("DescribeInstanceToken", "{\"RegistryId\": ", "params"),
        ("DescribeInstanceToken", "", "params"),
    ] {
        let outcome = client.call(action, params, CallSettings::default());
        match outcome.result {
            Err(Error::InvalidArgument { field: f, .. }) => {
                assert_eq!(f, field, "{action} {params}")
            }
            other => panic!("{action} {params}: {other:?}"),
        }
        assert_eq!(outcome.attempts, 0);
    }
    assert_eq!(emu.requests(), 0);
    // An action the service does not have is the service's answer.
    match call(&client, "MakeCoffee", json!({})).result {
        Err(Error::Api(api)) => assert_eq!(api.code, "InvalidAction"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn only_what_cannot_have_been_processed_is_retried() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = client_with(&emu, 3, 0.0);
    let create = json!({"RegistryId": REGISTRY, "TokenType": "longterm"});
    // Reset after the request was read: it may have been processed, so a
    // CreateInstanceToken is not sent again...
    emu.fault("mode=reset-before&count=1");
    let once = call(&client, "CreateInstanceToken", create.clone());
    assert!(
        matches!(once.result, Err(Error::Network(_))),
        "{:?}",
        once.result
    );
    assert_eq!(once.attempts, 1);
    // ...while ModifyInstanceToken, which sets a state, is.
    emu.fault("mode=reset-before&count=1");
    let modify = client.modify_instance_token(&enable(), tcr::CallSettings::default());
    assert!(modify.result.is_ok(), "{:?}", modify.result);
    assert_eq!(modify.attempts, 2);
    // RequestLimitExceeded was not processed: retried for any action.
    emu.fault("mode=error&code=RequestLimitExceeded&count=1");
    let limited = call(&client, "CreateInstanceToken", create.clone());
    assert!(limited.result.is_ok(), "{:?}", limited.result);
    assert_eq!(limited.attempts, 2);
    // Nothing listens: the connect fails, nothing was written, retried.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let endpoint = format!("http://127.0.0.1:{port}");
    let unreachable = Client::new(&ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        region: Some("ap-guangzhou"),
        endpoint: Some(&endpoint),
        max_attempts: Some(3),
        rate_limit: Some(0.0),
        timeout: Some(Duration::from_secs(10)),
        ..Default::default()
    })
    .unwrap();
    let refused = call(&unreachable, "CreateInstanceToken", create);
    assert!(
        matches!(refused.result, Err(Error::Network(_))),
        "{:?}",
        refused.result
    );
    assert_eq!(refused.attempts, 3);
    // One token made (the rate-limited call's retry; the emulator drops a
    // reset request unprocessed, which a client cannot know), and no
    // second copy of anything: the two seeded tokens plus one.
    let listed = response(call(
        &client,
        "DescribeInstanceToken",
        json!({"RegistryId": REGISTRY}),
    ));
    assert_eq!(listed["TotalCount"], 3);
}

#[test]
fn each_action_has_its_own_rate_limit_bucket() {
    let emu = Emulator::start(&["--rate", "0"]);
    // 2 requests/s, bursts of 1: a second request of one action waits
    // about 500 ms; a request of another action does not.
    let client = client_with(&emu, 1, 2.0);
    let describe = json!({"RegistryId": REGISTRY});
    let started = Instant::now();
    response(call(&client, "DescribeInstanceToken", describe.clone()));
    response(call(
        &client,
        "CreateInstanceToken",
        json!({"RegistryId": REGISTRY}),
    ));
    assert!(client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .is_ok());
    let three_actions = started.elapsed();
    response(call(&client, "DescribeInstanceToken", describe));
    let then_the_same_again = started.elapsed() - three_actions;
    assert!(
        three_actions < Duration::from_millis(300),
        "{three_actions:?}"
    );
    assert!(
        then_the_same_again >= Duration::from_millis(400),
        "{then_the_same_again:?}"
    );
}
