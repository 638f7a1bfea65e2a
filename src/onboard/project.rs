//! Step `project`: an optional first project, created here by the code of `devkit init`, then on GitLab, pushed,
//! and given a runner by the code of `devkit runner register`. Each part is recorded in the progress file as
//! soon as it is done, so a rerun resumes a half-created project (adopts the GitLab project, pushes, registers
//! the runner) and a finished one is left alone. Nothing is written when the project cannot be made: inside
//! another git repository, on an existing folder, or on a name GitLab already has.

use super::progress::ProjectRecord;
use super::{Outcome, Step, StepContext, ask, git_identity};
use crate::error::UserError;
use crate::gitlab::projects::{self, Project as GitlabProject, Visibility};
use crate::gitlab::{Client, GitlabError};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The `project` step.
pub struct Project;

/// How many names a person may type in one run.
const TRIES: usize = 3;

impl Step for Project {
    fn id(&self) -> &'static str {
        "project"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let result = match resumable(ctx) {
            Some(record) => finish(record, ctx),
            None => start(ctx),
        };
        result.unwrap_or_else(|e| Outcome::from_error(&e))
    }
}

/// The recorded project, unless another name was asked for.
fn resumable(ctx: &StepContext<'_>) -> Option<ProjectRecord> {
    let record = ctx.progress.project.clone()?;
    let same = ctx
        .answers
        .project
        .as_deref()
        .is_none_or(|n| record.path.rsplit('/').next() == Some(n));
    same.then_some(record)
}

/// The git work tree that contains `dir`, if any.
fn enclosing_repository(dir: &Path) -> Option<PathBuf> {
    let repo = git2::Repository::discover(dir).ok()?;
    let top = repo.workdir().unwrap_or_else(|| repo.path());
    Some(top.components().collect())
}

/// Why `name` cannot be a new project in `cwd` under `namespace`, if it cannot.
fn refusal(name: &str, cwd: &Path, namespace: &str, client: &Client) -> Result<Option<UserError>> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric());
    if !valid {
        return Ok(Some(UserError::with_hint(
            format!("`{name}` cannot be a project name"),
            "use letters, digits, `-`, `_` and `.`, starting with a letter or digit",
        )));
    }
    let dest = cwd.join(name);
    if std::fs::symlink_metadata(&dest).is_ok() {
        return Ok(Some(UserError::with_hint(
            format!("`{}` already exists", dest.display()),
            "choose another name, or move that folder away",
        )));
    }
    let path = format!("{namespace}/{name}");
    match projects::get(client, &path) {
        Ok(p) => Ok(Some(UserError::with_hint(
            format!("GitLab already has a project `{path}` ({})", p.web_url),
            "choose another name",
        ))),
        Err(GitlabError::NotFound { .. }) => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot look `{path}` up on GitLab"))),
    }
}

/// Asks for (or takes) a name, checks it, creates the project locally and records it, then finishes it.
fn start(ctx: &mut StepContext<'_>) -> Result<Outcome> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let (token, user) = ctx.ops.gitlab_stored()?;
    let client = ctx.ops.gitlab_client(Some(token))?;
    let namespace = ctx.answers.namespace.clone().unwrap_or(user);
    let gitlab = ctx.settings.site.gitlab.url.clone();
    if let Some(top) = enclosing_repository(&cwd) {
        return Err(UserError::with_hint(
            format!(
                "the current folder `{}` is inside the git repository `{}`: a first project cannot go there \
                 (nothing was written)",
                cwd.display(),
                top.display()
            ),
            "`cd` to a folder outside any repository first (for example `cd ~`), or skip the first project \
             with `--skip project`",
        )
        .into());
    }
    let tries = if ctx.interactive { TRIES } else { 1 };
    if ctx.interactive && ctx.answers.project.is_none() {
        ctx.printer.info(format!(
            "A first project: devkit creates it from the template `{}` in `{}/NAME`, then as `{namespace}/NAME` \
             on {gitlab}, pushes it, and registers a runner on this machine for its CI on Trex.",
            ctx.answers.template,
            cwd.display()
        ));
    }
    for attempt in 1..=tries {
        let name = match ctx.answers.project.take() {
            Some(n) => n,
            None if ctx.interactive => ask::text("Name of the first project (empty: no project)", true)?,
            None => return Ok(Outcome::Skipped("no first project asked (--project NAME)".into())),
        };
        if name.is_empty() {
            return Ok(Outcome::Skipped("no first project".into()));
        }
        match refusal(&name, &cwd, &namespace, &client)? {
            Some(why) if attempt < tries => ctx.printer.warn(format!("{why}; try again")),
            Some(why) => return Err(why.into()),
            None => {
                let dest = cwd.join(&name);
                let mut data = vec![format!("project_name={name}")];
                for (key, git_key) in [("author", "user.name"), ("email", "user.email")] {
                    if let Some(v) = git_identity::get(ctx.settings, git_key) {
                        data.push(format!("{key}={v}"));
                    }
                }
                match ctx.ops.scaffold(&dest, &ctx.answers.template, &data) {
                    Ok(()) => {}
                    // `devkit init` writes all or nothing: a name the template refuses can be typed again.
                    Err(e) if attempt < tries && !dest.exists() => {
                        ctx.printer.warn(format!("{e:#}: try again"));
                        continue;
                    }
                    Err(e) => return Err(e),
                }
                let record = ProjectRecord {
                    path: format!("{namespace}/{name}"),
                    dir: dest,
                    ..ProjectRecord::default()
                };
                ctx.progress.project = Some(record.clone());
                return finish(record, ctx);
            }
        }
    }
    Ok(Outcome::Skipped("no first project".into()))
}

