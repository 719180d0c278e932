//! Credentials: a secret id, a secret key and an optional session token, and
//! where they come from: explicit options, the environment, a profile file,
//! or the CVM instance role (tried in that order by [`resolve`]).
//!
//! The secret key and the session token live in [`Secret`], whose memory is
//! overwritten when it is dropped (zeroize) and whose `Debug` never shows
//! the value. Copies outside this library (the HTTP stack's header values,
//! Python and Go strings) cannot be wiped from here: a best effort.

pub mod metadata;
pub mod profile;

use crate::error::Error;
use crate::sign::SigningKey;
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

/// A secret string: wiped on drop, never printed.
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// A copy of `value`, wiped when dropped.
    pub fn new(value: &str) -> Secret {
        Secret(Zeroizing::new(value.to_owned()))
    }

    /// The bytes, for signing.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The text, for a header.
    pub fn expose_str(&self) -> &str {
        &self.0
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
/// Longest secret key accepted, in bytes.
pub const MAX_SECRET_KEY_LEN: usize = 128;
/// Longest session token accepted, in bytes.
pub const MAX_SESSION_TOKEN_LEN: usize = 4096;

/// A key pair, optionally temporary (with a session token).
pub struct Credential {
    secret_id: String,
    secret_key: Secret,
    session_token: Option<Secret>,
    /// The signing key of the last (UTC date, service) signed for: it is the
    /// same for every request of that day, so it is derived once a day
    /// instead of with three HMACs per request.
    signing_key: Mutex<Option<(String, &'static str, Arc<SigningKey>)>>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &self.secret_key)
            .field("session_token", &self.session_token)
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// Checks and wraps explicit credentials. Errors never repeat the values.
    pub fn new(
        secret_id: &str,
        secret_key: &str,
        session_token: Option<&str>,
    ) -> Result<Credential, Error> {
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
            signing_key: Mutex::new(None),
        })
    }

    /// The SecretId (not secret: it is sent in `Authorization`).
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The secret key.
    pub fn secret_key(&self) -> &Secret {
        &self.secret_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&Secret> {
        self.session_token.as_ref()
    }

    /// The signing key for `date` (UTC, `YYYY-MM-DD`) and `service`,
    /// derived on the first request of the day and then reused.
    pub fn signing_key(&self, date: &str, service: &'static str) -> Arc<SigningKey> {
        let mut cached = self.signing_key.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((d, s, key)) = cached.as_ref() {
            if d == date && *s == service {
                return Arc::clone(key);
            }
        }
        let key = Arc::new(SigningKey::derive(self.secret_key.expose(), date, service));
        *cached = Some((date.to_owned(), service, Arc::clone(&key)));
        key
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
        return Err(Error::Credentials(format!(
            "{field} is longer than {max} bytes"
        )));
    }
    if let Some(pos) = value
        .bytes()
        .position(|b| !(0x21..=0x7e).contains(&b) || forbidden.contains(&b))
    {
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

/// A source of environment variables: the process's, or a test's own map.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads the process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn env_value(env: Env<'_>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.is_empty())
}

/// What the caller configured about credentials.
#[derive(Clone, Copy, Default)]
pub struct Sources<'a> {
    /// Explicit SecretId (with `secret_key`).
    pub secret_id: Option<&'a str>,
    /// Explicit secret key (with `secret_id`).
    pub secret_key: Option<&'a str>,
    /// Session token of explicit temporary credentials.
    pub session_token: Option<&'a str>,
    /// Section of the profile file; else `TENCENTCLOUD_PROFILE`, else `default`.
    pub profile: Option<&'a str>,
    /// Profile file; else `TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`.
    pub credentials_file: Option<&'a str>,
    /// Base URL of the CVM metadata service; else [`metadata::DEFAULT_METADATA_URL`].
    pub metadata_url: Option<&'a str>,
    /// Skip the CVM role (the last source).
    pub disable_metadata: bool,
}

impl<'a> Sources<'a> {
    /// An explicit key pair (the first source of the chain).
    pub fn explicit(secret_id: &'a str, secret_key: &'a str) -> Sources<'a> {
        Sources {
            secret_id: Some(secret_id),
            secret_key: Some(secret_key),
            ..Sources::default()
        }
    }
}

impl std::fmt::Debug for Sources<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &self.secret_key.map(|_| "<redacted>"))
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .field("profile", &self.profile)
            .field("credentials_file", &self.credentials_file)
            .field("metadata_url", &self.metadata_url)
            .field("disable_metadata", &self.disable_metadata)
            .finish()
    }
}

