//! What the emulator answers: TC3 verification as the service does it, the
//! ModifyInstanceToken and DescribeInstanceToken actions over in-memory
//! state, the per-SecretId rate limit, and injected faults.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tcr::sign::{self, SigningKey};

pub const VERSION: &str = "2019-09-24";
pub const SERVICE: &str = "tcr";

pub struct Key {
    pub secret_key: String,
    /// Set for temporary credentials: requests must carry it as X-TC-Token.
    pub session_token: Option<String>,
    /// Unix time after which temporary credentials are refused.
    pub expires_at: Option<i64>,
}

/// A CAM role whose temporary credentials the metadata service hands out.
pub struct Role {
    pub name: String,
    /// Lifetime of each set of credentials, in seconds.
    pub ttl: i64,
}

#[derive(Clone)]
pub struct TokenState {
    pub enabled: bool,
    pub desc: String,
    pub created_at: i64,
}

/// A misbehaviour to apply to the next API requests.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Close the connection without answering.
    Drop,
    /// Reset the connection before any byte of a reply.
    ResetBeforeReply,
    /// Send the start of a reply, then reset the connection.
    ResetDuringReply,
    /// Wait this many milliseconds, then answer normally.
    Delay(u64),
    /// Answer with this 5xx status and an HTML body.
    ServerError(u16),
    /// HTTP 200 with a body that is not JSON.
    Garbage,
    /// HTTP 200 with JSON that has no `Response`.
    NoResponse,
    /// HTTP 200 with a `Response` that has no `RequestId`.
    NoRequestId,
    /// Answer with this error code (e.g. RequestLimitExceeded).
    ErrorCode(String),
    /// Answer normally, then misbehave on the idle keep-alive connection
    /// after this many milliseconds (unless the next request came first).
    Idle(IdleFault, u64),
    /// A reply whose body never fits the client's limit: `Content-Length`
    /// of this many bytes (actually sent), or chunked without end (`None`).
    Flood(Option<u64>),
    /// Echo every request header (Authorization and X-TC-Token included),
    /// as proxies' and gateways' error pages do: an HTML page with this
    /// status, or with 200 a JSON error whose message quotes them.
    EchoHeaders(u16),
    /// Answer with this status and this exact body (JSON content type).
    Body(u16, String),
}

/// What a peer does to a keep-alive connection while the client is idle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IdleFault {
    /// Close it with a FIN, as a gateway's idle timeout does.
    Close,
    /// Close it with a reset.
    Reset,
    /// Write an unsolicited second reply, and keep the connection open.
    StrayReply,
    /// Write `408 Request Timeout`, then close.
    RequestTimeout,
}

impl Fault {
    /// Parses a mode of `--help` with its parameters.
    pub fn parse(mode: &str, params: &FaultParams<'_>) -> Result<Option<Fault>, String> {
        let FaultParams {
            delay_ms,
            status,
            code,
            body,
            length,
        } = *params;
        let idle = |kind| Ok(Some(Fault::Idle(kind, delay_ms.unwrap_or(50))));
        Ok(Some(match mode {
            "none" => return Ok(None),
            "drop" => Fault::Drop,
            "reset" => Fault::ResetDuringReply,
            "reset-before" => Fault::ResetBeforeReply,
            "delay" => Fault::Delay(delay_ms.ok_or("delay needs delay_ms")?),
            "http5xx" => {
                let s = status.unwrap_or(500);
                if !(500..=599).contains(&s) {
                    return Err(format!("status {s} is not a 5xx"));
                }
                Fault::ServerError(s)
            }
            "garbage" => Fault::Garbage,
            "no-response" => Fault::NoResponse,
            "no-request-id" => Fault::NoRequestId,
            "error" => Fault::ErrorCode(code.ok_or("error needs code")?.to_owned()),
            "idle-close" => return idle(IdleFault::Close),
            "idle-reset" => return idle(IdleFault::Reset),
            "stray-reply" => return idle(IdleFault::StrayReply),
            "idle-408" => return idle(IdleFault::RequestTimeout),
            "big-body" => Fault::Flood(Some(length.unwrap_or(200 << 20))),
            "endless-body" => Fault::Flood(None),
            "echo-headers" => Fault::EchoHeaders(status.unwrap_or(502)),
            "body" => Fault::Body(
                status.unwrap_or(200),
                body.ok_or("body needs body")?.to_owned(),
            ),
            other => return Err(format!("unknown fault mode {other:?}")),
        }))
    }
}

