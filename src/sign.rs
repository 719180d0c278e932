//! TC3-HMAC-SHA256, the signature of Tencent Cloud API 3.0, as pure functions.
//!
//! Nothing here reads a clock, the environment or the network: the caller
//! passes the timestamp and the secret, so every function is deterministic and
//! testable against the official SDKs' vectors.
//!
//! The canonical request signs exactly two headers, `content-type` and `host`,
//! as the official SDKs do:
//!
//! ```text
//! POST\n/\n\ncontent-type:<ct>\nhost:<host>\n\ncontent-type;host\n<hex sha256(payload)>
//! ```

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name that starts the string to sign and the header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The headers covered by the signature, in canonical order.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// Everything one signature depends on.
#[derive(Clone, Copy)]
pub struct SignInput<'a> {
    /// HTTP method, upper case (`POST`).
    pub method: &'a str,
    /// The `Host` header value exactly as sent (`host` or `host:port`).
    pub host: &'a str,
    /// The `Content-Type` header value exactly as sent.
    pub content_type: &'a str,
    /// The request body.
    pub payload: &'a [u8],
    /// Seconds since the Unix epoch, as sent in `X-TC-Timestamp`.
    pub timestamp: i64,
    /// Service name, the first label of the host (`tcr`).
    pub service: &'a str,
}

// Deliberately no Debug derive on anything holding a secret; SignInput holds
// none, but the payload may be large, so keep Debug short.
impl std::fmt::Debug for SignInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInput")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("content_type", &self.content_type)
            .field("payload_len", &self.payload.len())
            .field("timestamp", &self.timestamp)
            .field("service", &self.service)
            .finish()
    }
}

/// A key derived from a secret key, a UTC date and a service. It is valid for
/// every request signed on that date for that service, so callers may cache it.
pub struct SigningKey {
    /// Wiped on drop.
    bytes: Zeroizing<[u8; 32]>,
}

impl SigningKey {
    /// Derives `HMAC(HMAC(HMAC("TC3" + secret, date), service), "tc3_request")`.
    pub fn derive(secret_key: &[u8], date: &str, service: &str) -> SigningKey {
        let mut prefixed = Zeroizing::new(Vec::with_capacity(3 + secret_key.len()));
        prefixed.extend_from_slice(b"TC3");
        prefixed.extend_from_slice(secret_key);
        let k_date = Zeroizing::new(hmac(&prefixed, date.as_bytes()));
        let k_service = Zeroizing::new(hmac(&*k_date, service.as_bytes()));
        SigningKey {
            bytes: Zeroizing::new(hmac(&*k_service, b"tc3_request")),
        }
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Two lower-case hex digits for every byte value.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        pairs[i] = [DIGITS[i >> 4], DIGITS[i & 0x0f]];
        i += 1;
    }
    pairs
};

/// Lower-case hex of 32 bytes, written into a fixed buffer (no allocation).
fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[*b as usize]);
    }
    out
}

fn hex_str(buf: &[u8; 64]) -> &str {
    std::str::from_utf8(buf).expect("hex digits are ASCII")
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp, kept on the
/// stack: the signer needs it on every call.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct UtcDate {
    // Room for any i64 timestamp's year ("-292277022657-01-27" is 19 bytes).
    buf: [u8; 20],
    len: u8,
}

impl UtcDate {
    /// The UTC date of a Unix timestamp.
    pub fn of(timestamp: i64) -> UtcDate {
        let (year, month, day) = civil_from_days(timestamp.div_euclid(86_400));
        let mut date = UtcDate {
            buf: [0; 20],
            len: 0,
        };
        if (0..=9999).contains(&year) {
            let y = year as u32;
            let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10];
            for d in digits {
                date.push(b'0' + d as u8);
            }
        } else {
            // Outside the four-digit years the clock can give: as "{:04}" would.
            let mut text = [0u8; 20];
            let mut cursor = &mut text[..];
            let _ = std::io::Write::write_fmt(&mut cursor, format_args!("{year:04}"));
            let written = 20 - cursor.len();
            for &b in &text[..written] {
                date.push(b);
            }
        }
        for (separator, value) in [(b'-', month), (b'-', day)] {
            date.push(separator);
            date.push(b'0' + (value / 10) as u8);
            date.push(b'0' + (value % 10) as u8);
        }
        date
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len as usize] = b;
        self.len += 1;
    }

    /// As `YYYY-MM-DD`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).expect("digits and '-' are ASCII")
    }
}

