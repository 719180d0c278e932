//! tcr.h: the C API of libtcr, a client for Tencent Cloud TCR
//! (ModifyInstanceToken typed, any other action by name).
//!
//! These paragraphs are the preamble of include/tcr.h, which build.rs
//! generates from this module. The header reads in the order of src/ffi/: strings, status and version, client
//! options, the client, cancel tokens, per-call settings, responses,
//! ModifyInstanceToken, any action, prepared requests.
//!
//! Inputs are extensible structs the caller allocates: tcr_client_options,
//! tcr_modify_instance_token_request and tcr_call_settings begin with
//! `size_t struct_size`; initialise each with its _INIT macro
//! (`tcr_client_options o = TCR_CLIENT_OPTIONS_INIT;`), then set fields.
//! libtcr reads as many bytes as struct_size says: a program built against
//! an older header gets defaults for fields added since; one built against a
//! newer header works with this library as long as the fields this library
//! does not know are zero (else TCR_INVALID_ARGUMENT: it needs a newer
//! libtcr). Fields are only ever appended; zero means "not set".
//!
//! Outputs are allocated by libtcr (tcr_response, tcr_prepared_request):
//! returned through an out-pointer, read through their fields, freed with
//! their _free function. Never allocate, copy or embed them: they only ever
//! grow at the end, and their struct_size says how much of them this
//! library filled (TCR_HAS_FIELD checks a field a newer header names).
//!
//! Strings: input strings are NUL-terminated UTF-8, read during the call
//! only; output strings belong to the struct holding them. Every _free
//! function accepts NULL.
//!
//! Errors: every fallible function returns a tcr_status (TCR_OK is 0) and
//! leaves a message where its documentation says (error_message), with no
//! thread-local state. A bad argument is a status, never a crash, and
//! nothing is sent.
//!
//! Thread safety: a tcr_client and a tcr_cancel_token may be shared by any
//! number of threads; functions taking `const tcr_client *` may run
//! concurrently. Inputs and outputs belong to the thread using them.
#![allow(non_camel_case_types)]
// The safety contract of each export is its C documentation (who owns
// each pointer and for how long), which is what C callers read: the header
// is generated from these comments, so they are written for C, without
// Rust's `# Safety` headings.
#![allow(clippy::missing_safety_doc)]

mod panic;
#[macro_use]
mod export;
mod call;
mod cancel;
mod client;
mod modify_instance_token;
mod options;
mod prepared;
mod response;
mod settings;
mod sized;
mod status;
mod strings;

pub use call::*;
pub use cancel::*;
pub use client::*;
pub use modify_instance_token::*;
pub use options::*;
pub use prepared::*;
pub use response::*;
pub use settings::*;
pub use status::*;
pub use strings::*;

/// The files of this module in the order the header presents them, each
/// with the heading of its section: build.rs reads this list.
pub const HEADER_SECTIONS: &[(&str, &str)] = &[
    ("strings.rs", "Strings"),
    ("status.rs", "Status and version"),
    ("options.rs", "Client options (extensible input)"),
    ("client.rs", "The client"),
    ("cancel.rs", "Cancel tokens"),
    ("settings.rs", "Per-call settings (extensible input)"),
    ("response.rs", "Responses (library-owned output)"),
    ("modify_instance_token.rs", "ModifyInstanceToken"),
    ("call.rs", "Any TCR action"),
    ("prepared.rs", "Prepared requests (library-owned output)"),
];
