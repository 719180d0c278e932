//! The client: one pooled HTTP client, the credentials and the settings;
//! builds the signed request, sends it (rate-limited, retried when safe),
//! and turns the reply into a result.

use crate::api::{self, ModifyInstanceToken, ModifyInstanceTokenResponse};
use crate::config::{self, Endpoint, Language, Scheme};
use crate::credential::{self, Credential, Env, Provider, Sources};
use crate::error::Error;
use crate::limiter::RateLimiter;
use crate::log::{self, LogSink, Logger};
use crate::peer_text::Secrets;
use crate::sign;
use crate::transport::{self, Failure, Http};
use reqwest::header::{HeaderName, HeaderValue};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The `Content-Type` of every request, as the official SDKs send it.
pub const CONTENT_TYPE: &str = "application/json";

/// `X-TC-RequestClient`: this library and its version, in the characters the
/// official SDKs allow there (letters, digits and `-_.,;`).
pub const REQUEST_CLIENT: &str = concat!("tcr_", env!("CARGO_PKG_VERSION"));

/// Headers whose values are secret: never printed, marked sensitive.
const SENSITIVE_HEADERS: [&str; 2] = ["Authorization", "X-TC-Token"];

/// A request ready to send: what goes on the wire, in order.
#[derive(Clone)]
pub struct SignedRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl SignedRequest {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    *n,
                    if SENSITIVE_HEADERS.contains(n) {
                        "<redacted>"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// Settings for [`Client::new`]. `None`/`false` means "not set" (the
/// default). Strings are borrowed; the client copies what it keeps.
#[derive(Clone, Default)]
pub struct ClientOptions<'a> {
    /// Where credentials come from (see [`crate::credential::resolve`]).
    pub credentials: Sources<'a>,
    /// Region, e.g. `ap-guangzhou`; else `TENCENTCLOUD_REGION`. Required.
    pub region: Option<&'a str>,
    /// `host`, `host:port` or an `http://` / `https://` URL. Default
    /// `https://tcr.tencentcloudapi.com`. Excludes the next two.
    pub endpoint: Option<&'a str>,
    /// Use `tcr.<region>.<root domain>`.
    pub regional_endpoint: bool,
    /// Root domain instead of `tencentcloudapi.com` (`tcr.<root>`).
    pub root_domain: Option<&'a str>,
    /// `zh-CN` or `en-US`; `None` sends no `X-TC-Language`.
    pub language: Option<&'a str>,
    /// Total time for one call, retries and rate-limit waits included; 60 s by default.
    pub timeout: Option<Duration>,
    /// Time to establish a connection; 10 s (or the total timeout if shorter) by default.
    pub connect_timeout: Option<Duration>,
    /// HTTP attempts per call, 1 to 10; 3 by default.
    pub max_attempts: Option<u32>,
    /// Client-side limit in requests per second; `None` is the documented
    /// 20, `Some(0.0)` turns it off.
    pub rate_limit: Option<f64>,
    /// Requests allowed at once before the rate applies; default: the rate.
    pub rate_burst: Option<u32>,
    /// Proxy URL (`http://` or `https://`) for every request.
    pub proxy: Option<&'a str>,
    /// Ignore `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`.
    pub ignore_proxy_env: bool,
    /// PEM file of extra trusted CA certificates.
    pub ca_bundle: Option<&'a str>,
    /// DANGEROUS: accept any TLS certificate. Logged as a warning.
    pub danger_accept_invalid_certs: bool,
    /// Receives diagnostics lines (see [`crate::log`]).
    pub log: Option<LogSink>,
}

// The secret key and session token must never be printed, even through the
// options, so Debug is written by hand.
impl std::fmt::Debug for ClientOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("regional_endpoint", &self.regional_endpoint)
            .field("root_domain", &self.root_domain)
            .field("language", &self.language)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("rate_limit", &self.rate_limit)
            .field("rate_burst", &self.rate_burst)
            .field("proxy", &self.proxy)
            .field("ignore_proxy_env", &self.ignore_proxy_env)
            .field("ca_bundle", &self.ca_bundle)
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("log", &self.log.is_some())
            .finish()
    }
}