impl std::fmt::Debug for UtcDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp, as used in the
/// credential scope.
#[cfg(any(test, feature = "emulator"))]
pub fn utc_date(timestamp: i64) -> String {
    UtcDate::of(timestamp).as_str().to_owned()
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); the
/// well-known era-based conversion.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Decimal digits of an i64 in a stack buffer; returns the used tail.
fn decimal(value: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = value.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// The canonical request up to the payload's hash: method, path `/`, empty
/// query, the two signed headers, their names. The one statement of that
/// layout, for both [`canonical_request`] and [`CanonicalPrefix`].
fn canonical_prefix_pieces<'a>(
    method: &'a str,
    content_type: &'a str,
    host: &'a str,
) -> [&'a str; 8] {
    [
        method,
        "\n/\n\ncontent-type:",
        content_type,
        "\nhost:",
        host,
        "\n\n",
        SIGNED_HEADERS,
        "\n",
    ]
}

/// The canonical request, for tests and for the emulator's diagnostics. The
/// signer never builds it: it feeds the same bytes straight to SHA-256.
#[cfg(any(test, feature = "emulator"))]
pub fn canonical_request(input: &SignInput<'_>) -> String {
    let mut text = canonical_prefix_pieces(input.method, input.content_type, input.host).concat();
    text.push_str(hex_str(&hex32(&Sha256::digest(input.payload).into())));
    text
}

/// Feeds `pieces` to `update` in one call when they fit in a 192-byte stack
/// buffer (one update of the joined bytes costs less than many small ones;
/// the string to sign is about 120 bytes); longer input goes piece by piece.
fn feed(pieces: &[&[u8]], mut update: impl FnMut(&[u8])) {
    let mut buf = [0u8; 192];
    let mut len = 0;
    for piece in pieces {
        match buf.get_mut(len..len + piece.len()) {
            Some(room) => room.copy_from_slice(piece),
            None => return pieces.iter().for_each(|piece| update(piece)),
        }
        len += piece.len();
    }
    update(&buf[..len]);
}

/// The part of the canonical request that is the same for every request
/// of a client (method, content type, host, signed headers), already fed to
/// SHA-256. A client prepares it once; each signature clones the hash state
/// and adds only the payload's hash, so the prefix's blocks are not hashed
/// again on every call.
#[derive(Clone)]
pub struct CanonicalPrefix(Sha256);

impl CanonicalPrefix {
    /// The canonical request's part that every call of a client shares.
    pub fn new(method: &str, content_type: &str, host: &str) -> CanonicalPrefix {
        let mut hasher = Sha256::new();
        for piece in canonical_prefix_pieces(method, content_type, host) {
            hasher.update(piece.as_bytes());
        }
        CanonicalPrefix(hasher)
    }

    /// SHA-256 of [`canonical_request`] for `payload`.
    fn hash_with(&self, payload: &[u8]) -> [u8; 32] {
        let mut hasher = self.0.clone();
        hasher.update(hex32(&Sha256::digest(payload).into()));
        hasher.finalize().into()
    }
}

impl std::fmt::Debug for CanonicalPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CanonicalPrefix(..)")
    }
}

/// SHA-256 of [`canonical_request`], without building it as a String.
fn canonical_request_hash(input: &SignInput<'_>) -> [u8; 32] {
    CanonicalPrefix::new(input.method, input.content_type, input.host).hash_with(input.payload)
}

/// HMAC of the string to sign, without building it as a String:
/// `TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<hex hash>`.
fn sign_hash(
    canonical_hash: &[u8; 32],
    timestamp: i64,
    date: &str,
    service: &str,
    key: &SigningKey,
) -> [u8; 64] {
    let mut digits = [0u8; 20];
    let mut mac = HmacSha256::new_from_slice(&*key.bytes).expect("HMAC accepts keys of any length");
    feed(
        &[
            ALGORITHM.as_bytes(),
            b"\n",
            decimal(timestamp, &mut digits),
            b"\n",
            date.as_bytes(),
            b"/",
            service.as_bytes(),
            b"/tc3_request\n",
            &hex32(canonical_hash),
        ],
        |bytes| mac.update(bytes),
    );
    hex32(&mac.finalize().into_bytes().into())
}

/// A signature: 64 lower-case hex digits, on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 64]);

