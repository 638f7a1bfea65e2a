//! Command-line types of `devkit gitlab` (SSH keys) and `devkit runner` (project runners, config.toml).

use super::Format;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `devkit gitlab` subcommands.
#[derive(Debug, Subcommand)]
pub enum GitlabCommand {
    /// Your SSH keys on GitLab.
    #[command(subcommand, name = "ssh-key")]
    SshKey(SshKeyCommand),
}

/// `devkit gitlab ssh-key` subcommands.
#[derive(Debug, Subcommand)]
pub enum SshKeyCommand {
    /// Upload your public key (an ed25519 key is created when there is none); an uploaded key is left alone.
    Add(SshKeyAddArgs),
}

/// Arguments of `devkit gitlab ssh-key add`.
#[derive(Debug, Args)]
pub struct SshKeyAddArgs {
    /// The private key (its `.pub` is uploaded; default: `~/.ssh/id_ed25519`).
    #[arg(long, value_name = "PATH")]
    pub key: Option<PathBuf>,
}

/// `devkit runner` subcommands.
#[derive(Debug, Subcommand)]
pub enum RunnerCommand {
    /// Create a project runner in GitLab and add it to gitlab-runner's `config.toml`.
    Register(RunnerRegisterArgs),
    /// The runners of `config.toml` (and of a project in GitLab with `--project`).
    List(RunnerListArgs),
    /// Check every runner of `config.toml` against GitLab and report stale ones.
    Verify(RunnerConfigArg),
    /// Delete a runner in GitLab and remove it from `config.toml`.
    Unregister(RunnerUnregisterArgs),
    /// Run gitlab-runner as a service of your user.
    #[command(subcommand)]
    Service(RunnerServiceCommand),
}

/// The `--runner-config` option.
#[derive(Debug, Clone, Args)]
pub struct RunnerConfigArg {
    /// gitlab-runner's configuration file.
    #[arg(long, value_name = "PATH", default_value = "~/.gitlab-runner/config.toml")]
    pub runner_config: String,
}

/// How a runner runs jobs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum RunnerExecutor {
    /// On this machine, with bash.
    Shell,
    /// As Slurm jobs on Trex, through devkit's custom executor.
    #[default]
    Slurm,
}

/// Arguments of `devkit runner register`.
#[derive(Debug, Args)]
pub struct RunnerRegisterArgs {
    /// The project, `group/name`.
    #[arg(long, value_name = "GROUP/NAME")]
    pub project: String,
    /// Local name of the runner (default: `<project path>-<executor>`); registering a name again replaces it.
    #[arg(long)]
    pub name: Option<String>,
    /// A tag (repeatable; default: the site's `gitlab.runner_tags`).
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,
    /// How jobs run.
    #[arg(long, value_enum, default_value_t)]
    pub executor: RunnerExecutor,
    /// gitlab-runner's configuration file.
    #[command(flatten)]
    pub config: RunnerConfigArg,
    /// Working copies of CI jobs (slurm; default: the site's `trex.builds_dir`).
    #[arg(long, value_name = "DIR")]
    pub builds_dir: Option<String>,
    /// Show what would be done; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `devkit runner list`.
#[derive(Debug, Args)]
pub struct RunnerListArgs {
    /// Also list the runners GitLab has for this project.
    #[arg(long, value_name = "GROUP/NAME")]
    pub project: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// gitlab-runner's configuration file.
    #[command(flatten)]
    pub config: RunnerConfigArg,
}

/// Arguments of `devkit runner unregister`.
#[derive(Debug, Args)]
pub struct RunnerUnregisterArgs {
    /// The runner's name in `config.toml`.
    pub name: String,
    /// gitlab-runner's configuration file.
    #[command(flatten)]
    pub config: RunnerConfigArg,
}

/// `devkit runner service` subcommands.
#[derive(Debug, Subcommand)]
pub enum RunnerServiceCommand {
    /// Write a systemd user unit running `gitlab-runner run` (or print the command where systemd is absent).
    Install(RunnerServiceArgs),
}

/// Arguments of `devkit runner service install`.
#[derive(Debug, Args)]
pub struct RunnerServiceArgs {
    /// gitlab-runner's configuration file.
    #[command(flatten)]
    pub config: RunnerConfigArg,
    /// Whether to write a systemd unit (default: when systemd runs this machine).
    #[arg(long, value_enum, default_value_t)]
    pub systemd: SystemdArg,
}

/// `--systemd` values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum SystemdArg {
    /// When `/run/systemd/system` exists.
    #[default]
    Auto,
    /// Always write the unit.
    Yes,
    /// Never: print the command to run instead.
    No,
}
