//! Exit statuses and the two error types of the command layer (a user failure with its fix, a bug). A leaf
//! module: the classification of whole error chains is in the `failure` module, which knows every leaf error.

use std::process::ExitCode;

/// devkit's exit statuses, documented in `devkit --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did what was asked.
    Success,
    /// The command failed because of the user's input or environment (bad flag, malformed file, server refused).
    Failure,
    /// An internal error: a panic or an unexpected state (a bug in devkit).
    Error,
    /// A command-specific status (for example the exit code of a Slurm job).
    Code(u8),
}

/// The exit code of an internal error (`EX_SOFTWARE` of sysexits.h).
pub const INTERNAL_ERROR: u8 = 70;

/// The exit code of a usage error (clap's own: unknown flag, missing argument, no command).
pub const USAGE_ERROR: u8 = 2;

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(INTERNAL_ERROR),
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

/// An unexpected state: devkit's own logic went somewhere it should not (exit code 70, "this is a bug").
#[derive(Debug, thiserror::Error)]
#[error("internal error: {0}")]
pub struct Bug(pub String);

/// Whether the error is a broken pipe on stdout (`devkit ... | head`), which counts as success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The one table of exit codes, shown by `devkit --help` and copied in the README (a test keeps them equal).
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0        success
  1        failure caused by input or environment (malformed file, refused
           credentials, unreachable server, full disk, missing permission);
           `devkit doctor`: a check failed
  2        usage error (unknown command or flag, missing argument)
  3        `devkit update`: conflicts left to resolve (with --check: a newer
           template version exists)
  70       internal error: a bug in devkit (a panic or an unexpected state);
           please report it
  130/143  `devkit slurm run` interrupted; the job was cancelled first
  150-158  `devkit slurm run`: the job did not complete (see its --help)
  other    `devkit slurm run`: the job's own exit code";
