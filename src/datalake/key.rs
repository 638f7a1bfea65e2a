//! The Datalake key in devkit's secret store: the access key id is the entry's user, the secret its value.

use crate::secret::Secret;
use crate::store::{SecretStore, StoreError, host_of};

/// A stored Datalake key.
#[derive(Debug, Clone)]
pub struct DatalakeKey {
    /// The access key id (not secret).
    pub access_key_id: String,
    /// The secret access key.
    pub secret: Secret,
}

/// Why the key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// None stored.
    #[error("no Datalake key stored for `{service}`")]
    Missing {
        /// The store's service name.
        service: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl KeyError {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Missing { .. } => Some(
                "store it with `devkit login datalake --access-key-id ID` (the secret is read from stdin); \
                 in a CI job, the trex-job plugin's `datalake: true` gives the key of masked CI/CD variables"
                    .into(),
            ),
            Self::Store(e) => e.hint(),
        }
    }
}

/// The store's service name for the Datalake at `endpoint`: `devkit-datalake:<host[:port]>`.
pub fn service(endpoint: &str) -> String {
    format!("devkit-datalake:{}", host_of(endpoint))
}

/// The key stored for `endpoint` (the most recent login replaces earlier ones, so there is at most one).
pub fn load(store: &SecretStore, endpoint: &str) -> Result<DatalakeKey, KeyError> {
    let service = service(endpoint);
    for user in store.users(&service)? {
        if let Some(secret) = store.get(&service, &user)? {
            return Ok(DatalakeKey {
                access_key_id: user,
                secret,
            });
        }
    }
    Err(KeyError::Missing { service })
}

/// A key in the environment, as a CI or Slurm job of the trex-job plugin's `datalake: true` has it: no key is
/// stored there, but `devkit env datalake` exported the endpoint (`AWS_ENDPOINT_URL_S3`) and the plugin the key
/// of the project's masked variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). Only devkit's own requests
/// (`devkit datalake ls|collections|restore`) take it: `configure s3` and `credential_process` hand out only a
/// key devkit stored.
#[derive(Debug, Clone, Default)]
pub struct EnvKey {
    /// `AWS_ENDPOINT_URL_S3`.
    pub endpoint: Option<String>,
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret: Option<Secret>,
}

impl EnvKey {
    /// The key, when the environment names the Datalake at `endpoint` as its S3 endpoint (same host and port)
    /// and holds both parts: a key meant for another S3 service is never sent to the Datalake.
    pub fn for_endpoint(&self, endpoint: &str) -> Option<DatalakeKey> {
        let named = self.endpoint.as_deref()?;
        if !host_of(named).eq_ignore_ascii_case(host_of(endpoint)) {
            return None;
        }
        let access_key_id = self.access_key_id.clone().filter(|id| !id.is_empty())?;
        let secret = self.secret.clone().filter(|s| !s.expose().is_empty())?;
        Some(DatalakeKey {
            access_key_id,
            secret,
        })
    }
}

/// The document a `credential_process` prints (version 1 of the AWS process-credentials format).
pub fn credential_process_json(key: &DatalakeKey) -> Secret {
    Secret::new(
        serde_json::json!({
            "Version": 1,
            "AccessKeyId": key.access_key_id,
            "SecretAccessKey": key.secret.expose(),
        })
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn env(endpoint: Option<&str>, id: Option<&str>, secret: Option<&str>) -> EnvKey {
        EnvKey {
            endpoint: endpoint.map(String::from),
            access_key_id: id.map(String::from),
            secret: secret.map(|s| Secret::new(s.to_string())),
        }
    }

    #[test]
    fn an_environment_key_counts_for_the_endpoint_it_names_only() {
        let dl = "https://s3.datalake.example.org";
        let key = env(
            Some("https://S3.Datalake.example.org/"),
            Some("ID"),
            Some("se+cr/et="),
        )
        .for_endpoint(dl)
        .unwrap();
        assert_eq!(key.access_key_id, "ID");
        assert_eq!(key.secret.expose(), "se+cr/et=");
        for other in [
            env(None, Some("ID"), Some("s")),
            env(Some("https://s3.amazonaws.com"), Some("ID"), Some("s")),
            env(
                Some("https://s3.datalake.example.org:9000"),
                Some("ID"),
                Some("s"),
            ),
            env(Some(dl), None, Some("s")),
            env(Some(dl), Some("ID"), None),
            env(Some(dl), Some(""), Some("s")),
            env(Some(dl), Some("ID"), Some("")),
        ] {
            assert!(other.for_endpoint(dl).is_none(), "{other:?}");
        }
    }
}
