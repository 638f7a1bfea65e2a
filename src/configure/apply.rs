//! Turns planned keys into new file contents (and the reverse for `--undo`) without touching the disk: the
//! command layer shows the diff or writes the files. An unparsable file stops everything and is left as is.

use super::doc::{Doc, Format};
use super::owned::{Item, Owned};
use super::{Client, Op};
use crate::config_edit::{EditError, Surface};
use std::path::{Path, PathBuf};

/// Why a client file cannot be configured.
#[derive(Debug, thiserror::Error)]
pub enum ConfigureError {
    /// The existing file does not parse.
    #[error("`{}` is malformed: {cause}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What the parser said, with the line.
        cause: EditError,
    },
    /// The file cannot be read.
    #[error("cannot read `{}`: {cause}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// A record of devkit's (ownership, originals) is unreadable.
    #[error("`{}` is malformed: {cause}", path.display())]
    Record {
        /// The record.
        path: PathBuf,
        /// What is wrong.
        cause: String,
    },
    /// `.netrc` already holds credentials of another user for the host.
    #[error("`{}` already has credentials for `{host}` with the login `{login}`", path.display())]
    ForeignNetrc {
        /// The file.
        path: PathBuf,
        /// The machine.
        host: String,
        /// The login found.
        login: String,
    },
}

impl ConfigureError {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Malformed { .. } => {
                Some("fix the file (devkit left it unchanged), then run the command again".into())
            }
            Self::Read { cause, .. } if cause.kind() == std::io::ErrorKind::InvalidData => {
                Some("save it as UTF-8 text (devkit left it unchanged), then run the command again".into())
            }
            Self::Read { .. } => Some("check the file's permissions".into()),
            Self::Record { .. } => Some(
                "fix or remove it (devkit then forgets what it added, and `--undo` cannot restore exact originals)".into(),
            ),
            Self::ForeignNetrc { login, .. } => Some(format!(
                "remove that entry, or store the token of `{login}` with `devkit secrets set artifactory --username {login} --token-stdin`"
            )),
        }
    }
}

/// A file's old and new contents.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The file.
    pub path: PathBuf,
    /// Its contents now (`None` when missing).
    pub old: Option<String>,
    /// What devkit would write (`None`: remove the file).
    pub new: Option<String>,
    /// Whether it must be owner-only.
    pub private: bool,
    /// The mode to restore (undo of a file devkit changed).
    pub mode: Option<u32>,
    /// Folders devkit created for it, to remove when empty once the file is gone.
    pub remove_dirs: Vec<PathBuf>,
}

impl FileChange {
    /// Whether writing it would change anything.
    pub fn changed(&self) -> bool {
        self.old != self.new
    }
}

/// Reads a file, `None` when missing.
pub type Reader<'a> = &'a dyn Fn(&Path) -> std::io::Result<Option<String>>;

/// A file opened for editing: its text now, its surface (BOM, CRLF, final newline) and the parsed document.
struct Opened {
    old: Option<String>,
    surface: Surface,
    doc: Doc,
}

impl Opened {
    fn change(self, path: PathBuf, format: Format) -> FileChange {
        let rendered = self.surface.restore(&self.doc.render());
        // Everything in it was devkit's: the file goes (an empty file that was there stays).
        let new = if rendered.is_empty() && self.old.as_deref() != Some("") {
            None
        } else {
            Some(rendered)
        };
        FileChange {
            private: is_private(&path, format),
            path,
            old: self.old,
            new,
            mode: None,
            remove_dirs: Vec::new(),
        }
    }
}

fn open(path: &Path, format: Format, read: Reader<'_>) -> Result<Opened, ConfigureError> {
    let old = read(path).map_err(|cause| ConfigureError::Read {
        path: path.into(),
        cause,
    })?;
    let (surface, text) = Surface::split(old.as_deref().unwrap_or_default());
    let doc = Doc::parse(format, &text).map_err(|cause| ConfigureError::Malformed {
        path: path.into(),
        cause,
    })?;
    Ok(Opened { old, surface, doc })
}

fn is_private(path: &Path, format: Format) -> bool {
    format == Format::Netrc
        || path.file_name().is_some_and(|n| {
            [".pypirc", "config.json", ".s3cfg", "gdalrc", "rclone.conf"].contains(&&*n.to_string_lossy())
        })
}

/// The files named by `items`, each once, in first-seen order.
fn distinct_files<'a>(items: impl Iterator<Item = (&'a PathBuf, Format)>) -> Vec<(PathBuf, Format)> {
    let mut files: Vec<(PathBuf, Format)> = Vec::new();
    for (file, format) in items {
        if !files.iter().any(|(f, _)| f == file) {
            files.push((file.clone(), format));
        }
    }
    files
}

