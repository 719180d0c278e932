//! One call from the first attempt to its result, for any action: each
//! attempt waits for the rate limiter, is signed afresh ([`super::request`])
//! and sent through the transport; a failure is retried when
//! [`super::retry`] allows, the clock is corrected when the service says
//! it is off ([`super::clock`]), every attempt is logged, and the reply is
//! turned into a result.

use super::clock::{self, Learned, MAX_CLOCK_OFFSET, SIGNATURE_EXPIRED};
use super::request::WireHeader;
use super::retry::{AttemptFailure, Backoff, Policy};
use super::{CallSettings, Client, Outcome};
use crate::cancel::{self, CancelToken};
use crate::config;
use crate::error::Error;
use crate::limiter::RateLimiter;
use crate::log;
use crate::peer_text::Secrets;
use crate::transport::{self, CancelPoint, Failure};
use reqwest::header::HeaderValue;
use std::time::{Duration, Instant};

/// What a call sends, and how its reply is read.
pub(super) struct Exchange<'a, T> {
    /// The action's name, for log lines.
    pub action: &'a str,
    /// The same, as the `X-TC-Action` header value.
    pub action_header: HeaderValue,
    pub body: Vec<u8>,
    /// The rate-limit bucket the action's requests take slots from.
    pub limiter: Option<&'a RateLimiter>,
    pub policy: Policy,
    pub parse: fn(u16, &[u8], &Secrets<'_>) -> Result<T, Error>,
}

/// What every successful reply carries (for the log and the C structs).
pub trait Reply {
    /// The reply's `RequestId`.
    fn request_id(&self) -> &str;
    /// The reply's HTTP status.
    fn http_status(&self) -> u16;
    /// The reply's `Response` object as the service sent it.
    fn response_json(&self) -> &str;
}

impl Reply for crate::api::ModifyInstanceTokenResponse {
    fn request_id(&self) -> &str {
        &self.request_id
    }
    fn http_status(&self) -> u16 {
        self.http_status
    }
    fn response_json(&self) -> &str {
        &self.response_json
    }
}

impl Reply for crate::action::CallResponse {
    fn request_id(&self) -> &str {
        &self.request_id
    }
    fn http_status(&self) -> u16 {
        self.http_status
    }
    fn response_json(&self) -> &str {
        &self.response_json
    }
}

impl<T> Outcome<T> {
    pub(super) fn rejected(error: Error) -> Outcome<T> {
        Outcome {
            result: Err(error),
            attempts: 0,
        }
    }
}

