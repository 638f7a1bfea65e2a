//! Job states and their meaning for devkit: parsing of `squeue`, `scontrol show job -o` and `sacct -P` output,
//! and the mapping of a final state to an outcome and an exit code (the table is in `EXIT_CODES_HELP`).

use std::collections::HashMap;

/// A Slurm job state (base state; flags such as `CANCELLED by 0` or `+` suffixes are dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Pending,
    Running,
    Suspended,
    Completing,
    Configuring,
    Requeued,
    Completed,
    Failed,
    Cancelled,
    Timeout,
    NodeFail,
    Preempted,
    BootFail,
    Deadline,
    OutOfMemory,
    /// A state devkit does not know; treated as not finished.
    Other(String),
}

impl JobState {
    /// Parses a state as printed by squeue (`%T`), scontrol (`JobState=`) or sacct (`State`).
    pub fn parse(text: &str) -> Self {
        let base = text.split_whitespace().next().unwrap_or("").trim_end_matches('+');
        match base {
            "PENDING" | "PD" => Self::Pending,
            "RUNNING" | "R" => Self::Running,
            "SUSPENDED" | "S" | "STOPPED" => Self::Suspended,
            "COMPLETING" | "CG" | "STAGE_OUT" | "SIGNALING" => Self::Completing,
            "CONFIGURING" | "CF" | "RESIZING" => Self::Configuring,
            "REQUEUED" | "RQ" | "REQUEUE_HOLD" | "REQUEUE_FED" => Self::Requeued,
            "COMPLETED" | "CD" => Self::Completed,
            "FAILED" | "F" => Self::Failed,
            "CANCELLED" | "CA" => Self::Cancelled,
            "TIMEOUT" | "TO" => Self::Timeout,
            "NODE_FAIL" | "NF" => Self::NodeFail,
            "PREEMPTED" | "PR" => Self::Preempted,
            "BOOT_FAIL" | "BF" => Self::BootFail,
            "DEADLINE" | "DL" => Self::Deadline,
            "OUT_OF_MEMORY" | "OOM" => Self::OutOfMemory,
            other => Self::Other(other.to_string()),
        }
    }

    /// Whether the job is over for good.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed
                | Self::Failed
                | Self::Cancelled
                | Self::Timeout
                | Self::NodeFail
                | Self::Preempted
                | Self::BootFail
                | Self::Deadline
                | Self::OutOfMemory
        )
    }

    /// Whether the job waits in the queue.
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::Pending | Self::Requeued | Self::Configuring)
    }
}

/// What the controller says about a job at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    pub state: JobState,
    /// Pending reason or end reason (`None` when Slurm says `None`).
    pub reason: Option<String>,
    /// Estimated or real start time, when known.
    pub start: Option<String>,
    /// Exit status of the batch script and the signal that killed it (`ExitCode=3:0`).
    pub exit: Option<(i32, i32)>,
}

fn clean(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|v| !v.is_empty() && !matches!(*v, "None" | "N/A" | "(null)" | "Unknown"))
        .map(str::to_string)
}

