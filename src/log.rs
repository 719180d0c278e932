//! Opt-in diagnostics: one line per HTTP attempt, to stderr when `TCR_LOG`
//! is `debug`, and to a caller's callback when one is set. Lines are built
//! only from values that are never secret (action, endpoint, status, attempt,
//! duration, request id, error messages, which never hold secrets). Values
//! that came from the peer were cleaned by [`crate::peer_text`] and are
//! written with [`value`], so no reply can start a line of its own or add
//! `key=value` fields to one.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// A value for a `key=value` field: as it is when it is a plain token
/// (letters, digits, `-_.:/`), else quoted with `"` and `\` escaped.
pub fn value(text: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.:/".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{text:?}"))
    }
}

/// How important a line is. Numbers are those of the C ABI's `TCR_LOG_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// One line per HTTP attempt (`TCR_LOG_DEBUG`).
    Debug = 10,
    /// Something the caller should see, e.g. TLS verification off (`TCR_LOG_WARN`).
    Warn = 30,
}

/// A caller's log sink. It is called on the thread making the call.
pub type LogSink = Arc<dyn Fn(Level, &str) + Send + Sync>;

/// Where a client's lines go: stderr (`TCR_LOG=debug`) and/or a sink, which
/// receives the lines at or above its level. The level can change while
/// calls run ([`Logger::set_sink_level`]): a binding whose logging is
/// configured after the client was made turns debug lines on then, and no
/// line is formatted while nobody listens.
#[derive(Clone, Default)]
pub struct Logger {
    sink: Option<LogSink>,
    stderr_debug: bool,
    /// The sink's level as a `Level` number; 0 (the default) is `Debug`.
    sink_level: Arc<AtomicU8>,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("callback", &self.sink.is_some())
            .field("stderr_debug", &self.stderr_debug)
            .finish()
    }
}

impl Logger {
    /// `TCR_LOG=debug` (read through `env`) turns on debug lines on stderr.
    pub fn new(sink: Option<LogSink>, env: crate::config::Env<'_>) -> Logger {
        let stderr_debug = env("TCR_LOG").is_some_and(|v| v.eq_ignore_ascii_case("debug"));
        Logger {
            sink,
            stderr_debug,
            sink_level: Arc::default(),
        }
    }

    /// The lowest level the sink receives from now on, for every clone of
    /// this logger (one client's calls on any thread). Lines below it are
    /// not made for the sink; warnings always reach it.
    pub fn set_sink_level(&self, level: Level) {
        self.sink_level.store(level as u8, Ordering::Relaxed);
    }

    fn sink_wants_debug(&self) -> bool {
        self.sink.is_some() && self.sink_level.load(Ordering::Relaxed) <= Level::Debug as u8
    }

    /// Whether debug lines go anywhere (so callers can skip formatting).
    pub fn debug_enabled(&self) -> bool {
        self.stderr_debug || self.sink_wants_debug()
    }

    /// Writes a debug line where debug lines go now.
    pub fn debug(&self, line: &str) {
        if self.stderr_debug {
            eprintln!("{line}");
        }
        if self.sink_wants_debug() {
            if let Some(sink) = &self.sink {
                sink(Level::Debug, line);
            }
        }
    }

    /// Warnings always go somewhere: to the callback, else to stderr.
    pub fn warn(&self, line: &str) {
        match &self.sink {
            Some(sink) => sink(Level::Warn, line),
            None => eprintln!("{line}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Level, Logger};
    use std::sync::{Arc, Mutex};

    #[test]
    fn the_sink_level_changes_for_every_clone_and_warnings_always_pass() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let store = seen.clone();
        let sink: super::LogSink = Arc::new(move |level, line: &str| {
            store.lock().unwrap().push((level, line.to_owned()));
        });
        let logger = Logger::new(Some(sink), &|_| None);
        let clone = logger.clone();
        assert!(clone.debug_enabled());
        clone.debug("one");
        logger.set_sink_level(Level::Warn);
        assert!(!clone.debug_enabled());
        clone.debug("two");
        clone.warn("three");
        logger.set_sink_level(Level::Debug);
        clone.debug("four");
        let lines: Vec<_> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        assert_eq!(lines, ["one", "three", "four"]);
        assert_eq!(seen.lock().unwrap()[1].0, Level::Warn);
    }

    #[test]
    fn values_are_plain_tokens_or_quoted() {
        assert_eq!(
            super::value("9b1c0c2e-0b3e-4c1f-8a55-0123456789ab"),
            "9b1c0c2e-0b3e-4c1f-8a55-0123456789ab"
        );
        assert_eq!(
            super::value("AuthFailure.SignatureFailure"),
            "AuthFailure.SignatureFailure"
        );
        assert_eq!(super::value("r status=TCR_OK"), r#""r status=TCR_OK""#);
        assert_eq!(super::value("a\"b\n"), r#""a\"b\n""#);
        assert_eq!(super::value(""), r#""""#);
    }
}
