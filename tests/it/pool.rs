//! Allocation pools on the real test cluster, driven through the executor protocol as gitlab-runner does: the
//! jobs of one pipeline run as steps of one holder job; the allocation is released on idle timeout, when GitLab
//! says the pipeline is finished (reaper), after the holder died (replaced, never used) and after the last job
//! was cancelled; a pool is never reused by another project.

use crate::executor::{CiJob, text};
use crate::slurm::{kill_group, slurm_conf, spawn, wait_for};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A pipeline id no other test (or test process) uses.
pub fn fresh_pipeline() -> u64 {
    u64::from(std::process::id()) * 1000 + NEXT.fetch_add(1, Ordering::SeqCst) + 1
}

/// A CI job of `pipeline` in `project`, asking for pool `pool`, in the shared builds folder `builds`.
pub fn pool_job(conf: &str, builds: &Path, project: u64, pipeline: u64, pool: &str) -> CiJob {
    CiJob::new(conf)
        .env("DEVKIT_TREX_BUILDS_DIR", &builds.display().to_string())
        .var("CI_PROJECT_ID", &project.to_string())
        .var("CI_PIPELINE_ID", &pipeline.to_string())
        .var("DEVKIT_SLURM_POOL", pool)
        .var("DEVKIT_SLURM_TIME", "10")
}

/// The build_script stage of `job` running `script`.
pub fn build(job: &CiJob, script: &str) -> Output {
    job.run("build_script", script)
}

/// The live holder jobs of `pipeline` (any project).
pub fn holders(conf: &str, pipeline: u64) -> Vec<String> {
    let out = Command::new("squeue")
        .env("SLURM_CONF", conf)
        .args(["-h", "-o", "%i|%k"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("devkit-pool:") && l.contains(&format!(",pipeline={pipeline},")))
        .map(|l| l.split('|').next().unwrap().to_string())
        .collect()
}

/// Waits until `pipeline` holds no allocation, at most `limit`.
pub fn no_holder_within(conf: &str, pipeline: u64, limit: Duration) {
    let t = Instant::now();
    while !holders(conf, pipeline).is_empty() && t.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        holders(conf, pipeline),
        Vec::<String>::new(),
        "allocation left after {limit:?}"
    );
}

/// The `job=<SLURM_JOB_ID>` a script printed with `echo job=$SLURM_JOB_ID`.
pub fn slurm_job(out: &Output) -> String {
    let s = String::from_utf8_lossy(&out.stdout);
    s.split("job=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no job id in {}", text(out)))
        .to_string()
}

const ECHO: &str = "#!/bin/bash\necho job=$SLURM_JOB_ID step=$SLURM_STEP_ID\n";

fn builds() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("builds");
    (dir, b)
}

