//! When a failed attempt is tried again, and after how long, by
//! [`Policy`]: `RequestLimitExceeded[.*]` always, and network failures as
//! far as the action allows; after a full-jitter exponential backoff that
//! never ends past the call's deadline. [`AttemptFailure`], what the call
//! loop (`exchange.rs`) reports of an attempt, is this policy's input, so it
//! lives here.

use crate::error::Error;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Why one attempt failed, and whether a reply had begun to arrive: after
/// that the service may have processed the request, so a network failure
/// is no longer retried.
pub(super) struct AttemptFailure {
    pub(super) error: Error,
    pub(super) reply_arrived: bool,
    /// Nothing of the request was written (it failed before sending, or
    /// while connecting): any action may be retried after it.
    pub(super) unsent: bool,
    /// The `Date` of an `AuthFailure.SignatureExpire` reply.
    pub(super) server_time: Option<i64>,
}

impl AttemptFailure {
    /// Failed before anything was written.
    pub(super) fn not_sent(error: Error) -> AttemptFailure {
        AttemptFailure {
            unsent: true,
            ..AttemptFailure::before_reply(error)
        }
    }

    /// Failed after the request may have been written, before a reply.
    pub(super) fn before_reply(error: Error) -> AttemptFailure {
        AttemptFailure {
            error,
            reply_arrived: false,
            unsent: false,
            server_time: None,
        }
    }

    pub(super) fn after_reply(error: Error) -> AttemptFailure {
        AttemptFailure {
            error,
            reply_arrived: true,
            unsent: false,
            server_time: None,
        }
    }
}

/// Backoff of a retry after a network failure: full jitter over 100 ms × 2^n.
const NETWORK_BACKOFF: Duration = Duration::from_millis(100);
/// Backoff after RequestLimitExceeded: the limit is per second, so start at 500 ms.
const RATE_LIMITED_BACKOFF: Duration = Duration::from_millis(500);
/// No single backoff is longer than this.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Which network failures an action may be retried after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Policy {
    /// The action sets a state (ModifyInstanceToken): sending it twice does
    /// what sending it once does, so a network failure before any reply is
    /// retried even if the request was written.
    SetsState,
    /// Any action, which may not be repeatable (a second
    /// CreateInstanceToken makes a second token): only a failure before the
    /// request was written (a failed connect) is retried.
    UnsentOnly,
}

/// The backoffs of one call.
pub(super) struct Backoff {
    jitter: Jitter,
    policy: Policy,
}

impl Backoff {
    pub(super) fn new(policy: Policy) -> Backoff {
        Backoff {
            jitter: Jitter::new(),
            policy,
        }
    }

    /// How long to wait after failed attempt number `attempt` (from 1)
    /// before the next, or `None` when `failure` is not retried or the
    /// pause would end past `deadline`.
    pub(super) fn pause(
        &mut self,
        failure: &AttemptFailure,
        attempt: u32,
        deadline: Instant,
    ) -> Option<Duration> {
        let base = match &failure.error {
            Error::Network(_) if failure.unsent => NETWORK_BACKOFF,
            Error::Network(_) if self.policy == Policy::SetsState && !failure.reply_arrived => {
                NETWORK_BACKOFF
            }
            Error::Api(api) if is_rate_limited(&api.code) => RATE_LIMITED_BACKOFF,
            _ => return None,
        };
        let ceiling = base
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(MAX_BACKOFF);
        let pause = self.jitter.below(ceiling);
        (Instant::now() + pause < deadline).then_some(pause)
    }
}

