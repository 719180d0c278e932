//! Peak memory of calls whose reply body is huge or endless: the read stops
//! at the cap, so the process grows by about the cap, not by the body.
//! One test in its own binary, so nothing else moves the peak.

mod common;

use common::*;
use tcr::{ClientOptions, Error, Sources};

/// A field of /proc/self/status, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

#[test]
fn a_huge_or_endless_body_grows_the_peak_by_a_few_mib_at_most() {
    let emu = Emulator::start(&["--rate", "0"]);
    let client = emu.client_with(ClientOptions {
        credentials: Sources::explicit(ID, KEY),
        max_attempts: Some(1),
        rate_limit: Some(0.0),
        ..Default::default()
    });
    client
        .modify_instance_token(&enable(), tcr::CallSettings::default())
        .result
        .unwrap(); // warm: lanes, TLS roots
    for fault in ["big-body", "endless-body"] {
        // Writing 5 resets the peak (VmHWM) to the current resident size.
        std::fs::write("/proc/self/clear_refs", "5").unwrap();
        let before = status_kib("VmRSS:");
        emu.fault(&format!("mode={fault}&count=1"));
        let result = client
            .modify_instance_token(&enable(), tcr::CallSettings::default())
            .result;
        let growth_kib = status_kib("VmHWM:").saturating_sub(before);
        assert!(
            matches!(result, Err(Error::Protocol { .. })),
            "{fault}: {result:?}"
        );
        println!("{fault}: peak RSS growth {growth_kib} KiB");
        assert!(
            growth_kib < 4 * 1024,
            "{fault}: peak grew by {growth_kib} KiB"
        );
    }
}
