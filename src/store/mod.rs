//! Where devkit keeps secrets: the OS keyring when one answers, else an owner-only file. Selection happens
//! once per process; the caller reports a fallback (this module never prints).

mod error;
mod file;
mod keyring;

pub use error::StoreError;
pub use file::FileStore;
pub use keyring::KeyringStore;

use crate::secret::Secret;
use std::path::Path;

/// The two kinds of store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS keyring.
    Keyring,
    /// The 0600 file under the data folder.
    File,
}

impl std::str::FromStr for StoreKind {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "keyring" => Ok(Self::Keyring),
            "file" => Ok(Self::File),
            _ => Err(StoreError::UnknownKind(s.to_string())),
        }
    }
}

/// Why this store was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The user forced it.
    Forced,
    /// The keyring answered.
    KeyringAvailable,
    /// The keyring did not answer: the file store is used instead. The message says why.
    KeyringUnavailable(String),
}

impl Reason {
    /// For a fallback, the one plain sentence a user reads (with its fix); the raw cause stays in the reason.
    pub fn fallback_sentence(&self, location: &str) -> Option<String> {
        matches!(self, Self::KeyringUnavailable(_)).then(|| {
            format!(
                "no system keyring answered: secrets go to the owner-only file `{location}` (start or \
                 unlock a keyring, or set DEVKIT_SECRET_STORE=file to silence this)"
            )
        })
    }
}

/// A secret store, whichever backend it is.
#[derive(Debug, Clone)]
pub enum SecretStore {
    /// The OS keyring.
    Keyring(KeyringStore),
    /// The file store.
    File(FileStore),
}

/// Picks a store: `forced` if given (a forced keyring that does not answer is an error), else the keyring if it
/// answers, else the file store in `data_dir`.
pub fn select(forced: Option<StoreKind>, data_dir: &Path) -> Result<(SecretStore, Reason), StoreError> {
    match forced {
        Some(StoreKind::File) => Ok((SecretStore::File(FileStore::new(data_dir)), Reason::Forced)),
        Some(StoreKind::Keyring) => Ok((SecretStore::Keyring(KeyringStore::open()?), Reason::Forced)),
        None => match KeyringStore::open() {
            Ok(k) => Ok((SecretStore::Keyring(k), Reason::KeyringAvailable)),
            Err(e) => Ok((
                SecretStore::File(FileStore::new(data_dir)),
                Reason::KeyringUnavailable(e.to_string()),
            )),
        },
    }
}

/// Checks the pair before it reaches a backend.
fn check(service: &str, user: &str) -> Result<(), StoreError> {
    if service.trim().is_empty() || user.trim().is_empty() {
        return Err(StoreError::EmptyName {
            service: service.into(),
            user: user.into(),
        });
    }
    Ok(())
}

impl SecretStore {
    /// Which kind of store this is.
    pub fn kind(&self) -> StoreKind {
        match self {
            Self::Keyring(_) => StoreKind::Keyring,
            Self::File(_) => StoreKind::File,
        }
    }

    /// Where the secrets are: the keyring's vendor, or the file's path.
    pub fn location(&self) -> String {
        match self {
            Self::Keyring(k) => k.vendor(),
            Self::File(f) => f.path().display().to_string(),
        }
    }

    /// The secret of `service` / `user`, if stored.
    pub fn get(&self, service: &str, user: &str) -> Result<Option<Secret>, StoreError> {
        check(service, user)?;
        match self {
            Self::Keyring(k) => k.get(service, user),
            Self::File(f) => f.get(service, user),
        }
    }

    /// Stores (or replaces) a secret.
    pub fn set(&self, service: &str, user: &str, secret: &Secret) -> Result<(), StoreError> {
        check(service, user)?;
        match self {
            Self::Keyring(k) => k.set(service, user, secret),
            Self::File(f) => f.set(service, user, secret),
        }
    }

    /// Removes a secret; whether there was one.
    pub fn delete(&self, service: &str, user: &str) -> Result<bool, StoreError> {
        check(service, user)?;
        match self {
            Self::Keyring(k) => k.delete(service, user),
            Self::File(f) => f.delete(service, user),
        }
    }

    /// Every `(service, user)` devkit stored.
    pub fn list(&self) -> Result<Vec<(String, String)>, StoreError> {
        match self {
            Self::Keyring(k) => k.list(),
            Self::File(f) => f.list(),
        }
    }

    /// The users stored for `service`.
    pub fn users(&self, service: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .list()?
            .into_iter()
            .filter(|(s, _)| s == service)
            .map(|(_, u)| u)
            .collect())
    }
}

/// The service name devkit uses for a host's credentials: `devkit:<host[:port]>`.
pub fn service_for_host(host: &str) -> String {
    format!("devkit:{host}")
}

/// The `host[:port]` of a URL (no scheme, userinfo or path).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn host_of_strips_everything_but_host_and_port() {
        assert_eq!(
            host_of("https://u:p@art.example.fr:8443/artifactory"),
            "art.example.fr:8443"
        );
        assert_eq!(host_of("art.example.fr"), "art.example.fr");
    }

    #[test]
    fn forced_file_store_and_unknown_kind() {
        let dir = tempfile::tempdir().unwrap();
        let (store, reason) = select(Some(StoreKind::File), dir.path()).unwrap();
        assert_eq!(store.kind(), StoreKind::File);
        assert_eq!(reason, Reason::Forced);
        assert!("vault".parse::<StoreKind>().is_err());
        assert!(store.set("", "u", &Secret::new("x")).is_err());
    }
}
