//! STS (API 2018-08-13): temporary keys for a role, `AssumeRole` signed
//! with base credentials (TC3, service `sts`) and `AssumeRoleWithWebIdentity`
//! with an OIDC token (sent unsigned, `Authorization: SKIP`, as the official
//! SDKs send it). The same transport, body cap, strict parsing, redaction
//! and wiping as a TCR call.

use super::refresh::{Budget, Fetch, Temporary, TemporaryKeys};
use super::{Credential, Provider, Secret};
use crate::api;
use crate::config::{Endpoint, Scheme};
use crate::error::Error;
use crate::peer_text::{self, Secrets};
use crate::sign::{self, SignInput};
use crate::transport::{self, CancelPoint, Failure, Http};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// The STS API version.
pub const VERSION: &str = "2018-08-13";
/// The STS service name in the TC3 credential scope.
pub const SERVICE: &str = "sts";
/// STS's endpoint when none is set.
pub const DEFAULT_ENDPOINT: &str = "sts.tencentcloudapi.com";
/// The role's keys last this long unless set (seconds).
pub const DEFAULT_DURATION_SECS: u32 = 7200;
/// The longest lifetime STS grants (seconds).
pub const MAX_DURATION_SECS: u32 = 43_200;

/// One STS endpoint, with its own lanes of the client's transport settings.
pub struct Sts {
    http: Http,
    endpoint: Endpoint,
    url: reqwest::Url,
}

impl Sts {
    /// STS at `endpoint` (the syntax of the TCR endpoint: plain HTTP only
    /// when written), through a transport built like the client's.
    pub(crate) fn new(endpoint: &str, settings: &transport::Settings) -> Result<Sts, Error> {
        let endpoint = Endpoint::parse(endpoint).map_err(|e| match e {
            Error::InvalidArgument { reason, .. } => Error::invalid("sts_endpoint", reason),
            other => other,
        })?;
        let url = reqwest::Url::parse(&endpoint.url)
            .map_err(|e| Error::invalid("sts_endpoint", e.to_string()))?;
        let http = Http::new(transport::Settings {
            https_only: endpoint.scheme == Scheme::Https,
            ..settings.clone()
        })
        .map_err(|e| Error::Internal(format!("could not build the STS transport: {e}")))?;
        Ok(Sts {
            http,
            endpoint,
            url,
        })
    }

    /// One STS call of `action` with `body`, signed with `signer` (or
    /// `Authorization: SKIP`), its reply's temporary keys. `hidden` is one
    /// more secret to keep out of messages (the web identity token).
    fn call(
        &self,
        action: &'static str,
        region: &str,
        body: Vec<u8>,
        signer: Option<&Credential>,
        hidden: Option<&Secret>,
        budget: Budget<'_>,
    ) -> Result<Temporary, Error> {
        let remaining = budget.deadline.saturating_duration_since(Instant::now());
        if remaining < Duration::from_millis(1) {
            return Err(Error::Timeout(format!(
                "no time left for STS {action} at {}",
                self.endpoint.url
            )));
        }
        let timestamp = super::refresh::now();
        let mut headers = HeaderMap::with_capacity(9);
        let mut put = |name: &'static str, value: &str| -> Result<(), Error> {
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::invalid("sts", format!("{name} cannot be sent as a header")))?;
            headers.append(HeaderName::from_static(name), value);
            Ok(())
        };
        put("content-type", crate::api::CONTENT_TYPE)?;
        put("host", &self.endpoint.host)?;
        put("x-tc-action", action)?;
        put("x-tc-timestamp", &timestamp.to_string())?;
        put("x-tc-version", VERSION)?;
        put("x-tc-region", region)?;
        put("x-tc-requestclient", crate::api::REQUEST_CLIENT)?;
        let signature = match signer {
            Some(base) => {
                let input = SignInput {
                    method: "POST",
                    host: &self.endpoint.host,
                    content_type: crate::api::CONTENT_TYPE,
                    payload: &body,
                    timestamp,
                    service: SERVICE,
                };
                let date = sign::UtcDate::of(timestamp);
                let key = base.signing_key(date.as_str(), SERVICE);
                let signature = sign::sign(&input, date.as_str(), &key);
                let authorization = Zeroizing::new(sign::authorization_header(
                    base.secret_id(),
                    date.as_str(),
                    SERVICE,
                    signature.as_str(),
                ));
                put("authorization", &authorization)?;
                if let Some(token) = base.session_token() {
                    put("x-tc-token", token.expose_str())?;
                }
                Zeroizing::new(signature.as_str().to_owned())
            }
            None => {
                put("authorization", "SKIP")?;
                Zeroizing::new(String::new())
            }
        };
        let secrets = match (signer, hidden) {
            (Some(base), _) => Secrets::new(
                base.secret_key().expose_str(),
                base.session_token().map(Secret::expose_str),
                &signature,
            ),
            (None, Some(token)) => Secrets::new(token.expose_str(), None, ""),
            (None, None) => Secrets::new("", None, ""),
        };
        let reply = self.http.post(
            &self.url,
            headers,
            body,
            remaining,
            budget.cancel,
            true,
            |status, _, reply| parse_reply(status, reply, &secrets),
        );
        let at = &self.endpoint.url;
        match reply {
            Ok(parsed) => parsed,
            Err(Failure::Send(e)) if e.is_timeout() => Err(Error::Timeout(format!(
                "STS {action} at {at}: no reply in time"
            ))),
            Err(Failure::Send(e)) | Err(Failure::Body(e)) => Err(Error::Network(format!(
                "STS {action} at {at}: {}",
                crate::error::chain(&e)
            ))),
            Err(Failure::BodyTooLarge(status)) => Err(Error::Protocol {
                http_status: status,
                message: format!(
                    "STS {action} at {at}: the reply body is larger than {} bytes",
                    transport::MAX_REPLY_BODY
                ),
            }),
            Err(Failure::InsideRuntime) => Err(Error::Internal(
                "a blocking call was made on a thread that runs an async runtime".into(),
            )),
            Err(Failure::Build(e)) => Err(Error::Internal(format!(
                "could not build the STS transport: {e}"
            ))),
            Err(Failure::Cancelled(point)) => Err(Error::Cancelled(match point {
                CancelPoint::BeforeSending | CancelPoint::BeforeWriting => format!(
                    "cancelled while getting temporary keys from STS {action}; nothing was sent to TCR"
                ),
                CancelPoint::Exchanging => format!(
                    "cancelled during STS {action}; nothing was sent to TCR"
                ),
            })),
        }
    }
}

