//! One `[[runners]]` entry as gitlab-runner writes it (field names, two-space indent, TOML datetimes), built as
//! text so its formatting is exactly gitlab-runner's.

use crate::secret::Secret;
use std::fmt::Write as _;
use std::path::PathBuf;

/// `token_expires_at` of a token that never expires (Go's zero time).
pub const NEVER: &str = "0001-01-01T00:00:00Z";

/// How the runner runs jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Executor {
    /// On this machine, with bash.
    Shell,
    /// The custom executor driven by `devkit executor config|prepare|run|cleanup`.
    Custom {
        /// The devkit binary.
        program: PathBuf,
        /// Where working copies go (required by the custom executor).
        builds_dir: String,
        /// Where caches go (required by the custom executor).
        cache_dir: String,
    },
}

/// A runner entry devkit writes.
#[derive(Debug, Clone)]
pub struct RunnerEntry {
    /// Local name (`name`).
    pub name: String,
    /// GitLab's root URL (`url`).
    pub url: String,
    /// Runner id (`id`), the key devkit matches entries by.
    pub id: u64,
    /// Runner authentication token (`token`).
    pub token: Secret,
    /// `token_obtained_at`, RFC 3339 UTC.
    pub token_obtained_at: toml_edit::Datetime,
    /// `token_expires_at`; [`NEVER`] when the token does not expire.
    pub token_expires_at: toml_edit::Datetime,
    /// The executor.
    pub executor: Executor,
}

/// An RFC 3339 time as a TOML datetime; GitLab's fractional seconds are dropped, as gitlab-runner does.
pub fn datetime(text: &str) -> Option<toml_edit::Datetime> {
    let text = text.trim();
    let cleaned = match (text.find('.'), text.get(19..)) {
        (Some(dot), Some(_)) if dot == 19 => {
            let rest = &text[dot + 1..];
            let zone = rest
                .find(|c: char| !c.is_ascii_digit())
                .map_or("", |i| &rest[i..]);
            format!("{}{zone}", &text[..19])
        }
        _ => text.to_string(),
    };
    let dt: toml_edit::Datetime = cleaned.parse().ok()?;
    (dt.date.is_some() && dt.time.is_some() && dt.offset.is_some()).then_some(dt)
}

fn quoted(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

impl RunnerEntry {
    /// The entry as TOML text, a `[[runners]]` table as gitlab-runner formats it.
    pub fn to_toml(&self) -> String {
        let mut t = String::new();
        let mut line = |k: &str, v: String| {
            let _ = writeln!(t, "  {k} = {v}");
        };
        line("name", quoted(&self.name));
        line("url", quoted(&self.url));
        line("id", self.id.to_string());
        line("token", quoted(self.token.expose()));
        line("token_obtained_at", self.token_obtained_at.to_string());
        line("token_expires_at", self.token_expires_at.to_string());
        match &self.executor {
            Executor::Shell => {
                line("executor", quoted("shell"));
                line("shell", quoted("bash"));
            }
            Executor::Custom {
                program,
                builds_dir,
                cache_dir,
            } => {
                line("executor", quoted("custom"));
                line("builds_dir", quoted(builds_dir));
                line("cache_dir", quoted(cache_dir));
                line("shell", quoted("bash"));
                let program = quoted(&program.display().to_string());
                let _ = writeln!(t, "  [runners.custom]");
                for stage in ["config", "prepare", "run", "cleanup"] {
                    let _ = writeln!(t, "    {stage}_exec = {program}");
                    let _ = writeln!(t, "    {stage}_args = [\"executor\", \"{stage}\"]");
                }
            }
        }
        format!("[[runners]]\n{t}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn datetimes_are_toml_datetimes() {
        assert_eq!(
            datetime("2026-01-01T00:00:00.000Z").unwrap().to_string(),
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(
            datetime("2026-01-01T02:00:00.5+02:00").unwrap().to_string(),
            "2026-01-01T02:00:00+02:00"
        );
        assert_eq!(datetime(NEVER).unwrap().to_string(), NEVER);
        assert!(datetime("2026-01-01").is_none());
        assert!(datetime("soon").is_none());
    }

    #[test]
    fn custom_entry_shape() {
        let e = RunnerEntry {
            name: "trex".into(),
            url: "https://gitlab.example.org".into(),
            id: 7,
            token: Secret::new("glrt-x"),
            token_obtained_at: datetime("2026-01-01T00:00:00Z").unwrap(),
            token_expires_at: datetime(NEVER).unwrap(),
            executor: Executor::Custom {
                program: "/opt/devkit".into(),
                builds_dir: "/b".into(),
                cache_dir: "/c".into(),
            },
        };
        let text = e.to_toml();
        assert!(text.starts_with("[[runners]]\n  name = \"trex\"\n"), "{text}");
        assert!(
            text.contains("  token_expires_at = 0001-01-01T00:00:00Z\n"),
            "{text}"
        );
        assert!(text.contains("    run_exec = \"/opt/devkit\"\n    run_args = [\"executor\", \"run\"]\n"));
        let doc: toml_edit::DocumentMut = text.parse().unwrap();
        assert_eq!(
            doc["runners"][0]["custom"]["cleanup_args"][1].as_str(),
            Some("cleanup")
        );
    }
}
