//! One HTTP exchange with bounded retries: timeouts, backoff on 429/502/503/504 and network errors (honouring
//! `Retry-After` up to a cap), the site CA bundle, an optional proxy, a `devkit/<version>` user agent.

use super::ArtifactoryError;
use crate::secret::Secret;
use base64::Engine as _;
use std::path::PathBuf;
use std::time::Duration;
use ureq::http;

/// How devkit talks HTTP; the command layer fills it from the site profile and the environment.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Limit of one whole exchange.
    pub timeout: Duration,
    /// Limit of connecting (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Attempts per request (1 = no retry).
    pub attempts: u32,
    /// First backoff delay; doubled after each failed attempt. `Retry-After` is honoured up to 64 times it.
    pub backoff: Duration,
    /// Root certificates to trust instead of the built-in ones (PEM).
    pub ca_bundle: Option<PathBuf>,
    /// Proxy URL (`HTTPS_PROXY`).
    pub proxy: Option<String>,
    /// Hosts reached without the proxy (`NO_PROXY`: comma-separated, `.suffix`, `*`).
    pub no_proxy: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            attempts: 4,
            backoff: Duration::from_millis(500),
            ca_bundle: None,
            proxy: None,
            no_proxy: None,
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    /// Anonymously.
    None,
    /// `Basic user:secret`.
    Basic(&'a str, &'a Secret),
    /// `Bearer token`.
    Bearer(&'a Secret),
}

/// A final answer (after retries): its status and body.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body text (truncated by the client's limit).
    pub body: String,
    /// Whether the body is HTML (an error or login page rather than an API answer).
    pub html: bool,
}

/// A configured client.
pub struct Http {
    agent: ureq::Agent,
    attempts: u32,
    backoff: Duration,
}

impl Http {
    /// A client for requests to `host` (proxy bypass is decided for that host once).
    pub fn new(cfg: &HttpConfig, host: &str) -> Result<Self, ArtifactoryError> {
        let mut builder = ureq::Agent::config_builder()
            .timeout_global(Some(cfg.timeout))
            .timeout_connect(Some(cfg.connect_timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(format!("devkit/{}", env!("CARGO_PKG_VERSION")));
        let proxy = match &cfg.proxy {
            Some(p) if !p.trim().is_empty() && !bypass(cfg.no_proxy.as_deref(), host) => {
                Some(ureq::Proxy::new(p.trim()).map_err(|_| ArtifactoryError::Proxy(p.clone()))?)
            }
            _ => None,
        };
        builder = builder.proxy(proxy);
        if let Some(path) = &cfg.ca_bundle {
            builder = builder.tls_config(tls_with_roots(path)?);
        }
        Ok(Self {
            agent: builder.build().into(),
            attempts: cfg.attempts.max(1),
            backoff: cfg.backoff,
        })
    }

    /// Sends a request (a form body for POST), retrying transient failures; the last answer, or `Unreachable`.
    pub fn send(
        &self,
        method: http::Method,
        url: &str,
        auth: Auth<'_>,
        form: Option<&[(&str, &str)]>,
    ) -> Result<Reply, ArtifactoryError> {
        let body = form.map(encode_form).unwrap_or_default();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let delay = self.backoff.saturating_mul(1 << (attempt - 1).min(10));
            let request = build(&method, url, auth, form.is_some(), &body)?;
            match self.agent.run(request) {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let html = response
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.contains("html"));
                    let text = response.body_mut().read_to_string().unwrap_or_default();
                    if matches!(status, 429 | 502 | 503 | 504) && attempt < self.attempts {
                        let cap = self.backoff.saturating_mul(64);
                        std::thread::sleep(delay.max(retry_after.unwrap_or_default().min(cap)));
                        continue;
                    }
                    return Ok(Reply {
                        status,
                        body: text,
                        html,
                    });
                }
                Err(e) if transient(&e) && attempt < self.attempts => std::thread::sleep(delay),
                Err(e) if transient(&e) => {
                    return Err(ArtifactoryError::Unreachable {
                        url: url.to_string(),
                        attempts: attempt,
                        cause: e.to_string(),
                    });
                }
                Err(e) => {
                    return Err(ArtifactoryError::Unexpected {
                        url: url.to_string(),
                        what: e.to_string(),
                    });
                }
            }
        }
    }
}

fn build(
    method: &http::Method,
    url: &str,
    auth: Auth<'_>,
    is_form: bool,
    body: &str,
) -> Result<http::Request<Vec<u8>>, ArtifactoryError> {
    let mut request = http::Request::builder().method(method.clone()).uri(url);
    let header = match auth {
        Auth::None => None,
        Auth::Basic(user, secret) => Some(zeroize::Zeroizing::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", secret.expose()))
        ))),
        Auth::Bearer(token) => Some(zeroize::Zeroizing::new(format!("Bearer {}", token.expose()))),
    };
    if let Some(value) = &header {
        request = request.header("authorization", value.as_str());
    }
    if is_form {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    request
        .header("accept", "application/json, text/plain")
        .body(body.as_bytes().to_vec())
        .map_err(|e| ArtifactoryError::Unexpected {
            url: url.to_string(),
            what: format!(
                "cannot build the request: {}",
                e.to_string().replace(body, "****")
            ),
        })
}

fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::secret::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn transient(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::BodyStalled
            | ureq::Error::Protocol(_)
    )
}

fn tls_with_roots(path: &std::path::Path) -> Result<ureq::tls::TlsConfig, ArtifactoryError> {
    use ureq::tls::{PemItem, RootCerts, TlsConfig, parse_pem};
    let fail = |cause: String| ArtifactoryError::CaBundle {
        path: path.display().to_string(),
        cause,
    };
    let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let certs: Vec<_> = parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(fail("no certificate in it".into()));
    }
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::Specific(std::sync::Arc::new(certs)))
        .build())
}

/// Whether `host` (`name[:port]`) is listed in a `NO_PROXY` value.
pub fn bypass(no_proxy: Option<&str>, host: &str) -> bool {
    let Some(list) = no_proxy else { return false };
    let name = host
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h)
        .to_ascii_lowercase();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            let entry = entry.to_ascii_lowercase();
            if entry == "*" || entry == host.to_ascii_lowercase() {
                return true;
            }
            let suffix = entry.trim_start_matches('*').trim_start_matches('.');
            name == suffix || name.ends_with(&format!(".{suffix}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_matches_hosts_suffixes_and_star() {
        assert!(bypass(Some("localhost, .cnes.fr"), "artifactory.cnes.fr"));
        assert!(bypass(Some("cnes.fr"), "cnes.fr:443"));
        assert!(bypass(Some("*"), "x"));
        assert!(bypass(Some("*.cnes.fr"), "a.cnes.fr"));
        assert!(!bypass(Some("cnes.fr"), "notcnes.fr"));
        assert!(!bypass(None, "cnes.fr"));
        assert!(bypass(Some("127.0.0.1:8080"), "127.0.0.1:8080"));
    }

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(encode_form(&[("a", "x y&z"), ("b", "c")]), "a=x%20y%26z&b=c");
    }
}
