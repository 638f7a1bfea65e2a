//! The exact state of each client file before devkit first changed it, and what devkit last wrote there, so
//! `--undo` gives back the original bytes (an old `.netrc` entry, a folder devkit created) whenever the user has
//! not edited the file since. Kept 0600 in the data folder: an original file may hold a secret.

use super::snapshot::Snapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name under the data folder.
pub const FILE_NAME: &str = "originals.json";

/// One file's original state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Original {
    /// The file before devkit.
    pub before: Snapshot,
    /// The SHA-256 of what devkit last wrote (`None`: it removed the file); a digest, so the token devkit wrote
    /// is not copied here.
    pub written: Option<String>,
}

/// Every file devkit changed, by the path devkit addresses it with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Originals {
    /// The files.
    pub files: BTreeMap<PathBuf, Original>,
}

impl Originals {
    /// Reads the record (empty when missing).
    pub fn load(data_dir: &Path) -> Result<Self, String> {
        match std::fs::read(data_dir.join(FILE_NAME)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| e.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The record as bytes; `None` when empty (the file is then removed).
    pub fn render(&self) -> Option<Vec<u8>> {
        if self.files.is_empty() {
            return None;
        }
        serde_json::to_vec_pretty(self).ok()
    }

    /// Notes that devkit writes `written` to `path`, keeping the first original seen.
    pub fn note(&mut self, path: &Path, written: Option<&[u8]>) -> std::io::Result<()> {
        if let Some(o) = self.files.get_mut(path) {
            o.written = written.map(digest);
            return Ok(());
        }
        let before = Snapshot::take(path)?;
        self.files.insert(
            path.to_path_buf(),
            Original {
                before,
                written: written.map(digest),
            },
        );
        Ok(())
    }
}

/// The hex SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            use std::fmt::Write as _;
            let _ = write!(out, "{b:02x}");
            out
        })
}
