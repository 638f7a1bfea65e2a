//! One CI job's status (`GET /projects/:id/jobs/:job_id`, an idempotent read): the executor's reaper asks it
//! whether a job whose Slurm jobs are still queued or running is still running in GitLab.

use super::{Client, GitlabError};
use serde::Deserialize;

/// The part of a job devkit reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Job {
    /// Job id.
    pub id: u64,
    /// `created`, `pending`, `running`, `success`, `failed`, `canceled`, `canceling`, `skipped`, `manual`, ...
    pub status: String,
}

impl Job {
    /// Whether the job is over for good (its Slurm jobs have nothing left to do).
    pub fn is_over(&self) -> bool {
        matches!(
            self.status.as_str(),
            "success" | "failed" | "canceled" | "skipped"
        )
    }
}

/// The job `job` of project `project`.
pub fn get(client: &Client, project: u64, job: u64) -> Result<Job, GitlabError> {
    client.get(&format!("/projects/{project}/jobs/{job}"))
}
