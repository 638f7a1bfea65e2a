//! Command-line types of `devkit kernel`: Jupyter kernels for your own environments (the Datalabs).

use super::{Format, FormatArgs};
use clap::{Args, Subcommand};

/// `devkit kernel` subcommands.
#[derive(Debug, Subcommand)]
pub enum KernelCommand {
    /// Register a venv, uv project, conda/mamba environment (prefix or name) or pixi project as a Jupyter
    /// kernel whose wrapper activates it as an interactive shell would.
    #[command(after_help = KERNEL_HELP)]
    Add(KernelAddArgs),
    /// List the kernels on Jupyter's search path, each with a health verdict (exit 1 when one of devkit's is
    /// broken).
    #[command(after_help = KERNEL_HELP)]
    List(FormatArgs),
    /// Remove a kernel devkit registered.
    Remove(KernelRemoveArgs),
}

/// Where kernels go, shown under each subcommand's help.
pub const KERNEL_HELP: &str = "\
Kernels are written to `$JUPYTER_DATA_DIR/kernels` when that variable is set, else to the site's
`datalabs.kernels_dir` (default `~/.local/share/jupyter/kernels`, which the Datalabs' servers see through the
shared HOME); `--set datalabs.kernels_dir=DIR` always wins.
Exit codes: 0 done, 1 bad input or environment (no ipykernel, folder not writable, broken kernel), 2 bug.";

/// Arguments of `devkit kernel add`.
#[derive(Debug, Args)]
pub struct KernelAddArgs {
    /// The environment: a folder (venv, uv or pixi project, conda prefix), its `bin/python`, or a conda
    /// environment name (default: the current project's environment, else the active one).
    pub path: Option<String>,
    /// Kernel name (made lowercase, `devkit-` prefixed; default: from the environment's folder).
    #[arg(long)]
    pub name: Option<String>,
    /// Name shown in the launcher (any text; default: `Python (<environment>)`).
    #[arg(long)]
    pub display_name: Option<String>,
    /// A variable the wrapper exports after activation, e.g. `--env GDAL_CACHEMAX=512` (repeatable).
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,
    /// An environment module the wrapper loads before activation, e.g. `--module gdal/3.8` (repeatable).
    #[arg(long = "module", value_name = "MODULE")]
    pub modules: Vec<String>,
    /// Install ipykernel into the environment when it is missing (with the environment's pip, else uv, so
    /// your `devkit configure` settings apply), without asking.
    #[arg(long)]
    pub install_ipykernel: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Arguments of `devkit kernel remove`.
#[derive(Debug, Args)]
pub struct KernelRemoveArgs {
    /// The kernel name, as `devkit kernel list` shows it (the `devkit-` prefix may be left out).
    pub name: String,
}
