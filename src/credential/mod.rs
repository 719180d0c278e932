//! Credentials: a secret id, a secret key and an optional session token, and
//! where they come from: explicit options, the environment, the SDK profile
//! file, tccli's profile, the CVM instance role, TKE workload identity
//! (tried in that order by `resolve`, the order docs/behaviour.md states
//! and explains), with an STS role assumed over them when one is named.
//!
//! The secret key and the session token live in [`Secret`], whose memory is
//! overwritten when it is dropped (zeroize) and whose `Debug` never shows
//! the value. Copies outside this library (the HTTP stack's header values,
//! Python and Go strings) cannot be wiped from here: a best effort.

pub mod metadata;
pub mod profile;
pub mod refresh;
pub mod sts;
pub mod tccli;

use crate::error::Error;
use crate::log::Logger;
use crate::sign::SigningKey;
use refresh::{Budget, Refreshing};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;
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

pub use crate::config::Env;

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
    /// Skip the CVM role.
    pub disable_metadata: bool,
    /// A role to assume (STS `AssumeRole`) over the credentials the chain
    /// found; with the two OIDC options, the role of explicit workload
    /// identity instead.
    pub role_arn: Option<&'a str>,
    /// `RoleSessionName` of any role assumed; default `tcr-<unix time>`.
    pub role_session_name: Option<&'a str>,
    /// Lifetime of a role's keys in seconds, 1 to 43,200; default 7,200.
    pub role_duration: Option<u32>,
    /// Explicit workload identity: the OIDC provider id (with
    /// `web_identity_token_file` and `role_arn`).
    pub oidc_provider_id: Option<&'a str>,
    /// Explicit workload identity: the file holding the OIDC token, read
    /// again at each refresh.
    pub web_identity_token_file: Option<&'a str>,
    /// STS's endpoint; else `TCR_STS_ENDPOINT`, else `sts.tencentcloudapi.com`.
    pub sts_endpoint: Option<&'a str>,
    /// tccli's directory; default `~/.tccli`.
    pub tccli_dir: Option<&'a str>,
    /// Only this source of the chain: `explicit`, `environment`, `profile`,
    /// `tccli`, `cvm-role` or `tke-oidc`.
    pub source: Option<&'a str>,
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
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("role_duration", &self.role_duration)
            .field("oidc_provider_id", &self.oidc_provider_id)
            .field("web_identity_token_file", &self.web_identity_token_file)
            .field("sts_endpoint", &self.sts_endpoint)
            .field("tccli_dir", &self.tccli_dir)
            .field("source", &self.source)
            .finish()
    }
}

/// Where a client's credentials come from. Static ones never change;
/// temporary ones (a CVM role's, an STS role's) are refreshed before they
/// expire, safely under concurrent use.
#[derive(Clone)]
pub enum Provider {
    /// Keys that never change: explicit, environment or a profile.
    Static {
        /// The keys.
        credential: Arc<Credential>,
        /// Where they came from, e.g. `environment`.
        source: String,
    },
    /// Temporary keys, refreshed before they expire.
    Refreshing(Arc<Refreshing>),
}

impl Provider {
    /// The credentials to sign the next request with; a refresh that is due
    /// spends at most `budget` (the call's time and cancel token).
    pub fn current(&self, budget: Budget<'_>) -> Result<Arc<Credential>, Error> {
        match self {
            Provider::Static { credential, .. } => Ok(Arc::clone(credential)),
            Provider::Refreshing(keys) => keys.current(budget),
        }
    }

    /// Which source was chosen, for diagnostics (never a secret).
    pub fn source(&self) -> String {
        match self {
            Provider::Static { source, .. } => source.clone(),
            Provider::Refreshing(keys) => keys.describe(),
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
            Provider::Refreshing(keys) => {
                f.debug_tuple("Refreshing").field(&keys.describe()).finish()
            }
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

/// The sources of the chain, in its order (names of `Sources::source`).
pub const SOURCES: [&str; 6] = [
    "explicit",
    "environment",
    "profile",
    "tccli",
    "cvm-role",
    "tke-oidc",
];

/// What resolving needs besides the options: the environment, where
/// warnings go, how to reach STS, the client's region, and the time the
/// first fetch of temporary keys may take.
pub(crate) struct Context<'a> {
    pub env: Env<'a>,
    pub logger: &'a Logger,
    pub transport: &'a crate::transport::Settings,
    pub region: &'a str,
    pub deadline: Instant,
    pub sts: OnceLock<Result<Arc<sts::Sts>, Error>>,
}

impl Context<'_> {
    fn budget(&self) -> Budget<'static> {
        Budget {
            deadline: self.deadline,
            cancel: None,
        }
    }

