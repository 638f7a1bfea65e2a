//! Runners: create one for a project with a `glrt-` token, verify, delete by token, list a project's runners.

use super::{Client, GitlabError};
use crate::secret::Secret;
use serde::Deserialize;

/// What `POST /user/runners` and `POST /runners/verify` answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    /// Runner id.
    pub id: u64,
    /// The runner authentication token (`glrt-...`), shown once.
    #[serde(deserialize_with = "secret")]
    pub token: Secret,
    /// When the token expires (ISO 8601), if it does.
    pub token_expires_at: Option<String>,
}

fn secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    let s = zeroize::Zeroizing::new(String::deserialize(d)?);
    Ok(Secret::new(s.as_str()))
}

/// A project runner, as listed by `GET /projects/:id/runners`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Listed {
    /// Runner id.
    pub id: u64,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `online`, `offline`, `stale`, `never_contacted`.
    #[serde(default)]
    pub status: Option<String>,
    /// Whether it is paused.
    #[serde(default)]
    pub paused: bool,
}

/// A project runner to create.
#[derive(Debug, Clone)]
pub struct NewRunner<'a> {
    /// The project's id.
    pub project_id: u64,
    /// Description shown in GitLab.
    pub description: &'a str,
    /// Tags; the runner only takes tagged jobs.
    pub tags: &'a [String],
}

/// Creates a locked, tag-only project runner (`POST /user/runners`).
pub fn create(client: &Client, runner: &NewRunner<'_>) -> Result<Created, GitlabError> {
    client.post(
        "/user/runners",
        &serde_json::json!({
            "runner_type": "project_type",
            "project_id": runner.project_id,
            "description": runner.description,
            "tag_list": runner.tags,
            "run_untagged": false,
            "locked": true,
        }),
    )
}

/// Checks a runner token (`POST /runners/verify`); 403 means the runner is gone or the token stale.
pub fn verify(client: &Client, token: &Secret, system_id: &str) -> Result<Created, GitlabError> {
    client.post_replayable(
        "/runners/verify",
        &serde_json::json!({"token": token.expose(), "system_id": system_id}),
    )
}

/// Deletes the runner owning `token` (`DELETE /runners`).
pub fn delete(client: &Client, token: &Secret) -> Result<(), GitlabError> {
    client.delete("/runners", Some(&serde_json::json!({"token": token.expose()})))
}

/// The runners of a project (all pages).
pub fn list_project(client: &Client, project_id: u64) -> Result<Vec<Listed>, GitlabError> {
    client.get_all(&format!("/projects/{project_id}/runners"))
}

/// Gives the runner `id` a new authentication token (`POST /runners/:id/reset_authentication_token`, PAT with
/// `manage_runner` or `api`); the old token stops working. Sending it twice leaves one valid token, the last.
pub fn reset_token(client: &Client, id: u64) -> Result<Created, GitlabError> {
    #[derive(Deserialize)]
    struct Reset {
        #[serde(deserialize_with = "secret")]
        token: Secret,
        token_expires_at: Option<String>,
    }
    let r: Reset = client.post_replayable(
        &format!("/runners/{id}/reset_authentication_token"),
        &serde_json::json!({}),
    )?;
    Ok(Created {
        id,
        token: r.token,
        token_expires_at: r.token_expires_at,
    })
}
