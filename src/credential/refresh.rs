//! Temporary keys that expire: fetched by a source (the CVM role, STS
//! `AssumeRole`, STS `AssumeRoleWithWebIdentity`), cached, and refreshed
//! at expiry − min(300 s, lifetime / 2) by one thread while the others keep
//! signing with the keys that are still valid (docs/behaviour.md,
//! "Credentials").

use super::Credential;
use crate::cancel::CancelToken;
use crate::error::Error;
use crate::log::Logger;
use std::sync::{Arc, Mutex, RwLock, TryLockError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Credentials are refreshed this long before they expire (or at half their
/// lifetime, if that is shorter).
pub const REFRESH_MARGIN_SECS: i64 = 300;

/// Keys and the Unix time they expire at.
pub struct Temporary {
    /// The keys (with their session token).
    pub credential: Credential,
    /// When the service stops accepting them.
    pub expires_at: i64,
}

/// `TmpSecretId`, `TmpSecretKey` and `Token` as the metadata service and
/// STS send them (strings); the secrets are wiped when it is dropped.
#[derive(serde::Deserialize)]
pub(crate) struct TemporaryKeys {
    #[serde(rename = "TmpSecretId")]
    secret_id: String,
    #[serde(rename = "TmpSecretKey")]
    secret_key: String,
    #[serde(rename = "Token")]
    token: String,
}

impl Drop for TemporaryKeys {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.secret_key.zeroize();
        self.token.zeroize();
    }
}

impl TemporaryKeys {
    /// The keys, checked as every credential is.
    pub(crate) fn credential(&self) -> Result<Credential, Error> {
        Credential::new(&self.secret_id, &self.secret_key, Some(&self.token))
    }
}

/// What fetching keys may spend: the rest of the call's time, and its
/// cancel token.
#[derive(Clone, Copy)]
pub struct Budget<'a> {
    /// When the call (or the client's creation) must be done.
    pub deadline: Instant,
    /// Cancels the fetch with the call.
    pub cancel: Option<&'a CancelToken>,
}

