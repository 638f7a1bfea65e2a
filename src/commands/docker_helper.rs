//! The logic of `docker-credential-devkit`: one action per call, the request on stdin, the answer on stdout,
//! as docker-credential-helpers define it. The secret is written to stdout only for `get`, which is the
//! protocol's purpose; messages go to stderr and never carry it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::env_vars::EnvVars;
use crate::secret::Secret;
use crate::settings::{Overrides, Settings};
use crate::store::{self, SecretStore, StoreKind, host_of, service_for_host};
use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use std::process::ExitCode;

/// What docker prints when a helper has nothing for a server.
const NOT_FOUND: &str = "credentials not found in native keychain";

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
            match lookup(&store, server)? {
                Some((user, token)) => {
                    let answer =
                        serde_json::json!({"ServerURL": server, "Username": user, "Secret": token.expose()});
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

/// The first user with a token for `server`'s host, and the token.
fn lookup(store: &SecretStore, server: &str) -> Result<Option<(String, Secret)>> {
    let service = service_for_host(host_of(server));
    for user in store.users(&service)? {
        if let Some(token) = store.get(&service, &user)? {
            return Ok(Some((user, token)));
        }
    }
    Ok(None)
}
