//! Step `configure`: every package client pointed at Artifactory by the code of `devkit configure all`; skipped
//! for files already as the site profile wants (the check `devkit doctor` makes).

use super::{Outcome, Step, StepContext};
use crate::doctor::{Status, client_configs};

/// The `configure` step.
pub struct Configure;

impl Step for Configure {
    fn id(&self) -> &'static str {
        "configure"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let store = match ctx.ops.store() {
            Ok(s) => s,
            Err(e) => return Outcome::from_error(&e),
        };
        let checks = client_configs::check_all(ctx.settings, &store, super::artifactory::LOGIN_HINT);
        if checks.iter().all(|c| c.status == Status::Ok) {
            return Outcome::AlreadyDone("pip, uv, twine, conda, docker and cargo are configured".into());
        }
        match ctx.ops.configure_all() {
            Ok(()) => Outcome::Done("pip, uv, twine, conda, docker and cargo point at Artifactory".into()),
            Err(e) => Outcome::from_error(&e),
        }
    }
}