    fn sts(&self, sources: &Sources<'_>) -> Result<Arc<sts::Sts>, Error> {
        self.sts
            .get_or_init(|| {
                // TCR_STS_ENDPOINT as TCR_ENDPOINT is for TCR (docs/behaviour.md).
                let from_env = env_value(self.env, "TCR_STS_ENDPOINT");
                let endpoint = sources
                    .sts_endpoint
                    .or(from_env.as_deref())
                    .unwrap_or(sts::DEFAULT_ENDPOINT);
                sts::Sts::new(endpoint, self.transport).map(Arc::new)
            })
            .clone()
    }

    /// Temporary keys of `fetch`, fetched once now.
    fn refreshing(&self, fetch: Box<dyn refresh::Fetch>) -> Result<Provider, Error> {
        Refreshing::start(fetch, self.logger.clone(), self.budget())
            .map(|keys| Provider::Refreshing(Arc::new(keys)))
    }

    /// `base`'s keys with `role` assumed over them.
    fn assume(
        &self,
        sources: &Sources<'_>,
        base: Provider,
        role: sts::Role,
    ) -> Result<Provider, Error> {
        let fetch = sts::AssumeRole {
            sts: self.sts(sources)?,
            region: self.region.to_owned(),
            role,
            base,
        };
        self.refreshing(Box::new(fetch))
    }
}

/// A role named by a source (`origin` names it in errors), with the
/// options' session name and duration taking precedence.
fn role_of(
    sources: &Sources<'_>,
    origin: &str,
    arn: &str,
    session_name: Option<&str>,
) -> Result<sts::Role, Error> {
    sts::Role::new(
        origin,
        arn,
        sources.role_session_name.or(session_name),
        sources.role_duration,
    )
}

/// Tries the chain's sources in order (or only `sources.source`) and stops
/// at the first that yields credentials, applying the role it names over
/// them, then the explicit `role_arn` over whatever was found. A source
/// that is set halfway is an error, not a skip. When none yields
/// credentials the error names every source tried.
pub(crate) fn resolve(sources: &Sources<'_>, ctx: &Context<'_>) -> Result<Provider, Error> {
    if let Some(only) = sources.source {
        if !SOURCES.contains(&only) {
            return Err(Error::invalid(
                "credential_source",
                format!("is {only:?}; it must be one of {}", SOURCES.join(", ")),
            ));
        }
    }
    let wanted = |name: &str| sources.source.map_or(true, |only| only == name);
    let mut tried = Vec::new();
    let mut explicit_role_used = false;
    let mut found = None;
    if wanted("explicit") {
        found = from_options(sources, ctx, &mut tried, &mut explicit_role_used)?;
    }
    if found.is_none() && wanted("environment") {
        found = from_environment(sources, ctx, &mut tried)?;
    }
    if found.is_none() && wanted("profile") {
        found = from_profile_file(sources, ctx, &mut tried)?;
    }
    if found.is_none() && wanted("tccli") {
        found = from_tccli(sources, ctx, &mut tried)?;
    }
    if found.is_none() && wanted("cvm-role") {
        found = from_cvm_role(sources, ctx, &mut tried, "")?;
    }
    if found.is_none() && wanted("tke-oidc") {
        found = from_tke(sources, ctx, &mut tried)?;
    }
    let Some(provider) = found else {
        return Err(Error::Credentials(format!(
            "no credentials found; tried: {}",
            tried.join("; ")
        )));
    };
    match sources.role_arn {
        Some(arn) if !explicit_role_used => {
            let role = role_of(sources, "the role_arn option", arn, None)?;
            ctx.assume(sources, provider, role)
        }
        _ => Ok(provider),
    }
}

