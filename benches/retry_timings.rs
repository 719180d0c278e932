//! How long calls take when the emulator injects faults that the retry
//! policy handles: medians (min-max) over repeated runs. `make bench-retries`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tcr::{Client, ClientOptions, ModifyInstanceToken, Sources};

const RUNS: usize = 15;

fn main() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcr-emulator"))
        .args(["--key", "AKIDBENCH:bench-key", "--rate", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("tcr-emulator starts");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();
    let control = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let request = ModifyInstanceToken {
        registry_id: "tcr-12345",
        token_id: "2ab3af0d-893d-423f-91b1-27713566f95f",
        enable: Some(true),
        ..Default::default()
    };
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
        let client = Client::new(&ClientOptions {
            credentials: Sources {
                secret_id: Some("AKIDBENCH"),
                secret_key: Some("bench-key"),
                ..Default::default()
            },
            region: Some("ap-guangzhou"),
            endpoint: Some(&url),
            rate_limit: Some(0.0),
            max_attempts: Some(attempts),
            timeout: Some(Duration::from_millis(timeout_ms)),
            ..Default::default()
        })
        .unwrap();
        let mut times = Vec::new();
        let mut tries = Vec::new();
        for _ in 0..RUNS {
            control
                .post(format!("{url}/_emulator/fault?{fault}"))
                .send()
                .unwrap();
            let started = Instant::now();
            let outcome = client.execute(&request, None);
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            tries.push(outcome.attempts);
        }
        control
            .post(format!("{url}/_emulator/fault?mode=none"))
            .send()
            .unwrap();
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
    let _ = child.kill();
    let _ = child.wait();
}
