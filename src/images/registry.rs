//! A credential check against the registry API (`GET /v2/` with Basic auth, following a Bearer challenge to its
//! token service as Artifactory asks), so a wrong password fails before any upload with a clear message. The
//! engine's own `/auth` is no help: dockerd answers 500 for a bad password and podman checks only `localhost`.

use super::{Credentials, ImagesError};
use crate::http::{Auth, Http, HttpConfig, Method, Request};

/// Checks `credentials` with the registry at `host` (`host[:port]`) through the shared HTTP layer. Loopback
/// registries are spoken to over plain HTTP (as engines do), others over HTTPS.
pub fn check(host: &str, credentials: &Credentials, http: &HttpConfig) -> Result<(), ImagesError> {
    let unreachable = |reason: String| ImagesError::RegistryUnreachable {
        registry: host.to_string(),
        reason,
    };
    let client = Http::new(format!("the registry `{host}`"), http).map_err(|e| unreachable(e.to_string()))?;
    let scheme = if is_loopback(host) { "http" } else { "https" };
    let auth = Auth::Basic(&credentials.username, &credentials.password);
    let get = |url: String| {
        client
            .send(&Request::new(Method::Get, url).auth(auth))
            .map_err(|e| unreachable(e.to_string()))
    };
    let response = get(format!("{scheme}://{host}/v2/"))?;
    let wrong = || ImagesError::WrongCredentials {
        registry: host.to_string(),
        user: credentials.username.clone(),
    };
    match response.status {
        200..=299 => Ok(()),
        401 | 403 => {
            let challenge = response.header("www-authenticate").unwrap_or_default();
            let Some(token_url) = token_url(challenge) else {
                return Err(wrong());
            };
            let token = get(token_url)?;
            match token.status {
                200..=299 => Ok(()),
                401 | 403 => Err(wrong()),
                _ => Err(unreachable(token.error().to_string())),
            }
        }
        _ => Err(unreachable(response.error().to_string())),
    }
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
