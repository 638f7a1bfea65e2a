//! `devkit kernel add|list|remove`: a user's environment as a Jupyter kernel for the Datalabs, through the
//! leaf module `crate::kernel` (detection, wrapper, spec folder, health).

use crate::cli::{Format, FormatArgs, KernelAddArgs, KernelCommand, KernelRemoveArgs};
use crate::error::{ExitStatus, UserError};
use crate::kernel::env::{self, Lookup, PythonEnv};
use crate::kernel::health::{self, Verdict};
use crate::kernel::spec::{self, DevkitMeta, KernelSpec};
use crate::kernel::wrapper::{self, Extras};
use crate::kernel::{KernelError, ipykernel, name, search};
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::{Context as _, Result};
use std::fmt::Write as _;
use std::io::IsTerminal as _;

/// Runs a `devkit kernel` subcommand.
pub fn run(cmd: &KernelCommand, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    match cmd {
        KernelCommand::Add(args) => add(args, settings, printer),
        KernelCommand::List(args) => list(args, settings, printer),
        KernelCommand::Remove(args) => remove(args, settings, printer),
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn add(args: &KernelAddArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let lookup = Lookup { env: &process_env };
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let found = match &args.path {
        Some(p) => env::resolve(p, &cwd, &lookup)?,
        None => env::default_env(&cwd, &lookup)?,
    };
    let extras = extras(args)?;
    for p in [Some(&found.prefix), found.project.as_ref()]
        .into_iter()
        .flatten()
    {
        if p.to_str().is_none() {
            return Err(UserError::with_hint(
                format!("the path `{}` is not valid UTF-8", p.display()),
                "Jupyter's kernel.json holds UTF-8 text only: rename the folder",
            )
            .into());
        }
    }
    let python = found.python();
    if !env::is_executable(&python) {
        return Err(KernelError::NoInterpreter {
            env: found.prefix.clone(),
            python,
        }
        .into());
    }
    let kernel = name::kernel_name(args.name.as_deref().unwrap_or(&found.label))?;
    let display = args
        .display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| format!("Python ({})", found.label));
    ensure_ipykernel(&found, args.install_ipykernel, &lookup, printer)?;
    let meta = DevkitMeta {
        kind: found.kind,
        env: found.prefix.clone(),
        python,
        project: found.project.clone(),
        modules: extras.modules.clone(),
    };
    let paths = search::from_settings(settings, &process_env);
    let dir = spec::write(
        &paths.write_dir,
        &kernel,
        &KernelSpec::devkit(&display, &meta),
        &wrapper::render(&found, &extras),
    )?;
    match args.format {
        Format::Json => printer.data(&serde_json::to_string_pretty(&serde_json::json!({
            "name": kernel,
            "display_name": display,
            "dir": dir,
            "kind": found.kind,
            "env": found.prefix,
        }))?)?,
        Format::Text => {
            printer.status(
                "Registered",
                format!(
                    "kernel `{kernel}` (\"{display}\") for the {} environment `{}`",
                    found.kind.word(),
                    found.prefix.display()
                ),
            );
            printer.info(format!("spec folder: {}", dir.display()));
            let site = &settings.site.datalabs;
            printer.info(format!(
                "open the Datalabs ({} inside the network, {} outside) and choose \"{display}\" in the launcher",
                site.url, site.url_outside
            ));
        }
    }
    Ok(ExitStatus::Success)
}

/// `--env` and `--module`, checked.
fn extras(args: &KernelAddArgs) -> Result<Extras, KernelError> {
    let mut out = Extras::default();
    for item in &args.env {
        match item.split_once('=') {
            Some((k, v)) if wrapper::is_var_name(k) => out.vars.push((k.to_string(), v.to_string())),
            _ => return Err(KernelError::BadEnvVar(item.clone())),
        }
    }
    for m in &args.modules {
        if !wrapper::is_module_name(m) {
            return Err(KernelError::BadModule(m.clone()));
        }
        out.modules.push(m.clone());
    }
    Ok(out)
}

/// Checks ipykernel, and installs it when asked (flag, or yes on a terminal).
fn ensure_ipykernel(found: &PythonEnv, install: bool, lookup: &Lookup<'_>, printer: &Printer) -> Result<()> {
    if ipykernel::importable(&found.python()) {
        return Ok(());
    }
    let (mut cmd, shown) = ipykernel::install_command(found, lookup);
    let missing = || KernelError::NoIpykernel {
        env: found.prefix.clone(),
        install: shown.clone(),
    };
    let asked = install
        || (std::io::stdin().is_terminal()
            && std::io::stderr().is_terminal()
            && dialoguer::Confirm::new()
                .with_prompt(format!(
                    "`{}` has no ipykernel; install it now?",
                    found.prefix.display()
                ))
                .default(true)
                .interact()
                .unwrap_or(false));
    if !asked {
        return Err(missing().into());
    }
    printer.status("Installing", format!("ipykernel: {shown}"));
    // The installer's output goes to stderr: stdout stays for data.
    let status = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::io::stderr())
        .status()
        .with_context(|| format!("cannot run `{shown}`"))?;
    if !status.success() || !ipykernel::importable(&found.python()) {
        return Err(KernelError::InstallFailed {
            env: found.prefix.clone(),
            status: status.to_string(),
        }
        .into());
    }
    Ok(())
}