#[derive(Deserialize)]
struct Granted {
    #[serde(rename = "Credentials")]
    credentials: TemporaryKeys,
    #[serde(rename = "ExpiredTime")]
    expired_time: i64,
}

/// An STS reply as strictly as a TCR one ([`api::parse_envelope`]: HTTP 200,
/// `Response` an object with `RequestId`, or `Error` as [`Error::Api`]),
/// then `Credentials.{TmpSecretId, TmpSecretKey, Token}` (strings) and
/// `ExpiredTime` (an integer).
fn parse_reply(status: u16, body: &[u8], secrets: &Secrets<'_>) -> Result<Temporary, Error> {
    let envelope = api::parse_envelope(status, body, secrets)?;
    let granted: Granted = serde_json::from_str(envelope.response.get()).map_err(|_| Error::Protocol {
        http_status: status,
        message: format!(
            "the STS reply's Response lacks Credentials.TmpSecretId/TmpSecretKey/Token (strings) or ExpiredTime (an integer) (RequestId {})",
            peer_text::quote(&envelope.request_id, secrets)
        ),
    })?;
    let credential = granted
        .credentials
        .credential()
        .map_err(|e| Error::Protocol {
            http_status: status,
            message: format!("STS returned unusable keys: {e}"),
        })?;
    Ok(Temporary {
        credential,
        expires_at: granted.expired_time,
    })
}

/// The role to take: its ARN, the session's name, the keys' lifetime.
#[derive(Clone, Debug)]
pub struct Role {
    /// `RoleArn`, e.g. `qcs::cam::uin/100000000001:roleName/ci`.
    pub arn: String,
    /// `RoleSessionName`.
    pub session_name: String,
    /// `DurationSeconds`, 1 to 43,200.
    pub duration: u32,
}

impl Role {
    /// Checks the role's values (the message names the option or variable
    /// in `origin`); the session name defaults to `tcr-` and the time.
    pub fn new(
        origin: &str,
        arn: &str,
        session_name: Option<&str>,
        duration: Option<u32>,
    ) -> Result<Role, Error> {
        let bad = |what: String| Error::Credentials(format!("{origin}: {what}"));
        if arn.is_empty() || arn.len() > 1024 || arn.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad(
                "the role ARN is empty, longer than 1024 bytes or has spaces or control characters"
                    .into(),
            ));
        }
        let session_name = match session_name.filter(|s| !s.is_empty()) {
            Some(name) => {
                let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
                if name.len() > 64 || !name.chars().all(allowed) {
                    return Err(bad(
                        "the role session name must be at most 64 characters of letters, digits and +=,.@_-".into(),
                    ));
                }
                name.to_owned()
            }
            None => format!("tcr-{}", super::refresh::now()),
        };
        let duration = duration.unwrap_or(DEFAULT_DURATION_SECS);
        if !(1..=MAX_DURATION_SECS).contains(&duration) {
            return Err(bad(format!(
                "the role duration is {duration} s; it must be 1 to {MAX_DURATION_SECS} s"
            )));
        }
        Ok(Role {
            arn: arn.to_owned(),
            session_name,
            duration,
        })
    }

    fn fields(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\"RoleArn\": ");
        api::write_json_string(out, &self.arn);
        out.extend_from_slice(b", \"RoleSessionName\": ");
        api::write_json_string(out, &self.session_name);
        out.extend_from_slice(format!(", \"DurationSeconds\": {}", self.duration).as_bytes());
    }
}

