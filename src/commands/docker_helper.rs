//! The logic of `docker-credential-devkit`: one action per call, the request on stdin, the answer on stdout,
//! as docker-credential-helpers define it. The secret is written to stdout only for `get`, which is the
//! protocol's purpose; messages go to stderr and never carry it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::env_vars::EnvVars;
use crate::images::credentials::resolve;
use crate::secret::Secret;
use crate::settings::{Overrides, Settings};
use crate::store::{self, SecretStore, StoreKind, host_of, service_for_host};
use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use std::process::ExitCode;

/// What docker prints when a helper has nothing for a server.
const NOT_FOUND: &str = "credentials not found in native keychain";

/// The settings and the secret store of a helper process (no flags, no output: its stdout is the protocol's).
pub fn open_quietly() -> Result<(Settings, SecretStore)> {
    let global = Overrides {
        site: std::env::var_os(EnvVars::DEVKIT_SITE).map(Into::into),
        set: Vec::new(),
    };
    let settings = Settings::from_env(&global)?;
    let forced = settings
        .secret_store
        .as_deref()
        .map(str::parse::<StoreKind>)
        .transpose()?;
    let (store, _) = store::select(forced, &settings.paths.data_dir)?;
    Ok((settings, store))
}

/// Runs one action; the exit code docker expects.
pub fn main(action: Option<&str>) -> ExitCode {
    match run(action) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("docker-credential-devkit: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(action: Option<&str>) -> Result<ExitCode> {
    let action = action.unwrap_or_default();
    if action == "version" {
        println!("docker-credential-devkit {}", env!("CARGO_PKG_VERSION"));
        return Ok(ExitCode::SUCCESS);
    }
    if !matches!(action, "get" | "store" | "erase" | "list") {
        bail!("unknown action `{action}`: expected get, store, erase, list or version");
    }
    let (settings, store) = open_quietly()?;
    let mut input = zeroize::Zeroizing::new(String::new());
    if action != "list" {
        std::io::stdin()
            .read_to_string(&mut input)
            .context("cannot read stdin")?;
    }
    let mut out = std::io::stdout().lock();
    match action {
        "get" => {
            let server = input.trim();
            match resolve(&store, server, &settings.site.artifactory)? {
                Some(found) => {
                    let c = found.credentials;
                    let answer = serde_json::json!({"ServerURL": server, "Username": c.username, "Secret": c.password.expose()});
                    writeln!(out, "{answer}")?;
                }
                None => {
                    writeln!(out, "{NOT_FOUND}")?;
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        "store" => {
            let request: serde_json::Value =
                serde_json::from_str(&input).context("stdin is not a JSON object")?;
            let field = |name: &str| {
                request
                    .get(name)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let service = service_for_host(host_of(&field("ServerURL")));
            store.set(&service, &field("Username"), &Secret::new(field("Secret")))?;
        }
        "erase" => {
            let service = service_for_host(host_of(input.trim()));
            for user in store.users(&service)? {
                store.delete(&service, &user)?;
            }
        }
        _ => {
            let mut map = serde_json::Map::new();
            for (service, user) in store.list()? {
                if let Some(host) = service.strip_prefix("devkit:") {
                    map.insert(host.to_string(), serde_json::Value::String(user));
                }
            }
            writeln!(out, "{}", serde_json::Value::Object(map))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
