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
    /// Bring a generated project up to a newer version of its template (three-way merge).
    #[command(after_help = UPDATE_EXIT_CODES)]
    Update(UpdateArgs),
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
    Slurm(SlurmCommand),
    /// The gitlab-runner custom-executor driver (called by gitlab-runner, not by people).
    #[command(subcommand)]
    Executor(ExecutorCommand),
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

/// Exit codes of `devkit update`.
const UPDATE_EXIT_CODES: &str = "\
Exit codes:
  0  the project is up to date, or was updated without conflicts
  1  failure (no answers file, dirty work tree, broken template, ...): nothing was changed
  3  conflicts were left in the project (listed at the end); with --check: a newer template version exists";

/// How `devkit update` leaves conflicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ConflictArg {
    /// Standard conflict markers inside the file.
    #[default]
    Inline,
    /// Keep your file and write the template's change to `<file>.rej`.
    Rej,
}

/// Arguments of `devkit update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The project folder (default: the current folder).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Branch, tag or commit of a git template to update to (default: the latest version tag, or the
    /// recorded branch's head).
    #[arg(long = "ref", value_name = "REF")]
    pub git_ref: Option<String>,
    /// Update to another template source (a moved repository, a new folder).
    #[arg(short, long, value_name = "SRC")]
    pub template: Option<String>,
    /// A new or changed answer, `KEY=VALUE` (repeatable).
    #[arg(short = 'd', long = "data", value_name = "KEY=VALUE")]
    pub data: Vec<String>,
    /// Take the default of every new question instead of asking.
    #[arg(long)]
    pub defaults: bool,
    /// Print the plan and a diff, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How to leave conflicts.
    #[arg(long, value_enum, default_value_t)]
    pub conflict: ConflictArg,
    /// Only check whether a newer template version exists (exit 3 if so).
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Run even when the git work tree has uncommitted changes.
    #[arg(long)]
    pub force: bool,
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

/// `devkit slurm` subcommands.
#[derive(Debug, Subcommand)]
pub enum SlurmCommand {
    /// Run a script or a command as a Slurm batch job and behave like a local command: live output, the job's
    /// exit code, the job cancelled on Ctrl-C.
    #[command(after_help = crate::slurm::state::EXIT_CODES_HELP)]
    Run(SlurmRunArgs),
}

/// Slurm resources of a job; unset values come from the site profile (`trex.default_*`).
#[derive(Debug, Clone, Default, Args)]
pub struct SlurmJobArgs {
    /// Partition (default: site `trex.default_partition`).
    #[arg(short, long)]
    pub partition: Option<String>,
    /// Time limit: `MM`, `HH:MM:SS`, `D-HH:MM:SS`, `90s`, `30m`, `2h` (default: site `trex.default_time`).
    #[arg(short, long)]
    pub time: Option<String>,
    /// Number of nodes.
    #[arg(short = 'N', long)]
    pub nodes: Option<u32>,
    /// CPUs per task.
    #[arg(short, long)]
    pub cpus: Option<u32>,
    /// Memory per node, e.g. `4G`.
    #[arg(long)]
    pub mem: Option<String>,
    /// Number of GPUs.
    #[arg(long)]
    pub gpus: Option<u32>,
    /// Account to charge.
    #[arg(short = 'A', long)]
    pub account: Option<String>,
    /// Quality of service.
    #[arg(long)]
    pub qos: Option<String>,
    /// Run the work inside this Apptainer image (`docker://...`, a `.sif` file).
    #[arg(long)]
    pub image: Option<String>,
    /// Job name (default: `ci-<CI_JOB_ID>` in CI, else the script or command name).
    #[arg(long)]
    pub job_name: Option<String>,
    /// Longest wait in the queue before the job is cancelled (same forms as `--time`; default: no limit).
    #[arg(long, value_name = "TIME")]
    pub queue_timeout: Option<String>,
    /// How long the Slurm controller may stay unreachable before devkit gives up.
    #[arg(long, value_name = "TIME", default_value = "120s")]
    pub controller_timeout: String,
    /// Where finished jobs are looked up after they left the queue.
    #[arg(long, value_enum, default_value_t, env = "DEVKIT_SLURM_SACCT")]
    pub sacct: SacctArg,
}

/// `--sacct` values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum SacctArg {
    /// The accounting database, then the job-completion log (`sacct -c`).
    #[default]
    Auto,
    /// The accounting database only.
    Db,
    /// The job-completion log only (`sacct -c`).
    Completion,
    /// Never ask sacct.
    Off,
}

/// Arguments of `devkit slurm run`.
#[derive(Debug, Args)]
pub struct SlurmRunArgs {
    /// Job resources.
    #[command(flatten)]
    pub job: SlurmJobArgs,
    /// Folder for job files and output, on storage the compute nodes share (default: `~/.cache/devkit/slurm`).
    #[arg(long, value_name = "DIR", env = "DEVKIT_SLURM_DIR")]
    pub state_dir: Option<PathBuf>,
    /// Keep the job folder (script and output) even when the job succeeds.
    #[arg(long)]
    pub keep: bool,
    /// A script to run (with bash).
    #[arg(
        value_name = "SCRIPT",
        required_unless_present = "command",
        conflicts_with = "command"
    )]
    pub script: Option<PathBuf>,
    /// A command to run, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `devkit executor` subcommands: the four stages of gitlab-runner's custom executor.
#[derive(Debug, Subcommand)]
pub enum ExecutorCommand {
    /// Print the executor configuration (JSON) for gitlab-runner.
    Config,
    /// Check the job's Slurm options before anything runs.
    Prepare,
    /// Run one stage script: the user's script as a Slurm job, other stages on this node.
    Run(ExecutorRunArgs),
    /// Cancel every Slurm job the CI job left behind and remove its state.
    Cleanup,
}

/// Arguments of `devkit executor run`.
#[derive(Debug, Args)]
pub struct ExecutorRunArgs {
    /// The script gitlab-runner generated.
    pub script: PathBuf,
    /// The stage name (`build_script`, `step_script`, `after_script`, `get_sources`, ...).
    pub stage: String,
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

/// `devkit login` subcommands, one per service.
#[derive(Debug, Subcommand)]
pub enum LoginCommand {
    /// Artifactory: create a refreshable token with your password, or store a token you created; refresh it.
    Artifactory(LoginArtifactoryArgs),
}

/// `devkit logout` subcommands, one per service.
#[derive(Debug, Subcommand)]
pub enum LogoutCommand {
    /// Artifactory: revoke the token, remove it from the store, `.netrc`, `.pypirc` and the keyring.
    Artifactory(LogoutArtifactoryArgs),
}

/// Arguments of `devkit login artifactory`.
#[derive(Debug, Args)]
pub struct LoginArtifactoryArgs {
    /// Your Artifactory user name (with a JWT token: read from the token when not given).
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
    /// Read your password from stdin and create a refreshable token with it (`artifactory.token_lifetime_days`).
    #[arg(long, conflicts_with_all = ["token_stdin", "refresh"])]
    pub password_stdin: bool,
    /// Read a token you created (identity or access token) from stdin, check it and store it.
    #[arg(long, conflicts_with = "refresh")]
    pub token_stdin: bool,
    /// Refresh the stored token now and update every file devkit wrote it to.
    #[arg(long)]
    pub refresh: bool,
}

/// Arguments of `devkit logout artifactory`.
#[derive(Debug, Args)]
pub struct LogoutArtifactoryArgs {
    /// The user to log out (default: the only one logged in).
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
}
