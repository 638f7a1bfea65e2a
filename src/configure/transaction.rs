//! All-or-nothing replacement of several user files. Every edit is planned first; a journal holding each
//! target's exact original state (bytes, mode, owner, the folders writing it would create) is written durably
//! before the first rename; then files are staged and renamed into place. Any failure rolls back what was
//! already done, and a crash between renames is rolled back by the next run from the journal. Writes go
//! through symlinks to their targets, so the link itself stays.

use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub use super::faults::{CRASH_WRITE_VAR, FAIL_WRITE_VAR, Faults};
use super::snapshot::mode_of;
pub use super::snapshot::{Snapshot, resolve};
use crate::atomic_file::set_mode;

/// The journal's file name in the data folder.
pub const JOURNAL: &str = "configure-journal.json";

/// Why a transaction failed.
#[derive(Debug, thiserror::Error)]
pub enum TxnError {
    /// A step failed; everything done before it was rolled back.
    #[error("cannot write `{}`: {cause}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// Rolling back failed too: the journal stays for the next run.
    #[error("cannot restore `{}` after a failed write: {cause}", path.display())]
    Rollback {
        /// The file.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// The journal of an interrupted run cannot be read.
    #[error("the journal `{}` of an interrupted run is unreadable: {cause}", path.display())]
    Journal {
        /// The journal.
        path: PathBuf,
        /// What is wrong.
        cause: String,
    },
    /// An injected crash (tests only): the journal is left as a real crash would leave it.
    #[error("interrupted by an injected crash")]
    Crashed,
}

impl TxnError {
    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            Self::Write { .. } => {
                "every file is as it was; fix the cause (permissions, `chattr -i`, disk space) and run the command again".into()
            }
            Self::Rollback { .. } | Self::Crashed => {
                "run the command again: it first restores the files from the journal".into()
            }
            Self::Journal { path, .. } => format!(
                "inspect `{}` (it holds the original files), then remove it",
                path.display()
            ),
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> TxnError + '_ {
    move |cause| TxnError::Write {
        path: path.to_path_buf(),
        cause,
    }
}

/// The wanted end state of one file.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The file as the user names it (may be a symlink).
    pub path: PathBuf,
    /// Its new bytes; `None` removes it.
    pub new: Option<Vec<u8>>,
    /// Owner-only (a secret): created 0600, never widened.
    pub private: bool,
    /// A mode to give it instead of the current one (restoring a snapshot).
    pub mode: Option<u32>,
    /// Folders to remove when empty once the file is gone, innermost first (undoing what devkit created).
    pub remove_dirs: Vec<PathBuf>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    before: Snapshot,
    /// Folders removed, with their modes, to recreate on rollback.
    removed_dirs: Vec<(PathBuf, u32)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    entries: Vec<Entry>,
}

/// Rolls back the transaction an earlier run left unfinished; whether there was one.
pub fn recover(data_dir: &Path) -> Result<bool, TxnError> {
    let path = data_dir.join(JOURNAL);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(cause) => {
            return Err(TxnError::Journal {
                path,
                cause: cause.to_string(),
            });
        }
    };
    let journal: Journal = serde_json::from_slice(&text).map_err(|e| TxnError::Journal {
        path: path.clone(),
        cause: e.to_string(),
    })?;
    rollback(&journal)?;
    std::fs::remove_file(&path).map_err(|cause| TxnError::Rollback { path, cause })?;
    Ok(true)
}

/// Applies `edits` all or nothing. Edits that change nothing are skipped; with none left nothing is written.
pub fn commit(data_dir: &Path, edits: &[Edit], faults: &Faults) -> Result<(), TxnError> {
    let mut planned = Vec::new();
    for edit in edits {
        let before = Snapshot::take(&edit.path).map_err(io_err(&edit.path))?;
        let mode_change = edit.mode.is_some() && edit.mode != before.mode && edit.new.is_some();
        let dirs: Vec<(PathBuf, u32)> = edit
            .remove_dirs
            .iter()
            .filter_map(|d| {
                std::fs::metadata(d)
                    .ok()
                    .map(|m| (d.clone(), mode_of(&m).unwrap_or(0o755)))
            })
            .collect();
        if before.bytes == edit.new && !mode_change && dirs.is_empty() {
            continue;
        }
        planned.push((
            edit,
            Entry {
                before,
                removed_dirs: dirs,
            },
        ));
    }
    if planned.is_empty() {
        return Ok(());
    }
    let journal_path = data_dir.join(JOURNAL);
    let journal = Journal {
        entries: planned.iter().map(|(_, e)| clone_entry(e)).collect(),
    };
    let text = serde_json::to_vec(&journal).map_err(|e| TxnError::Write {
        path: journal_path.clone(),
        cause: std::io::Error::other(e),
    })?;
    faults.step(&journal_path)?;
    write_durably(&journal_path, &text, !faults.no_fsync).map_err(io_err(&journal_path))?;
    let done = apply(&planned, faults).and_then(|()| {
        faults.step(&journal_path)?;
        std::fs::remove_file(&journal_path).map_err(io_err(&journal_path))
    });
    match done {
        Ok(()) => Ok(()),
        Err(TxnError::Crashed) => Err(TxnError::Crashed),
        Err(e) => {
            rollback(&journal)?;
            std::fs::remove_file(&journal_path).map_err(|cause| TxnError::Rollback {
                path: journal_path,
                cause,
            })?;
            Err(e)
        }
    }
}