fn parse_exit(v: &str) -> Option<(i32, i32)> {
    let (a, b) = v.trim().split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Parses one line of `squeue -h -t all -j ID -o '%T|%r|%S'`.
pub fn parse_squeue(line: &str) -> Option<JobInfo> {
    let mut parts = line.trim().split('|');
    let state = parts.next().filter(|s| !s.is_empty())?;
    Some(JobInfo {
        state: JobState::parse(state),
        reason: clean(parts.next()),
        start: clean(parts.next()),
        exit: None,
    })
}

/// Parses `scontrol show job -o ID` (one `Key=Value` line per job; the first line is used).
pub fn parse_scontrol(text: &str) -> Option<JobInfo> {
    let line = text.lines().find(|l| l.contains("JobState="))?;
    let map: HashMap<&str, &str> = line
        .split_whitespace()
        .filter_map(|w| w.split_once('='))
        .collect();
    Some(JobInfo {
        state: JobState::parse(map.get("JobState")?),
        reason: clean(map.get("Reason").copied()),
        start: clean(map.get("StartTime").copied()),
        exit: map.get("ExitCode").and_then(|v| parse_exit(v)),
    })
}

/// Parses `sacct -n -P -o JobID,State,ExitCode` output for job `id` (the allocation line, not steps).
pub fn parse_sacct(text: &str, id: &str) -> Option<JobInfo> {
    text.lines().rev().find_map(|l| {
        let f: Vec<&str> = l.trim().split('|').collect();
        (f.len() >= 3 && f[0] == id).then(|| JobInfo {
            state: JobState::parse(f[1]),
            reason: None,
            start: None,
            exit: parse_exit(f[2]),
        })
    })
}

/// How a run ended, from devkit's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The script ran to its end with this exit code (0 = success).
    Exited(i32),
    /// The script was killed by a signal (not by a Slurm limit).
    Signaled(i32),
    Timeout,
    /// Cancelled by someone else (an admin, `scancel`), not by devkit.
    Cancelled,
    NodeFail,
    Preempted,
    OutOfMemory,
    Deadline,
    /// Pending longer than the queue budget; devkit cancelled it.
    QueueTimeout,
    /// The controller stopped answering; the job's fate is unknown.
    ControllerUnreachable,
    /// The job could never start as submitted (the pending reason says why); devkit cancelled it.
    Unschedulable(String),
    /// devkit was interrupted (SIGINT/SIGTERM) and cancelled the job.
    Interrupted(i32),
    /// Held (the pending reason says why) longer than the hold grace period; devkit cancelled it.
    Held(String),
}

/// Exit codes of `devkit slurm run` for outcomes other than the job's own exit code.
pub mod codes {
    pub const TIMEOUT: u8 = 150;
    pub const CANCELLED: u8 = 151;
    pub const NODE_FAIL: u8 = 152;
    pub const PREEMPTED: u8 = 153;
    pub const OUT_OF_MEMORY: u8 = 154;
    pub const DEADLINE: u8 = 155;
    pub const QUEUE_TIMEOUT: u8 = 156;
    pub const CONTROLLER_UNREACHABLE: u8 = 157;
    pub const UNSCHEDULABLE: u8 = 158;
    pub const HELD: u8 = 159;
}

/// The exit-code table shown in `devkit slurm run --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0-149  the job's own exit code (128+N when the script was killed by signal N)
  1      also: devkit could not submit (bad option, sbatch refused the job)
  130/143 devkit got SIGINT/SIGTERM; the job was cancelled first
  150    TIMEOUT: the job reached its time limit (--time)
  151    CANCELLED by someone else (scancel, an administrator)
  152    NODE_FAIL (or BOOT_FAIL): a node failed; retry
  153    PREEMPTED by a higher-priority job; retry
  154    OUT_OF_MEMORY: raise --mem
  155    DEADLINE reached
  156    still pending after --queue-timeout; the job was cancelled
  157    the Slurm controller stopped answering; the job's fate is unknown
  158    the job can never start as submitted (e.g. PartitionTimeLimit, InvalidAccount); it was cancelled
  159    the job stayed held (PartitionDown, NodeDown, JobHeldAdmin, ...) past the hold grace period
         (site key `trex.hold_grace`); it was cancelled";

impl Outcome {
    /// The outcome a final job record means.
    pub fn from_final(info: &JobInfo) -> Self {
        let (code, sig) = info.exit.unwrap_or((0, 0));
        match info.state {
            JobState::Timeout => Self::Timeout,
            JobState::Cancelled => Self::Cancelled,
            JobState::NodeFail | JobState::BootFail => Self::NodeFail,
            JobState::Preempted => Self::Preempted,
            JobState::OutOfMemory => Self::OutOfMemory,
            JobState::Deadline => Self::Deadline,
            _ if sig != 0 && code == 0 => Self::Signaled(sig),
            _ => Self::Exited(code),
        }
    }