/// `AssumeRole` over a base provider's keys.
pub struct AssumeRole {
    pub(crate) sts: Arc<Sts>,
    pub(crate) region: String,
    pub(crate) role: Role,
    pub(crate) base: Provider,
}

impl Fetch for AssumeRole {
    fn fetch(&self, budget: Budget<'_>) -> Result<Temporary, Error> {
        let base = self.base.current(budget)?;
        let mut body = Vec::with_capacity(160);
        body.push(b'{');
        self.role.fields(&mut body);
        body.push(b'}');
        self.sts
            .call("AssumeRole", &self.region, body, Some(&base), None, budget)
            .map_err(|e| context(e, &self.describe()))
    }

    fn describe(&self) -> String {
        format!(
            "STS AssumeRole {} (session {}) over {}",
            self.role.arn,
            self.role.session_name,
            self.base.source()
        )
    }
}

/// `AssumeRoleWithWebIdentity` with the OIDC token in a file that is read
/// again at each refresh (Kubernetes rotates projected tokens).
pub struct WebIdentity {
    pub(crate) sts: Arc<Sts>,
    pub(crate) region: String,
    pub(crate) provider_id: String,
    pub(crate) token_file: String,
    pub(crate) role: Role,
    /// Where the settings came from: `TKE_* environment` or `options`.
    pub(crate) origin: &'static str,
}

/// The longest web identity token read (a projected service-account token
/// is about 1 KiB).
pub const MAX_WEB_IDENTITY_TOKEN_LEN: u64 = 16 * 1024;

impl WebIdentity {
    /// The token file's contents, trimmed; an error names the file, never its content.
    pub(crate) fn read_token(path: &str) -> Result<Secret, Error> {
        use std::io::Read;
        let file = std::fs::File::open(path).map_err(|e| {
            Error::Credentials(format!(
                "the web identity token file {path} cannot be read: {e}"
            ))
        })?;
        let mut text = Zeroizing::new(String::new());
        file.take(MAX_WEB_IDENTITY_TOKEN_LEN + 1)
            .read_to_string(&mut text)
            .map_err(|e| {
                Error::Credentials(format!(
                    "the web identity token file {path} cannot be read: {e}"
                ))
            })?;
        if text.len() as u64 > MAX_WEB_IDENTITY_TOKEN_LEN {
            return Err(Error::Credentials(format!(
                "the web identity token file {path} is larger than {MAX_WEB_IDENTITY_TOKEN_LEN} bytes"
            )));
        }
        let token = text.trim();
        if token.is_empty() {
            return Err(Error::Credentials(format!(
                "the web identity token file {path} is empty"
            )));
        }
        Ok(Secret::new(token))
    }
}

impl Fetch for WebIdentity {
    fn fetch(&self, budget: Budget<'_>) -> Result<Temporary, Error> {
        let token =
            WebIdentity::read_token(&self.token_file).map_err(|e| context(e, &self.describe()))?;
        let mut body = Zeroizing::new(Vec::with_capacity(256 + token.expose().len()));
        body.extend_from_slice(b"{\"ProviderId\": ");
        api::write_json_string(&mut body, &self.provider_id);
        body.extend_from_slice(b", \"WebIdentityToken\": ");
        api::write_json_string(&mut body, token.expose_str());
        body.extend_from_slice(b", ");
        self.role.fields(&mut body);
        body.push(b'}');
        self.sts
            .call(
                "AssumeRoleWithWebIdentity",
                &self.region,
                std::mem::take(&mut *body),
                None,
                Some(&token),
                budget,
            )
            .map_err(|e| context(e, &self.describe()))
    }

    fn describe(&self) -> String {
        format!(
            "TKE OIDC ({}): STS AssumeRoleWithWebIdentity {} with provider {} and the token in {}",
            self.origin, self.role.arn, self.provider_id, self.token_file
        )
    }
}

/// An STS failure as a credentials error naming the source (a cancel and a
/// timeout stay what they are).
fn context(error: Error, source: &str) -> Error {
    match error {
        Error::Cancelled(_) | Error::Timeout(_) => error,
        Error::Api(api) => Error::Credentials(format!(
            "{source}: STS said [{}] {} (RequestId {})",
            api.code, api.message, api.request_id
        )),
        other => Error::Credentials(format!("{source}: {other}")),
    }
}
