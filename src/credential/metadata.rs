//! Temporary credentials of a CVM instance role, from the instance metadata
//! service. The role name is discovered once; its credentials are cached and
//! refreshed before they expire, by one thread at a time.

use super::Credential;
use crate::error::Error;
use serde::Deserialize;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zeroize::Zeroize;

/// The metadata service of a CVM instance.
pub const DEFAULT_METADATA_URL: &str = "http://metadata.tencentyun.com";
const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// Every metadata call gives up after this long: off a CVM instance the
/// service does not exist, and the chain must not hang on it.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(1);
/// Credentials are refreshed this long before they expire (or at half their
/// lifetime, if that is shorter).
pub const REFRESH_MARGIN_SECS: i64 = 300;

#[derive(Deserialize)]
struct RoleCredentials {
    #[serde(rename = "TmpSecretId")]
    secret_id: String,
    #[serde(rename = "TmpSecretKey")]
    secret_key: String,
    #[serde(rename = "Token")]
    token: String,
    #[serde(rename = "ExpiredTime")]
    expired_time: i64,
}

impl Drop for RoleCredentials {
    fn drop(&mut self) {
        for value in [&mut self.secret_key, &mut self.token] {
            value.zeroize();
        }
    }
}

struct Cached {
    credential: Arc<Credential>,
    refresh_at: i64,
    expires_at: i64,
}

/// Temporary credentials of the CVM instance role, fetched from the metadata service and refreshed before they expire.
pub struct RoleProvider {
    base: String,
    role: String,
    http: reqwest::blocking::Client,
    cached: RwLock<Cached>,
    refreshing: Mutex<()>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl RoleProvider {
    /// Discovers the role and fetches its first credentials. `Err` says why
    /// (for the chain's "sources tried" message).
    pub fn discover(base: &str) -> Result<RoleProvider, String> {
        let base = base.trim_end_matches('/').to_owned();
        let http = reqwest::blocking::Client::builder()
            .timeout(METADATA_TIMEOUT)
            .connect_timeout(METADATA_TIMEOUT)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        let roles = get(&http, &format!("{base}{ROLE_PATH}"))?;
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
        let first = fetch(&http, &base, &role)?;
        Ok(RoleProvider {
            base,
            role,
            http,
            cached: RwLock::new(first),
            refreshing: Mutex::new(()),
        })
    }

    /// Where the credentials come from, e.g. `CVM role "name"` (no secret).
    pub fn describe(&self) -> String {
        format!("CVM role {} from {}", self.role, self.base)
    }

    /// The current credentials, refreshed first if they are close to expiry.
    pub fn current(&self) -> Result<Arc<Credential>, Error> {
        {
            let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
            if now() < cached.refresh_at {
                return Ok(Arc::clone(&cached.credential));
            }
        }
        // One thread refreshes; the others wait for it and use its result.
        let _refreshing = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        {
            let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
            if now() < cached.refresh_at {
                return Ok(Arc::clone(&cached.credential));
            }
        }
        match fetch(&self.http, &self.base, &self.role) {
            Ok(fresh) => {
                let credential = Arc::clone(&fresh.credential);
                *self.cached.write().unwrap_or_else(|e| e.into_inner()) = fresh;
                Ok(credential)
            }
            Err(why) => {
                let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
                if now() < cached.expires_at {
                    // Still valid: use it and try again on the next call.
                    Ok(Arc::clone(&cached.credential))
                } else {
                    Err(Error::Credentials(format!(
                        "the credentials of CVM role {} expired and could not be refreshed: {why}",
                        self.role
                    )))
                }
            }
        }
    }
}

fn get(http: &reqwest::blocking::Client, url: &str) -> Result<String, String> {
    let response = http
        .get(url)
        .send()
        .map_err(|e| format!("{url} is unreachable ({})", short(&e)))?;
    let status = response.status();
    let text = response
        .text()
        .map_err(|e| format!("{url}: reading the reply failed ({})", short(&e)))?;
    if !status.is_success() {
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

fn fetch(http: &reqwest::blocking::Client, base: &str, role: &str) -> Result<Cached, String> {
    let text = get(http, &format!("{base}{ROLE_PATH}{role}"))?;
    let parsed: RoleCredentials = serde_json::from_str(&text)
        .map_err(|_| "the role's credentials are not the expected JSON".to_owned())?;
    let credential = Credential::new(&parsed.secret_id, &parsed.secret_key, Some(&parsed.token))
        .map_err(|e| format!("the role's credentials are unusable: {e}"))?;
    let fetched = now();
    let lifetime = (parsed.expired_time - fetched).max(0);
    Ok(Cached {
        credential: Arc::new(credential),
        refresh_at: parsed.expired_time - REFRESH_MARGIN_SECS.min(lifetime / 2),
        expires_at: parsed.expired_time,
    })
}
