//! Step `ssh-key`: an ed25519 key (created when there is none) uploaded to GitLab, by the code of
//! `devkit gitlab ssh-key add`; a key GitLab already has is left alone.

use super::{Outcome, Step, StepContext};
use crate::gitlab::keys;

/// The `ssh-key` step.
pub struct SshKey;

impl Step for SshKey {
    fn id(&self) -> &'static str {
        "ssh-key"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let public = ctx.settings.paths.home.join(".ssh/id_ed25519.pub");
        let uploaded = || -> Option<String> {
            let line = std::fs::read_to_string(&public).ok()?;
            let material = keys::material(line.trim())?;
            let (token, _) = ctx.ops.gitlab_stored().ok()?;
            let client = ctx.ops.gitlab_client(Some(token)).ok()?;
            let existing = keys::list(&client).ok()?;
            existing
                .into_iter()
                .find(|k| keys::material(&k.key) == Some(material))
                .map(|k| k.title)
        };
        if let Some(title) = uploaded() {
            return Outcome::AlreadyDone(format!("`{}` is on GitLab as `{title}`", public.display()));
        }
        match ctx.ops.ssh_key_add() {
            Ok(()) => Outcome::Done(format!("`{}` uploaded to GitLab", public.display())),
            Err(e) => Outcome::from_error(&e),
        }
    }
}
