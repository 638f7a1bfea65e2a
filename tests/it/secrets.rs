//! `devkit secrets`: the file store and the real Secret Service, and that no value ever leaks.

use crate::support::{TestContext, all_output, files_containing, require_keyring, require_tool, secrets_set};

/// A token with shell- and URL-hostile characters.
const TOKEN: &str = "tok?>~\"' with spaces";

/// `devkit` forced onto the file store.
fn file_store(ctx: &TestContext) -> assert_cmd::Command {
    let mut cmd = ctx.devkit();
    cmd.env("DEVKIT_SECRET_STORE", "file");
    cmd
}

fn store_file(ctx: &TestContext) -> std::path::PathBuf {
    ctx.home.join(".local/share/devkit/secrets.toml")
}

#[test]
fn file_store_round_trip_without_leaks() {
    let ctx = TestContext::new();
    let set = secrets_set(
        file_store(&ctx),
        "ada",
        &format!(
            "{TOKEN}
"
        ),
    );
    assert!(set.status.success(), "{}", all_output(&set));
    let status = ctx
        .devkit()
        .args(["secrets", "status", "--format", "json"])
        .env("DEVKIT_SECRET_STORE", "file")
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", all_output(&status));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["store"], "file");
    assert_eq!(json["entries"][0]["service"], "devkit:artifactory.cnes.fr");
    assert_eq!(json["entries"][0]["user"], "ada");
    for out in [&set, &status] {
        assert!(!all_output(out).contains(TOKEN), "{}", all_output(out));
    }
    let file = store_file(&ctx);
    let text = std::fs::read_to_string(&file).unwrap();
    let parsed: toml::Table = text.parse().unwrap();
    assert_eq!(parsed["entry"][0]["secret"].as_str(), Some(TOKEN));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(files_containing(&ctx.home, TOKEN, &[file]).is_empty());
    let rm = ctx
        .devkit()
        .args(["secrets", "remove", "artifactory", "--username", "ada"])
        .env("DEVKIT_SECRET_STORE", "file")
        .output()
        .unwrap();
    assert!(rm.status.success());
    assert!(!std::fs::read_to_string(store_file(&ctx)).unwrap().contains("ada"));
}

#[test]
fn without_a_session_bus_the_file_store_is_used_with_one_warning() {
    let ctx = TestContext::new();
    let out = ctx.devkit().args(["secrets", "status"]).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains("secrets go to the owner-only file"), "{err}");
    assert!(
        err.contains("DEVKIT_SECRET_STORE=file"),
        "the fix is named: {err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("store:    file ("), "{text}");
    assert!(text.contains("why:      fallback:"), "{text}");
}

#[test]
fn forced_keyring_without_a_bus_and_unknown_store_are_clear_errors() {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args(["secrets", "status"])
        .env("DEVKIT_SECRET_STORE", "keyring")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the system keyring is not available"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    let out = ctx
        .devkit()
        .args(["secrets", "status"])
        .env("DEVKIT_SECRET_STORE", "vault")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown secret store `vault`"));
}

#[test]
fn empty_stdin_is_refused() {
    let ctx = TestContext::new();
    let out = secrets_set(
        file_store(&ctx),
        "ada",
        "
",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no token on stdin"));
    assert!(!store_file(&ctx).exists());
}

#[test]
fn keyring_round_trip_readable_by_python_keyring() {
    let Some(bus) = require_keyring() else { return };
    let Some(keyring) = require_tool("keyring") else {
        return;
    };
    let ctx = TestContext::new();
    // A user name of its own, so parallel tests sharing the session never see each other's entries.
    let user = format!("ada-{}", std::process::id());
    let devkit = |args: &[&str]| {
        let mut cmd = ctx.devkit();
        cmd.args(args).env("DBUS_SESSION_BUS_ADDRESS", &bus);
        cmd
    };
    let set = secrets_set(devkit(&[]), &user, TOKEN);
    assert!(set.status.success(), "{}", all_output(&set));
    let status = devkit(&["secrets", "status", "--format", "json"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", all_output(&status));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["store"], "keyring", "{json}");
    assert!(
        json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["service"] == "devkit:artifactory.cnes.fr" && e["user"] == user.as_str()),
        "{json}"
    );
    for out in [&set, &status] {
        assert!(!all_output(out).contains(TOKEN));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    }
    // Python keyring (what pip, twine and conda-auth use) reads what devkit stored.
    let py = std::process::Command::new(keyring)
        .args(["get", "devkit:artifactory.cnes.fr", &user])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .output()
        .unwrap();
    assert!(py.status.success(), "{}", all_output(&py));
    assert_eq!(String::from_utf8_lossy(&py.stdout).trim_end_matches('\n'), TOKEN);
    assert!(!store_file(&ctx).exists(), "the keyring was used: no file store");
    assert!(files_containing(&ctx.home, TOKEN, &[]).is_empty());
    let rm = devkit(&["secrets", "remove", "artifactory", "--username", &user])
        .output()
        .unwrap();
    assert!(rm.status.success(), "{}", all_output(&rm));
    let gone = std::process::Command::new(require_tool("keyring").unwrap())
        .args(["get", "devkit:artifactory.cnes.fr", &user])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus)
        .output()
        .unwrap();
    assert!(!gone.status.success(), "entry still readable after remove");
}
