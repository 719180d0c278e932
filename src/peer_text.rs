//! Text that came from the peer, made fit to quote in an error message, a
//! result field or a log line.
//!
//! A proxy or error page may echo the request's headers back, and with them
//! the session token and the signature; a hostile or broken server may put
//! newlines in a `RequestId` to forge log lines. So every peer-supplied
//! string the client hands on in an error message or a log line goes
//! through [`quote`] or [`excerpt`]: each secret the client knows is
//! replaced by `[redacted]`, including a truncated echo of one (see
//! [`redact`]), and control characters (and the Unicode controls that
//! reorder text) are escaped. Encoded echoes (percent- or base64-encoded)
//! are not recognised: this is a best effort against verbatim echoes, the
//! common case.
//!
//! A successful reply's data is not peer text in this sense: it is what the
//! caller asked for, and is handed back exactly as sent.

use std::borrow::Cow;

/// What replaces a secret found in peer text.
pub const REDACTED: &str = "[redacted]";

/// A truncated echo of a secret (a proxy that cut the header value short)
/// is redacted when it holds at least this many of the secret's leading
/// bytes. Shorter runs are left alone: a digest or an ID may share a few
/// leading characters with a signature by chance (one in 16^8 share 8 hex
/// digits), never 16.
pub const MIN_ECHOED_PREFIX: usize = 16;

/// Secrets shorter than this are not searched for: they would match
/// ordinary text. Real SecretKeys are 32 bytes, session tokens hundreds.
const MIN_SECRET_LEN: usize = 4;

/// The secrets of one attempt: the secret key, the session token and the
/// signature it sent.
#[derive(Default)]
pub struct Secrets<'a> {
    values: [&'a str; 3],
}

impl<'a> Secrets<'a> {
    /// The secrets of one attempt: its key, its session token and its signature.
    pub fn new(secret_key: &'a str, session_token: Option<&'a str>, signature: &'a str) -> Self {
        Secrets {
            values: [secret_key, session_token.unwrap_or(""), signature],
        }
    }

    fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.values
            .iter()
            .map(|s| s.as_bytes())
            .filter(|s| s.len() >= MIN_SECRET_LEN)
    }
}

/// `text` with every secret redacted and control characters escaped.
pub fn quote(text: &str, secrets: &Secrets<'_>) -> String {
    escape_controls(&redact(text, secrets)).into_owned()
}

/// The start of a reply body, at most `max_chars` characters of it, as
/// [`quote`] makes it; `...` marks a cut. Secrets are removed from the
/// whole body first, so a cut cannot leave part of one behind.
pub fn excerpt(body: &[u8], max_chars: usize, secrets: &Secrets<'_>) -> String {
    let text = String::from_utf8_lossy(body);
    let text = redact(&text, secrets);
    let cut = text.char_indices().nth(max_chars).map(|(i, _)| i);
    let shown = escape_controls(&text[..cut.unwrap_or(text.len())]);
    match cut {
        Some(_) => format!("{shown}..."),
        None => shown.into_owned(),
    }
}

