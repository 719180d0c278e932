//! The emulator's clock: the host's, shifted by an offset (`--clock-offset`,
//! `POST /_emulator/clock?offset=`), so that tests can run against a
//! service whose clock is minutes ahead of or behind the client's. The
//! signature window is checked against it and every reply's `Date` header
//! shows it, as a real server's does.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The offset set at start, which `reset` goes back to.
static INITIAL: AtomicI64 = AtomicI64::new(0);
static OFFSET: AtomicI64 = AtomicI64::new(0);

/// The largest offset accepted, in seconds either way (ten years).
pub const MAX_OFFSET: i64 = 10 * 366 * 86_400;

pub fn start_with(offset: i64) {
    INITIAL.store(offset, Ordering::Relaxed);
    OFFSET.store(offset, Ordering::Relaxed);
}

pub fn set_offset(offset: i64) {
    OFFSET.store(offset, Ordering::Relaxed);
}

pub fn offset() -> i64 {
    OFFSET.load(Ordering::Relaxed)
}

/// Back to the offset given at start.
pub fn reset() {
    set_offset(INITIAL.load(Ordering::Relaxed));
}

/// The emulated service's time.
pub fn system_now() -> SystemTime {
    let offset = offset();
    let now = SystemTime::now();
    let shift = Duration::from_secs(offset.unsigned_abs());
    if offset >= 0 {
        now + shift
    } else {
        now - shift
    }
}

/// The emulated service's time in seconds since the epoch.
pub fn now() -> i64 {
    system_now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The value of a reply's `Date` header.
pub fn http_date() -> String {
    httpdate::fmt_http_date(system_now())
}
