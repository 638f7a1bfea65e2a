//! Step `git-identity`: git's global `user.name` and `user.email`, set when unset (from `--git-name` /
//! `DEVKIT_GIT_NAME`, `--git-email` / `DEVKIT_GIT_EMAIL`, or a question).

use super::{Missing, Outcome, Step, StepContext, ask};
use crate::settings::Settings;
use std::process::Command;

/// The `git-identity` step.
pub struct GitIdentity;

/// The global value of a git key, if set.
pub fn get(settings: &Settings, key: &str) -> Option<String> {
    let out = git(settings)
        .args(["config", "--global", "--get", key])
        .output()
        .ok()?;
    let value = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !value.is_empty()).then_some(value)
}

fn git(settings: &Settings) -> Command {
    let mut cmd = Command::new("git");
    cmd.env("HOME", &settings.paths.home);
    cmd
}

const KEYS: [(&str, &str, &str); 2] = [
    ("user.name", "git user name", "--git-name or DEVKIT_GIT_NAME"),
    ("user.email", "git user email", "--git-email or DEVKIT_GIT_EMAIL"),
];

impl Step for GitIdentity {
    fn id(&self) -> &'static str {
        "git-identity"
    }

    fn missing(&self, settings: &Settings, _ops: &dyn super::Ops, answers: &super::Answers) -> Vec<Missing> {
        let given = [&answers.git_name, &answers.git_email];
        KEYS.iter()
            .zip(given)
            .filter(|((key, ..), value)| value.is_none() && get(settings, key).is_none())
            .map(|((_, what, from), _)| Missing { what, from })
            .collect()
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let mut set = Vec::new();
        for (i, (key, what, _)) in KEYS.iter().enumerate() {
            if get(ctx.settings, key).is_some() {
                continue;
            }
            let given = if i == 0 {
                ctx.answers.git_name.clone()
            } else {
                ctx.answers.git_email.clone()
            };
            let value = match given {
                Some(v) => v,
                None if ctx.interactive => match ask::text(&format!("Your {what}"), false) {
                    Ok(v) => v,
                    Err(e) => return Outcome::from_error(&e),
                },
                None => {
                    return Outcome::Failed {
                        what: format!("git has no `{key}`"),
                        what_to_do: vec![format!("give it with {}", KEYS[i].2)],
                    };
                }
            };
            let ok = git(ctx.settings)
                .args(["config", "--global", key, &value])
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return Outcome::Failed {
                    what: format!("`git config --global {key}` failed"),
                    what_to_do: vec![format!("run `git config --global {key} VALUE` yourself")],
                };
            }
            set.push(format!("{key} = {value}"));
        }
        if set.is_empty() {
            let name = get(ctx.settings, "user.name").unwrap_or_default();
            let email = get(ctx.settings, "user.email").unwrap_or_default();
            Outcome::AlreadyDone(format!("{name} <{email}>"))
        } else {
            Outcome::Done(set.join(", "))
        }
    }
}
