//! tcr: Tencent Cloud TCR `ModifyInstanceToken` with a C ABI.
//!
//! One signer ([`sign`]), one HTTP core ([`client`]), shared by the C ABI
//! ([`ffi`], header `include/tcr.h`) and the Python and Go wrappers built on
//! it. Data flows one way: C struct → [`ffi`] → [`api`] request →
//! [`client`] (with [`config`], [`credential`], [`sign`]) → HTTP → [`api`]
//! reply → [`ffi`] → C struct.

pub mod action;
pub mod api;
pub mod cancel;
pub mod client;
pub mod config;
pub mod credential;
pub mod error;
pub mod ffi;
pub mod limiter;
pub mod log;
pub mod peer_text;
pub mod sign;
mod transport;

pub use action::CallResponse;
pub use api::{ModifyInstanceToken, ModifyInstanceTokenResponse};
pub use cancel::CancelToken;
pub use client::{
    CallSettings, Client, ClientOptions, Outcome, MAX_CLOCK_OFFSET, SIGNATURE_EXPIRED,
};
pub use credential::Sources;
pub use error::{ApiError, Error};
