//! Artifactory's token REST API (create, refresh, revoke, ping, a token check) over a blocking HTTP client with
//! timeouts, bounded retries, the site CA bundle and a proxy. A leaf module: it never prints, never reads the
//! environment; secrets travel as `Secret` and never appear in its errors.

mod client;
mod error;
mod http;
mod token;

pub use client::{Client, Revoked};
pub use error::ArtifactoryError;
pub use http::HttpConfig;
pub use token::{Session, username_from_jwt};
