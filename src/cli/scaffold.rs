//! Command-line types of project scaffolding: `devkit init` (with its GitLab part) and `devkit update`.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

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
pub(crate) const UPDATE_EXIT_CODES: &str = "\
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