impl Client {
    /// The whole call after validation: its attempts, retries, rate-limit
    /// waits, clock correction and cancellation, as `docs/behaviour.md`
    /// states them (Retries, Rate limiting, Clock, Cancellation); the
    /// clock offset is bounded by [`MAX_CLOCK_OFFSET`].
    pub(super) fn run<T: Reply>(
        &self,
        exchange: Exchange<'_, T>,
        call: CallSettings<'_>,
    ) -> Outcome<T> {
        let cancel = call.cancel;
        if cancel.is_some_and(CancelToken::is_cancelled) {
            return Outcome::rejected(Error::Cancelled(
                "cancelled before the call started; nothing was sent".into(),
            ));
        }
        let timeout = match call
            .timeout
            .map(|t| config::check_timeout(Some(t)))
            .transpose()
        {
            Ok(t) => t.unwrap_or(self.timeout),
            Err(e) => return Outcome::rejected(e),
        };
        let deadline = Instant::now() + timeout;
        let mut backoff = Backoff::new(exchange.policy);
        let mut attempts = 0;
        let mut clock_corrected = false;
        let result = loop {
            if let Some(limiter) = exchange.limiter {
                if let Err(e) = limiter.acquire_unless_cancelled(deadline, cancel) {
                    break Err(e);
                }
            }
            attempts += 1;
            let started = Instant::now();
            let result = self.attempt(&exchange, deadline, cancel);
            if self.logger.debug_enabled() {
                self.log_attempt(exchange.action, attempts, started.elapsed(), &result);
            }
            let failure = match result {
                Ok(reply) => break Ok(reply),
                Err(failure) => failure,
            };
            if failure.unsent {
                // The service never saw this attempt: its slot is the next caller's.
                if let Some(limiter) = exchange.limiter {
                    limiter.refund();
                }
            }
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
    fn attempt<T>(
        &self,
        exchange: &Exchange<'_, T>,
        deadline: Instant,
        cancel: Option<&CancelToken>,
    ) -> Result<T, AttemptFailure> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining < Duration::from_millis(1) {
            return Err(AttemptFailure::not_sent(Error::Timeout(
                "the call's timeout ran out before this attempt".into(),
            )));
        }
        let credential = self
            .credentials
            .current(crate::credential::refresh::Budget { deadline, cancel })
            .map_err(AttemptFailure::not_sent)?;
        let (headers, signature) = self
            .wire_headers(
                &credential,
                &exchange.action_header,
                &exchange.body,
                self.clock.now(),
            )
            .map_err(AttemptFailure::not_sent)?;
        // What the peer might echo back; removed from anything quoting it.
        let secrets = Secrets::new(
            credential.secret_key().expose_str(),
            credential.session_token().map(|token| token.expose_str()),
            signature.as_str(),
        );
        self.send(exchange, headers, remaining, cancel, &secrets)
    }

    fn log_attempt<T: Reply>(
        &self,
        action: &str,
        attempt: u32,
        took: Duration,
        result: &Result<T, AttemptFailure>,
    ) {
        let head = format!(
            "tcr: action={} endpoint={} attempt={attempt}/{} duration_ms={:.1}",
            action,
            self.endpoint.url,
            self.max_attempts,
            took.as_secs_f64() * 1000.0
        );
        let line = match result {
            Ok(reply) => format!(
                "{head} status=TCR_OK http={} request_id={}",
                reply.http_status(),
                log::value(reply.request_id())
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

    fn send<T>(
        &self,
        exchange: &Exchange<'_, T>,
        headers: Vec<WireHeader>,
        timeout: Duration,
        cancel: Option<&CancelToken>,
        secrets: &Secrets<'_>,
    ) -> Result<T, AttemptFailure> {
        let mut map = reqwest::header::HeaderMap::with_capacity(headers.len());
        for (_, name, value) in headers {
            map.append(name, value);
        }
        let reply = self.http.post(
            &self.fixed_headers.url,
            map,
            exchange.body.clone(),
            timeout,
            cancel,
            false,
            |status, headers, reply| {
                let parsed = (exchange.parse)(status, reply, secrets);
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
            // A failed connect wrote nothing; anything else may have.
            Err(Failure::Send(e)) if e.is_connect() => {
                Err(AttemptFailure::not_sent(self.transport_error(&e)))
            }
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
            Err(Failure::InsideRuntime) => Err(AttemptFailure::not_sent(Error::Internal(
                "a blocking call was made on a thread that runs an async runtime; \
                 call it from tokio::task::spawn_blocking or a plain thread"
                    .into(),
            ))),
            Err(Failure::Build(e)) => Err(AttemptFailure::not_sent(super::http_build_error(&e))),
            Err(Failure::Cancelled(CancelPoint::BeforeSending)) => Err(AttemptFailure::not_sent(
                Error::Cancelled("cancelled before this attempt was sent; nothing was sent".into()),
            )),
            Err(Failure::Cancelled(CancelPoint::BeforeWriting)) => {
                Err(AttemptFailure::not_sent(Error::Cancelled(format!(
                    "cancelled before the request was written (while connecting to {}); \
                     nothing was sent",
                    self.endpoint.url
                ))))
            }
            Err(Failure::Cancelled(CancelPoint::Exchanging)) => {
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
        let detail = crate::error::chain(e);
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
