//! The test harness shared by the integration tests: a tcr-emulator child
//! process per test, read through its control endpoints.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tcr::sign::{self, SigningKey};
use tcr::{Client, ClientOptions, Sources};

pub const ID: &str = "AKIDRUSTTEST";
pub const KEY: &str = "rust-test-secret-key";
pub const TEMP_ID: &str = "AKIDTEMPORARY";
pub const TEMP_KEY: &str = "temporary-secret-key";
pub const TEMP_TOKEN: &str = "temporary-session-token";
pub const REGISTRY: &str = "tcr-12345";
pub const TOKEN: &str = "2ab3af0d-893d-423f-91b1-27713566f95f";

pub fn json_of(response: reqwest::blocking::Response) -> Value {
    serde_json::from_slice(&response.bytes().unwrap()).expect("the emulator answers JSON")
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn request<'a>(
    enable: Option<bool>,
    desc: Option<&'a str>,
    modify_flag: Option<i64>,
) -> tcr::ModifyInstanceToken<'a> {
    tcr::ModifyInstanceToken {
        registry_id: REGISTRY,
        token_id: TOKEN,
        enable,
        desc,
        modify_flag,
    }
}

pub fn enable<'a>() -> tcr::ModifyInstanceToken<'a> {
    request(Some(true), None, None)
}

pub struct Emulator {
    child: Child,
    pub url: String,
    pub control: reqwest::blocking::Client,
}

impl Emulator {
    /// An HTTPS emulator whose CA is written to `ca_path`; the harness's own
    /// control requests trust that CA.
    pub fn start_tls(ca_path: &str, extra: &[&str]) -> Emulator {
        let mut args = vec!["--tls-cert", ca_path];
        args.extend_from_slice(extra);
        let mut emu = Emulator::start(&args);
        let pem = std::fs::read(ca_path).expect("the emulator wrote its CA");
        emu.control = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .build()
            .unwrap();
        emu
    }

    pub fn start(extra: &[&str]) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tcr-emulator"))
            .args([
                "--key",
                &format!("{ID}:{KEY}"),
                "--key",
                &format!("{TEMP_ID}:{TEMP_KEY}:{TEMP_TOKEN}"),
            ])
            .args([
                "--token",
                &format!("{REGISTRY}:{TOKEN}:on"),
                "--token",
                "tcr-12345:second-token:off:old",
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("tcr-emulator starts");
        let stdout = child.stdout.take().unwrap();
        // Owned from here on, so Drop stops the child even if an assertion fails.
        let mut emu = Emulator {
            child,
            url: String::new(),
            // The harness talks to the emulator directly, never through a
            // proxy from the environment (tests/proxy_env.rs sets one).
            control: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(10))
                .no_proxy()
                .build()
                .unwrap(),
        };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(
            line.starts_with("http://127.0.0.1:") || line.starts_with("https://127.0.0.1:"),
            "first line is the URL: {line:?}"
        );
        emu.url = line.trim().to_owned();
        emu
    }

    pub fn get(&self, path: &str) -> Value {
        json_of(
            self.control
                .get(format!("{}{path}", self.url))
                .send()
                .unwrap(),
        )
    }

    pub fn fault(&self, query: &str) {
        let status = self
            .control
            .post(format!("{}/_emulator/fault?{query}", self.url))
            .send()
            .unwrap()
            .status();
        assert_eq!(status, 200, "fault {query}");
    }

    pub fn token(&self, token: &str) -> Value {
        self.get("/_emulator/state")["registries"][REGISTRY][token].clone()
    }

    pub fn requests(&self) -> u64 {
        self.get("/_emulator/stats")["requests"].as_u64().unwrap()
    }

    /// A client without the client-side rate limiter (the emulator runs
    /// with --rate 0 in most tests, and tests make calls in bursts).
    pub fn client(&self, secret_key: &str) -> Client {
        self.client_with(ClientOptions {
            credentials: Sources {
                secret_id: Some(ID),
                secret_key: Some(secret_key),
                ..Default::default()
            },
            rate_limit: Some(0.0),
            ..Default::default()
        })
    }

    pub fn client_with(&self, options: ClientOptions<'_>) -> Client {
        Client::new(&ClientOptions {
            region: Some("ap-guangzhou"),
            endpoint: Some(&self.url),
            timeout: options.timeout.or(Some(Duration::from_secs(5))),
            ..options
        })
        .unwrap()
    }

