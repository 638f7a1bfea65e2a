//! The trex-job plugin with `datalake: true`, executed by gitlab-ci-local on the real Slurm test cluster against
//! the real S3 test server: a project generated with the template's `datalake` answer reads an `s3://` input in
//! the Slurm job with the key of the two CI/CD variables, and `devkit datalake ls` there uses that key too; with
//! `DEVKIT_TRACE` on, the secret is in no log, file, artifact or command line; a missing variable stops the CI
//! job before any submission, naming it; devkit sends an environment key only to the endpoint it was given for.

use crate::datalake::{cmd, server};
use crate::plugins_run::{run_pipeline, sample_project, tools};
use crate::support::{TestContext, all_output, files_containing};
use crate::templates::read;
use crate::templates_datalake::{SERIES, datalake_chain, put_object};

/// The pipeline: the plugin's `datalake: true` job runs `script`.
fn pipeline(script: &str) -> String {
    format!(
        "include:\n  - local: plugins/trex-job.yml\n    inputs:\n      job_prefix: dl\n      datalake: true\n      script: {}\n",
        serde_json::to_string(script).unwrap()
    )
}

#[test]
fn a_datalake_job_reads_s3_with_the_masked_key_and_never_shows_it() {
    let Some((glcl, conf)) = tools() else { return };
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    let project = datalake_chain(&ctx, "chain");
    put_object(&ctx, &s3, "ci-inputs", "series.txt", SERIES.0, "STANDARD");
    // every command line on the machine while the job runs, devkit's own listing with the job's key, then the
    // chain on the Datalake object
    let script = "ps -eo args > procs.txt\ndevkit datalake ls s3://ci-inputs\n\
                  bash jobs/process.sbatch s3://ci-inputs/series.txt results/series.txt";
    sample_project(&project, &pipeline(script));
    // the project's CI/CD variables, as a file outside the project (on gitlab-ci-local's command line, the
    // secret would be in the harness's own argv)
    let variables = ctx.work.join("ci-variables.yml");
    let q = |v: &str| serde_json::to_string(v).unwrap();
    std::fs::write(
        &variables,
        format!(
            "DATALAKE_ACCESS_KEY_ID: {}\nDATALAKE_SECRET_ACCESS_KEY: {}\nDEVKIT_DATALAKE_ENDPOINT: {}\nDEVKIT_TRACE: \"true\"\n",
            q(&s3.key_id),
            q(&s3.secret),
            q(&s3.url)
        ),
    )
    .unwrap();
    // (gitlab-ci-local joins the path to the project folder)
    let extra = ["--variables-file", "../ci-variables.yml"];
    let (passed, log) = run_pipeline(&ctx, &glcl, &conf, &project, &extra);
    assert!(passed, "{log}");
    assert!(log.contains("PASS  dl-run"), "{log}");
    assert_eq!(read(&project.join("results/series.txt")), SERIES.1, "{log}");
    let listed = regex::Regex::new(r"dl-run\s*> .* STANDARD +series\.txt").unwrap();
    assert!(listed.is_match(&log), "{log}");
    // tracing was on around the key's handling, and the job got the profile without devkit's files
    assert!(log.contains("+ devkit slurm run"), "{log}");
    assert!(log.contains("+ unset AWS_PROFILE"), "{log}");
    assert!(!ctx.home.join(".aws").exists() && !ctx.home.join(".config/fsspec").exists());

    let procs = read(&project.join("procs.txt"));
    assert!(procs.contains("devkit slurm run"), "{procs}");
    assert!(
        !procs.contains(&s3.secret),
        "the secret is in a command line:\n{procs}"
    );
    assert!(!log.contains(&s3.secret), "the secret is in the CI log:\n{log}");
    // the project (submitted script, artifacts, outputs, gitlab-ci-local's folder) and devkit's job folders in HOME
    let mut found = files_containing(&project, &s3.secret, &[]);
    found.extend(files_containing(&ctx.home, &s3.secret, &[]));
    assert!(found.is_empty(), "the secret is in {found:?}");
}

#[test]
fn a_datalake_job_without_the_secret_variable_stops_and_names_it() {
    let Some((glcl, conf)) = tools() else { return };
    let ctx = TestContext::new();
    let project = ctx.work.join("sample");
    sample_project(&project, &pipeline("touch submitted"));
    let (passed, log) = run_pipeline(
        &ctx,
        &glcl,
        &conf,
        &project,
        &["--variable", "DATALAKE_ACCESS_KEY_ID=AKIDONLY"],
    );
    assert!(!passed, "{log}");
    for needed in [
        "error: `datalake: true` needs the CI/CD variables DATALAKE_ACCESS_KEY_ID and DATALAKE_SECRET_ACCESS_KEY",
        "this job has no DATALAKE_SECRET_ACCESS_KEY",
        "hint: add them in the project's Settings > CI/CD > Variables, with \"Masked\" ticked",
    ] {
        assert!(log.contains(needed), "`{needed}` not in:\n{log}");
    }
    assert!(!project.join("submitted").exists(), "no Slurm job ran:\n{log}");
}

#[test]
fn devkits_requests_take_a_jobs_key_only_for_the_datalake_endpoint() {
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    put_object(&ctx, &s3, "env-key", "a.txt", "x", "STANDARD");
    // nothing stored (an empty file store): the key is the environment's, as in a `datalake: true` job
    let ls = |endpoint: &str| {
        cmd(&ctx, &s3, assert_cmd::cargo::cargo_bin!("devkit"))
            .env("AWS_ENDPOINT_URL_S3", endpoint)
            .env("AWS_ACCESS_KEY_ID", &s3.key_id)
            .env("AWS_SECRET_ACCESS_KEY", &s3.secret)
            .args(["datalake", "ls", "s3://env-key"])
            .output()
            .unwrap()
    };
    let out = ls(&s3.url);
    let text = all_output(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("STANDARD") && text.contains("a.txt"), "{text}");
    assert!(!text.contains(&s3.secret), "{text}");
    // a key for another S3 service is not sent to the Datalake
    let out = ls("https://s3.example.org");
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("no Datalake key stored") && text.contains("`datalake: true`"),
        "{text}"
    );
    assert!(!text.contains(&s3.secret), "{text}");
}
