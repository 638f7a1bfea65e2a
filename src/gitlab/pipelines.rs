//! One pipeline's status (`GET /projects/:id/pipelines/:pipeline_id`, an idempotent read): the executor's
//! reaper asks it whether the pipeline that owns an allocation pool is finished, to release the pool.

use super::{Client, GitlabError};
use serde::Deserialize;

/// The part of a pipeline devkit reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Pipeline {
    /// Pipeline id.
    pub id: u64,
    /// `created`, `waiting_for_resource`, `preparing`, `pending`, `running`, `success`, `failed`, `canceled`,
    /// `skipped`, `manual`, `scheduled`.
    pub status: String,
}

impl Pipeline {
    /// Whether the pipeline is over for good (no job of it will start again without a new pipeline or a retry,
    /// which starts its own pool). `manual` is not over: a manual job may still be played.
    pub fn is_over(&self) -> bool {
        matches!(
            self.status.as_str(),
            "success" | "failed" | "canceled" | "skipped"
        )
    }
}

/// The pipeline `pipeline` of project `project`.
pub fn get(client: &Client, project: u64, pipeline: u64) -> Result<Pipeline, GitlabError> {
    client.get(&format!("/projects/{project}/pipelines/{pipeline}"))
}
