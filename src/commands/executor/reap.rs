//! `devkit executor reap`: cancels the Slurm jobs of CI jobs that are over. A Slurm job is reaped only when it
//! belongs to the current user, carries devkit's CI tag, and one of these holds: its CI job's cleanup ran
//! without Slurm confirming the end, its driver process died (same host), or GitLab (asked with the stored
//! token) says the CI job is over. Records are removed once Slurm confirms their jobs ended. Each action is
//! appended to `<builds_dir>/.devkit/reap.log`. `config` runs it at most once a minute; a timer can too.

use super::cleanup::{client, finish};
use super::{devkit_dir, records_base};
use crate::error::ExitStatus;
use crate::printer::{Printer, Verbosity};
use crate::settings::Settings;
use crate::slurm::record::{self, Driver};
use crate::slurm::{CiTag, Live, RecordDir, files};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::time::{Duration, SystemTime};

/// Time given to Slurm to confirm the end of one CI job's jobs.
const BUDGET: Duration = Duration::from_secs(60);
/// Shortest interval between two reaps started by `config`.
const EVERY: Duration = Duration::from_secs(60);
/// A record whose driver is dead and whose jobs ended is dropped after this long even if GitLab cannot say.
const RECORD_TTL: Duration = Duration::from_secs(24 * 3600);

/// What GitLab says about a CI job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Gitlab {
    Running,
    Over(String),
    Unknown(String),
}

/// What to do with the live Slurm jobs of one CI job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    Keep,
    Cancel(String),
}

/// The decision for a CI job with live Slurm jobs. GitLab is asked only when the local facts do not decide.
pub(super) fn decide(
    driver: Option<Driver>,
    cleanup_pending: bool,
    gitlab: impl FnOnce() -> Gitlab,
) -> Verdict {
    if cleanup_pending {
        return Verdict::Cancel("its cleanup ran but Slurm had not confirmed the end".into());
    }
    if driver == Some(Driver::Dead) {
        return Verdict::Cancel("its driver process is gone".into());
    }
    match gitlab() {
        Gitlab::Over(status) => Verdict::Cancel(format!("GitLab says the CI job is {status}")),
        Gitlab::Running | Gitlab::Unknown(_) => Verdict::Keep,
    }
}

/// Asks GitLab once per CI job, with the stored token; no token means every answer is `Unknown`.
struct Asker<'a> {
    settings: &'a Settings,
    printer: &'a Printer,
    client: Option<Result<crate::gitlab::Client, String>>,
    seen: HashMap<(u64, u64), Gitlab>,
}

impl Asker<'_> {
    fn ask(&mut self, tag: CiTag) -> Gitlab {
        if tag.project == 0 {
            return Gitlab::Unknown("the Slurm job's tag has no project id".into());
        }
        if let Some(known) = self.seen.get(&(tag.project, tag.job)) {
            return known.clone();
        }
        let client = self.client.get_or_insert_with(|| {
            crate::commands::gitlab_api::logged_in(self.settings, self.printer)
                .map(|(c, _)| c)
                .map_err(|e| format!("{e:#}"))
        });
        let answer = match client {
            Err(e) => Gitlab::Unknown(e.clone()),
            Ok(c) => match crate::gitlab::jobs::get(c, tag.project, tag.job) {
                Ok(job) if job.is_over() => Gitlab::Over(job.status),
                Ok(_) => Gitlab::Running,
                Err(e) => Gitlab::Unknown(e.to_string()),
            },
        };
        self.seen.insert((tag.project, tag.job), answer.clone());
        answer
    }
}

/// The reaper's log (0600), with the printer for interactive runs.
struct Log<'a> {
    file: Option<std::fs::File>,
    printer: &'a Printer,
}

impl Log<'_> {
    fn line(&mut self, text: &str) {
        self.printer.status("Reaper", text);
        if let Some(f) = &mut self.file {
            let _ = writeln!(f, "{} {text}", crate::utc::rfc3339(crate::utc::now_secs()));
        }
    }
}

fn describe(tag: CiTag) -> String {
    format!(
        "CI job {} (project {}, pipeline {}, runner {})",
        tag.job, tag.project, tag.pipeline, tag.runner
    )
}

fn older_than(path: &std::path::Path, age: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|d| d > age)
}

