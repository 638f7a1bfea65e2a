//! `devkit slurm run` against a real Slurm cluster (started by `scripts/test.sh` through `tests/slurm/up.sh`).

use crate::support::{TestContext, require_tool};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The test cluster's `SLURM_CONF` (a missing cluster fails the test unless the run allows skips).
pub fn slurm_conf() -> Option<String> {
    require_tool("sbatch")?;
    crate::support::require_env(
        "SLURM_CONF",
        "the Slurm test cluster",
        "run ./scripts/test.sh, or tests/slurm/up.sh DIR and source DIR/env",
    )
}

/// `devkit` with the context's clean environment, as a std command (for tests that signal it).
pub fn devkit_std(ctx: &TestContext, conf: &str) -> Command {
    let mut cmd = ctx.devkit_std();
    cmd.env("SLURM_CONF", conf)
        .env("DEVKIT_SLURM_SACCT", "completion");
    cmd
}

/// `devkit slurm run ARGS` in the context, on the cluster `conf`.
pub fn slurm_run_std(ctx: &TestContext, conf: &str, args: &[&str]) -> Command {
    let mut cmd = devkit_std(ctx, conf);
    cmd.env("DEVKIT_SLURM_DIR", ctx.work.join("jobs"))
        .arg("slurm")
        .arg("run")
        .args(args);
    cmd
}

/// The same, for assertions.
pub fn slurm_run(ctx: &TestContext, conf: &str, args: &[&str]) -> assert_cmd::Command {
    assert_cmd::Command::from_std(slurm_run_std(ctx, conf, args))
}

/// Spawns with piped output in a process group of its own (gitlab-runner does the same).
pub fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    cmd.spawn().unwrap()
}

use std::os::unix::process::CommandExt as _;

/// Reads stderr lines until one contains `needle`; returns the job id from the `Submitted job N` line.
pub fn wait_for(child: &mut Child, needle: &str) -> (String, BufReader<std::process::ChildStderr>) {
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut id = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "devkit ended before `{needle}`"
        );
        if let Some(found) = submitted_id(&line) {
            id = found.to_string();
        }
        if line.contains(needle) {
            return (id, reader);
        }
    }
}

/// The job id of devkit's `Submitted job N` line in `text`.
pub fn submitted_id(text: &str) -> Option<&str> {
    text.split("Submitted job ").nth(1)?.split_whitespace().next()
}

/// `devkit slurm run ARGS` must exit with `code`, print `message`, and leave its job CANCELLED.
fn cancelled_at_once(args: &[&str], code: i32, message: &str) {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    let out = slurm_run(&ctx, &conf, args)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(code)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains(message), "{err}");
    let id = submitted_id(&err).unwrap_or_else(|| panic!("no job id: {err}"));
    assert_eq!(job_state(&conf, id), "CANCELLED");
}

/// The job's state according to squeue (`-t all`).
pub fn job_state(conf: &str, id: &str) -> String {
    let out = Command::new("squeue")
        .env("SLURM_CONF", conf)
        .args(["-h", "-t", "all", "-j", id, "-o", "%T"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn terminal(state: &str) -> bool {
    !matches!(
        state,
        "PENDING" | "RUNNING" | "COMPLETING" | "CONFIGURING" | "SUSPENDED" | ""
    )
}

/// Sends a signal to a whole process group, as gitlab-runner does.
pub fn kill_group(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, "--", &format!("-{pid}")])
        .status()
        .unwrap();
    assert!(status.success());
}

fn exit_code(child: Child) -> i32 {
    child.wait_with_output().unwrap().status.code().unwrap_or(-1)
}

#[test]
fn success_streams_output_and_exits_zero() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    slurm_run(&ctx, &conf, &["--", "bash", "-c", "echo hello; echo oops >&2"])
        .assert()
        .success()
        .stdout("hello\noops\n");
}

#[test]
fn exit_code_3_is_propagated_from_a_script() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    let script = ctx.write("job.sh", "#!/bin/bash\necho before\nexit 3\n");
    slurm_run(&ctx, &conf, &[script.to_str().unwrap()])
        .assert()
        .code(3)
        .stdout("before\n")
        .stderr(predicates::str::contains("failed with exit code 3"));
}

#[test]
fn ten_thousand_lines_arrive_complete_and_in_order() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    let out = slurm_run(
        &ctx,
        &conf,
        &[
            "--",
            "bash",
            "-c",
            "for i in $(seq 1 10000); do echo line-$i; done",
        ],
    )
    .assert()
    .success()
    .get_output()
    .stdout
    .clone();
    let expected: String = (1..=10000).map(|i| format!("line-{i}\n")).collect();
    assert!(String::from_utf8(out).unwrap() == expected, "output differs");
}

#[test]
fn a_gpu_request_gets_a_gpu() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    slurm_run(
        &ctx,
        &conf,
        &[
            "--gpus",
            "1",
            "--",
            "bash",
            "-c",
            "echo gpus=$CUDA_VISIBLE_DEVICES",
        ],
    )
    .assert()
    .success()
    .stdout("gpus=0\n");
}

#[test]
fn hostile_arguments_stay_arguments() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    slurm_run(&ctx, &conf, &["--", "echo", "$(id)", "a;b", "it's"])
        .assert()
        .success()
        .stdout("$(id) a;b it's\n");
    slurm_run(&ctx, &conf, &["--partition", "cpu;id", "--", "true"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("forbidden characters"));
}

#[test]
fn ten_jobs_at_once() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    let children: Vec<Child> = (0..10)
        .map(|i| {
            spawn(slurm_run_std(
                &ctx,
                &conf,
                &["--", "bash", "-c", &format!("sleep 1; echo job-{i}")],
            ))
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("job-{i}\n"));
    }
}

