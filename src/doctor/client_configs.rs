//! The package-client files `devkit configure` writes (pip, uv, twine, conda, docker, cargo): each one is what
//! the site profile and the stored token call for (what `devkit configure` would write changes nothing), and
//! files holding a secret are owner-only.

use super::{Check, Context, Status};
use crate::configure::{self, Client, Credential, Owned, Target};
use crate::settings::Settings;
use crate::store::{SecretStore, StoreKind, host_of, service_for_host};
use std::path::Path;

/// One check per client.
pub fn checks(ctx: &Context<'_>) -> Vec<Check> {
    let Ok(store) = &ctx.store else {
        return vec![Check::new("client configs", Status::Skipped, "no secret store")];
    };
    check_all(ctx.settings, store, ctx.artifactory_login_hint)
}

/// One check per client, with the credential of `store`.
pub fn check_all(settings: &Settings, store: &SecretStore, login_hint: &str) -> Vec<Check> {
    let target = Target::from_settings(settings);
    let service = service_for_host(host_of(&target.url));
    let user = store.users(&service).ok().and_then(|u| u.into_iter().next());
    let token = user.as_ref().and_then(|u| store.get(&service, u).ok().flatten());
    let (Some(user), Some(token)) = (user, token) else {
        return vec![
            Check::new(
                "client configs",
                Status::Skipped,
                "no Artifactory token: nothing to compare with",
            )
            .hint(login_hint),
        ];
    };
    let cred = Credential { user, token };
    let owned = match Owned::load(&settings.paths.data_dir) {
        Ok(o) => o,
        Err(e) => {
            return vec![
                Check::new("client configs", Status::Fail, format!("ownership record: {e}"))
                    .hint("fix or remove it (devkit then forgets what it added)"),
            ];
        }
    };
    let password_in_file = store.kind() != StoreKind::Keyring;
    Client::ALL
        .iter()
        .map(|client| one(*client, &target, &cred, &owned, password_in_file))
        .collect()
}

fn one(client: Client, target: &Target, cred: &Credential, owned: &Owned, password_in_file: bool) -> Check {
    let name = format!("config {}", client.name());
    let configure = format!("run `devkit configure {}`", client.name());
    let ops = configure::plan(client, target, cred, password_in_file);
    let read = |p: &Path| match std::fs::read_to_string(p) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    };
    let changes = match configure::compute(&ops, &mut owned.clone(), &read) {
        Ok(c) => c,
        Err(e) => {
            let hint = e.hint().unwrap_or(configure);
            return Check::new(name, Status::Fail, e.to_string()).hint(hint);
        }
    };
    let stale: Vec<String> = changes
        .iter()
        .filter(|c| c.changed())
        .map(|c| format!("`{}`", c.path.display()))
        .collect();
    if !stale.is_empty() {
        let what = if stale.iter().any(|f| f.contains(".netrc")) {
            " (the `.netrc` entry is missing or outdated)"
        } else {
            ""
        };
        return Check::new(
            name,
            Status::Fail,
            format!("{} not as the site profile wants{what}", stale.join(", ")),
        )
        .hint(configure);
    }
    for change in changes.iter().filter(|c| c.private) {
        if let Some(mode) = crate::atomic_file::existing_mode(&change.path) {
            if mode & 0o077 != 0 {
                let file = change.path.display();
                return Check::new(
                    name,
                    Status::Fail,
                    format!("`{file}` holds a secret and is readable by others (mode {mode:04o})"),
                )
                .hint(format!("run `chmod 600 {file}`"));
            }
        }
    }
    let files: Vec<String> = changes
        .iter()
        .map(|c| format!("`{}`", c.path.display()))
        .collect();
    Check::new(name, Status::Ok, files.join(", "))
}
