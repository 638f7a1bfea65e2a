//! The single printer: status lines, warnings and hints on stderr, data on stdout (or any writers, for tests).
//! It honours `-q`/`-v`, `NO_COLOR` and non-TTY output, so every other module stays silent and testable; the
//! `tracing` events of leaf modules reach the terminal only through it (`trace.rs`).

mod trace;

use crate::text::{escape_controls, escape_lines};
use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

/// A shared output stream.
type Sink = Arc<Mutex<Box<dyn Write + Send>>>;

fn sink(w: impl Write + Send + 'static) -> Sink {
    Arc::new(Mutex::new(Box::new(w)))
}

/// The width of a terminal devkit's tables fit in.
pub const WIDTH: usize = 100;

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

/// Splits `text` into lines of at most `width` characters at spaces; a word longer than `width` is cut when
/// `cut`, else left whole on its own line (a URL or a path stays copyable).
pub fn fold(text: &str, width: usize, cut: bool) -> Vec<String> {
    let width = width.max(10);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let used = line.chars().count();
            let len = word.chars().count();
            let sep = usize::from(used > 0);
            if used + sep + len <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            if !cut {
                lines.push(std::mem::take(&mut word));
                break;
            }
            let cut = word.char_indices().nth(width).map_or(word.len(), |(i, _)| i);
            lines.push(word[..cut].to_string());
            word = word[cut..].to_string();
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Whether `message` is said for the first time in this process (and remembers it).
fn first_time(message: &str) -> bool {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if said.iter().any(|m| m == message) {
        return false;
    }
    said.push(message.to_string());
    true
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
        let layer = trace::PrinterLayer::new(self.clone());
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
            if let Some((cut, _)) = line.char_indices().nth(WIDTH) {
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

    /// A warning: something the user should know, the command goes on. Each warning is said at most once per
    /// process, however many printers or steps meet the same condition.
    pub fn warn(&self, message: impl Display) {
        let message = message.to_string();
        if self.verbosity >= Verbosity::Normal && first_time(&message) {
            self.emit(&format!("{}: {message}\n", self.paint("1;33", "warning")));
        }
    }

    /// A `hint:` line after a status or warning (an error's hints come with the error): not with `--quiet`,
    /// which prints errors only.
    pub fn hint(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            self.hint_line(message);
        }
    }

    fn hint_line(&self, message: impl Display) {
        self.emit(&format!("{}: {message}\n", self.paint("1;36", "hint")));
    }

    /// A debug line, shown with `-v`.
    pub fn debug(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            self.emit(&format!("{}: {message}\n", self.paint("2", "debug")));
        }
    }

    /// An error with its causes and hints; always shown.
    ///
    /// Messages may quote template content, file names or a server's answer: control and invisible characters
    /// are shown escaped (hints keep their line breaks), for every command alike.
    pub fn error(&self, message: impl Display, causes: &[String], hints: &[String]) {
        let message = escape_controls(&message.to_string());
        self.emit(&format!("{}: {message}\n", self.paint("1;31", "error")));
        for cause in causes {
            self.emit(&format!("  caused by: {}\n", escape_controls(cause)));
        }
        for hint in hints {
            self.hint_line(escape_lines(hint));
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
            // warnings are said once per process: each verbosity warns its own message, twice
            p.warn(format!("w{verbosity:?}"));
            p.warn(format!("w{verbosity:?}"));
            p.debug("d");
            p.info("i");
            p.hint("after a status");
            p.progress("never on a non-terminal");
            p.error("e", &["c".into()], &["h".into()]);
            p.data("payload").unwrap();
            assert_eq!(out.text(), "payload\n");
            let err = err.text();
            assert!(err.contains("error: e\n  caused by: c\nhint: h\n"), "{err}");
            assert_eq!(err.contains("     Created x\n"), verbosity >= Verbosity::Normal);
            assert_eq!(
                err.matches(&format!("warning: w{verbosity:?}\n")).count(),
                usize::from(verbosity >= Verbosity::Normal)
            );
            assert_eq!(err.contains("debug: d\n"), verbosity == Verbosity::Verbose);
            assert_eq!(
                err.contains("hint: after a status\n"),
                verbosity >= Verbosity::Normal
            );
            assert!(!err.contains("never"));
        }
    }

    #[test]
    fn errors_show_control_characters_escaped_whatever_the_command() {
        let (out, err) = (Captured::default(), Captured::default());
        let p = Printer::with_writers(Verbosity::Normal, out, err.clone());
        p.error(
            "bad name `a\x1b[2Jb`",
            &["from \u{202e}txt.exe".into()],
            &["fix it:\n  rename\r it".into()],
        );
        assert_eq!(
            err.text(),
            "error: bad name `a\\u{1b}[2Jb`\n  caused by: from \\u{202e}txt.exe\nhint: fix it:\n  rename\\r it\n"
        );
    }

    #[test]
    fn fold_keeps_long_words_whole_unless_asked_to_cut() {
        let url = format!("https://example.org/{}", "a".repeat(40));
        assert_eq!(
            fold(&format!("see {url} now"), 20, false),
            ["see", url.as_str(), "now"]
        );
        let cut = fold(&url, 20, true);
        assert!(cut.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(cut.concat(), url);
        assert_eq!(fold("", 20, false), [""]);
    }
}
