//! The OS keyring through keyring-core: the D-Bus Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows. Entries carry `application = devkit` so `list` can find what devkit stored.

use super::StoreError;
use super::error::keyring_message;
use crate::secret::Secret;
use keyring_core::{CredentialStore, Entry};
use std::collections::HashMap;
use std::sync::Arc;

/// The attribute marking devkit's entries (Secret Service only: other stores cannot search).
const MARK: (&str, &str) = ("application", "devkit");

/// A handle on the platform keyring.
#[derive(Clone)]
pub struct KeyringStore {
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyringStore({})", self.store.vendor())
    }
}

impl KeyringStore {
    /// Connects to the platform keyring and checks that it answers (one round trip).
    pub fn open() -> Result<Self, StoreError> {
        let store = platform_store()?;
        let this = Self { store };
        this.list()
            .map_err(|e| StoreError::KeyringUnavailable(e.to_string()))?;
        Ok(this)
    }

    /// Which keyring this is, for `devkit secrets status`.
    pub fn vendor(&self) -> String {
        self.store.vendor()
    }

    fn entry(&self, service: &str, user: &str, action: &'static str) -> Result<Entry, StoreError> {
        Entry::new_in_store(&self.store, service, user).map_err(|e| error(action, service, user, &e))
    }

    /// The secret of `service` / `user`, if stored.
    pub fn get(&self, service: &str, user: &str) -> Result<Option<Secret>, StoreError> {
        match self.entry(service, user, "read")?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(error("read", service, user, &e)),
        }
    }

    /// Stores (or replaces) a secret.
    pub fn set(&self, service: &str, user: &str, secret: &Secret) -> Result<(), StoreError> {
        let entry = self.entry(service, user, "write")?;
        entry
            .set_password(secret.expose())
            .map_err(|e| error("write", service, user, &e))?;
        // Marking is best effort: stores without attributes still hold the secret.
        let _ = entry.update_attributes(&HashMap::from([MARK]));
        Ok(())
    }

    /// Removes a secret; whether there was one.
    pub fn delete(&self, service: &str, user: &str) -> Result<bool, StoreError> {
        match self.entry(service, user, "delete")?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(error("delete", service, user, &e)),
        }
    }

    /// Every `(service, user)` devkit stored, sorted.
    pub fn list(&self) -> Result<Vec<(String, String)>, StoreError> {
        let found = match Entry::search_in_store(&self.store, &HashMap::from([MARK])) {
            Ok(found) => found,
            Err(keyring_core::Error::NotSupportedByStore(_)) => Vec::new(),
            Err(e) => return Err(error("list", "*", "*", &e)),
        };
        let mut out: Vec<(String, String)> = found.iter().filter_map(Entry::get_specifiers).collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

fn error(action: &'static str, service: &str, user: &str, e: &keyring_core::Error) -> StoreError {
    StoreError::Keyring {
        action,
        service: service.into(),
        user: user.into(),
        message: keyring_message(e),
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    dbus_secret_service_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| StoreError::KeyringUnavailable(keyring_message(&e)))
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| StoreError::KeyringUnavailable(keyring_message(&e)))
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| StoreError::KeyringUnavailable(keyring_message(&e)))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    Err(StoreError::KeyringUnavailable(
        "no keyring support on this platform".into(),
    ))
}