/// The parameters a fault mode may take (`--fault` and `/_emulator/fault`).
#[derive(Clone, Copy, Default)]
pub struct FaultParams<'a> {
    pub delay_ms: Option<u64>,
    pub status: Option<u16>,
    pub code: Option<&'a str>,
    pub body: Option<&'a str>,
    pub length: Option<u64>,
}

struct FaultPlan {
    fault: Option<Fault>,
    /// How many more requests get the fault; `None` is every request.
    remaining: Option<u64>,
    /// Wait this long before acting out the fault (e.g. drop after 2 s).
    delay_before: u64,
}

/// What the connection handler must do with an API request.
pub enum Outcome {
    /// Answer with this status, content type and body.
    Reply(u16, &'static str, Vec<u8>),
    /// Close without answering.
    Drop,
    /// Write these bytes, then reset.
    Reset(Vec<u8>),
    /// Answer, then act out this fault if the connection stays idle for
    /// this many milliseconds.
    ReplyThenIdle(u16, &'static str, Vec<u8>, IdleFault, u64),
    /// Send a 200 head, then filler bytes until the client goes away.
    Flood(Option<u64>),
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// One request as the emulator saw it, for tests that compare clients.
/// Authorization and X-TC-Token are not kept.
struct Seen {
    headers: Vec<(String, String)>,
    body: String,
    code: String,
}

#[derive(Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub accepted: AtomicU64,
    pub rejected: AtomicU64,
    pub faults: AtomicU64,
    /// API requests that came through a proxy (absolute-form request line).
    pub proxied: AtomicU64,
    /// Role credentials handed out by the metadata service.
    pub metadata_fetches: AtomicU64,
    /// TCP connections accepted (a client that keeps connections alive opens few).
    pub connections: AtomicU64,
}

pub struct Settings {
    pub keys: HashMap<String, Key>,
    pub role: Option<Role>,
    pub tokens: Vec<(String, String, TokenState)>,
    /// Requests per second per SecretId; 0 disables the limit.
    pub rate: f64,
    pub max_skew: i64,
    pub verify: bool,
    pub log: bool,
}

pub struct Emulator {
    keys: RwLock<HashMap<String, Key>>,
    role: Option<Role>,
    registries: Mutex<BTreeMap<String, BTreeMap<String, TokenState>>>,
    rate: f64,
    max_skew: i64,
    verify: bool,
    log: bool,
    buckets: Mutex<HashMap<String, Bucket>>,
    faults: Mutex<FaultPlan>,
    seen: Mutex<VecDeque<Seen>>,
    by_code: Mutex<BTreeMap<String, u64>>,
    pub stats: Stats,
    ids: AtomicU64,
}

const SEEN_KEPT: usize = 64;

struct Reject {
    code: &'static str,
    message: String,
}

fn reject(code: &'static str, message: impl Into<String>) -> Reject {
    Reject {
        code,
        message: message.into(),
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Emulator {
    pub fn new(settings: Settings) -> Emulator {
        let mut registries: BTreeMap<String, BTreeMap<String, TokenState>> = BTreeMap::new();
        for (registry, token, state) in settings.tokens {
            registries.entry(registry).or_default().insert(token, state);
        }
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Emulator {
            keys: RwLock::new(settings.keys),
            role: settings.role,
            registries: Mutex::new(registries),
            rate: settings.rate,
            max_skew: settings.max_skew,
            verify: settings.verify,
            log: settings.log,
            buckets: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultPlan {
                fault: None,
                remaining: None,
                delay_before: 0,
            }),
            seen: Mutex::new(VecDeque::with_capacity(SEEN_KEPT)),
            by_code: Mutex::new(BTreeMap::new()),
            stats: Stats::default(),
            ids: AtomicU64::new(seed | 1),
        }
    }

    /// Applies `fault` to the next `count` API requests (all if `None`),
    /// each after waiting `delay_before` milliseconds.
    pub fn set_fault(&self, fault: Option<Fault>, count: Option<u64>, delay_before: u64) {
        let mut plan = self.faults.lock().unwrap();
        plan.fault = fault;
        plan.remaining = count;
        plan.delay_before = delay_before;
    }

    fn take_fault(&self) -> Option<(Fault, u64)> {
        let mut plan = self.faults.lock().unwrap();
        let fault = (plan.fault.clone()?, plan.delay_before);
        match plan.remaining {
            Some(0) => {
                plan.fault = None;
                return None;
            }
            Some(n) => {
                plan.remaining = Some(n - 1);
                if n == 1 {
                    plan.fault = None;
                }
            }
            None => {}
        }
        Some(fault)
    }

    /// A fresh RequestId shaped like the service's (a UUID), from a
    /// xorshift sequence: unique within a run, not secret.
    fn request_id(&self) -> String {
        let next = || {
            let mut x = self.ids.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let (a, b) = (next(), next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// Handles a request to `/`: faults, verification, the action.
    pub fn handle_api(&self, req: &crate::http::Request) -> Outcome {
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        if req.proxied {
            self.stats.proxied.fetch_add(1, Ordering::Relaxed);
        }
        if let Some((fault, delay_before)) = self.take_fault() {
            self.stats.faults.fetch_add(1, Ordering::Relaxed);
            self.remember(req, format!("FAULT {fault:?}"));
            if delay_before > 0 {
                std::thread::sleep(std::time::Duration::from_millis(delay_before));
            }
            match fault {
                Fault::Drop => return Outcome::Drop,
                Fault::ResetBeforeReply => return Outcome::Reset(Vec::new()),
                Fault::ResetDuringReply => {
                    return Outcome::Reset(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"Response\": {\"Req".to_vec(),
                    )
                }
                Fault::Delay(ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
                Fault::ServerError(status) => {
                    return Outcome::Reply(
                        status,
                        "text/html",
                        format!("<html><body><h1>{status}</h1>emulated server error</body></html>").into_bytes(),
                    )
                }
                Fault::Garbage => return Outcome::Reply(200, "application/json", b"<html>not json at all".to_vec()),
                Fault::NoResponse => return Outcome::Reply(200, "application/json", br#"{"Result": {}}"#.to_vec()),
                Fault::NoRequestId => return Outcome::Reply(200, "application/json", br#"{"Response": {}}"#.to_vec()),
                Fault::ErrorCode(code) => {
                    return Outcome::Reply(200, "application/json", self.error_body(&code, "injected by the emulator"))
                }
                Fault::Idle(kind, after_ms) => {
                    return match self.handle_api_normally(req) {
                        Outcome::Reply(status, content_type, body) => {
                            Outcome::ReplyThenIdle(status, content_type, body, kind, after_ms)
                        }
                        other => other,
                    }
                }
                Fault::Flood(length) => return Outcome::Flood(length),
                Fault::EchoHeaders(status) => return self.echo_headers(req, status),
                Fault::Body(status, body) => return Outcome::Reply(status, "application/json", body.into_bytes()),
            }
        }
        self.handle_api_normally(req)
    }

    /// An error page (or, with 200, a JSON error) quoting every header of
    /// `req` as received, the credentials first, as an authenticating
    /// gateway's error page shows them (and so within the start of the body
    /// that a client quotes).
    fn echo_headers(&self, req: &crate::http::Request, status: u16) -> Outcome {
        let secret = |name: &str| name == "authorization" || name == "x-tc-token";
        let (first, rest): (Vec<_>, Vec<_>) = req.headers.iter().partition(|(n, _)| secret(n));
        let mut echoed = String::new();
        for (name, value) in first.into_iter().chain(rest) {
            echoed.push_str(&format!("{name}: {value}\n"));
        }
        if status == 200 {
            let message = format!("request rejected by the gateway; headers were:\n{echoed}");
            return Outcome::Reply(
                200,
                "application/json",
                self.error_body("InvalidParameter", &message),
            );
        }
        let page = format!("<html><h1>{status}</h1><pre>\n{echoed}</pre></html>");
        Outcome::Reply(status, "text/html", page.into_bytes())
    }

    fn handle_api_normally(&self, req: &crate::http::Request) -> Outcome {
        let result = self.process(req);
        let (code, body) = match result {
            Ok(body) => {
                self.stats.accepted.fetch_add(1, Ordering::Relaxed);
                ("OK".to_owned(), body)
            }
            Err(r) => {
                self.stats.rejected.fetch_add(1, Ordering::Relaxed);
                (r.code.to_owned(), self.error_body(r.code, &r.message))
            }
        };
        if self.log {
            eprintln!(
                "tcr-emulator: {} {} -> {}",
                req.header("x-tc-action").unwrap_or("-"),
                req.header("x-tc-region").unwrap_or("-"),
                code
            );
        }
        *self
            .by_code
            .lock()
            .unwrap()
            .entry(code.clone())
            .or_default() += 1;
        self.remember(req, code);
        Outcome::Reply(200, "application/json", body)
    }

    fn remember(&self, req: &crate::http::Request, code: String) {
        let headers = req
            .headers
            .iter()
            .filter(|(n, _)| n != "authorization" && n != "x-tc-token")
            .cloned()
            .collect();
        let mut seen = self.seen.lock().unwrap();
        if seen.len() == SEEN_KEPT {
            seen.pop_front();
        }
        seen.push_back(Seen {
            headers,
            body: String::from_utf8_lossy(&req.body).into_owned(),
            code,
        });
    }

    fn error_body(&self, code: &str, message: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": self.request_id()}}))
            .expect("JSON values serialise")
    }

    fn process(&self, req: &crate::http::Request) -> Result<Vec<u8>, Reject> {
        if req.method != "POST" {
            return Err(reject(
                "InvalidParameter",
                format!("method {} is not supported; use POST", req.method),
            ));
        }
        let content_type = req.header("content-type").unwrap_or("");
        if !content_type
            .to_ascii_lowercase()
            .starts_with("application/json")
        {
            return Err(reject(
                "InvalidParameter",
                "Content-Type must be application/json",
            ));
        }
        let secret_id = if self.verify {
            self.verify_signature(req)?
        } else {
            String::from("-")
        };
        self.check_rate(&secret_id)?;
        let action = req
            .header("x-tc-action")
            .ok_or_else(|| reject("MissingParameter", "missing X-TC-Action"))?;
        let version = req
            .header("x-tc-version")
            .ok_or_else(|| reject("MissingParameter", "missing X-TC-Version"))?;
        if version != VERSION {
            return Err(reject(
                "NoSuchVersion",
                format!("version {version:?} does not exist for tcr"),
            ));
        }
        match req.header("x-tc-region") {
            None => return Err(reject("MissingParameter", "missing X-TC-Region")),
            Some("") => return Err(reject("InvalidParameterValue", "X-TC-Region is empty")),
            Some(_) => {}
        }
        let params: Map<String, Value> = match serde_json::from_slice(&req.body) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(reject(
                    "InvalidParameter",
                    "the request body is not a JSON object",
                ))
            }
        };
        match action {
            "ModifyInstanceToken" => self.modify_instance_token(&params),
            "DescribeInstanceToken" => self.describe_instance_token(&params),
            other => Err(reject(
                "InvalidAction",
                format!("action {other:?} does not exist"),
            )),
        }
    }

    /// Verifies the TC3 signature the way the service does; returns the SecretId.
    fn verify_signature(&self, req: &crate::http::Request) -> Result<String, Reject> {
        let auth = req.header("authorization").ok_or_else(|| {
            reject(
                "AuthFailure.SignatureFailure",
                "missing Authorization header",
            )
        })?;
        let fields = auth.strip_prefix("TC3-HMAC-SHA256 ").ok_or_else(|| {
            reject(
                "AuthFailure.InvalidAuthorization",
                "Authorization is not TC3-HMAC-SHA256",
            )
        })?;
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in fields.split(',') {
            match part.trim().split_once('=') {
                Some(("Credential", v)) => credential = Some(v),
                Some(("SignedHeaders", v)) => signed_headers = Some(v),
                Some(("Signature", v)) => signature = Some(v),
                _ => {}
            }
        }
        let (Some(credential), Some(signed_headers), Some(signature)) =
            (credential, signed_headers, signature)
        else {
            return Err(reject(
                "AuthFailure.InvalidAuthorization",
                "Authorization lacks Credential, SignedHeaders or Signature",
            ));
        };
        let scope: Vec<&str> = credential.split('/').collect();
        let [secret_id, date, service, terminator] = scope[..] else {
            return Err(reject(
                "AuthFailure.InvalidAuthorization",
                "Credential is not SecretId/Date/Service/tc3_request",
            ));
        };
        let timestamp: i64 = req
            .header("x-tc-timestamp")
            .ok_or_else(|| reject("MissingParameter", "missing X-TC-Timestamp"))?
            .parse()
            .map_err(|_| reject("InvalidParameter", "X-TC-Timestamp is not an integer"))?;
        if (now() - timestamp).abs() > self.max_skew {
            return Err(reject(
                "AuthFailure.SignatureExpire",
                format!(
                    "the signature timestamp is more than {} seconds from the server time",
                    self.max_skew
                ),
            ));
        }
        let keys = self.keys.read().unwrap();
        let key = keys
            .get(secret_id)
            .ok_or_else(|| reject("AuthFailure.SecretIdNotFound", "the SecretId is not found"))?;
        if key.expires_at.is_some_and(|t| now() > t) {
            return Err(reject(
                "AuthFailure.TokenFailure",
                "the temporary credentials have expired",
            ));
        }
        if date != sign::utc_date(timestamp) || service != SERVICE || terminator != "tc3_request" {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "the credential scope does not match the timestamp's UTC date, the service tcr and tc3_request",
            ));
        }
        let names: Vec<&str> = signed_headers.split(';').collect();
        if !names.contains(&"content-type") || !names.contains(&"host") {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "SignedHeaders must include content-type and host",
            ));
        }
        let mut canonical = format!(
            "{}\n{}\n{}\n",
            req.method,
            req.path(),
            req.target.split_once('?').map_or("", |q| q.1)
        );
        for name in &names {
            let value = req.header(name).ok_or_else(|| {
                reject(
                    "AuthFailure.SignatureFailure",
                    format!("signed header {name} is not in the request"),
                )
            })?;
            canonical.push_str(name);
            canonical.push(':');
            canonical.push_str(&value.trim().to_ascii_lowercase());
            canonical.push('\n');
        }
        canonical.push('\n');
        canonical.push_str(signed_headers);
        canonical.push('\n');
        canonical.push_str(&sign::sha256_hex(&req.body));
        let expected = sign::signature_of_canonical(
            &canonical,
            timestamp,
            date,
            SERVICE,
            &SigningKey::derive(key.secret_key.as_bytes(), date, SERVICE),
        );
        if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "the request signature does not match",
            ));
        }
        match (&key.session_token, req.header("x-tc-token")) {
            (Some(want), Some(got)) if want == got => {}
            (None, None) => {}
            (Some(_), _) => {
                return Err(reject(
                    "AuthFailure.TokenFailure",
                    "the session token is missing or wrong for these temporary credentials",
                ))
            }
            (None, Some(_)) => {
                return Err(reject(
                    "AuthFailure.TokenFailure",
                    "a session token was sent with permanent credentials",
                ))
            }
        }
        Ok(secret_id.to_owned())
    }

