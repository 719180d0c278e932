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

/// Headers whose values are secret: never printed, marked sensitive.
const SENSITIVE_HEADERS: [&str; 2] = ["Authorization", "X-TC-Token"];

/// A request ready to send: what goes on the wire, in order.
#[derive(Clone)]
pub struct SignedRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl SignedRequest {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (*n, if SENSITIVE_HEADERS.contains(n) { "<redacted>" } else { v.as_str() }))
            .collect();
        f.debug_struct("SignedRequest")
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

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
    /// Repeating a call is safe: it sets a state rather than changing one.
    pub fn modify_instance_token(&self, request: &ModifyInstanceToken<'_>) -> Result<ModifyInstanceTokenResponse, Error> {
        self.modify_instance_token_with_timeout(request, None)
    }

    /// As [`Client::modify_instance_token`], with this call's total time
    /// bounded by `timeout` instead of the client's (`None`: the client's).
    /// Wrappers use it to honour a caller's deadline.
    pub fn modify_instance_token_with_timeout(
        &self,
        request: &ModifyInstanceToken<'_>,
        timeout: Option<Duration>,
    ) -> Result<ModifyInstanceTokenResponse, Error> {
        let timeout = timeout.map(|t| config::check_timeout(Some(t))).transpose()?;
        let signed = self.signed_request(request, now())?;
        self.send(signed, timeout)
    }

    /// Validates `request` and builds the exact HTTP request that
    /// [`Client::modify_instance_token`] would send at `timestamp`: the URL,
    /// every header in order, and the body. Useful for dry runs and for
    /// comparing with other clients.
    pub fn signed_request(&self, request: &ModifyInstanceToken<'_>, timestamp: i64) -> Result<SignedRequest, Error> {
        request.validate()?;
        let body = request.to_json();
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
        let mut headers: Vec<(&'static str, String)> = vec![
            ("Host", self.endpoint.host.clone()),
            ("Content-Type", CONTENT_TYPE.to_owned()),
            ("X-TC-Action", api::ACTION.to_owned()),
            ("X-TC-Version", api::VERSION.to_owned()),
            ("X-TC-Timestamp", timestamp.to_string()),
            ("X-TC-Region", self.region.clone()),
            ("X-TC-RequestClient", REQUEST_CLIENT.to_owned()),
        ];
        if let Some(token) = self.credential.session_token() {
            headers.push(("X-TC-Token", token.expose_str().to_owned()));
        }
        if let Some(language) = self.language {
            headers.push(("X-TC-Language", language.as_str().to_owned()));
        }
        headers.push(("Authorization", authorization));
        Ok(SignedRequest {
            url: self.endpoint.url.clone(),
            headers,
            body,
        })
    }

    fn send(&self, signed: SignedRequest, timeout: Option<Duration>) -> Result<ModifyInstanceTokenResponse, Error> {
        let mut builder = self.http.post(&signed.url);
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        for (name, value) in &signed.headers {
            let mut value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| Error::Internal(format!("header {name} has a value that cannot be sent")))?;
            // Marked sensitive so the HTTP stack never prints it.
            value.set_sensitive(SENSITIVE_HEADERS.contains(name));
            builder = builder.header(*name, value);
        }
        let response = builder.body(signed.body).send().map_err(|e| self.transport_error(&e))?;
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

    #[test]
    fn signed_request_debug_redacts_secrets() {
        let client = Client::new(&ClientOptions {
            session_token: Some("session-token-value"),
            ..options()
        })
        .unwrap();
        let request = ModifyInstanceToken {
            registry_id: "tcr-1",
            token_id: "t-1",
            enable: Some(false),
            ..Default::default()
        };
        let signed = client.signed_request(&request, 1_700_000_000).unwrap();
        let signature = signed.header("authorization").unwrap().rsplit('=').next().unwrap().to_owned();
        let shown = format!("{signed:?}");
        assert!(shown.contains(r#"\"Enable\": false"#), "{shown}");
        assert!(!shown.contains("session-token-value"));
        assert!(!shown.contains(&signature));
        assert_eq!(signed.header("x-tc-token"), Some("session-token-value"));
    }
}
