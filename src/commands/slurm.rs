//! `devkit slurm run`: resolve the job options (flags over site defaults), run the job through the Slurm run loop
//! and print its events; shared with the custom-executor driver.

use super::container_job;
use crate::cli::{SacctArg, SlurmJobArgs, SlurmRunArgs};
use crate::env_vars::EnvVars;
use crate::error::{ExitStatus, UserError};
use crate::printer::Printer;
use crate::settings::Settings;
use crate::site::Trex;
use crate::slurm::options::{self, SbatchOption};
use crate::slurm::runner::{self, Event, Report, RunSpec};
use crate::slurm::script::Launcher;
use crate::slurm::{Client, Outcome, ProcessExec, SacctMode, Work};
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

/// Runs one job, printing its events; output goes to stdout, everything else to stderr.
pub(crate) fn execute(
    plan: &JobPlan,
    spec: &RunSpec,
    interrupt: &AtomicUsize,
    printer: &Printer,
) -> Result<Report> {
    let client = Client {
        exec: ProcessExec {
            query_timeout: plan
                .controller_timeout
                .clamp(Duration::from_secs(1), Duration::from_secs(30)),
            action_timeout: Duration::from_secs(60),
        },
        sacct: plan.sacct,
    };
    printer.debug(format!("sbatch {}", plan.sbatch_args.join(" ")));
    let mut out_err = None;
    let report = runner::run(&client, spec, interrupt, &mut |event| match event {
        Event::Submitted { id, output } => {
            printer.status("Submitted", format!("job {id} (output in {})", output.display()));
        }
        Event::Pending { reason, start } => {
            let reason = reason.unwrap_or("waiting for the scheduler");
            match start {
                Some(s) => printer.status("Pending", format!("{reason}; estimated start {s}")),
                None => printer.status("Pending", reason),
            }
        }
        Event::Started => printer.status("Running", "the job started"),
        Event::Output(bytes) => {
            if let Err(e) = printer.raw(bytes) {
                out_err.get_or_insert(e);
            }
        }
        Event::ControllerError(message) => {
            printer.warn(format!(
                "the Slurm controller does not answer ({message}); still waiting"
            ));
        }
        Event::ControllerBack => printer.info("the Slurm controller answers again"),
        Event::Cancelling { signal } => {
            printer.warn(format!(
                "got signal {signal}: cancelling the job and waiting for it to end"
            ));
        }
        Event::QueueTimeout => printer.warn("the job is still pending after the queue budget: cancelling it"),
    })?;
    if let Some(e) = out_err {
        return Err(e).context("cannot write the job output");
    }
    Ok(report)
}

/// The closing message for an outcome, `None` for success.
pub(crate) fn verdict(report: &Report) -> Option<String> {
    let id = &report.id;
    let reason = report
        .info
        .as_ref()
        .and_then(|i| i.reason.clone())
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    Some(match &report.outcome {
        Outcome::Exited(0) => return None,
        Outcome::Exited(c) => format!("job {id} failed with exit code {c}"),
        Outcome::Signaled(s) => format!("job {id} was killed by signal {s}"),
        Outcome::Timeout => format!("job {id} reached its time limit and was killed (TIMEOUT); raise --time"),
        Outcome::Cancelled => format!("job {id} was cancelled outside devkit (CANCELLED){reason}"),
        Outcome::NodeFail => format!("job {id} failed because a node failed (NODE_FAIL); retry"),
        Outcome::Preempted => format!("job {id} was preempted by a higher-priority job (PREEMPTED); retry"),
        Outcome::OutOfMemory => format!("job {id} ran out of memory (OUT_OF_MEMORY); raise --mem"),
        Outcome::Deadline => format!("job {id} reached its deadline (DEADLINE)"),
        Outcome::QueueTimeout => {
            format!("job {id} waited in the queue longer than --queue-timeout and was cancelled")
        }
        Outcome::Unschedulable(why) => format!(
            "job {id} can never start as submitted ({why}) and was cancelled; fix the request (partition, time, account, QoS)"
        ),
        Outcome::ControllerUnreachable => format!(
            "the Slurm controller stopped answering while job {id} ran; its fate is unknown and it could not be \
             cancelled (cancel it with `scancel {id}` once the controller answers)"
        ),
        Outcome::Held(why) => {
            format!("job {id} stayed held ({why}) longer than the hold grace period and was cancelled")
        }
        Outcome::Interrupted(s) => match report.info.as_ref().map(|i| i.state.is_terminal()) {
            Some(true) => format!("interrupted by signal {s}: job {id} was cancelled"),
            _ => format!("interrupted by signal {s}: job {id} was asked to cancel but has not ended yet"),
        },
    })
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
    let report = execute(&plan, &spec, &interrupt, printer)?;
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
