//! Credentials: a secret id, a secret key and an optional session token.
//!
//! The secret key and the session token live in [`Secret`], whose memory is
//! overwritten when it is dropped and whose `Debug` never shows the value.

use crate::error::Error;

/// Overwrites a buffer with zeros in a way the optimiser may not remove.
pub(crate) fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // SAFETY: `b` is a valid, exclusive reference to one byte.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// A secret string: wiped on drop, never printed.
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(value: &str) -> Secret {
        Secret(value.as_bytes().to_vec())
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The value as text; it was built from a `&str`, so it is UTF-8.
    pub fn expose_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("Secret is built from UTF-8")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The longest secret id, key or session token accepted. Real ones are far
/// shorter (36, 32 and a few hundred bytes); the bound keeps headers sane.
pub const MAX_SECRET_ID_LEN: usize = 128;
pub const MAX_SECRET_KEY_LEN: usize = 128;
pub const MAX_SESSION_TOKEN_LEN: usize = 4096;

/// A key pair, optionally temporary (with a session token).
#[derive(Debug)]
pub struct Credential {
    secret_id: String,
    secret_key: Secret,
    session_token: Option<Secret>,
}

impl Credential {
    /// Checks and wraps explicit credentials. Errors never repeat the values.
    pub fn new(secret_id: &str, secret_key: &str, session_token: Option<&str>) -> Result<Credential, Error> {
        // The id sits inside `Credential=<id>/<date>/...,` so it may not hold
        // the separators of that header.
        check_header_safe("secret_id", secret_id, MAX_SECRET_ID_LEN, false, b",/")?;
        check_header_safe("secret_key", secret_key, MAX_SECRET_KEY_LEN, false, b"")?;
        if let Some(token) = session_token {
            check_header_safe("session_token", token, MAX_SESSION_TOKEN_LEN, true, b"")?;
        }
        Ok(Credential {
            secret_id: secret_id.to_owned(),
            secret_key: Secret::new(secret_key),
            session_token: session_token.filter(|t| !t.is_empty()).map(Secret::new),
        })
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    pub fn secret_key(&self) -> &Secret {
        &self.secret_key
    }

    pub fn session_token(&self) -> Option<&Secret> {
        self.session_token.as_ref()
    }
}

/// Credentials go into HTTP headers (the id inside `Authorization`, the token
/// as `X-TC-Token`) or an HMAC key, so they must be visible ASCII without
/// spaces, and without the bytes in `forbidden`. The message names the field
/// and the rule, never the value.
fn check_header_safe(
    field: &'static str,
    value: &str,
    max: usize,
    empty_ok: bool,
    forbidden: &[u8],
) -> Result<(), Error> {
    if value.is_empty() {
        if empty_ok {
            return Ok(());
        }
        return Err(Error::Credentials(format!("{field} is empty")));
    }
    if value.len() > max {
        return Err(Error::Credentials(format!("{field} is longer than {max} bytes")));
    }
    if let Some(pos) = value.bytes().position(|b| !(0x21..=0x7e).contains(&b) || forbidden.contains(&b)) {
        let extra = if forbidden.is_empty() {
            String::new()
        } else {
            format!(" other than {:?}", String::from_utf8_lossy(forbidden))
        };
        return Err(Error::Credentials(format!(
            "{field} has a byte at offset {pos} that is not allowed (only visible ASCII{extra})"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credential::new("AKIDexample", "s3cr3t-key-value", Some("session-token-value")).unwrap();
        let shown = format!("{c:?}");
        assert!(shown.contains("AKIDexample"));
        assert!(!shown.contains("s3cr3t-key-value"));
        assert!(!shown.contains("session-token-value"));
    }

    #[test]
    fn errors_name_the_field_not_the_value() {
        let err = Credential::new("AKID", "bad key with spaces", None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("secret_key"), "{text}");
        assert!(!text.contains("bad key with spaces"), "{text}");
        assert!(Credential::new("", "k", None).unwrap_err().to_string().contains("secret_id is empty"));
        assert!(Credential::new("AKID", "k", Some("tok\r\nX: y")).unwrap_err().to_string().contains("session_token"));
    }

    #[test]
    fn empty_session_token_means_none() {
        let c = Credential::new("AKID", "key", Some("")).unwrap();
        assert!(c.session_token().is_none());
    }

    #[test]
    fn wipe_zeroes() {
        let mut v = b"secret".to_vec();
        wipe(&mut v);
        assert_eq!(v, vec![0u8; 6]);
    }
}
