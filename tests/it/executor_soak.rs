//! Soak: for about two minutes, four workers run CI jobs through `devkit executor` and, at seeded random
//! points, let them finish, cancel them (SIGTERM to the group) or kill the driver (SIGKILL), then run cleanup as
//! gitlab-runner does; the controller is restarted once in the middle. The end condition is deterministic: after
//! the reaper, zero live Slurm jobs carry this soak's runner tag (`squeue`) and zero job records are left.

use crate::executor::CiJob;
use crate::slurm::{PrivateCluster, slurm_conf, spawn};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// xorshift64: a reproducible sequence per worker.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const RUNNER: &str = "7001";

fn job(conf: &str, builds: &Path) -> CiJob {
    CiJob::new(conf)
        .var("CI_RUNNER_ID", RUNNER)
        .var("DEVKIT_SLURM_CONTROLLER_TIMEOUT", "4s")
        .var("DEVKIT_SLURM_CLEANUP_TIMEOUT", "5s")
        .env("DEVKIT_TREX_BUILDS_DIR", builds.to_str().unwrap())
}

fn signal_group(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", &format!("-{pid}")])
        .status();
}

/// One worker: CI jobs until `until`, each ended one of three ways, each followed by cleanup.
fn worker(conf: String, builds: PathBuf, seed: u64, until: Instant) -> u32 {
    let mut rng = Rng(seed);
    let mut jobs = 0;
    while Instant::now() < until {
        let ci = job(&conf, &builds);
        let secs = 1 + rng.below(5);
        let script = ci.ctx.write(
            "scripts/build",
            &format!("#!/bin/bash\necho soak\nsleep {secs}\n"),
        );
        let child = spawn(ci.cmd(&["run", script.to_str().unwrap(), "build_script"]));
        std::thread::sleep(Duration::from_millis(rng.below(4000)));
        match rng.below(3) {
            0 => {}
            1 => signal_group(child.id(), "-TERM"),
            _ => signal_group(child.id(), "-KILL"),
        }
        let _ = child.wait_with_output();
        let _ = ci.stage(&["cleanup"]);
        jobs += 1;
    }
    jobs
}

/// Live Slurm jobs tagged with this soak's runner.
fn orphans(conf: &str) -> Vec<String> {
    let out = Command::new("squeue")
        .env("SLURM_CONF", conf)
        .args(["-h", "-o", "%i %T %k"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "squeue failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&format!("devkit-ci:runner={RUNNER},")))
        .map(str::to_string)
        .collect()
}

fn records(builds: &Path) -> Vec<String> {
    std::fs::read_dir(builds.join(".devkit/jobs"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn soak_no_orphan_and_no_record_after_cancels_kills_and_a_controller_restart() {
    let Some(_) = slurm_conf() else { return };
    let cluster = PrivateCluster::start();
    let shared = tempfile::tempdir().unwrap();
    let builds = shared.path().join("builds");
    let start = Instant::now();
    let until = start + Duration::from_secs(100);
    let workers: Vec<_> = (0..4u64)
        .map(|i| {
            let (conf, builds) = (cluster.conf.clone(), builds.clone());
            std::thread::spawn(move || worker(conf, builds, 0x9E37_79B9_7F4A_7C15 ^ (i + 1), until))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(45));
    cluster.stop_controller();
    std::thread::sleep(Duration::from_secs(8));
    cluster.start_controller();
    let jobs: u32 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(jobs >= 20, "only {jobs} CI jobs ran");
    // The reaper finishes what cleanup could not; bounded, with a deterministic end condition.
    let reaper = job(&cluster.conf, &builds);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let _ = reaper.stage(&["reap"]);
        let (left, recs) = (orphans(&cluster.conf), records(&builds));
        if left.is_empty() && recs.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after {:?}: orphan jobs {left:?}, records {recs:?}; reap log:\n{}",
            start.elapsed(),
            std::fs::read_to_string(builds.join(".devkit/reap.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_secs(2));
    }
    eprintln!("soak: {jobs} CI jobs in {:?}", start.elapsed());
}
