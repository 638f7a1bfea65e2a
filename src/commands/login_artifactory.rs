//! `devkit login artifactory` (a refreshable token from a password, a token of your own, `--refresh`) and
//! `devkit logout artifactory` (revoke, then remove the token from the store and every file devkit wrote it to).

use super::artifactory_session::{self as session, Refreshed};
use super::{configure, secret_store};
use crate::artifactory::{ArtifactoryError, Revoked, Session, username_from_jwt};
use crate::atomic_file::{FileLock, ensure_private_dir};
use crate::cli::{LoginArtifactoryArgs, LogoutArtifactoryArgs};
use crate::error::{ExitStatus, UserError};
use crate::http::HttpError;
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::io::Read;

/// Runs `devkit login artifactory`.
pub fn artifactory(
    args: &LoginArtifactoryArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus> {
    let (store, _) = secret_store::open(settings, printer)?;
    let url = &settings.site.artifactory.url;
    if args.refresh {
        let user = session::user(&store, settings, args.username.as_deref())?;
        if session::refresh(&store, settings, &user, true)? == Refreshed::Yes {
            printer.status("Refreshed", format!("the Artifactory token of `{user}`"));
        }
        configure::rerender(settings, printer, &user)?;
        return Ok(ExitStatus::Success);
    }
    // One login at a time: each revokes the tokens it replaces, so two at once would revoke each other's.
    let data_dir = &settings.paths.data_dir;
    ensure_private_dir(data_dir).with_context(|| format!("cannot create `{}`", data_dir.display()))?;
    let _login = FileLock::acquire(&data_dir.join("artifactory-login.lock"))?;
    let previous = previous_token(&store, settings, args.username.as_deref())?;
    let (user, token, stored) = if args.password_stdin {
        let user = args.username.clone().ok_or_else(|| {
            UserError::with_hint("`--password-stdin` needs your user name", "add `--username USER`")
        })?;
        let password = read_stdin("password")?;
        let lifetime = u64::from(settings.site.artifactory.token_lifetime_days) * 86_400;
        let (token, stored) = create_token(settings, printer, &user, &password, lifetime)?;
        (user, token, stored)
    } else if args.token_stdin {
        let token = read_stdin("token")?;
        let (user, stored) = check_token(args.username.as_deref(), &token, settings)?;
        (user, token, stored)
    } else {
        return Err(UserError::with_hint(
            "say how to log in: with your password or with a token you created",
            "`devkit login artifactory --username USER --password-stdin`, or `... --token-stdin`",
        )
        .into());
    };
    save(&store, settings, &user, &token, &stored)?;
    if args.password_stdin {
        session::record_minted(settings, &user, &stored, None)?;
    }
    // The new token is stored: now the ones it replaces can go.
    revoke_minted(settings, printer, &user, &token, stored.token_id.as_deref())?;
    if let Some((old_user, old_session)) =
        previous.filter(|(u, s)| u == &user && s.token_id != stored.token_id)
    {
        if old_session.refresh_token.is_none() {
            printer.info(format!(
                "the previous token of `{old_user}` was one you created (`--token-stdin`): devkit leaves it valid"
            ));
        }
    }
    let expiry = match stored.expires_at {
        Some(at) => format!(
            "expires in {} days",
            at.saturating_sub(session::now()).div_ceil(86_400)
        ),
        None => "does not expire".into(),
    };
    let refresh = if stored.refresh_token.is_some() {
        ", devkit refreshes it"
    } else {
        ""
    };
    printer.status(
        "Logged in",
        format!("as `{user}` on {url} (token {expiry}{refresh})"),
    );
    configure::rerender(settings, printer, &user)?;
    Ok(ExitStatus::Success)
}

/// The description of the tokens devkit mints.
const DESCRIPTION: &str = "devkit login artifactory";

/// The stored user and session before this login, if any.
fn previous_token(
    store: &crate::store::SecretStore,
    settings: &Settings,
    given: Option<&str>,
) -> Result<Option<(String, Session)>> {
    let Ok(user) = session::user(store, settings, given) else {
        return Ok(None);
    };
    let Some(token) = store.get(&session::token_service(settings), &user)? else {
        return Ok(None);
    };
    let stored = session::load(store, settings, &user, &token)?;
    // A refreshable token stored before devkit kept its record was minted by devkit too.
    if stored.refresh_token.is_some() {
        if let Some(id) = &stored.token_id {
            let host = crate::store::host_of(&settings.site.artifactory.url).to_string();
            session::update_record(settings, |record| {
                record.add(crate::artifactory::minted::Minted {
                    host,
                    user: user.clone(),
                    id: id.clone(),
                    expires_at: stored.expires_at,
                });
            })?;
        }
    }
    Ok(Some((user, stored)))
}

/// Creates a token with the password. A creation whose answer was lost is reconciled: the token it may have
/// made is found by its one-off description and revoked, then the creation is sent once more; the user learns
/// exactly what exists when that cannot be done.
fn create_token(
    settings: &Settings,
    printer: &Printer,
    user: &str,
    password: &Secret,
    lifetime: u64,
) -> Result<(Secret, Session)> {
    let client = session::client(settings)?;
    let description = format!("{DESCRIPTION} {:x}", crate::utc::now_secs());
    let reason = match client.create_token(user, password, lifetime, &description, session::now()) {
        Err(ArtifactoryError::Http(HttpError::AnswerLost { reason, .. })) => reason,
        other => return Ok(other?),
    };
    printer.warn(format!(
        "artifactory's answer to the token creation was lost ({reason}): looking for the token"
    ));
    let auth = crate::http::Auth::Basic(user, password);
    let lost = client.find_tokens(auth, &description).map_err(|e| {
        UserError::with_hint(
            format!(
                "artifactory may have created a token for `{user}`, but its answer was lost ({reason}), and \
                 devkit cannot list your tokens: {e}"
            ),
            format!(
                "run the login again, and revoke the token described `{description}` in Artifactory's web UI \
                 (Edit Profile > Access tokens) if it is listed"
            ),
        )
    })?;
    for id in &lost {
        match client.revoke_as(id, auth)? {
            Revoked::Now | Revoked::Already => {
                printer.status("Revoked", format!("the token `{id}` whose answer was lost"));
            }
            Revoked::Refused(status) => {
                return Err(UserError::with_hint(
                    format!("artifactory created the token `{id}` but its answer was lost, and refused to revoke it ({status})"),
                    "revoke it in Artifactory's web UI (Edit Profile > Access tokens), then log in again",
                )
                .into());
            }
        }
    }
    Ok(client.create_token(user, password, lifetime, &description, session::now())?)
}

/// Revokes every token devkit minted for `user` on this Artifactory except `keep`, authenticating with
/// `bearer`; each outcome is reported, and the record forgets what is gone.
fn revoke_minted(
    settings: &Settings,
    printer: &Printer,
    user: &str,
    bearer: &Secret,
    keep: Option<&str>,
) -> Result<()> {
    let host = crate::store::host_of(&settings.site.artifactory.url).to_string();
    let others = session::update_record(settings, |r| r.others(&host, user, keep, session::now()))?;
    if others.is_empty() {
        return Ok(());
    }
    let client = session::client(settings)?;
    let mut gone = Vec::new();
    for old in others {
        match client.revoke(&old.id, bearer) {
            Ok(Revoked::Now) => {
                printer.status("Revoked", format!("the previous Artifactory token `{}`", old.id));
                gone.push(old.id);
            }
            Ok(Revoked::Already | Revoked::Refused(404)) => gone.push(old.id),
            Ok(Revoked::Refused(status)) => printer.warn(format!(
                "artifactory did not revoke the previous token `{}` ({status}); it stays valid until it expires",
                old.id
            )),
            Err(e) => printer.warn(format!(
                "the previous token `{}` was not revoked: {e}; devkit tries again at the next login or logout",
                old.id
            )),
        }
    }
    session::update_record(settings, |r| {
        for id in &gone {
            r.forget(&host, id, session::now());
        }
    })
}

/// Checks a token the user created (ping, then an authenticated request to the PyPI repository); the user
/// name comes from the token's JWT `sub` when not given.
fn check_token(username: Option<&str>, token: &Secret, settings: &Settings) -> Result<(String, Session)> {
    let user = match username {
        Some(u) => u.to_string(),
        None => username_from_jwt(token).ok_or(ArtifactoryError::OpaqueToken)?,
    };
    let stored = Session::from_jwt(token);
    if stored.expired(session::now()) {
        return Err(ArtifactoryError::Expired.into());
    }
    let client = session::client(settings)?;
    client.ping()?;
    client.check_token(&user, token, &settings.site.artifactory.pypi_remote)?;
    Ok((user, stored))
}

/// Stores the token and its session under the refresh lock.
fn save(
    store: &crate::store::SecretStore,
    settings: &Settings,
    user: &str,
    token: &Secret,
    stored: &Session,
) -> Result<()> {
    let data_dir = &settings.paths.data_dir;
    ensure_private_dir(data_dir).with_context(|| format!("cannot create `{}`", data_dir.display()))?;
    let _lock = FileLock::acquire(&data_dir.join("artifactory-token.lock"))?;
    session::save(store, settings, user, token, stored)
        .with_context(|| format!("cannot store the token of `{user}`"))
}

/// What `devkit login artifactory --username USER --token-stdin` does once it has the token (used by onboarding).
pub(crate) fn login_with_token(
    user: &str,
    token: &Secret,
    settings: &Settings,
    printer: &Printer,
) -> Result<()> {
    let (store, _) = secret_store::open(settings, printer)?;
    let (user, stored) = check_token(Some(user), token, settings)?;
    save(&store, settings, &user, token, &stored)
}

/// Runs `devkit logout artifactory`.
pub fn logout_artifactory(
    args: &LogoutArtifactoryArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus> {
    let (store, _) = secret_store::open(settings, printer)?;
    let user = session::user(&store, settings, args.username.as_deref())?;
    let token_service = session::token_service(settings);
    if let Some(token) = store.get(&token_service, &user)? {
        revoke(&store, settings, printer, &user, token)?;
    }
    configure::remove_secrets(settings, printer)?;
    store.delete(&session::session_service(settings), &user)?;
    if store.delete(&token_service, &user)? {
        printer.status("Removed", format!("the token of `{user}` from the secret store"));
    }
    Ok(ExitStatus::Success)
}

fn revoke(
    store: &crate::store::SecretStore,
    settings: &Settings,
    printer: &Printer,
    user: &str,
    token: Secret,
) -> Result<()> {
    use crate::artifactory::Client;
    let mut stored = session::load(store, settings, user, &token)?;
    let Some(mut id) = stored.token_id.clone() else {
        printer.warn(
            "the token was not revoked: devkit does not know its id (revoke it in Artifactory's web UI)",
        );
        return Ok(());
    };
    let client: Client = session::client(settings)?;
    let mut token = token;
    revoke_minted(settings, printer, user, &token, Some(&id))?;
    let mut outcome = client.revoke(&id, &token);
    // A 401 with a refreshable token: the access token expired; refresh it and revoke the new one.
    if matches!(outcome, Ok(Revoked::Refused(401))) && stored.refresh_token.is_some() {
        if let Ok(Refreshed::Yes) = session::refresh(store, settings, user, true) {
            if let Some(t) = store.get(&session::token_service(settings), user)? {
                token = t;
                stored = session::load(store, settings, user, &token)?;
                id = stored.token_id.clone().unwrap_or(id);
                outcome = client.revoke(&id, &token);
            }
        }
    }
    if matches!(
        outcome,
        Ok(Revoked::Now | Revoked::Already | Revoked::Refused(404))
    ) {
        let host = crate::store::host_of(&settings.site.artifactory.url);
        session::update_record(settings, |r| r.forget(host, &id, session::now()))?;
    }
    match outcome {
        Ok(Revoked::Now) => printer.status("Revoked", format!("the Artifactory token `{id}`")),
        Ok(Revoked::Already) => printer.info(format!("the token `{id}` was already revoked")),
        Ok(Revoked::Refused(status)) => printer.warn(format!(
            "artifactory did not revoke the token `{id}` ({status}); it stays valid until it expires"
        )),
        Err(e) => printer.warn(format!(
            "the token was not revoked: {e}; it stays valid until it expires"
        )),
    }
    Ok(())
}

fn read_stdin(what: &str) -> Result<Secret> {
    let mut raw = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut raw)
        .with_context(|| format!("cannot read the {what} from stdin"))?;
    let value = Secret::new(raw.trim_end_matches(['\n', '\r']));
    if value.is_empty() {
        return Err(UserError::with_hint(
            format!("no {what} on stdin"),
            format!("pipe it in, e.g. `devkit login artifactory ... < {what}-file`"),
        )
        .into());
    }
    Ok(value)
}
