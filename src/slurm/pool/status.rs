//! What Slurm and a pool's folder say about pools: the holder's state in `squeue`, this user's live holders
//! (found by the key in their comment), `pool.json`, and the listing behind `devkit executor pools`.

use super::key::PoolKey;
use crate::slurm::client::{Client, ClientError, Exec, msg};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What `pool.json` says about a pool.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoolFile {
    pub holder: String,
    pub project: u64,
    pub pipeline: u64,
    pub name: String,
    pub resources: String,
    pub created: i64,
    pub idle_s: u64,
}

/// The holder's state as `squeue` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderState {
    pub state: String,
    pub reason: String,
    /// Seconds left before the pool's time limit.
    pub time_left_s: Option<u64>,
}

impl<E: Exec> Client<E> {
    /// The holder's state; `None` when Slurm no longer lists it.
    pub fn holder_state(&self, id: &str) -> Result<Option<HolderState>, ClientError> {
        let argv = ["-h", "-t", "all", "-j", id, "-o", "%T|%r|%L"].map(String::from);
        let out = self.run("squeue", &argv, None)?;
        if !out.success {
            if crate::slurm::client::is_invalid_job(&out) {
                return Ok(None);
            }
            return Err(ClientError::Failed {
                program: "squeue".into(),
                message: msg(&out),
            });
        }
        Ok(out.stdout.lines().find_map(|l| {
            let mut f = l.trim().split('|');
            let state = f.next().filter(|s| !s.is_empty())?.to_string();
            let reason = f.next().unwrap_or("").to_string();
            let time_left_s = f.next().and_then(|t| crate::slurm::options::time_seconds(t).ok());
            Some(HolderState {
                state,
                reason,
                time_left_s,
            })
        }))
    }
}

impl<E: Exec> Client<E> {
    /// The current user's live holder jobs: id, state and key.
    pub fn own_holders(&self) -> Result<Vec<(String, String, PoolKey)>, ClientError> {
        let argv = [
            "-h",
            "-u",
            &crate::slurm::client::current_user_id(),
            "-o",
            "%i|%T|%k",
        ]
        .map(String::from);
        let out = self.run("squeue", &argv, None)?;
        if !out.success {
            return Err(ClientError::Failed {
                program: "squeue".into(),
                message: msg(&out),
            });
        }
        Ok(out
            .stdout
            .lines()
            .filter_map(|l| {
                let mut f = l.trim().splitn(3, '|');
                let id = f.next()?.to_string();
                let state = f.next()?.to_string();
                Some((id, state, PoolKey::parse(f.next()?)?))
            })
            .collect())
    }
}

/// Time since `path` was last modified.
pub fn age(path: &Path) -> Option<Duration> {
    let m = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    Some(SystemTime::now().duration_since(m).unwrap_or_default())
}

/// What `devkit executor pools` lists about one pool folder.
#[derive(Debug, Clone)]
pub struct Listed {
    pub dir: PathBuf,
    pub file: PoolFile,
    pub state: Option<HolderState>,
    /// Time since the last lease renewal.
    pub idle: Option<Duration>,
    pub closed: bool,
}

/// Every pool folder under `base` with its holder's state.
pub fn list<E: Exec>(client: &Client<E>, base: &Path) -> Vec<Listed> {
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    let mut out: Vec<Listed> = entries
        .flatten()
        .filter_map(|e| {
            let dir = e.path();
            let file: PoolFile = serde_json::from_slice(&std::fs::read(dir.join("pool.json")).ok()?).ok()?;
            let state = client.holder_state(&file.holder).ok().flatten();
            Some(Listed {
                idle: age(&dir.join("lease")),
                closed: dir.join("closed").exists(),
                dir,
                file,
                state,
            })
        })
        .collect();
    out.sort_by_key(|l| l.file.created);
    out
}
