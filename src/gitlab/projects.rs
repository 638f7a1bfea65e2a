//! Projects and namespaces: look a project up by path, resolve a namespace, create a project.

use super::{Client, GitlabError, encode_path};
use serde::Deserialize;

/// A project, as GitLab describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Project {
    /// Numeric id.
    pub id: u64,
    /// `group/sub/name`.
    pub path_with_namespace: String,
    /// Clone URL over HTTPS.
    #[serde(default)]
    pub http_url_to_repo: String,
    /// Clone URL over SSH.
    #[serde(default)]
    pub ssh_url_to_repo: String,
    /// Page in the web UI.
    #[serde(default)]
    pub web_url: String,
}

/// A user or group namespace.
#[derive(Debug, Clone, Deserialize)]
pub struct Namespace {
    /// Numeric id.
    pub id: u64,
    /// `group/sub`.
    pub full_path: String,
    /// `user` or `group`.
    #[serde(default)]
    pub kind: String,
}

/// Who may see a new project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    /// Members only.
    #[default]
    Private,
    /// Every signed-in user.
    Internal,
    /// Everyone.
    Public,
}

impl Visibility {
    /// The API value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Internal => "internal",
            Self::Public => "public",
        }
    }
}

/// The project at `path` (`group/name`) or with a numeric id.
pub fn get(client: &Client, path: &str) -> Result<Project, GitlabError> {
    client.get(&format!("/projects/{}", encode_path(path)))
}

/// The namespace at `path`.
pub fn namespace(client: &Client, path: &str) -> Result<Namespace, GitlabError> {
    client.get(&format!("/namespaces/{}", encode_path(path)))
}

/// Creates an empty project `name` in `namespace_id` (the user's namespace when `None`).
pub fn create(
    client: &Client,
    name: &str,
    namespace_id: Option<u64>,
    visibility: Visibility,
) -> Result<Project, GitlabError> {
    let mut body = serde_json::json!({"name": name, "path": name, "visibility": visibility.as_str()});
    if let Some(id) = namespace_id {
        body["namespace_id"] = id.into();
    }
    client.post("/projects", &body)
}
