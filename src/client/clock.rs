//! The time requests are signed with: the local clock plus an offset the
//! client learns from the service when the service says a signature has
//! expired.
//!
//! TC3 signatures carry `X-TC-Timestamp`, and the service refuses one more
//! than 5 minutes from its own clock with `AuthFailure.SignatureExpire`. A
//! host whose clock drifted (no NTP, a VM resumed from suspend) would get
//! that answer on every call. The reply's `Date` header carries the
//! service's time, so the client keeps `server - local` in seconds and adds
//! it to every later timestamp, from any thread. Only a reply with that
//! error code and a valid `Date` changes the offset, and never by more than
//! [`MAX_CLOCK_OFFSET`] from the local clock.

use reqwest::header::HeaderMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The service's error code for a timestamp outside its 5-minute window.
pub const SIGNATURE_EXPIRED: &str = "AuthFailure.SignatureExpire";

/// The largest correction accepted, in seconds either way (24 h): a `Date`
/// further off than that is more likely a broken proxy than a clock.
pub const MAX_CLOCK_OFFSET: i64 = 24 * 60 * 60;

/// The offset shared by every call of one client.
#[derive(Debug, Default)]
pub(super) struct Clock {
    offset: AtomicI64,
}

/// What [`Clock::learn`] did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Learned {
    /// The offset is now this many seconds.
    Offset(i64),
    /// The service's time is this many seconds away, beyond
    /// [`MAX_CLOCK_OFFSET`]; the offset was left as it was.
    Refused(i64),
}

impl Clock {
    /// The time to sign with, in seconds since the Unix epoch.
    pub(super) fn now(&self) -> i64 {
        local_now().saturating_add(self.offset())
    }

    /// Seconds to add to the local clock: the service's minus ours.
    pub(super) fn offset(&self) -> i64 {
        self.offset.load(Ordering::Relaxed)
    }

    /// Takes the service's time (a `Date` header, in seconds since the
    /// epoch) as the truth, unless it is more than [`MAX_CLOCK_OFFSET`] away.
    pub(super) fn learn(&self, server_time: i64) -> Learned {
        self.learn_at(server_time, local_now())
    }

    fn learn_at(&self, server_time: i64, local: i64) -> Learned {
        let offset = server_time.saturating_sub(local);
        if offset.unsigned_abs() > MAX_CLOCK_OFFSET.unsigned_abs() {
            return Learned::Refused(offset);
        }
        self.offset.store(offset, Ordering::Relaxed);
        Learned::Offset(offset)
    }
}

/// The time in a reply's `Date` header (RFC 9110's IMF-fixdate, or one of
/// the two obsolete forms), in seconds since the epoch; `None` when there
/// is no such header, there are several, or it does not parse.
pub(super) fn server_time(headers: &HeaderMap) -> Option<i64> {
    let mut dates = headers.get_all(reqwest::header::DATE).iter();
    let date = dates.next()?;
    if dates.next().is_some() {
        return None;
    }
    let time = httpdate::parse_http_date(date.to_str().ok()?).ok()?;
    let seconds = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(seconds).ok()
}

fn local_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn with_dates(dates: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for date in dates {
            headers.append(reqwest::header::DATE, HeaderValue::from_str(date).unwrap());
        }
        headers
    }

    #[test]
    fn the_date_header_is_read_in_every_http_form() {
        // 2023-11-14T22:13:20Z, worked out by hand: 19675 days after the
        // epoch, plus 22 h 13 min 20 s.
        let expected = 19_675 * 86_400 + 22 * 3600 + 13 * 60 + 20;
        assert_eq!(expected, 1_700_000_000);
        for date in [
            "Tue, 14 Nov 2023 22:13:20 GMT",
            "Tuesday, 14-Nov-23 22:13:20 GMT",
            "Tue Nov 14 22:13:20 2023",
        ] {
            assert_eq!(server_time(&with_dates(&[date])), Some(expected), "{date}");
        }
    }

    #[test]
    fn a_missing_repeated_or_malformed_date_gives_nothing() {
        assert_eq!(server_time(&HeaderMap::new()), None);
        for bad in [
            "",
            "yesterday",
            "Tue, 14 Nov 2023 25:13:20 GMT",
            "Tue, 14 Nov 2023 22:13:20 PST",
            "1700000000",
        ] {
            assert_eq!(server_time(&with_dates(&[bad])), None, "{bad:?}");
        }
        let two = with_dates(&[
            "Tue, 14 Nov 2023 22:13:20 GMT",
            "Wed, 15 Nov 2023 22:13:20 GMT",
        ]);
        assert_eq!(server_time(&two), None);
    }

    #[test]
    fn the_offset_is_learned_within_a_day_and_refused_beyond() {
        let clock = Clock::default();
        let local = 1_700_000_000;
        assert_eq!(clock.learn_at(local + 900, local), Learned::Offset(900));
        assert_eq!(clock.offset(), 900);
        assert_eq!(clock.learn_at(local - 600, local), Learned::Offset(-600));
        assert_eq!(clock.offset(), -600);
        assert_eq!(
            clock.learn_at(local + MAX_CLOCK_OFFSET, local),
            Learned::Offset(86_400)
        );
        assert_eq!(
            clock.learn_at(local + MAX_CLOCK_OFFSET + 1, local),
            Learned::Refused(86_401)
        );
        assert_eq!(
            clock.learn_at(local - MAX_CLOCK_OFFSET - 1, local),
            Learned::Refused(-86_401)
        );
        assert_eq!(clock.learn_at(i64::MIN, local), Learned::Refused(i64::MIN));
        // A refusal leaves the last good offset.
        assert_eq!(clock.offset(), 86_400);
    }

    #[test]
    fn signing_time_is_the_local_clock_plus_the_offset() {
        let clock = Clock::default();
        let before = local_now();
        let now = clock.now();
        assert!(now >= before && now <= local_now());
        clock.learn_at(before - 300, before);
        let shifted = clock.now();
        assert!(shifted >= before - 300 && shifted <= local_now() - 300);
    }
}