/// Where a client's credentials come from. Static ones never change; a CVM
/// role's are refreshed before they expire, safely under concurrent use.
pub enum Provider {
    /// Keys that never change: explicit, environment or profile file.
    Static {
        /// The keys.
        credential: Arc<Credential>,
        /// Where they came from, e.g. `environment`.
        source: String,
    },
    /// The CVM instance role's temporary keys.
    Role(metadata::RoleProvider),
}

impl Provider {
    /// The credentials to sign the next request with.
    pub fn current(&self) -> Result<Arc<Credential>, Error> {
        match self {
            Provider::Static { credential, .. } => Ok(Arc::clone(credential)),
            Provider::Role(role) => role.current(),
        }
    }

    /// Which source was chosen, for diagnostics.
    pub fn source(&self) -> String {
        match self {
            Provider::Static { source, .. } => source.clone(),
            Provider::Role(role) => role.describe(),
        }
    }
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Provider::Static { credential, source } => f
                .debug_struct("Static")
                .field("source", source)
                .field("credential", credential)
                .finish(),
            Provider::Role(role) => f.debug_tuple("Role").field(&role.describe()).finish(),
        }
    }
}

fn fixed(credential: Credential, source: String) -> Provider {
    Provider::Static {
        credential: Arc::new(credential),
        source,
    }
}

fn half_set(source: &str, present: &str, missing: &str) -> Error {
    Error::Credentials(format!(
        "{source}: {present} is set but {missing} is not; set both or neither"
    ))
}

/// Tries, in order, the explicit options, the environment, the profile file
/// and the CVM role, and stops at the first that yields a key pair. A source
/// that is half set (an id without a key) is an error, not a skip. When none
/// yields credentials the error names every source tried.
pub fn resolve(sources: &Sources<'_>, env: Env<'_>) -> Result<Provider, Error> {
    let mut tried = Vec::new();

    match (sources.secret_id, sources.secret_key) {
        (Some(id), Some(key)) => {
            return Ok(fixed(
                Credential::new(id, key, sources.session_token)?,
                "explicit options".into(),
            ))
        }
        (Some(_), None) => return Err(half_set("explicit options", "secret_id", "secret_key")),
        (None, Some(_)) => return Err(half_set("explicit options", "secret_key", "secret_id")),
        (None, None) if sources.session_token.is_some() => {
            return Err(half_set(
                "explicit options",
                "session_token",
                "secret_id and secret_key",
            ))
        }
        (None, None) => tried.push("explicit options (not set)".to_owned()),
    }

    let (id, key) = (
        env_value(env, "TENCENTCLOUD_SECRET_ID"),
        env_value(env, "TENCENTCLOUD_SECRET_KEY"),
    );
    match (&id, &key) {
        (Some(id), Some(key)) => {
            let token = env_value(env, "TENCENTCLOUD_SESSION_TOKEN")
                .or_else(|| env_value(env, "TENCENTCLOUD_TOKEN"));
            let credential = Credential::new(id, key, token.as_deref())
                .map_err(|e| Error::Credentials(format!("environment: {e}")))?;
            return Ok(fixed(credential, "environment".into()));
        }
        (Some(_), None) => {
            return Err(half_set(
                "environment",
                "TENCENTCLOUD_SECRET_ID",
                "TENCENTCLOUD_SECRET_KEY",
            ))
        }
        (None, Some(_)) => {
            return Err(half_set(
                "environment",
                "TENCENTCLOUD_SECRET_KEY",
                "TENCENTCLOUD_SECRET_ID",
            ))
        }
        (None, None) => tried.push(
            "environment TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (not set)".to_owned(),
        ),
    }

    if let Some(provider) = from_profile_file(sources, env, &mut tried)? {
        return Ok(provider);
    }

    if sources.disable_metadata {
        tried.push("CVM role metadata (disabled)".to_owned());
    } else {
        let base = sources
            .metadata_url
            .unwrap_or(metadata::DEFAULT_METADATA_URL);
        match metadata::RoleProvider::discover(base) {
            Ok(role) => return Ok(Provider::Role(role)),
            Err(why) => tried.push(format!("CVM role metadata ({why})")),
        }
    }
    Err(Error::Credentials(format!(
        "no credentials found; tried: {}",
        tried.join("; ")
    )))
}

