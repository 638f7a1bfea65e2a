//! Command-line types of `devkit onboard`.

use super::GitProtocol;
use clap::Args;

/// Arguments of `devkit onboard`. Secrets never go on the command line: they come from `--secrets-stdin`,
/// `DEVKIT_GITLAB_TOKEN` / `DEVKIT_ARTIFACTORY_TOKEN`, or a hidden prompt.
#[derive(Debug, Args)]
pub struct OnboardArgs {
    /// Ask nothing: take every answer from flags and `DEVKIT_*` variables, and fail before doing anything
    /// with the list of what is missing.
    #[arg(long)]
    pub non_interactive: bool,
    /// A step not to run (repeatable): tools, git-identity, gitlab-login, ssh-key, ssh-config,
    /// artifactory-login, configure, project, doctor.
    #[arg(long = "skip", value_name = "STEP")]
    pub skip: Vec<String>,
    /// Read the secrets from stdin: the GitLab token on the first line, the Artifactory token on the second
    /// (an empty line for one that is already stored).
    #[arg(long)]
    pub secrets_stdin: bool,
    /// git `user.name`, when git has none.
    #[arg(long, value_name = "NAME", env = "DEVKIT_GIT_NAME")]
    pub git_name: Option<String>,
    /// git `user.email`, when git has none.
    #[arg(long, value_name = "EMAIL", env = "DEVKIT_GIT_EMAIL")]
    pub git_email: Option<String>,
    /// Your Artifactory user name.
    #[arg(long, value_name = "USER", env = "DEVKIT_ARTIFACTORY_USER")]
    pub artifactory_user: Option<String>,
    /// Your login name on Trex, for the `trex` SSH aliases (default: ssh's, your local name).
    #[arg(long, value_name = "USER", env = "DEVKIT_ONBOARD_SSH_USER")]
    pub ssh_user: Option<String>,
    /// Name of a first project to create here and on GitLab, with a runner (default: none).
    #[arg(long, value_name = "NAME", env = "DEVKIT_ONBOARD_PROJECT")]
    pub project: Option<String>,
    /// GitLab namespace of the first project (default: your own).
    #[arg(long, value_name = "NS", env = "DEVKIT_ONBOARD_NAMESPACE")]
    pub namespace: Option<String>,
    /// Template of the first project.
    #[arg(
        long,
        value_name = "SRC",
        env = "DEVKIT_ONBOARD_TEMPLATE",
        default_value = "processing-chain"
    )]
    pub template: String,
    /// How the first project's `origin` is reached (default: SSH when the site has `gitlab.ssh_host`).
    #[arg(long, value_enum, env = "DEVKIT_ONBOARD_GIT_PROTOCOL")]
    pub git_protocol: Option<GitProtocol>,
    /// Do not register a runner for the first project.
    #[arg(long)]
    pub no_runner: bool,
}
