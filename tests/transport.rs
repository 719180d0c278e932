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
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
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
    match client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
    {
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
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
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
    let result = client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result;
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
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
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
        client
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result,
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
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
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
        client
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result,
        Err(Error::Network(_))
    ));
}

#[test]
fn x_tc_language_is_sent_only_when_set() {
    let emu = Emulator::start(&["--rate", "0"]);
    let last_headers = || {
        let seen = emu.get("/_emulator/requests")["requests"].clone();
        seen.as_array().unwrap().last().unwrap()["headers"].clone()
    };
    let plain = Client::new(&ClientOptions {
        endpoint: Some(&emu.url),
        ..options()
    })
    .unwrap();
    plain
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    assert!(
        last_headers().get("x-tc-language").is_none(),
        "{}",
        last_headers()
    );
    let english = Client::new(&ClientOptions {
        endpoint: Some(&emu.url),
        language: Some("en-US"),
        ..options()
    })
    .unwrap();
    english
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap();
    assert_eq!(last_headers()["x-tc-language"], "en-US");
}

/// Through the C ABI: a call made on a thread that runs a tokio runtime
/// is refused with TCR_INTERNAL and a message saying what to do, rather
/// than stalling the runtime. Nothing is sent.
#[test]
fn a_c_call_on_an_async_runtime_thread_is_tcr_internal() {
    use std::ffi::{CStr, CString};
    use tcr::ffi::*;
    let emu = Emulator::start(&["--rate", "0"]);
    let (id, key, region) = (
        CString::new(ID).unwrap(),
        CString::new(KEY).unwrap(),
        CString::new("ap-guangzhou").unwrap(),
    );
    let endpoint = CString::new(emu.url.as_str()).unwrap();
    let (registry, token) = (
        CString::new(REGISTRY).unwrap(),
        CString::new(TOKEN).unwrap(),
    );
    // SAFETY: zeroed option and request structs are the documented "not
    // set", once struct_size says their size (what the _INIT macros do).
    let mut options: tcr_client_options = unsafe { std::mem::zeroed() };
    options.struct_size = std::mem::size_of::<tcr_client_options>();
    options.secret_id = id.as_ptr();
    options.secret_key = key.as_ptr();
    options.region = region.as_ptr();
    options.endpoint = endpoint.as_ptr();
    let mut client = std::ptr::null_mut();
    // SAFETY: valid pointers for the duration of the calls.
    unsafe {
        assert_eq!(
            tcr_client_new(&options, &mut client, std::ptr::null_mut()),
            tcr_status::TCR_OK
        );
    }
    let mut request: tcr_modify_instance_token_request = unsafe { std::mem::zeroed() };
    request.struct_size = std::mem::size_of::<tcr_modify_instance_token_request>();
    request.registry_id = registry.as_ptr();
    request.token_id = token.as_ptr();
    request.enable = TCR_ENABLE_TRUE;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (status, message) = runtime.block_on(async {
        let mut response: *mut tcr_response = std::ptr::null_mut();
        // SAFETY: as above; the response libtcr hands out is freed below.
        unsafe {
            let status =
                tcr_modify_instance_token(client, &request, std::ptr::null(), &mut response);
            let message = CStr::from_ptr((*response).error_message)
                .to_string_lossy()
                .into_owned();
            tcr_response_free(response);
            (status, message)
        }
    });
    assert_eq!(status, tcr_status::TCR_INTERNAL);
    assert!(message.contains("spawn_blocking"), "{message}");
    assert_eq!(emu.requests(), 0);
    // SAFETY: created above, freed once.
    unsafe { tcr_client_free(client) };
}

/// A listener whose accept queue is full drops further SYNs, so connecting
/// hangs (as to a host that drops packets): the connect timeout ends the
/// attempt, long before the call's timeout.
#[test]
fn connect_timeout_bounds_a_connection_that_never_completes() {
    use std::net::{SocketAddr, TcpStream};
    use std::os::fd::FromRawFd;
    use std::time::{Duration, Instant};
    // SAFETY: plain socket calls on a descriptor this test owns; the
    // listener is wrapped so that it is closed at the end.
    let (listener, addr) = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0);
        let mut sin: libc::sockaddr_in = std::mem::zeroed();
        sin.sin_family = libc::AF_INET as libc::sa_family_t;
        sin.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(
            libc::bind(fd, (&sin as *const libc::sockaddr_in).cast(), len),
            0
        );
        assert_eq!(libc::listen(fd, 0), 0);
        let listener = std::net::TcpListener::from_raw_fd(fd);
        let addr: SocketAddr = listener.local_addr().unwrap();
        (listener, addr)
    };
    // Fill the accept queue; nobody accepts.
    let fillers: Vec<TcpStream> = (0..4)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok())
        .collect();
    assert!(!fillers.is_empty());
    let endpoint = format!("http://{addr}");
    let client = Client::new(&ClientOptions {
        endpoint: Some(&endpoint),
        connect_timeout: Some(Duration::from_millis(300)),
        timeout: Some(Duration::from_secs(20)),
        ..options()
    })
    .unwrap();
    let started = Instant::now();
    let result = client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result;
    let took = started.elapsed();
    assert!(
        matches!(&result, Err(Error::Timeout(m)) if m.contains("in time")),
        "{result:?}"
    );
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(5),
        "the attempt ended after {took:?}"
    );
    drop((listener, fillers));
}
