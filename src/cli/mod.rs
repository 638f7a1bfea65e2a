//! Command-line types (clap derive) and nothing else: doc comments are the help text, no I/O happens here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod credentials;
mod datalake;
mod gitlab;
mod images;
mod kernel;
mod onboard;
mod scaffold;
mod slurm;

pub use credentials::*;
pub use datalake::*;
pub use gitlab::*;
pub use images::*;
pub use kernel::*;
pub use onboard::*;
pub use scaffold::*;
pub use slurm::*;

/// The first line of `devkit` and `devkit --help`: where a new user starts.
pub const START_HERE: &str =
    "new here? run `devkit onboard`: it sets up everything, step by step, and can be run again";

/// A working environment in minutes for developers of the CNES Computing Center: project scaffolding,
/// package-client credentials, GitLab runners on Trex and CI plugins.
#[derive(Debug, Parser)]
#[command(
    name = "devkit",
    version,
    about,
    long_about = None,
    before_help = START_HERE,
    arg_required_else_help = true,
    after_help = crate::error::EXIT_CODES_HELP
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print errors only.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print debug lines too.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Site profile file to use instead of the embedded CNES profile.
    #[arg(long, global = true, value_name = "FILE", env = "DEVKIT_SITE")]
    pub site: Option<PathBuf>,
    /// Override one site profile value, e.g. `--set gitlab.url=https://gitlab.example.org`.
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

impl GlobalArgs {
    /// The settings overrides these flags give.
    pub fn overrides(&self) -> crate::settings::Overrides {
        crate::settings::Overrides {
            site: self.site.clone(),
            set: self.set.clone(),
        }
    }
}

/// Output format of commands that print data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    #[default]
    Text,
    /// JSON, for scripts.
    Json,
}

/// devkit's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up this account step by step: tools, git identity, GitLab and Artifactory credentials, SSH key and
    /// aliases, package clients, a first project with its runner, then `devkit doctor`. Safe to run again.
    Onboard(OnboardArgs),
    /// Check tools, credentials, client configurations, servers and runners; each problem with its fix.
    Doctor(FormatArgs),
    /// Create a project from a template.
    Init(InitArgs),
    /// Bring a generated project up to a newer version of its template (three-way merge).
    #[command(after_help = UPDATE_EXIT_CODES)]
    Update(UpdateArgs),
    /// List the available templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Show the effective site profile.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Point a package client (pip, uv, twine, conda, docker, cargo) at Artifactory, or the S3 clients at the Datalake.
    Configure(ConfigureArgs),
    /// Inspect and fill devkit's secret store (keyring or owner-only file).
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Log in to a service and keep its token in devkit's secret store.
    #[command(subcommand)]
    Login(LoginCommand),
    /// Log out of a service: revoke the token and remove it from the store and from every file devkit wrote it to.
    #[command(subcommand)]
    Logout(LogoutCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    Man,
    /// Run work on the Trex cluster through Slurm.
    #[command(subcommand)]
    Slurm(Box<SlurmCommand>),
    /// Build and push the CI images (or any folder with a Dockerfile) through the Docker Engine API.
    #[command(subcommand)]
    Images(ImagesCommand),
    /// The gitlab-runner custom-executor driver (called by gitlab-runner, not by people).
    #[command(subcommand)]
    Executor(ExecutorCommand),
    /// Your GitLab account: SSH keys.
    #[command(subcommand)]
    Gitlab(GitlabCommand),
    /// Register, list, verify and remove GitLab runners on this machine.
    #[command(subcommand)]
    Runner(RunnerCommand),
    /// Jupyter kernels for your own environments, usable from the Datalabs.
    #[command(subcommand)]
    Kernel(KernelCommand),
    /// The Datalake (S3 warm and cold tiers): collections, listing, cold-tier restore, auxiliary data.
    #[command(subcommand)]
    Datalake(DatalakeCommand),
    /// Print `export` lines of a devkit profile for a shell, a batch script or CI (no secret unless asked).
    Env(EnvArgs),
}

/// `devkit templates` subcommands.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List the embedded templates.
    List(FormatArgs),
}

/// `devkit site` subcommands.
#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Print every value of the effective profile and where it came from.
    Show(FormatArgs),
}

/// A `--format` option.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Arguments of `devkit completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
