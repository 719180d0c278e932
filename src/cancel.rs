//! Cancelling a call from another thread: a Go context's cancellation, an
//! asyncio task's, a C program's shutdown.
//!
//! A [`CancelToken`] is a flag that only ever goes from "not cancelled" to
//! "cancelled". A call given one checks it before it sends anything, and
//! every place where it waits ends as soon as it is set: the rate limiter's
//! wait and the backoff sleep (a condition variable), and the HTTP exchange
//! (a [`tokio::sync::Notify`] raced against it on the lane's runtime). A
//! call ended that way returns [`crate::Error::Cancelled`]; its lane, with
//! every connection it holds, is dropped rather than pooled, so a late reply
//! to the abandoned request can never be read by another call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

/// A cancellation flag shared by whoever cancels and the calls it ends.
/// Cloning gives another handle to the same flag.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<Inner>);

#[derive(Default)]
struct Inner {
    cancelled: AtomicBool,
    /// Held only to check the flag and start waiting, so a cancel between
    /// the two cannot be missed.
    lock: Mutex<()>,
    sleepers: Condvar,
    tasks: tokio::sync::Notify,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels every call using this token, now and later. Idempotent; from
    /// any thread; it wakes the waiting calls and returns without waiting
    /// for them.
    pub fn cancel(&self) {
        if self.0.cancelled.swap(true, Ordering::SeqCst) {
            return;
        }
        // Taking the lock orders this wake-up after any sleeper's check of
        // the flag: a sleeper either saw the flag or is already waiting.
        drop(self.0.lock.lock().unwrap_or_else(PoisonError::into_inner));
        self.0.sleepers.notify_all();
        self.0.tasks.notify_waiters();
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Sleeps for `duration` unless cancelled first; whether it was.
    pub fn sleep(&self, duration: Duration) -> bool {
        let guard = self.0.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self
            .0
            .sleepers
            .wait_timeout_while(guard, duration, |_| !self.is_cancelled())
            .unwrap_or_else(PoisonError::into_inner);
        self.is_cancelled()
    }

    /// Completes once the token is cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.tasks.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the flag is read, so a cancel in between
            // still wakes this task.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Sleeps for `duration`, or less if `cancel` is cancelled; whether it was.
pub(crate) fn sleep(cancel: Option<&CancelToken>, duration: Duration) -> bool {
    match cancel {
        Some(token) => token.sleep(duration),
        None => {
            std::thread::sleep(duration);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_sleep_ends_when_another_thread_cancels() {
        let token = CancelToken::new();
        let other = token.clone();
        let started = Instant::now();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.cancel();
            other.cancel(); // idempotent
        });
        assert!(token.sleep(Duration::from_secs(10)));
        assert!(started.elapsed() < Duration::from_secs(5));
        canceller.join().unwrap();
        // Once cancelled, a sleep returns at once.
        let again = Instant::now();
        assert!(token.sleep(Duration::from_secs(10)));
        assert!(again.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn an_uncancelled_sleep_lasts_its_time() {
        let token = CancelToken::new();
        let started = Instant::now();
        assert!(!token.sleep(Duration::from_millis(30)));
        assert!(started.elapsed() >= Duration::from_millis(30));
        assert!(!sleep(None, Duration::from_millis(1)));
    }

    #[test]
    fn a_task_waiting_on_another_runtime_is_woken() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let token = CancelToken::new();
        let other = token.clone();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.cancel();
        });
        let started = Instant::now();
        runtime.block_on(token.cancelled());
        assert!(started.elapsed() < Duration::from_secs(5));
        canceller.join().unwrap();
        // Already cancelled: completes at once.
        runtime.block_on(token.cancelled());
    }
}
