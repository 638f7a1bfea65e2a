//! The test context: a temporary HOME with XDG folders, and a `devkit` command that sees only it.

use std::path::{Path, PathBuf};
use std::process::Command;

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

    /// Any program with the one clean environment of the tests: nothing inherited but `PATH`; `HOME` and the
    /// XDG folders in this context; no colours; run in the work folder. Callers add what their test needs.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
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

    /// `devkit` in the clean environment of [`TestContext::command`], as a std command (for tests that spawn
    /// or signal it).
    pub fn devkit_std(&self) -> std::process::Command {
        self.command(assert_cmd::cargo::cargo_bin!("devkit"))
    }

    /// `devkit` in the clean environment of [`TestContext::command`].
    pub fn devkit(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.devkit_std())
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

/// Whether this run allows tests to skip when something they need is missing (`DEVKIT_TEST_ALLOW_SKIP=1`).
fn skips_allowed() -> bool {
    std::env::var("DEVKIT_TEST_ALLOW_SKIP").is_ok_and(|v| v == "1")
}

/// The one way a test meets a missing service or tool: by default the test fails, saying what is missing and how
/// to get it; when the run allows skips (`DEVKIT_TEST_ALLOW_SKIP=1`) the skip is printed and appended to the
/// file named by `DEVKIT_TEST_SKIP_LOG`, which scripts/test.sh counts in the suite's closing line. Callers then
/// return without asserting anything.
pub fn missing(what: &str, how: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("an unnamed test")
        .to_string();
    if !skips_allowed() {
        panic!(
            "{test} needs {what}, which this run does not have\nhint: {how}; to skip such tests instead, set DEVKIT_TEST_ALLOW_SKIP=1 (skips are counted in the closing line)"
        );
    }
    eprintln!("SKIPPED {test}: needs {what} ({how})");
    if let Some(log) = std::env::var_os("DEVKIT_TEST_SKIP_LOG") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("the skip log of scripts/test.sh is writable");
        // One short line per skip: a single append is atomic across the parallel test threads.
        file.write_all(format!("{test}: needs {what}\n").as_bytes())
            .expect("the skip log of scripts/test.sh is writable");
    }
}

/// A program the test needs on `PATH`; when absent, [`missing`] decides between failing and a counted skip.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        missing(
            &format!("`{name}` on PATH"),
            "run ./scripts/test.sh, which installs it",
        );
    }
    found
}

/// An environment variable that a test service's start-up script exports; when unset, [`missing`] decides.
pub fn require_env(name: &str, service: &str, how: &str) -> Option<String> {
    let value = std::env::var(name).ok().filter(|v| !v.is_empty());
    if value.is_none() {
        missing(&format!("{service} (`{name}` is unset)"), how);
    }
    value
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
/// `PATH` with the folder of the binaries under test (`devkit`, `docker-credential-devkit`, ...) first, for
/// programs that start devkit by name (gitlab-ci-local jobs, docker, credential_process, batch scripts).
pub fn path_with_devkit() -> std::ffi::OsString {
    let devkit = assert_cmd::cargo::cargo_bin!("devkit");
    let dir = devkit.parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&rest))).unwrap()
}

pub fn all_output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts that a command exited with `code` and that its stderr holds every fragment; on failure, shows the
/// whole output.
pub fn assert_fails_with(out: &std::process::Output, code: i32, fragments: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{}", all_output(out));
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "`{fragment}` not in stderr:\n{}",
            all_output(out)
        );
    }
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

/// Whether this run rewrites golden expectations instead of checking them (`DEVKIT_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var("DEVKIT_BLESS").is_ok_and(|v| v == "1")
}

/// Replaces the folder `expected` by a copy of the tree `actual` (`.git` and `skip` excluded; modes kept), then
/// lets `fix` rewrite a copied file's text (placeholders for versions and paths). For `DEVKIT_BLESS=1`.
pub fn bless_tree(actual: &Path, expected: &Path, skip: &[&str], fix: &dyn Fn(&str, String) -> String) {
    let _ = std::fs::remove_dir_all(expected);
    for rel in tree(actual).iter().filter(|r| !skip.contains(&r.as_str())) {
        let to = expected.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(actual.join(rel), &to).unwrap();
        if let Ok(text) = std::fs::read_to_string(&to) {
            std::fs::write(&to, fix(rel, text)).unwrap();
        }
    }
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

/// A real Secret Service (tests/keyring/session.sh provides one): the bus address to pass to commands.
pub fn require_keyring() -> Option<String> {
    require_env(
        "DBUS_SESSION_BUS_ADDRESS",
        "a Secret Service on a D-Bus session",
        "run the tests through tests/keyring/session.sh or ./scripts/test.sh",
    )
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

/// The test engine and registry (`DEVKIT_TEST_DOCKER=1`, set by ./scripts/test.sh through tests/docker/up.sh).
pub fn require_docker() -> Option<DockerEnv> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    require_env(
        "DEVKIT_TEST_DOCKER",
        "the test Docker engine and registry",
        "source the env file of tests/docker/up.sh, or run ./scripts/test.sh",
    )?;
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

/// Makes a folder read-only for this user (root: the immutable attribute); whether it worked.
pub fn make_read_only(dir: &Path) -> bool {
    if Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
    {
        // root ignores modes: the immutable attribute is what makes a folder read-only for it
        Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success())
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).is_ok()
    }
}

/// Undoes [`make_read_only`].
pub fn undo_read_only(dir: &Path) {
    let _ = Command::new("chattr").arg("-i").arg(dir).status();
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
}

/// A test service started by scripts/test.sh that leaves its folder (holding a `url` file) in `var`.
fn require_service_dir(var: &str, service: &str, how: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|d| d.join("url").is_file());
    if dir.is_none() {
        missing(&format!("{service} (`{var}` is unset or holds no `url`)"), how);
    }
    dir
}

/// The test Jupyter server of tests/jupyter/up.sh (`DEVKIT_TEST_JUPYTER_DIR`): its folder.
pub fn require_jupyter() -> Option<PathBuf> {
    require_service_dir(
        "DEVKIT_TEST_JUPYTER_DIR",
        "the test Jupyter server",
        "run ./scripts/test.sh, or tests/jupyter/up.sh DIR and export DEVKIT_TEST_JUPYTER_DIR=DIR",
    )
}

/// The test JupyterHub of tests/jupyter/hub-up.sh (`DEVKIT_TEST_JUPYTERHUB_DIR`): its folder.
pub fn require_jupyterhub() -> Option<PathBuf> {
    require_service_dir(
        "DEVKIT_TEST_JUPYTERHUB_DIR",
        "the test JupyterHub",
        "run ./scripts/test.sh, or tests/jupyter/hub-up.sh DIR and export DEVKIT_TEST_JUPYTERHUB_DIR=DIR",
    )
}