fn clone_entry(e: &Entry) -> Entry {
    Entry {
        before: e.before.clone(),
        removed_dirs: e.removed_dirs.clone(),
    }
}

fn apply(planned: &[(&Edit, Entry)], faults: &Faults) -> Result<(), TxnError> {
    let mut staged = Vec::new();
    for (edit, entry) in planned {
        let Some(bytes) = &edit.new else { continue };
        let before = &entry.before;
        for dir in &before.created_dirs {
            faults.step(dir)?;
            match std::fs::create_dir(dir) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(io_err(dir)(e)),
                _ => {}
            }
        }
        let mode = match (edit.mode, edit.private) {
            (Some(m), _) => m,
            (None, true) => 0o600,
            (None, false) => before.mode.unwrap_or(0o644),
        };
        faults.step(&before.target)?;
        let tmp = stage(&before.target, bytes, mode, before.owner, !faults.no_fsync)
            .map_err(io_err(&before.target))?;
        staged.push((tmp, before.target.clone()));
    }
    for (tmp, target) in staged {
        faults.step(&target)?;
        tmp.persist(&target).map_err(|e| io_err(&target)(e.error))?;
    }
    for (edit, entry) in planned.iter().filter(|(e, _)| e.new.is_none()) {
        let target = &entry.before.target;
        if entry.before.bytes.is_some() {
            faults.step(target)?;
            std::fs::remove_file(target).map_err(io_err(target))?;
        }
        for dir in &edit.remove_dirs {
            if entry.removed_dirs.iter().any(|(d, _)| d == dir) {
                faults.step(dir)?;
                // Only an empty folder goes: anything the user put there since keeps it.
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
    Ok(())
}

/// Puts every file of `journal` back as it was, and the folders.
fn rollback(journal: &Journal) -> Result<(), TxnError> {
    for entry in journal.entries.iter().rev() {
        for (dir, mode) in &entry.removed_dirs {
            if std::fs::symlink_metadata(dir).is_err() {
                std::fs::create_dir_all(dir)
                    .and_then(|()| set_mode(dir, *mode))
                    .map_err(|cause| TxnError::Rollback {
                        path: dir.clone(),
                        cause,
                    })?;
            }
        }
        let b = &entry.before;
        let now = std::fs::read(&b.target).ok();
        let now_mode = std::fs::metadata(&b.target).ok().as_ref().and_then(mode_of);
        let restore = || -> std::io::Result<()> {
            match &b.bytes {
                Some(bytes) if now.as_ref() != Some(bytes) || now_mode != b.mode => {
                    let tmp = stage(&b.target, bytes, b.mode.unwrap_or(0o600), b.owner, true)?;
                    tmp.persist(&b.target).map_err(|e| e.error)?;
                }
                None if now.is_some() => std::fs::remove_file(&b.target)?,
                _ => {}
            }
            Ok(())
        };
        restore().map_err(|cause| TxnError::Rollback {
            path: b.target.clone(),
            cause,
        })?;
        for dir in b.created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    Ok(())
}

/// A temporary file beside `target` holding `bytes`, created 0600 (then given `mode` if wider), fsynced.
fn stage(
    target: &Path,
    bytes: &[u8],
    mode: u32,
    owner: Option<(u32, u32)>,
    sync: bool,
) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".devkit-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    if let Some((uid, gid)) = owner {
        match std::os::unix::fs::fchown(tmp.as_file(), Some(uid), Some(gid)) {
            Err(e) if e.kind() != std::io::ErrorKind::PermissionDenied => return Err(e),
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = owner;
    if mode != 0o600 {
        set_mode(tmp.path(), mode)?;
    }
    if sync {
        tmp.as_file().sync_all()?;
    }
    Ok(tmp)
}

fn write_durably(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let tmp = stage(path, bytes, 0o600, None, sync)?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Some(dir) = path.parent().filter(|_| sync) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
