//! A credential check against the registry API (`GET /v2/` with Basic auth, following a Bearer challenge to its
//! token service as Artifactory asks), so a wrong password fails before any upload with a clear message. The
//! engine's own `/auth` is no help: dockerd answers 500 for a bad password and podman checks only `localhost`.

use super::{Credentials, ImagesError};
use std::time::Duration;

/// Checks `credentials` with the registry at `host` (`host[:port]`). Loopback registries are spoken to over
/// plain HTTP (as engines do), others over HTTPS, trusting `ca_bundle` (PEM) when given.
pub fn check(host: &str, credentials: &Credentials, ca_bundle: Option<&[u8]>) -> Result<(), ImagesError> {
    let unreachable = |reason: String| ImagesError::RegistryUnreachable {
        registry: host.to_string(),
        reason,
    };
    let agent = agent(ca_bundle).map_err(unreachable)?;
    let scheme = if is_loopback(host) { "http" } else { "https" };
    let auth = credentials.basic_header();
    let response = agent
        .get(&format!("{scheme}://{host}/v2/"))
        .header("Authorization", auth.expose())
        .call()
        .map_err(|e| unreachable(e.to_string()))?;
    let wrong = || ImagesError::WrongCredentials {
        registry: host.to_string(),
        user: credentials.username.clone(),
    };
    match response.status().as_u16() {
        200..=299 => Ok(()),
        401 | 403 => {
            let challenge = response
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let Some(token_url) = token_url(&challenge) else {
                return Err(wrong());
            };
            let token = agent
                .get(&token_url)
                .header("Authorization", auth.expose())
                .call()
                .map_err(|e| unreachable(e.to_string()))?;
            match token.status().as_u16() {
                200..=299 => Ok(()),
                401 | 403 => Err(wrong()),
                code => Err(unreachable(format!("the token service answered HTTP {code}"))),
            }
        }
        code => Err(unreachable(format!("`/v2/` answered HTTP {code}"))),
    }
}

fn agent(ca_bundle: Option<&[u8]>) -> Result<ureq::Agent, String> {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)));
    if let Some(pem) = ca_bundle {
        let certs = ureq::tls::parse_pem(pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("bad CA bundle: {e}"))?;
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::from(certs))
                .build(),
        );
    }
    Ok(config.build().into())
}

fn is_loopback(host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    name == "localhost" || name.starts_with("127.") || name == "[::1]"
}

/// The token URL of a `Bearer realm="...",service="..."` challenge (none for a Basic challenge).
fn token_url(challenge: &str) -> Option<String> {
    let params = challenge.strip_prefix("Bearer ")?;
    let mut realm = None;
    let mut service = None;
    for part in params.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        let value = value.trim_matches('"').to_string();
        match key {
            "realm" => realm = Some(value),
            "service" => service = Some(value),
            _ => {}
        }
    }
    let realm = realm?;
    Some(match service {
        Some(s) => format!("{realm}?service={}", crate::secret::percent_encode(&s)),
        None => realm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        assert_eq!(
            token_url(r#"Bearer realm="https://a.fr/artifactory/api/docker/d/v2/token",service="a.fr""#)
                .as_deref(),
            Some("https://a.fr/artifactory/api/docker/d/v2/token?service=a.fr")
        );
        assert_eq!(token_url(r#"Basic realm="x""#), None);
        assert!(
            is_loopback("127.0.0.1:5000") && is_loopback("localhost") && !is_loopback("artifactory.cnes.fr")
        );
    }
}
