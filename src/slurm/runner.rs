//! The run loop: write the job files, submit, wait while pending (within a queue budget), stream the output,
//! settle the final state (`squeue`, then `scontrol`, then `sacct`), and cancel the job when interrupted.
//! It reports through an event callback and never prints.

use super::client::{Client, ClientError, Exec};
use super::files;
use super::reason::{ReasonClass, classify};
use super::script::{self, Work};
use super::state::{JobInfo, JobState, Outcome};
use super::tail::Follower;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Everything one run needs; the caller has already validated the options.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Validated sbatch arguments (`--partition=...`, `--job-name=...`, ...).
    pub sbatch_args: Vec<String>,
    /// A fresh folder on storage the compute nodes share: job files and the output live here.
    pub job_dir: PathBuf,
    /// The folder sbatch runs in (the job's working folder).
    pub workdir: PathBuf,
    pub work: Work,
    /// What starts the work inside the job (default: bash; a container runtime otherwise).
    pub launcher: script::Launcher,
    /// Longest wait in the queue before devkit gives up and cancels.
    pub queue_timeout: Option<Duration>,
    /// How long the controller may stay unreachable before devkit gives up.
    pub controller_timeout: Duration,
    /// How long a job may stay held for an infrastructure reason (`PartitionDown`, `JobHeldAdmin`, ...)
    /// before devkit cancels it and names the reason; `None` waits (within `queue_timeout`).
    pub hold_grace: Option<Duration>,
    /// How long to wait for a cancelled job to end.
    pub cancel_wait: Duration,
    /// A file shared with `cleanup`, to which the job id is appended right after submission.
    pub id_file: Option<PathBuf>,
}

/// What happens during a run, for the command layer to print.
#[derive(Debug)]
pub enum Event<'a> {
    Submitted {
        id: &'a str,
        output: &'a Path,
    },
    Pending {
        reason: Option<&'a str>,
        start: Option<&'a str>,
    },
    Started,
    Output(&'a [u8]),
    ControllerError(&'a str),
    ControllerBack,
    Cancelling {
        signal: i32,
    },
    QueueTimeout,
}

/// The end of a run.
#[derive(Debug, Clone)]
pub struct Report {
    pub id: String,
    pub outcome: Outcome,
    /// The final record, when Slurm still had one.
    pub info: Option<JobInfo>,
}

/// Errors that stop a run before a verdict.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot write job files in `{path}`")]
    Files { path: PathBuf, source: std::io::Error },
    #[error("cannot submit the job")]
    Submit(#[source] ClientError),
    #[error("cannot read the job output `{path}`")]
    Output { path: PathBuf, source: std::io::Error },
    #[error("job {0} vanished: neither squeue, scontrol nor sacct know it")]
    Vanished(String),
}

impl RunError {
    /// The fix, when known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Submit(e) if e.is_unreachable() => Some(
                "the Slurm controller does not answer: this is a system failure, retry the job later".into(),
            ),
            Self::Submit(ClientError::Spawn { .. }) => {
                Some("run this on a Trex login node, where the Slurm commands are installed".into())
            }
            Self::Submit(ClientError::Failed { .. }) => {
                Some("check the partition, time limit and resources against `sinfo`".into())
            }
            Self::Files { .. } => Some("choose a writable folder with `--state-dir`".into()),
            _ => None,
        }
    }
}

impl RunError {
    /// Whether the infrastructure, not the job's request, is to blame (the controller did not answer the
    /// submission, or the job folder could not be written).
    pub fn is_system_failure(&self) -> bool {
        match self {
            Self::Submit(e) => e.is_unreachable(),
            Self::Files { .. } | Self::Output { .. } | Self::Vanished(_) => true,
        }
    }
}

const TICK: Duration = Duration::from_millis(100);
const FAST: Duration = Duration::from_millis(25);
const MAX_GAP: Duration = Duration::from_secs(1);

fn write_files(spec: &RunSpec) -> std::io::Result<(PathBuf, PathBuf, PathBuf)> {
    files::private_dir(&spec.job_dir)?;
    let user = spec.job_dir.join(script::USER_SCRIPT);
    let batch = spec.job_dir.join("job.sh");
    let output = spec.job_dir.join("output.log");
    let done = spec.job_dir.join("exit-status");
    files::create_new(
        &user,
        script::user_script(&spec.work)?.as_bytes(),
        files::SCRIPT_MODE,
    )?;
    let wrapper = script::batch_script(&user, &done, &spec.launcher);
    files::create_new(&batch, wrapper.as_bytes(), files::SCRIPT_MODE)?;
    files::create_new(&output, b"", files::FILE_MODE)?;
    Ok((batch, output, done))
}