impl Signature {
    /// The text.
    pub fn as_str(&self) -> &str {
        hex_str(&self.0)
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not secret (it is sent in clear), but useless without its request.
        f.write_str("Signature(..)")
    }
}

/// The signature of `input` under an already derived key whose date is
/// `date` (the UTC date of `input.timestamp`). No allocation.
pub fn sign(input: &SignInput<'_>, date: &str, key: &SigningKey) -> Signature {
    Signature(sign_hash(
        &canonical_request_hash(input),
        input.timestamp,
        date,
        input.service,
        key,
    ))
}

/// As [`sign`], for a request whose method, content type and host are in
/// `prefix` (prepared once), with this `payload` and `timestamp`.
pub fn sign_prepared(
    prefix: &CanonicalPrefix,
    payload: &[u8],
    timestamp: i64,
    date: &str,
    service: &str,
    key: &SigningKey,
) -> Signature {
    Signature(sign_hash(
        &prefix.hash_with(payload),
        timestamp,
        date,
        service,
        key,
    ))
}

/// As [`sign`], as a `String`.
#[cfg(any(test, feature = "emulator"))]
pub fn signature_with_key(input: &SignInput<'_>, date: &str, key: &SigningKey) -> String {
    sign(input, date, key).as_str().to_owned()
}

/// The hex signature of an already built canonical request. The emulator uses
/// this with the headers a client declared in `SignedHeaders`.
#[cfg(any(test, feature = "emulator"))]
pub fn signature_of_canonical(
    canonical: &str,
    timestamp: i64,
    date: &str,
    service: &str,
    key: &SigningKey,
) -> String {
    let hash = Sha256::digest(canonical.as_bytes()).into();
    hex_str(&sign_hash(&hash, timestamp, date, service, key)).to_owned()
}

/// The hex signature of `input` under `secret_key`.
pub fn signature(input: &SignInput<'_>, secret_key: &[u8]) -> String {
    let date = UtcDate::of(input.timestamp);
    let key = SigningKey::derive(secret_key, date.as_str(), input.service);
    sign(input, date.as_str(), &key).as_str().to_owned()
}

/// The complete `Authorization` header value.
///
/// Tencent's published example of Signature v3 (a CVM request):
///
/// ```
/// use tcr::sign::{authorization, SignInput};
///
/// let input = SignInput {
///     method: "POST",
///     host: "cvm.tencentcloudapi.com",
///     content_type: "application/json; charset=utf-8",
///     payload: br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#,
///     timestamp: 1_551_113_065,
///     service: "cvm",
/// };
/// let header = authorization(&input, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
/// assert!(header.ends_with("Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"));
/// ```
pub fn authorization(input: &SignInput<'_>, secret_id: &str, secret_key: &[u8]) -> String {
    let date = UtcDate::of(input.timestamp);
    let key = SigningKey::derive(secret_key, date.as_str(), input.service);
    let signature = sign(input, date.as_str(), &key);
    authorization_header(secret_id, date.as_str(), input.service, signature.as_str())
}

/// Assembles the header from its parts, in one allocation of the exact size.
pub fn authorization_header(secret_id: &str, date: &str, service: &str, signature: &str) -> String {
    let pieces = [
        ALGORITHM,
        " Credential=",
        secret_id,
        "/",
        date,
        "/",
        service,
        "/tc3_request, SignedHeaders=",
        SIGNED_HEADERS,
        ", Signature=",
        signature,
    ];
    let mut header = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in pieces {
        header.push_str(piece);
    }
    header
}