    pub fn host(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Sends a hand-built request and returns the error code, or "OK".
    pub fn raw(&self, raw: Raw<'_>) -> String {
        let body = raw.body.as_bytes();
        let timestamp = raw.timestamp.unwrap_or_else(now);
        let date = raw
            .scope_date
            .map(str::to_owned)
            .unwrap_or_else(|| sign::utc_date(timestamp));
        let signed_headers = raw.signed_headers.unwrap_or("content-type;host");
        let mut canonical = String::from("POST\n/\n\n");
        for name in signed_headers.split(';') {
            let value = match name {
                "content-type" => "application/json".to_owned(),
                "host" => self.host().to_owned(),
                "x-tc-action" => raw.action.to_ascii_lowercase(),
                other => panic!("no value for {other}"),
            };
            canonical.push_str(&format!("{name}:{value}\n"));
        }
        canonical.push_str(&format!("\n{signed_headers}\n{}", sign::sha256_hex(body)));
        let key = SigningKey::derive(raw.secret_key.as_bytes(), &date, raw.service);
        let signature =
            sign::signature_of_canonical(&canonical, timestamp, &date, raw.service, &key);
        let authorization = format!(
            "TC3-HMAC-SHA256 Credential={}/{date}/{}/tc3_request, SignedHeaders={signed_headers}, Signature={signature}",
            raw.secret_id, raw.service
        );
        let mut request = self
            .control
            .post(format!("{}/", self.url))
            .header("Content-Type", "application/json")
            .header("X-TC-Action", raw.action)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Region", "ap-guangzhou")
            .header("Authorization", authorization);
        if let Some(version) = raw.version {
            request = request.header("X-TC-Version", version);
        }
        if let Some(token) = raw.token {
            request = request.header("X-TC-Token", token);
        }
        let reply = json_of(request.body(body.to_vec()).send().unwrap());
        let response = &reply["Response"];
        assert!(
            response["RequestId"]
                .as_str()
                .is_some_and(|id| id.len() == 36),
            "{reply}"
        );
        response["Error"]["Code"]
            .as_str()
            .unwrap_or("OK")
            .to_owned()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy)]
pub struct Raw<'a> {
    pub secret_id: &'a str,
    pub secret_key: &'a str,
    pub token: Option<&'a str>,
    pub service: &'a str,
    pub action: &'a str,
    pub version: Option<&'a str>,
    pub timestamp: Option<i64>,
    pub scope_date: Option<&'a str>,
    pub signed_headers: Option<&'a str>,
    pub body: &'a str,
}

/// The lines a [`collecting_sink`] kept, each with its level.
pub type CollectedLines = std::sync::Arc<std::sync::Mutex<Vec<(tcr::log::Level, String)>>>;

/// A log sink that keeps every line with its level, and those lines.
pub fn collecting_sink() -> (tcr::log::LogSink, CollectedLines) {
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink_lines = std::sync::Arc::clone(&lines);
    let sink: tcr::log::LogSink = std::sync::Arc::new(move |level, line: &str| {
        sink_lines.lock().unwrap().push((level, line.to_owned()))
    });
    (sink, lines)
}

/// True if `text` holds a run of 64 hex digits (a signature or a key hash).
pub fn has_hex64(text: &str) -> bool {
    text.as_bytes()
        .windows(64)
        .any(|w| w.iter().all(u8::is_ascii_hexdigit))
}

/// The emulator's temporary key pair with its session token.
pub fn temporary_credentials<'a>() -> Sources<'a> {
    Sources {
        secret_id: Some(TEMP_ID),
        secret_key: Some(TEMP_KEY),
        session_token: Some(TEMP_TOKEN),
        ..Default::default()
    }
}

/// The lines of a [`collecting_sink`] that report an HTTP attempt (not the
/// one about the client's creation).
pub fn attempt_lines(lines: &CollectedLines) -> Vec<String> {
    let lines = lines.lock().unwrap();
    lines
        .iter()
        .map(|(_, line)| line)
        .filter(|line| line.starts_with("tcr: action=") && line.contains(" attempt="))
        .cloned()
        .collect()
}