/// `RequestLimitExceeded` and its sub-codes (`.UinLimitExceeded`,
/// `.GlobalRegionUinLimitExceeded`, `.IPLimitExceeded`, ...).
pub fn is_rate_limited(code: &str) -> bool {
    code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.")
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// 400 pauses after failed attempt number `attempt`, with no deadline
    /// in the way.
    fn pauses(failure: &AttemptFailure, attempt: u32) -> Vec<Duration> {
        let mut backoff = Backoff::new(Policy::SetsState);
        let far = Instant::now() + Duration::from_secs(3600);
        (0..400)
            .map(|_| backoff.pause(failure, attempt, far).unwrap())
            .collect()
    }

    /// The schedule of docs/behaviour.md ("Retries"): full jitter below 100 ms x 2^(n-1) after a
    /// network failure before a reply, 500 ms x 2^(n-1) after
    /// RequestLimitExceeded, never above 5 s. Each ceiling is checked from
    /// both sides: no pause reaches it, and over 400 draws some come within
    /// 10 % of it (a constant or a smaller schedule fails that).
    #[test]
    fn the_backoff_schedule_is_the_documented_one() {
        let network = AttemptFailure::before_reply(Error::Network("reset".into()));
        let limited = AttemptFailure::after_reply(Error::Api(crate::error::ApiError {
            code: "RequestLimitExceeded.UinLimitExceeded".into(),
            message: String::new(),
            request_id: String::new(),
            http_status: 200,
        }));
        for (failure, attempt, ceiling_ms) in [
            (&network, 1, 100),
            (&network, 2, 200),
            (&network, 3, 400),
            (&network, 7, 5_000),
            (&limited, 1, 500),
            (&limited, 2, 1_000),
            (&limited, 4, 4_000),
            (&limited, 5, 5_000),
            (&limited, 40, 5_000),
        ] {
            let ceiling = Duration::from_millis(ceiling_ms);
            let draws = pauses(failure, attempt);
            let max = draws.iter().max().unwrap();
            assert!(*max < ceiling, "attempt {attempt}: {max:?} >= {ceiling:?}");
            assert!(
                *max >= ceiling * 9 / 10,
                "attempt {attempt}: max {max:?} of {ceiling:?}"
            );
            let mean = draws.iter().sum::<Duration>() / draws.len() as u32;
            assert!(
                mean > ceiling / 3 && mean < ceiling * 2 / 3,
                "attempt {attempt}: mean {mean:?}"
            );
        }
    }

    #[test]
    fn what_is_not_retried_and_pauses_past_the_deadline() {
        let far = Instant::now() + Duration::from_secs(3600);
        let mut backoff = Backoff::new(Policy::SetsState);
        // A network failure after the reply began may have been processed.
        let after = AttemptFailure::after_reply(Error::Network("reset mid-reply".into()));
        assert_eq!(backoff.pause(&after, 1, far), None);
        for error in [
            Error::Timeout("slow".into()),
            Error::Protocol {
                http_status: 502,
                message: String::new(),
            },
            Error::Credentials("none".into()),
        ] {
            assert_eq!(
                backoff.pause(&AttemptFailure::before_reply(error), 1, far),
                None
            );
        }
        // No pause that would end past the deadline.
        let network = AttemptFailure::before_reply(Error::Network("reset".into()));
        let now = Instant::now();
        assert_eq!(backoff.pause(&network, 1, now), None);
    }

    #[test]
    fn any_action_is_retried_only_when_it_cannot_have_been_processed() {
        let far = Instant::now() + Duration::from_secs(3600);
        let mut backoff = Backoff::new(Policy::UnsentOnly);
        let refused = AttemptFailure::not_sent(Error::Network("connection refused".into()));
        assert!(backoff.pause(&refused, 1, far).is_some());
        let limited = AttemptFailure::after_reply(Error::Api(crate::error::ApiError {
            code: "RequestLimitExceeded".into(),
            message: String::new(),
            request_id: String::new(),
            http_status: 200,
        }));
        assert!(backoff.pause(&limited, 1, far).is_some());
        // Written, then no reply: the service may have acted on it.
        let written = AttemptFailure::before_reply(Error::Network("reset".into()));
        assert_eq!(backoff.pause(&written, 1, far), None);
        assert!(Backoff::new(Policy::SetsState)
            .pause(&written, 1, far)
            .is_some());
    }
}
