//! Typed errors of the secret store, each with the fix when it is known; never a secret value in a message.

use std::path::PathBuf;

/// What went wrong with a secret store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file store could not be read or written.
    #[error("cannot {action} the secret store `{path}`: {cause}")]
    Io {
        /// `read`, `write` or `lock`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// The file store is not what devkit writes.
    #[error("the secret store `{path}` is malformed (line {line}): {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What the parser said (never a value).
        message: String,
    },
    /// The keyring was asked for but cannot be used.
    #[error("the system keyring is not available: {0}")]
    KeyringUnavailable(String),
    /// The keyring answered with an error.
    #[error("the system keyring failed to {action} `{service}` / `{user}`: {message}")]
    Keyring {
        /// What devkit was doing.
        action: &'static str,
        /// The entry's service.
        service: String,
        /// The entry's user.
        user: String,
        /// The keyring's message (never a value).
        message: String,
    },
    /// An entry needs a service and a user.
    #[error("an entry needs a non-empty service and user (got `{service}` / `{user}`)")]
    EmptyName {
        /// The service given.
        service: String,
        /// The user given.
        user: String,
    },
    /// `DEVKIT_SECRET_STORE` holds something else than `keyring` or `file`.
    #[error("unknown secret store `{0}`")]
    UnknownKind(String),
}

impl StoreError {
    /// How to fix it, when known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Io { .. } => Some("check the folder's permissions and free space".into()),
            Self::Malformed { .. } => {
                Some("fix the file, or move it away and store the credentials again".into())
            }
            Self::KeyringUnavailable(_) | Self::Keyring { .. } => Some(
                "unlock the keyring of a desktop session (a D-Bus Secret Service), or use the file store with \
                 `DEVKIT_SECRET_STORE=file`"
                    .into(),
            ),
            Self::EmptyName { .. } => None,
            Self::UnknownKind(_) => Some("`DEVKIT_SECRET_STORE` takes `keyring` or `file`".into()),
        }
    }
}

/// The message of a keyring error without any secret bytes it may carry.
pub(crate) fn keyring_message(err: &keyring_core::Error) -> String {
    use keyring_core::Error as E;
    match err {
        E::BadEncoding(_) => "the stored value is not UTF-8".into(),
        E::BadDataFormat(_, _) => "the stored value has an unexpected format".into(),
        E::Ambiguous(entries) => format!("{} entries match", entries.len()),
        other => lowercase_first(&other.to_string()),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
