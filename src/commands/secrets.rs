//! `devkit secrets status|set|remove`: what the store holds (never values), and a way to put a token there
//! from stdin until `devkit login` exists.

use crate::cli::{Format, FormatArgs, SecretTarget, SecretsRemoveArgs, SecretsSetArgs};
use crate::commands::secret_store;
use crate::error::{ExitStatus, UserError};
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::store::{host_of, service_for_host};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::io::Read;

/// Prints which store is used, why, and its entries.
pub fn status(args: &FormatArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let (store, reason) = secret_store::open(settings, printer)?;
    let why = secret_store::describe(&reason);
    let entries = store.list()?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&serde_json::json!({
            "store": store.kind(),
            "location": store.location(),
            "reason": why,
            "entries": entries
                .iter()
                .map(|(s, u)| serde_json::json!({"service": s, "user": u}))
                .collect::<Vec<_>>(),
        }))?,
        Format::Text => {
            let mut out = String::new();
            let kind = serde_json::to_value(store.kind())?;
            writeln!(
                out,
                "store:    {} ({})",
                kind.as_str().unwrap_or("?"),
                store.location()
            )?;
            writeln!(out, "why:      {why}")?;
            if entries.is_empty() {
                writeln!(out, "entries:  none")?;
            } else {
                writeln!(out, "entries:")?;
                for (service, user) in &entries {
                    writeln!(out, "  {service}  {user}")?;
                }
            }
            out
        }
    };
    printer.data(&text)?;
    Ok(ExitStatus::Success)
}

/// Stores a token read from stdin.
pub fn set(args: &SecretsSetArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let service = service_for(args.target, args.host.as_deref(), settings)?;
    let token = read_token()?;
    let (store, _) = secret_store::open(settings, printer)?;
    store
        .set(&service, &args.username, &token)
        .with_context(|| format!("cannot store the token for `{service}`"))?;
    printer.status("Stored", format!("token of `{}` for `{service}`", args.username));
    Ok(ExitStatus::Success)
}

/// Removes a stored token.
pub fn remove(args: &SecretsRemoveArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let service = service_for(args.target, args.host.as_deref(), settings)?;
    let (store, _) = secret_store::open(settings, printer)?;
    if store.delete(&service, &args.username)? {
        printer.status("Removed", format!("token of `{}` for `{service}`", args.username));
    } else {
        printer.info(format!("no token of `{}` for `{service}`", args.username));
    }
    Ok(ExitStatus::Success)
}

/// The store service of the site Artifactory (`target` names no host of its own).
pub fn service_of(target: SecretTarget, settings: &Settings) -> String {
    match target {
        SecretTarget::Artifactory => service_for_host(host_of(&settings.site.artifactory.url)),
        SecretTarget::Registry => service_for_host(host_of(&settings.site.artifactory.docker_registry)),
    }
}

/// The store service of a target and its `--host`.
fn service_for(target: SecretTarget, host: Option<&str>, settings: &Settings) -> Result<String> {
    match (target, host) {
        (SecretTarget::Artifactory, None) => Ok(service_of(target, settings)),
        (SecretTarget::Artifactory, Some(_)) => Err(UserError::with_hint(
            "`--host` is for `registry` only",
            "store the Artifactory token without it, or use `devkit secrets set registry --host HOST ...`",
        )
        .into()),
        (SecretTarget::Registry, host) => {
            let host = host.unwrap_or(&settings.site.artifactory.docker_registry);
            let bare = host_of(host.trim());
            if bare.is_empty() || bare.contains(char::is_whitespace) {
                return Err(UserError::with_hint(
                    format!("`{host}` is not a registry host"),
                    "give it as docker does: `--host registry.example.org[:PORT]`",
                )
                .into());
            }
            Ok(service_for_host(bare))
        }
    }
}

fn read_token() -> Result<Secret> {
    let mut raw = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut raw)
        .context("cannot read the token from stdin")?;
    let token = Secret::new(raw.trim_end_matches(['\n', '\r']));
    if token.is_empty() {
        return Err(UserError::with_hint(
            "no token on stdin",
            "pipe it in, e.g. `devkit secrets set artifactory --username USER --token-stdin < token-file`",
        )
        .into());
    }
    Ok(token)
}
