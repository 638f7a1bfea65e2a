//! `devkit executor` driven exactly as gitlab-runner drives it: `CUSTOM_ENV_` variables, `JOB_RESPONSE_FILE`,
//! the stage order config → prepare → run (per sub-stage) → cleanup, and SIGTERM to the process group on cancel.

use crate::slurm::{devkit_std, job_state, kill_group, slurm_conf, spawn, wait_for};
use crate::support::TestContext;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// One CI job as gitlab-runner would run it.
pub struct CiJob {
    pub ctx: TestContext,
    pub conf: String,
    pub id: String,
    pub vars: Vec<(String, String)>,
    pub exit_file: PathBuf,
}

impl CiJob {
    pub fn new(conf: &str) -> Self {
        let ctx = TestContext::new();
        // Unique among concurrent tests: cleanup cancels by job name.
        let id = format!("{}{:03}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let response = ctx.write(
            "job-response.json",
            &format!("{{\"id\": {id}, \"token\": \"x\"}}"),
        );
        let exit_file = ctx.work.join("exit-code");
        let vars = vec![
            ("CUSTOM_ENV_CI_JOB_ID".into(), id.clone()),
            ("CUSTOM_ENV_CI_PIPELINE_ID".into(), "77".into()),
            ("CUSTOM_ENV_CI_PROJECT_PATH".into(), "group/demo".into()),
            ("CUSTOM_ENV_CI_PROJECT_ID".into(), "4242".into()),
            ("CUSTOM_ENV_CI_RUNNER_ID".into(), "9".into()),
            ("JOB_RESPONSE_FILE".into(), response.display().to_string()),
            ("BUILD_FAILURE_EXIT_CODE".into(), "1".into()),
            ("SYSTEM_FAILURE_EXIT_CODE".into(), "2".into()),
            ("BUILD_EXIT_CODE_FILE".into(), exit_file.display().to_string()),
            (
                "DEVKIT_TREX_BUILDS_DIR".into(),
                ctx.work.join("builds").display().to_string(),
            ),
            (
                "DEVKIT_TREX_CACHE_DIR".into(),
                ctx.work.join("cache").display().to_string(),
            ),
        ];
        Self {
            ctx,
            conf: conf.into(),
            id,
            vars,
            exit_file,
        }
    }

    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.vars.push((format!("CUSTOM_ENV_{name}"), value.into()));
        self
    }

    /// Sets a plain environment variable (not a CI variable) of every stage.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.vars.push((name.into(), value.into()));
        self
    }

    /// The record folder of this CI job.
    pub fn record(&self) -> PathBuf {
        self.ctx.work.join("builds/.devkit/jobs").join(&self.id)
    }

    /// `devkit` with this CI job's environment.
    pub fn devkit(&self) -> Command {
        let mut cmd = devkit_std(&self.ctx, &self.conf);
        cmd.envs(self.vars.iter().map(|(k, v)| (k, v)));
        cmd
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.devkit();
        cmd.arg("executor").args(args);
        cmd
    }

    pub fn stage(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn run(&self, stage: &str, script: &str) -> Output {
        let path = self.ctx.write(&format!("scripts/{stage}"), script);
        self.stage(&["run", path.to_str().unwrap(), stage])
    }

    /// Starts a long build_script and kills its driver (SIGKILL to the group) right after the submission, as
    /// after gitlab-runner's force-kill timeout: the Slurm job is left behind.
    pub fn orphan_a_job(&self) {
        let script = self.ctx.write("scripts/build", "#!/bin/bash\nsleep 300\n");
        let mut child = spawn(self.cmd(&["run", script.to_str().unwrap(), "build_script"]));
        let (_id, _err) = wait_for(&mut child, "Submitted");
        kill_group(child.id(), "-KILL");
        let _ = child.wait();
    }

    /// The Slurm jobs carrying this CI job's name, in any state but finished.
    pub fn live_jobs(&self) -> String {
        let out = Command::new("squeue")
            .env("SLURM_CONF", &self.conf)
            .args(["-h", "--name", &format!("ci-{}", self.id), "-o", "%i %T"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_successful_job_goes_through_every_stage() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf);
    let config = job.stage(&["config"]);
    assert!(config.status.success(), "{}", text(&config));
    let json: serde_json::Value = serde_json::from_slice(&config.stdout).unwrap();
    assert!(json["builds_dir"].as_str().unwrap().ends_with("/builds"));
    assert_eq!(json["builds_dir_is_shared"], true);
    assert_eq!(json["driver"]["name"], "devkit slurm");
    assert!(job.stage(&["prepare"]).status.success());
    let local = job.run("get_sources", "#!/bin/bash\necho fetching on $(hostname)\n");
    assert!(local.status.success());
    assert!(String::from_utf8_lossy(&local.stdout).contains("fetching"));
    let build = job.run("build_script", "#!/bin/bash\necho in-slurm job=$SLURM_JOB_ID\n");
    assert!(build.status.success(), "{}", text(&build));
    assert!(
        String::from_utf8_lossy(&build.stdout).contains("in-slurm job="),
        "{}",
        text(&build)
    );
    let step = job.run("step_script", "#!/bin/bash\necho step\n");
    assert!(step.status.success());
    let after = job.run("after_script", "#!/bin/bash\necho after\n");
    assert!(after.status.success());
    assert!(job.stage(&["cleanup"]).status.success());
    assert_eq!(job.live_jobs(), "");
    assert!(
        !job.record().exists(),
        "cleanup removes the record once Slurm confirms the end"
    );
}

#[test]
fn the_user_exit_code_goes_to_the_exit_code_file() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf);
    let out = job.run("build_script", "#!/bin/bash\necho failing\nexit 3\n");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&job.exit_file).unwrap(), "3");
}

