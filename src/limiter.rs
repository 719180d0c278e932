//! A client-side token bucket, shared by every thread using one client.
//! A caller reserves a slot (the bucket may go negative: that is a queue of
//! reservations) and sleeps outside the lock until its slot comes. A slot
//! whose call ends without sending anything (its wait was cancelled, or the
//! attempt failed before writing a byte) is given back, so that abandoned
//! calls do not delay the ones that follow.

use crate::cancel::{self, CancelToken};
use crate::error::Error;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The service's documented limit for ModifyInstanceToken.
pub const DEFAULT_RATE: f64 = 20.0;

#[derive(Debug)]
/// A token bucket shared by threads: `rate` requests per second with bursts of `burst`.
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

    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Requests allowed at once.
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
            let mut state = self.lock();
            let now = Instant::now();
            let tokens = self.refilled(&state, now);
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
            self.refund();
            return Err(Error::Cancelled(
                "cancelled while waiting for the client-side rate limit; nothing was sent".into(),
            ));
        }
        Ok(())
    }

    /// Gives back a slot taken by [`RateLimiter::acquire`] whose request was
    /// never sent: the next caller may use it.
    pub fn refund(&self) {
        let mut state = self.lock();
        let now = Instant::now();
        let tokens = self.refilled(&state, now);
        *state = ((tokens + 1.0).min(self.burst), now);
    }

    /// The bucket's level at `now`: what it held at its last update plus
    /// what the rate has added since, up to the burst.
    fn refilled(&self, state: &(f64, Instant), now: Instant) -> f64 {
        let (tokens, last) = *state;
        (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (f64, Instant)> {
        // Two plain numbers, written in one assignment: never half-changed.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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
    fn a_cancelled_wait_gives_its_slot_back() {
        // 2/s, burst 1: one call takes the token; five more reserve the
        // next five slots (0.5 s to 2.5 s away) and are cancelled while
        // they wait. The call after them waits for the next slot only.
        let limiter = std::sync::Arc::new(RateLimiter::new(2.0, 1));
        let far = Instant::now() + Duration::from_secs(10);
        limiter.acquire(far).unwrap();
        let token = CancelToken::new();
        let waiters: Vec<_> = (0..5)
            .map(|_| {
                let (limiter, token) = (limiter.clone(), token.clone());
                std::thread::spawn(move || limiter.acquire_unless_cancelled(far, Some(&token)))
            })
            .collect();
        // All five have reserved their slot once the bucket is 5 below zero.
        while limiter.lock().0 > -4.5 {
            std::thread::sleep(Duration::from_millis(1));
        }
        token.cancel();
        for waiter in waiters {
            assert!(matches!(waiter.join().unwrap(), Err(Error::Cancelled(_))));
        }
        let started = Instant::now();
        limiter.acquire(far).unwrap();
        let waited = started.elapsed();
        // At most the 0.5 s of one slot (2.5 s if the cancelled slots stayed taken).
        assert!(waited <= Duration::from_millis(600), "{waited:?}");
    }

    #[test]
    fn a_refunded_slot_is_the_next_callers() {
        let limiter = RateLimiter::new(1.0, 1);
        let far = Instant::now() + Duration::from_secs(10);
        limiter.acquire(far).unwrap();
        limiter.refund();
        // The bucket is full again: no wait at all.
        assert!(limiter
            .acquire(Instant::now() + Duration::from_millis(1))
            .is_ok());
        // A refund never lifts the bucket above its burst.
        limiter.refund();
        limiter.refund();
        assert!(limiter.lock().0 <= 1.0);
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