fn from_options(
    sources: &Sources<'_>,
    ctx: &Context<'_>,
    tried: &mut Vec<String>,
    role_used: &mut bool,
) -> Result<Option<Provider>, Error> {
    let oidc = sources.oidc_provider_id.is_some() || sources.web_identity_token_file.is_some();
    match (sources.secret_id, sources.secret_key) {
        (Some(_), Some(_)) | (Some(_), None) | (None, Some(_)) if oidc => Err(Error::Credentials(
            "explicit options: secret_id/secret_key and oidc_provider_id/web_identity_token_file \
             are two sources; set one"
                .into(),
        )),
        (Some(id), Some(key)) => Ok(Some(fixed(
            Credential::new(id, key, sources.session_token)?,
            "explicit options".into(),
        ))),
        (Some(_), None) => Err(half_set("explicit options", "secret_id", "secret_key")),
        (None, Some(_)) => Err(half_set("explicit options", "secret_key", "secret_id")),
        (None, None) if sources.session_token.is_some() => Err(half_set(
            "explicit options",
            "session_token",
            "secret_id and secret_key",
        )),
        (None, None) if oidc => {
            let origin = "explicit options";
            let (Some(provider_id), Some(token_file), Some(arn)) = (
                sources.oidc_provider_id,
                sources.web_identity_token_file,
                sources.role_arn,
            ) else {
                let missing: Vec<&str> = [
                    ("oidc_provider_id", sources.oidc_provider_id.is_none()),
                    (
                        "web_identity_token_file",
                        sources.web_identity_token_file.is_none(),
                    ),
                    ("role_arn", sources.role_arn.is_none()),
                ]
                .iter()
                .filter(|(_, missing)| *missing)
                .map(|(name, _)| *name)
                .collect();
                return Err(Error::Credentials(format!(
                    "{origin}: workload identity needs oidc_provider_id, web_identity_token_file and role_arn; {} not set",
                    missing.join(" and ")
                )));
            };
            *role_used = true;
            let fetch = sts::WebIdentity {
                sts: ctx.sts(sources)?,
                region: ctx.region.to_owned(),
                provider_id: provider_id.to_owned(),
                token_file: token_file.to_owned(),
                role: role_of(sources, origin, arn, None)?,
                origin: "options",
            };
            ctx.refreshing(Box::new(fetch)).map(Some)
        }
        (None, None) => {
            tried.push("explicit options (not set)".to_owned());
            Ok(None)
        }
    }
}

