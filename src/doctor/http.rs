//! The probes' HTTP: the shared agent configuration (`crate::http`) with a short timeout and a single
//! attempt, and `host:port` of a URL.

use crate::http::{Http, HttpConfig};
use std::time::Duration;

/// The run's configuration (CA bundles, proxy) for a probe: one attempt within `timeout`.
pub fn config(base: &HttpConfig, timeout: Duration) -> HttpConfig {
    HttpConfig {
        timeout,
        connect_timeout: timeout,
        attempts: 1,
        ..base.clone()
    }
}

/// An agent for `host` that never errors on a status and gives up after `timeout`.
pub fn agent(base: &HttpConfig, host: &str, timeout: Duration) -> Result<ureq::Agent, String> {
    config(base, timeout).agent_for(host).map_err(|e| e.to_string())
}

/// A client for probing `service` (one attempt, short timeout).
pub fn client(service: &str, base: &HttpConfig, timeout: Duration) -> Result<Http, String> {
    Http::new(service, &config(base, timeout)).map_err(|e| e.to_string())
}

/// The host and port of an `http(s)://` URL (default ports 443 and 80).
pub fn host_port(url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let default = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = after
            .strip_prefix(':')
            .map_or(Some(default), |p| p.parse().ok())?;
        return Some((host.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Some((h.to_string(), p.parse().ok()?)),
        None => Some((authority.to_string(), default)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        assert_eq!(host_port("https://a.b/x"), Some(("a.b".into(), 443)));
        assert_eq!(
            host_port("http://127.0.0.1:8080/artifactory"),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(host_port("https://[::1]:9/x"), Some(("::1".into(), 9)));
        assert_eq!(host_port("nope"), None);
    }
}
