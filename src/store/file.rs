//! The file secret store for hosts without a keyring (HPC login nodes): one owner-only TOML file under the
//! data folder, replaced atomically under an exclusive lock so concurrent devkit processes never lose entries.

use super::StoreError;
use crate::atomic_file::{FileLock, Mode, ensure_private_dir, make_private, write_atomic};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file's name under the data folder.
pub const FILE_NAME: &str = "secrets.toml";

const HEADER: &str = "# devkit secret store: owner-only (0600), written by devkit. Do not share this file.\n";

/// A secret store in one 0600 file.
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
    lock: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Contents {
    #[serde(default, rename = "entry")]
    entries: Vec<Row>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    service: String,
    user: String,
    secret: String,
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Row({} / {} / ****)", self.service, self.user)
    }
}

impl FileStore {
    /// The store kept in `data_dir` (created 0700 on first write).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(FILE_NAME),
            lock: data_dir.join(format!("{FILE_NAME}.lock")),
        }
    }

    /// The file holding the secrets.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The secret of `service` / `user`, if stored.
    pub fn get(&self, service: &str, user: &str) -> Result<Option<Secret>, StoreError> {
        Ok(self
            .read()?
            .entries
            .into_iter()
            .find(|r| r.service == service && r.user == user)
            .map(|r| Secret::new(r.secret)))
    }

    /// Stores (or replaces) a secret.
    pub fn set(&self, service: &str, user: &str, secret: &Secret) -> Result<(), StoreError> {
        self.update(|c| {
            let row = Row {
                service: service.into(),
                user: user.into(),
                secret: secret.expose().into(),
            };
            match c
                .entries
                .iter_mut()
                .find(|r| r.service == service && r.user == user)
            {
                Some(existing) => *existing = row,
                None => c.entries.push(row),
            }
            true
        })
        .map(|_| ())
    }

    /// Removes a secret; whether there was one.
    pub fn delete(&self, service: &str, user: &str) -> Result<bool, StoreError> {
        self.update(|c| {
            let before = c.entries.len();
            c.entries.retain(|r| !(r.service == service && r.user == user));
            c.entries.len() != before
        })
    }

    /// Every `(service, user)` held, in file order.
    pub fn list(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .read()?
            .entries
            .into_iter()
            .map(|r| (r.service, r.user))
            .collect())
    }

    /// Reads, changes and writes back the file under the lock; writes only when `change` says it changed.
    fn update(&self, change: impl FnOnce(&mut Contents) -> bool) -> Result<bool, StoreError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        ensure_private_dir(dir).map_err(|e| self.io("write", e))?;
        let _lock = FileLock::acquire(&self.lock).map_err(|e| self.io("lock", e))?;
        let mut contents = self.read()?;
        if !change(&mut contents) {
            return Ok(false);
        }
        let text = toml::to_string(&contents).map_err(|e| StoreError::Malformed {
            path: self.path.clone(),
            line: 1,
            message: e.to_string(),
        })?;
        write_atomic(&self.path, format!("{HEADER}{text}").as_bytes(), Mode::Private)
            .map_err(|e| self.io("write", e))?;
        Ok(true)
    }

    fn read(&self) -> Result<Contents, StoreError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Contents::default()),
            Err(e) => return Err(self.io("read", e)),
        };
        // A file left group- or world-readable by hand is tightened as soon as devkit sees it.
        if crate::atomic_file::existing_mode(&self.path).is_some_and(|m| m & 0o077 != 0) {
            make_private(&self.path).map_err(|e| self.io("write", e))?;
        }
        toml::from_str(&text).map_err(|e| StoreError::Malformed {
            path: self.path.clone(),
            line: e
                .span()
                .map_or(1, |s| crate::site::line_of_offset(&text, s.start)),
            message: e.message().trim().to_string(),
        })
    }

    fn io(&self, action: &'static str, source: std::io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: self.path.clone(),
            cause: source,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const TOKEN: &str = "t?>~\"' ok en";

    #[test]
    fn round_trip_replace_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(&dir.path().join("devkit"));
        assert!(store.get("s", "u").unwrap().is_none());
        store.set("s", "u", &Secret::new(TOKEN)).unwrap();
        store.set("s", "v", &Secret::new("other")).unwrap();
        store.set("s", "u", &Secret::new(format!("{TOKEN}2"))).unwrap();
        assert_eq!(
            store.get("s", "u").unwrap().unwrap().expose(),
            format!("{TOKEN}2")
        );
        assert_eq!(
            store.list().unwrap(),
            vec![("s".into(), "u".into()), ("s".into(), "v".into())]
        );
        assert!(store.delete("s", "u").unwrap());
        assert!(!store.delete("s", "u").unwrap());
        assert_eq!(store.list().unwrap().len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn file_is_0600_in_a_0700_folder() {
        use crate::atomic_file::existing_mode;
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(&dir.path().join("devkit"));
        store.set("s", "u", &Secret::new(TOKEN)).unwrap();
        assert_eq!(existing_mode(store.path()), Some(0o600));
        assert_eq!(existing_mode(&dir.path().join("devkit")), Some(0o700));
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("devkit");
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let data = data.clone();
                std::thread::spawn(move || {
                    let store = FileStore::new(&data);
                    for i in 0..10 {
                        store
                            .set(&format!("s{t}"), &format!("u{i}"), &Secret::new("x"))
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(FileStore::new(&data).list().unwrap().len(), 80);
    }

    #[test]
    fn malformed_file_is_an_error_with_its_line_and_no_value() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[[entry]]\nservice = \"s\"\nsecret = \"hunter2\"\nuser = \n",
        )
        .unwrap();
        let err = FileStore::new(dir.path()).list().unwrap_err().to_string();
        assert!(err.contains("(line 4)"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}