fn from_profile_file(
    sources: &Sources<'_>,
    env: Env<'_>,
    tried: &mut Vec<String>,
) -> Result<Option<Provider>, Error> {
    let (path, path_named) = match sources
        .credentials_file
        .map(str::to_owned)
        .or_else(|| env_value(env, "TENCENTCLOUD_CREDENTIALS_FILE"))
    {
        Some(path) => (path, true),
        None => match env_value(env, "HOME") {
            Some(home) => (
                format!("{}/.tencentcloud/credentials", home.trim_end_matches('/')),
                false,
            ),
            None => {
                tried.push("profile file (no HOME to find ~/.tencentcloud/credentials)".to_owned());
                return Ok(None);
            }
        },
    };
    let (section_name, section_named) = match sources
        .profile
        .map(str::to_owned)
        .or_else(|| env_value(env, "TENCENTCLOUD_PROFILE"))
    {
        Some(name) => (name, true),
        None => ("default".to_owned(), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path_named => {
            tried.push(format!("profile file {path} (not found)"));
            return Ok(None);
        }
        Err(e) => return Err(Error::Credentials(format!("profile file {path}: {e}"))),
    };
    let section = profile::find_section(&text, &section_name)
        .map_err(|e| Error::Credentials(format!("profile file {path}: {e}")))?;
    let Some(section) = section else {
        if section_named {
            return Err(Error::Credentials(format!(
                "profile file {path} has no [{section_name}] section"
            )));
        }
        tried.push(format!("profile file {path} (no [{section_name}] section)"));
        return Ok(None);
    };
    let source = format!("profile file {path} [{section_name}]");
    match (section.secret_id.as_deref(), section.secret_key.as_deref()) {
        (Some(id), Some(key)) => {
            let credential = Credential::new(id, key, section.token.as_deref())
                .map_err(|e| Error::Credentials(format!("{source}: {e}")))?;
            Ok(Some(fixed(credential, source)))
        }
        (Some(_), None) => Err(half_set(&source, "secret_id", "secret_key")),
        (None, Some(_)) => Err(half_set(&source, "secret_key", "secret_id")),
        (None, None) => Err(Error::Credentials(format!(
            "{source} has neither secret_id nor secret_key"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn no_metadata<'a>() -> Sources<'a> {
        Sources {
            disable_metadata: true,
            ..Default::default()
        }
    }

    fn chosen(
        sources: &Sources,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> (String, String, Option<String>) {
        let provider = resolve(sources, env).unwrap();
        let c = provider.current().unwrap();
        (
            provider.source(),
            c.secret_id().to_owned(),
            c.session_token().map(|t| t.expose_str().to_owned()),
        )
    }

    #[test]
    fn explicit_options_win_over_everything() {
        let env = env_of(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "envkey"),
        ]);
        let s = Sources {
            secret_id: Some("AKIDexplicit"),
            secret_key: Some("k"),
            ..no_metadata()
        };
        assert_eq!(chosen(&s, &env).1, "AKIDexplicit");
    }

    #[test]
    fn environment_with_either_token_spelling() {
        let env = env_of(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "envkey"),
            ("TENCENTCLOUD_TOKEN", "tccli-token"),
        ]);
        assert_eq!(
            chosen(&no_metadata(), &env),
            (
                "environment".into(),
                "AKIDenv".into(),
                Some("tccli-token".into())
            )
        );
        let env = env_of(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "envkey"),
            ("TENCENTCLOUD_SESSION_TOKEN", "sdk-token"),
            ("TENCENTCLOUD_TOKEN", "tccli-token"),
        ]);
        assert_eq!(chosen(&no_metadata(), &env).2, Some("sdk-token".into()));
    }

    #[test]
    fn half_set_sources_are_errors_not_skips() {
        // (sources, environment, what the error names)
        type Case<'a> = (Sources<'a>, Vec<(&'a str, &'a str)>, &'a str);
        let cases: Vec<Case> = vec![
            (
                Sources {
                    secret_id: Some("AKID"),
                    ..no_metadata()
                },
                vec![],
                "secret_id is set but secret_key is not",
            ),
            (
                Sources {
                    secret_key: Some("k"),
                    ..no_metadata()
                },
                vec![],
                "secret_key is set but secret_id is not",
            ),
            (
                Sources {
                    session_token: Some("t"),
                    ..no_metadata()
                },
                vec![],
                "session_token is set",
            ),
            (
                no_metadata(),
                vec![("TENCENTCLOUD_SECRET_ID", "AKID")],
                "TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not",
            ),
            (
                no_metadata(),
                vec![("TENCENTCLOUD_SECRET_KEY", "k")],
                "TENCENTCLOUD_SECRET_KEY is set but",
            ),
        ];
        for (sources, pairs, expected) in cases {
            let env = env_of(&pairs);
            match resolve(&sources, &env) {
                Err(Error::Credentials(msg)) => assert!(msg.contains(expected), "{msg}"),
                other => panic!("{expected}: {other:?}"),
            }
        }
    }

    #[test]
    fn profile_file_default_named_and_env_selected_sections() {
        let dir = std::env::temp_dir().join(format!("tcr-profile-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".tencentcloud")).unwrap();
        let home_file = dir.join(".tencentcloud/credentials");
        std::fs::write(
            &home_file,
            "[default]
secret_id = AKIDdefault
secret_key = k1
[ci]
secret_id = AKIDci
secret_key = k2
token = t2
[half]
secret_id = AKIDhalf
",
        )
        .unwrap();
        let home = dir.to_str().unwrap();
        let env = env_of(&[("HOME", home)]);
        assert_eq!(chosen(&no_metadata(), &env).1, "AKIDdefault");
        let s = Sources {
            profile: Some("ci"),
            ..no_metadata()
        };
        assert_eq!(chosen(&s, &env).2, Some("t2".into()));
        let env = env_of(&[("HOME", home), ("TENCENTCLOUD_PROFILE", "ci")]);
        assert_eq!(chosen(&no_metadata(), &env).1, "AKIDci");
        let env = env_of(&[("HOME", home), ("TENCENTCLOUD_PROFILE", "half")]);
        assert!(
            matches!(resolve(&no_metadata(), &env), Err(Error::Credentials(m)) if m.contains("secret_id is set but secret_key"))
        );
        let env = env_of(&[("HOME", home), ("TENCENTCLOUD_PROFILE", "nope")]);
        assert!(
            matches!(resolve(&no_metadata(), &env), Err(Error::Credentials(m)) if m.contains("no [nope] section"))
        );
        // An explicitly named file that does not exist is an error.
        let env = env_of(&[(
            "TENCENTCLOUD_CREDENTIALS_FILE",
            "/nonexistent/tcr/credentials",
        )]);
        assert!(
            matches!(resolve(&no_metadata(), &env), Err(Error::Credentials(m)) if m.contains("/nonexistent/tcr/credentials"))
        );
        // The environment comes before the file.
        let env = env_of(&[
            ("HOME", home),
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "k"),
        ]);
        assert_eq!(chosen(&no_metadata(), &env).1, "AKIDenv");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nothing_found_names_every_source_tried() {
        let env = env_of(&[("HOME", "/nonexistent-home")]);
        let s = Sources {
            metadata_url: Some("http://127.0.0.1:9"),
            ..Default::default()
        };
        match resolve(&s, &env) {
            Err(Error::Credentials(msg)) => {
                for part in [
                    "explicit options",
                    "TENCENTCLOUD_SECRET_ID",
                    "/nonexistent-home/.tencentcloud/credentials",
                    "CVM role metadata",
                    "127.0.0.1:9",
                ] {
                    assert!(msg.contains(part), "{part} missing from {msg}");
                }
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credential::new(
            "AKIDexample",
            "s3cr3t-key-value",
            Some("session-token-value"),
        )
        .unwrap();
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
        assert!(Credential::new("", "k", None)
            .unwrap_err()
            .to_string()
            .contains("secret_id is empty"));
        assert!(Credential::new("AKID", "k", Some("tok\r\nX: y"))
            .unwrap_err()
            .to_string()
            .contains("session_token"));
    }

    #[test]
    fn empty_session_token_means_none() {
        let c = Credential::new("AKID", "key", Some("")).unwrap();
        assert!(c.session_token().is_none());
    }

    #[test]
    fn the_signing_key_is_derived_once_per_day() {
        let c = Credential::new("AKID", "key", None).unwrap();
        let a = c.signing_key("2024-01-01", "tcr");
        let b = c.signing_key("2024-01-01", "tcr");
        assert!(Arc::ptr_eq(&a, &b), "reused within the day");
        let next_day = c.signing_key("2024-01-02", "tcr");
        assert!(!Arc::ptr_eq(&a, &next_day), "derived again the next day");
        let input = crate::sign::SignInput {
            method: "POST",
            host: "h",
            content_type: "application/json",
            payload: b"{}",
            timestamp: 1_704_153_600, // 2024-01-02
            service: "tcr",
        };
        assert_eq!(
            crate::sign::signature_with_key(&input, "2024-01-02", &next_day),
            crate::sign::signature(&input, b"key")
        );
    }
}