#[test]
fn cancel_while_running_leaves_no_job() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    let mut child = spawn(slurm_run_std(
        &ctx,
        &conf,
        &["--", "bash", "-c", "echo started; sleep 300"],
    ));
    let (id, _err) = wait_for(&mut child, "Running");
    kill_group(child.id(), "-TERM");
    let t = Instant::now();
    assert_eq!(exit_code(child), 143);
    std::thread::sleep(Duration::from_secs(5).saturating_sub(t.elapsed()));
    let state = job_state(&conf, &id);
    assert!(terminal(&state), "job {id} is still {state}");
}

#[test]
fn cancel_while_pending_leaves_no_job() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    let mut child = spawn(slurm_run_std(&ctx, &conf, &["--partition", "down", "--", "true"]));
    let (id, _err) = wait_for(&mut child, "Pending");
    kill_group(child.id(), "-INT");
    assert_eq!(exit_code(child), 130);
    assert_eq!(job_state(&conf, &id), "CANCELLED");
}

#[test]
fn pending_beyond_the_queue_budget_is_cancelled() {
    cancelled_at_once(
        &["--partition", "down", "--queue-timeout", "2s", "--", "true"],
        156,
        "PartitionDown",
    );
}

#[test]
fn a_job_that_can_never_start_is_cancelled_at_once() {
    // The `short` partition allows one minute: a ten-minute job would wait forever.
    cancelled_at_once(
        &["--partition", "short", "--time", "10", "--", "true"],
        158,
        "can never start as submitted",
    );
}

#[test]
fn a_job_exceeding_its_time_limit_times_out() {
    let Some(conf) = slurm_conf() else { return };
    let ctx = TestContext::new();
    let mut child = spawn(slurm_run_std(
        &ctx,
        &conf,
        &["--time", "1", "--", "bash", "-c", "echo start; sleep 300"],
    ));
    let (id, _err) = wait_for(&mut child, "Running");
    // The limit is checked about every 30 s; a zero limit on a running job makes the next check kill it.
    let st = Command::new("scontrol")
        .env("SLURM_CONF", &conf)
        .args(["update", &format!("jobid={id}"), "TimeLimit=0"])
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(exit_code(child), 150);
    assert_eq!(job_state(&conf, &id), "TIMEOUT");
}

/// A private cluster for tests that break it, stopped on drop.
pub struct PrivateCluster {
    pub dir: tempfile::TempDir,
    pub conf: String,
}

impl PrivateCluster {
    pub fn start() -> Self {
        let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slurm");
        // up.sh picks the first free port range below the ephemeral ports (where an outgoing connection could take
        // a port between the check and slurmctld's bind); one start at a time in this process, so two concurrent
        // tests never pick the same range, and a start that lost a race anyway is tried again.
        static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = STARTING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let conf = dir.path().join("slurm.conf").display().to_string();
            let st = Command::new(scripts.join("up.sh"))
                .arg(dir.path())
                .arg("")
                .arg("1")
                .status()
                .unwrap();
            let cluster = Self { dir, conf };
            if st.success() {
                return cluster;
            }
        }
        panic!("private cluster did not start in 3 attempts (see the up.sh errors above)")
    }

    pub fn pid_file(&self, name: &str) -> PathBuf {
        self.dir.path().join("run").join(name)
    }

    /// Stops slurmctld (SIGTERM: it saves its state, the jobs keep running on the node) and waits for its end.
    pub fn stop_controller(&self) {
        let pid = std::fs::read_to_string(self.pid_file("slurmctld.pid")).unwrap();
        let pid = pid.trim().to_string();
        Command::new("kill").arg(&pid).status().unwrap();
        let t = Instant::now();
        let alive = || std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| !c.is_empty());
        while alive() && t.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(!alive(), "slurmctld did not stop");
    }

    /// Starts slurmctld again from its saved state (no `-c`), as after a controller restart, and waits until
    /// it answers.
    pub fn start_controller(&self) {
        let st = Command::new("slurmctld")
            .env("SLURM_CONF", &self.conf)
            .args(["-f", &self.conf])
            .status()
            .unwrap();
        assert!(st.success(), "slurmctld did not start");
        let t = Instant::now();
        loop {
            let ok = Command::new("squeue")
                .env("SLURM_CONF", &self.conf)
                .arg("-h")
                .output()
                .is_ok_and(|o| o.status.success());
            if ok {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "slurmctld does not answer after a restart"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        let pid = std::fs::read_to_string(self.pid_file("slurmctld.pid")).unwrap_or_default();
        let pids = self.dir.path().join("pids");
        let mut list = std::fs::read_to_string(&pids).unwrap_or_default();
        list.push_str(pid.trim());
        list.push('\n');
        std::fs::write(pids, list).unwrap();
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slurm");
        let _ = Command::new(scripts.join("down.sh"))
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn controller_stopped_during_a_job_is_a_clear_failure_without_hang() {
    let Some(_) = slurm_conf() else { return };
    let cluster = PrivateCluster::start();
    let ctx = TestContext::new();
    let mut child = spawn(slurm_run_std(
        &ctx,
        &cluster.conf,
        &[
            "--controller-timeout",
            "3s",
            "--",
            "bash",
            "-c",
            "echo up; sleep 60",
        ],
    ));
    let (_id, mut err) = wait_for(&mut child, "Running");
    let pid = std::fs::read_to_string(cluster.pid_file("slurmctld.pid")).unwrap();
    Command::new("kill").arg(pid.trim()).status().unwrap();
    let t = Instant::now();
    let code = exit_code(child);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    assert_eq!(code, 157, "{rest}");
    assert!(t.elapsed() < Duration::from_secs(30), "took {:?}", t.elapsed());
    assert!(rest.contains("controller stopped answering"), "{rest}");
}
