//! Strings in (borrowed C strings, checked) and out (heap C strings the
//! struct holding them owns), and `tcr_string_free`.

use super::panic::boundary_or;
use crate::error::Error;
use libc::c_char;
use std::ffi::{CStr, CString};

/// The longest input string read, in bytes; a string without a NUL within
/// this many bytes is rejected with `TCR_INVALID_ARGUMENT`. One exception:
/// the parameters of `tcr_call` and `tcr_call_prepare`, up to 1 MiB.
pub const TCR_MAX_STRING_LEN: usize = 65536;

/// Frees a string libtcr returned on its own (`tcr_client_new`'s
/// `error_message`); strings inside a struct are freed with that struct.
/// `text`: NULL (ignored) or such a string, not freed yet.
#[no_mangle]
pub unsafe extern "C" fn tcr_string_free(text: *mut c_char) {
    let mut slot = text;
    boundary_or((), || free_c_string(&mut slot))
}

/// Reads an optional C string: NULL is `None`; a string that is not UTF-8
/// or has no NUL within [`TCR_MAX_STRING_LEN`] bytes is an error naming
/// `field`. `ptr` is NULL or a NUL-terminated string.
pub(super) unsafe fn read_optional<'a>(
    ptr: *const c_char,
    field: &'static str,
) -> Result<Option<&'a str>, Error> {
    read_up_to(ptr, field, TCR_MAX_STRING_LEN)
}

/// As [`read_optional`], with `max` bytes instead of the usual bound.
pub(super) unsafe fn read_up_to<'a>(
    ptr: *const c_char,
    field: &'static str,
    max: usize,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    let len = libc::strnlen(ptr, max + 1);
    if len > max {
        return Err(Error::invalid(field, format!("is longer than {max} bytes")));
    }
    let bytes = CStr::from_ptr(ptr).to_bytes();
    std::str::from_utf8(bytes).map(Some).map_err(|e| {
        Error::invalid(
            field,
            format!(
                "is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads a required C string; NULL is an error naming `field`.
pub(super) unsafe fn read_required<'a>(
    ptr: *const c_char,
    field: &'static str,
) -> Result<&'a str, Error> {
    read_optional(ptr, field)?
        .ok_or_else(|| Error::invalid(field, "is required and must not be NULL"))
}

/// A heap C string for an output struct. Interior NULs (which a server
/// could send) are dropped, not truncated at.
pub(super) fn c_string(text: &str) -> *mut c_char {
    let c = CString::new(text).unwrap_or_else(|nul| {
        let bytes: Vec<u8> = nul.into_vec().into_iter().filter(|&b| b != 0).collect();
        CString::new(bytes).expect("NULs were removed")
    });
    c.into_raw()
}

/// Frees a string made by [`c_string`] (NULL: nothing) and sets it to NULL.
pub(super) unsafe fn free_c_string(slot: &mut *mut c_char) {
    if !slot.is_null() {
        drop(CString::from_raw(*slot));
        *slot = std::ptr::null_mut();
    }
}

/// As [`free_c_string`], overwriting the bytes with zeros first.
pub(super) unsafe fn wipe_c_string(slot: &mut *mut c_char) {
    if !slot.is_null() {
        let mut bytes = CString::from_raw(*slot).into_bytes_with_nul();
        zeroize::Zeroize::zeroize(&mut bytes);
        *slot = std::ptr::null_mut();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_strings_drop_interior_nuls() {
        for (text, expected) in [("plain", "plain"), ("a\0b\0", "ab"), ("", "")] {
            let mut ptr = c_string(text);
            assert_eq!(unsafe { CStr::from_ptr(ptr) }.to_str().unwrap(), expected);
            unsafe { free_c_string(&mut ptr) };
            assert!(ptr.is_null());
        }
    }
}
