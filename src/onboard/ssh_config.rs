//! Step `ssh-config`: devkit's block in `~/.ssh/config` (aliases `gitlab`, `gitlab-outside`, `trex`,
//! `trex-outside`), rewritten only between its markers, 0600, atomically.

use super::{Outcome, Step, StepContext};
use crate::atomic_file::{Mode, ensure_private_dir, write_atomic};
use crate::ssh_config;

/// The `ssh-config` step.
pub struct SshConfig;

impl Step for SshConfig {
    fn id(&self) -> &'static str {
        "ssh-config"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let dir = ctx.settings.paths.home.join(".ssh");
        let path = dir.join("config");
        let result = (|| -> anyhow::Result<Outcome> {
            let aliases = ssh_config::aliases(&ctx.settings.site, ctx.answers.ssh_user.as_deref())?;
            let names: Vec<&str> = aliases.iter().map(|a| a.name).collect();
            let block = ssh_config::render(&aliases);
            let old = match fs_err::read_to_string(&path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(e.into()),
            };
            let new = ssh_config::apply(&old, &block)?;
            let private = crate::atomic_file::existing_mode(&path).is_none_or(|m| m & 0o077 == 0);
            if new == old && private {
                return Ok(Outcome::AlreadyDone(format!(
                    "`{}` has the aliases {}",
                    path.display(),
                    names.join(", ")
                )));
            }
            ensure_private_dir(&dir)?;
            write_atomic(&path, new.as_bytes(), Mode::Private)?;
            Ok(Outcome::Done(format!(
                "aliases {} in `{}`",
                names.join(", "),
                path.display()
            )))
        })();
        result.unwrap_or_else(|e| Outcome::from_error(&e))
    }
}
