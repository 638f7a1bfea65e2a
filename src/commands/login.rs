//! `devkit login <target>`: check a token against its service and keep it in the secret store. GitLab: scopes
//! and expiry from `GET /personal_access_tokens/self`, the user from `GET /user`; Artifactory lives in
//! `login_artifactory.rs`.

use super::gitlab_api;
use crate::cli::{LoginCommand, LoginGitlabArgs};
use crate::error::{ExitStatus, UserError};
use crate::gitlab::{GitlabError, tokens};
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Read};

/// Days before expiry from which `login` warns.
const EXPIRY_WARNING_DAYS: i64 = 14;

/// Runs `devkit login`.
pub fn run(command: &LoginCommand, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    match command {
        LoginCommand::Gitlab(args) => gitlab(args, settings, printer),
        LoginCommand::Artifactory(args) => super::login_artifactory::artifactory(args, settings, printer),
        LoginCommand::Datalake(args) => super::datalake::login(args, settings, printer),
    }
}

fn gitlab(args: &LoginGitlabArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let url = &settings.site.gitlab.url;
    let token = read_token(
        args.token_stdin,
        &format!("GitLab personal access token for {url}"),
    )?;
    gitlab_with_token(&token, settings, printer)?;
    Ok(ExitStatus::Success)
}

/// Checks `token` against the site's GitLab and stores it (what `devkit login gitlab` does once it has the token).
pub(crate) fn gitlab_with_token(token: &Secret, settings: &Settings, printer: &Printer) -> Result<()> {
    let url = &settings.site.gitlab.url;
    let client = gitlab_api::client(settings, Some(token.clone()))?;
    let info = match tokens::token_self(&client) {
        Ok(info) => Some(info),
        // Older GitLab, or a token that may not introspect itself: go on without scopes.
        Err(
            GitlabError::NotFound { .. }
            | GitlabError::Forbidden { .. }
            | GitlabError::InsufficientScope { .. },
        ) => {
            printer.warn(
                "GitLab did not describe the token (needs GitLab 15.5+): scopes and expiry not checked",
            );
            None
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot log in to GitLab at `{url}`"))),
    };
    if let Some(info) = &info {
        if info.revoked || !info.active {
            return Err(UserError::with_hint(
                format!("the token `{}` is revoked or inactive", info.name),
                "create a new token in GitLab (User settings > Access tokens)",
            )
            .into());
        }
    }
    let user =
        tokens::current_user(&client).with_context(|| format!("cannot log in to GitLab at `{url}`"))?;
    let (store, _) = super::secret_store::open(settings, printer)?;
    let service = gitlab_api::service(settings);
    for other in store.users(&service)? {
        if other != user.username {
            store.delete(&service, &other)?;
        }
    }
    store
        .set(&service, &user.username, token)
        .with_context(|| format!("cannot store the token for `{service}`"))?;
    printer.status(
        "Logged in",
        format!("as `{}` on {url} (token in {})", user.username, store.location()),
    );
    if let Some(info) = info {
        report_expiry(info.expires_at.as_deref(), printer);
        printer.info(format!("scopes: {}", info.scopes.join(", ")));
        for need in tokens::missing(&info.scopes) {
            printer.warn(format!(
                "the token lacks the scope `{}`, needed by {}",
                need.any_of.join("` or `"),
                need.commands
            ));
        }
    }
    Ok(())
}

fn report_expiry(expires_at: Option<&str>, printer: &Printer) {
    let Some(day) = expires_at.and_then(crate::utc::parse_date) else {
        return;
    };
    let left = day - crate::utc::today();
    if left <= EXPIRY_WARNING_DAYS {
        printer.warn(format!(
            "the token expires on {} ({left} day(s) left): create a new one and run `devkit login gitlab` again",
            crate::utc::date(day)
        ));
    } else {
        printer.info(format!("the token expires on {}", crate::utc::date(day)));
    }
}

/// Reads a token from stdin, or asks for it (hidden) on a terminal.
pub fn read_token(from_stdin: bool, prompt: &str) -> Result<Secret> {
    let token = if from_stdin || !std::io::stdin().is_terminal() {
        if !from_stdin {
            return Err(UserError::with_hint(
                "no terminal to ask for the token",
                "pass it on stdin: `devkit login gitlab --token-stdin < token-file`",
            )
            .into());
        }
        let mut raw = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut raw)
            .context("cannot read the token from stdin")?;
        Secret::new(raw.trim())
    } else {
        let raw = zeroize::Zeroizing::new(
            dialoguer::Password::new()
                .with_prompt(prompt)
                .interact()
                .context("cannot read the token")?,
        );
        Secret::new(raw.trim())
    };
    if token.is_empty() {
        return Err(UserError::with_hint(
            "no token given",
            "create one in GitLab (User settings > Access tokens)",
        )
        .into());
    }
    Ok(token)
}
