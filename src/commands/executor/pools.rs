//! Allocation pools on the executor side: which pool a CI job uses (`DEVKIT_SLURM_POOL`, opt-in per pipeline),
//! `devkit executor pools` (the live pools of this user), and the reaper's part: release every pool whose
//! pipeline GitLab says is finished, and drop the folders of pools whose holder is gone.

use super::reap::Gitlab;
use super::{CiEnv, ci_var, devkit_dir};
use crate::commands::slurm::JobPlan;
use crate::commands::slurm_pool;
use crate::error::ExitStatus;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::slurm::client::current_user_id;
use crate::slurm::pool::{self, Pool, PoolKey};
use crate::slurm::{Client, ProcessExec, cancel_confirmed};
use anyhow::Result;
use std::path::PathBuf;
use std::time::Duration;

/// CI variable that asks for a pool: `on` (the site's size), `off`, or a size (`nodes=1,cpus=8,time=2:00:00`).
pub(super) const POOL_VAR: &str = "DEVKIT_SLURM_POOL";

/// Where the pools of this runner live (shared storage, next to the CI job records).
pub(super) fn pools_base(settings: &Settings) -> PathBuf {
    devkit_dir(settings).join("pools")
}

/// The pool this CI job should use, `None` when its pipeline did not ask for one (or its ids are unknown).
pub(super) fn pool_for(
    ci: &CiEnv,
    settings: &Settings,
    plan: &JobPlan,
    printer: &Printer,
) -> Result<Option<Pool>> {
    let Some(request) = ci_var(POOL_VAR) else {
        return Ok(None);
    };
    let trex = &settings.site.trex;
    let Some(spec) = slurm_pool::spec(&request, &trex.pool_size, &trex.pool_idle)
        .map_err(|e| e.context(format!("in the CI variable `{POOL_VAR}`")))?
    else {
        return Ok(None);
    };
    if ci.tag.project == 0 || ci.tag.pipeline == 0 {
        printer.warn(
            "no project or pipeline id in the job's environment: this job gets an allocation of its own",
        );
        return Ok(None);
    }
    let spec = slurm_pool::complete(spec, plan);
    let uid = current_user_id().parse().unwrap_or(u32::MAX);
    let key = PoolKey::pipeline(uid, ci.tag.project, ci.tag.pipeline, &spec.class());
    Ok(Some(Pool::new(&pools_base(settings), key, spec)))
}

fn client() -> Client<ProcessExec> {
    super::cleanup::client(Duration::from_secs(10))
}

fn ago(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".into(), |d| format!("{}s", d.as_secs()))
}

/// `devkit executor pools`.
pub(super) fn list(settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    // CI pools, then `devkit slurm run --reuse` pools of the default state folder.
    let slurm = client();
    let mut pools = pool::status::list(&slurm, &pools_base(settings));
    pools.extend(pool::status::list(
        &slurm,
        &settings.paths.cache_dir.join("slurm/pools"),
    ));
    let now = crate::utc::now_secs();
    let mut lines = vec![format!(
        "{:<10} {:<10} {:<10} {:<11} {:>7} {:>7}  {}",
        "PIPELINE", "PROJECT", "HOLDER", "STATE", "AGE", "IDLE", "RESOURCES"
    )];
    for p in &pools {
        let state = match (&p.state, p.closed) {
            (_, true) => "RELEASED".to_string(),
            (Some(s), _) => s.state.clone(),
            (None, _) => "GONE".into(),
        };
        if !matches!(state.as_str(), "RUNNING" | "PENDING" | "CONFIGURING") {
            continue;
        }
        let pipeline = if p.file.name.is_empty() {
            p.file.pipeline.to_string()
        } else {
            format!("reuse:{}", p.file.name)
        };
        lines.push(format!(
            "{:<10} {:<10} {:<10} {:<11} {:>7} {:>7}  {}",
            pipeline,
            p.file.project,
            p.file.holder,
            state,
            format!("{}s", (now - p.file.created).max(0)),
            ago(p.idle),
            p.file.resources
        ));
    }
    if lines.len() == 1 {
        printer.info("no live allocation pool");
        return Ok(ExitStatus::Success);
    }
    printer.data(&lines.join("\n"))?;
    Ok(ExitStatus::Success)
}

/// The reaper's part: cancels the holder of every pool whose pipeline is over in GitLab (the idle timeout
/// would release it too, later), then removes the folders of pools whose holder is gone. Returns the number
/// of pools that could not be released.
pub(super) fn reap(
    settings: &Settings,
    ask: &mut dyn FnMut(u64, u64) -> Gitlab,
    log: &mut dyn FnMut(&str),
) -> usize {
    let slurm = client();
    let Ok(holders) = slurm.own_holders() else {
        log("cannot list the pools' holder jobs; no pool was released (the next run tries again)");
        return 1;
    };
    let mut failed = 0;
    for (id, _state, key) in &holders {
        if key.project == 0 || key.pipeline == 0 {
            continue;
        }
        let Gitlab::Over(status) = ask(key.project, key.pipeline) else {
            continue;
        };
        match cancel_confirmed(&slurm, std::slice::from_ref(id), Duration::from_secs(30)) {
            Ok(()) => log(&format!(
                "released pool job {id} of pipeline {} (project {}): GitLab says the pipeline is {status}",
                key.pipeline, key.project
            )),
            Err(e) => {
                failed += 1;
                log(&format!(
                    "could not release pool job {id} of pipeline {}: {e}",
                    key.pipeline
                ));
            }
        }
    }
    // Folders of pools whose holder is gone (released, dead or cancelled): nothing will use them again.
    let live: Vec<&str> = holders.iter().map(|(id, _, _)| id.as_str()).collect();
    let base = pools_base(settings);
    for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
        let dir = entry.path();
        let Some(file) = std::fs::read(dir.join("pool.json"))
            .ok()
            .and_then(|t| serde_json::from_slice::<pool::PoolFile>(&t).ok())
        else {
            continue;
        };
        let over = !live.contains(&file.holder.as_str())
            && (crate::utc::now_secs() - file.created > 60 || dir.join("closed").exists());
        if !over {
            continue;
        }
        // Under the pool's lock: a driver that is replacing the holder right now keeps its folder.
        let Ok(lock) = crate::slurm::files::append(&dir.join("lock")) else {
            continue;
        };
        if matches!(fs4::FileExt::try_lock(&lock), Ok(())) {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    failed
}