#[test]
fn a_pipeline_waits_once_and_its_pool_is_released_when_idle() {
    let Some(conf) = slurm_conf() else { return };
    let (_d, b) = builds();
    let pipeline = fresh_pipeline();
    let pool = "cpus=4,idle=3s";
    // One stage of three parallel jobs starting at once: one holder, three steps side by side.
    let jobs: Vec<CiJob> = (0..3)
        .map(|_| pool_job(&conf, &b, 4242, pipeline, pool))
        .collect();
    let children: Vec<_> = jobs
        .iter()
        .map(|j| {
            let script = j.ctx.write("scripts/build", &format!("{ECHO}sleep 1\n"));
            spawn(j.cmd(&["run", script.to_str().unwrap(), "build_script"]))
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let ids: Vec<String> = outs.iter().map(slurm_job).collect();
    for o in &outs {
        assert!(o.status.success(), "{}", text(o));
    }
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "one allocation for the stage: {ids:?}"
    );
    let submitted = outs
        .iter()
        .filter(|o| text(o).contains("submitted holder job"))
        .count();
    assert_eq!(submitted, 1, "exactly one holder submitted");
    // A later job of the pipeline reuses it without a queue wait and says so.
    let next = pool_job(&conf, &b, 4242, pipeline, pool);
    let out = build(&next, ECHO);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(slurm_job(&out), ids[0]);
    assert!(
        text(&out).contains("reusing the pipeline's allocation"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("no queue wait"), "{}", text(&out));
    assert!(next.stage(&["cleanup"]).status.success());
    // A GPU job does not fit the CPU pool: it gets an allocation of its own.
    let gpu = pool_job(&conf, &b, 4242, pipeline, pool).var("DEVKIT_SLURM_GPUS", "1");
    let out = build(&gpu, ECHO);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("allocation of its own"), "{}", text(&out));
    assert_ne!(slurm_job(&out), ids[0]);
    assert!(text(&out).contains("in the queue"), "{}", text(&out));
    // Nothing renews the lease any more: released after the idle timeout.
    no_holder_within(&conf, pipeline, Duration::from_secs(20));
    assert!(!b.join(".devkit/jobs").join(&next.id).exists());
}

#[test]
fn a_pool_is_never_reused_by_another_project_or_pipeline() {
    let Some(conf) = slurm_conf() else { return };
    let (_d, b) = builds();
    let pipeline = fresh_pipeline();
    let pool = "cpus=2,idle=3s";
    let a1 = build(&pool_job(&conf, &b, 4242, pipeline, pool), ECHO);
    let a2 = build(&pool_job(&conf, &b, 4242, pipeline, pool), ECHO);
    // Same pipeline id, same builds folder, same size, same user: another project.
    let other_project = build(&pool_job(&conf, &b, 5151, pipeline, pool), ECHO);
    let other_pipeline = build(&pool_job(&conf, &b, 4242, pipeline + 500, pool), ECHO);
    for o in [&a1, &a2, &other_project, &other_pipeline] {
        assert!(o.status.success(), "{}", text(o));
    }
    assert_eq!(slurm_job(&a1), slurm_job(&a2));
    assert_ne!(slurm_job(&a1), slurm_job(&other_project));
    assert_ne!(slurm_job(&a1), slurm_job(&other_pipeline));
    assert!(
        text(&other_project).contains("submitted holder job"),
        "{}",
        text(&other_project)
    );
    no_holder_within(&conf, pipeline, Duration::from_secs(20));
    no_holder_within(&conf, pipeline + 500, Duration::from_secs(20));
}

#[test]
fn a_dead_holder_is_replaced_never_used() {
    let Some(conf) = slurm_conf() else { return };
    let (_d, b) = builds();
    let pipeline = fresh_pipeline();
    let pool = "cpus=2,idle=4s";
    let first = build(&pool_job(&conf, &b, 4242, pipeline, pool), ECHO);
    assert!(first.status.success(), "{}", text(&first));
    let dead = slurm_job(&first);
    // The holder's process dies (SIGKILL to the batch shell): its job ends, its pool folder stays.
    let st = Command::new("scancel")
        .env("SLURM_CONF", &conf)
        .args(["--signal=KILL", "--batch", &dead])
        .status()
        .unwrap();
    assert!(st.success());
    let t = Instant::now();
    while holders(&conf, pipeline).contains(&dead) && t.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let next = build(&pool_job(&conf, &b, 4242, pipeline, pool), ECHO);
    assert!(next.status.success(), "{}", text(&next));
    assert_ne!(slurm_job(&next), dead, "a dead holder was used");
    assert!(text(&next).contains("replacing it"), "{}", text(&next));
    no_holder_within(&conf, pipeline, Duration::from_secs(20));
}

#[test]
fn cancelling_the_last_job_leaves_no_step_and_no_allocation() {
    let Some(conf) = slurm_conf() else { return };
    let (_d, b) = builds();
    let pipeline = fresh_pipeline();
    let job = pool_job(&conf, &b, 4242, pipeline, "cpus=2,idle=3s");
    let script = job
        .ctx
        .write("scripts/build", "#!/bin/bash\necho working\nsleep 300\n");
    let mut child = spawn(job.cmd(&["run", script.to_str().unwrap(), "build_script"]));
    let (_id, _err) = wait_for(&mut child, "Running");
    let holder = holders(&conf, pipeline);
    assert_eq!(holder.len(), 1);
    kill_group(child.id(), "-TERM");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a cancelled job is a build failure");
    assert!(job.stage(&["cleanup"]).status.success());
    let steps = Command::new("squeue")
        .env("SLURM_CONF", &conf)
        .args(["-h", "-s", "-j", &holder[0], "-o", "%i"])
        .output()
        .unwrap();
    let steps = String::from_utf8_lossy(&steps.stdout).to_string();
    assert!(
        steps
            .lines()
            .all(|l| l.trim().ends_with(".batch") || l.trim().is_empty()),
        "a step is left: {steps}"
    );
    no_holder_within(&conf, pipeline, Duration::from_secs(20));
}

#[test]
fn a_step_longer_than_the_idle_timeout_keeps_its_pool() {
    let Some(conf) = slurm_conf() else { return };
    let (_d, b) = builds();
    let pipeline = fresh_pipeline();
    let job = pool_job(&conf, &b, 4242, pipeline, "cpus=2,idle=2s");
    // The step renews the lease from inside: the holder must not release the allocation under it.
    let out = build(&job, "#!/bin/bash\nsleep 7\necho job=$SLURM_JOB_ID\n");
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("ended while step"), "{}", text(&out));
    no_holder_within(&conf, pipeline, Duration::from_secs(15));
}

