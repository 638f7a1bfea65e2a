//! The HTTP settings of every client, from the site profile and the environment, in one place: the site CA
//! bundle (`tls.ca_bundle`) and the system one (`SSL_CERT_FILE`, else the distribution's), `HTTPS_PROXY` /
//! `NO_PROXY`, and the test knobs `DEVKIT_HTTP_BACKOFF_MS`, `DEVKIT_HTTP_TIMEOUT_S`, `DEVKIT_HTTP_ATTEMPTS`.

use crate::env_vars::EnvVars;
use crate::error::UserError;
use crate::http::HttpConfig;
use crate::settings::Settings;
use anyhow::Result;
use std::time::Duration;

/// The first non-empty variable of `names`.
fn env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
}

fn number(name: &str) -> Result<Option<u64>> {
    let Some(v) = env(&[name]) else {
        return Ok(None);
    };
    match v.trim().parse::<u64>() {
        Ok(n) => Ok(Some(n)),
        Err(_) => Err(UserError::with_hint(
            format!("`{name}` must be a whole number, not `{v}`"),
            format!("unset it or set it to a number: `export {name}=...`"),
        )
        .into()),
    }
}

/// The HTTP configuration for this run.
pub fn config(settings: &Settings) -> Result<HttpConfig> {
    let mut cfg = HttpConfig {
        ca_bundle: settings.site.tls.ca_bundle_path(),
        system_bundle: env(&[EnvVars::SSL_CERT_FILE])
            .map(Into::into)
            .or_else(crate::http::default_system_bundle),
        proxy: env(&[EnvVars::HTTPS_PROXY, "https_proxy", "ALL_PROXY", "all_proxy"]),
        no_proxy: env(&[EnvVars::NO_PROXY, "no_proxy"]),
        ..HttpConfig::default()
    };
    if let Some(ms) = number(EnvVars::DEVKIT_HTTP_BACKOFF_MS)? {
        cfg.backoff = Duration::from_millis(ms);
    }
    if let Some(s) = number(EnvVars::DEVKIT_HTTP_TIMEOUT_S)? {
        cfg.timeout = Duration::from_secs(s.max(1));
    }
    if let Some(n) = number(EnvVars::DEVKIT_HTTP_ATTEMPTS)? {
        cfg.attempts = u32::try_from(n.clamp(1, 20)).unwrap_or(1);
    }
    Ok(cfg)
}