/// A source of temporary keys.
pub trait Fetch: Send + Sync {
    /// Fresh keys, within `budget`. The error names the source and the cause
    /// and never holds a secret.
    fn fetch(&self, budget: Budget<'_>) -> Result<Temporary, Error>;
    /// The source, for messages and `credential_source` (no secret).
    fn describe(&self) -> String;
}

struct Cached {
    credential: Arc<Credential>,
    refresh_at: i64,
    expires_at: i64,
}

impl Cached {
    fn of(fresh: Temporary) -> Cached {
        let lifetime = (fresh.expires_at - now()).max(0);
        Cached {
            credential: Arc::new(fresh.credential),
            refresh_at: fresh.expires_at - REFRESH_MARGIN_SECS.min(lifetime / 2),
            expires_at: fresh.expires_at,
        }
    }
}

/// Keys of one [`Fetch`] source, refreshed before they expire.
pub struct Refreshing {
    source: Box<dyn Fetch>,
    cached: RwLock<Cached>,
    refreshing: Mutex<()>,
    logger: Logger,
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Refreshing {
    /// Fetches the first keys (within `budget`) and keeps `source` for the
    /// refreshes; warnings of failed refreshes go to `logger`.
    pub fn start(
        source: Box<dyn Fetch>,
        logger: Logger,
        budget: Budget<'_>,
    ) -> Result<Refreshing, Error> {
        let first = source.fetch(budget)?;
        Ok(Refreshing {
            source,
            cached: RwLock::new(Cached::of(first)),
            refreshing: Mutex::new(()),
            logger,
        })
    }

    /// The source, e.g. `STS AssumeRole qcs::cam::uin/1:roleName/ci over environment`.
    pub fn describe(&self) -> String {
        self.source.describe()
    }

    fn cached(&self) -> (Arc<Credential>, i64, i64) {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        (
            Arc::clone(&cached.credential),
            cached.refresh_at,
            cached.expires_at,
        )
    }

    /// The keys to sign with now: the cached ones until their refresh time;
    /// then one thread refreshes (within `budget`) while the others go on
    /// with the cached keys as long as they are valid. A refresh that fails
    /// while they are valid keeps them (and logs a warning); after they
    /// expired, the call fails with [`Error::Credentials`] naming the
    /// source. A cancelled refresh is [`Error::Cancelled`].
    pub fn current(&self, budget: Budget<'_>) -> Result<Arc<Credential>, Error> {
        let (credential, refresh_at, expires_at) = self.cached();
        if now() < refresh_at {
            return Ok(credential);
        }
        let _refreshing = match self.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                if now() < expires_at {
                    return Ok(credential); // another thread is refreshing
                }
                // Expired: nothing valid to go on with; wait for that refresh.
                self.refreshing.lock().unwrap_or_else(|e| e.into_inner())
            }
        };
        let (credential, refresh_at, expires_at) = self.cached();
        if now() < refresh_at {
            return Ok(credential); // refreshed while this thread waited
        }
        match self.source.fetch(budget) {
            Ok(fresh) => {
                let cached = Cached::of(fresh);
                let credential = Arc::clone(&cached.credential);
                *self.cached.write().unwrap_or_else(|e| e.into_inner()) = cached;
                Ok(credential)
            }
            Err(cancelled @ Error::Cancelled(_)) => Err(cancelled),
            Err(why) if now() < expires_at => {
                self.logger.warn(&format!(
                    "tcr: WARNING: could not refresh the temporary keys of {} ({why}); \
                     going on with the current ones, valid for {} s more",
                    self.source.describe(),
                    expires_at - now()
                ));
                Ok(credential)
            }
            Err(why) => Err(Error::Credentials(format!(
                "the temporary keys of {} expired and could not be refreshed: {why}",
                self.source.describe()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    /// Keys valid for `lifetime` seconds, counted; fails while `fail` is set.
    struct Counting {
        fetches: AtomicU32,
        lifetime: i64,
        fail: std::sync::atomic::AtomicBool,
        slow: Duration,
    }

    impl Fetch for Counting {
        fn fetch(&self, _: Budget<'_>) -> Result<Temporary, Error> {
            std::thread::sleep(self.slow);
            if self.fail.load(Ordering::SeqCst) {
                return Err(Error::Credentials("the source is down".into()));
            }
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Temporary {
                credential: Credential::new(&format!("AKIDTEMP{n}"), "key", Some("token"))?,
                expires_at: now() + self.lifetime,
            })
        }
        fn describe(&self) -> String {
            "a test source".into()
        }
    }

    fn budget() -> Budget<'static> {
        Budget {
            deadline: Instant::now() + Duration::from_secs(5),
            cancel: None,
        }
    }

    fn counting(lifetime: i64, slow_ms: u64) -> Arc<Counting> {
        Arc::new(Counting {
            fetches: AtomicU32::new(0),
            lifetime,
            fail: Default::default(),
            slow: Duration::from_millis(slow_ms),
        })
    }

    struct Shared(Arc<Counting>);
    impl Fetch for Shared {
        fn fetch(&self, budget: Budget<'_>) -> Result<Temporary, Error> {
            self.0.fetch(budget)
        }
        fn describe(&self) -> String {
            self.0.describe()
        }
    }

    #[test]
    fn keys_are_kept_until_their_refresh_time() {
        let source = counting(3600, 0);
        let keys = Refreshing::start(
            Box::new(Shared(source.clone())),
            Logger::default(),
            budget(),
        )
        .unwrap();
        for _ in 0..10 {
            assert_eq!(keys.current(budget()).unwrap().secret_id(), "AKIDTEMP1");
        }
        assert_eq!(source.fetches.load(Ordering::SeqCst), 1);
    }

    /// Keys whose refresh time has come (a second ago) and that stay valid
    /// `valid_for` seconds more (negative: expired), from `source`. Set
    /// directly rather than waited for: the times are whole seconds, so a
    /// sleep would land on either side of a second boundary.
    fn due(source: Arc<Counting>, valid_for: i64) -> Refreshing {
        Refreshing {
            source: Box::new(Shared(source)),
            cached: RwLock::new(Cached {
                credential: Arc::new(Credential::new("AKIDOLD", "key", Some("token")).unwrap()),
                refresh_at: now() - 1,
                expires_at: now() + valid_for,
            }),
            refreshing: Mutex::new(()),
            logger: Logger::default(),
        }
    }

    #[test]
    fn one_thread_refreshes_while_the_others_use_the_valid_keys() {
        let slow = counting(3600, 300);
        let keys = Arc::new(due(slow.clone(), 60));
        let started = Instant::now();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let keys = keys.clone();
                std::thread::spawn(move || {
                    let id = keys.current(budget()).unwrap().secret_id().to_owned();
                    (id, started.elapsed())
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            slow.fetches.load(Ordering::SeqCst),
            1,
            "exactly one refresh"
        );
        let went_on: Vec<_> = results.iter().filter(|(id, _)| id == "AKIDOLD").collect();
        assert_eq!(went_on.len(), 7, "{results:?}");
        assert!(
            went_on
                .iter()
                .all(|(_, took)| *took < Duration::from_millis(200)),
            "the others did not wait for the refresh: {results:?}"
        );
        assert_eq!(keys.current(budget()).unwrap().secret_id(), "AKIDTEMP1");
    }

    #[test]
    fn a_failed_refresh_keeps_valid_keys_and_fails_after_expiry() {
        let source = counting(3600, 0);
        source.fail.store(true, Ordering::SeqCst);
        let valid = due(source.clone(), 60);
        assert_eq!(valid.current(budget()).unwrap().secret_id(), "AKIDOLD");
        let expired = due(source.clone(), -1);
        match expired.current(budget()) {
            Err(Error::Credentials(m)) => {
                assert!(m.contains("a test source") && m.contains("expired"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        source.fail.store(false, Ordering::SeqCst);
        assert_eq!(expired.current(budget()).unwrap().secret_id(), "AKIDTEMP1");
    }
}
