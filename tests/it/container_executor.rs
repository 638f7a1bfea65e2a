//! CI jobs with `image:` through the executor protocol (as gitlab-runner drives it): the user's script runs in
//! the image on both real backends, the second job of the same image starts from the cache, the job's exit code
//! reaches `BUILD_EXIT_CODE_FILE`, a job without `image:` still runs on the node, and `services:` are refused.

use crate::container::{Setup, setup, store, with_good_credential};
use crate::executor::{CiJob, text};
use std::process::Command;

/// A CI job whose devkit sees the test registry as the site's and `runtime` as the site's runtime.
fn ci_job(s: &Setup, runtime: &str) -> CiJob {
    CiJob::new(&s.conf)
        .env("DEVKIT_SECRET_STORE", "file")
        .env("DEVKIT_ARTIFACTORY_URL", &format!("http://{}", s.docker.registry))
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", &s.docker.registry)
        .env("DEVKIT_CONTAINER_RUNTIME", runtime)
}

fn pipeline_in_image(runtime: &str) {
    let Some(s) = setup(runtime) else { return };
    let job = ci_job(&s, runtime).var("CI_JOB_IMAGE", &s.image);
    store(&job.ctx, &s.docker, &s.docker.user2, &s.docker.pass2);
    for stage in ["config", "prepare"] {
        let out = job.stage(&[stage]);
        assert!(out.status.success(), "{stage}: {}", text(&out));
    }
    let sources = job.run("get_sources", "#!/bin/bash\necho cloning on the node\n");
    assert!(sources.status.success(), "{}", text(&sources));
    let build = job.run(
        "build_script",
        "cat /etc/devkit-test-image\necho built > result.txt\n",
    );
    let out = text(&build);
    assert!(build.status.success(), "{out}");
    assert!(
        out.contains("devkit test image") && out.contains("Pulled"),
        "{out}"
    );
    let builds = job.ctx.work.join("builds");
    assert_eq!(
        std::fs::read_to_string(builds.join("result.txt")).unwrap(),
        "built\n",
        "written in the bound builds folder"
    );
    // The next job of the same image: no pull, the exit code kept for `allow_failure: exit_codes`.
    let again = job.run("build_script", "cat /etc/devkit-test-image\nexit 3\n");
    let out = text(&again);
    assert_eq!(again.status.code(), Some(1), "BUILD_FAILURE_EXIT_CODE: {out}");
    assert!(out.contains("Cached") && !out.contains("Pulled"), "{out}");
    assert_eq!(std::fs::read_to_string(&job.exit_file).unwrap().trim(), "3");
    let after = job.run("after_script", "#!/bin/bash\necho after on the node\n");
    assert!(after.status.success(), "{}", text(&after));
    assert!(job.stage(&["cleanup"]).status.success());
    assert_eq!(job.live_jobs(), "");
}

#[test]
fn a_pipeline_with_image_runs_in_charliecloud() {
    pipeline_in_image("charliecloud");
}

#[test]
fn a_pipeline_with_image_runs_in_slurm_oci() {
    pipeline_in_image("slurm-oci");
}

#[test]
fn a_job_without_image_runs_on_the_node_and_services_are_refused() {
    let Some(s) = setup("charliecloud") else { return };
    let job = ci_job(&s, "charliecloud");
    let bare = job.run(
        "build_script",
        "#!/bin/bash\ntest -x /bin/bash && test ! -e /etc/devkit-test-image && echo on-node\n",
    );
    assert!(bare.status.success(), "{}", text(&bare));
    assert!(text(&bare).contains("on-node") && !text(&bare).contains("Container"));

    let job = ci_job(&s, "charliecloud").var("CI_JOB_IMAGE", &s.image).var(
        "CI_JOB_SERVICES",
        r#"[{"name":"postgres:15","alias":"db","entrypoint":null,"command":null}]"#,
    );
    let prepare = job.stage(&["prepare"]);
    let out = text(&prepare);
    assert_eq!(prepare.status.code(), Some(1), "a build failure: {out}");
    assert!(
        out.contains("cannot run `services:` (postgres:15)") && out.contains("hint:"),
        "{out}"
    );
    let build = job.run("build_script", "echo must not run\n");
    assert_eq!(build.status.code(), Some(1));
    assert!(!text(&build).contains("Submitted"), "{}", text(&build));
    let squeue = Command::new("squeue")
        .env("SLURM_CONF", &s.conf)
        .args(["-h", "--name", &format!("ci-{}", job.id)])
        .output()
        .unwrap();
    assert!(squeue.stdout.is_empty());
}

#[test]
fn the_trex_job_plugin_runs_its_script_in_the_image() {
    let Some(s) = setup("charliecloud") else { return };
    let Some((glcl, _)) = crate::plugins_run::tools() else {
        return;
    };
    let ctx = with_good_credential(&s);
    let project = ctx.work.join("sample");
    crate::plugins_run::sample_project(
        &project,
        &format!(
            "include:\n  - local: plugins/trex-job.yml\n    inputs:\n      job_prefix: img\n      image: {}\n      \
             script: \"cat /etc/devkit-test-image; exit 5\"\n",
            s.image
        ),
    );
    let registry = &s.docker.registry;
    let vars = [
        "DEVKIT_CONTAINER_RUNTIME=charliecloud".to_string(),
        "DEVKIT_SECRET_STORE=file".to_string(),
        format!("DEVKIT_ARTIFACTORY_URL=http://{registry}"),
        format!("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY={registry}"),
    ];
    let mut extra = Vec::new();
    for v in &vars {
        extra.extend(["--variable", v.as_str()]);
    }
    let (passed, log) = crate::plugins_run::run_pipeline(&ctx, &glcl, &s.conf, &project, &extra);
    assert!(!passed, "{log}");
    assert!(log.contains("img-run > devkit test image"), "{log}");
    let failed = regex::Regex::new(r"img-run finished in .* FAIL 5").unwrap();
    assert!(failed.is_match(&log), "{log}");
}

#[test]
fn an_unreachable_registry_is_a_system_failure_and_a_missing_image_a_build_failure() {
    let Some(s) = setup("charliecloud") else { return };
    // Nothing listens on port 1: skopeo cannot reach the registry.
    let job = ci_job(&s, "charliecloud").var("CI_JOB_IMAGE", "127.0.0.1:1/devkit-test/none:1");
    let build = job.run("build_script", "echo must not run\n");
    let out = text(&build);
    assert_eq!(build.status.code(), Some(2), "SYSTEM_FAILURE_EXIT_CODE: {out}");
    assert!(
        out.contains("cannot prepare the container image") && !out.contains("Submitted"),
        "{out}"
    );

    let missing = format!("{}/devkit-test/no-such-image:1", s.docker.registry);
    let job = ci_job(&s, "charliecloud").var("CI_JOB_IMAGE", &missing);
    store(&job.ctx, &s.docker, &s.docker.user2, &s.docker.pass2);
    let build = job.run("build_script", "echo must not run\n");
    let out = text(&build);
    assert_eq!(build.status.code(), Some(1), "BUILD_FAILURE_EXIT_CODE: {out}");
    assert!(out.contains("was not found") && out.contains("hint:"), "{out}");
}
