//! Artifactory's token REST API (create, refresh, revoke, list, ping, a token check) over the shared HTTP layer
//! (`crate::http`). A leaf module: it never prints, never reads the environment; secrets travel as `Secret`
//! and never appear in its errors.

mod client;
mod error;
pub mod minted;
mod token;

pub use client::{Client, Revoked};
pub use error::ArtifactoryError;
pub use token::{Session, username_from_jwt};
