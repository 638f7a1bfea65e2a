//! Step `project`: an optional first project, created here and on GitLab by the code of `devkit init --gitlab`,
//! then a runner for it by the code of `devkit runner register`. What was created is recorded in the progress
//! file, so a second run creates nothing and a failed runner registration is retried alone.

use super::progress::ProjectRecord;
use super::{Outcome, Step, StepContext, ask, git_identity};
use crate::cli::{
    InitArgs, InitGitlabArgs, RunnerCommand, RunnerConfigArg, RunnerExecutor, RunnerRegisterArgs,
    VisibilityArg,
};
use crate::commands::{gitlab_api, init, runner};
use anyhow::{Context, Result};

/// The `project` step.
pub struct Project;

impl Step for Project {
    fn id(&self) -> &'static str {
        "project"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let name = match ctx.answers.project.clone() {
            Some(n) => n,
            None if ctx.interactive => match ask::text("Name of a first project (empty: none)", true) {
                Ok(n) if n.is_empty() => return Outcome::Skipped("no first project".into()),
                Ok(n) => n,
                Err(e) => return Outcome::from_error(&e),
            },
            None => return Outcome::Skipped("no first project asked (--project NAME)".into()),
        };
        match self.ensure(&name, ctx) {
            Ok(outcome) => outcome,
            Err(e) => Outcome::from_error(&e),
        }
    }
}

impl Project {
    fn ensure(&self, name: &str, ctx: &mut StepContext<'_>) -> Result<Outcome> {
        let mut created = false;
        let record = match ctx.progress.project.clone() {
            Some(r) if r.path.rsplit('/').next() == Some(name) => r,
            _ => {
                let record = self.create(name, ctx)?;
                ctx.progress.project = Some(record.clone());
                created = true;
                record
            }
        };
        let mut registered = false;
        if ctx.answers.runner && !record.runner {
            let args = RunnerRegisterArgs {
                project: record.path.clone(),
                name: None,
                tags: Vec::new(),
                executor: RunnerExecutor::Slurm,
                config: RunnerConfigArg {
                    runner_config: "~/.gitlab-runner/config.toml".into(),
                },
                builds_dir: None,
                dry_run: false,
            };
            runner::run(&RunnerCommand::Register(args), ctx.settings, ctx.printer).with_context(|| {
                format!(
                    "the project `{}` exists; its runner is not registered",
                    record.path
                )
            })?;
            if let Some(p) = ctx.progress.project.as_mut() {
                p.runner = true;
            }
            registered = true;
        }
        let what = format!("`{}` in `{}`", record.path, record.dir.display());
        Ok(match (created, registered) {
            (false, false) => Outcome::AlreadyDone(what),
            (true, true) => Outcome::Done(format!("{what}, with its runner")),
            (true, false) => Outcome::Done(what),
            (false, true) => Outcome::Done(format!("runner of {what}")),
        })
    }

    fn create(&self, name: &str, ctx: &mut StepContext<'_>) -> Result<ProjectRecord> {
        let dir = std::env::current_dir()
            .context("cannot read the current folder")?
            .join(name);
        let mut data = vec![format!("project_name={name}")];
        for (key, git_key) in [("author", "user.name"), ("email", "user.email")] {
            if let Some(v) = git_identity::get(ctx.settings, git_key) {
                data.push(format!("{key}={v}"));
            }
        }
        let args = InitArgs {
            dir: Some(dir.clone()),
            template: ctx.answers.template.clone(),
            git_ref: None,
            data,
            data_file: None,
            defaults: true,
            force: false,
            no_git: false,
            dry_run: false,
            gitlab: InitGitlabArgs {
                gitlab: true,
                namespace: ctx.answers.namespace.clone(),
                visibility: VisibilityArg::Private,
                git_protocol: ctx.answers.git_protocol,
            },
        };
        init::run(&args, ctx.settings, ctx.printer)?;
        let (_, user) = gitlab_api::stored_token(ctx.settings, ctx.printer)?;
        let namespace = ctx.answers.namespace.clone().unwrap_or(user);
        Ok(ProjectRecord {
            path: format!("{namespace}/{name}"),
            dir,
            runner: false,
        })
    }
}
