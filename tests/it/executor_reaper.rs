//! No orphan ever: `cleanup` keeps a CI job's record until Slurm confirms each job ended, and `devkit executor
//! reap` cancels what is left once the controller answers: jobs whose cleanup was unconfirmed, whose driver
//! died, or whose GitLab job is over. It never touches a job devkit did not tag. GitLab is a stand-in that
//! serves login and `GET /projects/:id/jobs/:id` from a status table.

use crate::executor::{CiJob, text};
use crate::slurm::{PrivateCluster, kill_group, slurm_conf, spawn, wait_for};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A stand-in GitLab: any token logs in; job and pipeline statuses come from the tables (absent = 404).
pub struct JobsGitlab {
    pub url: String,
    pub statuses: Arc<Mutex<HashMap<(u64, u64), String>>>,
    pub pipelines: Arc<Mutex<HashMap<(u64, u64), String>>>,
}

impl JobsGitlab {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let statuses: Arc<Mutex<HashMap<(u64, u64), String>>> = Arc::default();
        let table = statuses.clone();
        let pipelines: Arc<Mutex<HashMap<(u64, u64), String>>> = Arc::default();
        let pipeline_table = pipelines.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
                let seg: Vec<&str> = path.trim_start_matches("/api/v4/").split('/').collect();
                let (code, body) = match seg.as_slice() {
                    ["user"] => (200, r#"{"id":1,"username":"ada","name":"Ada"}"#.to_string()),
                    ["personal_access_tokens", "self"] => (
                        200,
                        r#"{"name":"t","scopes":["api"],"expires_at":null,"active":true,"revoked":false}"#
                            .into(),
                    ),
                    ["projects", p, "jobs", j] => {
                        let key = (p.parse().unwrap_or(0), j.parse().unwrap_or(0));
                        match table.lock().unwrap().get(&key) {
                            Some(s) => (200, format!(r#"{{"id":{},"status":"{s}"}}"#, key.1)),
                            None => (404, r#"{"message":"404 Not found"}"#.into()),
                        }
                    }
                    ["projects", p, "pipelines", l] => {
                        let key = (p.parse().unwrap_or(0), l.parse().unwrap_or(0));
                        match pipeline_table.lock().unwrap().get(&key) {
                            Some(s) => (200, format!(r#"{{"id":{},"status":"{s}"}}"#, key.1)),
                            None => (404, r#"{"message":"404 Not found"}"#.into()),
                        }
                    }
                    _ => (404, r#"{"message":"404 Not found"}"#.into()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Self {
            url,
            statuses,
            pipelines,
        }
    }

    /// Sets the status of pipeline `pipeline` of `project`.
    pub fn set_pipeline(&self, project: u64, pipeline: u64, status: &str) {
        self.pipelines
            .lock()
            .unwrap()
            .insert((project, pipeline), status.into());
    }

    pub fn set(&self, job: &str, status: &str) {
        self.statuses
            .lock()
            .unwrap()
            .insert((4242, job.parse().unwrap()), status.into());
    }
}

/// `job` pointed at the stand-in GitLab and logged in (file secret store).
pub fn with_gitlab(job: CiJob, gitlab: &JobsGitlab) -> CiJob {
    let job = job
        .env("DEVKIT_GITLAB_URL", &gitlab.url)
        .env("DEVKIT_SECRET_STORE", "file")
        .env("DEVKIT_HTTP_BACKOFF_MS", "1")
        .env("DEVKIT_HTTP_TIMEOUT_S", "5");
    let mut login = job.devkit();
    let out = login
        .args(["login", "gitlab", "--token-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(b"glpat-reaper-test\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    job
}

/// `devkit executor reap` for this CI job's user and builds folder.
pub fn reap(job: &CiJob) -> std::process::Output {
    job.stage(&["reap"])
}

/// Waits until this CI job has no live Slurm job, at most `limit`.
pub fn no_job_within(job: &CiJob, limit: Duration) {
    let t = Instant::now();
    while !job.live_jobs().is_empty() && t.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(job.live_jobs(), "", "job left after {limit:?}");
}

#[test]
fn a_long_controller_outage_leaves_no_job_once_it_is_back() {
    let Some(_) = slurm_conf() else { return };
    let cluster = PrivateCluster::start();
    let job = CiJob::new(&cluster.conf)
        .var("DEVKIT_SLURM_CONTROLLER_TIMEOUT", "3s")
        .var("DEVKIT_SLURM_CLEANUP_TIMEOUT", "3s");
    let script = job
        .ctx
        .write("scripts/build", "#!/bin/bash\necho up\nsleep 600\n");
    let mut child = spawn(job.cmd(&["run", script.to_str().unwrap(), "build_script"]));
    let (id, _err) = wait_for(&mut child, "Running");
    cluster.stop_controller();
    // The driver gives up on the controller: a system failure, the job's fate unknown.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Cleanup cannot cancel: it must keep the record (the bug removed it) and say so.
    let clean = job.stage(&["cleanup"]);
    assert!(clean.status.success(), "{}", text(&clean));
    assert!(
        job.record().join("jobids").exists(),
        "record removed without confirmation"
    );
    assert!(text(&clean).contains("reap"), "{}", text(&clean));
    assert!(
        std::fs::read_to_string(job.record().join("jobids"))
            .unwrap()
            .contains(&id)
    );
    std::thread::sleep(Duration::from_secs(3));
    cluster.start_controller();
    let back = Instant::now();
    assert!(
        !job.live_jobs().is_empty(),
        "the job survived the outage (the orphan the reaper exists for)"
    );
    let out = reap(&job);
    assert!(out.status.success(), "{}", text(&out));
    no_job_within(&job, Duration::from_secs(60).saturating_sub(back.elapsed()));
    assert!(
        !job.record().exists(),
        "record left after the reaper confirmed the end"
    );
    let log = std::fs::read_to_string(job.ctx.work.join("builds/.devkit/reap.log")).unwrap();
    assert!(log.contains(&id) && log.contains("cleanup ran"), "{log}");
}

#[test]
fn a_dead_driver_s_job_is_reaped_and_nothing_else() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf);
    job.orphan_a_job();
    // Jobs the reaper must never touch: untagged, a look-alike comment, `devkit slurm run`'s own.
    let others: Vec<String> = [
        vec!["--wrap=sleep 300".to_string()],
        vec![
            "--comment=devkit-ci:runner=9,project=4242,pipeline=77".into(),
            "--wrap=sleep 300".into(),
        ],
        vec![
            format!("--job-name=ci-{}", job.id),
            "--comment=devkit".into(),
            "--wrap=sleep 300".into(),
        ],
    ]
    .iter()
    .map(|args| {
        let out = Command::new("sbatch")
            .env("SLURM_CONF", &conf)
            .args(["--parsable", "--output=/dev/null"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .collect();
    let out = reap(&job);
    assert!(out.status.success(), "{}", text(&out));
    let t = Instant::now();
    let tagged = || {
        let out = Command::new("squeue")
            .env("SLURM_CONF", &conf)
            .args(["-h", "-o", "%i %k", "-u", "root"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains(&format!("job={}", job.id)))
            .count()
    };
    while tagged() > 0 && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(tagged(), 0);
    for id in &others {
        let state = crate::slurm::job_state(&conf, id);
        assert!(
            matches!(state.as_str(), "RUNNING" | "PENDING"),
            "job {id} was touched: {state}"
        );
    }
    let _ = Command::new("scancel")
        .env("SLURM_CONF", &conf)
        .args(&others)
        .status();
}

#[test]
fn a_job_gitlab_says_is_over_is_reaped_and_a_running_one_is_kept() {
    let Some(conf) = slurm_conf() else { return };
    let gitlab = JobsGitlab::start();
    let over = with_gitlab(CiJob::new(&conf), &gitlab);
    let running = with_gitlab(CiJob::new(&conf), &gitlab);
    let unknown = with_gitlab(CiJob::new(&conf), &gitlab);
    let mut children = Vec::new();
    for job in [&over, &running, &unknown] {
        let script = job
            .ctx
            .write("scripts/build", "#!/bin/bash\necho hi\nsleep 300\n");
        let mut child = spawn(job.cmd(&["run", script.to_str().unwrap(), "build_script"]));
        let (_id, err) = wait_for(&mut child, "Submitted");
        children.push((child, err));
    }
    gitlab.set(&over.id, "canceled");
    gitlab.set(&running.id, "running");
    // The drivers are alive: only GitLab's word decides. A 404 (unknown) keeps the job.
    let out = reap(&over);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("GitLab says the CI job is canceled"),
        "{}",
        text(&out)
    );
    no_job_within(&over, Duration::from_secs(30));
    assert_ne!(running.live_jobs(), "");
    assert_ne!(unknown.live_jobs(), "");
    // The driver of the reaped job notices and ends.
    let (child, _) = children.remove(0);
    let out = child.wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    for (child, _) in children {
        kill_group(child.id(), "-TERM");
        let _ = child.wait_with_output();
    }
    for job in [&running, &unknown] {
        assert!(job.stage(&["cleanup"]).status.success());
        assert_eq!(job.live_jobs(), "");
    }
}

#[test]
fn config_runs_the_reaper_at_most_once_a_minute() {
    let Some(conf) = slurm_conf() else { return };
    let job = CiJob::new(&conf);
    let stamp = job.ctx.work.join("builds/.devkit/reap.stamp");
    let out = job.stage(&["config"]);
    assert!(out.status.success(), "{}", text(&out));
    let first = std::fs::read_to_string(&stamp).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    assert!(job.stage(&["config"]).status.success());
    assert_eq!(
        std::fs::read_to_string(&stamp).unwrap(),
        first,
        "reaped twice within a minute"
    );
    assert!(
        !text(&out).contains("Reaper"),
        "config's stderr is a job log: the reaper prints nothing there"
    );
}

#[test]
fn service_install_adds_a_reaper_timer() {
    let ctx = crate::support::TestContext::new();
    let out = ctx
        .devkit()
        .args(["runner", "service", "install", "--systemd", "yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let dir = ctx.home.join(".config/systemd/user");
    let timer = std::fs::read_to_string(dir.join("devkit-executor-reap.timer")).unwrap();
    assert!(timer.contains("OnUnitActiveSec=1min"), "{timer}");
    let service = std::fs::read_to_string(dir.join("devkit-executor-reap.service")).unwrap();
    assert!(service.contains(" executor reap"), "{service}");
    let out = ctx
        .devkit()
        .args(["runner", "service", "install", "--systemd", "no"])
        .output()
        .unwrap();
    assert!(text(&out).contains("executor reap"), "{}", text(&out));
}
