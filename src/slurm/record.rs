//! The record of a CI job's Slurm jobs, kept in the shared builds folder (`.devkit/jobs/<ci job>/`): who drives
//! it (host, pid and the pid's start time, so a reused pid is not mistaken for the driver), the ids of the jobs
//! submitted, and whether `cleanup` ran without Slurm confirming that every job ended. The record is removed
//! only once Slurm confirms each job is gone; until then the reaper finishes the work.

use super::files;
use super::tag::CiTag;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Who submitted the jobs of a CI job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub tag: CiTag,
    pub host: String,
    pub pid: u32,
    /// The driver's start time in clock ticks since boot (`/proc/PID/stat`, field 22).
    pub pid_start: u64,
}

/// Whether the process that wrote a record still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    Alive,
    Dead,
    /// It ran on another host: only GitLab can tell.
    Elsewhere,
}

/// This machine's host name.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// The start time of process `pid`, `None` when there is no such process (or only a zombie).
pub fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    if fields.first() == Some(&"Z") {
        return None;
    }
    fields.get(19)?.parse().ok()
}

impl Record {
    /// A record naming the current process as the driver.
    pub fn for_this_process(tag: CiTag) -> Self {
        let pid = std::process::id();
        Self {
            tag,
            host: host_name(),
            pid,
            pid_start: process_start(pid).unwrap_or(0),
        }
    }

    /// Whether its driver still runs.
    pub fn driver(&self) -> Driver {
        if self.host != host_name() {
            Driver::Elsewhere
        } else if process_start(self.pid) == Some(self.pid_start) {
            Driver::Alive
        } else {
            Driver::Dead
        }
    }
}

/// The record folder of one CI job.
#[derive(Debug, Clone)]
pub struct RecordDir {
    pub path: PathBuf,
}

const RECORD: &str = "record.json";
const IDS: &str = "jobids";
const PENDING: &str = "cleanup-pending";

impl RecordDir {
    /// The folder of CI job `job` under `base` (`<builds>/.devkit/jobs`).
    pub fn new(base: &Path, job: u64) -> Self {
        Self {
            path: base.join(job.to_string()),
        }
    }

    /// Creates the folder (0700) and writes the record (0600), replacing an older one.
    pub fn write(&self, record: &Record) -> std::io::Result<()> {
        files::private_dir(&self.path)?;
        let text = serde_json::to_vec_pretty(record).map_err(std::io::Error::other)?;
        files::replace(&self.path.join(RECORD), &text)
    }

    /// The record, when readable.
    pub fn read(&self) -> Option<Record> {
        let text = std::fs::read(self.path.join(RECORD)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// The file the run loop appends job ids to.
    pub fn ids_file(&self) -> PathBuf {
        self.path.join(IDS)
    }

    /// The Slurm job ids recorded so far.
    pub fn job_ids(&self) -> Vec<String> {
        std::fs::read_to_string(self.ids_file())
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string)
            .collect()
    }

    /// Marks that `cleanup` ran but could not confirm every job ended: the reaper finishes it.
    pub fn mark_cleanup_pending(&self) -> std::io::Result<()> {
        files::private_dir(&self.path)?;
        let mut f = files::append(&self.path.join(PENDING))?;
        writeln!(f, "{}", crate::utc::now_secs())
    }

    /// Whether `cleanup` ran without confirmation.
    pub fn cleanup_pending(&self) -> bool {
        self.path.join(PENDING).exists()
    }

    /// Removes the folder and everything in it (job files included).
    pub fn remove(&self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Every record folder under `base`, by CI job id.
pub fn list(base: &Path) -> Vec<(u64, RecordDir)> {
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    let mut out: Vec<(u64, RecordDir)> = entries
        .flatten()
        .filter_map(|e| {
            let job: u64 = e.file_name().to_str()?.parse().ok()?;
            Some((job, RecordDir { path: e.path() }))
        })
        .collect();
    out.sort_by_key(|(job, _)| *job);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(job: u64) -> CiTag {
        CiTag {
            runner: 1,
            project: 2,
            pipeline: 3,
            job,
        }
    }

    #[test]
    fn this_process_is_alive_and_a_dead_pid_is_dead() {
        let me = Record::for_this_process(tag(5));
        assert_eq!(me.driver(), Driver::Alive);
        let reused = Record {
            pid_start: me.pid_start + 1,
            ..me.clone()
        };
        assert_eq!(reused.driver(), Driver::Dead, "a reused pid is not the driver");
        let elsewhere = Record {
            host: format!("{}-other", me.host),
            ..me
        };
        assert_eq!(elsewhere.driver(), Driver::Elsewhere);
    }

    #[test]
    fn records_round_trip_and_list() {
        let dir = tempfile::tempdir().unwrap();
        let rec = RecordDir::new(dir.path(), 42);
        rec.write(&Record::for_this_process(tag(42))).unwrap();
        std::fs::write(rec.ids_file(), "7\n\nbad\n8\n").unwrap();
        assert_eq!(rec.job_ids(), ["7", "8"]);
        assert_eq!(rec.read().unwrap().tag.job, 42);
        assert!(!rec.cleanup_pending());
        rec.mark_cleanup_pending().unwrap();
        assert!(rec.cleanup_pending());
        std::fs::create_dir(dir.path().join("not-a-job")).unwrap();
        let listed = list(dir.path());
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, 42);
        rec.remove().unwrap();
        rec.remove().unwrap();
        assert!(list(dir.path()).is_empty());
    }
}
