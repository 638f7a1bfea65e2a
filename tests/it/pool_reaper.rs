//! The reaper releases the pool of a pipeline GitLab says is finished, long before its idle timeout, and keeps
//! the pool of a running pipeline. GitLab is a stand-in serving login and `GET /projects/:id/pipelines/:id`
//! from a status table.

use crate::executor::text;
use crate::executor_reaper::{JobsGitlab, reap, with_gitlab};
use crate::pool::{build, fresh_pipeline, holders, no_holder_within, pool_job, slurm_job};
use crate::slurm::slurm_conf;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A stand-in GitLab: any token logs in; pipeline statuses come from the table (absent = 404).
struct PipelinesGitlab {
    url: String,
    statuses: Arc<Mutex<HashMap<(u64, u64), String>>>,
}

impl PipelinesGitlab {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let statuses: Arc<Mutex<HashMap<(u64, u64), String>>> = Arc::default();
        let table = statuses.clone();
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
                    ["projects", p, "pipelines", l] => {
                        let key = (p.parse().unwrap_or(0), l.parse().unwrap_or(0));
                        match table.lock().unwrap().get(&key) {
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
        Self { url, statuses }
    }

    fn set(&self, project: u64, pipeline: u64, status: &str) {
        self.statuses
            .lock()
            .unwrap()
            .insert((project, pipeline), status.into());
    }
}

#[test]
fn the_reaper_releases_the_pool_of_a_finished_pipeline_and_keeps_a_running_one() {
    let Some(conf) = slurm_conf() else { return };
    let gitlab = PipelinesGitlab::start();
    let login = JobsGitlab {
        url: gitlab.url.clone(),
        statuses: Arc::default(),
    };
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("builds");
    let (finished, running) = (fresh_pipeline(), fresh_pipeline());
    // A long idle timeout: only the reaper can release the finished pipeline's pool within the test.
    let pool = "cpus=2,idle=10m";
    let job = with_gitlab(pool_job(&conf, &b, 4242, finished, pool), &login);
    let out = build(&job, "#!/bin/bash\necho job=$SLURM_JOB_ID\n");
    assert!(out.status.success(), "{}", text(&out));
    let other = with_gitlab(pool_job(&conf, &b, 4242, running, pool), &login);
    let out2 = build(&other, "#!/bin/bash\necho job=$SLURM_JOB_ID\n");
    assert!(out2.status.success(), "{}", text(&out2));
    assert_eq!(holders(&conf, finished), [slurm_job(&out)]);
    let pools = job.stage(&["pools"]);
    assert!(pools.status.success(), "{}", text(&pools));
    assert!(text(&pools).contains(&finished.to_string()), "{}", text(&pools));
    gitlab.set(4242, finished, "success");
    gitlab.set(4242, running, "running");
    let out = reap(&job);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("GitLab says the pipeline is success"),
        "{}",
        text(&out)
    );
    no_holder_within(&conf, finished, Duration::from_secs(30));
    assert_eq!(
        holders(&conf, running).len(),
        1,
        "a running pipeline's pool was released"
    );
    let log = std::fs::read_to_string(b.join(".devkit/reap.log")).unwrap();
    assert!(log.contains("released pool job"), "{log}");
    // The end of the test is the end of the other pipeline too.
    gitlab.set(4242, running, "canceled");
    assert!(reap(&other).status.success());
    no_holder_within(&conf, running, Duration::from_secs(30));
}