/// `text` with each whole occurrence of a secret, and each truncated echo of
/// one, replaced by [`REDACTED`], and nothing else changed (so JSON stays
/// JSON). A truncated echo is a run of at least [`MIN_ECHOED_PREFIX`] of the
/// secret's leading bytes that ends where the value it stands in was cut:
/// at the end of `text`, or before a character that could not continue a
/// key, token or signature (anything but an ASCII letter, digit, `+`, `/`,
/// `=`, `_` or `-`). So `Signature=72e494ea809ad7a8…` in a gateway page
/// goes, while a 64-hex digest that merely starts like the signature stays.
pub fn redact<'t>(text: &'t str, secrets: &Secrets<'_>) -> Cow<'t, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let Some(end) = secrets
            .iter()
            .filter_map(|secret| echo_end(text, at, secret))
            .max()
        else {
            at += 1;
            continue;
        };
        out.push_str(&text[copied..at]);
        out.push_str(REDACTED);
        (copied, at) = (end, end);
    }
    if copied == 0 && out.is_empty() {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Where the echo of `secret` that starts at byte `at` of `text` ends, if
/// one starts there: the whole secret, or a truncated echo as [`redact`]
/// describes it.
fn echo_end(text: &str, at: usize, secret: &[u8]) -> Option<usize> {
    let bytes = &text.as_bytes()[at..];
    let same = bytes.iter().zip(secret).take_while(|(a, b)| a == b).count();
    if same == secret.len() {
        // A secret is UTF-8, so a whole one ends on a character boundary.
        return Some(at + same);
    }
    if same < MIN_ECHOED_PREFIX {
        return None;
    }
    // An echo that parts from the secret inside a multi-byte character
    // takes the rest of that character with it.
    let end = (at + same..=text.len()).find(|&i| text.is_char_boundary(i))?;
    let value_goes_on = text.as_bytes().get(end).is_some_and(|&next| {
        next.is_ascii_alphanumeric() || matches!(next, b'+' | b'/' | b'=' | b'_' | b'-')
    });
    (!value_goes_on).then_some(end)
}

/// Control characters, and the format characters that reorder how a line
/// is displayed (bidirectional overrides), written as `\n`, `\u{1b}` ...
fn escape_controls(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const TOKEN: &str = "session-token-0123456789abcdef";
    const SIGNATURE: &str = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

    fn secrets() -> Secrets<'static> {
        Secrets::new(KEY, Some(TOKEN), SIGNATURE)
    }

    #[test]
    fn every_secret_is_redacted_wherever_it_stands() {
        let page = format!(
            "<pre>Authorization: TC3-HMAC-SHA256 Credential=AKID/2019-02-25/tcr/tc3_request, \
             SignedHeaders=content-type;host, Signature={SIGNATURE}\nX-TC-Token: {TOKEN}\n\
             key={KEY}{KEY}</pre>"
        );
        let quoted = quote(&page, &secrets());
        for secret in [KEY, TOKEN, SIGNATURE] {
            assert!(!quoted.contains(&secret[..8]), "{quoted}");
        }
        assert_eq!(quoted.matches(REDACTED).count(), 4, "{quoted}");
        assert!(quoted.contains("Credential=AKID/2019-02-25"), "{quoted}");
        assert!(
            quoted.contains("\\nX-TC-Token: [redacted]\\nkey="),
            "{quoted}"
        );
    }

    #[test]
    fn a_truncated_echo_is_redacted_and_a_short_likeness_is_not() {
        // Cut by the peer: at the end of the text, or where the value ends.
        let cut = &TOKEN[..MIN_ECHOED_PREFIX];
        assert_eq!(
            quote(&format!("token {cut}"), &secrets()),
            "token [redacted]"
        );
        assert_eq!(
            quote(&format!("X-TC-Token: {cut}...\nnext"), &secrets()),
            "X-TC-Token: [redacted]...\\nnext"
        );
        let sig = &SIGNATURE[..40];
        assert_eq!(
            quote(&format!("{{\"Signature\": \"{sig}\"}}"), &secrets()),
            "{\"Signature\": \"[redacted]\"}"
        );
        // Too short to be told from chance.
        let near = &TOKEN[..MIN_ECHOED_PREFIX - 1];
        assert_eq!(quote(&format!("a {near}"), &secrets()), format!("a {near}"));
        // An echo that parts from the secret inside a multi-byte character
        // ('è' and 'é' share their first byte): that character goes too.
        let s = Secrets::new("ééééééééé-secret", None, "");
        assert_eq!(quote("xééééééééè!", &s), "x[redacted]!");
    }

    #[test]
    fn a_digest_that_starts_like_a_secret_survives() {
        // 64 hex digits sharing the signature's first 8, 15 and 16
        // characters, then going on as a digest does.
        for shared in [8, 15, 16, 40] {
            let digest = format!("{}{}", &SIGNATURE[..shared], "0".repeat(64 - shared));
            let text = format!("sha256:{digest} and {digest}");
            assert_eq!(quote(&text, &secrets()), text, "{shared}");
        }
        // A key or token prefix followed by more of the value's alphabet.
        let text = format!("{}Z {}_x", &KEY[..20], &TOKEN[..20]);
        assert_eq!(quote(&text, &secrets()), text);
    }

    #[test]
    fn excerpts_redact_before_cutting() {
        let body = format!("{}{TOKEN}", "a".repeat(250));
        let shown = excerpt(body.as_bytes(), 256, &secrets());
        assert_eq!(shown, format!("{}[redac...", "a".repeat(250)));
        assert_eq!(excerpt(b"short", 256, &secrets()), "short");
        assert_eq!(excerpt("描述".as_bytes(), 1, &Secrets::default()), "描...");
    }

    #[test]
    fn control_characters_are_escaped_and_text_kept() {
        assert_eq!(
            quote(
                "r-1\ntcr: action=X status=TCR_OK\r\u{1b}[2J\u{202e}",
                &secrets()
            ),
            "r-1\\ntcr: action=X status=TCR_OK\\r\\u{1b}[2J\\u{202e}"
        );
        assert_eq!(
            quote("令牌不存在 (zh-CN)", &secrets()),
            "令牌不存在 (zh-CN)"
        );
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert!(matches!(redact("plain", &secrets()), Cow::Borrowed(_)));
    }

    #[test]
    fn short_or_absent_secrets_are_not_searched() {
        let s = Secrets::new("abc", None, "");
        assert_eq!(quote("abc abc", &s), "abc abc");
        assert_eq!(quote("", &secrets()), "");
    }
}
