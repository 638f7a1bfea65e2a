//! What onboarding does through devkit's commands, as one trait: the command layer implements it (so the steps
//! run the very code of `devkit login`, `init`, `runner register`, ...) and this module depends on nothing above
//! it. Tests can give the steps another implementation.

use crate::doctor::Check;
use crate::gitlab::Client;
use crate::gitlab::projects::Project;
use crate::secret::Secret;
use crate::store::SecretStore;
use anyhow::Result;
use std::path::Path;

/// The operations the steps need from devkit's commands.
pub trait Ops {
    /// devkit's secret store (a fallback to the file store is reported once).
    fn store(&self) -> Result<SecretStore>;
    /// The stored GitLab token of the site and its user name.
    fn gitlab_stored(&self) -> Result<(Secret, String)>;
    /// A client for the site's GitLab with `token`.
    fn gitlab_client(&self, token: Option<Secret>) -> Result<Client>;
    /// Checks and stores a GitLab token, as `devkit login gitlab` does.
    fn gitlab_login(&self, token: &Secret) -> Result<()>;
    /// Uploads the SSH key (created when there is none), as `devkit gitlab ssh-key add` does.
    fn ssh_key_add(&self) -> Result<()>;
    /// The stored Artifactory user and token, if any.
    fn artifactory_stored(&self) -> Option<(String, Secret)>;
    /// Checks and stores an Artifactory token, as `devkit login artifactory --token-stdin` does.
    fn artifactory_login(&self, user: &str, token: &Secret) -> Result<()>;
    /// Points every package client at Artifactory, as `devkit configure all` does.
    fn configure_all(&self) -> Result<()>;
    /// Creates the project `dest` from `template` with git but without GitLab, as `devkit init` does; `data`
    /// holds `key=value` answers.
    fn scaffold(&self, dest: &Path, template: &str, data: &[String]) -> Result<()>;
    /// Sets `origin` of the repository `dest` to `project` and pushes `main`, as `devkit init --gitlab` does.
    fn push(&self, dest: &Path, project: &Project) -> Result<()>;
    /// Registers a runner for the GitLab project `path`, as `devkit runner register` does.
    fn register_runner(&self, path: &str) -> Result<()>;
    /// Every check of `devkit doctor`.
    fn doctor(&self) -> Vec<Check>;
}
