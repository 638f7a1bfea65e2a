//! Opens devkit's secret store for a command, turning `DEVKIT_SECRET_STORE` into a choice and reporting a
//! fallback to the file store as one plain warning, once per process (the raw cause only with `-v`).

use crate::printer::Printer;
use crate::settings::Settings;
use crate::store::{self, Reason, SecretStore, StoreKind};
use anyhow::Result;

/// The store for this command, and why it was chosen.
pub fn open(settings: &Settings, printer: &Printer) -> Result<(SecretStore, Reason)> {
    let forced = settings
        .secret_store
        .as_deref()
        .map(str::parse::<StoreKind>)
        .transpose()?;
    let (store, reason) = store::select(forced, &settings.paths.data_dir)?;
    if let Reason::KeyringUnavailable(why) = &reason {
        // The printer says each warning once per process, however often a command opens the store.
        printer.debug(format!("keyring: {why}"));
    }
    if let Some(sentence) = reason.fallback_sentence(&store.location()) {
        printer.warn(sentence);
    }
    printer.debug(format!("secret store: {}", store.location()));
    Ok((store, reason))
}

/// A sentence saying why the store was chosen.
pub fn describe(reason: &Reason) -> String {
    match reason {
        Reason::Forced => "chosen by `DEVKIT_SECRET_STORE`".into(),
        Reason::KeyringAvailable => "the system keyring answered".into(),
        // The raw cause (D-Bus text) is a debug line of `open`, shown with -v.
        Reason::KeyringUnavailable(_) => "fallback: no system keyring answered (the cause with -v)".into(),
    }
}

/// The stored credential for registry `host`, by the one rule of `images::credentials` (its own entry, else the
/// site Artifactory's when that Artifactory serves the host), for `images`, container jobs and the helper alike.
pub fn registry_credentials(
    host: &str,
    settings: &Settings,
    printer: &Printer,
) -> Result<Option<crate::images::Credentials>> {
    let (store, _) = open(settings, printer)?;
    let found = crate::images::credentials::resolve(&store, host, &settings.site.artifactory)?;
    Ok(found.map(|f| {
        printer.debug(format!(
            "registry `{host}`: credential of `{}` from `{}`",
            f.credentials.username, f.service
        ));
        f.credentials
    }))
}
