//! `devkit configure <client>`: writes each client's configuration from the site profile and the stored token,
//! shows a masked diff with `--dry-run`, and takes back exactly what it added with `--undo`.

use crate::atomic_file::{FileLock, ensure_private_dir};
use crate::cli::{ConfigureArgs, ConfigureClient};
use crate::commands::{artifactory_session, secret_store};
use crate::configure::transaction::{self, Faults, TxnError};
use crate::configure::{self, Client, Credential, FileChange, OWNED_FILE, Owned, Pass, Target};
use crate::error::{ExitStatus, UserError};
use crate::printer::Printer;
use crate::secret::{Secret, redact_in};
use crate::settings::Settings;
use crate::store::{SecretStore, StoreKind, host_of, service_for_host};
use anyhow::{Context, Result};
use std::path::Path;

/// Runs `devkit configure`.
pub fn run(args: &ConfigureArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let clients: Vec<Client> = match args.client {
        ConfigureClient::Pip => vec![Client::Pip],
        ConfigureClient::Uv => vec![Client::Uv],
        ConfigureClient::Twine => vec![Client::Twine],
        ConfigureClient::Conda => vec![Client::Conda],
        ConfigureClient::Docker => vec![Client::Docker],
        ConfigureClient::Cargo => vec![Client::Cargo],
        ConfigureClient::S3 => vec![Client::S3],
        ConfigureClient::All => {
            let mut all = Client::ALL.to_vec();
            if !args.undo && !super::datalake::key_stored(settings, printer)? {
                printer.info("s3 skipped: no Datalake key stored (`devkit login datalake` first)");
                all.retain(|c| *c != Client::S3);
            }
            all
        }
    };
    apply(&clients, args, settings, printer)
}

