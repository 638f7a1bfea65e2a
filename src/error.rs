//! Exit statuses and the one place where an error chain is classified (user failure or unexpected error) and
//! its `hint:` lines are gathered.

use std::process::ExitCode;

/// devkit's exit statuses, documented in `devkit --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did what was asked.
    Success,
    /// The command failed because of the user's input or environment (bad flag, malformed file, server refused).
    Failure,
    /// An unexpected error: a bug or an unforeseen system condition.
    Error,
    /// A command-specific status (for example the exit code of a Slurm job).
    Code(u8),
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
            ExitStatus::Code(c) => ExitCode::from(c),
        }
    }
}

/// A failure caused by the user's input, raised by the command layer, with an optional fix.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    /// What is wrong, lowercase, values in backticks.
    pub message: String,
    /// How to fix it, when known.
    pub hint: Option<String>,
}

impl UserError {
    /// A user failure without a known fix.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }

    /// A user failure with its fix.
    pub fn with_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// The hints of a cause if it is one of the leaf error types devkit knows (all of them user-caused failures).
/// A leaf module adding an error type adds it to this list, once.
macro_rules! known_errors {
    ($cause:expr, $($ty:ty),+ $(,)?) => {{
        let cause: &(dyn std::error::Error + 'static) = $cause;
        let mut found: Option<Option<String>> = None;
        $(
            if found.is_none() {
                if let Some(e) = cause.downcast_ref::<$ty>() {
                    found = Some(e.hint());
                }
            }
        )+
        found
    }};
}

fn leaf_hint(cause: &(dyn std::error::Error + 'static)) -> Option<Option<String>> {
    known_errors!(
        cause,
        crate::site::SiteError,
        crate::scaffold::ScaffoldError,
        crate::slurm::OptionsError,
        crate::slurm::RunError,
        crate::store::StoreError,
        crate::configure::ConfigureError,
        crate::artifactory::ArtifactoryError,
        crate::images::ImagesError,
        crate::kernel::KernelError,
        crate::gitlab::GitlabError,
        crate::runner_config::RunnerConfigError,
        crate::ssh_config::SshConfigError,
    )
}

/// The exit status an error chain deserves and the hints it carries, outermost first.
pub fn classify(err: &anyhow::Error) -> (ExitStatus, Vec<String>) {
    use std::io::ErrorKind::{NotFound, PermissionDenied, ReadOnlyFilesystem, StorageFull};
    let mut hints = Vec::new();
    let mut user = false;
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<UserError>() {
            user = true;
            hints.extend(e.hint.clone());
        } else if let Some(hint) = leaf_hint(cause) {
            user = true;
            hints.extend(hint);
        } else if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            user |= matches!(
                e.kind(),
                NotFound | PermissionDenied | ReadOnlyFilesystem | StorageFull
            );
        }
    }
    hints.dedup();
    (
        if user {
            ExitStatus::Failure
        } else {
            ExitStatus::Error
        },
        hints,
    )
}

/// Whether the error is a broken pipe on stdout (`devkit ... | head`), which counts as success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The `--help` text describing exit codes.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  failure caused by input or environment (bad flag, malformed file, refused credentials, unreachable server)
  2  unexpected error (a bug: please report it)
  Some commands document further codes (`devkit slurm run` returns the job's own exit code).";