    /// The exit code devkit returns for it.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Exited(c) => u8::try_from(*c).unwrap_or(1),
            Self::Signaled(s) | Self::Interrupted(s) => u8::try_from(128 + s).unwrap_or(1),
            Self::Timeout => codes::TIMEOUT,
            Self::Cancelled => codes::CANCELLED,
            Self::NodeFail => codes::NODE_FAIL,
            Self::Preempted => codes::PREEMPTED,
            Self::OutOfMemory => codes::OUT_OF_MEMORY,
            Self::Deadline => codes::DEADLINE,
            Self::QueueTimeout => codes::QUEUE_TIMEOUT,
            Self::ControllerUnreachable => codes::CONTROLLER_UNREACHABLE,
            Self::Unschedulable(_) => codes::UNSCHEDULABLE,
            Self::Held(_) => codes::HELD,
        }
    }

    /// Whether the infrastructure, not the user's script, is to blame (the CI job may be retried). A hold
    /// the user placed (`JobHeldUser`) is theirs.
    pub fn is_system_failure(&self) -> bool {
        match self {
            Self::Held(reason) => !reason.starts_with("JobHeldUser"),
            other => matches!(
                other,
                Self::NodeFail | Self::Preempted | Self::QueueTimeout | Self::ControllerUnreachable
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scontrol_line() {
        let text = "JobId=7 JobName=x UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) \
                    ExitCode=3:0 StartTime=2024-01-01T00:00:00";
        let info = parse_scontrol(text).unwrap();
        assert_eq!(info.state, JobState::Failed);
        assert_eq!(info.reason.as_deref(), Some("NonZeroExitCode"));
        assert_eq!(info.exit, Some((3, 0)));
        assert_eq!(Outcome::from_final(&info), Outcome::Exited(3));
    }

    #[test]
    fn parses_squeue_and_sacct() {
        let info = parse_squeue("PENDING|Resources|2024-01-01T00:00:10\n").unwrap();
        assert!(info.state.is_pending());
        assert_eq!(info.reason.as_deref(), Some("Resources"));
        assert_eq!(parse_squeue("RUNNING|None|N/A").unwrap().reason, None);
        assert_eq!(parse_squeue(""), None);
        let s = parse_sacct("12|CANCELLED by 0|0:15\n12.batch|CANCELLED|0:15\n", "12").unwrap();
        assert_eq!(s.state, JobState::Cancelled);
        assert_eq!(parse_sacct("13|COMPLETED|0:0", "12"), None);
    }

    #[test]
    fn maps_outcomes_to_distinct_codes() {
        let f = |state: &str, exit| {
            Outcome::from_final(&JobInfo {
                state: JobState::parse(state),
                reason: None,
                start: None,
                exit,
            })
        };
        assert_eq!(f("COMPLETED", Some((0, 0))).exit_code(), 0);
        assert_eq!(f("TIMEOUT", Some((0, 15))).exit_code(), codes::TIMEOUT);
        assert_eq!(f("CANCELLED+", Some((0, 15))).exit_code(), codes::CANCELLED);
        assert_eq!(f("FAILED", Some((0, 9))).exit_code(), 137);
        assert!(f("NODE_FAIL", None).is_system_failure());
        assert!(!f("OUT_OF_MEMORY", None).is_system_failure());
        assert!(!f("CANCELLED", None).is_system_failure());
        assert!(f("PREEMPTED", None).is_system_failure());
        assert!(f("BOOT_FAIL", None).is_system_failure());
        assert!(Outcome::Held("PartitionDown".into()).is_system_failure());
        assert!(Outcome::Held("JobHeldAdmin".into()).is_system_failure());
        assert!(!Outcome::Held("JobHeldUser".into()).is_system_failure());
        assert_eq!(Outcome::Held("NodeDown".into()).exit_code(), codes::HELD);
    }
}
