//! The client: one pooled HTTP client, the credential and the settings;
//! builds the signed request, sends it, and turns the reply into a result.

use crate::api::{self, ModifyInstanceToken, ModifyInstanceTokenResponse};
use crate::config::{self, Endpoint, Language, Scheme};
use crate::credential::Credential;
use crate::error::Error;
use crate::sign::{self, SignInput};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The `Content-Type` of every request, as the official SDKs send it.
pub const CONTENT_TYPE: &str = "application/json";

/// `X-TC-RequestClient`: this library and its version, in the characters the
/// official SDKs allow there (letters, digits and `-_.,;`).
pub const REQUEST_CLIENT: &str = concat!("tcr_", env!("CARGO_PKG_VERSION"));

/// Settings for [`Client::new`]. Strings are borrowed; the client copies what
/// it keeps.
#[derive(Clone, Copy, Default)]
pub struct ClientOptions<'a> {
    pub secret_id: &'a str,
    pub secret_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
    /// `host`, `host:port` or an `http://` / `https://` URL; `None` is
    /// `https://tcr.tencentcloudapi.com`.
    pub endpoint: Option<&'a str>,
    /// `zh-CN` or `en-US`; `None` sends no `X-TC-Language`.
    pub language: Option<&'a str>,
    /// Total time for one call; `None` is 60 seconds.
    pub timeout: Option<Duration>,
}

// The secret key and session token must never be printed, even through the
// options, so Debug is written by hand.
impl std::fmt::Debug for ClientOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("language", &self.language)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A ModifyInstanceToken client. It is `Send + Sync`: share one between
/// threads; its connections are pooled and kept alive.
pub struct Client {
    http: reqwest::blocking::Client,
    credential: Credential,
    region: String,
    endpoint: Endpoint,
    language: Option<Language>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("credential", &self.credential)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.url)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Validates every option and builds the client. Nothing is sent.
    pub fn new(options: &ClientOptions<'_>) -> Result<Client, Error> {
        let credential = Credential::new(options.secret_id, options.secret_key, options.session_token)?;
        config::check_region(options.region)?;
        let endpoint = match options.endpoint {
            Some(text) => Endpoint::parse(text)?,
            None => Endpoint::default_endpoint(),
        };
        let language = options.language.map(Language::parse).transpose()?;
        let timeout = config::check_timeout(options.timeout)?;
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .tcp_nodelay(true)
            // A redirect would re-send a signed request somewhere else, and
            // could downgrade https to http: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(endpoint.scheme == Scheme::Https)
            .user_agent(concat!("tcr/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(format!("could not build the HTTP client: {}", error_chain(&e))))?;
        Ok(Client {
            http,
            credential,
            region: options.region.to_owned(),
            endpoint,
            language,
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Enables, disables or re-describes one long-term access credential.
    /// The request is validated first; an invalid one is never sent.
    pub fn modify_instance_token(&self, request: &ModifyInstanceToken<'_>) -> Result<ModifyInstanceTokenResponse, Error> {
        request.validate()?;
        let body = request.to_json();
        self.send(api::ACTION, body, now())
    }

    /// Signs `body` at `timestamp` and sends it as `action`.
    fn send(&self, action: &str, body: Vec<u8>, timestamp: i64) -> Result<ModifyInstanceTokenResponse, Error> {
        let authorization = sign::authorization(
            &SignInput {
                method: "POST",
                host: &self.endpoint.host,
                content_type: CONTENT_TYPE,
                payload: &body,
                timestamp,
                service: api::SERVICE,
            },
            self.credential.secret_id(),
            self.credential.secret_key().expose(),
        );
        let mut builder = self
            .http
            .post(&self.endpoint.url)
            .header(reqwest::header::HOST, &self.endpoint.host)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("X-TC-Action", action)
            .header("X-TC-Version", api::VERSION)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Region", &self.region)
            .header("X-TC-RequestClient", REQUEST_CLIENT);
        if let Some(token) = self.credential.session_token() {
            builder = builder.header("X-TC-Token", sensitive(token.expose())?);
        }
        if let Some(language) = self.language {
            builder = builder.header("X-TC-Language", language.as_str());
        }
        builder = builder.header(reqwest::header::AUTHORIZATION, sensitive(authorization.as_bytes())?);
        let response = builder.body(body).send().map_err(|e| self.transport_error(&e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().map_err(|e| self.transport_error(&e))?;
        api::parse_reply(status, &bytes)
    }

    fn transport_error(&self, e: &reqwest::Error) -> Error {
        let detail = error_chain(e);
        if e.is_timeout() || detail.contains("timed out") {
            Error::Timeout(format!("no complete reply from {} in time: {detail}", self.endpoint.url))
        } else if e.is_connect() {
            Error::Network(format!("could not connect to {}: {detail}", self.endpoint.url))
        } else {
            Error::Network(format!("request to {} failed: {detail}", self.endpoint.url))
        }
    }
}

/// A header value marked sensitive, so the HTTP stack never prints it.
fn sensitive(bytes: &[u8]) -> Result<reqwest::header::HeaderValue, Error> {
    let mut value = reqwest::header::HeaderValue::from_bytes(bytes)
        .map_err(|_| Error::Credentials("a credential cannot be sent as a header value".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// An error and its causes on one line, without the request's URL query (we
/// never put anything in one) or headers (reqwest never prints them).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options<'a>() -> ClientOptions<'a> {
        ClientOptions {
            secret_id: "AKIDexample",
            secret_key: "secret-key-value",
            region: "ap-guangzhou",
            ..Default::default()
        }
    }

    #[test]
    fn request_client_uses_allowed_characters() {
        assert!(REQUEST_CLIENT
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.,;".contains(&b)));
    }

    #[test]
    fn client_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn bad_options_are_rejected_before_anything_is_sent() {
        let cases: Vec<(ClientOptions, &str)> = vec![
            (ClientOptions { region: "", ..options() }, "region"),
            (ClientOptions { endpoint: Some("ftp://x"), ..options() }, "endpoint"),
            (ClientOptions { language: Some("de-DE"), ..options() }, "language"),
            (ClientOptions { timeout: Some(Duration::ZERO), ..options() }, "timeout"),
        ];
        for (opts, field) in cases {
            match Client::new(&opts) {
                Err(Error::InvalidArgument { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        assert!(matches!(Client::new(&ClientOptions { secret_key: "", ..options() }), Err(Error::Credentials(_))));
    }

    #[test]
    fn debug_of_client_and_options_hides_the_key() {
        let opts = ClientOptions {
            session_token: Some("session-token-value"),
            ..options()
        };
        let client = Client::new(&opts).unwrap();
        let shown = format!("{client:?} {opts:?}");
        assert!(shown.contains("AKIDexample"));
        assert!(!shown.contains("secret-key-value"));
        assert!(!shown.contains("session-token-value"));
    }
}
