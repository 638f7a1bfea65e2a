//! Step `configure`: every package client pointed at Artifactory by the code of `devkit configure all`; skipped
//! for files already as the site profile wants (the check `devkit doctor` makes).

use super::{Outcome, Step, StepContext};
use crate::cli::{ConfigureArgs, ConfigureClient};
use crate::commands::{configure, secret_store};
use crate::doctor::{Status, client_configs};

/// The `configure` step.
pub struct Configure;

impl Step for Configure {
    fn id(&self) -> &'static str {
        "configure"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let store = match secret_store::open(ctx.settings, ctx.printer) {
            Ok((s, _)) => s,
            Err(e) => return Outcome::from_error(&e),
        };
        let checks = client_configs::check_all(ctx.settings, &store, super::artifactory::LOGIN_HINT);
        if checks.iter().all(|c| c.status == Status::Ok) {
            return Outcome::AlreadyDone("pip, uv, twine, conda, docker and cargo are configured".into());
        }
        let args = ConfigureArgs {
            client: ConfigureClient::All,
            dry_run: false,
            undo: false,
            username: None,
        };
        match configure::run(&args, ctx.settings, ctx.printer) {
            Ok(_) => Outcome::Done("pip, uv, twine, conda, docker and cargo point at Artifactory".into()),
            Err(e) => Outcome::from_error(&e),
        }
    }
}