/// A call's result and how many HTTP attempts it took (0 when it was
/// rejected before anything was sent).
#[derive(Debug)]
pub struct Outcome {
    pub result: Result<ModifyInstanceTokenResponse, Error>,
    pub attempts: u32,
}

/// A ModifyInstanceToken client. It is `Send + Sync`: share one between
/// threads; its connections are pooled and kept alive, and its rate limiter
/// and credentials are shared by every thread.
pub struct Client {
    http: Http,
    fixed_headers: FixedHeaders,
    credentials: Provider,
    region: String,
    endpoint: Endpoint,
    language: Option<Language>,
    timeout: Duration,
    max_attempts: u32,
    limiter: Option<RateLimiter>,
    logger: Logger,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.url)
            .field("language", &self.language)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

/// Backoff of a retry after a network failure: full jitter over 100 ms × 2^n.
const NETWORK_BACKOFF: Duration = Duration::from_millis(100);
/// Backoff after RequestLimitExceeded: the limit is per second, so start at 500 ms.
const RATE_LIMITED_BACKOFF: Duration = Duration::from_millis(500);
/// No single backoff is longer than this.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

impl Client {
    /// Validates every option, finds credentials (see
    /// [`crate::credential::resolve`]) and builds the client. Nothing is sent
    /// to the service; the CVM metadata service is asked only when no other
    /// source has credentials.
    pub fn new(options: &ClientOptions<'_>) -> Result<Client, Error> {
        Client::new_with_env(options, &credential::process_env)
    }

