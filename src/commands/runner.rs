//! `devkit runner register|list|verify|unregister`: project runners created with `POST /user/runners` and
//! written to gitlab-runner's `config.toml`, which devkit edits structurally (see `runner_config`).

use super::gitlab_api;
use crate::cli::{
    Format, RunnerCommand, RunnerExecutor, RunnerListArgs, RunnerRegisterArgs, RunnerServiceCommand,
    RunnerUnregisterArgs,
};
use crate::error::{ExitStatus, UserError};
use crate::gitlab::{Client, GitlabError, projects, runners};
use crate::printer::Printer;
use crate::runner_config::{self, ConfigFile, Executor, Existing, NEVER, RunnerEntry, datetime};
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Runs `devkit runner ...`.
pub fn run(command: &RunnerCommand, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    match command {
        RunnerCommand::Register(args) => register(args, settings, printer),
        RunnerCommand::List(args) => list(args, settings, printer),
        RunnerCommand::Verify(args) => verify(&config_path(&args.runner_config, settings), settings, printer),
        RunnerCommand::Unregister(args) => unregister(args, settings, printer),
        RunnerCommand::Service(RunnerServiceCommand::Install(args)) => super::runner_service::install(
            args,
            &config_path(&args.config.runner_config, settings),
            settings,
            printer,
        ),
    }
}

/// `~/...` expanded against the home folder.
pub fn expand_home(path: &str, settings: &Settings) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => settings.paths.home.join(rest),
        None if path == "~" => settings.paths.home.clone(),
        None => PathBuf::from(path),
    }
}

