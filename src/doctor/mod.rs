//! `devkit doctor`'s checks, one per file, each returning a [`Check`] (status, detail, fix hint). The checks
//! never print and never exit; what they need from the outside world comes in a [`Context`].

mod artifactory_token;
pub mod client_configs;
mod datalake;
mod gitlab_token;
mod http;
mod kernels;
pub mod process;
mod reach;
pub mod render;
mod runners;
mod s3_clients;
mod s3_versions;
mod site;
mod slurm;
mod store;
pub mod tools;

use crate::gitlab::Client;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::store::SecretStore;
use serde::Serialize;
use std::path::PathBuf;

/// How a check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but something should be looked at.
    Warn,
    /// Broken: `devkit doctor` exits non-zero.
    Fail,
    /// Not applicable here.
    Skipped,
}

impl Status {
    /// The word printed for it.
    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Skipped => "skipped",
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked (`tool git`, `gitlab token`).
    pub name: String,
    /// How it went.
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// How to fix it, when not ok.
    pub hint: Option<String>,
}

impl Check {
    /// A check with a status and detail, without hint.
    pub fn new(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            status,
            detail: detail.into(),
            hint: None,
        }
    }

    /// Adds the fix.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A GitLab client for a URL and an optional token, built by the command layer.
pub type ClientFactory<'a> = &'a dyn Fn(&str, Option<Secret>) -> Result<Client, String>;

/// What the checks may look at.
pub struct Context<'a> {
    /// The effective settings.
    pub settings: &'a Settings,
    /// `PATH`, to find tools.
    pub path: Option<std::ffi::OsString>,
    /// The secret store, or why it cannot be opened.
    pub store: Result<SecretStore, String>,
    /// GitLab clients.
    pub gitlab: ClientFactory<'a>,
    /// gitlab-runner's `config.toml`.
    pub runner_config: PathBuf,
    /// How long a network probe may take.
    pub timeout: std::time::Duration,
    /// The run's HTTP configuration (CA bundles, proxy, `NO_PROXY`): probes use it with their own timeout and a
    /// single attempt, so they see the network as devkit's clients do.
    pub http: crate::http::HttpConfig,
    /// The process environment, for the variables S3 clients read (`AWS_CA_BUNDLE`, `AWS_CONFIG_FILE`, ...).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The hint that stores an Artifactory token (one place, shared with `devkit onboard`).
    pub artifactory_login_hint: &'a str,
}

/// Every check, in the order they are shown.
pub fn run_all(ctx: &Context<'_>) -> Vec<Check> {
    let mut checks = tools::checks(ctx.path.as_deref());
    checks.push(site::check(ctx.settings));
    checks.push(store::check(ctx));
    checks.push(gitlab_token::check(ctx));
    checks.push(artifactory_token::check(ctx));
    checks.extend(client_configs::checks(ctx));
    checks.extend(reach::checks(ctx));
    checks.extend(datalake::checks(ctx));
    checks.push(slurm::check(ctx));
    checks.extend(runners::checks(ctx));
    checks.extend(kernels::checks(ctx));
    checks
}

/// Whether any check failed.
pub fn any_failed(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.status == Status::Fail)
}

#[cfg(test)]
mod tests;
