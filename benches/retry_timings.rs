//! How long calls take when the emulator injects faults that the retry
//! policy handles: medians (min-max) over repeated runs. `make bench-retries`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::Emulator;
use std::time::{Duration, Instant};
use tcr::{ClientOptions, Sources};

const RUNS: usize = 15;

fn main() {
    let emu = Emulator::start(&["--rate", "0"]);
    let request = common::enable();
    println!(
        "retry timings against tcr-emulator faults, {RUNS} runs each: median (min-max), attempts"
    );
    let cases: [(&str, &str, u32, u64); 4] = [
        ("no fault", "mode=none", 3, 60_000),
        (
            "2 dropped connections, then OK",
            "mode=drop&count=2",
            3,
            60_000,
        ),
        (
            "2 x RequestLimitExceeded, then OK",
            "mode=error&code=RequestLimitExceeded&count=2",
            3,
            60_000,
        ),
        (
            "RequestLimitExceeded storm, timeout 1.5 s",
            "mode=error&code=RequestLimitExceeded",
            10,
            1_500,
        ),
    ];
    for (label, fault, attempts, timeout_ms) in cases {
        let client = emu.client_with(ClientOptions {
            credentials: Sources {
                secret_id: Some(common::ID),
                secret_key: Some(common::KEY),
                ..Default::default()
            },
            rate_limit: Some(0.0),
            max_attempts: Some(attempts),
            timeout: Some(Duration::from_millis(timeout_ms)),
            ..Default::default()
        });
        let mut times = Vec::new();
        let mut tries = Vec::new();
        for _ in 0..RUNS {
            emu.fault(fault);
            let started = Instant::now();
            let outcome = client.modify_instance_token(&request, tcr::CallSettings::default());
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            tries.push(outcome.attempts);
        }
        emu.fault("mode=none");
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        tries.sort();
        println!(
            "{label:<44} {:>8.1} ms ({:.1}-{:.1})  attempts {} ({}-{})",
            times[RUNS / 2],
            times[0],
            times[RUNS - 1],
            tries[RUNS / 2],
            tries[0],
            tries[RUNS - 1]
        );
    }
}