fn from_environment(
    sources: &Sources<'_>,
    ctx: &Context<'_>,
    tried: &mut Vec<String>,
) -> Result<Option<Provider>, Error> {
    let env = ctx.env;
    let (id, key) = (
        env_value(env, "TENCENTCLOUD_SECRET_ID"),
        env_value(env, "TENCENTCLOUD_SECRET_KEY"),
    );
    let role_arn = env_value(env, "TENCENTCLOUD_ROLE_ARN");
    let base = match (&id, &key) {
        (Some(id), Some(key)) => {
            let token = env_value(env, "TENCENTCLOUD_SESSION_TOKEN")
                .or_else(|| env_value(env, "TENCENTCLOUD_TOKEN"));
            let credential = Credential::new(id, key, token.as_deref())
                .map_err(|e| Error::Credentials(format!("environment: {e}")))?;
            fixed(credential, "environment".into())
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
        (None, None) if role_arn.is_some() => {
            return Err(half_set(
                "environment",
                "TENCENTCLOUD_ROLE_ARN",
                "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (the keys to assume it with)",
            ))
        }
        (None, None) => {
            tried.push(
                "environment TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (not set)".to_owned(),
            );
            return Ok(None);
        }
    };
    match role_arn {
        // The explicit role_arn option, when set, is assumed instead.
        Some(arn) if sources.role_arn.is_none() => {
            let session = env_value(env, "TENCENTCLOUD_ROLE_SESSION_NAME");
            let role = role_of(
                sources,
                "environment TENCENTCLOUD_ROLE_ARN",
                &arn,
                session.as_deref(),
            )?;
            ctx.assume(sources, base, role).map(Some)
        }
        _ => Ok(Some(base)),
    }
}

fn from_profile_file(
    sources: &Sources<'_>,
    ctx: &Context<'_>,
    tried: &mut Vec<String>,
) -> Result<Option<Provider>, Error> {
    let env = ctx.env;
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
        Ok(text) => Zeroizing::new(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path_named => {
            tried.push(format!("profile file {path} (not found)"));
            return Ok(None);
        }
        Err(e) => return Err(Error::Credentials(format!("profile file {path}: {e}"))),
    };
    let section = profile::find_section(&text, &section_name)
        .map_err(|e| Error::Credentials(format!("profile file {path}: {e}")))?;
    let Some(section) = section else {
        // A section named by the profile option may be tccli's profile.
        if section_named && sources.profile.is_none() {
            return Err(Error::Credentials(format!(
                "profile file {path} has no [{section_name}] section"
            )));
        }
        tried.push(format!("profile file {path} (no [{section_name}] section)"));
        return Ok(None);
    };
    let source = format!("profile file {path} [{section_name}]");
    let base = match (section.secret_id.as_deref(), section.secret_key.as_deref()) {
        (Some(id), Some(key)) => {
            let credential = Credential::new(id, key, section.token.as_deref())
                .map_err(|e| Error::Credentials(format!("{source}: {e}")))?;
            fixed(credential, source.clone())
        }
        (Some(_), None) => return Err(half_set(&source, "secret_id", "secret_key")),
        (None, Some(_)) => return Err(half_set(&source, "secret_key", "secret_id")),
        (None, None) => {
            return Err(Error::Credentials(format!(
                "{source} has neither secret_id nor secret_key"
            )))
        }
    };
    match section.role_arn.as_deref() {
        Some(arn) if sources.role_arn.is_none() => {
            let role = role_of(
                sources,
                &format!("{source} role_arn"),
                arn,
                section.role_session_name.as_deref(),
            )?;
            ctx.assume(sources, base, role).map(Some)
        }
        _ => Ok(Some(base)),
    }
}

/// tccli's directory and profile name, and whether the profile was named
/// (by the profile option or `TCCLI_PROFILE`).
fn tccli_profile(sources: &Sources<'_>, env: Env<'_>) -> Option<(String, String, bool)> {
    let dir = match sources.tccli_dir {
        Some(dir) => dir.trim_end_matches('/').to_owned(),
        None => format!("{}/.tccli", env_value(env, "HOME")?.trim_end_matches('/')),
    };
    let named = sources
        .profile
        .map(str::to_owned)
        .or_else(|| env_value(env, "TCCLI_PROFILE"));
    let is_named = named.is_some();
    Some((dir, named.unwrap_or_else(|| "default".into()), is_named))
}

/// The region of tccli's profile (`<profile>.configure`, `_sys_param.region`).
pub(crate) fn tccli_region(sources: &Sources<'_>, env: Env<'_>) -> Option<String> {
    let (dir, profile, _) = tccli_profile(sources, env)?;
    tccli::region(&format!("{dir}/{profile}.configure"))
}

fn from_tccli(
    sources: &Sources<'_>,
    ctx: &Context<'_>,
    tried: &mut Vec<String>,
) -> Result<Option<Provider>, Error> {
    let Some((dir, name, named)) = tccli_profile(sources, ctx.env) else {
        tried.push("tccli profile (no HOME to find ~/.tccli)".to_owned());
        return Ok(None);
    };
    let path = format!("{dir}/{name}.credential");
    let source = format!("tccli profile {path}");
    let profile =
        match tccli::read(&path).map_err(|e| Error::Credentials(format!("tccli profile {e}")))? {
            Some(profile) => profile,
            // Only TCCLI_PROFILE must exist: the profile option may name the
            // SDK profile file's section instead.
            None if named && sources.profile.is_none() => {
                return Err(Error::Credentials(format!(
                    "{source} does not exist (TCCLI_PROFILE names profile {name:?})"
                )))
            }
            None => {
                tried.push(format!("{source} (not found)"));
                return Ok(None);
            }
        };
    let base = if profile.kind.as_deref() == Some("cvm-role") {
        match from_cvm_role(
            sources,
            ctx,
            &mut Vec::new(),
            &format!("{source} (\"type\": \"cvm-role\")"),
        )? {
            Some(role) => role,
            None => {
                return Err(Error::Credentials(format!(
                "{source} says \"type\": \"cvm-role\", but the CVM metadata service has no role{}",
                if sources.disable_metadata {
                    " (disable_metadata is set)"
                } else {
                    ""
                }
            )))
            }
        }
    } else {
        match (profile.secret_id.as_deref(), profile.secret_key.as_deref()) {
            (Some(id), Some(key)) if !id.is_empty() && !key.is_empty() => {
                let token = profile.token.as_deref().filter(|t| !t.is_empty());
                let credential = Credential::new(id, key, token)
                    .map_err(|e| Error::Credentials(format!("{source}: {e}")))?;
                fixed(credential, source.clone())
            }
            (Some(id), _) if !id.is_empty() => {
                return Err(half_set(&source, "secretId", "secretKey"))
            }
            (_, Some(key)) if !key.is_empty() => {
                return Err(half_set(&source, "secretKey", "secretId"))
            }
            _ => {
                return Err(Error::Credentials(format!(
                    "{source} has neither secretId/secretKey nor \"type\": \"cvm-role\""
                )))
            }
        }
    };
    match profile.role_arn.as_deref().filter(|arn| !arn.is_empty()) {
        Some(arn) if sources.role_arn.is_none() => {
            let role = role_of(
                sources,
                &format!("{source} role-arn"),
                arn,
                profile.role_session_name.as_deref(),
            )?;
            ctx.assume(sources, base, role).map(Some)
        }
        _ => Ok(Some(base)),
    }
}

fn from_cvm_role(
    sources: &Sources<'_>,
    ctx: &Context<'_>,
    tried: &mut Vec<String>,
    named_by: &str,
) -> Result<Option<Provider>, Error> {
    if sources.disable_metadata {
        tried.push("CVM role metadata (disabled)".to_owned());
        return Ok(None);
    }
    let base = sources
        .metadata_url
        .unwrap_or(metadata::DEFAULT_METADATA_URL);
    match metadata::RoleFetch::discover(base, named_by) {
        Ok(role) => ctx.refreshing(Box::new(role)).map(Some),
        Err(why) => {
            tried.push(format!("CVM role metadata ({why})"));
            Ok(None)
        }
    }
}

fn from_tke(
    sources: &Sources<'_>,
    ctx: &Context<'_>,
    tried: &mut Vec<String>,
) -> Result<Option<Provider>, Error> {
    const NAMES: [&str; 4] = [
        "TKE_REGION",
        "TKE_PROVIDER_ID",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
        "TKE_ROLE_ARN",
    ];
    let values = NAMES.map(|name| env_value(ctx.env, name));
    if values.iter().all(Option::is_none) {
        tried.push("TKE workload identity (TKE_* not set)".to_owned());
        return Ok(None);
    }
    let missing: Vec<&str> = NAMES
        .iter()
        .zip(&values)
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    let [Some(region), Some(provider_id), Some(token_file), Some(arn)] = values else {
        return Err(Error::Credentials(format!(
            "TKE workload identity: {} set but {} not",
            NAMES
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_some())
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
            missing.join(", ")
        )));
    };
    let fetch = sts::WebIdentity {
        sts: ctx.sts(sources)?,
        region,
        provider_id,
        token_file,
        role: role_of(sources, "TKE workload identity TKE_ROLE_ARN", &arn, None)?,
        origin: "TKE_* environment",
    };
    ctx.refreshing(Box::new(fetch)).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    fn budget() -> Budget<'static> {
        Budget {
            deadline: Instant::now() + Duration::from_secs(5),
            cancel: None,
        }
    }

    /// The chain with this environment, no STS reachable.
    fn resolve(sources: &Sources<'_>, env: Env<'_>) -> Result<Provider, Error> {
        let settings = crate::transport::tests::settings();
        super::resolve(
            sources,
            &Context {
                env,
                logger: &Logger::default(),
                transport: &settings,
                region: "ap-guangzhou",
                deadline: Instant::now() + Duration::from_secs(5),
                sts: OnceLock::new(),
            },
        )
    }

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
        let c = provider.current(budget()).unwrap();
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
