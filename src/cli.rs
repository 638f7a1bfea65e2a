//! Command-line types (clap derive) and nothing else: doc comments are the help text, no I/O happens here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A working environment in minutes for developers of the CNES Computing Center: project scaffolding,
/// package-client credentials, GitLab runners on Trex and CI plugins.
#[derive(Debug, Parser)]
#[command(name = "devkit", version, about, long_about = None, after_help = crate::error::EXIT_CODES_HELP)]
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
    /// Create a project from a template.
    Init(InitArgs),
    /// List the available templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Show the effective site profile.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Point a package client (pip, uv, twine, conda) at Artifactory with your stored token.
    Configure(ConfigureArgs),
    /// Inspect and fill devkit's secret store (keyring or owner-only file).
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    Man,
}

/// Arguments of `devkit init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the project in (default: the current folder).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Template: an embedded template name, a local folder, or a git URL (https, ssh, file).
    #[arg(short, long, value_name = "SRC", default_value = "python-lib")]
    pub template: String,
    /// Branch, tag or commit of a git template.
    #[arg(long = "ref", value_name = "REF")]
    pub git_ref: Option<String>,
    /// An answer, `KEY=VALUE` (repeatable); an unknown key is an error.
    #[arg(short = 'd', long = "data", value_name = "KEY=VALUE")]
    pub data: Vec<String>,
    /// Answers from a TOML or YAML file.
    #[arg(long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,
    /// Take the default of every question that has one instead of asking.
    #[arg(long)]
    pub defaults: bool,
    /// Allow a non-empty destination; existing files are kept as they are, never overwritten or deleted.
    #[arg(long)]
    pub force: bool,
    /// Do not create a git repository.
    #[arg(long)]
    pub no_git: bool,
    /// List what would be created and write nothing.
    #[arg(long)]
    pub dry_run: bool,
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

/// `devkit secrets` subcommands.
#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Which store is in use, why, and which entries it holds (never their values).
    Status(FormatArgs),
    /// Store a credential; the token is read from stdin, never from the command line.
    Set(SecretsSetArgs),
    /// Remove a stored credential.
    Remove(SecretsRemoveArgs),
}

/// What a credential is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretTarget {
    /// The Artifactory of the site profile (`artifactory.url`).
    Artifactory,
}

/// Arguments of `devkit secrets set`.
#[derive(Debug, Args)]
pub struct SecretsSetArgs {
    /// What the credential is for.
    #[arg(value_enum)]
    pub target: SecretTarget,
    /// The user name the token belongs to.
    #[arg(long, value_name = "USER")]
    pub username: String,
    /// Read the token from stdin (required: tokens never go on the command line).
    #[arg(long, required = true)]
    pub token_stdin: bool,
}

/// Arguments of `devkit secrets remove`.
#[derive(Debug, Args)]
pub struct SecretsRemoveArgs {
    /// What the credential is for.
    #[arg(value_enum)]
    pub target: SecretTarget,
    /// The user name of the entry.
    #[arg(long, value_name = "USER")]
    pub username: String,
}

/// A client `devkit configure` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigureClient {
    /// pip: `pip.conf` index-url, credentials in `~/.netrc`.
    Pip,
    /// uv: `uv.toml` default index, credentials in `~/.netrc`.
    Uv,
    /// twine: `.pypirc` upload repository; the password in a keyring when one is available.
    Twine,
    /// conda: `.condarc` channels, credentials in `~/.netrc`.
    Conda,
    /// docker: `credHelpers` in `~/.docker/config.json` → `docker-credential-devkit`.
    Docker,
    /// cargo: crates.io replaced by the Artifactory sparse index in `~/.cargo/config.toml`.
    Cargo,
    /// All of the above.
    All,
}

/// Arguments of `devkit configure`.
#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// The client to configure.
    #[arg(value_enum)]
    pub client: ConfigureClient,
    /// Print what would change (a diff with secrets masked) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove what devkit added for this client, restoring what it replaced.
    #[arg(long)]
    pub undo: bool,
    /// The Artifactory user whose stored token to use (default: the only one stored).
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
}
