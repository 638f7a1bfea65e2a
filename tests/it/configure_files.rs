//! `devkit configure` without a server: masked dry-run diffs, comment-preserving merges, idempotence, undo,
//! shared netrc entries, malformed and foreign files.

use crate::configure::{assert_no_leak, devkit, store_token};
use crate::support::{TestContext, all_output};

/// A token with every character that breaks naive quoting.
const NASTY: &str = "t?>~\"' o k";
const URL: &str = "https://art.example.fr/artifactory";

#[test]
fn dry_run_masks_the_token_and_writes_nothing() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", NASTY);
    let before = crate::support::tree(&ctx.home);
    let out = devkit(&ctx, URL, &["configure", "all", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("+machine art.example.fr login ada password \"****\""),
        "{diff}"
    );
    assert!(diff.contains("+password = ****"), "{diff}");
    assert!(
        diff.contains("+index-url = https://art.example.fr/artifactory/api/pypi/pypi-remote/simple"),
        "{diff}"
    );
    assert_eq!(crate::support::tree(&ctx.home), before, "dry-run wrote files");
    assert_no_leak(
        &ctx,
        NASTY,
        &[&out],
        &[ctx.home.join(".local/share/devkit/secrets.toml")],
    );
}

#[test]
fn merge_is_idempotent_and_undo_restores_the_original() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", NASTY);
    let pip_conf = ctx.home.join(".config/pip/pip.conf");
    let original = "# my settings\n[global]\ntimeout = 5\nindex-url = https://mirror.example/simple\n";
    std::fs::create_dir_all(pip_conf.parent().unwrap()).unwrap();
    std::fs::write(&pip_conf, original).unwrap();
    let netrc_original = "machine other.example login bob password b0b\n";
    std::fs::write(ctx.home.join(".netrc"), netrc_original).unwrap();
    let first = devkit(&ctx, URL, &["configure", "pip"]).output().unwrap();
    assert!(first.status.success(), "{}", all_output(&first));
    let text = std::fs::read_to_string(&pip_conf).unwrap();
    assert!(
        text.starts_with("# my settings\n[global]\ntimeout = 5\nindex-url = https://art.example.fr/"),
        "{text}"
    );
    let netrc = std::fs::read_to_string(ctx.home.join(".netrc")).unwrap();
    assert!(netrc.starts_with(netrc_original), "{netrc}");
    let stamp = std::fs::metadata(&pip_conf).unwrap().modified().unwrap();
    let second = devkit(&ctx, URL, &["configure", "pip"]).output().unwrap();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("unchanged: everything was already configured"));
    assert_eq!(std::fs::metadata(&pip_conf).unwrap().modified().unwrap(), stamp);
    let undo = devkit(&ctx, URL, &["configure", "pip", "--undo"])
        .output()
        .unwrap();
    assert!(undo.status.success(), "{}", all_output(&undo));
    assert_eq!(std::fs::read_to_string(&pip_conf).unwrap(), original);
    assert_eq!(
        std::fs::read_to_string(ctx.home.join(".netrc")).unwrap(),
        netrc_original
    );
    assert_no_leak(
        &ctx,
        NASTY,
        &[&first, &second, &undo],
        &[ctx.home.join(".local/share/devkit/secrets.toml")],
    );
}

#[test]
fn a_netrc_entry_shared_by_clients_stays_until_the_last_undo() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", "tok");
    assert!(
        devkit(&ctx, URL, &["configure", "pip"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(
        devkit(&ctx, URL, &["configure", "uv"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(
        devkit(&ctx, URL, &["configure", "pip", "--undo"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(
        std::fs::read_to_string(ctx.home.join(".netrc"))
            .unwrap()
            .contains("art.example.fr")
    );
    assert!(
        devkit(&ctx, URL, &["configure", "uv", "--undo"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(!ctx.home.join(".netrc").exists());
    assert!(!ctx.home.join(".config/uv/uv.toml").exists());
}

#[test]
fn malformed_files_are_clear_errors_and_left_untouched() {
    let cases = [
        ("pip", ".config/pip/pip.conf", "[global]\nindex-url\n", "(line 2)"),
        ("conda", ".condarc", "channels:\n  - a\n b: [\n", "line"),
        ("pip", ".netrc", "machine h\nlogn u\n", "(line 2)"),
        ("uv", ".config/uv/uv.toml", "[[index]\n", "(line 1)"),
    ];
    for (client, rel, text, line) in cases {
        let ctx = TestContext::new();
        store_token(&ctx, URL, "ada", NASTY);
        let path = ctx.home.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let out = devkit(&ctx, URL, &["configure", client]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("{}` is malformed", path.display())),
            "{err}"
        );
        assert!(err.contains(line), "{err}");
        assert!(err.contains("hint:"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_no_leak(
            &ctx,
            NASTY,
            &[&out],
            &[ctx.home.join(".local/share/devkit/secrets.toml")],
        );
    }
}

#[test]
fn foreign_netrc_credentials_are_not_overwritten() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", "tok");
    let original = "machine art.example.fr login bob password b0b\n";
    std::fs::write(ctx.home.join(".netrc"), original).unwrap();
    let out = devkit(&ctx, URL, &["configure", "pip"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("with the login `bob`"));
    assert_eq!(
        std::fs::read_to_string(ctx.home.join(".netrc")).unwrap(),
        original
    );
    assert!(!all_output(&out).contains("b0b"));
}
