//! The client: its options, and one call from validation to result: the
//! attempts, each rate-limited, signed ([`request`]) and sent through the
//! transport, retried when [`retry`] allows, logged, and the reply turned
//! into a result.

mod clock;
mod request;
mod retry;

pub use clock::{MAX_CLOCK_OFFSET, SIGNATURE_EXPIRED};
pub use request::{SignedRequest, CONTENT_TYPE, REQUEST_CLIENT};
pub use retry::is_rate_limited;

use crate::api::{self, ModifyInstanceToken, ModifyInstanceTokenResponse};
use crate::cancel::{self, CancelToken};
use crate::config::{self, Endpoint, Language, Scheme};
use crate::credential::{self, Env, Provider, Sources};
use crate::error::Error;
use crate::limiter::RateLimiter;
use crate::log::{self, LogSink, Logger};
use crate::peer_text::Secrets;
use crate::transport::{self, Failure, Http};
use clock::{Clock, Learned};
use request::{FixedHeaders, WireHeader};
use std::time::{Duration, Instant};

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

/// Per-call settings of [`Client::execute_with`]. `Default` is the
/// client's timeout and no cancellation.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallSettings<'a> {
    /// This call's total time instead of the client's.
    pub timeout: Option<Duration>,
    /// Ends the call (with [`Error::Cancelled`]) as soon as it is cancelled.
    pub cancel: Option<&'a CancelToken>,
}

