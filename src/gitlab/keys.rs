//! The user's SSH keys: list them (`GET /user/keys`) and upload one (`POST /user/keys`).

use super::{Client, GitlabError};
use serde::Deserialize;

/// An SSH key registered on the account.
#[derive(Debug, Clone, Deserialize)]
pub struct Key {
    /// Numeric id.
    pub id: u64,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// The public key line (`ssh-ed25519 AAAA... comment`).
    pub key: String,
}

/// Every key of the account (all pages).
pub fn list(client: &Client) -> Result<Vec<Key>, GitlabError> {
    client.get_all("/user/keys")
}

/// Uploads `key` (a public key line) under `title`.
pub fn add(client: &Client, title: &str, key: &str) -> Result<Key, GitlabError> {
    client.post("/user/keys", &serde_json::json!({"title": title, "key": key}))
}

/// The key material of a public key line (type and base64 blob, without the comment).
pub fn material(line: &str) -> Option<(&str, &str)> {
    let mut parts = line.split_whitespace();
    Some((parts.next()?, parts.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_do_not_matter() {
        assert_eq!(
            material("ssh-ed25519 AAAA devkit"),
            material("ssh-ed25519  AAAA other@host\n")
        );
        assert_eq!(material("garbage"), None);
    }
}
