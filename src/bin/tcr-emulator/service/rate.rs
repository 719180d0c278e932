//! The per-SecretId rate limit of the service (20 requests per second by
//! default), as token buckets.

use super::{reject, Emulator, Reject};
use std::time::Instant;

pub(super) struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Emulator {
    pub(super) fn check_rate(&self, secret_id: &str) -> Result<(), Reject> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap();
        let now = Instant::now();
        let bucket = buckets.entry(secret_id.to_owned()).or_insert(Bucket {
            tokens: self.rate,
            last: now,
        });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.last).as_secs_f64() * self.rate)
            .min(self.rate);
        bucket.last = now;
        if bucket.tokens < 1.0 {
            return Err(reject(
                "RequestLimitExceeded",
                format!(
                    "more than {} requests per second for this SecretId",
                    self.rate
                ),
            ));
        }
        bucket.tokens -= 1.0;
        Ok(())
    }
}
