//! What the emulator answers: the shared state and one API request from
//! faults to reply. Each concern has its own file: `faults` (misbehaviour
//! on demand), `verify` (TC3 as the service checks it), `rate` (the
//! per-SecretId limit), `actions` (ModifyInstanceToken and
//! DescribeInstanceToken over the token state), `metadata` (the CVM role's
//! credentials), `control` (the unsigned /_emulator/ endpoints).

mod actions;
mod control;
mod faults;
mod metadata;
mod rate;
mod sts;
mod verify;

pub use faults::{Fault, FaultParams, IdleFault};

use faults::FaultPlan;
use rate::Bucket;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

pub struct Key {
    pub secret_key: String,
    /// Set for temporary credentials: requests must carry it as X-TC-Token.
    pub session_token: Option<String>,
    /// Unix time after which temporary credentials are refused.
    pub expires_at: Option<i64>,
}

/// What STS AssumeRoleWithWebIdentity accepts: one provider, one role, and
/// the tokens (a rotated file holds a new one).
#[derive(Default)]
pub struct Oidc {
    pub provider_id: String,
    pub role_arn: String,
    pub tokens: Vec<String>,
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

/// What the connection handler must do with an API request.
pub enum Outcome {
    /// Answer with this status, content type and body.
    Reply(u16, &'static str, Vec<u8>),
    /// Answer with this `Date` header instead of the clock's ("": none).
    ReplyDated(u16, &'static str, Vec<u8>, String),
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
    /// Keys granted by STS AssumeRole.
    pub sts_assume_role: AtomicU64,
    /// Keys granted by STS AssumeRoleWithWebIdentity.
    pub sts_web_identity: AtomicU64,
    /// TCP connections accepted (a client that keeps connections alive opens few).
    pub connections: AtomicU64,
}

pub struct Settings {
    pub keys: HashMap<String, Key>,
    pub role: Option<Role>,
    pub sts_roles: Vec<String>,
    pub oidc: Option<Oidc>,
    pub sts_lifetime: Option<i64>,
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
    sts_roles: Vec<String>,
    oidc: Option<Oidc>,
    sts_lifetime: Option<i64>,
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

/// The emulated service's clock (see `crate::clock`).
fn now() -> i64 {
    crate::clock::now()
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
            sts_roles: settings.sts_roles,
            oidc: settings.oidc,
            sts_lifetime: settings.sts_lifetime,
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
                action: None,
            }),
            seen: Mutex::new(VecDeque::with_capacity(SEEN_KEPT)),
            by_code: Mutex::new(BTreeMap::new()),
            stats: Stats::default(),
            ids: AtomicU64::new(seed | 1),
        }
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
        if let Some((fault, delay_before)) = self.take_fault(req.header("x-tc-action")) {
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
                Fault::Body(status, body, None) => return Outcome::Reply(status, "application/json", body.into_bytes()),
                Fault::Body(status, body, Some(date)) => {
                    return Outcome::ReplyDated(status, "application/json", body.into_bytes(), date)
                }
            }
        }
        self.handle_api_normally(req)
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
        let action = req
            .header("x-tc-action")
            .ok_or_else(|| reject("MissingParameter", "missing X-TC-Action"))?;
        let version = req
            .header("x-tc-version")
            .ok_or_else(|| reject("MissingParameter", "missing X-TC-Version"))?;
        if version == tcr::credential::sts::VERSION {
            return self.sts(req, action);
        }
        let secret_id = if self.verify {
            self.verify_signature(req, tcr::api::SERVICE)?
        } else {
            String::from("-")
        };
        self.check_rate(&secret_id)?;
        if version != tcr::api::VERSION {
            return Err(reject(
                "NoSuchVersion",
                format!("version {version:?} does not exist for tcr"),
            ));
        }
        let params = region_and_params(req)?;
        match action {
            "ModifyInstanceToken" => self.modify_instance_token(&params),
            "DescribeInstanceToken" => self.describe_instance_token(&params),
            "CreateInstanceToken" => self.create_instance_token(&params),
            "DeleteInstanceToken" => self.delete_instance_token(&params),
            other => Err(reject(
                "InvalidAction",
                format!("action {other:?} does not exist"),
            )),
        }
    }

    /// Fresh temporary keys valid `lifetime` seconds, which the TCR side
    /// accepts with their session token until they expire (the CVM role's
    /// and STS's grants): (SecretId, SecretKey, Token, expiry).
    fn issue_temporary_keys(
        &self,
        id_prefix: &str,
        token_prefix: &str,
        n: u64,
        lifetime: i64,
    ) -> (String, String, String, i64) {
        let secret_id = format!("{id_prefix}{n:06}{}", &self.request_id()[..8]);
        let secret_key = self.request_id().replace('-', "");
        let token = format!("{token_prefix}-{}", self.request_id());
        let expires_at = now() + lifetime;
        self.keys.write().unwrap().insert(
            secret_id.clone(),
            Key {
                secret_key: secret_key.clone(),
                session_token: Some(token.clone()),
                expires_at: Some(expires_at),
            },
        );
        (secret_id, secret_key, token, expires_at)
    }

    fn success(&self, mut fields: Map<String, Value>) -> Vec<u8> {
        fields.insert("RequestId".into(), Value::String(self.request_id()));
        serde_json::to_vec(&json!({ "Response": fields })).expect("JSON values serialise")
    }
}

/// What every API request shares after its signature: a non-empty
/// X-TC-Region, and a JSON object body (the parameters).
fn region_and_params(req: &crate::http::Request) -> Result<Map<String, Value>, Reject> {
    match req.header("x-tc-region") {
        None => return Err(reject("MissingParameter", "missing X-TC-Region")),
        Some("") => return Err(reject("InvalidParameterValue", "X-TC-Region is empty")),
        Some(_) => {}
    }
    match serde_json::from_slice(&req.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(reject(
            "InvalidParameter",
            "the request body is not a JSON object",
        )),
    }
}
