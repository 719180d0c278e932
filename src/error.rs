//! One error type for the whole crate, and the one table of the statuses
//! that stand for its kinds in the C ABI (number, name, description);
//! `ffi::tcr_status` is their C view, mapped from [`Kind`] in one place.

use std::ffi::CStr;
use std::fmt;

/// The outcome of a call as the C ABI numbers it: success, or the kind of
/// an [`Error`]. Numbers are stable and never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `TCR_OK`: success.
    Ok = 0,
    /// `TCR_INVALID_ARGUMENT`: bad input; nothing was sent.
    InvalidArgument = 1,
    /// `TCR_CREDENTIALS`: no usable credentials.
    Credentials = 2,
    /// `TCR_NETWORK`: the request or its reply did not get through.
    Network = 3,
    /// `TCR_TIMEOUT`: the call's time ran out.
    Timeout = 4,
    /// `TCR_API_ERROR`: the service returned an error.
    Api = 5,
    /// `TCR_PROTOCOL`: the reply was not what the service sends.
    Protocol = 6,
    /// `TCR_INTERNAL`: a bug in libtcr.
    Internal = 7,
    /// `TCR_CANCELLED`: the caller cancelled the call.
    Cancelled = 8,
}

impl Kind {
    /// Every kind, in the order of their numbers.
    pub const ALL: [Kind; 9] = [
        Kind::Ok,
        Kind::InvalidArgument,
        Kind::Credentials,
        Kind::Network,
        Kind::Timeout,
        Kind::Api,
        Kind::Protocol,
        Kind::Internal,
        Kind::Cancelled,
    ];

    /// The status number of the C ABI.
    pub fn number(self) -> i32 {
        self as i32
    }

    /// The kind with this `tcr_status` number, if any.
    pub fn from_number(number: i32) -> Option<Kind> {
        usize::try_from(number)
            .ok()
            .and_then(|i| Kind::ALL.get(i).copied())
    }

    /// The C name, e.g. `TCR_TIMEOUT`.
    pub fn name(self) -> &'static CStr {
        self.row().0
    }

    /// One sentence for messages.
    pub fn description(self) -> &'static CStr {
        self.row().1
    }

    fn row(self) -> (&'static CStr, &'static CStr) {
        match self {
            Kind::Ok => (c"TCR_OK", c"success"),
            Kind::InvalidArgument => (
                c"TCR_INVALID_ARGUMENT",
                c"invalid argument; nothing was sent",
            ),
            Kind::Credentials => (
                c"TCR_CREDENTIALS",
                c"missing or unusable credentials; nothing was sent",
            ),
            Kind::Network => (
                c"TCR_NETWORK",
                c"network failure: the request was not delivered or the reply was not read",
            ),
            Kind::Timeout => (
                c"TCR_TIMEOUT",
                c"the call did not complete within its timeout",
            ),
            Kind::Api => (c"TCR_API_ERROR", c"the service returned an error"),
            Kind::Protocol => (
                c"TCR_PROTOCOL",
                c"the reply had an unexpected HTTP status, shape or size",
            ),
            Kind::Internal => (c"TCR_INTERNAL", c"internal error in libtcr"),
            Kind::Cancelled => (
                c"TCR_CANCELLED",
                c"the call was cancelled; the request may already have been sent",
            ),
        }
    }
}

/// Why a call failed. Messages name the field or the cause and never contain
/// a secret key, a session token or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A caller-supplied value is missing, malformed or out of range.
    /// Nothing was sent.
    InvalidArgument {
        /// The argument, as the C API names it (e.g. `registry_id`).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
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
    Protocol {
        /// The HTTP status of the reply (0 if none was read).
        http_status: u16,
        /// What was wrong, with an excerpt of the body.
        message: String,
    },
    /// A bug: a panic was caught at the C boundary, or an invariant broke.
    Internal(String),
    /// The caller cancelled the call (see [`crate::CancelToken`]); the
    /// message says whether the request may have been sent.
    Cancelled(String),
}

/// An error reported by the service itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The service's error code, e.g. `ResourceNotFound`.
    pub code: String,
    /// The service's message (peer text, cleaned and redacted).
    pub message: String,
    /// The reply's `RequestId`.
    pub request_id: String,
    /// The HTTP status of the reply.
    pub http_status: u16,
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }

    /// What kind of failure this is (its C status).
    pub fn kind(&self) -> Kind {
        match self {
            Error::InvalidArgument { .. } => Kind::InvalidArgument,
            Error::Credentials(_) => Kind::Credentials,
            Error::Network(_) => Kind::Network,
            Error::Timeout(_) => Kind::Timeout,
            Error::Api(_) => Kind::Api,
            Error::Protocol { .. } => Kind::Protocol,
            Error::Internal(_) => Kind::Internal,
            Error::Cancelled(_) => Kind::Cancelled,
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
            Error::Cancelled(msg) => write!(f, "cancelled: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

/// An error and its causes on one line. reqwest never prints headers, and we
/// never put anything in a URL's query, so no secret can appear.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
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
