//! Job files are private by construction: run as a non-root user with the most permissive umask, every job
//! folder is 0700 and every file 0600 or 0700, and another user cannot read any of them.

use crate::executor::text;
use crate::slurm::slurm_conf;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::Path;
use std::process::Command;

/// The runner's user and another user of the shared storage (no passwd entry is needed for `setpriv`).
const RUNNER: u32 = 65534;
const OTHER: u32 = 65533;

fn as_user(uid: u32) -> Command {
    let mut cmd = Command::new("setpriv");
    cmd.args([
        &format!("--reuid={uid}"),
        &format!("--regid={uid}"),
        "--clear-groups",
        "--",
    ]);
    cmd
}

/// Every entry under `root`, with its mode.
fn modes(root: &Path) -> Vec<(String, u32, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            out.push((
                e.path().display().to_string(),
                meta.permissions().mode() & 0o7777,
                meta.is_dir(),
            ));
            if meta.is_dir() {
                stack.push(e.path());
            }
        }
    }
    out
}

#[test]
fn job_files_are_private_whatever_the_umask() {
    let Some(conf) = slurm_conf() else { return };
    // A folder the runner user owns, reachable through world-searchable parents.
    let top = tempfile::Builder::new()
        .prefix("devkit-private-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(top.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = top.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(RUNNER), Some(RUNNER)).unwrap();
    // The binary must be reachable by the runner user: copy it next to the home.
    let bin = top.path().join("devkit");
    std::fs::copy(assert_cmd::cargo::cargo_bin!("devkit"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = home.join("build.sh");
    std::fs::write(&script, "#!/bin/bash\necho token-in-output\n").unwrap();
    std::os::unix::fs::chown(&script, Some(RUNNER), Some(RUNNER)).unwrap();
    let response = home.join("response.json");
    std::fs::write(&response, "{\"id\": 31337, \"token\": \"x\"}").unwrap();
    std::os::unix::fs::chown(&response, Some(RUNNER), Some(RUNNER)).unwrap();
    let builds = home.join("builds");
    let out = as_user(RUNNER)
        .args(["sh", "-c", "umask 000; exec \"$0\" \"$@\""])
        .arg(&bin)
        .args(["executor", "run"])
        .arg(&script)
        .arg("build_script")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("SLURM_CONF", &conf)
        .env("DEVKIT_SLURM_SACCT", "completion")
        .env("DEVKIT_TREX_BUILDS_DIR", &builds)
        .env("JOB_RESPONSE_FILE", &response)
        .env("CUSTOM_ENV_CI_JOB_ID", "31337")
        .current_dir(&home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("token-in-output"));
    let found = modes(&builds.join(".devkit"));
    let job_files: Vec<_> = found
        .iter()
        .filter(|(p, _, _)| p.contains("build_script-"))
        .collect();
    assert!(
        job_files.iter().any(|(p, _, _)| p.ends_with("user.sh"))
            && job_files.iter().any(|(p, _, _)| p.ends_with("output.log")),
        "{found:?}"
    );
    for (path, mode, dir) in &found {
        if *dir {
            assert_eq!(*mode, 0o700, "{path}");
        } else {
            assert!(*mode == 0o600 || *mode == 0o700, "{path} is {mode:o}");
        }
        assert_eq!(std::fs::metadata(path).unwrap().uid(), RUNNER, "{path}");
    }
    // Another user of the storage reads nothing, not even the names.
    for (path, _, _) in &found {
        let st = as_user(OTHER).args(["cat", path]).output().unwrap();
        assert!(!st.status.success(), "{path} readable by another user");
    }
    let ls = as_user(OTHER)
        .arg("ls")
        .arg(builds.join(".devkit"))
        .output()
        .unwrap();
    assert!(
        !ls.status.success(),
        "the job folders are listable by another user"
    );
}