#[test]
fn slurm_run_reuse_runs_several_commands_in_one_allocation() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = crate::support::TestContext::new();
    let key = format!("work-{}", fresh_pipeline());
    let run = |cmd: &str| {
        crate::slurm::slurm_run_std(
            &ctx,
            &conf,
            &[
                "--reuse",
                &key,
                "--pool",
                "cpus=2,idle=3s",
                "-t",
                "5",
                "--",
                "bash",
                "-c",
                cmd,
            ],
        )
        .output()
        .unwrap()
    };
    let first = run("echo job=$SLURM_JOB_ID; echo tmp=$TMPDIR");
    let second = run("echo job=$SLURM_JOB_ID");
    assert!(
        first.status.success() && second.status.success(),
        "{}{}",
        text(&first),
        text(&second)
    );
    assert_eq!(slurm_job(&first), slurm_job(&second));
    assert!(text(&second).contains("no queue wait"), "{}", text(&second));
    assert!(
        text(&first).contains(&format!("tmp={}", ctx.work.join("jobs").display())),
        "{}",
        text(&first)
    );
    // A name that could leave the pools folder is refused before anything is submitted.
    let bad = crate::slurm::slurm_run_std(&ctx, &conf, &["--reuse", "../x", "--", "true"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("not a valid pool name"), "{}", text(&bad));
    let t = Instant::now();
    let live = || {
        let out = Command::new("squeue")
            .env("SLURM_CONF", &conf)
            .args(["-h", "-o", "%k"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains(&format!("name={key},"))
    };
    while live() && t.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!live(), "the --reuse pool outlived its idle timeout");
}

#[test]
fn hostile_pool_values_are_refused_before_anything_runs() {
    let Some(conf) = slurm_conf() else { return };
    let (_d, b) = builds();
    for hostile in [
        "partition=$(touch pwned)",
        "cpus=8;id",
        "color=red",
        "nodes",
        "account=`id`",
        "mem=lots",
    ] {
        let pipeline = fresh_pipeline();
        let job = pool_job(&conf, &b, 4242, pipeline, hostile);
        let out = job.stage(&["prepare"]);
        assert_eq!(out.status.code(), Some(1), "{hostile}: {}", text(&out));
        assert!(text(&out).contains("DEVKIT_SLURM_POOL"), "{}", text(&out));
        assert!(text(&out).contains("hint:"), "{}", text(&out));
        let out = build(&job, "#!/bin/bash\necho should-not-run\n");
        assert_eq!(out.status.code(), Some(1));
        assert!(!text(&out).contains("should-not-run"));
        assert!(holders(&conf, pipeline).is_empty());
        assert!(!job.ctx.work.join("pwned").exists());
        assert!(
            !b.join(".devkit/pools").exists()
                || std::fs::read_dir(b.join(".devkit/pools")).unwrap().count() == 0
        );
    }
}
