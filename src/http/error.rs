//! One error type for every HTTP exchange: what was called (method, URL without secrets, service), what
//! happened (no connection, no answer, an answer possibly lost after the server acted, a rate limit, a
//! status with the server's own message) and the fix.

/// A failed HTTP exchange. No variant holds a secret: URLs are redacted, bodies carry only server messages.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No connection could be made (DNS, refused, connect timeout), after every attempt.
    #[error("cannot connect to {service} at `{url}` after {attempts} attempt(s): {reason}")]
    Unreachable {
        /// GitLab, Artifactory, the registry `host`.
        service: String,
        /// The URL, redacted.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last transport error.
        reason: String,
    },
    /// An idempotent request got no complete answer (timeout, reset), after every attempt.
    #[error("no answer from {service} to `{method} {url}` after {attempts} attempt(s): {reason}")]
    NoAnswer {
        /// The service.
        service: String,
        /// The method.
        method: &'static str,
        /// The URL, redacted.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last transport error.
        reason: String,
    },
    /// A request that is not idempotent reached the server, which may have acted, but its answer was lost
    /// (a gateway error or a dropped connection). It is never sent again: the caller looks for its effect.
    #[error("{service} may have carried out `{method} {url}`, but its answer was lost ({reason})")]
    AnswerLost {
        /// The service.
        service: String,
        /// The method.
        method: &'static str,
        /// The URL, redacted.
        url: String,
        /// The status or transport error instead of the answer.
        reason: String,
    },
    /// 429 (or 503) with a wait beyond what devkit accepts, or until the attempts ran out.
    #[error(
        "{service} asks devkit to slow down ({status}) on `{method} {url}` after {attempts} attempt(s){}",
        wait_text(*.retry_after)
    )]
    RateLimited {
        /// The service.
        service: String,
        /// The method.
        method: &'static str,
        /// The URL, redacted.
        url: String,
        /// 429 or 503.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The wait asked for, in seconds.
        retry_after: Option<u64>,
        /// When to try again (Unix seconds), if the server said.
        retry_at: Option<i64>,
    },
    /// A status the caller does not handle, with the server's own message.
    #[error("{service} answered `{method} {url}` with {status}: {message}")]
    Status {
        /// The service.
        service: String,
        /// The method.
        method: &'static str,
        /// The URL, redacted.
        url: String,
        /// HTTP status.
        status: u16,
        /// The server's message.
        message: String,
    },
    /// The site CA bundle cannot be used.
    #[error("cannot use the CA bundle `{path}`: {reason}")]
    CaBundle {
        /// Its path.
        path: String,
        /// Why (every bad entry).
        reason: String,
    },
    /// The proxy setting is not a usable URL.
    #[error("the proxy `{value}` is not a valid URL")]
    Proxy {
        /// The value, credentials removed.
        value: String,
    },
}

fn wait_text(retry_after: Option<u64>) -> String {
    match retry_after {
        Some(s) if s > 0 => format!(
            ": it asks to wait {}",
            crate::http::client::human(std::time::Duration::from_secs(s))
        ),
        _ => String::new(),
    }
}

impl HttpError {
    /// The fix.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::Unreachable { .. } | Self::NoAnswer { .. } => {
                "check the network (VPN, `HTTPS_PROXY`/`NO_PROXY`) and the service URLs (`devkit site show`)".into()
            }
            Self::AnswerLost { service, .. } => {
                format!("check in {service} whether it was done before running the command again")
            }
            Self::RateLimited {
                retry_at, retry_after, ..
            } => match retry_at {
                Some(at) if retry_after.is_some_and(|s| s > 0) => {
                    format!("try again after {}", crate::utc::rfc3339(*at))
                }
                _ => "wait a minute and try again".into(),
            },
            Self::Status { status, .. } if *status >= 500 => "the service is having trouble: try again later".into(),
            Self::Status { .. } => return None,
            Self::CaBundle { .. } => {
                "fix `tls.ca_bundle` in the site profile (a PEM file of certificates), or empty it to use the \
                 system store"
                    .into()
            }
            Self::Proxy { .. } => "fix `HTTPS_PROXY` (for example `http://proxy.example.org:3128`)".into(),
        })
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::RateLimited { status, .. } | Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
