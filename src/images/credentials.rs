//! A registry credential (user and secret), how it is found in the secret store (one rule for
//! `docker-credential-devkit`, `devkit images` and the cargo provider), and its two wire forms: bollard's
//! `DockerCredentials` and the Basic authorization of the registry API.

use crate::secret::Secret;
use crate::store::{SecretStore, StoreError, host_of, service_for_host};
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

/// Where a credential was found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The credential.
    pub credentials: Credentials,
    /// The store service it came from (`devkit:<host>`).
    pub service: String,
}

/// The stored credential for `server` (a host, `host:port` or URL): the host's own entry, else the site
/// Artifactory's entry when the host is served by that Artifactory (its own host or the site's Docker
/// registry). Other hosts never get the Artifactory token.
pub fn resolve(
    store: &SecretStore,
    server: &str,
    artifactory: &crate::site::Artifactory,
) -> Result<Option<Found>, StoreError> {
    let host = host_of(server.trim());
    let art_host = host_of(&artifactory.url);
    let served = host == art_host || host == host_of(&artifactory.docker_registry);
    let mut services = vec![service_for_host(host)];
    if served && host != art_host {
        services.push(service_for_host(art_host));
    }
    for service in services {
        for user in store.users(&service)? {
            if let Some(password) = store.get(&service, &user)? {
                return Ok(Some(Found {
                    credentials: Credentials {
                        username: user,
                        password,
                    },
                    service,
                }));
            }
        }
    }
    Ok(None)
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
