//! The record of the Artifactory tokens devkit minted (id, user, host, expiry; never a secret), so that a new
//! login revokes the one it replaces and `logout` revokes them all, even those another login left behind.
//! One JSON file in devkit's data folder, written atomically with mode 0600.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One token devkit minted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minted {
    /// The Artifactory host (`host[:port]`).
    pub host: String,
    /// The user it belongs to.
    pub user: String,
    /// Its id, for revocation.
    pub id: String,
    /// When it expires (Unix seconds), if it does.
    #[serde(default)]
    pub expires_at: Option<u64>,
}

/// The record, as a file.
#[derive(Debug)]
pub struct Record {
    path: PathBuf,
    tokens: Vec<Minted>,
}

#[derive(Serialize, Deserialize, Default)]
struct File {
    #[serde(default)]
    tokens: Vec<Minted>,
}

impl Record {
    /// The record at `path`; an absent file is an empty record, an unreadable one an error.
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let tokens = match fs_err::read_to_string(path) {
            Ok(text) => {
                serde_json::from_str::<File>(&text)
                    .map_err(|e| {
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("`{}`: {e}", path.display()),
                        )
                    })?
                    .tokens
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(Self {
            path: path.to_path_buf(),
            tokens,
        })
    }

    /// The tokens of `user` at `host`, except `keep`, that have not expired at `now`.
    pub fn others(&self, host: &str, user: &str, keep: Option<&str>, now: u64) -> Vec<Minted> {
        self.tokens
            .iter()
            .filter(|t| t.host == host && t.user == user && Some(t.id.as_str()) != keep)
            .filter(|t| t.expires_at.is_none_or(|e| e > now))
            .cloned()
            .collect()
    }

    /// Adds a token (once).
    pub fn add(&mut self, token: Minted) {
        if !self
            .tokens
            .iter()
            .any(|t| t.id == token.id && t.host == token.host)
        {
            self.tokens.push(token);
        }
    }

    /// Forgets a token, and every token that expired at `now`.
    pub fn forget(&mut self, host: &str, id: &str, now: u64) {
        self.tokens
            .retain(|t| !(t.host == host && t.id == id) && t.expires_at.is_none_or(|e| e > now));
    }

    /// Writes the record (0600, atomically).
    pub fn save(&self) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(&File {
            tokens: self.tokens.clone(),
        })
        .map_err(std::io::Error::other)?;
        crate::atomic_file::write_atomic(&self.path, text.as_bytes(), crate::atomic_file::Mode::Private)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(host: &str, user: &str, id: &str, exp: Option<u64>) -> Minted {
        Minted {
            host: host.into(),
            user: user.into(),
            id: id.into(),
            expires_at: exp,
        }
    }

    #[test]
    fn others_are_per_user_and_host_and_alive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("minted.json");
        let mut r = Record::load(&path).unwrap();
        r.add(t("a", "ada", "1", Some(100)));
        r.add(t("a", "ada", "2", None));
        r.add(t("a", "bob", "3", None));
        r.add(t("b", "ada", "4", None));
        r.add(t("a", "ada", "5", Some(10)));
        r.add(t("a", "ada", "1", Some(100)));
        r.save().unwrap();
        let r = Record::load(&path).unwrap();
        let ids: Vec<_> = r
            .others("a", "ada", Some("2"), 50)
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["1"]);
        let mut r = r;
        r.forget("a", "1", 50);
        assert!(r.others("a", "ada", None, 50).iter().all(|m| m.id == "2"));
        assert!(!fs_err::read_to_string(&path).unwrap().contains("secret"));
        std::fs::write(&path, "not json").unwrap();
        assert!(Record::load(&path).is_err());
    }
}
