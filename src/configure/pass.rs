//! One `configure`, `--undo` or secret-removal pass over the disk, without the command line: load the records,
//! compute every file's new contents, then commit them in one transaction. The command layer adds the keyring
//! and the output; tests drive passes directly, with injected faults.

use super::apply::{self, ConfigureError, FileChange};
use super::originals::Originals;
use super::owned::Owned;
use super::persist::{self, Records};
use super::transaction::{self, Faults, TxnError};
use super::{Client, Op};
use std::path::{Path, PathBuf};

/// A computed pass, not yet written.
#[derive(Debug)]
pub struct Pass {
    data_dir: PathBuf,
    /// The files and their new contents.
    pub changes: Vec<FileChange>,
    /// The ownership record after the pass (the command may add keyring entries).
    pub owned: Owned,
    owned_before: Owned,
    originals: Option<(Originals, Originals)>,
}

/// Keyring entries `(service, user)` an undo removes.
pub type KeyringEntries = Vec<(String, String)>;

/// Reads a client file as text; `None` when missing.
pub fn read_text(p: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(p) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn record_error(data_dir: &Path, name: &str) -> impl FnOnce(String) -> ConfigureError {
    let path = data_dir.join(name);
    move |cause| ConfigureError::Record { path, cause }
}

fn load(data_dir: &Path) -> Result<Owned, ConfigureError> {
    Owned::load(data_dir).map_err(record_error(data_dir, super::owned::FILE_NAME))
}

fn load_originals(data_dir: &Path) -> Result<Originals, ConfigureError> {
    Originals::load(data_dir).map_err(record_error(data_dir, super::originals::FILE_NAME))
}

/// Rolls back a run interrupted between two renames; whether there was one.
pub fn recover(data_dir: &Path) -> Result<bool, TxnError> {
    transaction::recover(data_dir)
}

impl Pass {
    /// Applies `ops` to the files they name.
    pub fn configure(data_dir: &Path, ops: &[Op]) -> Result<Self, ConfigureError> {
        let owned_before = load(data_dir)?;
        let mut owned = owned_before.clone();
        let changes = apply::compute(ops, &mut owned, &read_text)?;
        let originals = if changes.iter().any(FileChange::changed) {
            let before = load_originals(data_dir)?;
            let mut now = before.clone();
            persist::note_originals(&changes, &mut now).map_err(|cause| ConfigureError::Read {
                path: data_dir.to_path_buf(),
                cause,
            })?;
            Some((now, before))
        } else {
            None
        };
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            changes,
            owned,
            owned_before,
            originals,
        })
    }

    /// Takes back what `clients` own, restoring exact originals where the user changed nothing since.
    pub fn undo(data_dir: &Path, clients: &[Client]) -> Result<(Self, KeyringEntries), ConfigureError> {
        let owned_before = load(data_dir)?;
        let mut owned = owned_before.clone();
        let (changes, keyring) = apply::undo(clients, &mut owned, &read_text)?;
        Ok((Self::exact(data_dir, changes, owned, owned_before)?, keyring))
    }

    /// Removes every secret devkit wrote into files (see [`apply::undo_secrets`]).
    pub fn undo_secrets(data_dir: &Path) -> Result<(Self, KeyringEntries), ConfigureError> {
        let owned_before = load(data_dir)?;
        let mut owned = owned_before.clone();
        let (changes, keyring) = apply::undo_secrets(&mut owned, &read_text)?;
        Ok((Self::exact(data_dir, changes, owned, owned_before)?, keyring))
    }

    fn exact(
        data_dir: &Path,
        mut changes: Vec<FileChange>,
        owned: Owned,
        owned_before: Owned,
    ) -> Result<Self, ConfigureError> {
        let before = load_originals(data_dir)?;
        let mut now = before.clone();
        persist::exact_undo(&mut changes, &owned, &mut now);
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            changes,
            owned,
            owned_before,
            originals: Some((now, before)),
        })
    }

    /// Whether the pass changes nothing on disk.
    pub fn unchanged(&self) -> bool {
        self.changes.iter().all(|c| !c.changed()) && self.owned == self.owned_before
    }

    /// Writes every change and the records, all or nothing.
    pub fn commit(&self, faults: &Faults) -> Result<(), TxnError> {
        let records = Records {
            owned: (&self.owned, &self.owned_before),
            originals: self.originals.as_ref().map(|(now, before)| (now, before)),
        };
        persist::write(&self.data_dir, &self.changes, &records, faults)
    }
}
