//! The record of what devkit added to client files (and to the keyring), so `--undo` removes exactly that and
//! restores what it replaced. Kept in `$XDG_DATA_HOME/devkit/owned.toml`; it never holds a secret.

use super::doc::Format;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file name under the data folder.
pub const FILE_NAME: &str = "owned.toml";

/// Everything devkit owns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owned {
    /// Keys in client files.
    #[serde(default, rename = "item")]
    pub items: Vec<Item>,
    /// Keyring entries made for clients (twine reads its password by repository URL).
    #[serde(default, rename = "keyring")]
    pub keyring: Vec<KeyringItem>,
}

/// One key devkit wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The clients that need it (a shared `.netrc` entry stays until the last one is undone).
    pub clients: Vec<String>,
    /// The file.
    pub file: PathBuf,
    /// Its format.
    pub format: Format,
    /// The key path (see `doc`).
    pub key: Vec<String>,
    /// What devkit wrote; `None` for a secret value.
    pub written: Option<String>,
    /// What was there before devkit, restored on undo.
    pub previous: Option<String>,
}

/// One keyring entry devkit made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyringItem {
    /// The clients that need it.
    pub clients: Vec<String>,
    /// The entry's service.
    pub service: String,
    /// The entry's user.
    pub user: String,
}

impl Owned {
    /// Reads the record (empty when missing).
    pub fn load(data_dir: &Path) -> Result<Self, String> {
        let path = data_dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| e.message().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The record as TOML.
    pub fn render(&self) -> Result<String, toml::ser::Error> {
        Ok(format!(
            "# What devkit added to client configuration files, for `devkit configure --undo`. No secrets.\n{}",
            toml::to_string(self)?
        ))
    }

    /// The item of `file` / `key`, if owned.
    pub fn find(&self, file: &Path, key: &[String]) -> Option<&Item> {
        self.items.iter().find(|i| i.file == file && i.key == key)
    }

    /// Records that `client` owns `file` / `key`.
    pub fn own(&mut self, client: &str, item: Item) {
        match self
            .items
            .iter_mut()
            .find(|i| i.file == item.file && i.key == item.key)
        {
            Some(existing) => {
                if !existing.clients.iter().any(|c| c == client) {
                    existing.clients.push(client.to_string());
                }
                existing.written = item.written;
            }
            None => self.items.push(Item {
                clients: vec![client.to_string()],
                ..item
            }),
        }
    }

    /// Records that `client` owns a keyring entry.
    pub fn own_keyring(&mut self, client: &str, service: &str, user: &str) {
        match self
            .keyring
            .iter_mut()
            .find(|k| k.service == service && k.user == user)
        {
            Some(k) if !k.clients.iter().any(|c| c == client) => k.clients.push(client.to_string()),
            Some(_) => {}
            None => self.keyring.push(KeyringItem {
                clients: vec![client.to_string()],
                service: service.into(),
                user: user.into(),
            }),
        }
    }
}