fn record_id(spec: &RunSpec, id: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    files::create_new(
        &spec.job_dir.join("jobid"),
        format!("{id}\n").as_bytes(),
        files::FILE_MODE,
    )?;
    if let Some(file) = &spec.id_file {
        let mut f = files::append(file)?;
        writeln!(f, "{id}")?;
        f.sync_all()?;
    }
    Ok(())
}

/// Submits and follows one job to its end. `interrupt` holds the number of a signal received (0 = none).
pub fn run<E: Exec>(
    client: &Client<E>,
    spec: &RunSpec,
    interrupt: &AtomicUsize,
    on: &mut dyn FnMut(Event<'_>),
) -> Result<Report, RunError> {
    let files_err = |source| RunError::Files {
        path: spec.job_dir.clone(),
        source,
    };
    let (batch, output, done) = write_files(spec).map_err(files_err)?;
    let mut args = spec.sbatch_args.clone();
    args.push(format!("--output={}", output.display()));
    args.push("--open-mode=append".into());
    args.push("--no-requeue".into());
    let id = client
        .sbatch(&args, &batch, &spec.workdir)
        .map_err(RunError::Submit)?;
    let submitted = Instant::now();
    record_id(spec, &id).map_err(files_err)?;
    on(Event::Submitted {
        id: &id,
        output: &output,
    });

    let mut follower = Follower::new(output.clone());
    let out_err = |source| RunError::Output {
        path: output.clone(),
        source,
    };
    let mut gap = Duration::from_millis(150);
    let mut next_query = Instant::now() + gap;
    let mut last_ok = Instant::now();
    let mut controller_down = false;
    let mut started = false;
    let mut done_seen = false;
    let mut last_pending: Option<(Option<String>, Option<String>)> = None;
    let mut unknown = 0u32;
    let mut held_since: Option<Instant> = None;
    loop {
        let sig = interrupt.load(Ordering::SeqCst);
        if sig != 0 {
            return cancel(client, &id, spec, sig, &mut follower, on);
        }
        follower.poll(&mut |b| on(Event::Output(b))).map_err(out_err)?;
        if !done_seen && done.exists() {
            done_seen = true;
            next_query = Instant::now();
        }
        let now = Instant::now();
        if now >= next_query {
            match client.squeue(&id) {
                Ok(found) => {
                    if controller_down {
                        controller_down = false;
                        on(Event::ControllerBack);
                    }
                    last_ok = Instant::now();
                    match found {
                        Some(info) if info.state.is_terminal() => {
                            return finish(client, &id, info, &mut follower, on, out_err);
                        }
                        Some(info) if info.state.is_pending() && !started => {
                            let key = (info.reason.clone(), info.start.clone());
                            if last_pending.as_ref() != Some(&key) {
                                on(Event::Pending {
                                    reason: key.0.as_deref(),
                                    start: key.1.as_deref(),
                                });
                                last_pending = Some(key);
                            }
                            let reason = info.reason.as_deref().unwrap_or("");
                            let class = classify(reason);
                            held_since =
                                (class == ReasonClass::Held).then(|| held_since.unwrap_or_else(Instant::now));
                            let hold_over = held_since
                                .zip(spec.hold_grace)
                                .is_some_and(|(since, grace)| since.elapsed() > grace);
                            let outcome = match class {
                                ReasonClass::Impossible => Some(Outcome::Unschedulable(reason.to_string())),
                                ReasonClass::Held if hold_over => Some(Outcome::Held(reason.to_string())),
                                _ if spec.queue_timeout.is_some_and(|t| submitted.elapsed() > t) => {
                                    on(Event::QueueTimeout);
                                    Some(Outcome::QueueTimeout)
                                }
                                _ => None,
                            };
                            if let Some(outcome) = outcome {
                                // devkit gives up on a pending job: cancel it and wait (bounded) for its end.
                                let _ = client.scancel(std::slice::from_ref(&id), None);
                                let info = wait_end(client, &id, spec.cancel_wait, &mut follower, on);
                                return Ok(Report { id, outcome, info });
                            }
                        }
                        Some(info) => {
                            if !started && info.state == JobState::Running {
                                started = true;
                                on(Event::Started);
                                gap = Duration::from_millis(250);
                            }
                        }
                        None => match final_record(client, &id) {
                            Some(info) if info.state.is_terminal() => {
                                return finish(client, &id, info, &mut follower, on, out_err);
                            }
                            _ => {
                                unknown += 1;
                                if unknown > 30 {
                                    return Err(RunError::Vanished(id));
                                }
                            }
                        },
                    }
                }
                Err(e) => {
                    if !controller_down {
                        controller_down = true;
                        on(Event::ControllerError(&e.to_string()));
                    }
                    if last_ok.elapsed() > spec.controller_timeout {
                        // scancel would fail the same way: the job stays in the id file, and `devkit executor
                        // cleanup` (or the reaper, once the controller answers) cancels it.
                        follower.finish(&mut |b| on(Event::Output(b))).map_err(out_err)?;
                        return Ok(Report {
                            id,
                            outcome: Outcome::ControllerUnreachable,
                            info: None,
                        });
                    }
                }
            }
            gap = if done_seen {
                FAST
            } else {
                (gap * 3 / 2).min(MAX_GAP)
            };
            next_query = Instant::now() + gap;
        }
        let wait = next_query.saturating_duration_since(Instant::now()).min(TICK);
        std::thread::sleep(wait.max(Duration::from_millis(5)));
    }
}

/// `scontrol` first (exit code and signal), then `sacct`.
fn final_record<E: Exec>(client: &Client<E>, id: &str) -> Option<JobInfo> {
    match client.scontrol(id) {
        Ok(Some(info)) => Some(info),
        _ => client.sacct(id).ok().flatten(),
    }
}

fn finish<E: Exec>(
    client: &Client<E>,
    id: &str,
    seen: JobInfo,
    follower: &mut Follower,
    on: &mut dyn FnMut(Event<'_>),
    out_err: impl Fn(std::io::Error) -> RunError,
) -> Result<Report, RunError> {
    let info = final_record(client, id)
        .filter(|i| i.state.is_terminal())
        .unwrap_or(seen);
    follower.finish(&mut |b| on(Event::Output(b))).map_err(out_err)?;
    Ok(Report {
        id: id.to_string(),
        outcome: Outcome::from_final(&info),
        info: Some(info),
    })
}

/// Polls until the job is terminal or `limit` passes, streaming output meanwhile.
fn wait_end<E: Exec>(
    client: &Client<E>,
    id: &str,
    limit: Duration,
    follower: &mut Follower,
    on: &mut dyn FnMut(Event<'_>),
) -> Option<JobInfo> {
    let start = Instant::now();
    let mut killed = false;
    let mut last = None;
    while start.elapsed() < limit {
        let _ = follower.poll(&mut |b| on(Event::Output(b)));
        let info = match client.squeue(id) {
            Ok(Some(i)) => Some(i),
            Ok(None) => final_record(client, id),
            Err(_) => None,
        };
        if let Some(i) = info {
            if i.state.is_terminal() {
                let _ = follower.finish(&mut |b| on(Event::Output(b)));
                return final_record(client, id)
                    .filter(|f| f.state.is_terminal())
                    .or(Some(i));
            }
            last = Some(i);
        }
        if !killed && start.elapsed() > limit / 2 {
            killed = true;
            let _ = client.exec.exec(
                "scancel",
                &["--signal=KILL".into(), "--full".into(), id.into()],
                None,
            );
        }
        std::thread::sleep(TICK);
    }
    let _ = follower.finish(&mut |b| on(Event::Output(b)));
    last
}

fn cancel<E: Exec>(
    client: &Client<E>,
    id: &str,
    spec: &RunSpec,
    signal: usize,
    follower: &mut Follower,
    on: &mut dyn FnMut(Event<'_>),
) -> Result<Report, RunError> {
    let signal = i32::try_from(signal).unwrap_or(15);
    on(Event::Cancelling { signal });
    let _ = client.scancel(&[id.to_string()], None);
    let info = wait_end(client, id, spec.cancel_wait, follower, on);
    Ok(Report {
        id: id.to_string(),
        outcome: Outcome::Interrupted(signal),
        info,
    })
}

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
