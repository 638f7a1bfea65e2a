//! `devkit executor cleanup`: cancel every Slurm job of the CI job (the recorded ids and any job tagged with
//! its id) and remove its record only once Slurm confirms each one ended. When the controller does not answer
//! within the budget, the record stays, marked for the reaper, which finishes the work later.

use super::{CiEnv, ci_var, record_dir};
use crate::error::ExitStatus;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::slurm::{Client, ProcessExec, RecordDir, SacctMode, cancel_confirmed, options};
use anyhow::Result;
use std::time::Duration;

/// Default time cleanup spends waiting for Slurm to confirm the end of the jobs.
const BUDGET: Duration = Duration::from_secs(60);

/// A Slurm client whose commands give up within `budget`.
pub(super) fn client(budget: Duration) -> Client<ProcessExec> {
    let limit = budget.clamp(Duration::from_secs(2), Duration::from_secs(30));
    Client {
        exec: ProcessExec {
            query_timeout: limit,
            action_timeout: limit,
        },
        sacct: SacctMode::Off,
    }
}

/// Cancels the jobs of CI job `job` (recorded in `record`, or tagged with its id) and removes the record once
/// Slurm confirms they ended. `Ok(ids)` lists the jobs cancelled; on failure the record is kept and marked.
pub(super) fn finish(
    client: &Client<ProcessExec>,
    record: &RecordDir,
    job: u64,
    budget: Duration,
) -> Result<Vec<String>, crate::slurm::Unconfirmed> {
    let mut ids = record.job_ids();
    let listed = client.own_jobs();
    if let Ok(live) = &listed {
        ids.extend(
            live.iter()
                .filter(|l| l.tag.is_some_and(|t| t.job == job))
                .map(|l| l.id.clone()),
        );
    }
    let outcome = cancel_confirmed(client, &ids, budget).and_then(|()| match listed {
        // Without the listing, a job submitted just before a crash (id not yet recorded) could be missed.
        Err(e) => Err(crate::slurm::Unconfirmed {
            ids: Vec::new(),
            why: Some(e.to_string()),
        }),
        Ok(_) => Ok(()),
    });
    match outcome {
        Ok(()) => {
            let _ = record.remove();
            ids.sort();
            ids.dedup();
            Ok(ids)
        }
        Err(e) => {
            if record.path.exists() {
                let _ = record.mark_cleanup_pending();
            }
            Err(e)
        }
    }
}

/// `devkit executor cleanup`. Its output only reaches the runner's log (stderr at WARN), never the job log;
/// a failure here never changes the job's status, so it exits 0 and leaves the rest to the reaper.
pub(super) fn run(ci: &CiEnv, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let budget = match ci_var("DEVKIT_SLURM_CLEANUP_TIMEOUT") {
        Some(t) => Duration::from_secs(options::time_seconds(&t)?),
        None => BUDGET,
    };
    if ci.tag.job == 0 {
        return Ok(ExitStatus::Success);
    }
    let record = record_dir(ci, settings);
    match finish(&client(budget), &record, ci.tag.job, budget) {
        Ok(ids) if !ids.is_empty() => {
            printer.debug(format!("Slurm confirmed that job(s) {} ended", ids.join(" ")))
        }
        Ok(_) => {}
        Err(e) => printer.warn(format!(
            "{e}; the record stays in `{}` and `devkit executor reap` cancels them once Slurm answers",
            record.path.display()
        )),
    }
    Ok(ExitStatus::Success)
}
