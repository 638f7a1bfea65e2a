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
    let mut checks = check_all(ctx.settings, store, ctx.artifactory_login_hint);
    checks.extend(helper_check(ctx));
    checks
}

/// When docker is configured to use `docker-credential-devkit` for the site registry: that the helper on `PATH`
/// really answers `get` for it (the secret it prints is read and dropped, never shown).
fn helper_check(ctx: &Context<'_>) -> Option<Check> {
    let target = Target::from_settings(ctx.settings);
    let host = target.docker_host();
    let config = std::fs::read_to_string(target.home.join(".docker/config.json")).ok()?;
    let doc = crate::config_edit::Json::parse(&config).ok()?;
    if doc.get("credHelpers", &host).as_deref() != Some(configure::DOCKER_HELPER) {
        return None;
    }
    let name = "docker credential helper";
    let program = format!("docker-credential-{}", configure::DOCKER_HELPER);
    let on_path = super::process::which(&program, ctx.path.as_deref());
    // The one shipped with this devkit, when docker cannot find any: its answer is still worth checking.
    let beside = || {
        let p = std::env::current_exe().ok()?.parent()?.join(&program);
        p.is_file().then_some(p)
    };
    let Some(path) = on_path.clone().or_else(beside) else {
        return Some(
            Check::new(
                name,
                Status::Fail,
                format!("`{program}` is not installed: docker and skopeo get no credentials for `{host}`"),
            )
            .hint("install devkit again (`cargo install` puts its three programs together)"),
        );
    };
    let set_hint = format!(
        "store one: `devkit secrets set registry --host {host} --username USER --token-stdin` (or the Artifactory token when the registry is served by it)"
    );
    match ask_helper(&path, &host, ctx.timeout) {
        Err(why) => Some(
            Check::new(name, Status::Fail, format!("`{program} get` for `{host}`: {why}")).hint(set_hint),
        ),
        Ok(user) if on_path.is_none() => Some(
            Check::new(
                name,
                Status::Warn,
                format!(
                    "`{program}` answers for `{host}` (user `{user}`) but is not on PATH, where docker looks"
                ),
            )
            .hint(format!(
                "add `{}` to PATH",
                path.parent().map(|d| d.display().to_string()).unwrap_or_default()
            )),
        ),
        Ok(user) => Some(Check::new(
            name,
            Status::Ok,
            format!("`{program}` answers for `{host}` (user `{user}`)"),
        )),
    }
}

/// Runs `helper get` for `host`; the user it answers with.
fn ask_helper(helper: &Path, host: &str, limit: std::time::Duration) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(helper)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(host.as_bytes());
    }
    let start = std::time::Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer within {} s", limit.as_secs()));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let answer: Option<serde_json::Value> = serde_json::from_slice(&out.stdout).ok();
    let user = answer
        .as_ref()
        .and_then(|a| a.get("Username"))
        .and_then(|u| u.as_str())
        .map(str::to_string);
    let secret = answer
        .as_ref()
        .and_then(|a| a.get("Secret"))
        .and_then(|u| u.as_str());
    match (out.status.success(), user, secret) {
        (true, Some(user), Some(s)) if !s.is_empty() => Ok(user),
        (true, ..) => Err("the answer has no credential".into()),
        (false, ..) => Err("credentials not found".into()),
    }
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
    // The Datalake profile has its own check (doctor/datalake.rs).
    Client::ALL
        .iter()
        .filter(|client| **client != Client::S3)
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
