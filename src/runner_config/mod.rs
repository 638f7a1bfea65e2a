//! gitlab-runner's `config.toml`, edited structurally: other runners, global settings and comments stay byte
//! for byte; entries are matched by runner id; every write re-reads the file under a lock, so a token that
//! gitlab-runner rotated meanwhile is never overwritten. Written 0600, atomically.

mod entry;

pub use entry::{Executor, NEVER, RunnerEntry, datetime};

use crate::atomic_file::{FileLock, Mode, write_atomic};
use crate::secret::Secret;
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, Item};

/// What a new `config.toml` starts with (gitlab-runner's own defaults).
const SKELETON: &str = "concurrent = 1\ncheck_interval = 0\nshutdown_timeout = 0\n\n[session_server]\n  session_timeout = 1800\n";

/// A failure reading or writing `config.toml`.
#[derive(Debug, thiserror::Error)]
pub enum RunnerConfigError {
    /// The file is not valid TOML, or not of gitlab-runner's shape.
    #[error("`{path}` is not a valid gitlab-runner configuration (line {line}): {message}")]
    Malformed {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file is read-only.
    #[error("`{path}` is read-only")]
    ReadOnly {
        /// The file.
        path: String,
    },
    /// Reading, locking or writing failed.
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl RunnerConfigError {
    /// The fix.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::Malformed { .. } => {
                "fix the file by hand (devkit left it untouched), or pass another one with `--runner-config`"
                    .into()
            }
            Self::ReadOnly { .. } => "make it writable by you (`chmod u+w`): gitlab-runner also rewrites it \
                 when it rotates its token"
                .into(),
            Self::Io { .. } => "check the folder's permissions".into(),
        })
    }
}

/// A runner entry found in the file.
#[derive(Debug, Clone)]
pub struct Existing {
    /// `name`.
    pub name: String,
    /// `url`.
    pub url: String,
    /// `id`, if present (older registrations lack it).
    pub id: Option<u64>,
    /// `token`.
    pub token: Option<Secret>,
    /// `executor`.
    pub executor: String,
}

/// A loaded `config.toml`.
#[derive(Debug)]
pub struct ConfigFile {
    path: PathBuf,
    doc: DocumentMut,
}

impl ConfigFile {
    /// Reads and checks `path`; a missing file is gitlab-runner's default configuration.
    pub fn load(path: &Path) -> Result<Self, RunnerConfigError> {
        let text = match fs_err::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SKELETON.to_string(),
            Err(source) => return Err(io("read", path, source)),
        };
        Self::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Self, RunnerConfigError> {
        let malformed = |line: usize, message: String| RunnerConfigError::Malformed {
            path: path.display().to_string(),
            line,
            message,
        };
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let line = e.span().map_or(1, |s| crate::site::line_of_offset(text, s.start));
            malformed(line, e.message().trim().to_string())
        })?;
        match doc.get("runners") {
            None | Some(Item::ArrayOfTables(_)) => {}
            Some(_) => {
                return Err(malformed(
                    1,
                    "`runners` must be an array of `[[runners]]` tables".into(),
                ));
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            doc,
        })
    }

    /// The runner entries, in file order.
    pub fn entries(&self) -> Vec<Existing> {
        let Some(aot) = self.doc.get("runners").and_then(Item::as_array_of_tables) else {
            return Vec::new();
        };
        aot.iter()
            .map(|t| {
                let s = |k: &str| t.get(k).and_then(Item::as_str).unwrap_or_default().to_string();
                Existing {
                    name: s("name"),
                    url: s("url"),
                    id: t
                        .get("id")
                        .and_then(Item::as_integer)
                        .and_then(|i| u64::try_from(i).ok()),
                    token: t.get("token").and_then(Item::as_str).map(Secret::new),
                    executor: s("executor"),
                }
            })
            .collect()
    }

    /// Writes `entry` in place of the entry with id `replace` (its comments kept), or appends it.
    pub fn put(&mut self, entry: &RunnerEntry, replace: Option<u64>) {
        let fresh: DocumentMut = match entry.to_toml().parse() {
            Ok(d) => d,
            Err(_) => return,
        };
        let Some(mut table) = fresh
            .get("runners")
            .and_then(Item::as_array_of_tables)
            .and_then(|a| a.get(0))
            .cloned()
        else {
            return;
        };
        clear_positions(&mut table);
        if !self.doc.contains_key("runners") {
            self.doc
                .insert("runners", Item::ArrayOfTables(toml_edit::ArrayOfTables::new()));
        }
        let Some(aot) = self.doc.get_mut("runners").and_then(Item::as_array_of_tables_mut) else {
            return;
        };
        let index = replace.and_then(|id| aot.iter().position(|t| id_of(t) == Some(id)));
        match index.and_then(|i| aot.get_mut(i)) {
            Some(old) => {
                *table.decor_mut() = old.decor().clone();
                *old = table;
            }
            None => aot.push(table),
        }
    }

    /// Removes the entry with id `id`; whether there was one.
    pub fn remove(&mut self, id: u64) -> bool {
        self.remove_where(|t| id_of(t) == Some(id))
    }

    /// Removes the entry named `name` that has no `id` (registered by hand long ago); whether there was one.
    pub fn remove_unnumbered(&mut self, name: &str) -> bool {
        self.remove_where(|t| id_of(t).is_none() && t.get("name").and_then(Item::as_str) == Some(name))
    }

    fn remove_where(&mut self, found: impl Fn(&toml_edit::Table) -> bool) -> bool {
        let Some(aot) = self.doc.get_mut("runners").and_then(Item::as_array_of_tables_mut) else {
            return false;
        };
        let index = aot.iter().position(found);
        match index {
            Some(i) => {
                aot.remove(i);
                true
            }
            None => false,
        }
    }

    /// The file's new text.
    pub fn render(&self) -> String {
        self.doc.to_string()
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn id_of(t: &toml_edit::Table) -> Option<u64> {
    t.get("id")
        .and_then(Item::as_integer)
        .and_then(|i| u64::try_from(i).ok())
}

fn clear_positions(table: &mut toml_edit::Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        if let Item::Table(t) = item {
            clear_positions(t);
        }
    }
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> RunnerConfigError {
    RunnerConfigError::Io {
        action,
        path: path.display().to_string(),
        source,
    }
}

/// Fails if `path` exists and is read-only (checked on the mode bits, so it holds for root too).
pub fn check_writable(path: &Path) -> Result<(), RunnerConfigError> {
    match fs_err::metadata(path) {
        Ok(m) if m.permissions().readonly() => Err(RunnerConfigError::ReadOnly {
            path: path.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// Re-reads `path` under devkit's lock, applies `change` and writes the result atomically (0600) when
/// `change` returns `true`.
pub fn edit<T>(
    path: &Path,
    change: impl FnOnce(&mut ConfigFile) -> (bool, T),
) -> Result<T, RunnerConfigError> {
    check_writable(path)?;
    let name = path
        .file_name()
        .map_or_else(|| "config.toml".into(), |n| n.to_string_lossy());
    let lock_path = path.with_file_name(format!(".{name}.devkit-lock"));
    let _lock = FileLock::acquire(&lock_path).map_err(|e| io("lock", path, e))?;
    let mut file = ConfigFile::load(path)?;
    let (write, out) = change(&mut file);
    if write {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                crate::atomic_file::ensure_private_dir(dir)
                    .map_err(|e| io("create the folder of", path, e))?;
            }
        }
        write_atomic(path, file.render().as_bytes(), Mode::Private).map_err(|e| io("write", path, e))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
