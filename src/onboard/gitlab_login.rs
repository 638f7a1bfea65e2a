//! Step `gitlab-login`: a GitLab personal access token with the `api` scope, checked and stored as `devkit login
//! gitlab` does. A stored token is re-checked on every run: one GitLab refuses or that lacks the scope is
//! replaced, asking again (up to three tries on a terminal, so a mistyped token is simply typed again).

use super::{Missing, Ops, Outcome, Step, StepContext, ask, pages};
use crate::gitlab::{GitlabError, tokens};
use crate::secret::Secret;
use crate::settings::Settings;

/// The `gitlab-login` step.
pub struct GitlabLogin;

/// How many tokens a person may type in one run.
const TRIES: usize = 3;

/// Why GitLab will not do with a token.
enum Verdict {
    /// Fine: the token's user.
    Good(String),
    /// Not usable: why, in one sentence.
    Unusable(String),
}

/// Checks `token` against GitLab: accepted, and with the `api` scope (when GitLab can tell).
fn verify(ctx: &StepContext<'_>, token: &Secret) -> anyhow::Result<Verdict> {
    let client = ctx.ops.gitlab_client(Some(token.clone()))?;
    let user = match tokens::current_user(&client) {
        Ok(u) => u.username,
        Err(GitlabError::Unauthorized { .. }) => {
            return Ok(Verdict::Unusable(
                "GitLab refused this token (mistyped, expired or revoked)".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let scopes = match tokens::token_self(&client) {
        Ok(info) if info.revoked || !info.active => {
            return Ok(Verdict::Unusable("this token is revoked or inactive".into()));
        }
        Ok(info) => info.scopes,
        // An older GitLab cannot describe a token: its scopes are then found out by use.
        Err(
            GitlabError::NotFound { .. }
            | GitlabError::Forbidden { .. }
            | GitlabError::InsufficientScope { .. },
        ) => return Ok(Verdict::Good(user)),
        Err(e) => return Err(e.into()),
    };
    if tokens::missing(&scopes).is_empty() {
        Ok(Verdict::Good(user))
    } else {
        Ok(Verdict::Unusable(format!(
            "this token has the scope(s) `{}` but devkit needs `{}`",
            scopes.join("`, `"),
            pages::GITLAB_SCOPES
        )))
    }
}

impl Step for GitlabLogin {
    fn id(&self) -> &'static str {
        "gitlab-login"
    }

    fn missing(&self, _settings: &Settings, ops: &dyn Ops, answers: &super::Answers) -> Vec<Missing> {
        // A stored token is re-checked when the step runs.
        if answers.gitlab_token.is_some() || ops.gitlab_stored().is_ok() {
            return Vec::new();
        }
        vec![Missing {
            what: "GitLab personal access token",
            from: "the first line of --secrets-stdin, or DEVKIT_GITLAB_TOKEN",
        }]
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        match self.ensure(ctx) {
            Ok(outcome) => outcome,
            Err(e) => Outcome::from_error(&e.context(format!(
                "cannot check the token with GitLab at `{}`",
                ctx.settings.site.gitlab.url
            ))),
        }
    }
}

impl GitlabLogin {
    fn ensure(&self, ctx: &mut StepContext<'_>) -> anyhow::Result<Outcome> {
        let url = ctx.settings.site.gitlab.url.clone();
        let how = pages::gitlab_token_how(&ctx.settings.site);
        let mut given = ctx.answers.gitlab_token.take();
        let mut problem = None;
        if let Ok((stored, user)) = ctx.ops.gitlab_stored() {
            if given.as_ref().is_none_or(|t| *t == stored) {
                match verify(ctx, &stored)? {
                    Verdict::Good(_) => {
                        return Ok(Outcome::AlreadyDone(format!("logged in as `{user}` on {url}")));
                    }
                    Verdict::Unusable(why) => problem = Some(format!("the stored token of `{user}`: {why}")),
                }
                given = None;
            }
        }
        if let Some(p) = &problem {
            ctx.printer.warn(format!("{p}; a new token is needed"));
        }
        let tries = if ctx.interactive { TRIES } else { 1 };
        for attempt in 1..=tries {
            let token = match given.take() {
                Some(t) => t,
                None if ctx.interactive => {
                    if attempt == 1 {
                        ctx.printer.info(format!(
                            "devkit needs a GitLab personal access token for {url}: {how}"
                        ));
                    }
                    ask::secret("GitLab personal access token (typing is hidden)")?
                }
                None => {
                    return Ok(Outcome::Failed {
                        what: problem
                            .take()
                            .unwrap_or_else(|| format!("not logged in to GitLab at {url}")),
                        what_to_do: vec![
                            how.clone(),
                            "give it on the first line of --secrets-stdin, or in DEVKIT_GITLAB_TOKEN".into(),
                        ],
                    });
                }
            };
            match verify(ctx, &token)? {
                Verdict::Good(user) => {
                    ctx.ops.gitlab_login(&token)?;
                    return Ok(Outcome::Done(format!("logged in as `{user}` on {url}")));
                }
                Verdict::Unusable(why) if attempt < tries => {
                    ctx.printer.warn(format!("{why}: try again"));
                }
                Verdict::Unusable(why) => {
                    return Ok(Outcome::Failed {
                        what: why,
                        what_to_do: vec![how],
                    });
                }
            }
        }
        Ok(Outcome::Failed {
            what: "no usable GitLab token".into(),
            what_to_do: vec![how],
        })
    }
}
