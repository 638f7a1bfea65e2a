//! The Apptainer backend against the recording stand-in `tests/container/apptainer` (Apptainer cannot be
//! installed on the Debian test machines): the exact command line and environment devkit gives it inside the
//! Slurm job, the credential only in its environment, exit code and output unchanged. This proves devkit's side
//! only; Apptainer itself runs on Trex.

use crate::container::{output, secret_only_in_private_files, setup, with_good_credential, with_registry};
use crate::slurm::slurm_run_std;
use crate::support::{TestContext, all_output};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

/// PATH with the stand-in first.
fn path_with_stand_in() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/container");
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

/// The recorded calls: (argv, env) per call.
fn calls(log: &Path) -> Vec<(Vec<String>, Vec<String>)> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.split("--argv--\n")
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (argv, rest) = c.split_once("--env--\n").unwrap();
            let env = rest.trim_end_matches("--end--\n");
            (
                argv.lines().map(String::from).collect(),
                env.lines().map(String::from).collect(),
            )
        })
        .collect()
}

#[test]
fn apptainer_gets_the_exact_command_line_and_the_credential_only_in_its_environment() {
    let Some(s) = setup("apptainer") else { return };
    let ctx = with_good_credential(&s);
    let log = ctx.work.join("apptainer.log");
    let script = "echo creds:$(env | grep -c DOCKER_PASSWORD); pwd; exit 3";
    let args = [
        "--image",
        &s.image,
        "--runtime",
        "apptainer",
        "--gpus",
        "1",
        "--",
        "sh",
        "-c",
        script,
    ];
    let mut cmd = with_registry(slurm_run_std(&ctx, &s.conf, &args), &s.docker);
    // Job folders outside the working folder: their parent is bound too (one bind for every job).
    cmd.env("PATH", path_with_stand_in())
        .env("DEVKIT_TEST_APPTAINER_LOG", &log)
        .env("DEVKIT_SLURM_DIR", ctx.home.join("slurm-jobs"));
    let out = output(cmd);
    assert_eq!(out.status.code(), Some(3), "{}", all_output(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("creds:0\n{}\n", ctx.work.display()),
        "the user's command does not see the credential"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let job_dir = PathBuf::from(err.split("job files and output kept in ").nth(1).unwrap().trim());
    let calls = calls(&log);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let (argv, env) = &calls[0];
    let work = ctx.work.display().to_string();
    let jobs = job_dir.parent().unwrap().display().to_string();
    let user_sh = job_dir.join("user.sh").display().to_string();
    let expected = [
        "exec",
        "--nv",
        "--bind",
        &format!("{work}:{work}"),
        "--bind",
        &format!("{jobs}:{jobs}"),
        "--pwd",
        &work,
        &format!("docker://{}", s.image),
        "/bin/sh",
        "-c",
        "unset APPTAINER_DOCKER_USERNAME APPTAINER_DOCKER_PASSWORD SINGULARITY_DOCKER_USERNAME \
         SINGULARITY_DOCKER_PASSWORD; if command -v bash >/dev/null 2>&1; then exec bash \"$0\"; fi; exec sh \"$0\"",
        &user_sh,
    ];
    assert_eq!(argv, &expected, "the exact command line");
    let cache = ctx.home.join(".cache/devkit/containers/apptainer");
    assert_eq!(
        env,
        &[
            format!("APPTAINER_CACHEDIR={}", cache.display()),
            format!("APPTAINER_DOCKER_PASSWORD={}", s.docker.pass2),
            format!("APPTAINER_DOCKER_USERNAME={}", s.docker.user2),
        ]
    );
    assert!(!argv.iter().any(|a| a.contains(&s.docker.pass2)));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert!(
        !job_dir.join("registry.env").exists(),
        "the credential file is gone once read"
    );
    assert_eq!(mode(&job_dir), 0o700);
    assert_eq!(mode(&cache), 0o700);
    std::fs::remove_file(&log).unwrap();
    secret_only_in_private_files(&ctx.home, &s.docker.pass2);
    secret_only_in_private_files(&ctx.work, &s.docker.pass2);
}

#[test]
fn apptainer_without_gpus_or_credential_and_a_local_image() {
    let Some(s) = setup("apptainer") else { return };
    let ctx = TestContext::new();
    let log = ctx.work.join("apptainer.log");
    let sif = ctx.work.join("tool.sif");
    std::fs::write(&sif, "not really a SIF").unwrap();
    let args = [
        "--image",
        sif.to_str().unwrap(),
        "--runtime",
        "apptainer",
        "--",
        "true",
    ];
    let mut cmd = with_registry(slurm_run_std(&ctx, &s.conf, &args), &s.docker);
    cmd.env("PATH", path_with_stand_in())
        .env("DEVKIT_TEST_APPTAINER_LOG", &log);
    let out = output(cmd);
    assert!(out.status.success(), "{}", all_output(&out));
    let (argv, env) = calls(&log).remove(0);
    assert!(!argv.contains(&"--nv".to_string()), "{argv:?}");
    assert!(argv.contains(&sif.display().to_string()), "{argv:?}");
    assert_eq!(env.len(), 1, "only the cache folder: {env:?}");
}
