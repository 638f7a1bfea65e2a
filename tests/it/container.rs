//! Container jobs for real: `devkit slurm run --image` with Charliecloud (`ch-run`) and Slurm's `--container`
//! (runc, `oci.conf` of tests/slurm/up.sh) on the test cluster, images built here from the busybox-static base
//! image and served by the registry of tests/docker/up.sh (htpasswd, a password with symbols).

use crate::slurm::{kill_group, slurm_conf, slurm_run_std, spawn, submitted_id};
use crate::support::{
    DockerEnv, TestContext, all_output, files_containing, require_docker, require_tool, secrets_set,
};
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What a container test needs: the cluster, the registry, a test image and the runtime's tools.
pub struct Setup {
    pub conf: String,
    pub docker: DockerEnv,
    pub image: String,
}

/// `None` (after a counted skip or a failure) when a part is missing.
pub fn setup(runtime: &str) -> Option<Setup> {
    let conf = slurm_conf()?;
    let docker = require_docker()?;
    require_tool("skopeo")?;
    require_tool("umoci")?;
    match runtime {
        "charliecloud" => {
            require_tool("ch-run")?;
        }
        "slurm-oci" => {
            require_tool("runc")?;
            let oci = Path::new(&conf).with_file_name("oci.conf");
            assert!(
                oci.is_file(),
                "{} is missing: start the cluster with tests/slurm/up.sh",
                oci.display()
            );
        }
        _ => {}
    }
    let image = test_image(&docker).to_string();
    Some(Setup { conf, docker, image })
}

/// Runs a test helper command, failing the test with its output.
fn run_ok(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{cmd:?}: {}", all_output(&out));
}

/// The test image, built once per test process: the busybox-static base plus a layer with
/// `/etc/devkit-test-image`, pushed as `devkit-test/busybox-<pid>:1`.
pub fn test_image(docker: &DockerEnv) -> &'static str {
    static IMAGE: OnceLock<String> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let auth = PathBuf::from(std::env::var("TEST_DOCKER_CONFIG").unwrap()).join("config.json");
        let base = std::env::var("TEST_BASE_IMAGE").unwrap();
        let layout = dir.path().join("layout");
        let target = format!("{}/devkit-test/busybox-{}:1", docker.registry, std::process::id());
        run_ok(
            Command::new("skopeo")
                .args(["copy", "--quiet", "--src-tls-verify=false", "--src-authfile"])
                .arg(&auth)
                .arg(format!("docker://{base}"))
                .arg(format!("oci:{}:t", layout.display())),
        );
        let marker = dir.path().join("marker");
        std::fs::write(&marker, "devkit test image\n").unwrap();
        run_ok(
            Command::new("umoci")
                .args(["insert", "--rootless", "--image"])
                .arg(format!("{}:t", layout.display()))
                .arg(&marker)
                .arg("/etc/devkit-test-image"),
        );
        run_ok(
            Command::new("skopeo")
                .args(["copy", "--quiet", "--dest-tls-verify=false", "--dest-authfile"])
                .arg(&auth)
                .arg(format!("oci:{}:t", layout.display()))
                .arg(format!("docker://{target}")),
        );
        target
    })
}

/// `devkit` of `ctx` with the registry as the site's Docker registry and a file secret store.
pub fn with_registry(mut cmd: Command, docker: &DockerEnv) -> Command {
    cmd.env("DEVKIT_SECRET_STORE", "file")
        .env("DEVKIT_ARTIFACTORY_URL", format!("http://{}", docker.registry))
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", &docker.registry);
    cmd
}

/// Stores `user`/`pass` as the Artifactory credential of `ctx`.
pub fn store(ctx: &TestContext, docker: &DockerEnv, user: &str, pass: &str) {
    let cmd = with_registry(crate::slurm::devkit_std(ctx, ""), docker);
    let out = secrets_set(assert_cmd::Command::from_std(cmd), user, pass);
    assert!(out.status.success(), "{}", all_output(&out));
}

/// A test context holding the registry's good credential (the user whose password has symbols).
pub fn with_good_credential(s: &Setup) -> TestContext {
    let ctx = TestContext::new();
    store(&ctx, &s.docker, &s.docker.user2, &s.docker.pass2);
    ctx
}