    /// As [`Client::new`], reading environment variables through `env`
    /// instead of the process environment.
    pub fn new_with_env(options: &ClientOptions<'_>, env: Env<'_>) -> Result<Client, Error> {
        let logger = Logger::new(options.log.clone(), env);
        let env_region = env("TENCENTCLOUD_REGION").filter(|r| !r.is_empty());
        let region = options.region.or(env_region.as_deref()).ok_or_else(|| {
            Error::invalid(
                "region",
                "is required: set it, or TENCENTCLOUD_REGION (e.g. \"ap-guangzhou\")",
            )
        })?;
        config::check_region(region)?;
        let endpoint = config::resolve_endpoint(
            options.endpoint,
            options.regional_endpoint,
            options.root_domain,
            region,
        )?;
        let language = options.language.map(Language::parse).transpose()?;
        let timeout = config::check_timeout(options.timeout)?;
        let connect_timeout = config::check_connect_timeout(options.connect_timeout, timeout)?;
        let max_attempts = config::check_max_attempts(options.max_attempts)?;
        let limiter = config::check_rate_limit(options.rate_limit, options.rate_burst)?
            .map(|(rate, burst)| RateLimiter::new(rate, burst));

        if options.danger_accept_invalid_certs {
            logger.warn(&format!(
                "tcr: WARNING: danger_accept_invalid_certs is set: TLS certificates of {} are NOT verified",
                endpoint.url
            ));
        }
        let settings = transport::Settings {
            timeout,
            connect_timeout,
            https_only: endpoint.scheme == Scheme::Https,
            ignore_proxy_env: options.ignore_proxy_env,
            proxy: options
                .proxy
                .map(|url| proxy(url, options.ignore_proxy_env, env))
                .transpose()?,
            roots: options
                .ca_bundle
                .map(ca_bundle)
                .transpose()?
                .unwrap_or_default(),
            accept_invalid_certs: options.danger_accept_invalid_certs,
            pool_idle_timeout: transport::POOL_IDLE_TIMEOUT,
        };
        let http = Http::new(settings).map_err(|e| http_build_error(&e))?;
        // Credentials last: only when every other option is valid may the
        // chain reach the metadata service.
        let fixed_headers = FixedHeaders::new(&endpoint, region)?;
        let credentials = credential::resolve(&options.credentials, env)?;
        if logger.debug_enabled() {
            logger.debug(&format!(
                "tcr: client for {} in {region}, credentials from {}",
                endpoint.url,
                credentials.source()
            ));
        }
        Ok(Client {
            http,
            fixed_headers,
            credentials,
            region: region.to_owned(),
            endpoint,
            language,
            timeout,
            max_attempts,
            limiter,
            logger,
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Where the credentials came from (e.g. "environment").
    pub fn credential_source(&self) -> String {
        self.credentials.source()
    }

    /// Enables, disables or re-describes one long-term access credential.
    /// The request is validated first; an invalid one is never sent.
    /// Repeating a call is safe: it sets a state rather than changing one,
    /// which is why failed attempts may be retried.
    pub fn modify_instance_token(
        &self,
        request: &ModifyInstanceToken<'_>,
    ) -> Result<ModifyInstanceTokenResponse, Error> {
        self.execute(request, None).result
    }

    /// As [`Client::modify_instance_token`], with this call's total time
    /// bounded by `timeout` instead of the client's (`None`: the client's).
    /// Wrappers use it to honour a caller's deadline.
    pub fn modify_instance_token_with_timeout(
        &self,
        request: &ModifyInstanceToken<'_>,
        timeout: Option<Duration>,
    ) -> Result<ModifyInstanceTokenResponse, Error> {
        self.execute(request, timeout).result
    }

    /// The whole call: validation, then up to `max_attempts` attempts, each
    /// waiting for the rate limiter and signed afresh, retrying network
    /// failures before a reply and `RequestLimitExceeded[.*]` with
    /// full-jitter exponential backoff, never past the timeout.
    pub fn execute(&self, request: &ModifyInstanceToken<'_>, timeout: Option<Duration>) -> Outcome {
        let rejected = |error| Outcome {
            result: Err(error),
            attempts: 0,
        };
        let timeout = match timeout.map(|t| config::check_timeout(Some(t))).transpose() {
            Ok(t) => t.unwrap_or(self.timeout),
            Err(e) => return rejected(e),
        };
        if let Err(e) = request.validate() {
            return rejected(e);
        }
        let body = request.to_json();
        let deadline = Instant::now() + timeout;
        let mut jitter = Jitter::new();
        let mut attempt = 0;
        loop {
            if let Some(limiter) = &self.limiter {
                if let Err(e) = limiter.acquire(deadline) {
                    return Outcome {
                        result: Err(e),
                        attempts: attempt,
                    };
                }
            }
            attempt += 1;
            let started = Instant::now();
            let result = self.attempt(&body, deadline);
            if self.logger.debug_enabled() {
                self.log_attempt(attempt, started.elapsed(), &result);
            }
            let (error, arrived) = match result {
                Ok(mut reply) => {
                    reply.attempts = attempt;
                    return Outcome {
                        result: Ok(reply),
                        attempts: attempt,
                    };
                }
                Err(failure) => failure,
            };
            let base = match &error {
                Error::Network(_) if !arrived => NETWORK_BACKOFF,
                Error::Api(api) if is_rate_limited(&api.code) => RATE_LIMITED_BACKOFF,
                _ => {
                    return Outcome {
                        result: Err(error),
                        attempts: attempt,
                    }
                }
            };
            if attempt >= self.max_attempts {
                return Outcome {
                    result: Err(error),
                    attempts: attempt,
                };
            }
            let ceiling = base
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(MAX_BACKOFF);
            let pause = jitter.below(ceiling);
            if Instant::now() + pause >= deadline {
                return Outcome {
                    result: Err(error),
                    attempts: attempt,
                };
            }
            std::thread::sleep(pause);
        }
    }

    /// One HTTP attempt, signed now. `Err((error, reply_arrived))`.
    fn attempt(
        &self,
        body: &[u8],
        deadline: Instant,
    ) -> Result<ModifyInstanceTokenResponse, (Error, bool)> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining < Duration::from_millis(1) {
            return Err((
                Error::Timeout("the call's timeout ran out before this attempt".into()),
                false,
            ));
        }
        let credential = self.credentials.current().map_err(|e| (e, false))?;
        let (headers, signature) = self
            .wire_headers(&credential, body, now())
            .map_err(|e| (e, false))?;
        // What the peer might echo back; removed from anything quoting it.
        let secrets = Secrets::new(
            credential.secret_key().expose_str(),
            credential.session_token().map(|token| token.expose_str()),
            signature.as_str(),
        );
        self.send(headers, body.to_vec(), remaining, &secrets)
    }

    fn log_attempt(
        &self,
        attempt: u32,
        took: Duration,
        result: &Result<ModifyInstanceTokenResponse, (Error, bool)>,
    ) {
        let head = format!(
            "tcr: action={} endpoint={} attempt={attempt}/{} duration_ms={:.1}",
            api::ACTION,
            self.endpoint.url,
            self.max_attempts,
            took.as_secs_f64() * 1000.0
        );
        let line = match result {
            Ok(reply) => format!(
                "{head} status=TCR_OK http={} request_id={}",
                reply.http_status,
                log::value(&reply.request_id)
            ),
            Err((Error::Api(api), _)) => format!(
                "{head} status=TCR_API_ERROR http={} code={} request_id={}",
                api.http_status,
                log::value(&api.code),
                log::value(&api.request_id)
            ),
            Err((error, _)) => format!(
                "{head} status={} http={} error={:?}",
                error.kind().name().to_str().unwrap_or("?"),
                error.http_status(),
                error.to_string()
            ),
        };
        self.logger.debug(&line);
    }

    /// Validates `request` and builds the exact HTTP request that
    /// [`Client::modify_instance_token`] would send at `timestamp`: the URL,
    /// every header in order, and the body. Useful for dry runs and for
    /// comparing with other clients.
    pub fn signed_request(
        &self,
        request: &ModifyInstanceToken<'_>,
        timestamp: i64,
    ) -> Result<SignedRequest, Error> {
        request.validate()?;
        let credential = self.credentials.current()?;
        let body = request.to_json();
        let (headers, _) = self.wire_headers(&credential, &body, timestamp)?;
        let headers = headers
            .into_iter()
            .map(|(name, _, value)| (name, String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        Ok(SignedRequest {
            url: self.endpoint.url.clone(),
            headers,
            body,
        })
    }

    /// The headers of a request signed at `timestamp`, in order, as they go
    /// on the wire. Both the call path and [`Client::signed_request`] use it,
    /// so the SDK vectors check exactly what is sent.
    fn wire_headers(
        &self,
        credential: &Credential,
        body: &[u8],
        timestamp: i64,
    ) -> Result<(Vec<WireHeader>, sign::Signature), Error> {
        let date = sign::UtcDate::of(timestamp);
        let date = date.as_str();
        let signature = sign::sign_prepared(
            &self.fixed_headers.canonical,
            body,
            timestamp,
            date,
            api::SERVICE,
            &credential.signing_key(date, api::SERVICE),
        );
        let authorization = sign::authorization_header(
            credential.secret_id(),
            date,
            api::SERVICE,
            signature.as_str(),
        );
        let fixed = &self.fixed_headers;
        let mut headers = Vec::with_capacity(10);
        headers.push(("Host", HeaderName::from_static("host"), fixed.host.clone()));
        headers.push((
            "Content-Type",
            HeaderName::from_static("content-type"),
            HeaderValue::from_static(CONTENT_TYPE),
        ));
        headers.push((
            "X-TC-Action",
            HeaderName::from_static("x-tc-action"),
            HeaderValue::from_static(api::ACTION),
        ));
        headers.push((
            "X-TC-Version",
            HeaderName::from_static("x-tc-version"),
            HeaderValue::from_static(api::VERSION),
        ));
        headers.push((
            "X-TC-Timestamp",
            HeaderName::from_static("x-tc-timestamp"),
            HeaderValue::from(timestamp),
        ));
        headers.push((
            "X-TC-Region",
            HeaderName::from_static("x-tc-region"),
            fixed.region.clone(),
        ));
        headers.push((
            "X-TC-RequestClient",
            HeaderName::from_static("x-tc-requestclient"),
            HeaderValue::from_static(REQUEST_CLIENT),
        ));
        if let Some(token) = credential.session_token() {
            headers.push((
                "X-TC-Token",
                HeaderName::from_static("x-tc-token"),
                sensitive(token.expose().to_vec())?,
            ));
        }
        if let Some(language) = self.language {
            headers.push((
                "X-TC-Language",
                HeaderName::from_static("x-tc-language"),
                HeaderValue::from_static(language.as_str()),
            ));
        }
        headers.push((
            "Authorization",
            HeaderName::from_static("authorization"),
            sensitive(authorization)?,
        ));
        Ok((headers, signature))
    }

    fn send(
        &self,
        headers: Vec<WireHeader>,
        body: Vec<u8>,
        timeout: Duration,
        secrets: &Secrets<'_>,
    ) -> Result<ModifyInstanceTokenResponse, (Error, bool)> {
        let mut map = reqwest::header::HeaderMap::with_capacity(headers.len());
        for (_, name, value) in headers {
            map.append(name, value);
        }
        let reply = self.http.post(
            &self.fixed_headers.url,
            map,
            body,
            timeout,
            |status, reply| api::parse_reply(status, reply, secrets),
        );
        match reply {
            Ok(parsed) => parsed.map_err(|e| (e, true)),
            Err(Failure::Send(e)) => Err((self.transport_error(&e), false)),
            Err(Failure::Body(e)) => Err((self.transport_error(&e), true)),
            Err(Failure::BodyTooLarge(http_status)) => Err((
                Error::Protocol {
                    http_status,
                    message: format!(
                        "the reply body is larger than {} bytes; stopped reading it",
                        transport::MAX_REPLY_BODY
                    ),
                },
                true,
            )),
            Err(Failure::InsideRuntime) => Err((
                Error::Internal(
                    "a blocking call was made on a thread that runs an async runtime; \
                     call it from tokio::task::spawn_blocking or a plain thread"
                        .into(),
                ),
                false,
            )),
            Err(Failure::Build(e)) => Err((http_build_error(&e), false)),
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> Error {
        let detail = error_chain(e);
        if e.is_timeout() || detail.contains("timed out") {
            Error::Timeout(format!(
                "no complete reply from {} in time: {detail}",
                self.endpoint.url
            ))
        } else if e.is_connect() {
            Error::Network(format!(
                "could not connect to {}: {detail}",
                self.endpoint.url
            ))
        } else {
            Error::Network(format!("request to {} failed: {detail}", self.endpoint.url))
        }
    }
}

/// A header as [`Client::wire_headers`] builds it: the name as shown by
/// [`SignedRequest`], the name as sent, and the value.
type WireHeader = (&'static str, HeaderName, HeaderValue);

/// What is the same for every request of a client, parsed and validated
/// once: the URL and the header values taken from the options.
struct FixedHeaders {
    url: reqwest::Url,
    host: HeaderValue,
    region: HeaderValue,
    /// The signed part of the canonical request that never changes.
    canonical: sign::CanonicalPrefix,
}

impl FixedHeaders {
    fn new(endpoint: &Endpoint, region: &str) -> Result<FixedHeaders, Error> {
        let internal = |what: &str| Error::Internal(format!("the {what} cannot be sent"));
        Ok(FixedHeaders {
            url: reqwest::Url::parse(&endpoint.url).map_err(|_| internal("endpoint URL"))?,
            host: HeaderValue::from_str(&endpoint.host).map_err(|_| internal("Host header"))?,
            region: HeaderValue::from_str(region).map_err(|_| internal("region header"))?,
            canonical: sign::CanonicalPrefix::new("POST", CONTENT_TYPE, &endpoint.host),
        })
    }
}

/// A lane could not be built (the first one in `Client::new`, or one more
/// when calls run concurrently).
fn http_build_error(e: &transport::BuildError) -> Error {
    Error::Internal(format!(
        "could not build the HTTP client: {}",
        error_chain(e.as_ref())
    ))
}

/// A header value the HTTP stack must never print; takes the bytes over
/// without copying them.
fn sensitive(bytes: impl TryInto<HeaderValue>) -> Result<HeaderValue, Error> {
    let mut value = bytes
        .try_into()
        .map_err(|_| Error::Credentials("a credential cannot be sent as a header value".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// `RequestLimitExceeded` and its sub-codes (`.UinLimitExceeded`,
/// `.GlobalRegionUinLimitExceeded`, `.IPLimitExceeded`, ...).
pub fn is_rate_limited(code: &str) -> bool {
    code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.")
}

/// A proxy for every request; `NO_PROXY` still applies unless ignored.
fn proxy(url: &str, ignore_env: bool, env: Env<'_>) -> Result<reqwest::Proxy, Error> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http") | Some("https")) {
        return Err(Error::invalid(
            "proxy",
            "must be an http:// or https:// URL",
        ));
    }
    let proxy =
        reqwest::Proxy::all(url).map_err(|_| Error::invalid("proxy", "is not a valid URL"))?;
    let no_proxy = if ignore_env {
        None
    } else {
        env("NO_PROXY")
            .or_else(|| env("no_proxy"))
            .and_then(|v| reqwest::NoProxy::from_string(&v))
    };
    Ok(proxy.no_proxy(no_proxy))
}

/// The certificates of a PEM bundle, added to the built-in roots.
fn ca_bundle(path: &str) -> Result<Vec<reqwest::Certificate>, Error> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid("ca_bundle", format!("cannot read {path}: {e}")))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
        Error::invalid(
            "ca_bundle",
            format!("{path} is not a PEM certificate bundle"),
        )
    })?;
    if certificates.is_empty() {
        return Err(Error::invalid(
            "ca_bundle",
            format!("{path} holds no PEM certificate"),
        ));
    }
    Ok(certificates)
}

/// Full jitter for backoffs: a xorshift generator seeded from the clock and
/// the thread, so concurrent callers spread out. Not for anything secret.
struct Jitter(u64);

impl Jitter {
    fn new() -> Jitter {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::thread::current().id().hash(&mut hasher);
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
            .hash(&mut hasher);
        Jitter(hasher.finish() | 1)
    }

    /// Uniform in `[0, ceiling)`.
    fn below(&mut self, ceiling: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let nanos = ceiling.as_nanos() as u64;
        Duration::from_nanos(if nanos == 0 { 0 } else { self.0 % nanos })
    }
}

/// An error and its causes on one line. reqwest never prints headers, and we
/// never put anything in a URL's query, so no secret can appear.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options<'a>() -> ClientOptions<'a> {
        ClientOptions {
            credentials: Sources::explicit("AKIDexample", "secret-key-value"),
            region: Some("ap-guangzhou"),
            ..Default::default()
        }
    }

    #[test]
    fn request_client_uses_allowed_characters() {
        assert!(REQUEST_CLIENT
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.,;".contains(&b)));
    }

    #[test]
    fn client_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn bad_options_are_rejected_before_anything_is_sent() {
        let cases: Vec<(ClientOptions, &str)> = vec![
            (
                ClientOptions {
                    region: Some(""),
                    ..options()
                },
                "region",
            ),
            (
                ClientOptions {
                    endpoint: Some("ftp://x"),
                    ..options()
                },
                "endpoint",
            ),
            (
                ClientOptions {
                    endpoint: Some("h"),
                    regional_endpoint: true,
                    ..options()
                },
                "endpoint",
            ),
            (
                ClientOptions {
                    root_domain: Some("bad domain"),
                    ..options()
                },
                "root_domain",
            ),
            (
                ClientOptions {
                    language: Some("de-DE"),
                    ..options()
                },
                "language",
            ),
            (
                ClientOptions {
                    timeout: Some(Duration::ZERO),
                    ..options()
                },
                "timeout",
            ),
            (
                ClientOptions {
                    connect_timeout: Some(Duration::from_secs(601)),
                    ..options()
                },
                "connect_timeout",
            ),
            (
                ClientOptions {
                    max_attempts: Some(0),
                    ..options()
                },
                "max_attempts",
            ),
            (
                ClientOptions {
                    rate_limit: Some(-2.0),
                    ..options()
                },
                "rate_limit",
            ),
            (
                ClientOptions {
                    rate_burst: Some(0),
                    ..options()
                },
                "rate_burst",
            ),
            (
                ClientOptions {
                    proxy: Some("socks5://127.0.0.1:1080"),
                    ..options()
                },
                "proxy",
            ),
            (
                ClientOptions {
                    proxy: Some("not a url"),
                    ..options()
                },
                "proxy",
            ),
            (
                ClientOptions {
                    ca_bundle: Some("/nonexistent/ca.pem"),
                    ..options()
                },
                "ca_bundle",
            ),
            (
                ClientOptions {
                    ca_bundle: Some("Cargo.toml"),
                    ..options()
                },
                "ca_bundle",
            ),
        ];
        for (opts, field) in cases {
            match Client::new(&opts) {
                Err(Error::InvalidArgument { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        let empty_key = ClientOptions {
            credentials: Sources::explicit("AKIDexample", ""),
            ..options()
        };
        assert!(matches!(
            Client::new(&empty_key),
            Err(Error::Credentials(_))
        ));
    }

    #[test]
    fn region_comes_from_the_environment_when_not_set() {
        let env = |name: &str| (name == "TENCENTCLOUD_REGION").then(|| "ap-shanghai".to_owned());
        let client = Client::new_with_env(
            &ClientOptions {
                region: None,
                ..options()
            },
            &env,
        )
        .unwrap();
        assert_eq!(client.region(), "ap-shanghai");
        let none = |_: &str| None;
        match Client::new_with_env(
            &ClientOptions {
                region: None,
                ..options()
            },
            &none,
        ) {
            Err(Error::InvalidArgument {
                field: "region",
                reason,
            }) => assert!(reason.contains("TENCENTCLOUD_REGION")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rate_limited_codes() {
        for code in [
            "RequestLimitExceeded",
            "RequestLimitExceeded.UinLimitExceeded",
            "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
            "RequestLimitExceeded.IPLimitExceeded",
        ] {
            assert!(is_rate_limited(code), "{code}");
        }
        for code in ["RequestLimitExceededX", "LimitExceeded", "InternalError"] {
            assert!(!is_rate_limited(code), "{code}");
        }
    }

    #[test]
    fn jitter_stays_below_its_ceiling() {
        let mut j = Jitter::new();
        let ceiling = Duration::from_millis(100);
        let draws: Vec<Duration> = (0..1000).map(|_| j.below(ceiling)).collect();
        assert!(draws.iter().all(|d| *d < ceiling));
        // Spread out, not constant: both halves of the range are hit.
        assert!(draws.iter().any(|d| *d < ceiling / 2) && draws.iter().any(|d| *d >= ceiling / 2));
        assert_eq!(j.below(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn debug_of_client_and_options_hides_the_key() {
        let opts = ClientOptions {
            credentials: Sources {
                session_token: Some("session-token-value"),
                ..options().credentials
            },
            ..options()
        };
        let client = Client::new(&opts).unwrap();
        let shown = format!("{client:?} {opts:?}");
        assert!(shown.contains("AKIDexample"));
        assert!(!shown.contains("secret-key-value"));
        assert!(!shown.contains("session-token-value"));
    }

    #[test]
    fn signed_request_debug_redacts_secrets() {
        let client = Client::new(&ClientOptions {
            credentials: Sources {
                session_token: Some("session-token-value"),
                ..options().credentials
            },
            ..options()
        })
        .unwrap();
        let request = ModifyInstanceToken {
            registry_id: "tcr-1",
            token_id: "t-1",
            enable: Some(false),
            ..Default::default()
        };
        let signed = client.signed_request(&request, 1_700_000_000).unwrap();
        let signature = signed
            .header("authorization")
            .unwrap()
            .rsplit('=')
            .next()
            .unwrap()
            .to_owned();
        let shown = format!("{signed:?}");
        assert!(shown.contains(r#"\"Enable\": false"#), "{shown}");
        assert!(!shown.contains("session-token-value"));
        assert!(!shown.contains(&signature));
        assert_eq!(signed.header("x-tc-token"), Some("session-token-value"));
    }
}
