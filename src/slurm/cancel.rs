//! Cancellation that Slurm confirms: `scancel`, then ask until each job is over (terminal, or unknown to the
//! controller), repeating the cancel and escalating to SIGKILL within a budget. Nobody may forget a job id
//! before this says the job is gone; "scancel returned" or "the controller did not answer" is not enough.

use super::client::{Client, ClientError, Exec, current_user_id, msg};
use super::state::JobState;
use super::tag::CiTag;
use std::time::{Duration, Instant};

/// A job of the current user that is not over, as `squeue` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub id: String,
    pub state: JobState,
    pub name: String,
    /// The CI tag in its comment, when devkit submitted it for a CI job.
    pub tag: Option<CiTag>,
}

/// Slurm did not confirm the end of some jobs within the budget.
#[derive(Debug, thiserror::Error)]
#[error("Slurm did not confirm that job(s) {} ended{}", .ids.join(" "), .why.as_deref().map(|w| format!(" ({w})")).unwrap_or_default())]
pub struct Unconfirmed {
    pub ids: Vec<String>,
    /// The last error of a Slurm command, if any.
    pub why: Option<String>,
}

/// Parses `squeue -h -o '%i|%T|%j|%k'` output.
pub fn parse_live(text: &str) -> Vec<Live> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.trim().splitn(4, '|');
            let id = f
                .next()
                .filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))?;
            let state = JobState::parse(f.next()?);
            let name = f.next().unwrap_or("").to_string();
            let tag = CiTag::parse(f.next().unwrap_or(""));
            Some(Live {
                id: id.to_string(),
                state,
                name,
                tag,
            })
        })
        .collect()
}

impl<E: Exec> Client<E> {
    /// The current user's jobs that are not over (squeue's default states: pending, running, completing...).
    pub fn own_jobs(&self) -> Result<Vec<Live>, ClientError> {
        let argv = ["-h", "-u", &current_user_id(), "-o", "%i|%T|%j|%k"].map(String::from);
        let out = self.run("squeue", &argv, None)?;
        if !out.success {
            return Err(ClientError::Failed {
                program: "squeue".into(),
                message: msg(&out),
            });
        }
        Ok(parse_live(&out.stdout))
    }

    /// Whether Slurm confirms that job `id` is over: in a final state, or no longer known to the controller.
    pub fn is_gone(&self, id: &str) -> Result<bool, ClientError> {
        Ok(self.squeue(id)?.is_none_or(|info| info.state.is_terminal()))
    }

    fn kill_all(&self, ids: &[String]) -> Result<(), ClientError> {
        let mut argv = vec!["--signal=KILL".to_string(), "--full".to_string()];
        argv.extend(ids.iter().cloned());
        self.scancel_argv(&argv)
    }
}

/// How often a cancel is sent again while jobs are not confirmed gone.
const RESEND: Duration = Duration::from_secs(5);

/// Cancels `ids` and returns once Slurm confirms each is gone, or `Unconfirmed` with those left after `budget`.
pub fn cancel_confirmed<E: Exec>(
    client: &Client<E>,
    ids: &[String],
    budget: Duration,
) -> Result<(), Unconfirmed> {
    let start = Instant::now();
    let mut left: Vec<String> = ids.to_vec();
    left.sort();
    left.dedup();
    let mut why = None;
    let mut next_cancel = start;
    let mut killed = false;
    while !left.is_empty() {
        if Instant::now() >= next_cancel {
            if let Err(e) = client.scancel(&left, None) {
                why = Some(e.to_string());
            }
            next_cancel = Instant::now() + RESEND;
        }
        if !killed && start.elapsed() > budget / 2 {
            killed = true;
            let _ = client.kill_all(&left);
        }
        let mut still = Vec::new();
        let mut down = false;
        for id in &left {
            if down {
                still.push(id.clone());
                continue;
            }
            match client.is_gone(id) {
                Ok(true) => {}
                Ok(false) => still.push(id.clone()),
                Err(e) => {
                    // The controller does not answer: the other ids would fail the same way this round.
                    down = e.is_unreachable();
                    why = Some(e.to_string());
                    still.push(id.clone());
                }
            }
        }
        left = still;
        if left.is_empty() {
            break;
        }
        if start.elapsed() > budget {
            return Err(Unconfirmed { ids: left, why });
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::client::fake::{FakeExec, client};
    use super::*;

    #[test]
    fn lists_tagged_and_untagged_jobs() {
        let text = "12|RUNNING|ci-5|devkit-ci:runner=1,project=2,pipeline=3,job=5\n\
                    13|PENDING|mine|(null)\n\
                    14|RUNNING|x|devkit-ci:runner=1|project=2\n";
        let jobs = parse_live(text);
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[0].tag.map(|t| t.job), Some(5));
        assert_eq!(jobs[1].tag, None);
        assert_eq!(jobs[2].tag, None, "a `|` in a comment does not forge a tag");
    }

    #[test]
    fn an_unanswered_cancel_is_not_a_confirmation() {
        let exec = FakeExec::default();
        exec.push(
            "scancel",
            false,
            "",
            "scancel: error: Unable to contact slurm controller (connect failure)\n",
        );
        // A zero budget escalates to SIGKILL at once; that fails the same way.
        exec.push(
            "scancel",
            false,
            "",
            "scancel: error: Unable to contact slurm controller\n",
        );
        exec.push(
            "squeue",
            false,
            "",
            "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n",
        );
        let c = client(exec);
        let err = cancel_confirmed(&c, &["7".into(), "8".into()], Duration::ZERO).unwrap_err();
        assert_eq!(err.ids, ["7", "8"]);
        assert!(err.to_string().contains("Unable to contact"), "{err}");
    }

    #[test]
    fn confirmed_when_final_or_unknown() {
        let exec = FakeExec::default();
        exec.push("scancel", true, "", "");
        exec.push("squeue", true, "CANCELLED|None|N/A\n", "");
        exec.push(
            "squeue",
            false,
            "",
            "slurm_load_jobs error: Invalid job id specified\n",
        );
        let c = client(exec);
        cancel_confirmed(&c, &["7".into(), "8".into(), "7".into()], Duration::from_secs(5)).unwrap();
    }
}
