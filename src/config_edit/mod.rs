//! Editors for the configuration files of package clients (INI, netrc, YAML, via `toml_edit` for TOML): each
//! changes only what it is asked to and keeps comments, order and foreign keys.

mod ini;
mod json;
mod netrc;
mod surface;
mod yaml_top;

pub use ini::Ini;
pub use json::Json;
pub use netrc::Netrc;
pub use surface::Surface;
pub use yaml_top::{YamlTop, list_block, scalar_block};

/// File text as lines: split on `\n` only (a lone `\r` stays in its line), one final newline dropped.
fn split_lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    text.strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .map(str::to_string)
        .collect()
}

/// Lines back to file text: each line ends with a newline; no lines is an empty file.
fn render_lines(lines: &[String]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// A file that cannot be edited safely.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file does not parse.
    #[error("{message}{}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Syntax {
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong (never a value).
        message: String,
    },
}

impl EditError {
    pub(crate) fn syntax(line: usize, message: impl Into<String>) -> Self {
        Self::Syntax {
            line: Some(line),
            message: message.into(),
        }
    }

    /// The line of the problem, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. } => *line,
        }
    }
}
