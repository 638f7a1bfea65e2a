//! `devkit images list|build|push`: resolves names (CI images or Dockerfile folders), the registry, tag and
//! build arguments from flags and the site profile, reads registry credentials from the secret store, and drives
//! the engine through `crate::images` on a current-thread runtime, showing progress through the printer.

use crate::cli::{Format, ImagesArgs};
use crate::commands::secret_store;
use crate::env_vars::EnvVars;
use crate::error::{ExitStatus, UserError};
use crate::images::build::{BuildEvent, BuildSpec};
use crate::images::catalog::{self, CatalogImage, DEVKIT_IN_CONTEXT};
use crate::images::context::{self, ExtraFile};
use crate::images::{ImagesError, engine, image_ref, registry, registry_host};
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::{Context, Result};
use bollard::Docker;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// An image to work on.
#[derive(Debug, Clone)]
enum Target {
    Catalog(&'static CatalogImage),
    Folder { name: String, dir: PathBuf },
}

impl Target {
    fn name(&self) -> &str {
        match self {
            Self::Catalog(image) => image.name,
            Self::Folder { name, .. } => name,
        }
    }
}

fn targets(names: &[String]) -> Result<Vec<Target>, ImagesError> {
    if names.is_empty() {
        return Ok(catalog::CATALOG.iter().map(Target::Catalog).collect());
    }
    names
        .iter()
        .map(|name| {
            if let Some(image) = catalog::find(name) {
                return Ok(Target::Catalog(image));
            }
            let dir = PathBuf::from(name);
            if dir.join("Dockerfile").is_file() {
                let dir = dir.canonicalize().unwrap_or(dir);
                let base = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .unwrap_or_else(|| "image".into());
                return Ok(Target::Folder { name: base, dir });
            }
            Err(ImagesError::UnknownImage(name.clone()))
        })
        .collect()
}

fn registry_of<'a>(args: &'a ImagesArgs, settings: &'a Settings) -> &'a str {
    args.registry
        .as_deref()
        .unwrap_or(&settings.site.artifactory.docker_registry)
        .trim_end_matches('/')
}

fn tag_of(args: &ImagesArgs) -> &str {
    args.tag.as_deref().unwrap_or(env!("CARGO_PKG_VERSION"))
}

/// Prints the CI images (or the named ones) and their references.
pub fn list(args: &ImagesArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let (registry, tag) = (registry_of(args, settings), tag_of(args));
    let rows: Vec<(String, String, String)> = targets(&args.names)?
        .iter()
        .map(|t| {
            let description = match t {
                Target::Catalog(image) => image.description.to_string(),
                Target::Folder { dir, .. } => format!("Dockerfile in `{}`", dir.display()),
            };
            (
                t.name().to_string(),
                image_ref(registry, t.name(), tag),
                description,
            )
        })
        .collect();
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(
            &rows
                .iter()
                .map(|(n, r, d)| serde_json::json!({"name": n, "reference": r, "description": d}))
                .collect::<Vec<_>>(),
        )?,
        Format::Text => {
            let mut out = String::new();
            for (name, reference, description) in &rows {
                writeln!(out, "{name:<8} {reference:<48} {description}")?;
            }
            out
        }
    };
    printer.data(&text)?;
    Ok(ExitStatus::Success)
}

/// The engine address and a note on where it came from.
fn engine_host() -> (String, String) {
    match std::env::var(EnvVars::DOCKER_HOST).ok().filter(|v| !v.is_empty()) {
        Some(host) => (host, " (from `DOCKER_HOST`)".into()),
        None => (
            engine::DEFAULT_HOST.into(),
            " (the default socket: `DOCKER_HOST` is not set)".into(),
        ),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn connect(rt: &tokio::runtime::Runtime, printer: &Printer) -> Result<Docker> {
    let (host, origin) = engine_host();
    printer.debug(format!("Docker engine: {host}{origin}"));
    let docker = engine::connect(&host, &origin)?;
    rt.block_on(engine::ping(&docker, &host, &origin))?;
    Ok(docker)
}

fn build_args(args: &ImagesArgs) -> Result<HashMap<String, String>, ImagesError> {
    args.build_args
        .iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(ImagesError::BadBuildArg(kv.clone())),
        })
        .collect()
}

