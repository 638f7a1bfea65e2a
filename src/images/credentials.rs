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

/// The store services that may hold the credential for `server` (a host, `host:port` or URL), in order: the
/// host's own entry, then the site Artifactory's entry when the host is served by that Artifactory (its own host
/// or the site's Docker registry). Other hosts never get the Artifactory token.
fn services(server: &str, artifactory: &crate::site::Artifactory) -> Vec<String> {
    let host = host_of(server.trim());
    let art_host = host_of(&artifactory.url);
    let mut services = vec![service_for_host(host)];
    if host != art_host && host == host_of(&artifactory.docker_registry) {
        services.push(service_for_host(art_host));
    }
    services
}

/// The stored credential for `server`, by the rule of [`services`].
pub fn resolve(
    store: &SecretStore,
    server: &str,
    artifactory: &crate::site::Artifactory,
) -> Result<Option<Found>, StoreError> {
    for service in services(server, artifactory) {
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

/// Whether [`resolve`] has an entry to look at for `server` (without reading any secret).
pub fn known(
    store: &SecretStore,
    server: &str,
    artifactory: &crate::site::Artifactory,
) -> Result<bool, StoreError> {
    for service in services(server, artifactory) {
        if !store.users(&service)?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
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