/// Hex SHA-256, used by the emulator when it rebuilds a canonical request.
#[cfg(any(test, feature = "emulator"))]
pub fn sha256_hex(data: &[u8]) -> String {
    hex_str(&hex32(&Sha256::digest(data).into())).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tencent's published Signature v3 example (CVM DescribeInstances).
    #[test]
    fn published_example() {
        let payload = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let input = SignInput {
            method: "POST",
            host: "cvm.tencentcloudapi.com",
            content_type: "application/json; charset=utf-8",
            payload,
            timestamp: 1_551_113_065,
            service: "cvm",
        };
        assert_eq!(utc_date(input.timestamp), "2019-02-25");
        assert_eq!(
            signature(&input, b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert_eq!(
            authorization(&input, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn utc_dates_around_midnight_and_leap_days() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(86_399), "1970-01-01");
        assert_eq!(utc_date(86_400), "1970-01-02");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_709_164_799), "2024-02-28");
        assert_eq!(utc_date(1_709_164_800), "2024-02-29");
        assert_eq!(utc_date(4_102_444_800), "2100-01-01");
        assert_eq!(utc_date(-1), "1969-12-31");
    }

    #[test]
    fn streamed_hashes_match_the_built_strings() {
        let payload = br#"{"RegistryId": "tcr-1", "TokenId": "t", "Enable": false}"#;
        for timestamp in [0, 9, 1_551_113_065, -86_401, i64::MAX / 2] {
            let input = SignInput {
                method: "POST",
                host: "tcr.ap-guangzhou.tencentcloudapi.com:8443",
                content_type: "application/json",
                payload,
                timestamp,
                service: "tcr",
            };
            let date = utc_date(timestamp);
            let key = SigningKey::derive(b"k", &date, "tcr");
            let prefix = CanonicalPrefix::new(input.method, input.content_type, input.host);
            assert_eq!(
                sign_prepared(&prefix, payload, timestamp, &date, "tcr", &key),
                sign(&input, &date, &key)
            );
            assert_eq!(
                sign(&input, &date, &key).as_str(),
                signature_of_canonical(&canonical_request(&input), timestamp, &date, "tcr", &key)
            );
            let string_to_sign = format!(
                "{ALGORITHM}\n{timestamp}\n{date}/tcr/tc3_request\n{}",
                sha256_hex(canonical_request(&input).as_bytes())
            );
            assert_eq!(
                sign(&input, &date, &key).as_str(),
                hex_str(&hex32(&hmac(&*key.bytes, string_to_sign.as_bytes())))
            );
        }
    }

    #[test]
    fn a_long_host_hashes_as_the_built_canonical_request() {
        let host = "h".repeat(400);
        let input = SignInput {
            method: "POST",
            host: &host,
            content_type: "application/json",
            payload: b"{}",
            timestamp: 1_700_000_000,
            service: "tcr",
        };
        let expected: [u8; 32] = Sha256::digest(canonical_request(&input).as_bytes()).into();
        assert_eq!(canonical_request_hash(&input), expected);
        assert_eq!(
            hex_str(&hex32(&expected)),
            sha256_hex(canonical_request(&input).as_bytes())
        );
    }

    #[test]
    fn feed_passes_the_same_bytes_joined_or_piece_by_piece() {
        let long = [b'x'; 150];
        for pieces in [
            &[&b"ab"[..], b"", b"cd"][..],
            &[&long[..], &long[..], b"!"][..],
        ] {
            let mut seen = Vec::new();
            feed(pieces, |bytes| seen.extend_from_slice(bytes));
            assert_eq!(seen, pieces.concat());
        }
    }

    #[test]
    fn decimal_digits() {
        let mut buf = [0u8; 20];
        for n in [0, 7, -7, 1_551_113_065, i64::MAX, i64::MIN] {
            assert_eq!(decimal(n, &mut buf), n.to_string().as_bytes());
        }
    }

    #[test]
    fn dates_are_the_proleptic_gregorian_calendars() {
        // Expected values from Python's datetime, not from this module.
        for (timestamp, date) in [
            (0, "1970-01-01"),
            (951_782_400, "2000-02-29"),
            (4_107_542_400, "2100-03-01"),
            (253_402_214_399, "9999-12-30"),
            (-62_135_596_800, "0001-01-01"),
            (1_551_113_065, "2019-02-25"),
            (-1, "1969-12-31"),
        ] {
            assert_eq!(utc_date(timestamp), date, "{timestamp}");
        }
    }

    #[test]
    fn dates_outside_four_digit_years_format_as_format_would() {
        // One second before 0000-01-01, and 10000-01-01: "{:04}" of the year.
        assert_eq!(utc_date(-62_167_219_201), "-001-12-31");
        assert_eq!(utc_date(253_402_300_800), "10000-01-01");
        // The far past neither panics nor overflows the buffer.
        let far = utc_date(i64::MIN / 86_400 * 86_400 / 2);
        assert!(
            far.starts_with('-') && far.ends_with(|c: char| c.is_ascii_digit()),
            "{far}"
        );
    }

    #[test]
    fn debug_of_signing_key_is_redacted() {
        let key = SigningKey::derive(b"very-secret", "2024-01-01", "tcr");
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }
}
