//! The logic of `cargo-credential-devkit`: cargo's credential-provider protocol (JSON lines on stdin/stdout,
//! version 1) served from devkit's secret store, so cargo gets the Artifactory token for the sparse index
//! without a plaintext `credentials.toml`. Only `get` is supported, and only for registries the site's
//! Artifactory serves; the token goes to stdout only in a `get` answer, which is the protocol's purpose.
#![allow(clippy::print_stderr)]

use crate::images::credentials::resolve;
use crate::store::host_of;
use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// The file name cargo runs (next to `devkit`).
pub const BINARY: &str = "cargo-credential-devkit";

/// Serves requests until cargo closes stdin.
pub fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{BINARY}: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    if !std::env::args().any(|a| a == "--cargo-plugin") {
        anyhow::bail!(
            "this is a cargo credential provider: set `credential-provider` in cargo's config (devkit configure cargo does)"
        );
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", json!({"v": [1]}))?;
    out.flush()?;
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = zeroize::Zeroizing::new(line.context("cannot read the request from cargo")?);
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(request) => answer(&request),
            Err(e) => other(format!("the request is not JSON: {e}")),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}

fn other(message: String) -> Value {
    json!({"Err": {"kind": "other", "message": message, "caused-by": []}})
}

/// The answer to one request.
fn answer(request: &Value) -> Value {
    let kind = request.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind != "get" {
        return json!({"Err": {"kind": "operation-not-supported"}});
    }
    let index = request
        .pointer("/registry/index-url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let url = index.strip_prefix("sparse+").unwrap_or(index);
    let (settings, store) = match super::docker_helper::open_quietly() {
        Ok(s) => s,
        Err(e) => return other(format!("{e:#}")),
    };
    if host_of(url) != host_of(&settings.site.artifactory.url) {
        return json!({"Err": {"kind": "url-not-supported"}});
    }
    match resolve(&store, url, &settings.site.artifactory) {
        Ok(Some(found)) => json!({"Ok": {
            "kind": "get",
            "token": format!("Bearer {}", found.credentials.password.expose()),
            "cache": "session",
            "operation_independent": true,
        }}),
        Ok(None) => json!({"Err": {"kind": "not-found"}}),
        Err(e) => other(e.to_string()),
    }
}
