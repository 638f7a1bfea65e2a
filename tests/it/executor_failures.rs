//! How `devkit executor` classifies failures for gitlab-runner: infrastructure problems (controller unreachable
//! at submit, a hold that does not clear) are system failures that gitlab-runner may retry; `after_script` runs
//! on the runner node and never queues again.

use crate::executor::{CiJob, text};
use crate::slurm::{PrivateCluster, job_state, slurm_conf, submitted_id};
use std::time::{Duration, Instant};

#[test]
fn controller_unreachable_at_submit_is_a_system_failure() {
    let Some(_) = slurm_conf() else { return };
    let cluster = PrivateCluster::start();
    cluster.stop_controller();
    let job = CiJob::new(&cluster.conf);
    let out = job.run("build_script", "#!/bin/bash\necho should-not-run\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let all = text(&out);
    assert!(all.contains("controller does not answer"), "{all}");
    assert!(!all.contains("sinfo"), "not a request problem: {all}");
    assert!(!job.exit_file.exists(), "no user exit code for a system failure");
}

#[test]
fn a_hold_past_the_grace_period_is_a_system_failure_naming_the_reason() {
    let Some(conf) = slurm_conf() else { return };
    // The `down` partition holds jobs with reason PartitionDown.
    let job = CiJob::new(&conf)
        .var("DEVKIT_SLURM_PARTITION", "down")
        .var("DEVKIT_SLURM_HOLD_GRACE", "3s");
    let t = Instant::now();
    let out = job.run("build_script", "#!/bin/bash\necho never\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(t.elapsed() < Duration::from_secs(60), "took {:?}", t.elapsed());
    let all = text(&out);
    assert!(all.contains("PartitionDown") && all.contains("held"), "{all}");
    let id = submitted_id(&all).unwrap_or_else(|| panic!("no job id: {all}"));
    assert_eq!(job_state(&conf, id), "CANCELLED");
    assert_eq!(job.live_jobs(), "");
}

#[test]
fn the_site_hold_grace_applies_without_a_variable() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf)
        .var("DEVKIT_SLURM_PARTITION", "down")
        .env("DEVKIT_TREX_HOLD_GRACE", "2s");
    let out = job.run("build_script", "#!/bin/bash\necho never\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("PartitionDown"), "{}", text(&out));
}

#[test]
fn after_script_runs_on_the_runner_node_and_never_queues() {
    let Some(conf) = slurm_conf() else { return };
    // Even with every Slurm job held (down partition), after_script runs at once.
    let job = CiJob::new(&conf).var("DEVKIT_SLURM_PARTITION", "down");
    let t = Instant::now();
    let out = job.run("after_script", "#!/bin/bash\necho after on $(hostname)\n");
    assert!(out.status.success(), "{}", text(&out));
    assert!(t.elapsed() < Duration::from_secs(10), "took {:?}", t.elapsed());
    assert!(String::from_utf8_lossy(&out.stdout).contains("after on"));
    assert!(!text(&out).contains("Submitted"), "{}", text(&out));
    assert_eq!(job.live_jobs(), "");
}

#[test]
fn a_user_failure_stays_a_build_failure() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf);
    let out = job.run("build_script", "#!/bin/bash\nexit 7\n");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&job.exit_file).unwrap(), "7");
    // A request Slurm refuses is the user's too.
    let job = CiJob::new(&conf).var("DEVKIT_SLURM_PARTITION", "nosuchpartition");
    let out = job.run("build_script", "#!/bin/bash\ntrue\n");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}
