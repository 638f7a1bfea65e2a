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
    /// Set up this account step by step: tools, git identity, GitLab and Artifactory credentials, SSH key and
    /// aliases, package clients, a first project with its runner, then `devkit doctor`. Safe to run again.
    Onboard(OnboardArgs),
    /// Check tools, credentials, client configurations, servers and runners; each problem with its fix.
    Doctor(FormatArgs),
}

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
    /// Also create the project on GitLab, set `origin` and push `main`.
    #[command(flatten)]
    pub gitlab: InitGitlabArgs,
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

/// `devkit images` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// List the CI images and the references they get.
    List(ImagesArgs),
    /// Build images on the engine of `DOCKER_HOST` (or the default socket).
    Build(ImagesArgs),
    /// Push built images with the registry credential of devkit's secret store.
    Push(ImagesArgs),
}

/// Arguments of `devkit images list|build|push`.
#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// CI image names, or folders holding a Dockerfile (default: every CI image).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Image tag (default: devkit's version).
    #[arg(long, value_name = "T")]
    pub tag: Option<String>,
    /// Registry and path prefix, `HOST[:PORT][/PREFIX]` (default: site `artifactory.docker_registry`).
    #[arg(long, value_name = "HOST/PREFIX")]
    pub registry: Option<String>,
    /// A build argument, `KEY=VALUE` (repeatable); CI images take `BASE_REGISTRY` and `BASE_IMAGE`.
    #[arg(long = "build-arg", value_name = "K=V")]
    pub build_args: Vec<String>,
    /// Output format of `list`.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The GitLab part of `devkit init`.
#[derive(Debug, Clone, Args)]
pub struct InitGitlabArgs {
    /// Create the project on GitLab, set `origin` and push `main` (needs `devkit login gitlab`).
    #[arg(long, conflicts_with_all = ["no_git", "dry_run"])]
    pub gitlab: bool,
    /// Group or user namespace of the new project (default: your own).
    #[arg(long, value_name = "NS", requires = "gitlab")]
    pub namespace: Option<String>,
    /// Who may see the new project.
    #[arg(long, value_enum, default_value_t, requires = "gitlab")]
    pub visibility: VisibilityArg,
    /// How `origin` is reached (default: SSH when the site has `gitlab.ssh_host`, else HTTPS).
    #[arg(long, value_enum, requires = "gitlab")]
    pub git_protocol: Option<GitProtocol>,
}

/// `--visibility` values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum VisibilityArg {
    /// Project members only.
    #[default]
    Private,
    /// Every signed-in user.
    Internal,
    /// Everyone.
    Public,
}

/// `--git-protocol` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GitProtocol {
    /// `git@host:group/project.git`, with your SSH key.
    Ssh,
    /// `https://host/group/project.git`, with the stored token.
    Https,
}

/// `devkit login` targets.
#[derive(Debug, Subcommand)]
pub enum LoginCommand {
    /// Check a GitLab personal access token (scopes, expiry) and store it.
    Gitlab(LoginGitlabArgs),
    /// Artifactory: create a refreshable token with your password, or store a token you created; refresh it.
    Artifactory(LoginArtifactoryArgs),
}

/// Arguments of `devkit login gitlab`.
#[derive(Debug, Args)]
pub struct LoginGitlabArgs {
    /// Read the token from stdin instead of asking for it.
    #[arg(long)]
    pub token_stdin: bool,
}

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
