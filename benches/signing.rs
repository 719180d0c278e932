//! One TC3-HMAC-SHA256 signature of the seed's first example (enable token
//! 2ab3af0d-... of tcr-12345 in ap-guangzhou), next to the SHA-256 work that
//! no signer can avoid: hashing the payload, hashing the canonical request,
//! and one HMAC of the string to sign under a key derived once per day.
//! Run: `make bench-sign`, which also counts instructions under callgrind.
//!
//! With `TCR_SIGN_LOOP=<full|floor|unprepared>:<n>` the binary instead runs that work
//! n times and exits: callgrind counts the instructions of two such runs and
//! divides their difference by the difference in n. With `TCR_SIGN_PAIRED=1`
//! it alternates short timed runs of both, so that each ratio is taken under
//! the same machine load, and prints the median ratio and its range.

use criterion::{criterion_group, Criterion};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use tcr::api::ModifyInstanceToken;
use tcr::sign::{self, CanonicalPrefix, SignInput, SigningKey, UtcDate};

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &[u8] = b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const TIMESTAMP: i64 = 1_700_000_000;

struct Fixture {
    payload: Vec<u8>,
    key: SigningKey,
    /// Prepared once per client, as the client does.
    prefix: CanonicalPrefix,
    /// The canonical request and string to sign, built beforehand for the
    /// floor, so that it measures hashing only.
    canonical: Vec<u8>,
    string_to_sign: Vec<u8>,
    key_bytes: [u8; 32],
}

fn input(payload: &[u8]) -> SignInput<'_> {
    SignInput {
        method: "POST",
        host: "tcr.tencentcloudapi.com",
        content_type: "application/json",
        payload,
        timestamp: TIMESTAMP,
        service: "tcr",
    }
}

fn fixture() -> Fixture {
    let payload = ModifyInstanceToken {
        registry_id: "tcr-12345",
        token_id: "2ab3af0d-893d-423f-91b1-27713566f95f",
        enable: Some(true),
        desc: None,
        modify_flag: None,
    }
    .to_json();
    let date = sign::utc_date(TIMESTAMP);
    let canonical = sign::canonical_request(&input(&payload)).into_bytes();
    let string_to_sign = format!(
        "{}\n{TIMESTAMP}\n{date}/tcr/tc3_request\n{}",
        sign::ALGORITHM,
        sign::sha256_hex(&canonical)
    )
    .into_bytes();
    // The floor's HMAC key: the derived signing key's bytes, recomputed here
    // through the public derivation of the published algorithm.
    let hmac = |key: &[u8], data: &[u8]| -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data);
        mac.finalize().into_bytes().into()
    };
    let k_date = hmac(&[b"TC3".as_slice(), SECRET_KEY].concat(), date.as_bytes());
    let key_bytes = hmac(&hmac(&k_date, b"tcr"), b"tc3_request");
    let seed = input(&payload);
    Fixture {
        prefix: CanonicalPrefix::new(seed.method, seed.content_type, seed.host),
        key: SigningKey::derive(SECRET_KEY, &date, "tcr"),
        payload,
        canonical,
        string_to_sign,
        key_bytes,
    }
}

/// Everything the client does to sign one request once the day's key is
/// derived and the client's canonical prefix prepared: the date, the
/// signature, the Authorization header.
fn full(f: &Fixture) -> String {
    let payload = black_box(&f.payload);
    let date = UtcDate::of(black_box(TIMESTAMP));
    let signature =
        sign::sign_prepared(&f.prefix, payload, TIMESTAMP, date.as_str(), "tcr", &f.key);
    sign::authorization_header(SECRET_ID, date.as_str(), "tcr", signature.as_str())
}

/// As `full`, preparing nothing: the canonical request hashed whole.
fn unprepared(f: &Fixture) -> String {
    let input = input(black_box(&f.payload));
    let date = UtcDate::of(input.timestamp);
    let signature = sign::sign(&input, date.as_str(), &f.key);
    sign::authorization_header(SECRET_ID, date.as_str(), "tcr", signature.as_str())
}

/// The hashing a signature cannot do without.
fn floor(f: &Fixture) -> [u8; 32] {
    let payload_hash: [u8; 32] = Sha256::digest(black_box(&f.payload)).into();
    let canonical_hash: [u8; 32] = Sha256::digest(black_box(&f.canonical)).into();
    black_box((payload_hash, canonical_hash));
    let mut mac = Hmac::<Sha256>::new_from_slice(&f.key_bytes).unwrap();
    mac.update(black_box(&f.string_to_sign));
    mac.finalize().into_bytes().into()
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    // The floor must hash what the signer signs.
    let date = sign::utc_date(TIMESTAMP);
    let expected = sign::signature_with_key(&input(&f.payload), &date, &f.key);
    let floor_hex: String = floor(&f).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(floor_hex, expected, "the floor and the signer disagree");
    assert!(full(&f).ends_with(&expected));
    assert_eq!(full(&f), unprepared(&f));

    let mut group = c.benchmark_group("sign");
    group.bench_function("full", |b| b.iter(|| full(&f)));
    group.bench_function("sha256_floor", |b| b.iter(|| floor(&f)));
    group.bench_function("full_unprepared", |b| b.iter(|| unprepared(&f)));
    group.bench_function("derive_key_once_a_day", |b| {
        b.iter(|| SigningKey::derive(black_box(SECRET_KEY), &date, "tcr"))
    });
    group.finish();
}

criterion_group!(signing, benches);

/// Median and range of full/floor over rounds that each time both.
fn paired() {
    const ROUNDS: usize = 41;
    const N: u32 = 20_000;
    let f = fixture();
    let time = |work: &dyn Fn()| {
        let started = std::time::Instant::now();
        for _ in 0..N {
            work();
        }
        started.elapsed().as_nanos() as f64 / f64::from(N)
    };
    let mut rounds: Vec<(f64, f64, f64)> = (0..ROUNDS)
        .map(|round| {
            // Alternate which goes first, so neither always gets a warm cache.
            let (full_ns, floor_ns) = if round % 2 == 0 {
                let a = time(&|| drop(black_box(full(&f))));
                (
                    a,
                    time(&|| {
                        black_box(floor(&f));
                    }),
                )
            } else {
                let b = time(&|| {
                    black_box(floor(&f));
                });
                (time(&|| drop(black_box(full(&f)))), b)
            };
            (full_ns / floor_ns, full_ns, floor_ns)
        })
        .collect();
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, full_ns, floor_ns) = rounds[ROUNDS / 2];
    println!(
        "paired: full/floor median {ratio:.3} (min {:.3}, max {:.3}) over {ROUNDS} rounds of {N}; median round {full_ns:.0} ns / {floor_ns:.0} ns",
        rounds[0].0,
        rounds[ROUNDS - 1].0
    );
}

fn main() {
    if std::env::var_os("TCR_SIGN_PAIRED").is_some() {
        paired();
        return;
    }
    if let Ok(spec) = std::env::var("TCR_SIGN_LOOP") {
        let (which, n) = spec
            .split_once(':')
            .expect("TCR_SIGN_LOOP=<full|floor|unprepared>:<n>");
        let n: u64 = n.parse().expect("a count");
        let f = fixture();
        for _ in 0..n {
            match which {
                "full" => drop(black_box(full(&f))),
                "floor" => {
                    black_box(floor(&f));
                }
                "unprepared" => drop(black_box(unprepared(&f))),
                other => panic!("unknown loop {other}"),
            }
        }
        return;
    }
    signing();
    Criterion::default().configure_from_args().final_summary();
}
