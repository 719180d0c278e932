//! Roles and workload identity end to end against the emulator's STS:
//! AssumeRole over each base source, TKE OIDC (a rotated token file
//! included), tccli's profiles, the chain's order, half-set sources,
//! refresh under load, STS failing before and after expiry, hostile STS
//! replies, and the refresh inside a call's timeout and cancellation.

mod common;

use common::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tcr::{CallSettings, CancelToken, Client, ClientOptions, Error, Sources};

const ROLE: &str = "qcs::cam::uin/100000000001:roleName/ci-deployer";
const PROVIDER: &str = "tke-oidc-provider-1";
const OIDC_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.first-projected-token.sig1";
const ROTATED_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.rotated-projected-token.sig2";

fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |name| map.get(name).cloned()
}

fn sts_emulator(extra: &[&str]) -> Emulator {
    let mut args = vec![
        "--rate",
        "0",
        "--sts-role",
        ROLE,
        "--oidc-provider",
        PROVIDER,
        "--oidc-role",
        ROLE,
        "--oidc-token",
        OIDC_TOKEN,
        "--oidc-token",
        ROTATED_TOKEN,
    ];
    args.extend_from_slice(extra);
    Emulator::start(&args)
}

fn options<'a>(emu: &'a Emulator) -> ClientOptions<'a> {
    ClientOptions {
        credentials: Sources {
            disable_metadata: true,
            sts_endpoint: Some(&emu.url),
            tccli_dir: Some("/nonexistent/tccli"),
            ..Default::default()
        },
        region: Some("ap-guangzhou"),
        endpoint: Some(&emu.url),
        rate_limit: Some(0.0),
        max_attempts: Some(1),
        ..Default::default()
    }
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcr-sts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn call(client: &Client) -> Result<(), Error> {
    client
        .modify_instance_token(&enable(), CallSettings::default())
        .result
        .map(|_| ())
}

fn stat(emu: &Emulator, name: &str) -> u64 {
    emu.get("/_emulator/stats")[name].as_u64().unwrap()
}

