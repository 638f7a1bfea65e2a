//! Command-line types of `devkit slurm run` and of the custom-executor driver `devkit executor`.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    /// Run the work inside this container image (`[REGISTRY/]NAME[:TAG]`, `docker://...`, or a local image),
    /// with the site's runtime; a name without a registry comes from the site's registry.
    #[arg(long)]
    pub image: Option<String>,
    /// Job name (default: `ci-<CI_JOB_ID>` in CI, else the script or command name).
    #[arg(long)]
    pub job_name: Option<String>,
    /// Longest wait in the queue before the job is cancelled (same forms as `--time`; default: no limit).
    #[arg(long, value_name = "TIME")]
    pub queue_timeout: Option<String>,
    /// How long a job may stay held for an infrastructure reason (PartitionDown, NodeDown, JobHeldAdmin, ...)
    /// before it is cancelled, naming the reason (default: site `trex.hold_grace`; `0` = wait).
    #[arg(long, value_name = "TIME")]
    pub hold_grace: Option<String>,
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
    /// Container runtime for `--image`: `apptainer`, `charliecloud` or `slurm-oci` (default: site
    /// `container.runtime`).
    #[arg(long, value_name = "RUNTIME", requires = "image")]
    pub runtime: Option<String>,
    /// Also bind this host folder into the container, `SRC[:DST][:ro]` (repeatable; it must exist). The
    /// current folder, the job folder and the site's `container.binds` are always bound.
    #[arg(long, value_name = "BIND", requires = "image")]
    pub bind: Vec<String>,
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
    /// Cancel every Slurm job the CI job left behind; its record is removed once Slurm confirms they ended.
    Cleanup,
    /// Cancel the Slurm jobs of CI jobs that are over: GitLab says the job no longer runs, its driver died, or
    /// its cleanup could not confirm the end. Only jobs of this user tagged by devkit are ever touched; each
    /// cancel is logged in `<builds_dir>/.devkit/reap.log`.
    Reap,
}

/// Arguments of `devkit executor run`.
#[derive(Debug, Args)]
pub struct ExecutorRunArgs {
    /// The script gitlab-runner generated.
    pub script: PathBuf,
    /// The stage name (`build_script`, `step_script`, `after_script`, `get_sources`, ...).
    pub stage: String,
}