fn config_path(arg: &str, settings: &Settings) -> PathBuf {
    expand_home(arg, settings)
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

fn register(args: &RunnerRegisterArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let path = config_path(&args.config.runner_config, settings);
    // Refuse a broken or read-only file before anything is created in GitLab.
    let file = ConfigFile::load(&path)?;
    runner_config::check_writable(&path)?;
    let (client, _) = gitlab_api::logged_in(settings, printer)?;
    let project = projects::get(&client, &args.project)
        .with_context(|| format!("cannot use the project `{}`", args.project))?;
    let kind = match args.executor {
        RunnerExecutor::Shell => "shell",
        RunnerExecutor::Slurm => "slurm",
    };
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{kind}", project.path_with_namespace.replace('/', "-")));
    let tags = if args.tags.is_empty() {
        settings.site.gitlab.runner_tags.clone()
    } else {
        args.tags.clone()
    };
    let url = settings.site.gitlab.url.trim_end_matches('/').to_string();
    let executor = match args.executor {
        RunnerExecutor::Shell => Executor::Shell,
        RunnerExecutor::Slurm => Executor::Custom {
            program: std::env::current_exe().context("cannot find the devkit binary")?,
            builds_dir: expand(
                args.builds_dir
                    .as_deref()
                    .unwrap_or(&settings.site.trex.builds_dir),
                settings,
            ),
            cache_dir: expand(&settings.site.trex.cache_dir, settings),
        },
    };
    let previous = file
        .entries()
        .into_iter()
        .find(|e| e.name == name && same_url(&e.url, &url));
    if args.dry_run {
        let mut out = String::new();
        writeln!(
            out,
            "would create a project runner for `{}` (id {}): tags [{}], run_untagged=false, locked=true",
            project.path_with_namespace,
            project.id,
            tags.join(", ")
        )?;
        if let Some(p) = &previous {
            writeln!(
                out,
                "would delete the runner `{name}` (id {}) in GitLab",
                show_id(p.id)
            )?;
        }
        writeln!(
            out,
            "would write the runner `{name}` ({kind}) to `{}`",
            path.display()
        )?;
        printer.data(&out)?;
        return Ok(ExitStatus::Success);
    }
    let known: Vec<u64> = file.entries().iter().filter_map(|e| e.id).collect();
    let created = super::runner_reconcile::create(
        &client,
        &runners::NewRunner {
            project_id: project.id,
            description: &name,
            tags: &tags,
        },
        &known,
        printer,
    )
    .with_context(|| format!("cannot create a runner for `{}`", project.path_with_namespace))?;
    printer.status(
        "Created",
        format!(
            "runner {} in GitLab for `{}`",
            created.id, project.path_with_namespace
        ),
    );
    if let Some(p) = &previous {
        delete_in_gitlab(settings, p, printer)?;
    }
    let entry = RunnerEntry {
        name: name.clone(),
        url,
        id: created.id,
        token: created.token.clone(),
        token_obtained_at: datetime(&crate::utc::rfc3339(crate::utc::now_secs()))
            .context("cannot format the current time")?,
        token_expires_at: created
            .token_expires_at
            .as_deref()
            .and_then(datetime)
            .or_else(|| datetime(NEVER))
            .context("cannot format the token expiry")?,
        executor,
    };
    let replace = previous.as_ref().and_then(|p| p.id);
    let unnumbered = previous
        .as_ref()
        .filter(|p| p.id.is_none())
        .map(|p| p.name.clone());
    let written = runner_config::edit(&path, |f| {
        if let Some(n) = &unnumbered {
            f.remove_unnumbered(n);
        }
        f.put(&entry, replace);
        (true, ())
    });
    if let Err(e) = written {
        // Do not leave a runner in GitLab that no configuration knows.
        let undone = runners::delete(&client, &created.token).is_ok();
        let note = if undone {
            "the new runner was deleted again in GitLab"
        } else {
            "the new runner is still in GitLab: delete it in Settings > CI/CD > Runners"
        };
        return Err(anyhow::Error::new(e).context(format!("cannot record the runner ({note})")));
    }
    printer.status(
        "Registered",
        format!(
            "runner `{name}` (id {}, {kind}) in `{}`",
            created.id,
            path.display()
        ),
    );
    printer.info(format!(
        "start it with `devkit runner service install`, or `gitlab-runner run --config {}`",
        path.display()
    ));
    Ok(ExitStatus::Success)
}

fn expand(path: &str, settings: &Settings) -> String {
    expand_home(path, settings).display().to_string()
}

fn show_id(id: Option<u64>) -> String {
    id.map_or_else(|| "unknown".into(), |i| i.to_string())
}

/// Deletes an entry's runner in GitLab; a runner GitLab no longer knows is only reported.
fn delete_in_gitlab(settings: &Settings, entry: &Existing, printer: &Printer) -> Result<()> {
    let Some(token) = &entry.token else {
        printer.warn(format!(
            "the runner `{}` has no token: not deleted in GitLab",
            entry.name
        ));
        return Ok(());
    };
    let client = gitlab_api::client_at(settings, &entry.url, None)?;
    match runners::delete(&client, token) {
        Ok(()) => {
            printer.status(
                "Deleted",
                format!("runner `{}` (id {}) in GitLab", entry.name, show_id(entry.id)),
            );
            Ok(())
        }
        Err(
            GitlabError::Forbidden { .. } | GitlabError::NotFound { .. } | GitlabError::Unauthorized { .. },
        ) => {
            printer.warn(format!("GitLab no longer knows the runner `{}`", entry.name));
            Ok(())
        }
        Err(e) => {
            Err(anyhow::Error::new(e).context(format!("cannot delete the runner `{}` in GitLab", entry.name)))
        }
    }
}

fn list(args: &RunnerListArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let path = config_path(&args.config.runner_config, settings);
    if !path.exists() && args.config.runner_config != "~/.gitlab-runner/config.toml" {
        return Err(UserError::with_hint(
            format!("no gitlab-runner configuration `{}`", path.display()),
            "check the path given to --runner-config",
        )
        .into());
    }
    let entries = ConfigFile::load(&path)?.entries();
    let remote = match &args.project {
        Some(p) => {
            let (client, _) = gitlab_api::logged_in(settings, printer)?;
            let project =
                projects::get(&client, p).with_context(|| format!("cannot use the project `{p}`"))?;
            Some(runners::list_project(&client, project.id)?)
        }
        None => None,
    };
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&serde_json::json!({
            "config": path.display().to_string(),
            "runners": entries.iter().map(|e| serde_json::json!({
                "name": e.name, "id": e.id, "url": e.url, "executor": e.executor,
            })).collect::<Vec<_>>(),
            "project_runners": remote,
        }))?,
        Format::Text => {
            let mut out = String::new();
            writeln!(out, "{}:", path.display())?;
            if entries.is_empty() {
                writeln!(out, "  no runners")?;
            }
            for e in &entries {
                writeln!(
                    out,
                    "  {:<24} id {:<8} {:<8} {}",
                    e.name,
                    show_id(e.id),
                    e.executor,
                    e.url
                )?;
            }
            if let (Some(remote), Some(p)) = (&remote, &args.project) {
                writeln!(out, "runners of `{p}` in GitLab:")?;
                for r in remote {
                    let here = entries.iter().any(|e| e.id == Some(r.id));
                    writeln!(
                        out,
                        "  id {:<8} {:<16} {}{}",
                        r.id,
                        r.status.as_deref().unwrap_or("?"),
                        r.description.as_deref().unwrap_or(""),
                        if here { "  (this machine)" } else { "" }
                    )?;
                }
            }
            out
        }
    };
    printer.data(&text)?;
    Ok(ExitStatus::Success)
}