/// Applies `ops` to the files they name, recording ownership in `owned`.
pub fn compute(ops: &[Op], owned: &mut Owned, read: Reader<'_>) -> Result<Vec<FileChange>, ConfigureError> {
    let files = distinct_files(ops.iter().map(|o| (&o.file, o.format)));
    let mut changes = Vec::new();
    for (path, format) in files {
        let mut opened = open(&path, format, read)?;
        let doc = &mut opened.doc;
        for op in ops.iter().filter(|o| o.file == path) {
            let current = doc.get(&op.key);
            let mine = owned.find(&path, &op.key).cloned();
            if format == Format::Netrc
                && let Some(login) = &current
                && login != &op.value
                && mine.is_none()
            {
                return Err(ConfigureError::ForeignNetrc {
                    path,
                    host: op.key[0].clone(),
                    login: login.clone(),
                });
            }
            if op.secret.is_some() || current.as_deref() != Some(op.value.as_str()) {
                doc.set(&op.key, &op.value, op.secret.as_ref()).map_err(|cause| {
                    ConfigureError::Malformed {
                        path: path.clone(),
                        cause,
                    }
                })?;
            }
            let secret_value = op.secret.is_some() && format != Format::Netrc;
            owned.own(
                op.client.name(),
                Item {
                    clients: Vec::new(),
                    file: path.clone(),
                    format,
                    key: op.key.clone(),
                    written: (!secret_value).then(|| op.value.clone()),
                    previous: match mine {
                        Some(item) => item.previous,
                        None if secret_value => None,
                        None => current,
                    },
                },
            );
        }
        changes.push(opened.change(path, format));
    }
    Ok(changes)
}

/// File changes and the keyring entries `(service, user)` to delete.
pub type Undone = (Vec<FileChange>, Vec<(String, String)>);

/// Removes what `clients` own: a key still holding what devkit wrote is restored to its previous value or
/// removed; a key the user changed since is left alone. Returns the file changes and the keyring entries to
/// delete, and updates `owned`.
pub fn undo(clients: &[Client], owned: &mut Owned, read: Reader<'_>) -> Result<Undone, ConfigureError> {
    let names: Vec<&str> = clients.iter().map(|c| c.name()).collect();
    let mut revert: Vec<Item> = Vec::new();
    owned.items.retain_mut(|item| {
        item.clients.retain(|c| !names.contains(&c.as_str()));
        if item.clients.is_empty() {
            revert.push(item.clone());
            false
        } else {
            true
        }
    });
    let mut keyring = Vec::new();
    owned.keyring.retain_mut(|k| {
        k.clients.retain(|c| !names.contains(&c.as_str()));
        if k.clients.is_empty() {
            keyring.push((k.service.clone(), k.user.clone()));
            false
        } else {
            true
        }
    });
    Ok((revert_items(&revert, read)?, keyring))
}

/// Removes every secret devkit wrote into files (`.netrc` entries, the `.pypirc` password) and the keyring
/// entries it made, whichever client they were for; keys without a secret (index URLs) stay.
pub fn undo_secrets(owned: &mut Owned, read: Reader<'_>) -> Result<Undone, ConfigureError> {
    let mut revert: Vec<Item> = Vec::new();
    owned.items.retain(|item| {
        let secret = item.format == Format::Netrc || item.written.is_none();
        if secret {
            revert.push(item.clone());
        }
        !secret
    });
    let keyring = owned.keyring.drain(..).map(|k| (k.service, k.user)).collect();
    Ok((revert_items(&revert, read)?, keyring))
}

fn revert_items(revert: &[Item], read: Reader<'_>) -> Result<Vec<FileChange>, ConfigureError> {
    let files = distinct_files(revert.iter().map(|i| (&i.file, i.format)));
    let mut changes = Vec::new();
    for (path, format) in files {
        let mut opened = open(&path, format, read)?;
        let doc = &mut opened.doc;
        // Reverse order, so a key set twice gets its oldest value back.
        for item in revert.iter().rev().filter(|i| i.file == path) {
            let current = doc.get(&item.key);
            let untouched = item.written.is_none() || current == item.written;
            if !untouched {
                continue;
            }
            let result = match (&item.previous, format) {
                // A netrc entry that was there before devkit stays (its password cannot be restored).
                (Some(_), Format::Netrc) => Ok(()),
                (Some(previous), _) => doc.set(&item.key, previous, None),
                (None, _) => doc.remove(&item.key),
            };
            result.map_err(|cause| ConfigureError::Malformed {
                path: path.clone(),
                cause,
            })?;
        }
        changes.push(opened.change(path, format));
    }
    Ok(changes)
}
