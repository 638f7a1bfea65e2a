//! The single printer: status lines, warnings and hints on stderr, data on stdout (or any writers, for tests).
//! It honours `-q`/`-v`, `NO_COLOR` and non-TTY output, so every other module stays silent and testable; the
//! `tracing` events of leaf modules reach the terminal only through it (`printer_trace.rs`).

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

/// A shared output stream.
type Sink = Arc<Mutex<Box<dyn Write + Send>>>;

fn sink(w: impl Write + Send + 'static) -> Sink {
    Arc::new(Mutex::new(Box::new(w)))
}

/// How much the printer says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Status lines, warnings, errors.
    Normal,
    /// Also debug lines.
    Verbose,
}

/// The printer every command writes through.
#[derive(Clone)]
pub struct Printer {
    verbosity: Verbosity,
    color: bool,
    tty: bool,
    out: Sink,
    err: Sink,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("verbosity", &self.verbosity)
            .field("color", &self.color)
            .finish_non_exhaustive()
    }
}

impl Printer {
    /// A printer writing to the real stdout/stderr; colour only on a terminal and without `NO_COLOR`.
    pub fn new(verbosity: Verbosity, no_color: bool) -> Self {
        let tty = std::io::stderr().is_terminal();
        Self {
            verbosity,
            color: !no_color && tty,
            tty,
            out: sink(std::io::stdout()),
            err: sink(std::io::stderr()),
        }
    }

    /// A printer writing data to `out` and messages to `err`, without colour or progress lines.
    pub fn with_writers(
        verbosity: Verbosity,
        out: impl Write + Send + 'static,
        err: impl Write + Send + 'static,
    ) -> Self {
        Self {
            verbosity,
            color: false,
            tty: false,
            out: sink(out),
            err: sink(err),
        }
    }

    /// One line (or a partial one) on the message stream; a closed stream is not worth failing a command.
    fn emit(&self, text: &str) {
        if let Ok(mut err) = self.err.lock() {
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        }
    }

    /// Sends the `tracing` events of devkit's modules through this printer from now on: waits (INFO) at
    /// normal verbosity, requests and retries (DEBUG) with `-v`, nothing with `-q`. Only the first call in a
    /// process takes effect.
    pub fn install_tracing(&self) {
        let layer = crate::printer_trace::PrinterLayer::new(self.clone());
        let subscriber =
            tracing_subscriber::layer::SubscriberExt::with(tracing_subscriber::registry(), layer);
        let _ = tracing::subscriber::set_global_default(subscriber);
    }

    /// The verbosity in force.
    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A status line such as `   Created demo`: a right-aligned verb and a message.
    pub fn status(&self, verb: &str, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            self.emit(&format!(
                "{} {message}\n",
                self.paint("1;32", &format!("{verb:>12}"))
            ));
        }
    }

    /// A transient progress line, replaced by the next one; shown only on a terminal at normal verbosity.
    pub fn progress(&self, message: impl Display) {
        if self.tty && self.verbosity == Verbosity::Normal {
            let mut line = message.to_string();
            if let Some((cut, _)) = line.char_indices().nth(100) {
                line.truncate(cut);
            }
            self.emit(&format!("\r\x1b[2K{line}"));
        }
    }

    /// Clears the progress line before normal output resumes.
    pub fn progress_done(&self) {
        if self.tty && self.verbosity == Verbosity::Normal {
            self.emit("\r\x1b[2K");
        }
    }

    /// A plain informational line.
    pub fn info(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            self.emit(&format!("{message}\n"));
        }
    }

    /// A warning: something the user should know, the command goes on.
    pub fn warn(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            self.emit(&format!("{}: {message}\n", self.paint("1;33", "warning")));
        }
    }

    /// A `hint:` line.
    pub fn hint(&self, message: impl Display) {
        self.emit(&format!("{}: {message}\n", self.paint("1;36", "hint")));
    }

    /// A debug line, shown with `-v`.
    pub fn debug(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            self.emit(&format!("{}: {message}\n", self.paint("2", "debug")));
        }
    }

    /// An error with its causes and hints; always shown.
    pub fn error(&self, message: impl Display, causes: &[String], hints: &[String]) {
        self.emit(&format!("{}: {message}\n", self.paint("1;31", "error")));
        for cause in causes {
            self.emit(&format!("  caused by: {cause}\n"));
        }
        for hint in hints {
            self.hint(hint);
        }
    }

    /// Data for stdout (never silenced by `-q`).
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        let mut out = self
            .out
            .lock()
            .map_err(|_| std::io::Error::other("stdout lock poisoned"))?;
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.flush()
    }

    /// Raw bytes for stdout, flushed at once (a job's streamed output).
    pub fn raw(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut out = self
            .out
            .lock()
            .map_err(|_| std::io::Error::other("stdout lock poisoned"))?;
        out.write_all(bytes)?;
        out.flush()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A writer whose bytes the test can read afterwards.
    #[derive(Clone, Default)]
    pub(crate) struct Captured(pub Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        pub(crate) fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    #[test]
    fn each_stream_gets_its_lines_at_each_verbosity() {
        for verbosity in [Verbosity::Quiet, Verbosity::Normal, Verbosity::Verbose] {
            let (out, err) = (Captured::default(), Captured::default());
            let p = Printer::with_writers(verbosity, out.clone(), err.clone());
            p.status("Created", "x");
            p.warn("w");
            p.debug("d");
            p.info("i");
            p.progress("never on a non-terminal");
            p.error("e", &["c".into()], &["h".into()]);
            p.data("payload").unwrap();
            assert_eq!(out.text(), "payload\n");
            let err = err.text();
            assert!(err.contains("error: e\n  caused by: c\nhint: h\n"), "{err}");
            assert_eq!(err.contains("     Created x\n"), verbosity >= Verbosity::Normal);
            assert_eq!(err.contains("warning: w\n"), verbosity >= Verbosity::Normal);
            assert_eq!(err.contains("debug: d\n"), verbosity == Verbosity::Verbose);
            assert!(!err.contains("never"));
        }
    }
}
