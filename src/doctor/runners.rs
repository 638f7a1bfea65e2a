//! The runners of gitlab-runner's `config.toml`, each verified with `POST /runners/verify`.

use super::{Check, Context, Status};
use crate::gitlab::{GitlabError, runners};
use crate::runner_config::ConfigFile;

/// One check per runner entry (skipped without runners).
pub fn checks(ctx: &Context<'_>) -> Vec<Check> {
    let path = &ctx.runner_config;
    if !path.exists() {
        return vec![Check::new(
            "runners",
            Status::Skipped,
            format!("no `{}`", path.display()),
        )];
    }
    let entries = match ConfigFile::load(path) {
        Ok(f) => f.entries(),
        Err(e) => {
            let hint = e.hint().unwrap_or_else(|| "fix the file".into());
            return vec![Check::new("runners", Status::Fail, e.to_string()).hint(hint)];
        }
    };
    if entries.is_empty() {
        return vec![Check::new(
            "runners",
            Status::Skipped,
            format!("no runners in `{}`", path.display()),
        )];
    }
    // gitlab-runner's own id when it has one; devkit doctor writes nothing.
    let system_id = std::fs::read_to_string(path.with_file_name(".runner_system_id"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "s_devkitdoctor".into());
    entries
        .iter()
        .map(|e| {
            let name = format!("runner {}", e.name);
            let stale_hint = format!(
                "remove it with `devkit runner unregister {}`, then register again with `devkit runner register \
                 --project GROUP/NAME`",
                e.name
            );
            let Some(token) = &e.token else {
                return Check::new(name, Status::Fail, "no token in `config.toml`").hint(stale_hint);
            };
            let client = match (ctx.gitlab)(&e.url, None) {
                Ok(c) => c,
                Err(why) => return Check::new(name, Status::Fail, why).hint("fix the runner's `url`"),
            };
            match runners::verify(&client, token, &system_id) {
                Ok(_) => Check::new(name, Status::Ok, format!("valid at {}", e.url)),
                Err(
                    GitlabError::Forbidden { .. }
                    | GitlabError::Unauthorized { .. }
                    | GitlabError::NotFound { .. },
                ) => Check::new(
                    name,
                    Status::Fail,
                    format!("stale: {} refuses its token", e.url),
                )
                .hint(stale_hint),
                Err(err) => Check::new(name, Status::Warn, format!("not verified: {err}"))
                    .hint("see the reachability checks"),
            }
        })
        .collect()
}
