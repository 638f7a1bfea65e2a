//! Turns a configure or undo pass into one transaction: the changed client files, the ownership record and the
//! originals record are written together or not at all. Undo is made exact here: a file left with no key of
//! devkit's, and still holding what devkit wrote, gets its original bytes, mode and missing folders back.

use super::apply::FileChange;
use super::originals::{self, Originals};
use super::owned::{self, Owned};
use super::transaction::{self, Edit, Faults, TxnError};
use std::path::Path;

/// Replaces the key-by-key undo of each file devkit no longer has a key in by its exact original, when the
/// user has not changed the file since devkit last wrote it; forgets the originals of those files.
pub fn exact_undo(changes: &mut [FileChange], owned: &Owned, originals: &mut Originals) {
    for change in changes.iter_mut() {
        if owned.items.iter().any(|i| i.file == change.path) {
            // Still devkit's in part (logout removed only the password): what it writes now is what a later
            // undo must find to restore the original.
            if change.changed()
                && let Some(original) = originals.files.get_mut(&change.path)
            {
                original.written = change
                    .new
                    .as_deref()
                    .map(|t| super::originals::digest(t.as_bytes()));
            }
            continue;
        }
        let Some(original) = originals.files.remove(&change.path) else {
            continue;
        };
        let now = change
            .old
            .as_deref()
            .map(|t| super::originals::digest(t.as_bytes()));
        if now != original.written {
            continue;
        }
        let before = original.before;
        let text = match before.bytes {
            Some(bytes) => match String::from_utf8(bytes) {
                Ok(t) => Some(t),
                Err(_) => continue,
            },
            None => None,
        };
        change.new = text;
        change.mode = before.mode;
        change.remove_dirs = before.created_dirs.into_iter().rev().collect();
    }
}

/// Notes, before they are written, the original state of the files `changes` modify and what devkit writes.
pub fn note_originals(changes: &[FileChange], originals: &mut Originals) -> std::io::Result<()> {
    for change in changes.iter().filter(|c| c.changed()) {
        originals.note(&change.path, change.new.as_deref().map(str::as_bytes))?;
    }
    Ok(())
}

/// What to write: the changed files, and the two records when they changed.
pub(super) struct Records<'a> {
    /// The ownership record after the pass, and before.
    pub owned: (&'a Owned, &'a Owned),
    /// The originals after the pass, and before (`None`: not loaded, unchanged).
    pub originals: Option<(&'a Originals, &'a Originals)>,
}

/// Writes `changes` and the records in one transaction.
pub fn write(
    data_dir: &Path,
    changes: &[FileChange],
    records: &Records<'_>,
    faults: &Faults,
) -> Result<(), TxnError> {
    let mut edits: Vec<Edit> = changes
        .iter()
        .filter(|c| c.changed() || !c.remove_dirs.is_empty())
        .map(|c| Edit {
            path: c.path.clone(),
            new: c.new.as_ref().map(|t| t.as_bytes().to_vec()),
            private: c.private,
            mode: c.mode,
            remove_dirs: c.remove_dirs.clone(),
        })
        .collect();
    let record = |name: &str, new: Option<Vec<u8>>| Edit {
        path: data_dir.join(name),
        new,
        private: true,
        mode: None,
        remove_dirs: Vec::new(),
    };
    let (owned, owned_before) = records.owned;
    if owned != owned_before {
        let text = owned.render().map_err(|e| TxnError::Write {
            path: data_dir.join(owned::FILE_NAME),
            cause: std::io::Error::other(e),
        })?;
        edits.push(record(owned::FILE_NAME, Some(text.into_bytes())));
    }
    if let Some((now, before)) = records.originals
        && now != before
    {
        edits.push(record(originals::FILE_NAME, now.render()));
    }
    transaction::commit(data_dir, &edits, faults)
}
