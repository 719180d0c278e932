//! Temporary credentials of a CVM instance role, from the instance metadata
//! service. The role name is discovered once; its credentials are fetched
//! by [`RoleFetch`] and kept fresh by [`super::refresh::Refreshing`].

use super::refresh::{Budget, Fetch, Temporary, TemporaryKeys};
use crate::error::Error;
use serde::Deserialize;
use std::time::{Duration, Instant};
use zeroize::Zeroize;

/// The metadata service of a CVM instance.
pub const DEFAULT_METADATA_URL: &str = "http://metadata.tencentyun.com";
const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// Every metadata call gives up after this long (or the call's remaining
/// time, if shorter): off a CVM instance the service does not exist, and
/// the chain must not hang on it.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(1);
/// The largest metadata reply read (a role's credentials are under 2 KiB).
const MAX_METADATA_REPLY: u64 = 64 * 1024;

/// The metadata service's reply for a role: its keys and when they expire.
#[derive(Deserialize)]
struct RoleCredentials {
    #[serde(flatten)]
    keys: TemporaryKeys,
    #[serde(rename = "ExpiredTime")]
    expired_time: i64,
}

/// Fetches the CVM instance role's temporary credentials from the metadata service.
pub struct RoleFetch {
    base: String,
    role: String,
    http: reqwest::blocking::Client,
    /// What named this source, e.g. a tccli profile (empty: the chain).
    named_by: String,
}

impl RoleFetch {
    /// Discovers the role. `Err` says why (for the chain's "sources tried"
    /// message); `named_by` says what pointed here, for `describe`.
    pub fn discover(base: &str, named_by: &str) -> Result<RoleFetch, String> {
        let base = base.trim_end_matches('/').to_owned();
        let http = reqwest::blocking::Client::builder()
            .timeout(METADATA_TIMEOUT)
            .connect_timeout(METADATA_TIMEOUT)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        let roles = get(&http, &format!("{base}{ROLE_PATH}"), METADATA_TIMEOUT)?;
        let role = roles
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or("the instance has no CAM role")?
            .to_owned();
        if !role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@+=,".contains(&b))
        {
            return Err("the metadata service returned a malformed role name".into());
        }
        Ok(RoleFetch {
            base,
            role,
            http,
            named_by: named_by.to_owned(),
        })
    }
}

impl Fetch for RoleFetch {
    fn fetch(&self, budget: Budget<'_>) -> Result<Temporary, Error> {
        let timeout = budget
            .deadline
            .saturating_duration_since(Instant::now())
            .min(METADATA_TIMEOUT);
        if timeout < Duration::from_millis(1) {
            return Err(Error::Timeout(format!(
                "no time left to fetch the keys of {}",
                self.describe()
            )));
        }
        let text = zeroize::Zeroizing::new(
            get(
                &self.http,
                &format!("{}{ROLE_PATH}{}", self.base, self.role),
                timeout,
            )
            .map_err(|why| Error::Credentials(format!("{}: {why}", self.describe())))?,
        );
        let parsed: RoleCredentials = serde_json::from_str(&text).map_err(|_| {
            Error::Credentials(format!(
                "{}: the role's credentials are not the expected JSON",
                self.describe()
            ))
        })?;
        let credential = parsed.keys.credential().map_err(|e| {
            Error::Credentials(format!(
                "{}: the role's credentials are unusable: {e}",
                self.describe()
            ))
        })?;
        Ok(Temporary {
            credential,
            expires_at: parsed.expired_time,
        })
    }

    /// Where the credentials come from, e.g. `CVM role ci from http://...` (no secret).
    fn describe(&self) -> String {
        let named = if self.named_by.is_empty() {
            String::new()
        } else {
            format!(", named by {}", self.named_by)
        };
        format!("CVM role {} from {}{named}", self.role, self.base)
    }
}

fn get(http: &reqwest::blocking::Client, url: &str, timeout: Duration) -> Result<String, String> {
    use std::io::Read;
    let response = http
        .get(url)
        .timeout(timeout)
        .send()
        .map_err(|e| format!("{url} is unreachable ({})", short(&e)))?;
    let status = response.status();
    let mut text = String::new();
    response
        .take(MAX_METADATA_REPLY + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{url}: reading the reply failed ({e})"))?;
    if text.len() as u64 > MAX_METADATA_REPLY {
        text.zeroize();
        return Err(format!(
            "{url}: the reply is larger than {MAX_METADATA_REPLY} bytes"
        ));
    }
    if !status.is_success() {
        text.zeroize();
        return Err(format!("{url} answered HTTP {}", status.as_u16()));
    }
    Ok(text)
}

fn short(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "cannot connect".into()
    } else {
        e.to_string()
    }
}
