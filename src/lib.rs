//! tcr: Tencent Cloud TCR (Tencent Container Registry) from Rust, C, Python
//! and Go: `ModifyInstanceToken` (enable, disable or re-describe a long-term
//! access credential of a registry instance) and any other TCR action by
//! name ([`Client::call`]), with a C ABI.
//!
//! One signer ([`sign`]), one HTTP core ([`client`]), shared by the C ABI
//! ([`ffi`], header `include/tcr.h`) and the Python and Go wrappers built on
//! it. Data flows one way: C struct → [`ffi`] → [`api`] request →
//! [`client`] (with [`config`], [`credential`], [`sign`]) → HTTP → [`api`]
//! reply → [`ffi`] → C struct. The rules every call follows (retries, rate
//! limiting, connections, the clock, cancellation, redaction) are stated
//! once, in `docs/behaviour.md`; `docs/rust.md` is the guide.
//!
//! ```
//! use tcr::{CallSettings, Client, ClientOptions, ModifyInstanceToken, Sources};
//! # // A stand-in for the service: one connection, one reply.
//! # fn one_reply(body: &'static str) -> String {
//! #     use std::io::{BufRead, BufReader, Read, Write};
//! #     let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
//! #     let url = format!("http://{}", listener.local_addr().unwrap());
//! #     std::thread::spawn(move || {
//! #         let (stream, _) = listener.accept().unwrap();
//! #         let mut reader = BufReader::new(stream);
//! #         let mut length = 0;
//! #         loop {
//! #             let mut line = String::new();
//! #             reader.read_line(&mut line).unwrap();
//! #             if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
//! #                 length = v.trim().parse().unwrap();
//! #             }
//! #             if line == "\r\n" { break; }
//! #         }
//! #         reader.read_exact(&mut vec![0; length]).unwrap();
//! #         let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
//! #         reader.get_mut().write_all(reply.as_bytes()).unwrap();
//! #     });
//! #     url
//! # }
//! # let endpoint = one_reply(r#"{"Response":{"RequestId":"6ef60bec-0242-43af-bb20-270359fb54a7"}}"#);
//!
//! // Credentials: explicit here; `Sources::default()` walks the chain
//! // (environment, profile file, CVM role).
//! let client = Client::new(&ClientOptions {
//!     credentials: Sources::explicit("AKIDEXAMPLE", "example-secret-key"),
//!     region: Some("ap-guangzhou"),
//!     endpoint: Some(&endpoint), // None: https://tcr.tencentcloudapi.com
//!     ..Default::default()
//! })?;
//! let disable = ModifyInstanceToken {
//!     registry_id: "tcr-12345",
//!     token_id: "2ab3af0d-893d-423f-91b1-27713566f95f",
//!     enable: Some(false),
//!     ..Default::default()
//! };
//! let outcome = client.modify_instance_token(&disable, CallSettings::default());
//! assert_eq!(outcome.attempts, 1);
//! assert_eq!(outcome.result?.request_id, "6ef60bec-0242-43af-bb20-270359fb54a7");
//! # Ok::<(), tcr::Error>(())
//! ```

#![warn(missing_docs)]

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
