//! The panic boundary every export runs inside: no panic unwinds into C.

use crate::error::Error;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The panic boundary: a panic becomes `Err(Error::Internal)`.
pub(super) fn boundary<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(Error::Internal(panic_text(&*payload))))
}

/// The panic boundary of functions that cannot report an error (free
/// functions, accessors): a panic yields `fallback`.
pub(super) fn boundary_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A caught panic's payload as text. Our own panics carry no secrets.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("panic caught at the C boundary: {detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_turns_a_panic_into_an_internal_error() {
        let result: Result<(), Error> = boundary(|| panic!("boom"));
        match result {
            Err(Error::Internal(msg)) => assert!(msg.contains("boom"), "{msg}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(boundary_or(7, || panic!("boom")), 7);
    }
}
