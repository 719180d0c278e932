//! Opt-in diagnostics: one line per HTTP attempt, to stderr when `TCR_LOG`
//! is `debug`, and to a caller's callback when one is set. Lines are built
//! only from values that are never secret (action, endpoint, status, attempt,
//! duration, request id, error messages, which never hold secrets).

use std::sync::Arc;

/// How important a line is. Numbers are those of the C ABI's `TCR_LOG_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug = 10,
    Warn = 30,
}

/// A caller's log sink. It is called on the thread making the call.
pub type LogSink = Arc<dyn Fn(Level, &str) + Send + Sync>;

#[derive(Clone, Default)]
pub struct Logger {
    sink: Option<LogSink>,
    stderr_debug: bool,
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
    pub fn new(sink: Option<LogSink>, env: crate::credential::Env<'_>) -> Logger {
        let stderr_debug = env("TCR_LOG").is_some_and(|v| v.eq_ignore_ascii_case("debug"));
        Logger { sink, stderr_debug }
    }

    /// Whether debug lines go anywhere (so callers can skip formatting).
    pub fn debug_enabled(&self) -> bool {
        self.stderr_debug || self.sink.is_some()
    }

    pub fn debug(&self, line: &str) {
        if self.stderr_debug {
            eprintln!("{line}");
        }
        if let Some(sink) = &self.sink {
            sink(Level::Debug, line);
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
