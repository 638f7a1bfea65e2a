//! `devkit doctor [--format json]`: every check of `crate::doctor`, one line each with its fix; exit 1 when one
//! fails.

use crate::cli::{Format, FormatArgs};
use crate::doctor::{self, Check, Context, Status};
use crate::env_vars::EnvVars;
use crate::error::ExitStatus;
use crate::gitlab::{Client, ClientConfig};
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;
use std::fmt::Write as _;
use std::time::Duration;

/// Runs `devkit doctor`.
pub fn run(args: &FormatArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let checks = checks(settings, printer);
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&serde_json::json!({
            "ok": !doctor::any_failed(&checks),
            "checks": checks,
        }))?,
        Format::Text => render(&checks),
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
    let http = super::http_setup::config(settings).map_err(|e| format!("{e:#}"));
    let factory = |url: &str, token| -> Result<Client, String> {
        let mut config = ClientConfig::new(url.trim());
        config.token = token;
        config.http = http.clone()?;
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
        artifactory_login_hint: crate::onboard::artifactory::LOGIN_HINT,
    };
    doctor::run_all(&ctx)
}

/// One line per check, its hint below it, and a summary.
pub fn render(checks: &[Check]) -> String {
    let mut out = String::new();
    let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in checks {
        let _ = writeln!(out, "{:<7} {:<width$}  {}", c.status.word(), c.name, c.detail);
        if let Some(h) = &c.hint {
            if c.status != Status::Ok {
                let _ = writeln!(out, "{:<7} {:<width$}  hint: {h}", "", "");
            }
        }
    }
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let _ = write!(
        out,
        "{} ok, {} warning(s), {} failed, {} skipped",
        count(Status::Ok),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skipped)
    );
    out
}