/// The STS requests the emulator saw, as (action, body).
fn sts_requests(emu: &Emulator) -> Vec<(String, String)> {
    emu.get("/_emulator/requests")["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["headers"]["x-tc-version"] == "2018-08-13")
        .map(|r| {
            (
                r["headers"]["x-tc-action"].as_str().unwrap().to_owned(),
                r["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn home() -> (&'static str, String) {
    ("HOME", "/nonexistent".to_owned())
}

#[test]
fn environment_keys_with_tencentcloud_role_arn_assume_the_role() {
    let emu = sts_emulator(&[]);
    let env = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", KEY.into()),
        ("TENCENTCLOUD_ROLE_ARN", ROLE.into()),
        ("TENCENTCLOUD_ROLE_SESSION_NAME", "nightly-rotation".into()),
        home(),
    ]);
    let client = Client::new_with_env(&options(&emu), &env).unwrap();
    let source = client.credential_source();
    assert!(
        source.contains("STS AssumeRole")
            && source.contains(ROLE)
            && source.ends_with("over environment"),
        "{source}"
    );
    call(&client).unwrap();
    call(&client).unwrap();
    assert_eq!(
        stat(&emu, "sts_assume_role"),
        1,
        "the role's keys are cached"
    );
    let sts = sts_requests(&emu);
    assert_eq!(sts.len(), 1);
    assert_eq!(sts[0].0, "AssumeRole");
    assert_eq!(
        sts[0].1,
        format!(
            r#"{{"RoleArn": "{ROLE}", "RoleSessionName": "nightly-rotation", "DurationSeconds": 7200}}"#
        )
    );
    // An explicit role_arn option is assumed instead of the environment's.
    let other = Client::new_with_env(
        &ClientOptions {
            credentials: Sources {
                role_arn: Some("qcs::cam::uin/1:roleName/nope"),
                ..options(&emu).credentials
            },
            ..options(&emu)
        },
        &env,
    );
    match other {
        Err(Error::Credentials(m)) => assert!(
            m.contains("InvalidParameter.RoleNotExist") && m.contains("roleName/nope"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tke_workload_identity_rereads_a_rotated_token_file() {
    // Keys for 4 s: refreshed after 2 s.
    let emu = sts_emulator(&["--sts-lifetime", "4"]);
    let dir = dir("tke");
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{OIDC_TOKEN}\n")).unwrap();
    let env = env_of(&[
        ("TKE_REGION", "ap-shanghai".into()),
        ("TKE_PROVIDER_ID", PROVIDER.into()),
        (
            "TKE_WEB_IDENTITY_TOKEN_FILE",
            token_file.to_str().unwrap().into(),
        ),
        ("TKE_ROLE_ARN", ROLE.into()),
        home(),
    ]);
    let client = Client::new_with_env(&options(&emu), &env).unwrap();
    assert!(
        client
            .credential_source()
            .starts_with("TKE OIDC (TKE_* environment)"),
        "{}",
        client.credential_source()
    );
    call(&client).unwrap();
    std::fs::write(&token_file, ROTATED_TOKEN).unwrap(); // Kubernetes rotated it
    std::thread::sleep(Duration::from_millis(2300));
    call(&client).unwrap();
    let sts = sts_requests(&emu);
    assert_eq!(sts.len(), 2, "{sts:?}");
    assert!(sts
        .iter()
        .all(|(action, _)| action == "AssumeRoleWithWebIdentity"));
    assert!(
        sts[0].1.contains(OIDC_TOKEN) && sts[1].1.contains(ROTATED_TOKEN),
        "{sts:?}"
    );
    assert!(
        sts[0].1.contains(r#""ProviderId": "tke-oidc-provider-1""#)
            && sts[0].1.contains("\"RoleSessionName\": \"tcr-")
    );
    // The STS request carried TKE_REGION; the TCR ones the client's region.
    let seen = emu.get("/_emulator/requests");
    let regions: Vec<_> = seen["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["headers"]["x-tc-region"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        regions,
        ["ap-shanghai", "ap-guangzhou", "ap-shanghai", "ap-guangzhou"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explicit_workload_identity_options() {
    let emu = sts_emulator(&[]);
    let dir = dir("explicit-oidc");
    let token_file = dir.join("token");
    std::fs::write(&token_file, OIDC_TOKEN).unwrap();
    let path = token_file.to_str().unwrap().to_owned();
    let mut opts = options(&emu);
    opts.credentials.oidc_provider_id = Some(PROVIDER);
    opts.credentials.web_identity_token_file = Some(&path);
    opts.credentials.role_arn = Some(ROLE);
    opts.credentials.role_duration = Some(900);
    let client = Client::new_with_env(&opts, &env_of(&[home()])).unwrap();
    assert!(
        client.credential_source().starts_with("TKE OIDC (options)"),
        "{}",
        client.credential_source()
    );
    call(&client).unwrap();
    assert!(sts_requests(&emu)[0]
        .1
        .ends_with(r#""DurationSeconds": 900}"#));
    // Half set: the error names what is missing.
    opts.credentials.role_arn = None;
    match Client::new_with_env(&opts, &env_of(&[home()])) {
        Err(Error::Credentials(m)) => assert!(m.contains("role_arn not set"), "{m}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tccli_profiles_with_keys_with_a_role_and_with_the_cvm_role() {
    let emu = sts_emulator(&["--role", "node-role"]);
    let dir = dir("tccli");
    std::fs::write(
        dir.join("default.credential"),
        format!(r#"{{"secretId": "{ID}", "secretKey": "{KEY}", "token": ""}}"#),
    )
    .unwrap();
    std::fs::write(
        dir.join("default.configure"),
        r#"{"_sys_param": {"region": "ap-singapore", "output": "json"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("ci.credential"),
        format!(r#"{{"secretId": "{ID}", "secretKey": "{KEY}", "role-arn": "{ROLE}", "role-session-name": "from-tccli"}}"#),
    )
    .unwrap();
    std::fs::write(dir.join("node.credential"), r#"{"type": "cvm-role"}"#).unwrap();
    let tccli = dir.to_str().unwrap().to_owned();
    fn base<'a>(emu: &'a Emulator, tccli: &'a str) -> ClientOptions<'a> {
        let mut o = options(emu);
        o.credentials.tccli_dir = Some(tccli);
        o.region = None; // from default.configure
        o
    }
    let client = Client::new_with_env(&base(&emu, &tccli), &env_of(&[home()])).unwrap();
    assert_eq!(
        client.credential_source(),
        format!("tccli profile {tccli}/default.credential")
    );
    assert_eq!(client.region(), "ap-singapore");
    call(&client).unwrap();

    // The region is the profile's: ci has no .configure.
    let ci = ClientOptions {
        region: Some("ap-guangzhou"),
        ..base(&emu, &tccli)
    };
    let client =
        Client::new_with_env(&ci, &env_of(&[home(), ("TCCLI_PROFILE", "ci".into())])).unwrap();
    assert!(client.credential_source().starts_with(&format!(
        "STS AssumeRole {ROLE} (session from-tccli) over tccli profile"
    )));
    call(&client).unwrap();

    let mut with_metadata = base(&emu, &tccli);
    with_metadata.credentials.disable_metadata = false;
    with_metadata.credentials.metadata_url = Some(&emu.url);
    with_metadata.region = Some("ap-guangzhou");
    let client = Client::new_with_env(
        &with_metadata,
        &env_of(&[home(), ("TCCLI_PROFILE", "node".into())]),
    )
    .unwrap();
    assert!(
        client
            .credential_source()
            .starts_with("CVM role node-role from"),
        "{}",
        client.credential_source()
    );
    assert!(client
        .credential_source()
        .contains("named by tccli profile"));
    call(&client).unwrap();
    assert_eq!(stat(&emu, "metadata_fetches"), 1);

    // A named profile that does not exist is an error, not a skip.
    match Client::new_with_env(&ci, &env_of(&[home(), ("TCCLI_PROFILE", "gone".into())])) {
        Err(Error::Credentials(m)) => assert!(m.contains("gone.credential does not exist"), "{m}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_chain_order_with_several_sources_present_and_a_forced_source() {
    let emu = sts_emulator(&[]);
    let dir = dir("order");
    std::fs::write(
        dir.join("default.credential"),
        format!(
            r#"{{"secretId": "{TEMP_ID}", "secretKey": "{TEMP_KEY}", "token": "{TEMP_TOKEN}"}}"#
        ),
    )
    .unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, OIDC_TOKEN).unwrap();
    let tccli = dir.to_str().unwrap().to_owned();
    let tke = |mut pairs: Vec<(&'static str, String)>| {
        pairs.extend([
            ("TKE_REGION", "ap-guangzhou".into()),
            ("TKE_PROVIDER_ID", PROVIDER.into()),
            (
                "TKE_WEB_IDENTITY_TOKEN_FILE",
                token_file.to_str().unwrap().into(),
            ),
            ("TKE_ROLE_ARN", ROLE.into()),
            home(),
        ]);
        pairs
    };
    let mut opts = options(&emu);
    opts.credentials.tccli_dir = Some(&tccli);
    let source_of = |opts: &ClientOptions, pairs: Vec<(&'static str, String)>| {
        Client::new_with_env(opts, &env_of(&pairs))
            .unwrap()
            .credential_source()
    };
    let env_keys = vec![
        ("TENCENTCLOUD_SECRET_ID", ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", KEY.into()),
    ];
    assert_eq!(source_of(&opts, tke(env_keys.clone())), "environment");
    assert!(source_of(&opts, tke(vec![])).starts_with("tccli profile"));
    let mut no_tccli = opts.clone();
    no_tccli.credentials.tccli_dir = Some("/nonexistent/tccli");
    assert!(source_of(&no_tccli, tke(vec![])).starts_with("TKE OIDC"));
    // Later sources are not read once one matched: a broken TKE setup
    // behind working environment keys is never reached...
    let broken_tke = vec![
        ("TENCENTCLOUD_SECRET_ID", ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", KEY.into()),
        ("TKE_ROLE_ARN", ROLE.into()),
    ];
    assert_eq!(source_of(&opts, broken_tke), "environment");
    // ...and one source can be forced.
    let mut forced = opts.clone();
    forced.credentials.source = Some("tke-oidc");
    assert!(source_of(&forced, tke(env_keys)).starts_with("TKE OIDC"));
    forced.credentials.source = Some("nope");
    assert!(matches!(
        Client::new_with_env(&forced, &env_of(&[home()])),
        Err(Error::InvalidArgument {
            field: "credential_source",
            ..
        })
    ));
    assert_eq!(stat(&emu, "requests"), 2, "two clients took the TKE source");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn half_configured_sources_are_errors_naming_what_is_missing() {
    let emu = sts_emulator(&[]);
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![("TKE_ROLE_ARN", ROLE.into())],
            "TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE not",
        ),
        (
            vec![
                ("TKE_REGION", "ap-guangzhou".into()),
                ("TKE_PROVIDER_ID", PROVIDER.into()),
                ("TKE_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token".into()),
                ("TKE_ROLE_ARN", ROLE.into()),
            ],
            "the web identity token file /nonexistent/token cannot be read",
        ),
        (
            vec![("TENCENTCLOUD_ROLE_ARN", ROLE.into())],
            "TENCENTCLOUD_ROLE_ARN is set but TENCENTCLOUD_SECRET_ID",
        ),
    ];
    for (mut pairs, expected) in cases {
        pairs.push(home());
        match Client::new_with_env(&options(&emu), &env_of(&pairs)) {
            Err(Error::Credentials(m)) => assert!(m.contains(expected), "{expected}: {m}"),
            other => panic!("{expected}: {other:?}"),
        }
    }
    assert_eq!(stat(&emu, "requests"), 0, "nothing was sent");
}

#[test]
fn a_refresh_under_many_threads_is_one_sts_request() {
    let emu = sts_emulator(&["--sts-lifetime", "4"]);
    let env = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", KEY.into()),
        ("TENCENTCLOUD_ROLE_ARN", ROLE.into()),
        home(),
    ]);
    let client = Arc::new(Client::new_with_env(&options(&emu), &env).unwrap());
    std::thread::sleep(Duration::from_millis(2300)); // past the refresh time
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = Arc::clone(&client);
            std::thread::spawn(move || (0..5).map(|_| call(&c)).collect::<Result<Vec<_>, _>>())
        })
        .collect();
    for t in threads {
        t.join().unwrap().expect("every call signs with valid keys");
    }
    assert_eq!(
        stat(&emu, "sts_assume_role"),
        2,
        "the first grant, then exactly one refresh"
    );
    assert_eq!(stat(&emu, "accepted"), 2 + 40);
}

#[test]
fn sts_down_while_the_keys_are_valid_then_after_they_expired() {
    let emu = sts_emulator(&["--sts-lifetime", "4"]);
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    let mut opts = options(&emu);
    opts.log = Some(Arc::new(move |level, line: &str| {
        if level == tcr::log::Level::Warn {
            sink.lock().unwrap().push(line.to_owned());
        }
    }));
    let env = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", TEMP_ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", TEMP_KEY.into()),
        ("TENCENTCLOUD_SESSION_TOKEN", TEMP_TOKEN.into()),
        ("TENCENTCLOUD_ROLE_ARN", ROLE.into()),
        home(),
    ]);
    let client = Client::new_with_env(&opts, &env).unwrap();
    emu.fault("mode=http5xx&status=503&action=AssumeRole");
    std::thread::sleep(Duration::from_millis(2300)); // refresh due at 2 s
    call(&client).expect("the keys are still valid: the call goes on");
    let logged = warnings.lock().unwrap().clone();
    assert!(
        logged
            .iter()
            .any(|l| l.contains("could not refresh") && l.contains("HTTP status")),
        "{logged:?}"
    );
    std::thread::sleep(Duration::from_millis(1900)); // expired at 4 s
    match call(&client) {
        Err(Error::Credentials(m)) => assert!(
            m.contains("expired and could not be refreshed") && m.contains(ROLE),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    for text in logged {
        assert!(
            !text.contains(TEMP_KEY) && !text.contains(TEMP_TOKEN),
            "{text}"
        );
    }
    emu.fault("mode=none");
    call(&client).expect("STS is back");
}

#[test]
fn malformed_oversized_and_echoing_sts_replies_are_refused_without_secrets() {
    let emu = sts_emulator(&[]);
    let env = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", TEMP_ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", TEMP_KEY.into()),
        ("TENCENTCLOUD_SESSION_TOKEN", TEMP_TOKEN.into()),
        ("TENCENTCLOUD_ROLE_ARN", ROLE.into()),
        home(),
    ]);
    let faults = [
        ("mode=body&body=%7B%22Response%22%3A%7B%22RequestId%22%3A%22x%22%7D%7D", "lacks Credentials"),
        ("mode=body&body=%7B%22Response%22%3A%7B%22RequestId%22%3A%22x%22%2C%22Credentials%22%3A%7B%22TmpSecretId%22%3A1%7D%2C%22ExpiredTime%22%3A2%7D%7D", "lacks Credentials"),
        ("mode=body&body=%5B%5D", "not a JSON object"),
        ("mode=big-body&length=5000000", "larger than"),
        ("mode=echo-headers&status=200", "STS said"),
        ("mode=error&code=InvalidParameter.WebIdentityTokenError", "InvalidParameter.WebIdentityTokenError"),
    ];
    for (fault, expected) in faults {
        emu.fault(&format!("{fault}&action=AssumeRole&count=1"));
        match Client::new_with_env(&options(&emu), &env) {
            Err(Error::Credentials(m)) => {
                assert!(m.contains(expected), "{fault}: {m}");
                assert!(m.contains("STS AssumeRole"), "names the source: {m}");
                assert!(
                    !m.contains(TEMP_KEY) && !m.contains(TEMP_TOKEN) && !m.contains("Signature=")
                        || m.contains("[redacted]"),
                    "{m}"
                );
                assert!(!m.contains(TEMP_KEY) && !m.contains(TEMP_TOKEN), "{m}");
            }
            other => panic!("{fault}: {other:?}"),
        }
    }
}

#[test]
fn a_refresh_counts_toward_the_call_timeout_and_honours_cancel() {
    let emu = sts_emulator(&["--sts-lifetime", "2"]);
    let env = env_of(&[
        ("TENCENTCLOUD_SECRET_ID", ID.into()),
        ("TENCENTCLOUD_SECRET_KEY", KEY.into()),
        ("TENCENTCLOUD_ROLE_ARN", ROLE.into()),
        home(),
    ]);
    let client = Client::new_with_env(&options(&emu), &env).unwrap();
    emu.fault("mode=delay&delay_ms=5000&action=AssumeRole");
    std::thread::sleep(Duration::from_millis(2100)); // expired: a refresh is needed
    let started = Instant::now();
    let outcome = client.modify_instance_token(
        &enable(),
        CallSettings {
            timeout: Some(Duration::from_millis(700)),
            cancel: None,
        },
    );
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            outcome.result,
            Err(Error::Timeout(_)) | Err(Error::Credentials(_))
        ),
        "{:?}",
        outcome.result
    );
    let cancel = Arc::new(CancelToken::new());
    let canceller = Arc::clone(&cancel);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        canceller.cancel();
    });
    let started = Instant::now();
    let outcome = client.modify_instance_token(
        &enable(),
        CallSettings {
            timeout: None,
            cancel: Some(&cancel),
        },
    );
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    match outcome.result {
        Err(Error::Cancelled(m)) => assert!(
            m.contains("STS AssumeRole") && m.contains("nothing was sent to TCR"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        stat(&emu, "accepted"),
        1,
        "only the first STS grant: nothing reached TCR"
    );
}
