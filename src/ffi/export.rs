//! The wrapper of every export that hands out an object: the out-pointer
//! reset (an out-pointer is set to NULL before anything else, so it never
//! holds garbage on failure) around the panic boundary of `panic.rs`, and
//! `non_null!`, the check of pointer arguments.

use super::panic::boundary;
use super::status::tcr_status;
use crate::error::Error;

/// Rejects a NULL pointer argument with a message naming it.
macro_rules! non_null {
    ($ptr:expr, $name:literal) => {
        if $ptr.is_null() {
            return Err($crate::error::Error::invalid($name, "must not be NULL"));
        }
    };
}

/// An object libtcr hands out through an out-pointer, which can also report
/// a failure that happened before or outside the call (a bad argument, a
/// caught panic).
pub(super) trait Output: Sized {
    fn failed(error: &Error) -> Self;
}

/// The body of an export that hands back one `T` through `out`: `*out` is
/// reset to NULL, then `body` runs inside the panic boundary. Whatever
/// happens, a `T` is stored through `out` (a NULL `out` is refused first,
/// with nothing run) and its status returned: the body's own, or the
/// error's.
pub(super) unsafe fn hand_out<T: Output>(
    out: *mut *mut T,
    body: impl FnOnce() -> Result<(tcr_status, T), Error>,
) -> tcr_status {
    let Some(slot) = reset(out) else {
        return tcr_status::TCR_INVALID_ARGUMENT;
    };
    let (status, value) = match boundary(body) {
        Ok(done) => done,
        Err(error) => (tcr_status::of_error(&error), T::failed(&error)),
    };
    *slot = Box::into_raw(Box::new(value));
    status
}

/// Sets a non-NULL out-pointer to NULL and returns it.
pub(super) unsafe fn reset<'a, T>(out: *mut *mut T) -> Option<&'a mut *mut T> {
    let slot = out.as_mut()?;
    *slot = std::ptr::null_mut();
    Some(slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Reported(String);
    impl Output for Reported {
        fn failed(error: &Error) -> Self {
            Reported(error.to_string())
        }
    }

    #[test]
    fn hand_out_always_stores_a_value_and_refuses_a_null_out() {
        let mut out: *mut Reported = 0x1 as *mut Reported;
        let status = unsafe { hand_out(&mut out, || -> Result<_, Error> { panic!("boom") }) };
        assert_eq!(status, tcr_status::TCR_INTERNAL);
        let value = unsafe { Box::from_raw(out) };
        assert!(value.0.contains("boom"), "{}", value.0);
        let status =
            unsafe { hand_out::<Reported>(std::ptr::null_mut(), || unreachable!("not run")) };
        assert_eq!(status, tcr_status::TCR_INVALID_ARGUMENT);
    }
}
