//! `devkit doctor [--format json]`: every check of `crate::doctor`, one line each with its fix; exit 1 when one
//! fails.

use crate::cli::{Format, FormatArgs};
use crate::doctor::{self, Check, Context};
use crate::env_vars::EnvVars;
use crate::error::ExitStatus;
use crate::gitlab::{Client, ClientConfig};
use crate::http::HttpConfig;
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;
use std::time::Duration;

/// Runs `devkit doctor`.
pub fn run(args: &FormatArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let checks = checks(settings, printer);
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&serde_json::json!({
            "ok": !doctor::any_failed(&checks),
            "checks": checks,
        }))?,
        Format::Text => doctor::render::text(&checks),
    };
    printer.data(&text)?;
    Ok(if doctor::any_failed(&checks) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Every check, against this machine and the site.
pub fn checks(settings: &Settings, printer: &Printer) -> Vec<Check> {
    let store = super::secret_store::open(settings, printer)
        .map(|(s, _)| s)
        .map_err(|e| format!("{e:#}"));
    let timeout = Duration::from_secs(5);
    let http = super::http_setup::config(settings);
    let factory = |url: &str, token| -> Result<Client, String> {
        let mut config = ClientConfig::new(url.trim());
        config.token = token;
        config.http = http.as_ref().map_err(|e| format!("{e:#}"))?.clone();
        config.http.timeout = timeout;
        config.http.attempts = 2;
        Client::new(config).map_err(|e| e.to_string())
    };
    let ctx = Context {
        settings,
        path: std::env::var_os(EnvVars::PATH),
        store,
        gitlab: &factory,
        runner_config: settings.paths.home.join(".gitlab-runner/config.toml"),
        timeout,
        http: http.as_ref().map_or_else(|_| HttpConfig::default(), Clone::clone),
        env: &|name| std::env::var(name).ok(),
        artifactory_login_hint: crate::onboard::artifactory::LOGIN_HINT,
    };
    doctor::run_all(&ctx)
}
