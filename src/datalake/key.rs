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
                "store it with `devkit login datalake --access-key-id ID` (the secret is read from stdin)"
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
