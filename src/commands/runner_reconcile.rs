//! What `runner register` does when GitLab may have created the runner but the answer was lost: it looks for
//! the runner by its description among the project's runners that no `config.toml` entry knows, and adopts
//! the one it finds (a new token from `reset_authentication_token`, since a token is shown only once); with
//! none found the create was not carried out and is sent once more; with several it reports them all.

use crate::gitlab::runners::{self, Created, NewRunner};
use crate::gitlab::{Client, GitlabError};
use crate::http::HttpError;
use crate::printer::Printer;
use anyhow::{Context, Result};

/// Creates the runner; a lost answer is reconciled instead of sending the create again blindly.
pub fn create(client: &Client, runner: &NewRunner<'_>, known: &[u64], printer: &Printer) -> Result<Created> {
    let reason = match runners::create(client, runner) {
        Err(GitlabError::Http(HttpError::AnswerLost { reason, .. })) => reason,
        other => return Ok(other?),
    };
    printer.warn(format!(
        "GitLab's answer to the runner creation was lost ({reason}): looking for the runner `{}`",
        runner.description
    ));
    let listed = runners::list_project(client, runner.project_id)
        .context("cannot list the project's runners to find out whether the runner was created")?;
    let found: Vec<_> = listed
        .iter()
        .filter(|r| r.description.as_deref() == Some(runner.description) && !known.contains(&r.id))
        .collect();
    match found.as_slice() {
        [] => {
            printer.info("GitLab did not create it: creating it once more");
            Ok(runners::create(client, runner)?)
        }
        [one] => {
            let adopted = runners::reset_token(client, one.id).with_context(|| {
                format!(
                    "GitLab created the runner {} but its token was lost, and devkit cannot reset it",
                    one.id
                )
            })?;
            printer.status("Adopted", format!("runner {} that GitLab created", one.id));
            Ok(adopted)
        }
        many => {
            let ids: Vec<String> = many.iter().map(|r| r.id.to_string()).collect();
            Err(crate::error::UserError::with_hint(
                format!(
                    "GitLab's answer was lost and {} runners named `{}` that no configuration knows exist: {}",
                    many.len(),
                    runner.description,
                    ids.join(", ")
                ),
                "delete the extra ones in the project's Settings > CI/CD > Runners, then register again",
            )
            .into())
        }
    }
}