/// Builds each image and tags it `REGISTRY/NAME:TAG`.
pub fn build(args: &ImagesArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let targets = targets(&args.names)?;
    let user_args = build_args(args)?;
    let (registry, tag) = (registry_of(args, settings), tag_of(args));
    let rt = runtime()?;
    let docker = connect(&rt, printer)?;
    for target in &targets {
        let reference = image_ref(registry, target.name(), tag);
        let mut build_args = HashMap::new();
        let (dir, dockerfile, extra, _staging) = match target {
            Target::Catalog(image) => {
                build_args.insert(
                    "BASE_REGISTRY".into(),
                    settings.site.artifactory.docker_registry.clone(),
                );
                build_args.insert("VERSION".into(), tag.to_string());
                let revision = std::env::var(EnvVars::CI_COMMIT_SHA).unwrap_or_else(|_| "unknown".into());
                build_args.insert("REVISION".into(), revision);
                let staging = tempfile::tempdir().context("cannot create a staging folder")?;
                fs_err::write(staging.path().join("Dockerfile"), image.dockerfile)?;
                let exe = std::env::current_exe().context("cannot find the running devkit binary")?;
                let bytes = fs_err::read(&exe)?;
                let extra = vec![ExtraFile {
                    name: DEVKIT_IN_CONTEXT.into(),
                    bytes,
                    mode: 0o755,
                }];
                (
                    staging.path().to_path_buf(),
                    "Dockerfile".to_string(),
                    extra,
                    Some(staging),
                )
            }
            Target::Folder { dir, .. } => (dir.clone(), "Dockerfile".to_string(), Vec::new(), None),
        };
        build_args.extend(user_args.clone());
        let mut credentials = HashMap::new();
        let mut hosts = vec![registry_host(registry).to_string()];
        if let Some(base) = build_args.get("BASE_REGISTRY") {
            hosts.push(registry_host(base).to_string());
        }
        hosts.dedup();
        for host in hosts {
            if let Some(c) = secret_store::registry_credentials(&host, settings, printer)? {
                credentials.insert(host, c);
            }
        }
        let tar = context::pack(&dir, &dockerfile, &extra)?;
        printer.status(
            "Building",
            format!("{reference} ({} KiB context)", tar.len() / 1024),
        );
        let spec = BuildSpec {
            reference: reference.clone(),
            dockerfile,
            context: tar,
            build_args,
            labels: HashMap::new(),
            credentials,
        };
        let outcome = rt.block_on(crate::images::build::build(&docker, spec, |event| match event {
            BuildEvent::Step(step) => {
                printer.progress(format!("step {step}"));
                printer.debug(format!("step {step}"));
            }
            BuildEvent::Log(line) => printer.debug(line),
        }));
        printer.progress_done();
        let id = outcome.map_err(|e| {
            let err = anyhow::Error::new(e);
            if printer.verbosity() < crate::printer::Verbosity::Verbose {
                err.context(UserError::with_hint(
                    format!("cannot build {reference}"),
                    "run again with -v to see the output of every build step",
                ))
            } else {
                err
            }
        })?;
        printer.status("Built", format!("{reference} {}", short_id(&id)));
    }
    Ok(ExitStatus::Success)
}

fn short_id(id: &str) -> String {
    let id = id.trim_start_matches("sha256:");
    id.chars().take(12).collect()
}

/// Pushes each built image, after checking the stored credential with the registry.
pub fn push(args: &ImagesArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let targets = targets(&args.names)?;
    let (registry, tag) = (registry_of(args, settings), tag_of(args));
    let host = registry_host(registry);
    let credentials = secret_store::registry_credentials(host, settings, printer)?.ok_or_else(|| {
        UserError::with_hint(
            format!("no credential for registry `{host}` in devkit's secret store"),
            "store it with `devkit secrets set artifactory --username USER --token-stdin`",
        )
    })?;
    registry::check(host, &credentials, &super::http_setup::config(settings)?)?;
    printer.debug(format!(
        "registry `{host}` accepted the credential of `{}`",
        credentials.username
    ));
    let rt = runtime()?;
    let docker = connect(&rt, printer)?;
    for target in &targets {
        let reference = image_ref(registry, target.name(), tag);
        printer.status("Pushing", &reference);
        let outcome = rt.block_on(crate::images::push::push(
            &docker,
            &reference,
            host,
            &credentials,
            |status| printer.progress(&status),
        ));
        printer.progress_done();
        let digest = outcome?;
        printer.status("Pushed", format!("{reference}@{digest}"));
        printer.data(&format!("{reference}@{digest}"))?;
    }
    Ok(ExitStatus::Success)
}
