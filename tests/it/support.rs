//! The test context: a temporary HOME with XDG folders, and a `devkit` command that sees only it.

use std::path::{Path, PathBuf};

/// A temporary home and working folder for one test.
pub struct TestContext {
    _root: tempfile::TempDir,
    /// `$HOME`.
    pub home: PathBuf,
    /// The current folder commands run in.
    pub work: PathBuf,
}

impl TestContext {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        let home = root.path().join("home");
        let work = root.path().join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        Self {
            _root: root,
            home,
            work,
        }
    }

    /// `devkit` with a clean environment pointing at this context.
    pub fn devkit(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("devkit").expect("devkit binary");
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .current_dir(&self.work);
        cmd
    }

    /// The effective site profile, as `devkit site show --format json` reports it.
    pub fn site_profile(&self) -> serde_json::Value {
        let out = self
            .devkit()
            .args(["site", "show", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", all_output(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["profile"].clone()
    }

    /// Writes a file under the context root (parents created).
    pub fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let path = self.work.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

/// A tool the test needs: in CI (`CI=true`) its absence fails the test; elsewhere the test is skipped loudly.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("`{name}` is required by this test in CI: run ./scripts/test.sh, which installs it");
        }
        eprintln!("SKIPPED: `{name}` not found on PATH (run ./scripts/test.sh to install it)");
    }
    found
}

/// Every file under `root` (relative, `/`-separated, sorted), `.git` excluded.
pub fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

/// A string value of a site profile (from [`TestContext::site_profile`]).
pub fn site_str<'a>(site: &'a serde_json::Value, section: &str, key: &str) -> &'a str {
    site[section][key]
        .as_str()
        .unwrap_or_else(|| panic!("site profile has no string {section}.{key}"))
}

/// Whether a file has its executable bit.
#[cfg(unix)]
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

/// Output of a command as text (stdout + stderr), for leak and message checks.
pub fn all_output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs the real `git` CLI in `dir` with a fixed identity; panics on failure; returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.org",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The names of the case folders below `root`, sorted.
pub fn case_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether a real Secret Service is reachable (tests/keyring/session.sh provides one). In CI (`CI=true`) its
/// absence fails the test; elsewhere the test is skipped loudly. Returns the bus address to pass to commands.
pub fn require_keyring() -> Option<String> {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .ok()
        .filter(|v| !v.is_empty());
    if bus.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "a Secret Service is required by this test in CI: run ./scripts/test.sh, which starts one"
            );
        }
        eprintln!(
            "SKIPPED: no D-Bus session (run the tests through tests/keyring/session.sh or ./scripts/test.sh)"
        );
    }
    bus
}

/// Files under `root` whose bytes contain `needle`, except those in `allowed` (absolute paths).
pub fn files_containing(root: &Path, needle: &str, allowed: &[PathBuf]) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    for rel in tree(root) {
        let path = root.join(&rel);
        if allowed.contains(&path) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            hits.push(path);
        }
    }
    hits
}

/// The private Docker engine and registry of tests/docker/up.sh, from its env file's variables.
#[derive(Debug, Clone)]
pub struct DockerEnv {
    /// `unix://...` of the private engine.
    pub docker_host: String,
    /// `127.0.0.1:PORT` of the registry.
    pub registry: String,
    /// A plain user and its password.
    pub user: String,
    pub pass: String,
    /// A user whose password (`Secret?>~1`) breaks standard base64 in the registry-auth header.
    pub user2: String,
    pub pass2: String,
}

/// The test engine and registry (`DEVKIT_TEST_DOCKER=1`, set by ./scripts/test.sh). In CI (`CI=true`) their
/// absence fails the test; elsewhere the test is skipped loudly.
pub fn require_docker() -> Option<DockerEnv> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if var("DEVKIT_TEST_DOCKER").is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "the test Docker engine is required by this test in CI: run ./scripts/test.sh, which starts it"
            );
        }
        eprintln!(
            "SKIPPED: no test Docker engine (source the env file of tests/docker/up.sh, or run ./scripts/test.sh)"
        );
        return None;
    }
    let get = |name: &str| var(name).unwrap_or_else(|| panic!("`{name}` is not set by tests/docker/up.sh"));
    Some(DockerEnv {
        docker_host: get("DOCKER_HOST"),
        registry: get("TEST_REGISTRY"),
        user: get("TEST_REGISTRY_USER"),
        pass: get("TEST_REGISTRY_PASS"),
        user2: get("TEST_REGISTRY_USER2"),
        pass2: get("TEST_REGISTRY_PASS2"),
    })
}

/// `devkit secrets set artifactory --username USER --token-stdin` on a prepared command, the token on stdin;
/// the output (not checked: some tests expect a failure).
pub fn secrets_set(mut cmd: assert_cmd::Command, user: &str, token: &str) -> std::process::Output {
    cmd.args([
        "secrets",
        "set",
        "artifactory",
        "--username",
        user,
        "--token-stdin",
    ])
    .write_stdin(token.to_string())
    .output()
    .unwrap()
}

/// The test Jupyter server of tests/jupyter/up.sh (`DEVKIT_TEST_JUPYTER_DIR`, set by ./scripts/test.sh). In CI
/// (`CI=true`) its absence fails the test; elsewhere the test is skipped loudly. Returns its folder.
pub fn require_jupyter() -> Option<PathBuf> {
    let dir = std::env::var_os("DEVKIT_TEST_JUPYTER_DIR")
        .map(PathBuf::from)
        .filter(|d| d.join("url").is_file());
    if dir.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "the test Jupyter server is required by this test in CI: run ./scripts/test.sh, which starts it"
            );
        }
        eprintln!(
            "SKIPPED: no test Jupyter server (run ./scripts/test.sh, or tests/jupyter/up.sh DIR and export \
             DEVKIT_TEST_JUPYTER_DIR=DIR)"
        );
    }
    dir
}

/// The test JupyterHub of tests/jupyter/hub-up.sh (`DEVKIT_TEST_JUPYTERHUB_DIR`, set by ./scripts/test.sh). In
/// CI (`CI=true`) its absence fails the test; elsewhere the test is skipped loudly. Returns its folder.
pub fn require_jupyterhub() -> Option<PathBuf> {
    let dir = std::env::var_os("DEVKIT_TEST_JUPYTERHUB_DIR")
        .map(PathBuf::from)
        .filter(|d| d.join("url").is_file());
    if dir.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "the test JupyterHub is required by this test in CI: run ./scripts/test.sh, which starts it"
            );
        }
        eprintln!(
            "SKIPPED: no test JupyterHub (run ./scripts/test.sh, or tests/jupyter/hub-up.sh DIR and export \
             DEVKIT_TEST_JUPYTERHUB_DIR=DIR)"
        );
    }
    dir
}
