//! How devkit talks HTTP (filled by the command layer from the site profile and the environment), and the one
//! ureq agent configuration built from it.

use super::{HttpError, Policy, bypass, tls_config};
use std::path::PathBuf;
use std::time::Duration;

/// The user agent devkit sends.
pub const USER_AGENT: &str = concat!("devkit/", env!("CARGO_PKG_VERSION"));

/// The settings of every HTTP client.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Limit of one whole exchange.
    pub timeout: Duration,
    /// Limit of connecting (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Attempts per request, the first included (1 = no retry).
    pub attempts: u32,
    /// First backoff delay, doubled at each retry.
    pub backoff: Duration,
    /// Longest wait accepted (backoff or `Retry-After`); a server asking for more fails the call at once.
    pub max_wait: Duration,
    /// The site CA bundle (PEM), trusted besides the system bundle.
    pub ca_bundle: Option<PathBuf>,
    /// The system CA bundle (PEM); Mozilla's roots when neither bundle is given.
    pub system_bundle: Option<PathBuf>,
    /// Proxy URL (`HTTPS_PROXY`).
    pub proxy: Option<String>,
    /// Hosts reached without the proxy (`NO_PROXY`, as curl reads it).
    pub no_proxy: Option<String>,
}

impl Default for HttpConfig {
    /// 30 s per exchange, 10 s to connect, 5 attempts, 500 ms first backoff, 60 s longest wait, no bundle,
    /// no proxy.
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            attempts: 5,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            ca_bundle: None,
            system_bundle: None,
            proxy: None,
            no_proxy: None,
        }
    }
}

impl HttpConfig {
    /// The retry policy of this configuration.
    pub fn policy(&self) -> Policy {
        Policy {
            attempts: self.attempts.max(1),
            backoff: self.backoff,
            max_wait: self.max_wait,
        }
    }

    /// The agents: the first goes through the proxy (when one is set), the second never does.
    pub(super) fn agents(&self) -> Result<(ureq::Agent, ureq::Agent), HttpError> {
        let tls = tls_config(self.ca_bundle.as_deref(), self.system_bundle.as_deref())?;
        let builder = || {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .user_agent(USER_AGENT)
                .timeout_global(Some(self.timeout))
                .timeout_connect(Some(self.connect_timeout.min(self.timeout)))
                .tls_config(tls.clone())
        };
        let proxy = match self.proxy.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => Some(ureq::Proxy::new(p).map_err(|_| HttpError::Proxy {
                value: super::redact_url(p),
            })?),
            _ => None,
        };
        let direct = builder().proxy(None).build().new_agent();
        let proxied = match proxy {
            Some(p) => builder().proxy(Some(p)).build().new_agent(),
            None => direct.clone(),
        };
        Ok((proxied, direct))
    }

    /// The agent for requests to `host`, for callers that drive ureq themselves (doctor probes).
    pub fn agent_for(&self, host: &str) -> Result<ureq::Agent, HttpError> {
        let (proxied, direct) = self.agents()?;
        Ok(if self.bypasses_proxy(host) {
            direct
        } else {
            proxied
        })
    }

    /// Whether requests to `host` skip the proxy.
    pub fn bypasses_proxy(&self, host: &str) -> bool {
        bypass(self.no_proxy.as_deref(), host)
    }
}