/// Configures (or undoes) `clients` in one pass under the configure lock.
fn apply(
    clients: &[Client],
    args: &ConfigureArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus> {
    let data_dir = &settings.paths.data_dir;
    let _lock = if args.dry_run {
        if data_dir.join(transaction::JOURNAL).exists() {
            printer.warn("an earlier run was interrupted: the next run first restores the files it changed");
        }
        None
    } else {
        ensure_private_dir(data_dir).with_context(|| format!("cannot create `{}`", data_dir.display()))?;
        let lock = FileLock::acquire(&data_dir.join("configure.lock"))?;
        recover(data_dir, printer)?;
        Some(lock)
    };
    if args.undo {
        let (pass, keyring) = Pass::undo(data_dir, clients)?;
        let store = if keyring.is_empty() {
            None
        } else {
            Some(secret_store::open(settings, printer)?.0)
        };
        if args.dry_run {
            show_diffs(&pass.changes, &[], printer)?;
            for (service, user) in &keyring {
                printer.info(format!("would remove the keyring entry `{service}` / `{user}`"));
            }
            return Ok(ExitStatus::Success);
        }
        write_changes(&pass, printer)?;
        if let Some(store) = store {
            for (service, user) in &keyring {
                store.delete(service, user)?;
                printer.status("Removed", format!("keyring entry `{service}` / `{user}`"));
            }
        }
        finish(&pass, printer);
        return Ok(ExitStatus::Success);
    }
    let target = target(settings)?;
    let (store, _) = secret_store::open(settings, printer)?;
    // docker and cargo get no secret in their files: only the other clients need the token now.
    let needs_token = clients
        .iter()
        .any(|c| !matches!(c, Client::Docker | Client::Cargo | Client::S3));
    let cred = if needs_token {
        let cred = credential(&store, &target, args.username.as_deref())?;
        if args.dry_run {
            cred
        } else if artifactory_session::ensure_fresh(&store, settings, printer, &cred.user)? {
            credential(&store, &target, Some(&cred.user))?
        } else {
            cred
        }
    } else {
        Credential {
            user: String::new(),
            token: Secret::new(""),
        }
    };
    // The site's registry is served by its Artifactory: with the Artifactory credential in hand the helper will
    // answer, and the keyring need not be asked again.
    if clients.contains(&Client::Docker) && !needs_token {
        let host = target.docker_host();
        if !crate::images::credentials::known(&store, &host, &target.artifactory)? {
            printer.warn(format!(
                "no token stored for `{host}`: docker-credential-devkit will answer \"not found\" until one is (`devkit secrets set registry --host {host} ...`)"
            ));
        }
    }
    let twine_keyring = store.kind() == StoreKind::Keyring;
    let mut ops = Vec::new();
    for client in clients {
        ops.extend(configure::plan(*client, &target, &cred, !twine_keyring));
    }
    let s3_key = if clients.contains(&Client::S3) {
        let (s3_ops, key) = super::datalake::plan(&store, settings)?;
        ops.extend(s3_ops);
        Some(key)
    } else {
        None
    };
    let mut pass = Pass::configure(data_dir, &ops)?;
    let keyring_needed = twine_keyring && clients.contains(&Client::Twine);
    let upload = target.pypi_upload();
    if args.dry_run {
        let mut secrets = vec![&cred.token];
        secrets.extend(s3_key.as_ref());
        show_diffs(&pass.changes, &secrets, printer)?;
        if keyring_needed && store.get(&upload, &cred.user)?.as_ref() != Some(&cred.token) {
            printer.info(format!(
                "would store the token in the keyring for twine under `{upload}` / `{}`",
                cred.user
            ));
        }
        return Ok(ExitStatus::Success);
    }
    if keyring_needed {
        pass.owned.own_keyring(Client::Twine.name(), &upload, &cred.user);
    }
    write_changes(&pass, printer)?;
    if keyring_needed && store.get(&upload, &cred.user)?.as_ref() != Some(&cred.token) {
        store.set(&upload, &cred.user, &cred.token)?;
        printer.status(
            "Stored",
            format!("token for twine in the keyring under `{upload}`"),
        );
    }
    if s3_key.is_some() {
        super::datalake::after_configure(settings, printer);
    }
    finish(&pass, printer);
    Ok(ExitStatus::Success)
}

/// Undoes what devkit wrote for `clients` (`devkit logout datalake`).
pub(crate) fn undo_clients(clients: &[Client], settings: &Settings, printer: &Printer) -> Result<()> {
    let args = ConfigureArgs {
        client: ConfigureClient::All,
        dry_run: false,
        undo: true,
        username: None,
    };
    apply(clients, &args, settings, printer).map(|_| ())
}

fn target(settings: &Settings) -> Result<Target> {
    Ok(Target::from_settings(settings))
}

fn credential(store: &SecretStore, target: &Target, user: Option<&str>) -> Result<Credential> {
    let service = service_for_host(host_of(&target.url));
    let set_hint = "store it with `devkit secrets set artifactory --username USER --token-stdin`";
    let user = match user {
        Some(u) => u.to_string(),
        None => {
            let mut users = store.users(&service)?;
            match users.len() {
                1 => users.remove(0),
                0 => {
                    return Err(
                        UserError::with_hint(format!("no token stored for `{service}`"), set_hint).into(),
                    );
                }
                _ => {
                    return Err(UserError::with_hint(
                        format!("several users have a token for `{service}`: {}", users.join(", ")),
                        "choose one with `--username USER`",
                    )
                    .into());
                }
            }
        }
    };
    let token = store.get(&service, &user)?.ok_or_else(|| {
        UserError::with_hint(format!("no token stored for `{user}` on `{service}`"), set_hint)
    })?;
    Ok(Credential { user, token })
}

fn show_diffs(changes: &[FileChange], secrets: &[&Secret], printer: &Printer) -> Result<()> {
    let mut any = false;
    for change in changes.iter().filter(|c| c.changed()) {
        any = true;
        let name = change.path.display().to_string();
        let old = change.old.as_deref().unwrap_or_default();
        let new = change.new.as_deref().unwrap_or_default();
        let mut options = diffy::DiffOptions::new();
        options
            .set_original_filename(name.clone())
            .set_modified_filename(name);
        let patch = options.create_patch(old, new).to_string();
        printer.data(&mask_passwords(&redact_in(&patch, secrets)))?;
    }
    if !any {
        printer.info("unchanged: nothing to write");
    }
    Ok(())
}

/// Rolls back a run that was interrupted between two renames.
fn recover(data_dir: &Path, printer: &Printer) -> Result<()> {
    if configure::recover(data_dir).map_err(txn_error)? {
        printer.warn("an earlier run was interrupted: its files were restored as they were before it");
    }
    Ok(())
}

fn txn_error(e: TxnError) -> anyhow::Error {
    let hint = e.hint();
    UserError::with_hint(e.to_string(), hint).into()
}

/// Values after `password`, `passwd`, `auth` or `secret` keywords, masked in diffs of private files.
fn mask_passwords(diff: &str) -> String {
    static RE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)\b(password|passwd|auth|secret)("?\s*[=:]?\s*)("(?:[^"\\]|\\.)*"|[^\s",}]+)"#,
        )
        .ok()
    });
    match RE.as_ref() {
        Some(re) => re
            .replace_all(diff, |c: &regex::Captures<'_>| {
                let quoted = c[3].starts_with('"');
                format!("{}{}{}", &c[1], &c[2], if quoted { "\"****\"" } else { "****" })
            })
            .into_owned(),
        None => String::new(),
    }
}

