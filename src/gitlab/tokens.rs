//! Who the token belongs to and what it may do: `GET /user` and `GET /personal_access_tokens/self`.

use super::{Client, GitlabError};
use serde::Deserialize;

/// The token's owner (`GET /user`).
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// Numeric id.
    pub id: u64,
    /// Login name.
    pub username: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
}

/// What GitLab says about the token itself (`GET /personal_access_tokens/self`, GitLab 15.5+).
#[derive(Debug, Clone, Deserialize)]
pub struct TokenInfo {
    /// The token's name.
    #[serde(default)]
    pub name: String,
    /// Its scopes (`api`, `read_api`, `create_runner`, ...).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Expiry day, `YYYY-MM-DD`, if any.
    pub expires_at: Option<String>,
    /// Whether it is usable.
    #[serde(default = "yes")]
    pub active: bool,
    /// Whether it was revoked.
    #[serde(default)]
    pub revoked: bool,
}

fn yes() -> bool {
    true
}

/// The token's owner.
pub fn current_user(client: &Client) -> Result<User, GitlabError> {
    client.get("/user")
}

/// The token's scopes and expiry.
pub fn token_self(client: &Client) -> Result<TokenInfo, GitlabError> {
    client.get("/personal_access_tokens/self")
}

/// A scope devkit needs, the commands that need it, and the scopes that grant it.
#[derive(Debug, Clone, Copy)]
pub struct Need {
    /// The commands.
    pub commands: &'static str,
    /// Any one of these scopes is enough.
    pub any_of: &'static [&'static str],
}

/// What each devkit command needs.
pub const NEEDS: &[Need] = &[
    Need {
        commands: "`devkit init --gitlab`, `devkit gitlab ssh-key add`",
        any_of: &["api"],
    },
    Need {
        commands: "`devkit runner register`",
        any_of: &["api", "create_runner"],
    },
    Need {
        commands: "`devkit runner register`, `devkit runner list --project`",
        any_of: &["api", "read_api"],
    },
];

/// The needs a set of scopes does not cover.
pub fn missing(scopes: &[String]) -> Vec<&'static Need> {
    NEEDS
        .iter()
        .filter(|n| !n.any_of.iter().any(|s| scopes.iter().any(|have| have == s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_scopes_name_their_commands() {
        assert!(missing(&["api".into()]).is_empty());
        let m = missing(&["read_api".into(), "create_runner".into()]);
        assert_eq!(m.len(), 1);
        assert!(m[0].commands.contains("ssh-key"));
    }
}
