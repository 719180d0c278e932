//! Statuses and the library version.

use super::panic::boundary_or;
use crate::error::{Error, Kind};
use libc::{c_char, c_int};

/// The result of every fallible function. Numbers are stable and never
/// reused; new statuses get new numbers.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcr_status {
    /// Success.
    TCR_OK = 0,
    /// An argument is NULL, not UTF-8, too long or out of range, or a
    /// struct's `struct_size` is wrong; nothing was sent. The message names
    /// the argument or field.
    TCR_INVALID_ARGUMENT = 1,
    /// Credentials are missing or unusable; nothing was sent.
    TCR_CREDENTIALS = 2,
    /// The request could not be delivered or the reply could not be read.
    TCR_NETWORK = 3,
    /// The call did not complete within its timeout.
    TCR_TIMEOUT = 4,
    /// The service answered with an error; see `error_code`.
    TCR_API_ERROR = 5,
    /// The reply's HTTP status was not 200, its body was not shaped as the
    /// service documents it, or the body was over 1 MiB.
    TCR_PROTOCOL = 6,
    /// A bug in this library (a caught panic); please report it.
    TCR_INTERNAL = 7,
    /// The call's `tcr_cancel_token` was cancelled. If that happened before
    /// the call started, while it waited for the rate limiter, or while its
    /// connection was being made, nothing was sent; otherwise the request
    /// may already have been sent and processed (the message says which).
    TCR_CANCELLED = 8,
}

impl tcr_status {
    /// The C view of a [`Kind`]: the one place the two are mapped.
    pub(super) fn of(kind: Kind) -> tcr_status {
        match kind {
            Kind::Ok => tcr_status::TCR_OK,
            Kind::InvalidArgument => tcr_status::TCR_INVALID_ARGUMENT,
            Kind::Credentials => tcr_status::TCR_CREDENTIALS,
            Kind::Network => tcr_status::TCR_NETWORK,
            Kind::Timeout => tcr_status::TCR_TIMEOUT,
            Kind::Api => tcr_status::TCR_API_ERROR,
            Kind::Protocol => tcr_status::TCR_PROTOCOL,
            Kind::Internal => tcr_status::TCR_INTERNAL,
            Kind::Cancelled => tcr_status::TCR_CANCELLED,
        }
    }

    pub(super) fn of_error(error: &Error) -> tcr_status {
        tcr_status::of(error.kind())
    }
}

/// The library's version, e.g. "0.2.0" (compare with TCR_VERSION_STRING,
/// the header's). A static string: do not free it.
#[no_mangle]
pub extern "C" fn tcr_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The name of `status`, e.g. "TCR_TIMEOUT", or "TCR_UNKNOWN_STATUS" for a
/// number that is not a status. A static string: do not free it.
#[no_mangle]
pub extern "C" fn tcr_status_name(status: c_int) -> *const c_char {
    boundary_or(c"TCR_UNKNOWN_STATUS".as_ptr(), || {
        Kind::from_number(status)
            .map_or(c"TCR_UNKNOWN_STATUS", Kind::name)
            .as_ptr()
    })
}

/// A one-sentence description of `status` (any number), for messages. A
/// static string: do not free it.
#[no_mangle]
pub extern "C" fn tcr_status_description(status: c_int) -> *const c_char {
    boundary_or(c"unknown status".as_ptr(), || {
        Kind::from_number(status)
            .map_or(c"unknown status", Kind::description)
            .as_ptr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn status_names_cover_every_status() {
        for (status, name) in [
            (tcr_status::TCR_OK, "TCR_OK"),
            (tcr_status::TCR_INVALID_ARGUMENT, "TCR_INVALID_ARGUMENT"),
            (tcr_status::TCR_CREDENTIALS, "TCR_CREDENTIALS"),
            (tcr_status::TCR_NETWORK, "TCR_NETWORK"),
            (tcr_status::TCR_TIMEOUT, "TCR_TIMEOUT"),
            (tcr_status::TCR_API_ERROR, "TCR_API_ERROR"),
            (tcr_status::TCR_PROTOCOL, "TCR_PROTOCOL"),
            (tcr_status::TCR_INTERNAL, "TCR_INTERNAL"),
            (tcr_status::TCR_CANCELLED, "TCR_CANCELLED"),
        ] {
            let got = unsafe { CStr::from_ptr(tcr_status_name(status as c_int)) };
            assert_eq!(got.to_str().unwrap(), name);
            let description = unsafe { CStr::from_ptr(tcr_status_description(status as c_int)) };
            assert_ne!(description.to_str().unwrap(), "unknown status");
        }
        for number in [99, -1] {
            let got = unsafe { CStr::from_ptr(tcr_status_name(number)) };
            assert_eq!(got.to_str().unwrap(), "TCR_UNKNOWN_STATUS");
        }
    }

    #[test]
    fn the_c_enum_and_the_kinds_agree_in_number_and_name() {
        for kind in Kind::ALL {
            let status = tcr_status::of(kind);
            assert_eq!(status as i32, kind.number(), "{kind:?}");
            assert_eq!(format!("{status:?}"), kind.name().to_str().unwrap());
        }
    }
}
