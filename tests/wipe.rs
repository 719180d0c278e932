//! "The secret key is wiped from memory when the client is freed", checked
//! where it matters: every heap block this process frees is searched, as it
//! is freed, for the secret key and for the session token. A copy that was
//! not wiped (a String left as it was, an intermediate buffer) is found.
//!
//! A global allocator of its own, so one test in its own binary. (It found
//! the session token in the X-TC-Token header value, freed unwiped; header
//! values of secrets now own zeroizing buffers.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tcr::{Client, ClientOptions, ModifyInstanceToken, Sources};

/// Values no other code in this process holds.
const SECRET_KEY: &[u8] = b"wipe-test-secret-key-4f1c9a27e0b3";
const SESSION_TOKEN: &[u8] = b"wipe-test-session-token-8d2e61b5a9c4";

static WATCHING: AtomicBool = AtomicBool::new(false);
static FREED_WITH_SECRET: AtomicUsize = AtomicUsize::new(0);
static FREED_WITH_TOKEN: AtomicUsize = AtomicUsize::new(0);

struct Scanning;

fn holds(block: &[u8], secret: &[u8]) -> bool {
    block.windows(secret.len()).any(|w| w == secret)
}

unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::Relaxed) {
            // SAFETY: the block is still allocated and `layout.size()` long.
            let block = std::slice::from_raw_parts(ptr, layout.size());
            if holds(block, SECRET_KEY) {
                FREED_WITH_SECRET.fetch_add(1, Ordering::Relaxed);
            }
            if holds(block, SESSION_TOKEN) {
                FREED_WITH_TOKEN.fetch_add(1, Ordering::Relaxed);
            }
        }
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

#[test]
fn no_freed_block_holds_the_secret_key_or_the_session_token() {
    let key = std::str::from_utf8(SECRET_KEY).unwrap();
    let token = std::str::from_utf8(SESSION_TOKEN).unwrap();
    WATCHING.store(true, Ordering::Relaxed);
    {
        let client = Client::new(&ClientOptions {
            credentials: Sources {
                secret_id: Some("AKIDWIPETEST"),
                secret_key: Some(key),
                session_token: Some(token),
                ..Default::default()
            },
            region: Some("ap-guangzhou"),
            ..Default::default()
        })
        .unwrap();
        // Signing derives and caches a key from the secret; nothing is sent.
        let request = ModifyInstanceToken {
            registry_id: "tcr-12345",
            token_id: "t-1",
            enable: Some(true),
            ..Default::default()
        };
        let signed = client.signed_request(&request, 1_700_000_000).unwrap();
        assert!(signed.header("authorization").is_some());
        // The signed request itself carries the token (it is what is sent);
        // it is the caller's to drop, and is not what this test is about.
        std::mem::forget(signed);
    }
    WATCHING.store(false, Ordering::Relaxed);
    let (key_blocks, token_blocks) = (
        FREED_WITH_SECRET.load(Ordering::Relaxed),
        FREED_WITH_TOKEN.load(Ordering::Relaxed),
    );
    assert_eq!(
        (key_blocks, token_blocks),
        (0, 0),
        "heap blocks freed with the secret key, the session token still in them"
    );
}