/// A call's result and how many HTTP attempts it took (0 when it was
/// rejected before anything was sent): the one place that count is kept.
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
    clock: Clock,
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
            .field("clock_offset", &self.clock.offset())
            .finish_non_exhaustive()
    }
}

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
                .map(|url| config::proxy(url, options.ignore_proxy_env, env))
                .transpose()?,
            roots: options
                .ca_bundle
                .map(config::ca_bundle)
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
            clock: Clock::default(),
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

    /// Seconds added to the local clock when signing: the service's clock
    /// minus ours, as learned from the last `AuthFailure.SignatureExpire`
    /// reply with a valid `Date` header (0 until then). See
    /// [`Client::execute`].
    pub fn clock_offset(&self) -> i64 {
        self.clock.offset()
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
    ///
    /// An `AuthFailure.SignatureExpire` reply with a valid `Date` header
    /// sets the client's clock offset (unless it is beyond
    /// [`MAX_CLOCK_OFFSET`]: then a warning is logged and the offset kept),
    /// and the call is signed again and tried once more at once, as one of
    /// its attempts. Later calls sign with that offset from their first
    /// attempt.
    pub fn execute(&self, request: &ModifyInstanceToken<'_>, timeout: Option<Duration>) -> Outcome {
        self.execute_with(
            request,
            CallSettings {
                timeout,
                cancel: None,
            },
        )
    }

    /// As [`Client::execute`], with a [`CancelToken`] that ends the call
    /// at once from another thread: before anything is sent (nothing is),
    /// while waiting for the rate limiter or a backoff (nothing more is
    /// sent), or during an attempt (its request may already have been
    /// sent, and processed). The attempt's connection is closed, never
    /// reused. Fetching CVM role credentials is not interrupted.
    pub fn execute_with(
        &self,
        request: &ModifyInstanceToken<'_>,
        call: CallSettings<'_>,
    ) -> Outcome {
        let rejected = |error| Outcome {
            result: Err(error),
            attempts: 0,
        };
        let cancel = call.cancel;
        if cancel.is_some_and(CancelToken::is_cancelled) {
            return rejected(Error::Cancelled(
                "cancelled before the call started; nothing was sent".into(),
            ));
        }
        let timeout = match call
            .timeout
            .map(|t| config::check_timeout(Some(t)))
            .transpose()
        {
            Ok(t) => t.unwrap_or(self.timeout),
            Err(e) => return rejected(e),
        };
        if let Err(e) = request.validate() {
            return rejected(e);
        }
        let body = request.to_json();
        let deadline = Instant::now() + timeout;
        let mut backoff = retry::Backoff::new();
        let mut attempts = 0;
        let mut clock_corrected = false;
        let result = loop {
            if let Some(limiter) = &self.limiter {
                if let Err(e) = limiter.acquire_unless_cancelled(deadline, cancel) {
                    break Err(e);
                }
            }
            attempts += 1;
            let started = Instant::now();
            let result = self.attempt(&body, deadline, cancel);
            if self.logger.debug_enabled() {
                self.log_attempt(attempts, started.elapsed(), &result);
            }
            let failure = match result {
                Ok(reply) => break Ok(reply),
                Err(failure) => failure,
            };
            // Learned even when no attempt is left, for the next call.
            let corrected = failure
                .server_time
                .is_some_and(|server_time| self.correct_clock(server_time));
            if attempts >= self.max_attempts {
                break Err(failure.error);
            }
            if corrected && !clock_corrected {
                clock_corrected = true;
                continue;
            }
            match backoff.pause(&failure, attempts, deadline) {
                Some(pause) if cancel::sleep(cancel, pause) => {
                    break Err(Error::Cancelled(format!(
                        "cancelled while waiting to retry; {attempts} attempt(s) were sent, \
                         and may have been processed"
                    )))
                }
                Some(_) => {}
                None => break Err(failure.error),
            }
        };
        Outcome { result, attempts }
    }

    /// Learns the clock offset from the service's time; whether it was
    /// taken.
    fn correct_clock(&self, server_time: i64) -> bool {
        match self.clock.learn(server_time) {
            Learned::Offset(offset) => {
                if self.logger.debug_enabled() {
                    self.logger.debug(&format!(
                        "tcr: {SIGNATURE_EXPIRED}: signing with the service's clock from now on, \
                         clock_offset_s={offset} (service minus local)"
                    ));
                }
                true
            }
            Learned::Refused(offset) => {
                self.logger.warn(&format!(
                    "tcr: {SIGNATURE_EXPIRED}: the reply's Date is {offset} s from the local clock, \
                     beyond the {MAX_CLOCK_OFFSET} s that are corrected; fix the clock \
                     (clock_offset_s stays {})",
                    self.clock.offset()
                ));
                false
            }
        }
    }

    /// One HTTP attempt, signed now.
    fn attempt(
        &self,
        body: &[u8],
        deadline: Instant,
        cancel: Option<&CancelToken>,
    ) -> Result<ModifyInstanceTokenResponse, AttemptFailure> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining < Duration::from_millis(1) {
            return Err(AttemptFailure::before_reply(Error::Timeout(
                "the call's timeout ran out before this attempt".into(),
            )));
        }
        let credential = self
            .credentials
            .current()
            .map_err(AttemptFailure::before_reply)?;
        let (headers, signature) = self
            .wire_headers(&credential, body, self.clock.now())
            .map_err(AttemptFailure::before_reply)?;
        // What the peer might echo back; removed from anything quoting it.
        let secrets = Secrets::new(
            credential.secret_key().expose_str(),
            credential.session_token().map(|token| token.expose_str()),
            signature.as_str(),
        );
        self.send(headers, body.to_vec(), remaining, cancel, &secrets)
    }

    fn log_attempt(
        &self,
        attempt: u32,
        took: Duration,
        result: &Result<ModifyInstanceTokenResponse, AttemptFailure>,
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
            Err(AttemptFailure {
                error: Error::Api(api),
                ..
            }) => format!(
                "{head} status=TCR_API_ERROR http={} code={} request_id={}",
                api.http_status,
                log::value(&api.code),
                log::value(&api.request_id)
            ),
            Err(AttemptFailure { error, .. }) => format!(
                "{head} status={} http={} error={:?}",
                error.kind().name().to_str().unwrap_or("?"),
                error.http_status(),
                error.to_string()
            ),
        };
        self.logger.debug(&line);
    }

    fn send(
        &self,
        headers: Vec<WireHeader>,
        body: Vec<u8>,
        timeout: Duration,
        cancel: Option<&CancelToken>,
        secrets: &Secrets<'_>,
    ) -> Result<ModifyInstanceTokenResponse, AttemptFailure> {
        let mut map = reqwest::header::HeaderMap::with_capacity(headers.len());
        for (_, name, value) in headers {
            map.append(name, value);
        }
        let reply = self.http.post(
            &self.fixed_headers.url,
            map,
            body,
            timeout,
            cancel,
            |status, headers, reply| {
                let parsed = api::parse_reply(status, reply, secrets);
                // Read the service's clock only when it says ours is off.
                let server_time = match &parsed {
                    Err(Error::Api(api)) if api.code == SIGNATURE_EXPIRED => {
                        clock::server_time(headers)
                    }
                    _ => None,
                };
                (parsed, server_time)
            },
        );
        match reply {
            Ok((parsed, server_time)) => parsed.map_err(|error| AttemptFailure {
                server_time,
                ..AttemptFailure::after_reply(error)
            }),
            Err(Failure::Send(e)) => Err(AttemptFailure::before_reply(self.transport_error(&e))),
            Err(Failure::Body(e)) => Err(AttemptFailure::after_reply(self.transport_error(&e))),
            Err(Failure::BodyTooLarge(http_status)) => {
                Err(AttemptFailure::after_reply(Error::Protocol {
                    http_status,
                    message: format!(
                        "the reply body is larger than {} bytes; stopped reading it",
                        transport::MAX_REPLY_BODY
                    ),
                }))
            }
            Err(Failure::InsideRuntime) => Err(AttemptFailure::before_reply(Error::Internal(
                "a blocking call was made on a thread that runs an async runtime; \
                 call it from tokio::task::spawn_blocking or a plain thread"
                    .into(),
            ))),
            Err(Failure::Build(e)) => Err(AttemptFailure::before_reply(http_build_error(&e))),
            Err(Failure::Cancelled { started: false }) => Err(AttemptFailure::before_reply(
                Error::Cancelled("cancelled before this attempt was sent; nothing was sent".into()),
            )),
            Err(Failure::Cancelled { started: true }) => {
                Err(AttemptFailure::after_reply(Error::Cancelled(
                    "cancelled while the request was under way; it may already have been sent \
                     and processed (its connection was closed)"
                        .into(),
                )))
            }
        }
    }

    /// A transport failure as this crate's error, sorted by the error's
    /// type: a timeout anywhere in its causes (reqwest's `is_timeout` looks
    /// through them, io::ErrorKind::TimedOut included), a failed connect, or
    /// another network failure.
    fn transport_error(&self, e: &reqwest::Error) -> Error {
        let detail = error_chain(e);
        if e.is_timeout() {
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

/// Why one attempt failed, and whether a reply had begun to arrive: after
/// that the service may have processed the request, so a network failure
/// is no longer retried.
struct AttemptFailure {
    error: Error,
    reply_arrived: bool,
    /// The `Date` of an `AuthFailure.SignatureExpire` reply.
    server_time: Option<i64>,
}

impl AttemptFailure {
    fn before_reply(error: Error) -> AttemptFailure {
        AttemptFailure {
            error,
            reply_arrived: false,
            server_time: None,
        }
    }

    fn after_reply(error: Error) -> AttemptFailure {
        AttemptFailure {
            error,
            reply_arrived: true,
            server_time: None,
        }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn options<'a>() -> ClientOptions<'a> {
        ClientOptions {
            credentials: Sources::explicit("AKIDexample", "secret-key-value"),
            region: Some("ap-guangzhou"),
            ..Default::default()
        }
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
}
