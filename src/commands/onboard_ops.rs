//! [`crate::onboard::Ops`] by devkit's commands: each operation an onboarding step needs is the code of the
//! matching command (`login`, `gitlab ssh-key add`, `configure all`, `init`, `runner register`, `doctor`).

use crate::cli::{
    ConfigureArgs, ConfigureClient, GitProtocol, InitArgs, InitGitlabArgs, RunnerCommand, RunnerConfigArg,
    RunnerExecutor, RunnerRegisterArgs, SecretTarget, SshKeyAddArgs, VisibilityArg,
};
use crate::doctor::Check;
use crate::error::UserError;
use crate::gitlab::Client;
use crate::gitlab::projects::Project;
use crate::onboard::Ops;
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::store::SecretStore;
use anyhow::Result;
use std::path::Path;

/// The commands, with the settings and printer of this run.
pub struct CommandOps<'a> {
    /// The effective settings.
    pub settings: &'a Settings,
    /// The printer.
    pub printer: &'a Printer,
    /// How the first project's `origin` is reached (`None`: SSH when the site has `gitlab.ssh_host`).
    pub git_protocol: Option<GitProtocol>,
}

impl Ops for CommandOps<'_> {
    fn store(&self) -> Result<SecretStore> {
        Ok(super::secret_store::open(self.settings, self.printer)?.0)
    }

    fn gitlab_stored(&self) -> Result<(Secret, String)> {
        super::gitlab_api::stored_token(self.settings, self.printer)
    }

    fn gitlab_client(&self, token: Option<Secret>) -> Result<Client> {
        super::gitlab_api::client(self.settings, token)
    }

    fn gitlab_login(&self, token: &Secret) -> Result<()> {
        super::login::gitlab_with_token(token, self.settings, self.printer)
    }

    fn ssh_key_add(&self) -> Result<()> {
        super::gitlab::ssh_key_add(&SshKeyAddArgs { key: None }, self.settings, self.printer).map(|_| ())
    }

    fn artifactory_stored(&self) -> Option<(String, Secret)> {
        let service = super::secrets::service_of(SecretTarget::Artifactory, self.settings);
        let store = self.store().ok()?;
        let user = store.users(&service).ok()?.into_iter().next()?;
        let token = store.get(&service, &user).ok()??;
        Some((user, token))
    }

    fn artifactory_login(&self, user: &str, token: &Secret) -> Result<()> {
        super::login_artifactory::login_with_token(user, token, self.settings, self.printer)
    }

    fn configure_all(&self) -> Result<()> {
        let args = ConfigureArgs {
            client: ConfigureClient::All,
            dry_run: false,
            undo: false,
            username: None,
        };
        super::configure::run(&args, self.settings, self.printer).map(|_| ())
    }

    fn scaffold(&self, dest: &Path, template: &str, data: &[String]) -> Result<()> {
        let args = InitArgs {
            dir: Some(dest.to_path_buf()),
            template: template.to_string(),
            git_ref: None,
            data: data.to_vec(),
            data_file: None,
            defaults: true,
            force: false,
            no_git: false,
            dry_run: false,
            gitlab: InitGitlabArgs {
                gitlab: false,
                namespace: None,
                visibility: VisibilityArg::Private,
                git_protocol: None,
            },
        };
        super::init::run(&args, self.settings, self.printer).map(|_| ())
    }

    fn push(&self, dest: &Path, project: &Project) -> Result<()> {
        let protocol = self
            .git_protocol
            .unwrap_or(if self.settings.site.gitlab.ssh_host.is_empty() {
                GitProtocol::Https
            } else {
                GitProtocol::Ssh
            });
        let url = match protocol {
            GitProtocol::Https => project.http_url_to_repo.clone(),
            GitProtocol::Ssh => super::init_gitlab::ssh_url(self.settings, &project.path_with_namespace),
        };
        let (token, _) = self.gitlab_stored()?;
        super::init_gitlab::push(dest, &url, &token, &self.settings.paths.home)
            .map_err(|e| UserError::new(format!("cannot push `main` to `{url}`: {}", e.message())))?;
        self.printer.status("Pushed", format!("`main` to `{url}`"));
        Ok(())
    }

    fn register_runner(&self, path: &str) -> Result<()> {
        let args = RunnerRegisterArgs {
            project: path.to_string(),
            name: None,
            tags: Vec::new(),
            executor: RunnerExecutor::Slurm,
            config: RunnerConfigArg {
                runner_config: "~/.gitlab-runner/config.toml".into(),
            },
            builds_dir: None,
            dry_run: false,
        };
        super::runner::run(&RunnerCommand::Register(args), self.settings, self.printer).map(|_| ())
    }

    fn doctor(&self) -> Vec<Check> {
        super::doctor::checks(self.settings, self.printer)
    }
}
