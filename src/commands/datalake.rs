//! `devkit login datalake`, `logout datalake`, `datalake credentials` and the Datalake part of `configure s3`:
//! the key lives in devkit's secret store; client files get it only where a client cannot ask devkit for it.

use super::secret_store;
use crate::cli::{DatalakeCommand, LoginDatalakeArgs};
use crate::configure::Client;
use crate::configure::s3::{self, S3Credential};
use crate::datalake::{self, KeyError};
use crate::error::{ExitStatus, UserError};
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::store::SecretStore;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Read};

/// Runs `devkit datalake`.
pub fn run(command: &DatalakeCommand, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    match command {
        DatalakeCommand::Credentials => credentials(settings, printer),
        DatalakeCommand::Ls(args) => super::datalake_ops::ls(args, settings, printer),
        DatalakeCommand::Collections => super::datalake_ops::collections(settings, printer),
        DatalakeCommand::Restore(args) => super::datalake_ops::restore(args, settings, printer),
        DatalakeCommand::Aux { name } => super::datalake_ops::aux(name.as_deref(), settings, printer),
    }
}

pub(super) fn key_error(e: KeyError) -> anyhow::Error {
    match e.hint() {
        Some(hint) => UserError::with_hint(e.to_string(), hint).into(),
        None => UserError::new(e.to_string()).into(),
    }
}

/// The stored key, or a clear error saying how to store one.
fn key(store: &SecretStore, settings: &Settings) -> Result<datalake::DatalakeKey> {
    datalake::load(store, &settings.site.datalake.endpoint).map_err(key_error)
}

/// Whether a Datalake key is stored (`configure all` includes s3 only then).
pub(crate) fn key_stored(settings: &Settings, printer: &Printer) -> Result<bool> {
    let (store, _) = secret_store::open(settings, printer)?;
    match datalake::load(&store, &settings.site.datalake.endpoint) {
        Ok(_) => Ok(true),
        Err(KeyError::Missing { .. }) => Ok(false),
        Err(e) => Err(key_error(e)),
    }
}

/// The keys of `configure s3` and the secret to mask in diffs.
pub(crate) fn plan(store: &SecretStore, settings: &Settings) -> Result<(Vec<crate::configure::Op>, Secret)> {
    let key = key(store, settings)?;
    let target = datalake::target(settings);
    let cred = S3Credential {
        access_key_id: key.access_key_id,
        secret: key.secret.clone(),
    };
    Ok((s3::plan(&target, &cred), key.secret))
}

/// What the user must know once the S3 clients are configured.
pub(crate) fn after_configure(settings: &Settings, printer: &Printer) {
    let t = datalake::target(settings);
    printer.info(format!(
        "awscli, boto3 and s3fs: `AWS_PROFILE={}` or `--profile {}` (the key comes from devkit through credential_process); rclone: `{}:bucket/key`",
        t.profile, t.profile, t.profile
    ));
    printer.info(
        "s3cmd and GDAL cannot ask devkit for the key: it is in `~/.s3cfg` and `~/.gdal/gdalrc`, readable by you only",
    );
    printer.info(format!(
        "awscli older than 2.13 (Debian 12 has 2.9) ignores the profile's endpoint: pass `--endpoint-url {}` or install a newer awscli",
        t.endpoint
    ));
    if t.ca_bundle.is_some() {
        printer.info("rclone reads no CA bundle from its config: pass `--ca-cert` with the site bundle");
    }
}

/// `devkit login datalake`: stores the key; the secret from stdin or a hidden prompt, never from argv.
pub fn login(args: &LoginDatalakeArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let id = args.access_key_id.trim();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_graphic()) {
        return Err(UserError::with_hint(
            "the access key id must be printable ASCII without spaces",
            "copy it again from the Datalake key page",
        )
        .into());
    }
    let secret = read_secret(args.secret_stdin)?;
    let (store, _) = secret_store::open(settings, printer)?;
    let service = datalake::service(&settings.site.datalake.endpoint);
    for other in store.users(&service)? {
        if other != id {
            store.delete(&service, &other)?;
        }
    }
    store
        .set(&service, id, &secret)
        .with_context(|| format!("cannot store the key for `{service}`"))?;
    printer.status("Stored", format!("Datalake key `{id}` in {}", store.location()));
    printer.hint("run `devkit configure s3` to give every S3 client access");
    Ok(ExitStatus::Success)
}

fn read_secret(from_stdin: bool) -> Result<Secret> {
    let raw = if from_stdin {
        let mut raw = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut raw)
            .context("cannot read the secret from stdin")?;
        raw
    } else if std::io::stdin().is_terminal() {
        zeroize::Zeroizing::new(
            dialoguer::Password::new()
                .with_prompt("Datalake secret access key")
                .interact()
                .context("cannot read the secret")?,
        )
    } else {
        return Err(UserError::with_hint(
            "no terminal to ask for the secret",
            "pass it on stdin: `devkit login datalake --access-key-id ID --secret-stdin < secret-file`",
        )
        .into());
    };
    let secret = raw.trim();
    if secret.is_empty() || secret.chars().any(char::is_control) || secret.contains(char::is_whitespace) {
        return Err(UserError::with_hint(
            "the secret access key is empty or holds spaces or control characters",
            "give exactly the secret, on one line",
        )
        .into());
    }
    Ok(Secret::new(secret))
}

/// `devkit logout datalake`: undoes `configure s3` (the files that held the key) and removes the key.
pub fn logout(settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    super::configure::undo_clients(&[Client::S3], settings, printer)?;
    let (store, _) = secret_store::open(settings, printer)?;
    let service = datalake::service(&settings.site.datalake.endpoint);
    let mut removed = false;
    for user in store.users(&service)? {
        removed |= store.delete(&service, &user)?;
    }
    if removed {
        printer.status("Removed", "the Datalake key from the secret store");
    } else {
        printer.info("no Datalake key was stored");
    }
    Ok(ExitStatus::Success)
}

/// `devkit datalake credentials`: the `credential_process` document on stdout, nothing else.
fn credentials(settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let (store, _) = secret_store::open(settings, printer)?;
    let key = key(&store, settings)?;
    printer.data(datalake::credential_process_json(&key).expose())?;
    Ok(ExitStatus::Success)
}
