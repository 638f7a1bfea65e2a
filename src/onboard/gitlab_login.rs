//! Step `gitlab-login`: a GitLab personal access token checked and stored, as `devkit login gitlab` does; a
//! stored token GitLab still accepts is kept.

use super::{Missing, Outcome, Step, StepContext, ask};
use crate::commands::{gitlab_api, login};
use crate::gitlab::tokens;
use crate::secret::Secret;
use crate::settings::Settings;

/// The `gitlab-login` step.
pub struct GitlabLogin;

/// The stored token, when there is one.
fn stored(settings: &Settings, printer: &crate::printer::Printer) -> Option<(Secret, String)> {
    gitlab_api::stored_token(settings, printer).ok()
}

fn quiet() -> crate::printer::Printer {
    crate::printer::Printer::new(crate::printer::Verbosity::Quiet, true)
}

impl Step for GitlabLogin {
    fn id(&self) -> &'static str {
        "gitlab-login"
    }

    fn missing(&self, settings: &Settings, answers: &super::Answers) -> Vec<Missing> {
        if answers.gitlab_token.is_some() || stored(settings, &quiet()).is_some() {
            return Vec::new();
        }
        vec![Missing {
            what: "GitLab personal access token",
            from: "the first line of --secrets-stdin, or DEVKIT_GITLAB_TOKEN",
        }]
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let url = &ctx.settings.site.gitlab.url;
        if let Some((token, user)) = stored(ctx.settings, ctx.printer) {
            let same = ctx.answers.gitlab_token.as_ref().is_none_or(|t| *t == token);
            let accepted = gitlab_api::client(ctx.settings, Some(token))
                .ok()
                .is_some_and(|c| tokens::current_user(&c).is_ok());
            if same && accepted {
                return Outcome::AlreadyDone(format!("logged in as `{user}` on {url}"));
            }
        }
        let token = match ctx.answers.gitlab_token.clone() {
            Some(t) => t,
            None if ctx.interactive => {
                match ask::secret(&format!(
                    "GitLab personal access token for {url} (scopes api; User settings > Access tokens)"
                )) {
                    Ok(t) => t,
                    Err(e) => return Outcome::from_error(&e),
                }
            }
            None => {
                return Outcome::Failed {
                    what: format!("not logged in to GitLab at {url}"),
                    what_to_do: vec![
                        "give the token on the first line of --secrets-stdin, or in DEVKIT_GITLAB_TOKEN"
                            .into(),
                    ],
                };
            }
        };
        match login::gitlab_with_token(&token, ctx.settings, ctx.printer) {
            Ok(()) => Outcome::Done(format!("token stored for {url}")),
            Err(e) => Outcome::from_error(&e),
        }
    }
}
