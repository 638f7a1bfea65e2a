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
    #[error("artifactory refused the token (`{url}` answered {status})")]
    BadToken {
        /// The URL called.
        url: String,
        /// The status.
        status: u16,
    },
    /// The token's expiry is past (known from the token, or a 401 after it).
    #[error("the token expired")]
    Expired,
    /// The refresh token was refused (expired, revoked or already used).
    #[error(
        "artifactory refused to refresh the token ({status}): the refresh token expired, was revoked or was used elsewhere"
    )]
    RefreshRefused {
        /// The status.
        status: u16,
    },
    /// No token can be refreshed: it was created without a refresh token.
    #[error("the stored token cannot be refreshed (it was stored with `--token-stdin`)")]
    NotRefreshable,
    /// An opaque reference token, whose user name cannot be read from it.
    #[error("the token is not a JWT access token, so the user name cannot be read from it")]
    OpaqueToken,
    /// The server could not be reached after every retry.
    #[error("cannot reach `{url}` after {attempts} attempts: {cause}")]
    Unreachable {
        /// The URL called.
        url: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last network error.
        cause: String,
    },
    /// An answer devkit did not expect (status, or not JSON: an HTML error page, a proxy login page).
    #[error("unexpected answer from `{url}`: {what}")]
    Unexpected {
        /// The URL called.
        url: String,
        /// What was wrong, with the status.
        what: String,
    },
    /// The site CA bundle cannot be used.
    #[error("cannot use the CA bundle `{path}`: {cause}")]
    CaBundle {
        /// The path.
        path: String,
        /// Why.
        cause: String,
    },
    /// The proxy setting is not a URL.
    #[error("the proxy `{0}` is not a valid URL")]
    Proxy(String),
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
            Self::Unreachable { .. } => "check the network, `artifactory.url` (`devkit site show`) and `HTTPS_PROXY`/`NO_PROXY`".into(),
            Self::Unexpected { .. } => "a proxy or a maintenance page may be answering instead of Artifactory; try again later, or check `artifactory.url`".into(),
            Self::CaBundle { .. } => "fix `tls.ca_bundle` in the site profile (a PEM file), or empty it to use the system store".into(),
            Self::Proxy(_) => "fix `HTTPS_PROXY` (for example `http://proxy.example.org:3128`)".into(),
        })
    }
}
