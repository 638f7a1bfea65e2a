//! The reaper releases the pool of a pipeline GitLab says is finished, long before its idle timeout, and keeps
//! the pool of a running pipeline. GitLab is the reaper tests' stand-in, which serves
//! `GET /projects/:id/pipelines/:id` from a status table.

use crate::executor::text;
use crate::executor_reaper::{JobsGitlab, reap, with_gitlab};
use crate::pool::{build, fresh_pipeline, holders, no_holder_within, pool_job, slurm_job};
use crate::slurm::slurm_conf;
use std::time::Duration;

#[test]
fn the_reaper_releases_the_pool_of_a_finished_pipeline_and_keeps_a_running_one() {
    let Some(conf) = slurm_conf() else { return };
    let gitlab = JobsGitlab::start();
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("builds");
    let (finished, running) = (fresh_pipeline(), fresh_pipeline());
    // A long idle timeout: only the reaper can release the finished pipeline's pool within the test.
    let pool = "cpus=2,idle=10m";
    let job = with_gitlab(pool_job(&conf, &b, 4242, finished, pool), &gitlab);
    let out = build(&job, "#!/bin/bash\necho job=$SLURM_JOB_ID\n");
    assert!(out.status.success(), "{}", text(&out));
    let other = with_gitlab(pool_job(&conf, &b, 4242, running, pool), &gitlab);
    let out2 = build(&other, "#!/bin/bash\necho job=$SLURM_JOB_ID\n");
    assert!(out2.status.success(), "{}", text(&out2));
    assert_eq!(holders(&conf, finished), [slurm_job(&out)]);
    let pools = job.stage(&["pools"]);
    assert!(pools.status.success(), "{}", text(&pools));
    assert!(text(&pools).contains(&finished.to_string()), "{}", text(&pools));
    gitlab.set_pipeline(4242, finished, "success");
    gitlab.set_pipeline(4242, running, "running");
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
    gitlab.set_pipeline(4242, running, "canceled");
    assert!(reap(&other).status.success());
    no_holder_within(&conf, running, Duration::from_secs(30));
}
