//! The wire form of a request: its headers in order, signed with TC3 over
//! the values the client fixed at creation, and the same request as a value
//! ([`SignedRequest`]) for dry runs and comparisons.

use super::Client;
use crate::api::{self, ModifyInstanceToken};
use crate::config::Endpoint;
use crate::credential::Credential;
use crate::error::Error;
use crate::sign;
use reqwest::header::{HeaderName, HeaderValue};
use zeroize::Zeroizing;

pub use crate::api::{CONTENT_TYPE, REQUEST_CLIENT};

/// Headers whose values are secret: never printed, marked sensitive.
const SENSITIVE_HEADERS: [&str; 2] = ["Authorization", "X-TC-Token"];

/// A request ready to send: what goes on the wire, in order (the method is
/// always `POST`). Its `Authorization` (a signature) and `X-TC-Token` are
/// secrets: hidden from `Debug`, and wiped when it is dropped.
#[derive(Clone)]
pub struct SignedRequest {
    /// Where to send it (the endpoint's URL).
    pub url: String,
    /// The headers, in the order to send them, `Host` first.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl Drop for SignedRequest {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for (name, value) in &mut self.headers {
            if SENSITIVE_HEADERS.contains(name) {
                value.zeroize();
            }
        }
    }
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
            .map(|(n, v)| {
                (
                    *n,
                    if SENSITIVE_HEADERS.contains(n) {
                        "<redacted>"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl Client {
    /// Validates `request` and builds the exact HTTP request that
    /// [`Client::modify_instance_token`] would send at `timestamp`: the URL,
    /// every header in order, and the body. Useful for dry runs and for
    /// comparing with other clients.
    pub fn signed_request(
        &self,
        request: &ModifyInstanceToken<'_>,
        timestamp: i64,
    ) -> Result<SignedRequest, Error> {
        request.validate()?;
        let action = HeaderValue::from_static(api::ACTION);
        self.signed(&action, request.to_json(), timestamp)
    }

    /// The request [`Client::call`] would send now for `action` with
    /// `params_json`, checked as a call checks them, for the caller to send
    /// itself; as [`Client::prepare_modify_instance_token`] otherwise.
    pub fn prepare_call(&self, action: &str, params_json: &str) -> Result<SignedRequest, Error> {
        crate::action::check_action(action)?;
        crate::action::check_params(params_json)?;
        let action = HeaderValue::from_str(action)
            .map_err(|_| Error::invalid("action", "cannot be sent as a header"))?;
        self.signed(&action, params_json.as_bytes().to_vec(), self.clock.now())
    }

    fn signed(
        &self,
        action: &HeaderValue,
        body: Vec<u8>,
        timestamp: i64,
    ) -> Result<SignedRequest, Error> {
        let credential = self
            .credentials
            .current(crate::credential::refresh::Budget {
                deadline: std::time::Instant::now() + self.timeout,
                cancel: None,
            })?;
        let (headers, _) = self.wire_headers(&credential, action, &body, timestamp)?;
        let headers = headers
            .into_iter()
            .map(|(name, _, value)| (name, String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        Ok(SignedRequest {
            url: self.endpoint.url.clone(),
            headers,
            body,
        })
    }

    /// The request [`Client::modify_instance_token`] would send now, for
    /// the caller to send with an HTTP client of its own: validated, with
    /// current credentials (a role's refreshed when due), signed at the
    /// client's clock (offset included). It is accepted for 5 minutes, is
    /// neither retried nor rate-limited by this library, and its signature
    /// must be kept as secret as the key.
    ///
    /// ```
    /// use tcr::{Client, ClientOptions, ModifyInstanceToken, Sources};
    ///
    /// let client = Client::new(&ClientOptions {
    ///     credentials: Sources::explicit("AKIDEXAMPLE", "example-secret-key"),
    ///     region: Some("ap-guangzhou"),
    ///     ..Default::default()
    /// })?;
    /// let prepared = client.prepare_modify_instance_token(&ModifyInstanceToken {
    ///     registry_id: "tcr-12345",
    ///     token_id: "2ab3af0d-893d-423f-91b1-27713566f95f",
    ///     enable: Some(true),
    ///     ..Default::default()
    /// })?;
    /// assert_eq!(prepared.url, "https://tcr.tencentcloudapi.com/");
    /// assert_eq!(prepared.header("X-TC-Action"), Some("ModifyInstanceToken"));
    /// assert!(prepared.header("Authorization").unwrap().starts_with("TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    /// // The official SDK's field order and spacing, byte for byte:
    /// assert_eq!(prepared.body, br#"{"TokenId": "2ab3af0d-893d-423f-91b1-27713566f95f", "RegistryId": "tcr-12345", "Enable": true}"#);
    /// # Ok::<(), tcr::Error>(())
    /// ```
    pub fn prepare_modify_instance_token(
        &self,
        request: &ModifyInstanceToken<'_>,
    ) -> Result<SignedRequest, Error> {
        self.signed_request(request, self.clock.now())
    }

    /// The headers of a request signed at `timestamp`, in order, as they go
    /// on the wire. Both the call path and [`Client::signed_request`] use it,
    /// so the SDK vectors check exactly what is sent.
    pub(super) fn wire_headers(
        &self,
        credential: &Credential,
        action: &HeaderValue,
        body: &[u8],
        timestamp: i64,
    ) -> Result<(Vec<WireHeader>, sign::Signature), Error> {
        let date = sign::UtcDate::of(timestamp);
        let date = date.as_str();
        let signature = sign::sign_prepared(
            &self.fixed_headers.canonical,
            body,
            timestamp,
            date,
            api::SERVICE,
            &credential.signing_key(date, api::SERVICE),
        );
        let authorization = sign::authorization_header(
            credential.secret_id(),
            date,
            api::SERVICE,
            signature.as_str(),
        );
        let fixed = &self.fixed_headers;
        let mut headers = Vec::with_capacity(10);
        headers.push(("Host", HeaderName::from_static("host"), fixed.host.clone()));
        headers.push((
            "Content-Type",
            HeaderName::from_static("content-type"),
            HeaderValue::from_static(CONTENT_TYPE),
        ));
        headers.push((
            "X-TC-Action",
            HeaderName::from_static("x-tc-action"),
            action.clone(),
        ));
        headers.push((
            "X-TC-Version",
            HeaderName::from_static("x-tc-version"),
            HeaderValue::from_static(api::VERSION),
        ));
        headers.push((
            "X-TC-Timestamp",
            HeaderName::from_static("x-tc-timestamp"),
            HeaderValue::from(timestamp),
        ));
        headers.push((
            "X-TC-Region",
            HeaderName::from_static("x-tc-region"),
            fixed.region.clone(),
        ));
        headers.push((
            "X-TC-RequestClient",
            HeaderName::from_static("x-tc-requestclient"),
            HeaderValue::from_static(REQUEST_CLIENT),
        ));
        if let Some(token) = credential.session_token() {
            headers.push((
                "X-TC-Token",
                HeaderName::from_static("x-tc-token"),
                sensitive(token.expose().to_vec())?,
            ));
        }
        if let Some(language) = self.language {
            headers.push((
                "X-TC-Language",
                HeaderName::from_static("x-tc-language"),
                HeaderValue::from_static(language.as_str()),
            ));
        }
        headers.push((
            "Authorization",
            HeaderName::from_static("authorization"),
            sensitive(authorization)?,
        ));
        Ok((headers, signature))
    }
}

/// A header as [`Client::wire_headers`] builds it: the name as shown by
/// [`SignedRequest`], the name as sent, and the value.
pub(super) type WireHeader = (&'static str, HeaderName, HeaderValue);

/// What is the same for every request of a client, parsed and validated
/// once: the URL and the header values taken from the options.
pub(super) struct FixedHeaders {
    pub(super) url: reqwest::Url,
    host: HeaderValue,
    region: HeaderValue,
    /// The signed part of the canonical request that never changes.
    canonical: sign::CanonicalPrefix,
}

impl FixedHeaders {
    pub(super) fn new(endpoint: &Endpoint, region: &str) -> Result<FixedHeaders, Error> {
        let internal = |what: &str| Error::Internal(format!("the {what} cannot be sent"));
        Ok(FixedHeaders {
            url: reqwest::Url::parse(&endpoint.url).map_err(|_| internal("endpoint URL"))?,
            host: HeaderValue::from_str(&endpoint.host).map_err(|_| internal("Host header"))?,
            region: HeaderValue::from_str(region).map_err(|_| internal("region header"))?,
            canonical: sign::CanonicalPrefix::new("POST", CONTENT_TYPE, &endpoint.host),
        })
    }
}

/// A header value the HTTP stack must never print; takes the bytes over
/// without copying them.
/// The bytes are owned by a zeroizing buffer, so this copy is wiped when
/// the last header value sharing it is dropped (copies hyper makes while
/// writing the request are not: a best effort).
fn sensitive(bytes: impl Into<Vec<u8>>) -> Result<HeaderValue, Error> {
    let owned = bytes::Bytes::from_owner(Zeroizing::new(bytes.into()));
    let mut value = HeaderValue::from_maybe_shared(owned)
        .map_err(|_| Error::Credentials("a credential cannot be sent as a header value".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::options;
    use crate::client::ClientOptions;
    use crate::credential::Sources;

    #[test]
    fn request_client_uses_allowed_characters() {
        assert!(REQUEST_CLIENT
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.,;".contains(&b)));
    }

    #[test]
    fn signed_request_debug_redacts_secrets() {
        let client = Client::new(&ClientOptions {
            credentials: Sources {
                session_token: Some("session-token-value"),
                ..options().credentials
            },
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
        let signature = signed
            .header("authorization")
            .unwrap()
            .rsplit('=')
            .next()
            .unwrap()
            .to_owned();
        let shown = format!("{signed:?}");
        assert!(shown.contains(r#"\"Enable\": false"#), "{shown}");
        assert!(!shown.contains("session-token-value"));
        assert!(!shown.contains(&signature));
        assert_eq!(signed.header("x-tc-token"), Some("session-token-value"));
    }
}
