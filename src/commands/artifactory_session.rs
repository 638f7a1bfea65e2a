//! The Artifactory token across commands: an HTTP client configured from the site profile and the environment,
//! the session entry (refresh token, id, expiry) beside the token in the store, and refresh under a lock with a
//! re-read of the store, because the refresh token rotates and concurrent refreshes would break the chain.

use crate::artifactory::minted::{Minted, Record};
use crate::artifactory::{ArtifactoryError, Client, Session};
use crate::atomic_file::{FileLock, ensure_private_dir};
use crate::error::UserError;
use crate::http::HttpError;
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::store::{SecretStore, host_of, service_for_host};
use anyhow::{Context, Result};

/// The lock file serialising refreshes (in the data folder).
const LOCK: &str = "artifactory-token.lock";

/// The store service of Artifactory tokens: `devkit:<host>`.
pub fn token_service(settings: &Settings) -> String {
    service_for_host(host_of(&settings.site.artifactory.url))
}

/// The store service of the session beside each token: `devkit-session:<host>`.
pub fn session_service(settings: &Settings) -> String {
    format!("devkit-session:{}", host_of(&settings.site.artifactory.url))
}

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An Artifactory client with the shared HTTP settings (`http_setup`).
pub fn client(settings: &Settings) -> Result<Client> {
    let cfg = super::http_setup::config(settings)?;
    Ok(Client::new(&settings.site.artifactory.url, &cfg)?)
}

/// Reads, changes and writes the record of the tokens devkit minted (ids only, in the data folder) under its
/// own lock, so that concurrent logins lose no entry.
pub fn update_record<T>(settings: &Settings, change: impl FnOnce(&mut Record) -> T) -> Result<T> {
    let dir = &settings.paths.data_dir;
    ensure_private_dir(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let _lock = FileLock::acquire(&dir.join("artifactory-tokens.lock"))?;
    let path = dir.join("artifactory-tokens.json");
    let mut record =
        Record::load(&path).with_context(|| format!("cannot read the token record `{}`", path.display()))?;
    let out = change(&mut record);
    record.save().context("cannot write the token record")?;
    Ok(out)
}

/// Records a token devkit minted, and forgets the one it replaces (a refresh revokes the old token).
pub fn record_minted(
    settings: &Settings,
    user: &str,
    session: &Session,
    replaces: Option<&str>,
) -> Result<()> {
    let Some(id) = &session.token_id else {
        return Ok(());
    };
    let host = host_of(&settings.site.artifactory.url).to_string();
    update_record(settings, |record| {
        if let Some(old) = replaces {
            record.forget(&host, old, now());
        }
        record.add(Minted {
            host,
            user: user.to_string(),
            id: id.clone(),
            expires_at: session.expires_at,
        });
    })
}

/// The session stored for `user`: the stored one, else what the token itself says (JWT), else nothing known.
pub fn load(store: &SecretStore, settings: &Settings, user: &str, token: &Secret) -> Result<Session> {
    let stored = store.get(&session_service(settings), user)?;
    Ok(stored
        .as_ref()
        .and_then(Session::from_secret)
        .unwrap_or_else(|| Session::from_jwt(token)))
}

/// Stores a token and its session (the session first: it holds the refresh token, which must not be lost).
pub fn save(
    store: &SecretStore,
    settings: &Settings,
    user: &str,
    token: &Secret,
    session: &Session,
) -> Result<()> {
    store.set(&session_service(settings), user, &session.to_secret())?;
    store.set(&token_service(settings), user, token)?;
    Ok(())
}

/// What `refresh` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// A new token was stored.
    Yes,
    /// The stored token did not need it (or another process just refreshed it).
    NotNeeded,
}

