//! The executor's side of container jobs: the job's `image:` (`CUSTOM_ENV_CI_JOB_IMAGE`, else the CI variable
//! `DEVKIT_SLURM_IMAGE`) selects the container path for the user's script; `services:` are refused, since
//! nothing here could run them next to the job. The clone, cache and artifact stages stay on this node.

use super::{builds_dir, ci_var};
use crate::commands::container_job::{Request, launcher as container_launcher};
use crate::commands::slurm::{JobPlan, expand_home};
use crate::error::UserError;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::slurm::script::Launcher;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Fails when the job declares `services:` (gitlab-runner passes them as JSON in `CI_JOB_SERVICES`).
pub(super) fn refuse_services() -> Result<()> {
    let Some(json) = ci_var("CI_JOB_SERVICES") else {
        return Ok(());
    };
    let names: Vec<String> = match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Array(items)) => items
            .iter()
            .map(|s| s.get("name").and_then(|n| n.as_str()).unwrap_or("?").to_string())
            .collect(),
        Ok(serde_json::Value::Null) => Vec::new(),
        _ => vec![json.clone()],
    };
    if names.is_empty() {
        return Ok(());
    }
    Err(UserError::with_hint(
        format!(
            "this runner cannot run `services:` ({}): CI jobs on Trex run in a Slurm job, with no service containers",
            names.join(", ")
        ),
        "remove `services:` from the job, and start what the job needs from its script (a local server on 127.0.0.1)",
    )
    .into())
}

/// The launcher of the user's script: bash on the node without an image, the site's container runtime with one.
pub(super) fn launcher(
    plan: &JobPlan,
    job_dir: &Path,
    settings: &Settings,
    printer: &Printer,
) -> Result<Launcher> {
    refuse_services()?;
    let Some(image) = ci_var("CI_JOB_IMAGE").or_else(|| plan.image.clone()) else {
        return Ok(Launcher::default());
    };
    let builds = builds_dir(settings);
    let workdir = ci_var("CI_PROJECT_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| builds.clone());
    let binds: Vec<String> = ci_var("DEVKIT_CONTAINER_BINDS")
        .map(|v| {
            v.split([',', ' ', '\n'])
                .filter(|b| !b.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let runtime = ci_var("DEVKIT_CONTAINER_RUNTIME");
    let request = Request {
        image: &image,
        runtime: runtime.as_deref(),
        binds: &binds,
        gpus: plan.gpus,
        workdir,
        job_dir,
        folders: vec![
            builds,
            expand_home(&settings.site.trex.cache_dir, &settings.paths.home),
        ],
    };
    container_launcher(&request, settings, printer)
}