fn list(args: &FormatArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let paths = search::from_settings(settings, &process_env);
    let rows: Vec<_> = search::find_all(&paths)
        .into_iter()
        .map(|f| {
            let h = health::check(&f);
            (f, h)
        })
        .collect();
    let broken_own = rows.iter().any(|(f, h)| {
        h.verdict == Verdict::Broken
            && !f.shadowed
            && f.spec.as_ref().ok().and_then(KernelSpec::devkit_meta).is_some()
    });
    let text = match args.format {
        Format::Json => {
            let items: Vec<_> = rows
                .iter()
                .map(|(f, h)| {
                    let spec = f.spec.as_ref().ok();
                    serde_json::json!({
                        "name": f.name,
                        "display_name": spec.map(|s| s.display_name.clone()),
                        "dir": f.dir,
                        "devkit": spec.and_then(KernelSpec::devkit_meta),
                        "shadowed": f.shadowed,
                        "health": h,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "write_dir": paths.write_dir,
                "search_path": paths.dirs,
                "kernels": items,
            }))?
        }
        Format::Text => {
            let mut out = String::new();
            if rows.is_empty() {
                let _ = write!(out, "no kernels on Jupyter's search path");
            }
            let width = rows.iter().map(|(f, _)| f.name.len()).max().unwrap_or(0);
            for (f, h) in &rows {
                let display = f
                    .spec
                    .as_ref()
                    .map(|s| s.display_name.clone())
                    .unwrap_or_default();
                let word = match h.verdict {
                    Verdict::Ok => "ok",
                    Verdict::Warn => "warn",
                    Verdict::Broken => "broken",
                };
                let _ = writeln!(
                    out,
                    "{word:<7} {:<width$}  {display}  ({})",
                    f.name,
                    f.dir.display()
                );
                for p in &h.problems {
                    let _ = writeln!(out, "{:<7} {:<width$}  {p}", "", "");
                }
                if let (Some(fix), false) = (&h.fix, h.verdict == Verdict::Ok) {
                    let _ = writeln!(out, "{:<7} {:<width$}  hint: {fix}", "", "");
                }
            }
            out
        }
    };
    printer.data(&text)?;
    Ok(if broken_own {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn remove(args: &KernelRemoveArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let paths = search::from_settings(settings, &process_env);
    let found = search::find(&paths, &args.name)
        .or_else(|| {
            name::kernel_name(&args.name)
                .ok()
                .and_then(|n| search::find(&paths, &n))
        })
        .ok_or_else(|| KernelError::NotFound(args.name.clone()))?;
    if found
        .spec
        .as_ref()
        .ok()
        .and_then(KernelSpec::devkit_meta)
        .is_none()
    {
        return Err(UserError::with_hint(
            format!(
                "the kernel `{}` in `{}` was not written by devkit",
                found.name,
                found.dir.display()
            ),
            format!("remove it with `jupyter kernelspec remove {}`", found.name),
        )
        .into());
    }
    spec::remove(&found.dir)?;
    printer.status(
        "Removed",
        format!("kernel `{}` ({})", found.name, found.dir.display()),
    );
    Ok(ExitStatus::Success)
}
