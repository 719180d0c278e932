//! The reader of every extensible input struct, with the rule of Linux's
//! extensible syscall structs (`copy_struct_from_user`): the caller says in
//! `struct_size` how large the struct it was compiled with is; a shorter
//! known layout gets zero, that is "not set", for the fields it lacks; a
//! longer one is accepted only when every byte this library does not know
//! is zero, so a program that sets a newer field is told it needs a newer
//! libtcr instead of having the field silently ignored.

use crate::error::Error;
use std::mem::size_of;

/// An input struct that begins with `size_t struct_size` and grows only by
/// appending fields.
///
/// # Safety
/// The first field is `struct_size: usize`, and all-zero bytes are a valid
/// value of the struct (raw pointers, integers, optional function pointers).
pub(super) unsafe trait Extensible: Sized {
    /// The argument's name in messages ("options").
    const ARGUMENT: &'static str;
    /// The macro that initialises it ("TCR_CLIENT_OPTIONS_INIT").
    const INIT: &'static str;
    /// The size of the struct's first layout (0.2.0): smaller sizes are
    /// not a layout this library ever had.
    const FIRST_SIZE: usize;
}

/// Sizes above this are taken for garbage rather than a newer layout.
const MAX_STRUCT_SIZE: usize = 4096;

/// Reads the struct `ptr` points to, as its `struct_size` says.
///
/// `ptr` is not NULL and points to at least `struct_size` readable bytes.
pub(super) unsafe fn read_sized<T: Extensible>(ptr: *const T) -> Result<T, Error> {
    let size = ptr.cast::<usize>().read_unaligned();
    let known = size_of::<T>();
    let init = T::INIT;
    if size == 0 {
        return Err(Error::invalid(
            T::ARGUMENT,
            format!("has struct_size 0: initialise it with {init}"),
        ));
    }
    if size < T::FIRST_SIZE || size > MAX_STRUCT_SIZE {
        return Err(Error::invalid(
            T::ARGUMENT,
            format!(
                "has struct_size {size}, which no version of this struct has \
                 ({} to {known} bytes here): initialise it with {init}",
                T::FIRST_SIZE
            ),
        ));
    }
    if size > known {
        let tail = std::slice::from_raw_parts(ptr.cast::<u8>().add(known), size - known);
        if tail.iter().any(|&b| b != 0) {
            return Err(Error::invalid(
                T::ARGUMENT,
                format!(
                    "sets fields this libtcr {} does not know (struct_size {size}, it knows \
                     {known} bytes): the program needs a newer libtcr",
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
    }
    let mut value = std::mem::MaybeUninit::<T>::zeroed();
    std::ptr::copy_nonoverlapping(
        ptr.cast::<u8>(),
        value.as_mut_ptr().cast::<u8>(),
        size.min(known),
    );
    // SAFETY: zeroed bytes are a valid T (the trait's contract), and the
    // copied prefix came from a T the caller laid out.
    Ok(value.assume_init())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic layouts of one struct across versions: V1 (the first),
    /// V2 (the current one: a field appended after V1's whole size, never
    /// into its padding), V3 (a later one).
    #[repr(C)]
    #[derive(Debug, PartialEq)]
    struct V2 {
        struct_size: usize,
        name: *const u8,
        count: u32,
        flags: u32,
        added_in_v2: u64,
    }
    unsafe impl Extensible for V2 {
        const ARGUMENT: &'static str = "thing";
        const INIT: &'static str = "THING_INIT";
        const FIRST_SIZE: usize = std::mem::offset_of!(V2, added_in_v2);
    }
    #[repr(C)]
    struct V1 {
        struct_size: usize,
        name: *const u8,
        count: u32,
        flags: u32,
    }
    #[repr(C)]
    struct V3 {
        v2: V2,
        added_in_v3: u64,
    }

    fn read<S>(value: &S) -> Result<V2, Error> {
        unsafe { read_sized::<V2>((value as *const S).cast()) }
    }

    fn reason(result: Result<V2, Error>) -> String {
        match result {
            Err(Error::InvalidArgument {
                field: "thing",
                reason,
            }) => reason,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_older_shorter_layout_gets_zero_for_what_it_lacks() {
        let old = V1 {
            struct_size: size_of::<V1>(),
            name: c"x".as_ptr().cast(),
            count: 7,
            flags: 1,
        };
        let read = read(&old).unwrap();
        assert_eq!(
            (read.name, read.count, read.flags, read.added_in_v2),
            (old.name, 7, 1, 0)
        );
        assert_eq!(V2::FIRST_SIZE, size_of::<V1>());
    }

    #[test]
    fn the_current_layout_is_read_whole() {
        let now = V2 {
            struct_size: size_of::<V2>(),
            name: std::ptr::null(),
            count: 1,
            flags: 0,
            added_in_v2: 2,
        };
        assert_eq!(read(&now).unwrap(), now);
    }

    #[test]
    fn a_newer_layout_is_read_when_its_unknown_tail_is_zero() {
        let mut newer = V3 {
            v2: V2 {
                struct_size: size_of::<V3>(),
                name: std::ptr::null(),
                count: 3,
                flags: 0,
                added_in_v2: 4,
            },
            added_in_v3: 0,
        };
        let read_back = read(&newer).unwrap();
        assert_eq!((read_back.count, read_back.added_in_v2), (3, 4));
        assert_eq!(read_back.struct_size, size_of::<V3>());
        newer.added_in_v3 = 1;
        let why = reason(read(&newer));
        assert!(why.contains("needs a newer libtcr"), "{why}");
    }

    #[test]
    fn sizes_no_layout_has_are_refused() {
        for size in [0, 8, V2::FIRST_SIZE - 1, MAX_STRUCT_SIZE + 1] {
            let bad = V2 {
                struct_size: size,
                name: std::ptr::null(),
                count: 0,
                flags: 0,
                added_in_v2: 0,
            };
            let why = reason(read(&bad));
            assert!(why.contains("THING_INIT"), "{size}: {why}");
        }
    }
}
