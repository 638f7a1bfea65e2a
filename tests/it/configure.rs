//! `devkit configure`: real pip, uv and twine against a loopback PyPI server that looks like Artifactory
//! (tests/pypi/up.sh), using only what devkit wrote; and merge, dry-run, undo and malformed-file behaviour.

use crate::support::{TestContext, all_output, files_containing, require_keyring, require_tool, secrets_set};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The test server: Artifactory base URL, user, token.
pub(crate) struct Server {
    pub dir: PathBuf,
    pub url: String,
    pub user: String,
    pub token: String,
}

/// The server started by scripts/test.sh (a missing one fails the test unless the run allows skips).
pub(crate) fn server() -> Option<Server> {
    let dir = PathBuf::from(pypi_dir()?);
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    Some(Server {
        url: read("url"),
        user: read("user"),
        token: read("token"),
        dir,
    })
}

/// The folder of the loopback PyPI index that tests/pypi/up.sh started.
pub(crate) fn pypi_dir() -> Option<String> {
    crate::support::require_env(
        "DEVKIT_TEST_PYPI_DIR",
        "the test PyPI index",
        "run ./scripts/test.sh, or tests/pypi/up.sh DIR and export DEVKIT_TEST_PYPI_DIR=DIR",
    )
}

/// Adds (or replaces) `user` in the test index's htpasswd, which pypiserver and nginx reread on change. One
/// writer at a time: tests add distinct users to the same file.
pub(crate) fn add_index_user(python: &Path, dir: &Path, user: &str, token: &str) {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let script = "import sys; from passlib.apache import HtpasswdFile as H; h=H(sys.argv[1]); \
                  h.set_password(sys.argv[2], sys.stdin.read()); h.save()";
    let mut child = Command::new(python)
        .args(["-c", script])
        .arg(dir.join("htpasswd"))
        .arg(user)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(token.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

pub(crate) fn devkit(ctx: &TestContext, url: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = ctx.devkit();
    cmd.args(args)
        .env("DEVKIT_ARTIFACTORY_URL", url)
        .env("DEVKIT_SECRET_STORE", "file");
    cmd
}

pub(crate) fn store_token(ctx: &TestContext, url: &str, user: &str, token: &str) {
    let out = secrets_set(devkit(ctx, url, &[]), user, token);
    assert!(out.status.success(), "{}", all_output(&out));
}

/// A client run with nothing but the temporary HOME (no PIP_CONFIG_FILE, no credentials in the environment).
pub(crate) fn client(ctx: &TestContext, program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env_clear()
        .env("HOME", &ctx.home)
        .env("XDG_CONFIG_HOME", ctx.home.join(".config"))
        .env("XDG_DATA_HOME", ctx.home.join(".local/share"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("UV_NO_CACHE", "1")
        .current_dir(&ctx.work)
        .output()
        .unwrap()
}

pub(crate) fn assert_no_leak(ctx: &TestContext, token: &str, outputs: &[&Output], allowed: &[PathBuf]) {
    for out in outputs {
        assert!(
            !all_output(out).contains(token),
            "token in output: {}",
            all_output(out)
        );
    }
    let hits = files_containing(&ctx.home, token, allowed);
    assert!(hits.is_empty(), "token found in {hits:?}");
    #[cfg(unix)]
    for file in allowed.iter().filter(|f| f.exists()) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

#[test]
fn pip_and_uv_install_with_only_what_devkit_wrote() {
    let Some(srv) = server() else { return };
    let (Some(pip), Some(uv)) = (require_tool("pip"), require_tool("uv")) else {
        return;
    };
    let ctx = TestContext::new();
    store_token(&ctx, &srv.url, &srv.user, &srv.token);
    let conf = devkit(&ctx, &srv.url, &["configure", "pip"]).output().unwrap();
    let conf_uv = devkit(&ctx, &srv.url, &["configure", "uv"]).output().unwrap();
    assert!(
        conf.status.success() && conf_uv.status.success(),
        "{}{}",
        all_output(&conf),
        all_output(&conf_uv)
    );
    let pip_ok = client(
        &ctx,
        &pip,
        &[
            "install",
            "--no-input",
            "--no-cache-dir",
            "--target",
            "t1",
            "devkit_probe",
        ],
    );
    assert!(pip_ok.status.success(), "{}", all_output(&pip_ok));
    assert!(ctx.work.join("t1/devkit_probe/__init__.py").exists());
    let uv_ok = client(&ctx, &uv, &["pip", "install", "--target", "t2", "devkit_probe"]);
    assert!(uv_ok.status.success(), "{}", all_output(&uv_ok));
    assert!(ctx.work.join("t2/devkit_probe/__init__.py").exists());
    let allowed = [
        ctx.home.join(".netrc"),
        ctx.home.join(".local/share/devkit/secrets.toml"),
    ];
    assert_no_leak(&ctx, &srv.token, &[&conf, &conf_uv, &pip_ok, &uv_ok], &allowed);

    // A wrong token: both clients are refused.
    store_token(&ctx, &srv.url, &srv.user, "wrong-token");
    let again = devkit(&ctx, &srv.url, &["configure", "pip"]).output().unwrap();
    assert!(again.status.success(), "{}", all_output(&again));
    let pip_bad = client(
        &ctx,
        &pip,
        &[
            "install",
            "--no-input",
            "--no-cache-dir",
            "--target",
            "t3",
            "devkit_probe",
        ],
    );
    assert!(!pip_bad.status.success(), "{}", all_output(&pip_bad));
    assert!(!ctx.work.join("t3/devkit_probe").exists());
    let uv_bad = client(&ctx, &uv, &["pip", "install", "--target", "t4", "devkit_probe"]);
    assert!(!uv_bad.status.success(), "{}", all_output(&uv_bad));
}

fn upload(ctx: &TestContext, srv: &Server, twine: &Path, extra_env: &[(&str, &str)]) -> Output {
    let name = format!("devkit_upload_{}_{}", std::process::id(), extra_env.len());
    let made = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pypi/make_wheel.py"))
        .args([&name, "0.1"])
        .arg(&ctx.work)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", all_output(&made));
    let wheel = String::from_utf8(made.stdout).unwrap().trim().to_string();
    let mut cmd = Command::new(twine);
    cmd.args(["upload", "--non-interactive", "-r", "artifactory", &wheel])
        .env_clear()
        .env("HOME", &ctx.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(&ctx.work);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    if out.status.success() {
        assert!(
            srv.dir
                .join("packages")
                .join(Path::new(&wheel).file_name().unwrap())
                .exists()
        );
    }
    out
}

#[test]
fn twine_uploads_with_the_password_in_a_private_pypirc() {
    let Some(srv) = server() else { return };
    let Some(twine) = require_tool("twine") else {
        return;
    };
    let ctx = TestContext::new();
    store_token(&ctx, &srv.url, &srv.user, &srv.token);
    let conf = devkit(&ctx, &srv.url, &["configure", "twine"]).output().unwrap();
    assert!(conf.status.success(), "{}", all_output(&conf));
    let up = upload(&ctx, &srv, &twine, &[]);
    assert!(up.status.success(), "{}", all_output(&up));
    let allowed = [
        ctx.home.join(".pypirc"),
        ctx.home.join(".local/share/devkit/secrets.toml"),
    ];
    assert_no_leak(&ctx, &srv.token, &[&conf, &up], &allowed);
}

#[test]
fn twine_reads_the_token_from_the_keyring() {
    let Some(srv) = server() else { return };
    let Some(bus) = require_keyring() else { return };
    let Some(twine) = require_tool("twine") else {
        return;
    };
    let ctx = TestContext::new();
    let user = srv.user.clone();
    let keyring_devkit = |args: &[&str]| {
        let mut cmd = ctx.devkit();
        cmd.args(args)
            .env("DEVKIT_ARTIFACTORY_URL", &srv.url)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus);
        cmd
    };
    let set = secrets_set(keyring_devkit(&[]), &user, &srv.token);
    assert!(set.status.success(), "{}", all_output(&set));
    let conf = keyring_devkit(&["configure", "twine"]).output().unwrap();
    assert!(conf.status.success(), "{}", all_output(&conf));
    let pypirc = std::fs::read_to_string(ctx.home.join(".pypirc")).unwrap();
    assert!(!pypirc.contains("password"), "{pypirc}");
    let up = upload(&ctx, &srv, &twine, &[("DBUS_SESSION_BUS_ADDRESS", &bus)]);
    assert!(up.status.success(), "{}", all_output(&up));
    assert_no_leak(&ctx, &srv.token, &[&set, &conf, &up], &[]);
    let undo = keyring_devkit(&["configure", "twine", "--undo"])
        .output()
        .unwrap();
    assert!(undo.status.success(), "{}", all_output(&undo));
    assert!(
        !ctx.home.join(".pypirc").exists(),
        "{}\n{:?}",
        all_output(&undo),
        std::fs::read_to_string(ctx.home.join(".pypirc"))
    );
    let rm = keyring_devkit(&["secrets", "remove", "artifactory", "--username", &user])
        .output()
        .unwrap();
    assert!(rm.status.success());
}
