//! A client-side token bucket, shared by every thread using one client.
//! A caller reserves a slot (the bucket may go negative: that is a queue of
//! reservations) and sleeps outside the lock until its slot comes.

use crate::cancel::{self, CancelToken};
use crate::error::Error;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The service's documented limit for ModifyInstanceToken.
pub const DEFAULT_RATE: f64 = 20.0;

#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    /// `rate` requests per second, bursts of up to `burst`; the bucket starts full.
    pub fn new(rate: f64, burst: u32) -> RateLimiter {
        let burst = f64::from(burst.max(1));
        RateLimiter {
            rate,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn burst(&self) -> u32 {
        self.burst as u32
    }

    /// Waits for a slot. If the slot would come after `deadline`, nothing is
    /// reserved and the call fails at once with a timeout.
    pub fn acquire(&self, deadline: Instant) -> Result<(), Error> {
        self.acquire_unless_cancelled(deadline, None)
    }

    /// As [`RateLimiter::acquire`], ending the wait with
    /// [`Error::Cancelled`] as soon as `cancel` is cancelled.
    pub fn acquire_unless_cancelled(
        &self,
        deadline: Instant,
        cancel: Option<&CancelToken>,
    ) -> Result<(), Error> {
        let wait = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let (tokens, last) = *state;
            let tokens =
                (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
            let wait = if tokens >= 1.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64((1.0 - tokens) / self.rate)
            };
            if now + wait > deadline {
                *state = (tokens, now);
                return Err(Error::Timeout(format!(
                    "the client-side rate limit ({} requests/s) would delay this call {} ms, past its timeout",
                    self.rate,
                    wait.as_millis()
                )));
            }
            *state = (tokens - 1.0, now);
            wait
        };
        if !wait.is_zero() && cancel::sleep(cancel, wait) {
            return Err(Error::Cancelled(
                "cancelled while waiting for the client-side rate limit; nothing was sent".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_paces() {
        let limiter = RateLimiter::new(50.0, 5);
        let far = Instant::now() + Duration::from_secs(10);
        let started = Instant::now();
        // The burst needs no wait: each acquire succeeds with a deadline it
        // could not wait for (a wait past the deadline fails at once).
        for i in 0..5 {
            let no_wait = Instant::now() + Duration::from_millis(1);
            assert!(limiter.acquire(no_wait).is_ok(), "burst acquire {i} waited");
        }
        // The sixth must wait for a token (20 ms at 50/s).
        assert!(limiter
            .acquire(Instant::now() + Duration::from_millis(1))
            .is_err());
        for _ in 0..10 {
            limiter.acquire(far).unwrap();
        }
        // 10 more at 50/s take at least about 200 ms (no upper bound: a
        // loaded machine only makes it slower).
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(180), "{elapsed:?}");
    }

    #[test]
    fn a_wait_past_the_deadline_fails_at_once_without_reserving() {
        let limiter = RateLimiter::new(1.0, 1);
        let far = Instant::now() + Duration::from_secs(10);
        limiter.acquire(far).unwrap();
        let started = Instant::now();
        let near = Instant::now() + Duration::from_millis(500);
        assert!(
            matches!(limiter.acquire(near), Err(Error::Timeout(m)) if m.contains("rate limit"))
        );
        // It did not sleep until the deadline to find out.
        assert!(started.elapsed() < Duration::from_millis(500));
        // Nothing was reserved by the failed attempt: the next slot is still ~1 s away, not 2.
        let (tokens, _) = *limiter.state.lock().unwrap();
        assert!(tokens > -0.5, "{tokens}");
    }

    #[test]
    fn a_cancel_ends_the_wait_at_once() {
        let limiter = RateLimiter::new(0.5, 1);
        let far = Instant::now() + Duration::from_secs(10);
        limiter.acquire(far).unwrap();
        let token = CancelToken::new();
        let other = token.clone();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.cancel();
        });
        let started = Instant::now();
        let result = limiter.acquire_unless_cancelled(far, Some(&token));
        assert!(matches!(result, Err(Error::Cancelled(m)) if m.contains("nothing was sent")));
        // The next slot was 2 s away.
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        canceller.join().unwrap();
    }

    #[test]
    fn shared_between_threads() {
        let limiter = std::sync::Arc::new(RateLimiter::new(100.0, 1));
        let far = Instant::now() + Duration::from_secs(10);
        let started = Instant::now();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let l = std::sync::Arc::clone(&limiter);
                std::thread::spawn(move || (0..5).for_each(|_| l.acquire(far).unwrap()))
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        // 20 slots at 100/s with a burst of 1: about 190 ms, whatever the threads.
        assert!(
            started.elapsed() >= Duration::from_millis(170),
            "{:?}",
            started.elapsed()
        );
    }
}
