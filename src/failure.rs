//! The one place where an error chain is classified (failure of input or environment, or internal error) and
//! its `hint:` lines are gathered. It sits above every leaf module, because it knows each leaf's error type.

use crate::error::{Bug, ExitStatus, UserError};

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
        crate::gitlab::GitlabError,
        crate::runner_config::RunnerConfigError,
        crate::ssh_config::SshConfigError,
        crate::kernel::KernelError,
    )
}

/// Whether a cause is a library error that always comes from input or environment: the file system, a file's
/// syntax, git, the terminal.
fn environmental(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.is::<std::io::Error>()
        || cause.is::<toml::de::Error>()
        || cause.is::<serde_json::Error>()
        || cause.is::<git2::Error>()
        || cause.is::<dialoguer::Error>()
}

/// The exit status an error chain deserves and the hints it carries, outermost first. A [`Bug`] anywhere makes
/// it an internal error; otherwise a known cause makes it a failure of input or environment; a chain of
/// unknown causes only is an unexpected state, so an internal error too.
pub fn classify(err: &anyhow::Error) -> (ExitStatus, Vec<String>) {
    let mut hints = Vec::new();
    // A `UserError` or `Bug` given as `.context(...)` is not visible in `chain()` as its type: anyhow finds the
    // outermost one of each by downcasting the whole error.
    let context_user = err.downcast_ref::<UserError>();
    let mut user = context_user.is_some();
    let mut bug = err.downcast_ref::<Bug>().is_some();
    if let Some(e) = context_user {
        hints.extend(e.hint.clone());
    }
    for cause in err.chain() {
        if cause.is::<Bug>() {
            bug = true;
        } else if let Some(e) = cause.downcast_ref::<UserError>() {
            user = true;
            if !hints.contains(&e.hint.clone().unwrap_or_default()) {
                hints.extend(e.hint.clone());
            }
        } else if let Some(hint) = leaf_hint(cause) {
            user = true;
            hints.extend(hint);
        } else {
            user |= environmental(cause);
        }
    }
    hints.dedup();
    let status = if user && !bug {
        ExitStatus::Failure
    } else {
        ExitStatus::Error
    };
    (status, hints)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    fn io(kind: std::io::ErrorKind) -> anyhow::Error {
        anyhow::Error::new(std::io::Error::new(kind, "x")).context("cannot write `f`")
    }

    #[test]
    fn every_io_error_is_a_failure_of_the_environment() {
        use std::io::ErrorKind::*;
        for kind in [
            NotFound,
            PermissionDenied,
            Other,
            Interrupted,
            InvalidData,
            TimedOut,
            WriteZero,
        ] {
            assert_eq!(classify(&io(kind)).0, ExitStatus::Failure, "{kind:?}");
        }
    }

    #[test]
    fn a_bug_anywhere_is_an_internal_error_and_unknown_causes_too() {
        let err = anyhow::Error::new(Bug("state".into())).context("while onboarding");
        assert_eq!(classify(&err).0, ExitStatus::Error);
        let err = io(std::io::ErrorKind::Other).context(Bug("unreachable".into()));
        assert_eq!(classify(&err).0, ExitStatus::Error);
        assert_eq!(classify(&anyhow::anyhow!("who knows")).0, ExitStatus::Error);
    }

    #[test]
    fn hints_come_outermost_first_without_repeats() {
        let inner: Result<(), _> = Err(UserError::with_hint("inner", "fix inner"));
        let err = inner
            .context(UserError::with_hint("outer", "fix outer"))
            .context(UserError::with_hint("outer2", "fix outer"))
            .unwrap_err();
        let (status, hints) = classify(&err);
        assert_eq!(status, ExitStatus::Failure);
        assert_eq!(hints, ["fix outer", "fix inner"]);
    }

    #[test]
    fn a_malformed_toml_file_is_a_failure() {
        let err = "x = "
            .parse::<toml::Table>()
            .context("user configuration")
            .unwrap_err();
        assert_eq!(classify(&err).0, ExitStatus::Failure);
    }
}