/// `devkit slurm run --image IMAGE --runtime RUNTIME ARGS`, with the good credential stored.
fn run_cmd(ctx: &TestContext, s: &Setup, runtime: &str, args: &[&str]) -> Command {
    let mut all = vec!["--image", s.image.as_str(), "--runtime", runtime];
    all.extend_from_slice(args);
    with_registry(slurm_run_std(ctx, &s.conf, &all), &s.docker)
}

/// The output of a command.
pub fn output(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code 3 and output from inside the image, the working folder bound and current, then a cache hit.
fn exit_code_output_and_cache(runtime: &str) {
    let Some(s) = setup(runtime) else { return };
    let ctx = with_good_credential(&s);
    std::fs::write(ctx.work.join("input.txt"), "from the host\n").unwrap();
    let script = "cat /etc/devkit-test-image; cat input.txt; pwd; echo oops >&2; exit 3";
    let out = output(run_cmd(&ctx, &s, runtime, &["--", "sh", "-c", script]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{}", all_output(&out));
    // srun (slurm-oci) adds its own line about the task's exit code, and forwards the task's stdout and
    // stderr separately (their order may change).
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with("srun: error: ") || !l.contains("Exited with exit code 3"))
        .collect();
    let work = ctx.work.display().to_string();
    let ordered: Vec<&str> = lines.iter().copied().filter(|l| *l != "oops").collect();
    assert_eq!(
        ordered,
        ["devkit test image", "from the host", work.as_str()],
        "{}",
        all_output(&out)
    );
    assert!(lines.contains(&"oops"), "{}", all_output(&out));
    assert!(err.contains("Pulled"), "{err}");
    // The second run of the same image starts from the cache.
    let again = output(run_cmd(&ctx, &s, runtime, &["--", "sh", "-c", "exit 0"]));
    let err = stderr(&again);
    assert!(again.status.success(), "{}", all_output(&again));
    assert!(err.contains("Cached") && !err.contains("Pulled"), "{err}");
    let cache = ctx.home.join(".cache/devkit/containers");
    let entries: Vec<PathBuf> = std::fs::read_dir(cache.join("oci"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(entries.len(), 1, "one image, one entry: {entries:?}");
    if runtime == "slurm-oci" {
        let bundles = std::fs::read_dir(entries[0].join("bundles")).unwrap().count();
        assert_eq!(bundles, 1, "the second job reuses the first one's bundle");
    }
    for private in [cache.join("oci"), cache.join("apptainer")] {
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{}", private.display());
    }
}

#[test]
fn charliecloud_keeps_exit_code_and_output_and_reuses_the_cache() {
    exit_code_output_and_cache("charliecloud");
}

#[test]
fn slurm_oci_keeps_exit_code_and_output_and_reuses_the_cache() {
    exit_code_output_and_cache("slurm-oci");
}

/// Whether any process's command line contains `needle`.
fn process_with(needle: &str) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|p| {
        std::fs::read(p.path().join("cmdline"))
            .is_ok_and(|c| c.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

/// Output arrives while the job runs; SIGTERM to devkit cancels the job and the process in the container dies.
fn streams_and_cancels(runtime: &str) {
    let Some(s) = setup(runtime) else { return };
    let ctx = with_good_credential(&s);
    let marker = format!("devkit-cancel-{}-{runtime}", std::process::id());
    let script = "echo ready; while :; do sleep 1; done";
    let mut child = spawn(run_cmd(&ctx, &s, runtime, &["--", "sh", "-c", script, &marker]));
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("ready") {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "devkit ended before the job printed");
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(process_with(&marker), "the containerised process runs");
    kill_group(child.id(), "-TERM");
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    let id = submitted_id(&err).unwrap_or_else(|| panic!("{err}")).to_string();
    assert_eq!(crate::slurm::job_state(&s.conf, &id), "CANCELLED", "{err}");
    let start = Instant::now();
    while process_with(&marker) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the containerised process survived the cancel"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn charliecloud_streams_output_and_cancel_kills_the_process() {
    streams_and_cancels("charliecloud");
}

#[test]
fn slurm_oci_streams_output_and_cancel_kills_the_process() {
    streams_and_cancels("slurm-oci");
}

/// Runs `args` and checks it fails before any submission with `message` and a hint.
fn refused(ctx: &TestContext, s: &Setup, args: &[&str], message: &str) {
    let out = output(with_registry(slurm_run_std(ctx, &s.conf, args), &s.docker));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    assert!(err.contains(message) && err.contains("hint:"), "{err}");
    assert!(!err.contains("Submitted"), "no job: {err}");
    let jobs = ctx.work.join("jobs");
    assert!(
        !jobs.exists() || std::fs::read_dir(&jobs).unwrap().count() == 0,
        "no job folder left"
    );
}

#[test]
fn a_wrong_registry_password_is_a_clear_error_and_submits_nothing() {
    let Some(s) = setup("charliecloud") else { return };
    let ctx = TestContext::new();
    store(&ctx, &s.docker, &s.docker.user2, "not-the-password");
    let image = s.image.clone();
    for runtime in ["charliecloud", "slurm-oci", "apptainer"] {
        let args = ["--image", &image, "--runtime", runtime, "--", "true"];
        refused(&ctx, &s, &args, "wrong user or password for registry");
    }
}

#[test]
fn a_missing_image_or_bind_path_is_a_clear_error() {
    let Some(s) = setup("charliecloud") else { return };
    let ctx = with_good_credential(&s);
    let missing = format!("{}/devkit-test/no-such-image:1", s.docker.registry);
    refused(
        &ctx,
        &s,
        &["--image", &missing, "--runtime", "charliecloud", "--", "true"],
        "was not found",
    );
    let image = s.image.clone();
    let args = [
        "--image",
        &image,
        "--runtime",
        "charliecloud",
        "--bind",
        "/no/such/folder:/data",
        "--",
        "true",
    ];
    refused(&ctx, &s, &args, "bind path `/no/such/folder` does not exist");
    let args = [
        "--image=--authfile=/etc/passwd",
        "--runtime",
        "charliecloud",
        "--",
        "true",
    ];
    refused(&ctx, &s, &args, "is not an image reference");
}

/// Every file under `root` holding `secret` is private (0600 or stricter).
pub fn secret_only_in_private_files(root: &Path, secret: &str) {
    for file in files_containing(root, secret, &[]) {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "{} holds the credential with mode {:o}",
            file.display(),
            mode & 0o777
        );
    }
}

#[test]
fn the_credential_is_never_on_a_command_line_nor_in_a_readable_file() {
    let Some(s) = setup("charliecloud") else { return };
    let ctx = with_good_credential(&s);
    for runtime in ["charliecloud", "slurm-oci"] {
        let mut child = spawn(run_cmd(
            &ctx,
            &s,
            runtime,
            &["--keep", "--", "sh", "-c", "sleep 1"],
        ));
        let mut leaked = false;
        while child.try_wait().unwrap().is_none() {
            leaked |= process_with(&s.docker.pass2);
        }
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", all_output(&out));
        assert!(!leaked, "the password was on a command line");
        assert!(!all_output(&out).contains(&s.docker.pass2));
    }
    secret_only_in_private_files(&ctx.home, &s.docker.pass2);
    secret_only_in_private_files(&ctx.work, &s.docker.pass2);
}

#[test]
fn two_concurrent_runs_of_a_new_image_pull_it_once() {
    let Some(s) = setup("charliecloud") else { return };
    let ctx = with_good_credential(&s);
    let children: Vec<_> = (0..2)
        .map(|_| {
            spawn(run_cmd(
                &ctx,
                &s,
                "charliecloud",
                &["--", "cat", "/etc/devkit-test-image"],
            ))
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let mut pulls = 0;
    for out in &outs {
        assert!(out.status.success(), "{}", all_output(out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "devkit test image\n");
        pulls += usize::from(stderr(out).contains("Pulled"));
    }
    assert_eq!(pulls, 1, "one pull, one cache hit");
    let entries = std::fs::read_dir(ctx.home.join(".cache/devkit/containers/oci"))
        .unwrap()
        .count();
    assert_eq!(entries, 1, "one entry and no leftover temporary folder");
}
