//! The single printer: status lines, warnings and hints on stderr, data on stdout. It honours `-q`/`-v`,
//! `NO_COLOR` and non-TTY output, so every other module stays silent and testable.
#![allow(clippy::print_stderr)]

use std::fmt::Display;
use std::io::{IsTerminal, Write};

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
#[derive(Debug, Clone)]
pub struct Printer {
    verbosity: Verbosity,
    color: bool,
    tty: bool,
}

impl Printer {
    /// A printer writing to the real stdout/stderr; colour only on a terminal and without `NO_COLOR`.
    pub fn new(verbosity: Verbosity, no_color: bool) -> Self {
        let tty = std::io::stderr().is_terminal();
        let color = !no_color && tty;
        Self {
            verbosity,
            color,
            tty,
        }
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
            eprintln!("{} {message}", self.paint("1;32", &format!("{verb:>12}")));
        }
    }

    /// A transient progress line, replaced by the next one; shown only on a terminal at normal verbosity.
    pub fn progress(&self, message: impl Display) {
        if self.tty && self.verbosity == Verbosity::Normal {
            let mut line = message.to_string();
            if let Some((cut, _)) = line.char_indices().nth(WIDTH) {
                line.truncate(cut);
            }
            eprint!("\r\x1b[2K{line}");
        }
    }

    /// Clears the progress line before normal output resumes.
    pub fn progress_done(&self) {
        if self.tty && self.verbosity == Verbosity::Normal {
            eprint!("\r\x1b[2K");
        }
    }

    /// A plain informational line.
    pub fn info(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{message}");
        }
    }

    /// A warning: something the user should know, the command goes on. Each warning is said at most once per
    /// process, however many printers or steps meet the same condition.
    pub fn warn(&self, message: impl Display) {
        let message = message.to_string();
        if self.verbosity >= Verbosity::Normal && first_time(&message) {
            eprintln!("{}: {message}", self.paint("1;33", "warning"));
        }
    }

    /// A `hint:` line.
    pub fn hint(&self, message: impl Display) {
        eprintln!("{}: {message}", self.paint("1;36", "hint"));
    }

    /// A debug line, shown with `-v`.
    pub fn debug(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{}: {message}", self.paint("2", "debug"));
        }
    }

    /// An error with its causes and hints; always shown.
    pub fn error(&self, message: impl Display, causes: &[String], hints: &[String]) {
        eprintln!("{}: {message}", self.paint("1;31", "error"));
        for cause in causes {
            eprintln!("  caused by: {cause}");
        }
        for hint in hints {
            self.hint(hint);
        }
    }

    /// Data for stdout (never silenced by `-q`).
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.flush()
    }

    /// Raw bytes for stdout, flushed at once (a job's streamed output).
    pub fn raw(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

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