/// Refreshes `user`'s token if `force`, or if it is near expiry. Holds the refresh lock and re-reads the store
/// first, so two processes never use the same refresh token. An expired token that cannot be refreshed is an
/// error telling to log in again.
pub fn refresh(store: &SecretStore, settings: &Settings, user: &str, force: bool) -> Result<Refreshed> {
    let data_dir = &settings.paths.data_dir;
    ensure_private_dir(data_dir).with_context(|| format!("cannot create `{}`", data_dir.display()))?;
    let _lock = FileLock::acquire(&data_dir.join(LOCK))?;
    let Some(token) = store.get(&token_service(settings), user)? else {
        return Ok(Refreshed::NotNeeded);
    };
    let session = load(store, settings, user, &token)?;
    let now = now();
    if !force && !session.near_expiry(now) {
        return Ok(Refreshed::NotNeeded);
    }
    let Some(refresh_token) = &session.refresh_token else {
        if session.expired(now) {
            return Err(ArtifactoryError::Expired.into());
        }
        if force {
            return Err(ArtifactoryError::NotRefreshable.into());
        }
        return Ok(Refreshed::NotNeeded);
    };
    let client = client(settings)?;
    let (new_token, new_session) = match client.refresh(refresh_token, &token, now) {
        Err(ArtifactoryError::Http(HttpError::AnswerLost { reason, .. })) => {
            reconcile_refresh(&client, settings, user, &token, &reason)?;
            // The old token still works, so the refresh was not carried out: sending it again is safe.
            client.refresh(refresh_token, &token, now)?
        }
        other => other?,
    };
    save(store, settings, user, &new_token, &new_session)?;
    record_minted(settings, user, &new_session, session.token_id.as_deref())?;
    Ok(Refreshed::Yes)
}

/// After a refresh whose answer was lost: finds out whether Artifactory carried it out (then the stored token is
/// revoked and its successor never arrived: say so, never send the used refresh token again) or not (`Ok`).
fn reconcile_refresh(
    client: &Client,
    settings: &Settings,
    user: &str,
    token: &Secret,
    reason: &str,
) -> Result<()> {
    match client.check_token(user, token, &settings.site.artifactory.pypi_remote) {
        Ok(()) => Ok(()),
        Err(ArtifactoryError::BadToken { .. }) => Err(UserError::with_hint(
            format!(
                "artifactory refreshed the token of `{user}` but its answer was lost ({reason}): the stored token \
                 is revoked and the new one never arrived"
            ),
            "log in again with `devkit login artifactory --username USER --password-stdin`",
        )
        .into()),
        Err(e) => Err(anyhow::Error::new(e).context(format!(
            "the refresh of the token of `{user}` got no answer ({reason}) and devkit cannot tell whether \
             Artifactory carried it out"
        ))),
    }
}

/// Before a command uses `user`'s token: refreshes it when near expiry (telling so), fails clearly when it
/// expired and cannot be refreshed. Returns whether the stored token changed.
pub fn ensure_fresh(store: &SecretStore, settings: &Settings, printer: &Printer, user: &str) -> Result<bool> {
    let Some(token) = store.get(&token_service(settings), user)? else {
        return Ok(false);
    };
    let session = load(store, settings, user, &token)?;
    if !session.near_expiry(now()) {
        return Ok(false);
    }
    let refreshed = refresh(store, settings, user, false)? == Refreshed::Yes;
    if refreshed {
        printer.status("Refreshed", format!("the Artifactory token of `{user}`"));
    }
    Ok(refreshed)
}

/// The user whose token to use: `given`, else the only one stored.
pub fn user(store: &SecretStore, settings: &Settings, given: Option<&str>) -> Result<String> {
    if let Some(u) = given {
        return Ok(u.to_string());
    }
    let service = token_service(settings);
    let mut users = store.users(&service)?;
    match users.len() {
        1 => Ok(users.remove(0)),
        0 => Err(crate::error::UserError::with_hint(
            format!("no Artifactory token stored for `{service}`"),
            "log in with `devkit login artifactory --username USER --password-stdin`",
        )
        .into()),
        _ => Err(crate::error::UserError::with_hint(
            format!("several users have a token for `{service}`: {}", users.join(", ")),
            "choose one with `--username USER`",
        )
        .into()),
    }
}