/// Writes every changed file and the records in one transaction (nothing changes unless everything does).
fn write_changes(pass: &Pass, printer: &Printer) -> Result<()> {
    pass.commit(&Faults::from_env()).map_err(txn_error)?;
    for change in &pass.changes {
        let shown = change.path.display();
        if !change.changed() {
            printer.status("Unchanged", shown);
        } else if change.new.is_none() {
            printer.status("Removed", shown);
        } else if change.old.is_none() {
            printer.status("Created", shown);
        } else {
            printer.status("Updated", shown);
        }
    }
    Ok(())
}

fn finish(pass: &Pass, printer: &Printer) {
    if pass.unchanged() {
        printer.info("unchanged: everything was already configured");
    }
}

/// After the token changed (login, refresh): configures again every client whose files hold the token, so
/// they get the new one. Clients never configured are left alone.
pub fn rerender(settings: &Settings, printer: &Printer, user: &str) -> Result<()> {
    let owned =
        Owned::load(&settings.paths.data_dir).map_err(|e| UserError::new(format!("`{OWNED_FILE}`: {e}")))?;
    let mut names: Vec<&str> = Vec::new();
    for item in owned
        .items
        .iter()
        .filter(|i| i.written.is_none() || i.format == configure::Format::Netrc)
    {
        names.extend(item.clients.iter().map(String::as_str));
    }
    names.extend(
        owned
            .keyring
            .iter()
            .flat_map(|k| k.clients.iter().map(String::as_str)),
    );
    let clients: Vec<Client> = Client::ALL
        .into_iter()
        .filter(|c| names.contains(&c.name()))
        .collect();
    if !clients.is_empty() {
        let args = ConfigureArgs {
            client: ConfigureClient::All,
            dry_run: false,
            undo: false,
            username: Some(user.to_string()),
        };
        apply(&clients, &args, settings, printer)?;
    }
    Ok(())
}

/// Removes the token from every file devkit wrote it to (`.netrc`, `.pypirc`) and the keyring entries made
/// for clients; index URLs and other keys stay.
pub fn remove_secrets(settings: &Settings, printer: &Printer) -> Result<()> {
    let data_dir = &settings.paths.data_dir;
    ensure_private_dir(data_dir).with_context(|| format!("cannot create `{}`", data_dir.display()))?;
    let _lock = FileLock::acquire(&data_dir.join("configure.lock"))?;
    recover(data_dir, printer)?;
    let (pass, keyring) = Pass::undo_secrets(data_dir)?;
    write_changes(&pass, printer)?;
    if !keyring.is_empty() {
        let store = secret_store::open(settings, printer)?.0;
        for (service, user) in &keyring {
            store.delete(service, user)?;
            printer.status("Removed", format!("keyring entry `{service}` / `{user}`"));
        }
    }
    Ok(())
}
