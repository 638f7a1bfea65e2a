//! The launch layer shared by `devkit executor run` and `devkit slurm run --reuse`: a job whose request fits
//! its pool runs as a step of the pool's allocation (acquired, or created and waited for once); any other job
//! gets an allocation of its own (`sbatch`, as without pools). Only *how* the job is launched is decided here;
//! *what* runs inside it is the same batch wrapper either way. Each job's log says which it was and how long
//! it waited in the queue.

use super::slurm::{EventPrinter, JobPlan, client};
use crate::printer::Printer;
use crate::slurm::pool::{self, JobNeeds, Pool, PoolError, PoolEvent, StepError, StepSpec};
use crate::slurm::runner::{Report, RunSpec};
use crate::slurm::{Outcome, options};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

/// Parses a pool request: `None` for `off` (or empty), the site size for `on`, else the site size with the
/// given keys replaced. `idle` is the site's idle timeout.
pub(crate) fn spec(request: &str, site_size: &str, idle: &str) -> Result<Option<pool::PoolSpec>> {
    let request = request.trim();
    if matches!(
        request.to_ascii_lowercase().as_str(),
        "" | "off" | "no" | "0" | "false"
    ) {
        return Ok(None);
    }
    let base = pool::PoolSpec {
        nodes: 1,
        cpus: 1,
        time_s: 3600,
        idle_s: options::time_seconds(idle).context("in the site key `trex.pool_idle`")?,
        ..pool::PoolSpec::default()
    };
    let hint = |e: pool::SpecError| crate::error::UserError::with_hint(e.to_string(), e.hint());
    let base = base
        .apply(site_size)
        .map_err(hint)
        .context("in the site key `trex.pool_size`")?;
    let own = if matches!(
        request.to_ascii_lowercase().as_str(),
        "on" | "yes" | "1" | "true" | "default"
    ) {
        ""
    } else {
        request
    };
    Ok(Some(base.apply(own).map_err(hint)?))
}

/// Completes a pool size with the job's partition, account and QoS when the size names none.
pub(crate) fn complete(mut spec: pool::PoolSpec, plan: &JobPlan) -> pool::PoolSpec {
    let needs = JobNeeds::from_args(&plan.sbatch_args);
    spec.partition = spec.partition.or(needs.partition);
    spec.account = spec.account.or(needs.account);
    spec.qos = spec.qos.or(needs.qos);
    spec
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Runs the job in `pool` when it fits; `Ok(None)` means "launch it on its own" (the reason is printed).
pub(crate) fn launch(
    plan: &JobPlan,
    run: &RunSpec,
    pool: &Pool,
    steps_file: Option<PathBuf>,
    interrupt: &AtomicUsize,
    printer: &Printer,
) -> Result<Option<Report>> {
    let needs = JobNeeds::from_args(&plan.sbatch_args);
    if let Some(why) = needs.misfit(&pool.spec) {
        printer.status("Pool", format!("this job gets an allocation of its own: {why}"));
        return Ok(None);
    }
    let client = client(plan);
    for attempt in 0..2 {
        let mut last_reason = String::new();
        let acquired = pool.acquire(&client, interrupt, plan.queue_timeout, &mut |e| match e {
            PoolEvent::Submitted { holder } => printer.status(
                "Pool",
                format!(
                    "no allocation in this pool yet: submitted holder job {holder} ({})",
                    pool.spec.describe()
                ),
            ),
            PoolEvent::Joining { holder } => printer.status(
                "Pool",
                format!("waiting with the pipeline's other jobs for holder job {holder} to start"),
            ),
            PoolEvent::Pending { holder, reason } => {
                if reason != last_reason {
                    last_reason = reason.to_string();
                    let reason = if reason.is_empty() || reason == "None" {
                        "waiting for the scheduler"
                    } else {
                        reason
                    };
                    printer.status("Pending", format!("holder job {holder}: {reason}"));
                }
            }
            PoolEvent::Replacing { holder, why } => {
                printer.warn(format!(
                    "the pool's holder job {holder} cannot be used ({why}): replacing it"
                ));
            }
        });
        let ready = match acquired {
            Ok(r) => r,
            Err(PoolError::Interrupted(sig)) => {
                return Ok(Some(Report {
                    id: String::new(),
                    outcome: Outcome::Interrupted(sig),
                    info: None,
                }));
            }
            Err(PoolError::QueueTimeout(holder)) => {
                return Ok(Some(Report {
                    id: holder,
                    outcome: Outcome::QueueTimeout,
                    info: None,
                }));
            }
            Err(e) => return Err(e).context("cannot get the pipeline's allocation"),
        };
        if let (Some(t), Some(left)) = (needs.time_s, ready.time_left_s) {
            if t > left {
                printer.status(
                    "Pool",
                    format!("this job gets an allocation of its own: its time limit ({t} s) is longer than the pool's time left ({left} s)"),
                );
                return Ok(None);
            }
        }
        if ready.waited.is_zero() {
            printer.status(
                "Pool",
                format!(
                    "reusing the pipeline's allocation (job {}): no queue wait",
                    ready.holder
                ),
            );
        } else {
            printer.status(
                "Pool",
                format!(
                    "waited {} in the queue for the pipeline's allocation (job {}){}",
                    secs(ready.waited),
                    ready.holder,
                    if ready.created {
                        ""
                    } else {
                        ", submitted by another job of the pipeline"
                    }
                ),
            );
        }
        let mut srun_args = needs.step_args(&ready.holder, &pool.spec);
        srun_args.extend(
            plan.sbatch_args
                .iter()
                .filter(|a| a.starts_with("--job-name="))
                .cloned(),
        );
        let step = StepSpec {
            holder: ready.holder.clone(),
            srun_args,
            job_dir: run.job_dir.clone(),
            workdir: run.workdir.clone(),
            work: run.work.clone(),
            launcher: run.launcher.clone(),
            lease: pool.lease(),
            renew_every: Duration::from_secs((pool.spec.idle_s / 3).max(1)),
            cancel_wait: run.cancel_wait,
            steps_file: steps_file.clone(),
        };
        printer.debug(format!("srun {}", step.srun_args.join(" ")));
        let mut events = EventPrinter::new(printer);
        let result = pool::run_step(&client, &step, interrupt, &mut |e| events.on(e));
        events.finish()?;
        match result {
            Ok(report) => {
                if let Some(l) = report.launch {
                    printer.status(
                        "Pool",
                        format!("step {} started {:.3} s after launch", report.id, l.as_secs_f64()),
                    );
                }
                if report.holder_ended {
                    printer.warn(format!(
                        "the pipeline's allocation (job {}) ended while step {} ran",
                        ready.holder, report.id
                    ));
                }
                return Ok(Some(Report {
                    id: report.id,
                    outcome: report.outcome,
                    info: None,
                }));
            }
            Err(StepError::NotStarted { holder, message }) if attempt == 0 => {
                printer.warn(format!(
                    "the step did not start in pool job {holder} ({message}): trying a fresh pool"
                ));
                let _ = std::fs::remove_dir_all(&run.job_dir);
            }
            Err(e) => return Err(e).context("cannot run the job in the pipeline's allocation"),
        }
    }
    Ok(None)
}
