//! Requests per second that tcr-emulator serves on loopback, driven by this
//! library's own client (signed requests, keep-alive), with signature
//! verification on and off. Run: `make bench-emulator`.
//!
//! Both sides share this machine's cores, so the figure is a floor for the
//! emulator alone; `wrk` against the emulator measures the server by itself.

#[path = "../tests/common/mod.rs"]
mod common;

use common::Emulator;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUN: Duration = Duration::from_secs(3);

/// The emulator for one row: full verification unless `extra` says not.
fn start(extra: &[&str]) -> Emulator {
    let mut args = vec!["--rate", "0"];
    args.extend_from_slice(extra);
    Emulator::start(&args)
}

/// The emulator alone: wrk replays one signed request (valid for the 300 s
/// skew window) over `connections` keep-alive connections from one thread.
fn measure_wrk(connections: usize) -> Option<f64> {
    let emu = start(&[]);
    let signed = emu
        .client(common::KEY)
        .signed_request(&common::enable(), common::now())
        .unwrap();
    let mut lua = String::from("wrk.method = \"POST\"\n");
    lua.push_str(&format!(
        "wrk.body = {:?}\n",
        String::from_utf8(signed.body.clone()).unwrap()
    ));
    for (name, value) in &signed.headers {
        lua.push_str(&format!("wrk.headers[{name:?}] = {value:?}\n"));
    }
    let script = std::env::temp_dir().join(format!("tcr-wrk-{}.lua", std::process::id()));
    std::fs::write(&script, lua).unwrap();
    let output = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{}s", RUN.as_secs()),
            "-s",
        ])
        .arg(&script)
        .arg(format!("{}/", emu.url))
        .output();
    let _ = std::fs::remove_file(&script);
    // Every replayed request must have been accepted, or the figure is void.
    let stats = emu.get("/_emulator/stats");
    drop(emu);
    let output = output.ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    if stats["rejected"] != 0 || text.contains("Non-2xx") {
        eprintln!("wrk run not clean: {stats}");
        return None;
    }
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
}

fn measure(threads: usize, extra: &[&str]) -> f64 {
    let emu = start(extra);
    let client = Arc::new(emu.client(common::KEY));
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (client, stop, done) = (Arc::clone(&client), Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || {
                let request = common::enable();
                while !stop.load(Ordering::Relaxed) {
                    client
                        .modify_instance_token(&request, tcr::CallSettings::default())
                        .result
                        .expect("the emulator accepts every request");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(RUN);
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    println!(
        "tcr-emulator on loopback, driven by libtcr's client ({}s per row)",
        RUN.as_secs()
    );
    println!("{:<28} {:>12}", "mode", "requests/s");
    for (threads, extra, label) in [
        (1, &[][..], "verify, 1 thread"),
        (8, &[][..], "verify, 8 threads"),
        (1, &["--no-verify"][..], "no-verify, 1 thread"),
        (8, &["--no-verify"][..], "no-verify, 8 threads"),
    ] {
        println!("{label:<28} {:>12.0}", measure(threads, extra));
    }
    for connections in [1, 8] {
        match measure_wrk(connections) {
            Some(rate) => println!(
                "{:<28} {rate:>12.0}",
                format!("verify, wrk -t1 -c{connections}")
            ),
            None => println!(
                "{:<28} {:>12}",
                format!("verify, wrk -t1 -c{connections}"),
                "(no wrk)"
            ),
        }
    }
}
