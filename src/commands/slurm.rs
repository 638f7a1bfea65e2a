//! `devkit slurm run`: resolve the job options (flags over site defaults), run the job through the Slurm run loop
//! and print its events; shared with the custom-executor driver.

use super::container_job;
pub(crate) use super::slurm_events::{EventPrinter, verdict};
use crate::cli::{SacctArg, SlurmJobArgs, SlurmRunArgs};
use crate::env_vars::EnvVars;
use crate::error::{ExitStatus, UserError};
use crate::printer::Printer;
use crate::settings::Settings;
use crate::site::Trex;
use crate::slurm::options::{self, SbatchOption};
use crate::slurm::runner::{self, Report, RunSpec};
use crate::slurm::script::Launcher;
use crate::slurm::{Client, ProcessExec, SacctMode, Work};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Job options after validation.
#[derive(Debug, Clone)]
pub(crate) struct JobPlan {
    pub sbatch_args: Vec<String>,
    pub image: Option<String>,
    pub gpus: bool,
    pub queue_timeout: Option<Duration>,
    pub controller_timeout: Duration,
    pub hold_grace: Option<Duration>,
    pub sacct: SacctMode,
}

/// Validates the job arguments over the site defaults, with `extra` (e.g. `SCHEDULER_PARAMETERS`) in between.
pub(crate) fn plan(
    job: &SlurmJobArgs,
    extra: Vec<SbatchOption>,
    trex: &Trex,
    name: &str,
    comment: &str,
) -> Result<JobPlan> {
    let mut base = Vec::new();
    if !trex.default_partition.is_empty() {
        base.push(
            options::option("partition", &trex.default_partition)
                .context("site key `trex.default_partition`")?,
        );
    }
    if !trex.default_time.is_empty() {
        base.push(options::option("time", &trex.default_time).context("site key `trex.default_time`")?);
    }
    let mut flags = Vec::new();
    let mut add = |n: &str, v: Option<String>| -> Result<()> {
        if let Some(v) = v {
            flags.push(options::option(n, &v)?);
        }
        Ok(())
    };
    add("partition", job.partition.clone())?;
    add("time", job.time.clone())?;
    add("nodes", job.nodes.map(|n| n.to_string()))?;
    add("cpus-per-task", job.cpus.map(|n| n.to_string()))?;
    add("mem", job.mem.clone())?;
    add("gpus", job.gpus.filter(|g| *g > 0).map(|n| n.to_string()))?;
    add("account", job.account.clone())?;
    add("qos", job.qos.clone())?;
    let merged = options::merge(&[base, extra, flags]);
    let gpus = merged
        .iter()
        .any(|o| o.name.starts_with("gpus") || o.value.as_deref().is_some_and(|v| v.starts_with("gpu")));
    let mut sbatch_args: Vec<String> = merged.iter().map(SbatchOption::arg).collect();
    sbatch_args.push(format!("--job-name={}", sanitize(name)));
    sbatch_args.push(format!("--comment={}", sanitize(comment)));
    let dur = |what: &str, t: &str| -> Result<Duration> {
        Ok(Duration::from_secs(
            options::time_seconds(t).with_context(|| format!("`{what}`"))?,
        ))
    };
    Ok(JobPlan {
        sbatch_args,
        image: job.image.clone(),
        gpus,
        queue_timeout: job
            .queue_timeout
            .as_deref()
            .map(|t| dur("--queue-timeout", t))
            .transpose()?,
        controller_timeout: dur("--controller-timeout", &job.controller_timeout)?,
        hold_grace: match job.hold_grace.as_deref().unwrap_or(&trex.hold_grace) {
            "" | "0" => None,
            t => Some(dur("--hold-grace", t)?),
        },
        sacct: match job.sacct {
            SacctArg::Auto => SacctMode::Auto,
            SacctArg::Db => SacctMode::Database,
            SacctArg::Completion => SacctMode::Completion,
            SacctArg::Off => SacctMode::Off,
        },
    })
}

/// Keeps job names and comments to safe characters (they are argv entries, but Slurm prints them back).
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.,:=+/@-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect()
}

/// A fresh, unique folder name.
pub(crate) fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// Installs SIGINT/SIGTERM handlers that record the signal number instead of killing devkit.
pub(crate) fn interrupt_flag() -> Result<Arc<AtomicUsize>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = Arc::new(AtomicUsize::new(0));
    for sig in [SIGINT, SIGTERM] {
        signal_hook::flag::register_usize(sig, Arc::clone(&flag), usize::try_from(sig).unwrap_or(15))
            .context("cannot install signal handlers")?;
    }
    Ok(flag)
}

/// The Slurm client of a job plan: queries give up after the controller timeout (1 to 30 s).
pub(crate) fn client(plan: &JobPlan) -> Client<ProcessExec> {
    Client {
        exec: ProcessExec {
            query_timeout: plan
                .controller_timeout
                .clamp(Duration::from_secs(1), Duration::from_secs(30)),
            action_timeout: Duration::from_secs(60),
        },
        sacct: plan.sacct,
    }
}

