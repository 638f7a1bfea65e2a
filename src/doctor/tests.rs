//! Unit tests of the checks that need no server: tools found on a prepared `PATH` (stand-in programs that print
//! a version or fail), the site profile summary, the secret store and the Slurm client. (declared `#[cfg(test)]`
//! by its parent module)
#![allow(clippy::unwrap_used)]

use super::*;
use std::collections::HashMap;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A folder to put on `PATH`, holding shell scripts named after tools.
struct Bin(tempfile::TempDir);

impl Bin {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn tool(&self, name: &str, body: &str) -> &Self {
        let path = self.0.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    fn path(&self) -> OsString {
        self.0.path().as_os_str().to_owned()
    }
}

fn settings(home: &Path, vars: &[(&str, &str)]) -> Settings {
    let mut env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    env.insert("HOME".into(), home.display().to_string());
    Settings::resolve(&Default::default(), &|k| env.get(k).cloned()).unwrap()
}

fn by_name<'a>(checks: &'a [Check], name: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check `{name}`: {checks:?}"))
}

#[test]
fn tools_are_found_with_their_versions_and_missing_ones_say_how_to_install() {
    let bin = Bin::new();
    bin.tool("git", "echo 'git version 2.47.3'")
        .tool("ssh", "echo 'OpenSSH_9.2p1' >&2")
        .tool("mamba", "echo; echo 'mamba 2.0.5'")
        .tool("docker", "exit 3");
    let checks = tools::checks(Some(&bin.path()));
    assert_eq!(by_name(&checks, "tool git").detail, "git: git version 2.47.3");
    // ssh prints its version on stderr, for `-V`
    assert_eq!(by_name(&checks, "tool ssh").detail, "ssh: OpenSSH_9.2p1");
    // any tool of a group will do; blank lines before the version are skipped
    assert_eq!(by_name(&checks, "tool conda").detail, "mamba: mamba 2.0.5");
    // found but failing: still found, version unknown
    let containers = by_name(&checks, "tool containers");
    assert_eq!(
        (containers.status, containers.detail.as_str()),
        (Status::Ok, "docker: version unknown")
    );
    let python = by_name(&checks, "tool python3");
    assert_eq!(python.status, Status::Warn);
    assert!(
        python.hint.as_deref().unwrap().contains("apt install python3"),
        "{python:?}"
    );
    assert_eq!(by_name(&checks, "tool slurm").status, Status::Skipped);
    assert!(!any_failed(&checks));
}

#[test]
fn no_git_or_ssh_fails_doctor() {
    let checks = tools::checks(Some(&Bin::new().path()));
    for name in ["tool git", "tool ssh"] {
        let check = by_name(&checks, name);
        assert_eq!(check.status, Status::Fail, "{check:?}");
        assert!(check.hint.is_some(), "{check:?}");
    }
    assert!(any_failed(&checks));
    // no PATH at all is the same as an empty one
    assert!(any_failed(&tools::checks(None)));
}

#[test]
fn the_site_check_names_a_few_overrides_and_counts_many() {
    let home = tempfile::tempdir().unwrap();
    let plain = site::check(&settings(home.path(), &[]));
    assert_eq!(plain.status, Status::Ok);
    assert!(plain.detail.ends_with("embedded values"), "{plain:?}");
    let one = site::check(&settings(home.path(), &[("DEVKIT_TREX_LOGIN_HOST", "h")]));
    assert!(one.detail.contains("trex.login_host (environment)"), "{one:?}");
    let many = site::check(&settings(
        home.path(),
        &[
            ("DEVKIT_TREX_LOGIN_HOST", "h"),
            ("DEVKIT_TREX_DEFAULT_PARTITION", "p"),
            ("DEVKIT_TREX_DEFAULT_TIME", "1:00"),
            ("DEVKIT_GITLAB_URL", "https://g.example.org"),
        ],
    ));
    assert!(many.detail.contains("4 values (environment)"), "{many:?}");
    assert!(!many.detail.contains("trex.login_host"), "{many:?}");
}

#[test]
fn an_unopenable_store_fails_with_the_way_to_force_the_file_store() {
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), &[]);
    let gitlab = |_: &str, _: Option<Secret>| -> Result<Client, String> { Err("offline".into()) };
    let ctx = Context {
        settings: &settings,
        path: Some(Bin::new().path()),
        store: Err("no D-Bus session".into()),
        gitlab: &gitlab,
        runner_config: home.path().join("config.toml"),
        timeout: std::time::Duration::from_millis(100),
        http: crate::http::HttpConfig::default(),
        env: &|_| None,
        artifactory_login_hint: "devkit login artifactory",
    };
    let check = store::check(&ctx);
    assert_eq!(
        (check.status, check.detail.as_str()),
        (Status::Fail, "no D-Bus session")
    );
    assert!(check.hint.unwrap().contains("DEVKIT_SECRET_STORE=file"));
    // without a Slurm client on PATH the Slurm check does not apply; with a broken one it fails with its message
    assert_eq!(slurm::check(&ctx).status, Status::Skipped);
    let bin = Bin::new();
    bin.tool(
        "sinfo",
        "echo 'slurm_load_partitions: Unable to contact slurm controller' >&2; exit 1",
    );
    let ctx = Context {
        path: Some(bin.path()),
        ..ctx
    };
    let check = slurm::check(&ctx);
    assert_eq!(check.status, Status::Fail);
    assert!(
        check.detail.contains("Unable to contact slurm controller"),
        "{check:?}"
    );
    assert!(check.hint.unwrap().contains("scontrol ping"));
}

#[test]
fn a_hung_s3_client_is_killed_at_the_probe_time_and_the_others_still_answer() {
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), &[]);
    let gitlab = |_: &str, _: Option<Secret>| -> Result<Client, String> { Err("offline".into()) };
    let bin = Bin::new();
    bin.tool("aws", "exec /bin/sleep 30")
        .tool("python3", "exec /bin/sleep 30")
        .tool("rclone", "echo 'rclone v1.68.2'");
    let env = |name: &str| (name == "AWS_CA_BUNDLE").then(|| "/etc/ssl/ca.pem".to_string());
    let ctx = Context {
        settings: &settings,
        path: Some(bin.path()),
        store: Err("no D-Bus session".into()),
        gitlab: &gitlab,
        runner_config: home.path().join("config.toml"),
        timeout: std::time::Duration::from_millis(300),
        http: crate::http::HttpConfig::default(),
        env: &env,
        artifactory_login_hint: "devkit login artifactory",
    };
    let started = std::time::Instant::now();
    let checks = s3_clients::checks(&ctx);
    // killed, not waited for: far less than the 30 s the programs would sleep
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    for name in ["datalake awscli", "datalake boto3"] {
        let c = by_name(&checks, name);
        assert_eq!(c.status, Status::Warn, "{c:?}");
        assert!(c.detail.contains("gave no answer within 0.3 s"), "{c:?}");
    }
    // a later rclone with AWS_CA_BUNDLE set: not known to fail, but told what 1.60 did
    let rclone = by_name(&checks, "datalake rclone");
    assert_eq!(rclone.status, Status::Ok, "{rclone:?}");
    assert!(rclone.detail.contains("broke rclone 1.60"), "{rclone:?}");
    assert_eq!(by_name(&checks, "datalake gdal").status, Status::Skipped);
}
