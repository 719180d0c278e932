//! HTTP_PROXY and ALL_PROXY from the process environment, and
//! ignore_proxy_env. One test
//! in its own binary, because it changes the process environment.

mod common;

use common::*;
use tcr::{Client, ClientOptions, Sources};

#[test]
fn the_proxy_environment_is_used_unless_ignored() {
    let proxy = Emulator::start(&["--rate", "0"]);
    let target = Emulator::start(&["--rate", "0"]);
    std::env::set_var("HTTP_PROXY", &proxy.url);
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let options = ClientOptions {
        credentials: Sources {
            secret_id: Some(ID),
            secret_key: Some(KEY),
            ..Default::default()
        },
        region: Some("ap-guangzhou"),
        endpoint: Some(&target.url),
        rate_limit: Some(0.0),
        max_attempts: Some(1),
        ..Default::default()
    };
    let call = |options: &ClientOptions| {
        Client::new(options)
            .unwrap()
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result
            .unwrap();
        proxy.get("/_emulator/stats")["proxied"].as_u64().unwrap()
    };
    assert_eq!(call(&options), 1, "went through HTTP_PROXY");
    assert_eq!(target.get("/_emulator/stats")["requests"], 0);

    let direct = ClientOptions {
        ignore_proxy_env: true,
        ..options.clone()
    };
    assert_eq!(call(&direct), 1, "the proxy saw nothing more");
    assert_eq!(
        target.get("/_emulator/stats")["accepted"],
        1,
        "sent directly"
    );
    std::env::remove_var("HTTP_PROXY");

    // ALL_PROXY alone applies to every scheme, http included.
    std::env::set_var("ALL_PROXY", &proxy.url);
    assert_eq!(call(&options), 2, "went through ALL_PROXY");
    std::env::remove_var("ALL_PROXY");
}