/// Runs one job, printing its events; output goes to stdout, everything else to stderr.
pub(crate) fn execute(
    plan: &JobPlan,
    spec: &RunSpec,
    interrupt: &AtomicUsize,
    printer: &Printer,
) -> Result<Report> {
    let client = client(plan);
    printer.debug(format!("sbatch {}", plan.sbatch_args.join(" ")));
    let mut events = EventPrinter::new(printer);
    let report = runner::run(&client, spec, interrupt, &mut |event| events.on(event))?;
    events.finish()?;
    Ok(report)
}

/// `devkit slurm run`.
pub fn run(args: &SlurmRunArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let ci_job = std::env::var(EnvVars::CI_JOB_ID).ok().filter(|v| !v.is_empty());
    let pipeline = std::env::var(EnvVars::CI_PIPELINE_ID)
        .ok()
        .filter(|v| !v.is_empty());
    let work = match (&args.script, args.command.is_empty()) {
        (Some(script), true) => {
            if !script.is_file() {
                return Err(UserError::with_hint(
                    format!("script `{}` does not exist", script.display()),
                    "give a script file, or a command after `--`",
                )
                .into());
            }
            Work::Script(script.clone())
        }
        (None, false) => Work::Command(args.command.clone()),
        _ => {
            return Err(UserError::with_hint(
                "give a script or a command, not both",
                "`devkit slurm run -- make test`",
            )
            .into());
        }
    };
    let default_name = match (&ci_job, &work) {
        (Some(id), _) => format!("ci-{id}"),
        (None, Work::Script(p)) => file_name(p),
        (None, Work::Command(argv)) => argv.first().map(|c| file_name(Path::new(c))).unwrap_or_default(),
    };
    let name = args.job.job_name.clone().unwrap_or(default_name);
    let mut comment = String::from("devkit");
    if let Some(id) = &ci_job {
        comment.push_str(&format!(" ci_job={id}"));
    }
    if let Some(p) = &pipeline {
        comment.push_str(&format!(" pipeline={p}"));
    }
    let plan = plan(&args.job, Vec::new(), &settings.site.trex, &name, &comment)?;
    let base = args
        .state_dir
        .clone()
        .unwrap_or_else(|| settings.paths.cache_dir.join("slurm"));
    let job_dir = base.join(unique_name());
    let workdir = std::env::current_dir().context("cannot read the current folder")?;
    let launcher = match &plan.image {
        Some(image) => {
            let request = container_job::Request {
                image,
                runtime: args.runtime.as_deref(),
                binds: &args.bind,
                gpus: plan.gpus,
                workdir: workdir.clone(),
                job_dir: &job_dir,
                folders: Vec::new(),
            };
            container_job::launcher(&request, settings, printer).inspect_err(|_| {
                let _ = fs_err::remove_dir_all(&job_dir);
            })?
        }
        None => Launcher::default(),
    };
    let spec = RunSpec {
        sbatch_args: plan.sbatch_args.clone(),
        job_dir: job_dir.clone(),
        workdir,
        work,
        launcher,
        queue_timeout: plan.queue_timeout,
        controller_timeout: plan.controller_timeout,
        hold_grace: plan.hold_grace,
        cancel_wait: Duration::from_secs(30),
        id_file: None,
    };
    let interrupt = interrupt_flag()?;
    let pooled = match &args.reuse {
        Some(name) => reuse_pool(args, name, &plan, &base, settings)
            .and_then(|pool| super::slurm_pool::launch(&plan, &spec, &pool, None, &interrupt, printer))?,
        None => None,
    };
    let report = match pooled {
        Some(report) => report,
        None => execute(&plan, &spec, &interrupt, printer)?,
    };
    match verdict(&report) {
        None => {
            if !args.keep {
                let _ = fs_err::remove_dir_all(&job_dir);
            }
            printer.status("Finished", format!("job {}", report.id));
        }
        Some(message) => {
            printer.warn(message);
            printer.info(format!("job files and output kept in {}", job_dir.display()));
        }
    }
    Ok(match report.outcome.exit_code() {
        0 => ExitStatus::Success,
        c => ExitStatus::Code(c),
    })
}

/// The `--reuse NAME` pool of this user, under the state folder.
fn reuse_pool(
    args: &SlurmRunArgs,
    name: &str,
    plan: &JobPlan,
    base: &Path,
    settings: &Settings,
) -> Result<crate::slurm::pool::Pool> {
    let trex = &settings.site.trex;
    let size = args.pool.as_deref().unwrap_or("on");
    let Some(spec) = super::slurm_pool::spec(size, &trex.pool_size, &trex.pool_idle)? else {
        return Err(UserError::with_hint("`--pool off` contradicts `--reuse`", "drop one of them").into());
    };
    let spec = super::slurm_pool::complete(spec, plan);
    let uid = crate::slurm::client::current_user_id()
        .parse()
        .unwrap_or(u32::MAX);
    let key = crate::slurm::pool::PoolKey::named(uid, name, &spec.class()).ok_or_else(|| {
        UserError::with_hint(
            format!("`{name}` is not a valid pool name"),
            "use letters, digits, `.`, `_` and `-` (at most 64)",
        )
    })?;
    Ok(crate::slurm::pool::Pool::new(&base.join("pools"), key, spec))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "devkit".into())
}

/// Expands a leading `~/` with the home folder.
pub(crate) fn expand_home(text: &str, home: &Path) -> PathBuf {
    match text.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None if text == "~" => home.to_path_buf(),
        None => PathBuf::from(text),
    }
}