/// `devkit executor reap`.
pub(super) fn run(settings: &Settings, printer: &Printer, quiet: bool) -> Result<ExitStatus> {
    let dir = devkit_dir(settings);
    files::private_dir(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let mut log = Log {
        file: files::append(&dir.join("reap.log")).ok(),
        printer,
    };
    let slurm = client(BUDGET);
    // Slurm first, records after: a job listed here had its record written before it was submitted.
    let live = slurm
        .own_jobs()
        .context("cannot list the Slurm jobs; nothing was reaped (the next run tries again)")?;
    let records: BTreeMap<u64, RecordDir> = record::list(&records_base(settings)).into_iter().collect();
    let mut by_job: BTreeMap<u64, (CiTag, Vec<&Live>)> = BTreeMap::new();
    for l in &live {
        if let Some(tag) = l.tag {
            by_job
                .entry(tag.job)
                .or_insert_with(|| (tag, Vec::new()))
                .1
                .push(l);
        }
    }
    let mut asker = Asker {
        settings,
        printer,
        client: None,
        seen: HashMap::new(),
    };
    let mut failed = 0;
    for (job, (tag, jobs)) in &by_job {
        let rec = records.get(job);
        let driver = rec.and_then(RecordDir::read).map(|r| r.driver());
        let pending = rec.is_some_and(RecordDir::cleanup_pending);
        let Verdict::Cancel(why) = decide(driver, pending, || asker.ask(*tag)) else {
            continue;
        };
        let ids: Vec<String> = jobs.iter().map(|l| l.id.clone()).collect();
        let fallback = RecordDir::new(&records_base(settings), *job);
        let rec = rec.unwrap_or(&fallback);
        // Without a pending cleanup the record stays for gitlab-runner's own cleanup (the job may be between
        // stages); its folder is only used again by the next stage.
        match finish(&slurm, rec, *job, BUDGET) {
            Ok(done) => {
                let done = if done.is_empty() { ids } else { done };
                log.line(&format!(
                    "cancelled Slurm job(s) {} of {}: {why}",
                    done.join(" "),
                    describe(*tag)
                ));
            }
            Err(e) => {
                failed += 1;
                log.line(&format!(
                    "could not cancel the Slurm jobs of {} ({why}): {e}",
                    describe(*tag)
                ));
            }
        }
    }
    // Records without live jobs: finish pending cleanups, drop those of CI jobs that are over.
    for (job, rec) in &records {
        if by_job.contains_key(job) || !rec.path.exists() {
            continue;
        }
        let info = rec.read();
        let dead = info.as_ref().is_none_or(|r| r.driver() == Driver::Dead);
        let mut over = || match info.as_ref().map(|r| asker.ask(r.tag)) {
            Some(Gitlab::Over(_)) => true,
            _ => older_than(&rec.path.join("record.json"), RECORD_TTL),
        };
        if rec.cleanup_pending() || (dead && over()) {
            match finish(&slurm, rec, *job, BUDGET) {
                Ok(_) => log.line(&format!(
                    "removed the record of CI job {job}: Slurm confirmed its jobs ended"
                )),
                Err(e) => {
                    failed += 1;
                    log.line(&format!("kept the record of CI job {job}: {e}"));
                }
            }
        }
    }
    if quiet || printer.verbosity() == Verbosity::Quiet {
        return Ok(if failed == 0 {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        });
    }
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        printer.warn(format!(
            "{failed} CI job(s) could not be reaped; the next run tries again"
        ));
        ExitStatus::Failure
    })
}

/// Runs the reaper from `config` when none ran in the last minute (a stamp file) and no other is running (a
/// lock). It prints nothing: `config`'s stderr is the job log of an unrelated CI job. Errors go to the log.
pub(super) fn now_and_then(settings: &Settings) {
    let dir = devkit_dir(settings);
    if files::private_dir(&dir).is_err() {
        return;
    }
    let Ok(lock) = files::append(&dir.join("reap.lock")) else {
        return;
    };
    if !matches!(fs4::FileExt::try_lock(&lock), Ok(())) {
        return;
    }
    let stamp = dir.join("reap.stamp");
    if stamp.exists() && !older_than(&stamp, EVERY) {
        return;
    }
    let _ = files::replace(&stamp, crate::utc::now_secs().to_string().as_bytes());
    let quiet = Printer::new(Verbosity::Quiet, true);
    if let Err(e) = run(settings, &quiet, true) {
        if let Ok(mut f) = files::append(&dir.join("reap.log")) {
            let _ = writeln!(f, "{} {e:#}", crate::utc::rfc3339(crate::utc::now_secs()));
        }
    }
    drop(lock);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_facts_decide_before_gitlab() {
        let never = || -> Gitlab { panic!("GitLab asked") };
        assert!(matches!(
            decide(Some(Driver::Alive), true, never),
            Verdict::Cancel(_)
        ));
        assert!(matches!(decide(None, true, never), Verdict::Cancel(_)));
        assert!(matches!(
            decide(Some(Driver::Dead), false, never),
            Verdict::Cancel(_)
        ));
    }

    #[test]
    fn gitlab_decides_the_rest_and_doubt_keeps_the_job() {
        for driver in [Some(Driver::Alive), Some(Driver::Elsewhere), None] {
            assert_eq!(
                decide(driver, false, || Gitlab::Over("canceled".into())),
                Verdict::Cancel("GitLab says the CI job is canceled".into())
            );
            assert_eq!(decide(driver, false, || Gitlab::Running), Verdict::Keep);
            assert_eq!(
                decide(driver, false, || Gitlab::Unknown("401".into())),
                Verdict::Keep
            );
        }
    }
}
