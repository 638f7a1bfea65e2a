//! A blocking client of the GitLab REST API v4 and the few endpoints devkit calls (tokens, projects, keys,
//! runners). A leaf module: it never prints, never reads environment variables, never exits.

mod client;
mod error;
pub mod keys;
pub mod projects;
pub mod runners;
pub mod tokens;

pub use client::{Client, ClientConfig, Method, Reply, USER_AGENT, encode_path, next_link};
pub use error::{ErrorBody, GitlabError, parse_body};
