//! A blocking client of the GitLab REST API v4 and the few endpoints devkit calls (tokens, projects, keys,
//! runners). A leaf module: it never prints, never reads environment variables, never exits.

mod client;
mod error;
pub mod jobs;
pub mod keys;
mod pagination;
pub mod projects;
pub mod runners;
pub mod tokens;

pub use crate::http::Method;
pub use client::{Client, ClientConfig, Reply, USER_AGENT};
pub use error::{ErrorBody, GitlabError, parse_body};
pub use pagination::next_link;

/// Percent-encodes a project or namespace path for use as an `:id` (`group/sub` → `group%2Fsub`).
pub fn encode_path(path: &str) -> String {
    crate::secret::percent_encode(path.trim_matches('/'))
}
