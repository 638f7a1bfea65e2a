//! A registry credential (user and secret) and its two wire forms: bollard's `DockerCredentials` and the Basic
//! authorization of the registry API.

use crate::secret::Secret;
use base64::Engine as _;
use bollard::auth::DockerCredentials;

/// A user and password (or token) for one registry host.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password or token.
    pub password: Secret,
}

impl Credentials {
    /// The form bollard sends in `X-Registry-Auth` / `X-Registry-Config` for `server`.
    pub fn for_engine(&self, server: &str) -> DockerCredentials {
        DockerCredentials {
            username: Some(self.username.clone()),
            password: Some(self.password.expose().to_string()),
            serveraddress: Some(server.to_string()),
            ..Default::default()
        }
    }

    /// The `Authorization: Basic ...` value.
    pub fn basic_header(&self) -> Secret {
        let raw = zeroize::Zeroizing::new(format!("{}:{}", self.username, self.password.expose()));
        Secret::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
        ))
    }
}