fn verify(path: &Path, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let entries = ConfigFile::load(path)?.entries();
    if entries.is_empty() {
        printer.info(format!("no runners in `{}`", path.display()));
        return Ok(ExitStatus::Success);
    }
    let system_id = system_id(path)?;
    let mut stale = Vec::new();
    let mut unchecked = Vec::new();
    for e in &entries {
        let Some(token) = &e.token else {
            printer.warn(format!("`{}` has no token", e.name));
            stale.push(e.name.clone());
            continue;
        };
        let client: Client = gitlab_api::client_at(settings, &e.url, None)?;
        match runners::verify(&client, token, &system_id) {
            Ok(_) => printer.status("Valid", format!("`{}` (id {})", e.name, show_id(e.id))),
            Err(
                GitlabError::Forbidden { .. }
                | GitlabError::Unauthorized { .. }
                | GitlabError::NotFound { .. },
            ) => {
                printer.warn(format!(
                    "`{}` (id {}) is stale: GitLab refuses its token",
                    e.name,
                    show_id(e.id)
                ));
                stale.push(e.name.clone());
            }
            Err(err) => {
                printer.warn(format!("cannot verify `{}`: {err}", e.name));
                unchecked.push(e.name.clone());
            }
        }
    }
    if !stale.is_empty() {
        return Err(UserError::with_hint(
            format!("{} stale runner(s): {}", stale.len(), stale.join(", ")),
            "remove them with `devkit runner unregister NAME`, then register again",
        )
        .into());
    }
    if !unchecked.is_empty() {
        return Err(UserError::with_hint(
            format!(
                "{} runner(s) could not be checked: {}",
                unchecked.len(),
                unchecked.join(", ")
            ),
            "check the network and the runners' `url`",
        )
        .into());
    }
    Ok(ExitStatus::Success)
}

/// gitlab-runner's `.runner_system_id` next to `config.toml`, created as gitlab-runner would when missing.
fn system_id(config: &Path) -> Result<String> {
    let file = config.with_file_name(".runner_system_id");
    if let Ok(id) = fs_err::read_to_string(&file) {
        if !id.trim().is_empty() {
            return Ok(id.trim().to_string());
        }
    }
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos(),
    );
    let id = format!("s_{:012x}", h.finish() & 0xffff_ffff_ffff);
    crate::atomic_file::write_atomic(&file, id.as_bytes(), crate::atomic_file::Mode::Private)?;
    Ok(id)
}

fn unregister(args: &RunnerUnregisterArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let path = config_path(&args.config.runner_config, settings);
    let entries = ConfigFile::load(&path)?.entries();
    let Some(entry) = entries.iter().find(|e| e.name == args.name) else {
        let names: Vec<_> = entries.iter().map(|e| format!("`{}`", e.name)).collect();
        return Err(UserError::with_hint(
            format!("no runner named `{}` in `{}`", args.name, path.display()),
            if names.is_empty() {
                "the file has no runners".to_string()
            } else {
                format!("runners: {}", names.join(", "))
            },
        )
        .into());
    };
    runner_config::check_writable(&path)?;
    delete_in_gitlab(settings, entry, printer)?;
    let removed = runner_config::edit(&path, |f| {
        let removed = match entry.id {
            Some(id) => f.remove(id),
            None => f.remove_unnumbered(&entry.name),
        };
        (removed, removed)
    })?;
    if removed {
        printer.status("Removed", format!("`{}` from `{}`", entry.name, path.display()));
    }
    Ok(ExitStatus::Success)
}
