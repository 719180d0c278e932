//! When a failed attempt is tried again, and after how long: only what
//! cannot have been processed (a network failure before any reply) and
//! `RequestLimitExceeded[.*]`, after a full-jitter exponential backoff that
//! never ends past the call's deadline.

use super::AttemptFailure;
use crate::error::Error;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Backoff of a retry after a network failure: full jitter over 100 ms × 2^n.
const NETWORK_BACKOFF: Duration = Duration::from_millis(100);
/// Backoff after RequestLimitExceeded: the limit is per second, so start at 500 ms.
const RATE_LIMITED_BACKOFF: Duration = Duration::from_millis(500);
/// No single backoff is longer than this.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The backoffs of one call.
pub(super) struct Backoff {
    jitter: Jitter,
}

impl Backoff {
    pub(super) fn new() -> Backoff {
        Backoff {
            jitter: Jitter::new(),
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
            Error::Network(_) if !failure.reply_arrived => NETWORK_BACKOFF,
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
}
