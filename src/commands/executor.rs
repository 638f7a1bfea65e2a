//! `devkit executor config|prepare|run|cleanup`: the gitlab-runner custom-executor driver. The user's script
//! (`build_script`/`step_script`, `after_script`) runs as a Slurm job through the same loop as `devkit slurm run`;
//! the other stages run on this node. Every failure ends with `BUILD_FAILURE_EXIT_CODE` or
//! `SYSTEM_FAILURE_EXIT_CODE`, as gitlab-runner expects.

use super::slurm::{JobPlan, execute, expand_home, interrupt_flag, plan, unique_name, verdict};
use crate::cli::{ExecutorCommand, ExecutorRunArgs, SacctArg, SlurmJobArgs};
use crate::env_vars::EnvVars;
use crate::error::{ExitStatus, UserError};
use crate::failure::classify;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::slurm::options;
use crate::slurm::runner::RunSpec;
use crate::slurm::{Client, ProcessExec, SacctMode, Work};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Stages whose script is the user's and runs on a compute node.
const SLURM_STAGES: &[&str] = &["build_script", "step_script", "after_script"];

/// What gitlab-runner tells the driver through the environment.
struct CiEnv {
    job_id: String,
    pipeline: Option<String>,
    project: Option<String>,
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

impl CiEnv {
    fn read() -> Self {
        // The job id is read from the job response file, which users cannot override through variables.
        let trusted = var(EnvVars::JOB_RESPONSE_FILE)
            .and_then(|f| fs_err::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("id").and_then(|id| id.as_u64()));
        let code = |name: &str, default: u8| var(name).and_then(|v| v.trim().parse().ok()).unwrap_or(default);
        Self {
            job_id: trusted
                .map(|id| id.to_string())
                .or_else(|| ci_var(EnvVars::CI_JOB_ID).filter(|v| v.chars().all(|c| c.is_ascii_digit())))
                .unwrap_or_else(|| "0".into()),
            pipeline: ci_var(EnvVars::CI_PIPELINE_ID),
            project: ci_var("CI_PROJECT_PATH"),
            build_failure: code(EnvVars::BUILD_FAILURE_EXIT_CODE, 1),
            system_failure: code(EnvVars::SYSTEM_FAILURE_EXIT_CODE, 2),
            exit_code_file: var(EnvVars::BUILD_EXIT_CODE_FILE).map(PathBuf::from),
        }
    }

    fn job_name(&self) -> String {
        format!("ci-{}", self.job_id)
    }
}

/// Runs one stage; any error becomes a build or system failure with its message printed.
pub fn run(cmd: &ExecutorCommand, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let ci = CiEnv::read();
    let result = match cmd {
        ExecutorCommand::Config => config(settings, printer),
        ExecutorCommand::Prepare => prepare(&ci, settings, printer),
        ExecutorCommand::Run(args) => stage(args, &ci, settings, printer),
        ExecutorCommand::Cleanup => cleanup(&ci, settings, printer),
    };
    result.or_else(|err| {
        let (status, hints) = classify(&err);
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

/// Per-CI-job state shared by the stages: Slurm job ids (for cleanup) and job folders.
fn state_dir(ci: &CiEnv, settings: &Settings) -> PathBuf {
    builds_dir(settings).join(".devkit").join("jobs").join(&ci.job_id)
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
    Ok(ExitStatus::Success)
}

/// Slurm settings of the CI job: `SCHEDULER_PARAMETERS` (allow-listed) and `DEVKIT_SLURM_*` variables.
fn job_plan(ci: &CiEnv, settings: &Settings, stage: &str) -> Result<JobPlan> {
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
        sacct: match var(EnvVars::DEVKIT_SLURM_SACCT).as_deref() {
            Some("db") => SacctArg::Db,
            Some("completion") => SacctArg::Completion,
            Some("off") => SacctArg::Off,
            _ => SacctArg::Auto,
        },
    };
    let mut comment = format!("devkit ci_job={}", ci.job_id);
    if let Some(p) = &ci.pipeline {
        comment.push_str(&format!(" pipeline={p}"));
    }
    if let Some(p) = &ci.project {
        comment.push_str(&format!(" project={p}"));
    }
    comment.push_str(&format!(" stage={stage}"));
    plan(&job, extra, &settings.site.trex, &ci.job_name(), &comment)
}

fn prepare(ci: &CiEnv, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let plan = job_plan(ci, settings, "prepare")?;
    let dir = state_dir(ci, settings);
    fs_err::create_dir_all(&dir)?;
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
    let plan = job_plan(ci, settings, &args.stage)?;
    let dir = state_dir(ci, settings);
    fs_err::create_dir_all(&dir)?;
    let spec = RunSpec {
        sbatch_args: plan.sbatch_args.clone(),
        job_dir: dir.join(format!("{}-{}", args.stage, unique_name())),
        workdir: dir.clone(),
        work: Work::Script(args.script.clone()),
        image: plan.image.clone(),
        gpus: plan.gpus,
        queue_timeout: plan.queue_timeout,
        controller_timeout: plan.controller_timeout,
        cancel_wait: Duration::from_secs(30),
        id_file: Some(dir.join("jobids")),
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

fn cleanup(ci: &CiEnv, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let dir = state_dir(ci, settings);
    let ids: Vec<String> = fs_err::read_to_string(dir.join("jobids"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect();
    let client = Client {
        exec: ProcessExec {
            query_timeout: Duration::from_secs(30),
            action_timeout: Duration::from_secs(30),
        },
        sacct: SacctMode::Off,
    };
    if !ids.is_empty() {
        if let Err(e) = client.scancel(&ids, None) {
            printer.warn(format!("cannot cancel jobs {}: {e}", ids.join(" ")));
        }
    }
    if ci.job_id != "0" {
        if let Err(e) = client.scancel(&[], Some(&ci.job_name())) {
            printer.warn(format!("cannot cancel jobs named {}: {e}", ci.job_name()));
        }
    }
    let _ = fs_err::remove_dir_all(&dir);
    Ok(ExitStatus::Success)
}
