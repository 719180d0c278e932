//! One error type for the whole crate, and its mapping to C status numbers.

use std::fmt;

/// Why a call failed. Messages name the field or the cause and never contain
/// a secret key, a session token or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A caller-supplied value is missing, malformed or out of range.
    /// Nothing was sent.
    InvalidArgument { field: &'static str, reason: String },
    /// Credentials are missing or unusable. Nothing was sent.
    Credentials(String),
    /// The request could not be delivered or its reply could not be read
    /// (DNS, connect, TLS, reset).
    Network(String),
    /// The call did not complete within its timeout.
    Timeout(String),
    /// The service answered with `Response.Error`.
    Api(ApiError),
    /// The HTTP status was not 200, the body was not shaped as documented,
    /// or it was larger than the cap.
    Protocol { http_status: u16, message: String },
    /// A bug: a panic was caught at the C boundary, or an invariant broke.
    Internal(String),
}

/// An error reported by the service itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub request_id: String,
    pub http_status: u16,
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }

    /// The HTTP status of the reply this error came from, or 0 if none arrived.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::Api(api) => api.http_status,
            Error::Protocol { http_status, .. } => *http_status,
            _ => 0,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { field, reason } => {
                write!(f, "invalid argument {field}: {reason}")
            }
            Error::Credentials(msg) => write!(f, "credentials: {msg}"),
            Error::Network(msg) => write!(f, "network: {msg}"),
            Error::Timeout(msg) => write!(f, "timeout: {msg}"),
            Error::Api(api) => write!(
                f,
                "{}: {} (RequestId {})",
                api.code, api.message, api.request_id
            ),
            Error::Protocol {
                http_status,
                message,
            } => {
                write!(f, "protocol: HTTP {http_status}: {message}")
            }
            Error::Internal(msg) => write!(f, "internal error: {msg}"),
        }
    }
}

impl std::error::Error for Error {}