    fn check_rate(&self, secret_id: &str) -> Result<(), Reject> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap();
        let now = Instant::now();
        let bucket = buckets.entry(secret_id.to_owned()).or_insert(Bucket {
            tokens: self.rate,
            last: now,
        });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.last).as_secs_f64() * self.rate)
            .min(self.rate);
        bucket.last = now;
        if bucket.tokens < 1.0 {
            return Err(reject(
                "RequestLimitExceeded",
                format!(
                    "more than {} requests per second for this SecretId",
                    self.rate
                ),
            ));
        }
        bucket.tokens -= 1.0;
        Ok(())
    }

    fn modify_instance_token(&self, params: &Map<String, Value>) -> Result<Vec<u8>, Reject> {
        check_known(
            params,
            &["RegistryId", "TokenId", "Enable", "Desc", "ModifyFlag"],
        )?;
        let registry_id = required_string(params, "RegistryId")?;
        let token_id = required_string(params, "TokenId")?;
        let enable = match params.get("Enable") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err(reject("InvalidParameter", "Enable must be a Boolean")),
        };
        let desc = optional_string(params, "Desc")?;
        let flag = match params.get("ModifyFlag") {
            None => 2,
            Some(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
            Some(_) => return Err(reject("InvalidParameter", "ModifyFlag must be an Integer")),
        };
        let mut registries = self.registries.lock().unwrap();
        let tokens = registries.get_mut(registry_id).ok_or_else(|| {
            reject(
                "ResourceNotFound",
                format!("instance {registry_id} does not exist"),
            )
        })?;
        let token = tokens.get_mut(token_id).ok_or_else(|| {
            reject(
                "ResourceNotFound",
                format!("token {token_id} does not exist in {registry_id}"),
            )
        })?;
        match flag {
            1 => {
                token.desc = desc
                    .ok_or_else(|| {
                        reject("MissingParameter", "Desc is required when ModifyFlag is 1")
                    })?
                    .to_owned()
            }
            2 => {
                token.enabled = enable.ok_or_else(|| {
                    reject(
                        "MissingParameter",
                        "Enable is required when ModifyFlag is 2",
                    )
                })?
            }
            other => {
                return Err(reject(
                    "InvalidParameterValue",
                    format!("ModifyFlag must be 1 or 2, got {other}"),
                ))
            }
        }
        Ok(self.success(Map::new()))
    }

    fn describe_instance_token(&self, params: &Map<String, Value>) -> Result<Vec<u8>, Reject> {
        check_known(params, &["RegistryId", "Limit", "Offset", "TokenType"])?;
        let registry_id = required_string(params, "RegistryId")?;
        let number = |name: &str, default: u64| match params.get(name) {
            None => Ok(default),
            Some(Value::Number(n)) if n.is_u64() => Ok(n.as_u64().unwrap_or(default)),
            Some(_) => Err(reject(
                "InvalidParameter",
                format!("{name} must be a non-negative Integer"),
            )),
        };
        let (limit, offset) = (number("Limit", 20)?, number("Offset", 0)?);
        let registries = self.registries.lock().unwrap();
        let tokens = registries.get(registry_id).ok_or_else(|| {
            reject(
                "ResourceNotFound",
                format!("instance {registry_id} does not exist"),
            )
        })?;
        let list: Vec<Value> = tokens
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|(id, t)| {
                json!({"Id": id, "Desc": t.desc, "RegistryId": registry_id, "Enabled": t.enabled,
                       "CreatedAt": t.created_at.to_string(), "ExpiredAt": 0})
            })
            .collect();
        let mut fields = Map::new();
        fields.insert("TotalCount".into(), json!(tokens.len()));
        fields.insert("Tokens".into(), Value::Array(list));
        Ok(self.success(fields))
    }

    fn success(&self, mut fields: Map<String, Value>) -> Vec<u8> {
        fields.insert("RequestId".into(), Value::String(self.request_id()));
        serde_json::to_vec(&json!({ "Response": fields })).expect("JSON values serialise")
    }

    /// `GET /latest/meta-data/cam/security-credentials/[ROLE]`, as the CVM
    /// metadata service answers: the role's name, or fresh temporary
    /// credentials for it (a new key pair each time, valid for the role's TTL).
    pub fn metadata(&self, role_path: &str) -> Option<(u16, Vec<u8>)> {
        let role = self.role.as_ref()?;
        if role_path.is_empty() {
            return Some((200, role.name.clone().into_bytes()));
        }
        if role_path != role.name {
            return Some((404, b"no such role".to_vec()));
        }
        let n = self.stats.metadata_fetches.fetch_add(1, Ordering::Relaxed) + 1;
        let secret_id = format!("AKIDROLE{n:06}{}", &self.request_id()[..8]);
        let secret_key = self.request_id().replace('-', "");
        let token = format!("role-token-{}", self.request_id());
        let expires_at = now() + role.ttl;
        self.keys.write().unwrap().insert(
            secret_id.clone(),
            Key {
                secret_key: secret_key.clone(),
                session_token: Some(token.clone()),
                expires_at: Some(expires_at),
            },
        );
        let body = json!({
            "TmpSecretId": secret_id, "TmpSecretKey": secret_key, "Token": token,
            "ExpiredTime": expires_at, "Expiration": "", "Code": "Success",
        });
        Some((
            200,
            serde_json::to_vec(&body).expect("JSON values serialise"),
        ))
    }

    /// `GET /_emulator/state`: every token's state.
    pub fn state_json(&self) -> Vec<u8> {
        let registries = self.registries.lock().unwrap();
        let mut out = Map::new();
        for (registry, tokens) in registries.iter() {
            let mut t = Map::new();
            for (id, s) in tokens {
                t.insert(id.clone(), json!({"enabled": s.enabled, "desc": s.desc}));
            }
            out.insert(registry.clone(), Value::Object(t));
        }
        serde_json::to_vec(&json!({ "registries": out })).expect("JSON values serialise")
    }

    /// `GET /_emulator/stats`: request counters and answers by code.
    pub fn stats_json(&self) -> Vec<u8> {
        let s = &self.stats;
        serde_json::to_vec(&json!({
            "requests": s.requests.load(Ordering::Relaxed),
            "accepted": s.accepted.load(Ordering::Relaxed),
            "rejected": s.rejected.load(Ordering::Relaxed),
            "faults": s.faults.load(Ordering::Relaxed),
            "proxied": s.proxied.load(Ordering::Relaxed),
            "metadata_fetches": s.metadata_fetches.load(Ordering::Relaxed),
            "connections": s.connections.load(Ordering::Relaxed),
            "by_code": *self.by_code.lock().unwrap(),
        }))
        .expect("JSON values serialise")
    }

    /// `GET /_emulator/requests`: the last requests seen, oldest first,
    /// without Authorization and X-TC-Token.
    pub fn requests_json(&self) -> Vec<u8> {
        let seen = self.seen.lock().unwrap();
        let list: Vec<Value> = seen
            .iter()
            .map(|s| {
                let headers: Map<String, Value> = s
                    .headers
                    .iter()
                    .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                    .collect();
                json!({"headers": headers, "body": s.body, "code": s.code})
            })
            .collect();
        serde_json::to_vec(&json!({ "requests": list })).expect("JSON values serialise")
    }

    /// `POST /_emulator/reset`: zero the counters, forget requests, clear faults.
    pub fn reset(&self) {
        let s = &self.stats;
        for c in [
            &s.requests,
            &s.accepted,
            &s.rejected,
            &s.faults,
            &s.proxied,
            &s.metadata_fetches,
        ] {
            c.store(0, Ordering::Relaxed);
        }
        self.by_code.lock().unwrap().clear();
        self.seen.lock().unwrap().clear();
        self.buckets.lock().unwrap().clear();
        self.set_fault(None, None, 0);
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn check_known(params: &Map<String, Value>, known: &[&str]) -> Result<(), Reject> {
    match params.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(reject(
            "UnknownParameter",
            format!("the parameter {k} is not recognized"),
        )),
        None => Ok(()),
    }
}

fn optional_string<'a>(
    params: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Reject> {
    match params.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(reject(
            "InvalidParameter",
            format!("{name} must be a String"),
        )),
    }
}

fn required_string<'a>(params: &'a Map<String, Value>, name: &str) -> Result<&'a str, Reject> {
    match optional_string(params, name)? {
        None => Err(reject(
            "MissingParameter",
            format!("the parameter {name} is missing"),
        )),
        Some("") => Err(reject(
            "InvalidParameterValue",
            format!("{name} must not be empty"),
        )),
        Some(s) => Ok(s),
    }
}
