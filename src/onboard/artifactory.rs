//! Step `artifactory-login`, and the one place where onboarding logs in to Artifactory: it does what
//! `devkit login artifactory --username U --token-stdin` does (check the token, store it with its session).

use super::{Missing, Outcome, Step, StepContext, ask};
use crate::cli::SecretTarget;
use crate::commands::{secret_store, secrets};
use crate::secret::Secret;
use crate::settings::Settings;
use anyhow::{Context, Result};

/// How a user puts an Artifactory token in devkit's store (shown by `devkit doctor` too).
pub const LOGIN_HINT: &str =
    "log in with `devkit login artifactory --username USER --password-stdin` (or `--token-stdin`)";

/// Logs in to the site's Artifactory as `user` with `token`, as `devkit login artifactory --token-stdin` does.
pub fn login(
    user: &str,
    token: &Secret,
    settings: &Settings,
    printer: &crate::printer::Printer,
) -> Result<()> {
    crate::commands::login_artifactory::login_with_token(user, token, settings, printer).with_context(|| {
        format!(
            "cannot log in to Artifactory at `{}`",
            settings.site.artifactory.url
        )
    })
}

/// The user and token already stored, if any.
fn stored(settings: &Settings, printer: &crate::printer::Printer) -> Option<(String, Secret)> {
    let service = secrets::service_of(SecretTarget::Artifactory, settings);
    let (store, _) = secret_store::open(settings, printer).ok()?;
    let user = store.users(&service).ok()?.into_iter().next()?;
    let token = store.get(&service, &user).ok()??;
    Some((user, token))
}

/// The `artifactory-login` step.
pub struct ArtifactoryLogin;

impl Step for ArtifactoryLogin {
    fn id(&self) -> &'static str {
        "artifactory-login"
    }

    fn missing(&self, settings: &Settings, answers: &super::Answers) -> Vec<Missing> {
        let quiet = crate::printer::Printer::new(crate::printer::Verbosity::Quiet, true);
        if stored(settings, &quiet).is_some() && answers.artifactory_token.is_none() {
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
        if let Some((user, token)) = stored(ctx.settings, ctx.printer) {
            let same_user = ctx.answers.artifactory_user.as_ref().is_none_or(|u| *u == user);
            let same_token = ctx.answers.artifactory_token.as_ref().is_none_or(|t| *t == token);
            if same_user && same_token {
                return Outcome::AlreadyDone(format!("token of `{user}` stored for {url}"));
            }
        }
        let result = (|| -> Result<Option<String>> {
            let user = match ctx.answers.artifactory_user.clone() {
                Some(u) => u,
                None if ctx.interactive => ask::text(&format!("Your Artifactory user name on {url}"), false)?,
                None => return Ok(None),
            };
            let token = match ctx.answers.artifactory_token.clone() {
                Some(t) => t,
                None if ctx.interactive => ask::secret(&format!(
                    "Artifactory token (identity token) of `{user}` for {url}"
                ))?,
                None => return Ok(None),
            };
            login(&user, &token, ctx.settings, ctx.printer)?;
            Ok(Some(user))
        })();
        match result {
            Ok(Some(user)) => Outcome::Done(format!("token of `{user}` stored for {url}")),
            Ok(None) => Outcome::Failed {
                what: format!("no Artifactory credential for {url}"),
                what_to_do: vec![
                    "give --artifactory-user (or DEVKIT_ARTIFACTORY_USER) and the token on the second line of \
                     --secrets-stdin (or DEVKIT_ARTIFACTORY_TOKEN)"
                        .into(),
                ],
            },
            Err(e) => Outcome::from_error(&e),
        }
    }
}