#[test]
fn options_come_from_ci_variables() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf)
        .var("SCHEDULER_PARAMETERS", "--partition=debug --cpus-per-task=2")
        .var("DEVKIT_SLURM_GPUS", "1");
    let out = job.run(
        "build_script",
        "#!/bin/bash\necho part=$SLURM_JOB_PARTITION cpus=$SLURM_CPUS_PER_TASK gpu=$CUDA_VISIBLE_DEVICES\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("part=debug cpus=2 gpu=0"),
        "{}",
        text(&out)
    );
}

#[test]
fn hostile_scheduler_parameters_are_refused() {
    let Some(conf) = slurm_conf() else { return };
    for hostile in [
        "--wrap=echo; rm -rf ~",
        "--partition=$(touch pwned)",
        "--account=`id`",
        "--output=/tmp/x",
    ] {
        let job = CiJob::new(&conf).var("SCHEDULER_PARAMETERS", hostile);
        let out = job.stage(&["prepare"]);
        assert_eq!(out.status.code(), Some(1), "{hostile}: {}", text(&out));
        assert!(text(&out).contains("SCHEDULER_PARAMETERS"), "{}", text(&out));
        let out = job.run("build_script", "#!/bin/bash\necho should-not-run\n");
        assert_eq!(out.status.code(), Some(1));
        assert!(!text(&out).contains("should-not-run"));
        assert_eq!(job.live_jobs(), "");
        assert!(!job.ctx.work.join("pwned").exists());
    }
}

#[test]
fn cancel_sigterm_to_the_group_then_cleanup_leaves_no_job() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf);
    let script = job
        .ctx
        .write("scripts/build", "#!/bin/bash\necho working\nsleep 300\n");
    let mut child = spawn(job.cmd(&["run", script.to_str().unwrap(), "build_script"]));
    let (id, _err) = wait_for(&mut child, "Running");
    kill_group(child.id(), "-TERM");
    let t = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(job.stage(&["cleanup"]).status.success());
    std::thread::sleep(Duration::from_secs(5).saturating_sub(t.elapsed()));
    assert_eq!(job.live_jobs(), "");
    assert!(!matches!(job_state(&conf, &id).as_str(), "RUNNING" | "PENDING"));
}

#[test]
fn cancel_while_pending_leaves_no_job() {
    let Some(conf) = slurm_conf() else { return };
    // The `down` partition never starts jobs: the CI job is cancelled while its Slurm job waits.
    let job = CiJob::new(&conf).var("SCHEDULER_PARAMETERS", "--partition=down");
    let script = job.ctx.write("scripts/build", "#!/bin/bash\necho never\n");
    let mut child = spawn(job.cmd(&["run", script.to_str().unwrap(), "build_script"]));
    let (id, _err) = wait_for(&mut child, "Pending");
    kill_group(child.id(), "-TERM");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a cancelled job is a build failure");
    assert!(job.stage(&["cleanup"]).status.success());
    assert_eq!(job.live_jobs(), "");
    assert_eq!(job_state(&conf, &id), "CANCELLED");
}

#[test]
fn cleanup_cancels_a_job_left_behind() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf);
    job.orphan_a_job();
    assert_ne!(job.live_jobs(), "");
    assert!(job.stage(&["cleanup"]).status.success());
    let t = Instant::now();
    while !job.live_jobs().is_empty() && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(job.live_jobs(), "");
}

#[test]
fn a_lost_controller_is_a_system_failure() {
    let Some(_) = slurm_conf() else { return };
    let cluster = crate::slurm::PrivateCluster::start();
    let job = CiJob::new(&cluster.conf).var("DEVKIT_SLURM_CONTROLLER_TIMEOUT", "3s");
    let script = job.ctx.write("scripts/build", "#!/bin/bash\necho up\nsleep 60\n");
    let mut child = spawn(job.cmd(&["run", script.to_str().unwrap(), "build_script"]));
    let (_id, _err) = wait_for(&mut child, "Running");
    let pid = std::fs::read_to_string(cluster.pid_file("slurmctld.pid")).unwrap();
    Command::new("kill").arg(pid.trim()).status().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!job.exit_file.exists());
}