/// The GitLab project of `record`: adopted when it exists (created by an earlier run), created otherwise.
fn gitlab_project(record: &ProjectRecord, client: &Client) -> Result<(GitlabProject, bool)> {
    match projects::get(client, &record.path) {
        Ok(p) => return Ok((p, false)),
        Err(GitlabError::NotFound { .. }) => {}
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot look `{}` up on GitLab", record.path)));
        }
    }
    let (namespace, name) = record.path.rsplit_once('/').unwrap_or(("", &record.path));
    let namespace_id = match projects::namespace(client, namespace) {
        Ok(ns) if ns.kind == "group" => Some(ns.id),
        Ok(_) | Err(GitlabError::NotFound { .. }) => None,
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot use the namespace `{namespace}`")));
        }
    };
    let created = projects::create(client, name, namespace_id, Visibility::Private).with_context(|| {
        format!(
            "cannot create `{}` on GitLab (the local project is kept)",
            record.path
        )
    })?;
    Ok((created, true))
}

/// Brings a recorded project to the end: on GitLab, pushed, with its runner.
fn finish(mut record: ProjectRecord, ctx: &mut StepContext<'_>) -> Result<Outcome> {
    let mut did = Vec::new();
    let what = format!("`{}` in `{}`", record.path, record.dir.display());
    if !record.pushed && !record.runner {
        if !record.dir.join(".git").exists() {
            return Err(UserError::with_hint(
                format!("the first project's folder `{}` is gone or is not a git repository", record.dir.display()),
                format!(
                    "put it back, or forget it with `devkit onboard --project OTHER-NAME` (GitLab may hold `{}`)",
                    record.path
                ),
            )
            .into());
        }
        let (token, _) = ctx.ops.gitlab_stored()?;
        let client = ctx.ops.gitlab_client(Some(token))?;
        let (project, created) = gitlab_project(&record, &client)?;
        did.push(if created {
            "created on GitLab"
        } else {
            "found on GitLab"
        });
        ctx.ops.push(&record.dir, &project).with_context(|| {
            format!(
                "the project exists on GitLab ({}) but `main` is not pushed yet: run `devkit onboard` again \
                 to retry",
                project.web_url
            )
        })?;
        record.pushed = true;
        ctx.progress.project = Some(record.clone());
        did.push("pushed");
    }
    if ctx.answers.runner && !record.runner {
        ctx.ops.register_runner(&record.path).with_context(|| {
            format!(
                "the project `{}` is on GitLab; its runner is not registered: run `devkit onboard` again",
                record.path
            )
        })?;
        record.runner = true;
        ctx.progress.project = Some(record.clone());
        did.push("runner registered");
    }
    Ok(if did.is_empty() {
        let runner = if record.runner { ", with its runner" } else { "" };
        Outcome::AlreadyDone(format!("{what}{runner}"))
    } else {
        Outcome::Done(format!("{what}: {}", did.join(", ")))
    })
}
