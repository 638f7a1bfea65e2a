//! `devkit executor config|prepare|run|cleanup|reap`: the gitlab-runner custom-executor driver. The user's
//! script (`build_script`/`step_script`) runs as a Slurm job through the same loop as `devkit slurm run`; the
//! other stages, `after_script` included, run on this node (it must never queue behind a full or down
//! partition, and the build's allocation is gone when it matters most: after a cancel or a timeout). Every
//! failure ends with `BUILD_FAILURE_EXIT_CODE` or `SYSTEM_FAILURE_EXIT_CODE`, as gitlab-runner expects.

mod cleanup;
mod container;
mod reap;

use super::slurm::{JobPlan, execute, expand_home, interrupt_flag, plan, unique_name, verdict};
use crate::cli::{ExecutorCommand, ExecutorRunArgs, SacctArg, SlurmJobArgs};
use crate::env_vars::EnvVars;
use crate::error::{ExitStatus, UserError};
use crate::failure::classify;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::slurm::options;
use crate::slurm::runner::RunSpec;
use crate::slurm::{CiTag, Record, RecordDir, RunError, Unconfirmed, Work};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Stages whose script is the user's and runs on a compute node.
const SLURM_STAGES: &[&str] = &["build_script", "step_script"];

/// What gitlab-runner tells the driver through the environment.
struct CiEnv {
    job_id: String,
    tag: CiTag,
    build_failure: u8,
    system_failure: u8,
    exit_code_file: Option<PathBuf>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A CI variable (gitlab-runner prefixes them with `CUSTOM_ENV_`).
fn ci_var(name: &str) -> Option<String> {
    var(&format!("{}{name}", EnvVars::CUSTOM_ENV_PREFIX))
}

fn number(text: Option<String>) -> u64 {
    text.and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

impl CiEnv {
    fn read() -> Self {
        // Job and project ids come from the job response file, which users cannot override through variables.
        let response = var(EnvVars::JOB_RESPONSE_FILE)
            .and_then(|f| fs_err::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        let trusted = response
            .as_ref()
            .and_then(|v| v.get("id"))
            .and_then(serde_json::Value::as_u64);
        let project = response
            .as_ref()
            .and_then(|v| v.pointer("/job_info/project_id"))
            .and_then(serde_json::Value::as_u64);
        let code = |name: &str, default: u8| var(name).and_then(|v| v.trim().parse().ok()).unwrap_or(default);
        let job = trusted.unwrap_or_else(|| number(ci_var(EnvVars::CI_JOB_ID)));
        Self {
            job_id: job.to_string(),
            tag: CiTag {
                runner: number(ci_var("CI_RUNNER_ID")),
                project: project.unwrap_or_else(|| number(ci_var("CI_PROJECT_ID"))),
                pipeline: number(ci_var(EnvVars::CI_PIPELINE_ID)),
                job,
            },
            build_failure: code(EnvVars::BUILD_FAILURE_EXIT_CODE, 1),
            system_failure: code(EnvVars::SYSTEM_FAILURE_EXIT_CODE, 2),
            exit_code_file: var(EnvVars::BUILD_EXIT_CODE_FILE).map(PathBuf::from),
        }
    }

    fn job_name(&self) -> String {
        format!("ci-{}", self.job_id)
    }
}

/// Whether an error is the infrastructure's (controller unreachable, job folder unwritable, cancellation not
/// confirmed, container image not preparable, any I/O error on the runner node), so gitlab-runner may retry. For
/// other commands an I/O error is the environment's (exit 1); for the executor the environment is the
/// infrastructure, never the user's build.
fn is_system_failure(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<RunError>()
            .is_some_and(RunError::is_system_failure)
            || c.downcast_ref::<Unconfirmed>().is_some()
            || c.downcast_ref::<super::container_job::Infrastructure>().is_some()
            || c.downcast_ref::<std::io::Error>().is_some()
    })
}

/// Runs one stage; any error becomes a build or system failure with its message printed.
pub fn run(cmd: &ExecutorCommand, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let ci = CiEnv::read();
    let result = match cmd {
        ExecutorCommand::Config => config(settings, printer),
        ExecutorCommand::Prepare => prepare(&ci, settings, printer),
        ExecutorCommand::Run(args) => stage(args, &ci, settings, printer),
        ExecutorCommand::Cleanup => cleanup::run(&ci, settings, printer),
        ExecutorCommand::Reap => reap::run(settings, printer, false),
    };
    result.or_else(|err| {
        let (mut status, hints) = classify(&err);
        if is_system_failure(&err) {
            status = ExitStatus::Error;
        }
        let mut chain = err.chain().map(ToString::to_string);
        let head = chain.next().unwrap_or_default();
        printer.error(head, &chain.collect::<Vec<_>>(), &hints);
        Ok(ExitStatus::Code(if status == ExitStatus::Failure {
            ci.build_failure
        } else {
            ci.system_failure
        }))
    })
}

fn builds_dir(settings: &Settings) -> PathBuf {
    expand_home(&settings.site.trex.builds_dir, &settings.paths.home)
}

/// devkit's own folder in the builds folder (records, reaper stamp and log).
fn devkit_dir(settings: &Settings) -> PathBuf {
    builds_dir(settings).join(".devkit")
}

/// Where the records of CI jobs live.
fn records_base(settings: &Settings) -> PathBuf {
    devkit_dir(settings).join("jobs")
}

/// Per-CI-job state shared by the stages: the record, Slurm job ids and job folders.
fn record_dir(ci: &CiEnv, settings: &Settings) -> RecordDir {
    RecordDir::new(&records_base(settings), ci.tag.job)
}

fn config(settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let json = serde_json::json!({
        "builds_dir": builds_dir(settings),
        "cache_dir": expand_home(&settings.site.trex.cache_dir, &settings.paths.home),
        "builds_dir_is_shared": true,
        "driver": { "name": "devkit slurm", "version": env!("CARGO_PKG_VERSION") },
        "job_env": { "DEVKIT_EXECUTOR": "slurm" },
    });
    printer.data(&serde_json::to_string_pretty(&json)?)?;
    // At most once a minute across all jobs of this runner, silently (config's stderr is the job's log).
    reap::now_and_then(settings);
    Ok(ExitStatus::Success)
}

/// Slurm settings of the CI job: `SCHEDULER_PARAMETERS` (allow-listed) and `DEVKIT_SLURM_*` variables.
fn job_plan(ci: &CiEnv, settings: &Settings) -> Result<JobPlan> {
    let extra = match ci_var(EnvVars::SCHEDULER_PARAMETERS) {
        Some(text) => {
            options::parse_parameters(&text).context("in the CI variable `SCHEDULER_PARAMETERS`")?
        }
        None => Vec::new(),
    };
    let s = |k: &str| ci_var(&format!("{}{k}", EnvVars::DEVKIT_SLURM_PREFIX));
    let n = |k: &str| -> Result<Option<u32>> {
        s(k).map(|v| {
            v.trim().parse().map_err(|_| {
                UserError::new(format!(
                    "CI variable `{}{k}` must be a number, not `{v}`",
                    EnvVars::DEVKIT_SLURM_PREFIX
                ))
                .into()
            })
        })
        .transpose()
    };
    let job = SlurmJobArgs {
        partition: s("PARTITION"),
        time: s("TIME"),
        nodes: n("NODES")?,
        cpus: n("CPUS")?,
        mem: s("MEM"),
        gpus: n("GPUS")?,
        account: s("ACCOUNT"),
        qos: s("QOS"),
        image: s("IMAGE"),
        job_name: None,
        queue_timeout: s("QUEUE_TIMEOUT"),
        controller_timeout: s("CONTROLLER_TIMEOUT").unwrap_or_else(|| "120s".into()),
        hold_grace: s("HOLD_GRACE"),
        sacct: match var(EnvVars::DEVKIT_SLURM_SACCT).as_deref() {
            Some("db") => SacctArg::Db,
            Some("completion") => SacctArg::Completion,
            Some("off") => SacctArg::Off,
            _ => SacctArg::Auto,
        },
    };
    plan(
        &job,
        extra,
        &settings.site.trex,
        &ci.job_name(),
        &ci.tag.comment(),
    )
}

fn prepare(ci: &CiEnv, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    container::refuse_services()?;
    let plan = job_plan(ci, settings)?;
    crate::slurm::files::private_dir(&record_dir(ci, settings).path)?;
    printer.status(
        "Slurm",
        format!(
            "CI job {} will run with: {}",
            ci.job_id,
            plan.sbatch_args.join(" ")
        ),
    );
    Ok(ExitStatus::Success)
}

fn stage(args: &ExecutorRunArgs, ci: &CiEnv, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    if !SLURM_STAGES.contains(&args.stage.as_str()) {
        return local(args, ci, printer);
    }
    let plan = job_plan(ci, settings)?;
    let record = record_dir(ci, settings);
    // The record names this process as the driver before anything is submitted: the reaper lists Slurm jobs
    // first and reads records after, so it never sees a job of this stage with an older driver.
    record
        .write(&Record::for_this_process(ci.tag))
        .map_err(|source| RunError::Files {
            path: record.path.clone(),
            source,
        })?;
    let job_dir = record.path.join(format!("{}-{}", args.stage, unique_name()));
    let launcher = container::launcher(&plan, &job_dir, settings, printer)?;
    let spec = RunSpec {
        sbatch_args: plan.sbatch_args.clone(),
        job_dir,
        workdir: record.path.clone(),
        work: Work::Script(args.script.clone()),
        launcher,
        queue_timeout: plan.queue_timeout,
        controller_timeout: plan.controller_timeout,
        hold_grace: plan.hold_grace,
        cancel_wait: Duration::from_secs(30),
        id_file: Some(record.ids_file()),
    };
    let interrupt = interrupt_flag()?;
    let report = execute(&plan, &spec, &interrupt, printer)?;
    let Some(message) = verdict(&report) else {
        return Ok(ExitStatus::Success);
    };
    if report.outcome.is_system_failure() {
        printer.warn(format!("system failure: {message}"));
        return Ok(ExitStatus::Code(ci.system_failure));
    }
    printer.warn(message);
    if let Some(file) = &ci.exit_code_file {
        fs_err::write(file, report.outcome.exit_code().to_string())
            .context("cannot write BUILD_EXIT_CODE_FILE")?;
    }
    Ok(ExitStatus::Code(ci.build_failure))
}

/// Stages other than the user's script run here, on the runner node, with bash.
fn local(args: &ExecutorRunArgs, ci: &CiEnv, printer: &Printer) -> Result<ExitStatus> {
    printer.debug(format!("stage `{}` runs on this node", args.stage));
    let status = std::process::Command::new("bash")
        .arg(&args.script)
        .status()
        .with_context(|| format!("cannot run the `{}` stage with bash", args.stage))?;
    Ok(if status.success() {
        ExitStatus::Success
    } else {
        ExitStatus::Code(ci.build_failure)
    })
}
