//! Step `artifactory-login`, and the one place where onboarding logs in to Artifactory: it does what
//! `devkit login artifactory --username U --token-stdin` does (check the token, store it with its session). On a
//! terminal a refused token is asked again (three tries), with the page where a token is made.

use super::{Missing, Ops, Outcome, Step, StepContext, ask, pages};
use crate::settings::Settings;

/// How a user puts an Artifactory token in devkit's store (shown by `devkit doctor` too).
pub const LOGIN_HINT: &str =
    "log in with `devkit login artifactory --username USER --password-stdin` (or `--token-stdin`)";

/// How many tokens a person may type in one run.
const TRIES: usize = 3;

/// The `artifactory-login` step.
pub struct ArtifactoryLogin;

impl Step for ArtifactoryLogin {
    fn id(&self) -> &'static str {
        "artifactory-login"
    }

    fn missing(&self, _settings: &Settings, ops: &dyn Ops, answers: &super::Answers) -> Vec<Missing> {
        if ops.artifactory_stored().is_some() && answers.artifactory_token.is_none() {
            return Vec::new();
        }
        let mut missing = Vec::new();
        if answers.artifactory_user.is_none() {
            missing.push(Missing {
                what: "Artifactory user name",
                from: "--artifactory-user or DEVKIT_ARTIFACTORY_USER",
            });
        }
        if answers.artifactory_token.is_none() {
            missing.push(Missing {
                what: "Artifactory token",
                from: "the second line of --secrets-stdin, or DEVKIT_ARTIFACTORY_TOKEN",
            });
        }
        missing
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let url = ctx.settings.site.artifactory.url.clone();
        if let Some((user, token)) = ctx.ops.artifactory_stored() {
            let same_user = ctx.answers.artifactory_user.as_ref().is_none_or(|u| *u == user);
            let same_token = ctx.answers.artifactory_token.as_ref().is_none_or(|t| *t == token);
            if same_user && same_token {
                return Outcome::AlreadyDone(format!("token of `{user}` stored for {url}"));
            }
        }
        let how = pages::artifactory_token_how(&ctx.settings.site);
        let user = match ctx.answers.artifactory_user.clone() {
            Some(u) => u,
            None if ctx.interactive => {
                ctx.printer.info(format!(
                    "devkit needs your Artifactory user name and a token for {url}: {how}"
                ));
                match ask::text("Artifactory user name", false) {
                    Ok(u) => u,
                    Err(e) => return Outcome::from_error(&e),
                }
            }
            None => return missing_credential(&url, &how),
        };
        let tries = if ctx.interactive { TRIES } else { 1 };
        let mut given = ctx.answers.artifactory_token.take();
        for attempt in 1..=tries {
            let token = match given.take() {
                Some(t) => t,
                None if ctx.interactive => {
                    match ask::secret(&format!("Artifactory token of `{user}` (typing is hidden)")) {
                        Ok(t) => t,
                        Err(e) => return Outcome::from_error(&e),
                    }
                }
                None => return missing_credential(&url, &how),
            };
            match ctx.ops.artifactory_login(&user, &token) {
                Ok(()) => return Outcome::Done(format!("token of `{user}` stored for {url}")),
                Err(e) if attempt < tries => ctx.printer.warn(format!("{e:#}: try again")),
                Err(e) => {
                    let mut failed = Outcome::from_error(&e);
                    if let Outcome::Failed { what_to_do, .. } = &mut failed {
                        what_to_do.push(how.clone());
                    }
                    return failed;
                }
            }
        }
        missing_credential(&url, &how)
    }
}

fn missing_credential(url: &str, how: &str) -> Outcome {
    Outcome::Failed {
        what: format!("no Artifactory credential for {url}"),
        what_to_do: vec![
            how.to_string(),
            "give --artifactory-user (or DEVKIT_ARTIFACTORY_USER) and the token on the second line of \
             --secrets-stdin (or DEVKIT_ARTIFACTORY_TOKEN)"
                .into(),
        ],
    }
}
