//! `devkit onboard`: runs the steps of `crate::onboard` in order, one status line each, stops at the first
//! failure with what to do, and records progress in `$XDG_DATA_HOME/devkit/onboard.toml` (no secret). In
//! non-interactive mode every missing answer is listed before anything runs.

use crate::atomic_file::{Mode, ensure_private_dir, write_atomic};
use crate::cli::OnboardArgs;
use crate::env_vars::EnvVars;
use crate::error::{ExitStatus, UserError};
use crate::onboard::{self, Answers, Outcome, Progress, StepContext, answers::secrets_from_text};
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Read};

/// Runs `devkit onboard`.
pub fn run(args: &OnboardArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let steps = onboard::steps();
    let ids: Vec<&str> = steps.iter().map(|s| s.id()).collect();
    if let Some(bad) = args.skip.iter().find(|s| !ids.contains(&s.as_str())) {
        return Err(UserError::with_hint(
            format!("no onboarding step `{bad}`"),
            format!("steps: {}", ids.join(", ")),
        )
        .into());
    }
    let mut answers = answers(args)?;
    let ops = super::onboard_ops::CommandOps {
        settings,
        printer,
        git_protocol: args.git_protocol,
    };
    let interactive =
        !args.non_interactive && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive {
        let missing: Vec<String> = steps
            .iter()
            .filter(|s| !args.skip.iter().any(|k| k == s.id()))
            .flat_map(|s| s.missing(settings, &ops, &answers))
            .map(|m| format!("  - {m}"))
            .collect();
        if !missing.is_empty() {
            return Err(UserError::with_hint(
                format!(
                    "missing answers for a non-interactive onboarding:\n{}",
                    missing.join("\n")
                ),
                "give them as flags or variables (secrets on stdin with --secrets-stdin, or in variables), \
                 or skip steps with --skip STEP",
            )
            .into());
        }
    }
    let data_dir = &settings.paths.data_dir;
    let mut progress = Progress::load(data_dir).map_err(|e| {
        UserError::with_hint(
            format!("`{}` is malformed: {e}", Progress::path(data_dir).display()),
            "remove it: devkit then starts over (every step checks what is already done)",
        )
    })?;
    let total = steps.len();
    let mut status = ExitStatus::Success;
    for (i, step) in steps.iter().enumerate() {
        let label = format!("[{}/{total}] {}", i + 1, step.id());
        let outcome = if args.skip.iter().any(|k| k == step.id()) {
            Outcome::Skipped("--skip".into())
        } else {
            printer.debug(format!("step {label}"));
            let mut ctx = StepContext {
                settings,
                printer,
                answers: &mut answers,
                interactive,
                progress: &mut progress,
                ops: &ops,
            };
            step.run(&mut ctx)
        };
        progress.steps.insert(step.id().into(), outcome.word().into());
        save(&progress, data_dir)?;
        match &outcome {
            Outcome::Done(m) => printer.status("Done", format!("{label}: {m}")),
            Outcome::AlreadyDone(m) => printer.status("Already done", format!("{label}: {m}")),
            Outcome::Checked(m) => printer.status("Checked", format!("{label}: {m}")),
            Outcome::Skipped(m) => printer.status("Skipped", format!("{label}: {m}")),
            Outcome::Failed { what, what_to_do } => {
                let mut hints = what_to_do.clone();
                hints.push("then run `devkit onboard` again: finished steps are not redone".into());
                printer.error(format!("{label} failed: {what}"), &[], &hints);
                status = ExitStatus::Failure;
                break;
            }
        }
    }
    Ok(status)
}

fn answers(args: &OnboardArgs) -> Result<Answers> {
    let env_secret = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .map(Secret::new)
    };
    let (mut gitlab, mut artifactory) = if args.secrets_stdin {
        let mut raw = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut raw)
            .context("cannot read the secrets from stdin")?;
        secrets_from_text(&raw)
    } else {
        (None, None)
    };
    gitlab = gitlab.or_else(|| env_secret(EnvVars::DEVKIT_GITLAB_TOKEN));
    artifactory = artifactory.or_else(|| env_secret(EnvVars::DEVKIT_ARTIFACTORY_TOKEN));
    let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    Ok(Answers {
        git_name: some(&args.git_name),
        git_email: some(&args.git_email),
        gitlab_token: gitlab,
        artifactory_user: some(&args.artifactory_user),
        artifactory_token: artifactory,
        ssh_user: some(&args.ssh_user),
        project: some(&args.project),
        namespace: some(&args.namespace),
        template: args.template.clone(),
        runner: !args.no_runner,
    })
}

/// Writes the progress file when it changed (a second run that changes nothing writes nothing).
fn save(progress: &Progress, data_dir: &std::path::Path) -> Result<()> {
    let path = Progress::path(data_dir);
    let text = progress
        .render()
        .context("cannot serialise the onboarding progress")?;
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    ensure_private_dir(data_dir).with_context(|| format!("cannot create `{}`", data_dir.display()))?;
    write_atomic(&path, text.as_bytes(), Mode::Private)
        .with_context(|| format!("cannot write `{}`", path.display()))
}
