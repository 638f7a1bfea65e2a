//! What can go wrong talking to Artifactory, each with the fix the user can apply. No variant holds a secret.

/// A failed exchange with Artifactory.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactoryError {
    /// 401 on a password login.
    #[error("artifactory refused the user name or password of `{user}`")]
    BadPassword {
        /// The user name sent.
        user: String,
    },
    /// 401/403 on a request made with a token that has not expired.
    #[error("artifactory refused the token (`{url}` answered {status}: {message})")]
    BadToken {
        /// The URL called.
        url: String,
        /// The status.
        status: u16,
        /// Artifactory's message.
        message: String,
    },
    /// The token's expiry is past (known from the token, or a 401 after it).
    #[error("the token expired")]
    Expired,
    /// The refresh token was refused (expired, revoked or already used).
    #[error(
        "artifactory refused to refresh the token ({status}: {message}): the refresh token expired, was revoked or was used elsewhere"
    )]
    RefreshRefused {
        /// The status.
        status: u16,
        /// Artifactory's message.
        message: String,
    },
    /// No token can be refreshed: it was created without a refresh token.
    #[error("the stored token cannot be refreshed (it was stored with `--token-stdin`)")]
    NotRefreshable,
    /// An opaque reference token, whose user name cannot be read from it.
    #[error("the token is not a JWT access token, so the user name cannot be read from it")]
    OpaqueToken,
    /// A successful answer devkit cannot use.
    #[error("unexpected answer from `{url}`: {what}")]
    Unexpected {
        /// The URL called.
        url: String,
        /// What was wrong, with the status.
        what: String,
    },
    /// The exchange failed: no connection, no answer, a rate limit, a status with Artifactory's message, or
    /// an answer lost after Artifactory may have acted.
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
}

impl ArtifactoryError {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::BadPassword { .. } => "check the user name and password (an SSO or MFA account cannot create tokens with a password: create an identity token in Artifactory's web UI and use `devkit login artifactory --token-stdin`)".into(),
            Self::BadToken { .. } => "create a new token in Artifactory's web UI and run `devkit login artifactory --token-stdin`, or log in with `--password-stdin`".into(),
            Self::Expired | Self::RefreshRefused { .. } | Self::NotRefreshable => {
                "log in again with `devkit login artifactory`".into()
            }
            Self::OpaqueToken => "give the user name it belongs to with `--username USER`".into(),
            Self::Unexpected { .. } => "a proxy or a maintenance page may be answering instead of Artifactory; try again later, or check `artifactory.url`".into(),
            Self::Http(e) => return e.hint(),
        })
    }
}
