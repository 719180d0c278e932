//! The client: its options, its construction, and its calls (validated
//! here, then run by `exchange`: the attempts, each rate-limited, signed
//! (`request`) and sent through the transport, retried when `retry`
//! allows, with the clock corrected by `clock`). The rules themselves are
//! stated once, in `docs/behaviour.md`.

mod clock;
mod exchange;
mod request;
mod retry;

pub use clock::{MAX_CLOCK_OFFSET, SIGNATURE_EXPIRED};
pub use request::{SignedRequest, CONTENT_TYPE, REQUEST_CLIENT};
pub use retry::is_rate_limited;

use crate::action::{self, CallResponse};
use crate::api::{self, ModifyInstanceToken, ModifyInstanceTokenResponse};
use crate::cancel::CancelToken;
use crate::config::{self, Endpoint, Language, Scheme};
use crate::credential::{self, Env, Provider, Sources};
use crate::error::Error;
use crate::limiter::RateLimiter;
use crate::log::{Level, LogSink, Logger};
use crate::transport::{self, Http};
use clock::Clock;
use exchange::Exchange;
pub use exchange::Reply;
use request::FixedHeaders;
use reqwest::header::HeaderValue;
use retry::Policy;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Rate-limit buckets kept for actions other than ModifyInstanceToken (TCR
/// has about 150 actions); past this, the others share one bucket.
pub const MAX_ACTION_BUCKETS: usize = 256;

/// Settings for [`Client::new`]. `None`/`false` means "not set" (the
/// default). Strings are borrowed; the client copies what it keeps.
#[derive(Clone, Default)]
pub struct ClientOptions<'a> {
    /// Where credentials come from (the chain of docs/behaviour.md, "Credentials").
    pub credentials: Sources<'a>,
    /// Region, e.g. `ap-guangzhou`; else `TENCENTCLOUD_REGION`. Required.
    pub region: Option<&'a str>,
    /// `host`, `host:port` or an `http://` / `https://` URL. Default: the
    /// `TCR_ENDPOINT` environment variable, else
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

// Written by hand because the log sink, a closure, has no Debug (it shows
// as whether one is set). The secrets need nothing here: they print
// through `Sources`' own Debug, which redacts the key and the token.
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

/// Per-call settings of [`Client::modify_instance_token`] and [`Client::call`]. `Default` is the
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
pub struct Outcome<T = ModifyInstanceTokenResponse> {
    /// The parsed reply, or why the call failed.
    pub result: Result<T, Error>,
    /// HTTP attempts made: 0 when nothing was sent.
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
    /// ModifyInstanceToken's bucket (the one that matters for speed).
    limiter: Option<RateLimiter>,
    /// Other actions' buckets, made on first use by [`Client::call`].
    action_limiters: Mutex<HashMap<String, Arc<RateLimiter>>>,
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
    /// Validates every option, finds credentials (the chain of
    /// docs/behaviour.md, "Credentials") and builds the client. Nothing is sent
    /// to the service; the CVM metadata service is asked only when no other
    /// source has credentials.
    pub fn new(options: &ClientOptions<'_>) -> Result<Client, Error> {
        Client::new_with_env(options, &credential::process_env)
    }

    /// As [`Client::new`], reading environment variables through `env`
    /// instead of the process environment.
    pub fn new_with_env(options: &ClientOptions<'_>, env: Env<'_>) -> Result<Client, Error> {
        let logger = Logger::new(options.log.clone(), env);
        // The fallbacks only when the option is unset: tccli's region is a file read.
        let env_region = options.region.is_none().then(|| {
            env("TENCENTCLOUD_REGION")
                .filter(|r| !r.is_empty())
                .or_else(|| credential::tccli_region(&options.credentials, env))
        });
        let env_region = env_region.flatten();
        let region = options.region.or(env_region.as_deref()).ok_or_else(|| {
            Error::invalid(
                "region",
                "is required: set it, or TENCENTCLOUD_REGION, or tccli's region (e.g. \"ap-guangzhou\")",
            )
        })?;
        config::check_region(region)?;
        // TCR_ENDPOINT names the endpoint when the options name none (nor
        // a regional one or a root domain): docs/behaviour.md, "Endpoint".
        let env_endpoint = env("TCR_ENDPOINT").filter(|e| !e.is_empty());
        let endpoint = match options.endpoint {
            None if !options.regional_endpoint && options.root_domain.is_none() => {
                match env_endpoint.as_deref() {
                    Some(from_env) => config::resolve_endpoint(Some(from_env), false, None, region)
                        .map_err(|e| match e {
                            Error::InvalidArgument { reason, .. } => {
                                Error::invalid("TCR_ENDPOINT", reason)
                            }
                            other => other,
                        })?,
                    None => config::resolve_endpoint(None, false, None, region)?,
                }
            }
            explicit => config::resolve_endpoint(
                explicit,
                options.regional_endpoint,
                options.root_domain,
                region,
            )?,
        };
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
        let sts_settings = settings.clone();
        let http = Http::new(settings).map_err(|e| http_build_error(&e))?;
        // Credentials last: only when every other option is valid may the
        // chain reach the metadata service or STS (within the client's timeout).
        let fixed_headers = FixedHeaders::new(&endpoint, region)?;
        let credentials = credential::resolve(
            &options.credentials,
            &credential::Context {
                env,
                logger: &logger,
                transport: &sts_settings,
                region,
                deadline: std::time::Instant::now() + timeout,
                sts: std::sync::OnceLock::new(),
            },
        )?;
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
            action_limiters: Mutex::new(HashMap::new()),
            logger,
            clock: Clock::default(),
        })
    }

    /// The lowest level of lines the [`ClientOptions::log`] sink receives
    /// from now on, for calls already running too: [`Level::Warn`] stops
    /// debug lines (they are then not even formatted), [`Level::Debug`]
    /// (the default) starts them again. `TCR_LOG=debug` on stderr is not
    /// affected.
    pub fn set_log_level(&self, level: Level) {
        self.logger.set_sink_level(level);
    }

    /// The region every request is signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Where the credentials came from (e.g. "environment").
    pub fn credential_source(&self) -> String {
        self.credentials.source()
    }

    /// Seconds added to the local clock when signing: the service's clock
    /// minus ours, as learned from the last `AuthFailure.SignatureExpire`
    /// reply with a valid `Date` header (0 until then); see "Clock" in
    /// `docs/behaviour.md`.
    pub fn clock_offset(&self) -> i64 {
        self.clock.offset()
    }

    /// Enables, disables or re-describes one long-term access credential,
    /// with this call's [`CallSettings`] (`CallSettings::default()`: the
    /// client's timeout, no cancellation). The request is validated first;
    /// an invalid one is never sent (`attempts` 0). Failed attempts may be
    /// retried, because the call sets a state rather than changing one: the
    /// rules for retries, rate limiting, the clock and cancellation are in
    /// `docs/behaviour.md`.
    ///
    /// The crate's front page has a complete example.
    pub fn modify_instance_token(
        &self,
        request: &ModifyInstanceToken<'_>,
        call: CallSettings<'_>,
    ) -> Outcome {
        if let Err(e) = request.validate() {
            return Outcome::rejected(e);
        }
        self.run(
            Exchange {
                action: api::ACTION,
                action_header: HeaderValue::from_static(api::ACTION),
                body: request.to_json(),
                limiter: self.limiter.as_ref(),
                policy: Policy::SetsState,
                parse: api::parse_reply,
            },
            call,
        )
    }

    /// Calls any TCR action (API version 2019-09-24) by name with
    /// `params_json` (a JSON object) as its parameters, and returns the
    /// reply's `Response` object as JSON text. Same signer, credentials,
    /// clock, transport, timeouts, cancellation and errors as
    /// [`Client::modify_instance_token`], with two differences: the action
    /// may not be repeatable, so it is retried only when it cannot have
    /// been processed; and each action has its own rate-limit bucket
    /// (`docs/behaviour.md`, Retries and Rate limiting).
    pub fn call(
        &self,
        action: &str,
        params_json: &str,
        call: CallSettings<'_>,
    ) -> Outcome<CallResponse> {
        let checked = action::check_action(action).and_then(|()| action::check_params(params_json));
        if let Err(e) = checked {
            return Outcome::rejected(e);
        }
        let own_bucket = (action != api::ACTION)
            .then(|| self.action_limiter(action))
            .flatten();
        let limiter = match &own_bucket {
            Some(bucket) => Some(&**bucket),
            None => self.limiter.as_ref(),
        };
        let Ok(action_header) = HeaderValue::from_str(action) else {
            return Outcome::rejected(Error::invalid("action", "cannot be sent as a header"));
        };
        self.run(
            Exchange {
                action,
                action_header,
                body: params_json.as_bytes().to_vec(),
                limiter,
                policy: Policy::UnsentOnly,
                parse: action::parse_reply,
            },
            call,
        )
    }

    /// The rate-limit bucket of an action other than ModifyInstanceToken,
    /// made on first use. At most [`MAX_ACTION_BUCKETS`] are kept; past
    /// that, the other actions share one more.
    fn action_limiter(&self, action: &str) -> Option<Arc<RateLimiter>> {
        let (rate, burst) = self.limiter.as_ref().map(|l| (l.rate(), l.burst()))?;
        let mut buckets = self
            .action_limiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(limiter) = buckets.get(action) {
            return Some(Arc::clone(limiter));
        }
        let key = if buckets.len() < MAX_ACTION_BUCKETS {
            action
        } else {
            ""
        };
        let limiter = buckets
            .entry(key.to_owned())
            .or_insert_with(|| Arc::new(RateLimiter::new(rate, burst)));
        Some(Arc::clone(limiter))
    }
}

/// A lane could not be built (the first one in `Client::new`, or one more
/// when calls run concurrently).
fn http_build_error(e: &transport::BuildError) -> Error {
    Error::Internal(format!(
        "could not build the HTTP client: {}",
        crate::error::chain(e.as_ref())
    ))
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
