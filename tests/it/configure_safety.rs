//! `devkit configure` loses nothing, through the real binary: the dotfile corpus (tests/dotfiles) round-trips
//! byte for byte; an immutable target or a failure at any write leaves every file as it was; a crash at any
//! write is recovered by the next run; symlinked dotfiles stay links; undo restores a replaced `.netrc` entry
//! and removes the folders devkit created.

use crate::configure::{assert_no_leak, devkit, store_token};
use crate::configure_props::{Node, snapshot};
use crate::support::{TestContext, all_output, require_tool};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const URL: &str = "https://art.example.fr/artifactory";
const TOKEN: &str = "n3w\"tok en";

/// The user's files: everything under HOME but devkit's own data.
fn user_files(home: &Path) -> BTreeMap<PathBuf, Node> {
    snapshot(home)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".local"))
        .collect()
}

fn data_files(ctx: &TestContext) -> BTreeMap<PathBuf, Node> {
    let data = ctx.home.join(".local/share/devkit");
    snapshot(&data)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("configure.lock"))
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&path, &dest);
        } else {
            std::fs::write(&dest, std::fs::read(&path).unwrap()).unwrap();
        }
    }
}

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dotfiles");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// devkit with the test site: Artifactory and its Docker registry on `art.example.fr`.
fn cmd(ctx: &TestContext, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = devkit(ctx, URL, args);
    cmd.env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", "art.example.fr");
    cmd
}

fn run(ctx: &TestContext, args: &[&str]) -> std::process::Output {
    cmd(ctx, args).output().unwrap()
}

fn read(ctx: &TestContext, rel: &str) -> String {
    std::fs::read_to_string(ctx.home.join(rel)).unwrap()
}

/// What each corpus case must look like after `configure all`, beyond the round trip.
fn check_case(ctx: &TestContext, case: &str) {
    match case {
        "netrc-macdef-at-eof" => {
            let netrc = read(ctx, ".netrc");
            assert!(
                netrc.contains("hash\n\nmachine art.example.fr login ada"),
                "{netrc}"
            );
        }
        "docker-tabs-escapes" => {
            let original = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/dotfiles/docker-tabs-escapes/.docker/config.json"),
            )
            .unwrap();
            let want = original.replace(
                "\"gcr.io\": \"gcloud\"",
                "\"gcr.io\": \"gcloud\",\n\t\t\"art.example.fr\": \"devkit\"",
            );
            assert_eq!(read(ctx, ".docker/config.json"), want);
        }
        "pypirc-multiline-crlf" => {
            let text = read(ctx, ".pypirc");
            assert!(text.contains("    testpypi\r\n    artifactory\r\n"), "{text:?}");
            assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
        }
        "pip-bom-crlf" => {
            let text = read(ctx, ".config/pip/pip.conf");
            assert!(text.starts_with('\u{feff}'), "{text:?}");
            assert!(
                text.contains(
                    "\r\nindex-url=https://art.example.fr/artifactory/api/pypi/pypi-remote/simple\r\n"
                ),
                "{text:?}"
            );
            assert!(text.ends_with("user = false"), "{text:?}");
        }
        "cargo-replace-comment" => {
            let text = read(ctx, ".cargo/config.toml");
            assert!(
                text.contains("replace-with = \"artifactory\"  # offline builds, see README\n"),
                "{text}"
            );
        }
        "netrc-old-entry" => {
            let netrc = read(ctx, ".netrc");
            assert!(!netrc.contains("OLD-PASSWORD"), "{netrc}");
            assert!(
                netrc.starts_with("machine art.example.fr login ada password "),
                "{netrc}"
            );
        }
        _ => {}
    }
}

#[test]
fn the_dotfile_corpus_round_trips_byte_for_byte() {
    let python = require_tool("python3");
    for case in corpus() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let ctx = TestContext::new();
        store_token(&ctx, URL, "ada", TOKEN);
        copy_tree(&case, &ctx.home);
        let start = user_files(&ctx.home);
        let first = run(&ctx, &["configure", "all"]);
        assert!(first.status.success(), "{name}: {}", all_output(&first));
        check_case(&ctx, &name);
        if let Some(python) = &python {
            let parse = std::process::Command::new(python)
                .args(["-c", "import netrc,sys; n=netrc.netrc(sys.argv[1]); assert n.authenticators('art.example.fr')[0]=='ada'"])
                .arg(ctx.home.join(".netrc"))
                .output()
                .unwrap();
            assert!(
                parse.status.success(),
                "{name}: python's netrc: {}",
                all_output(&parse)
            );
        }
        let second = run(&ctx, &["configure", "all"]);
        assert!(
            String::from_utf8_lossy(&second.stderr).contains("unchanged: everything was already configured"),
            "{name}: {}",
            all_output(&second)
        );
        let undo = run(&ctx, &["configure", "all", "--undo"]);
        assert!(undo.status.success(), "{name}: {}", all_output(&undo));
        assert_eq!(user_files(&ctx.home), start, "{name}: undo is not exact");
        assert_no_leak(
            &ctx,
            TOKEN,
            &[&first, &second, &undo],
            &[ctx.home.join(".local/share/devkit/secrets.toml")],
        );
    }
}

/// Seven existing client files, so every client has something to lose.
fn populate(ctx: &TestContext) {
    for case in corpus() {
        if !case.ends_with("netrc-old-entry") {
            copy_tree(&case, &ctx.home);
        }
    }
}

/// `chattr +i` on a file for the life of the guard.
struct Immutable(PathBuf);

impl Immutable {
    fn new(path: PathBuf) -> Option<Self> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Self(path))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn an_immutable_target_fails_the_run_and_changes_nothing() {
    let Some(_chattr) = require_tool("chattr") else {
        return;
    };
    for locked in [".netrc", ".condarc", ".cargo/config.toml"] {
        let ctx = TestContext::new();
        store_token(&ctx, URL, "ada", TOKEN);
        populate(&ctx);
        let start = user_files(&ctx.home);
        let data = data_files(&ctx);
        let guard =
            Immutable::new(ctx.home.join(locked)).expect("chattr +i failed: the file system must support it");
        let out = run(&ctx, &["configure", "all"]);
        assert_eq!(out.status.code(), Some(1), "{locked}: {}", all_output(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot write") && err.contains("hint:"), "{err}");
        drop(guard);
        assert_eq!(user_files(&ctx.home), start, "{locked}: files changed");
        assert_eq!(data_files(&ctx), data, "{locked}: devkit's records changed");
        // Unlocked, the same run succeeds and undo is exact.
        let again = run(&ctx, &["configure", "all"]);
        assert!(again.status.success(), "{}", all_output(&again));
        assert!(run(&ctx, &["configure", "all", "--undo"]).status.success());
        assert_eq!(user_files(&ctx.home), start, "{locked}: undo is not exact");
    }
}

#[test]
fn a_failure_at_any_write_changes_nothing_and_a_crash_is_recovered() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    populate(&ctx);
    // A symlinked `.netrc`: rollback and recovery write through the link too.
    std::fs::rename(ctx.home.join(".netrc"), ctx.home.join("netrc-dotfile")).unwrap();
    std::os::unix::fs::symlink("netrc-dotfile", ctx.home.join(".netrc")).unwrap();
    let start = user_files(&ctx.home);
    let data = data_files(&ctx);
    let mut n = 1;
    loop {
        let out = cmd(&ctx, &["configure", "all"])
            .env("DEVKIT_TEST_FAIL_WRITE", n.to_string())
            .output()
            .unwrap();
        if out.status.success() {
            break;
        }
        assert_eq!(out.status.code(), Some(1), "write {n}: {}", all_output(&out));
        assert_eq!(user_files(&ctx.home), start, "write {n} failed and left changes");
        assert_eq!(data_files(&ctx), data, "write {n} failed and left records");
        n += 1;
        assert!(n < 60, "the run never succeeded");
    }
    assert!(n > 10, "too few write steps were tried ({n})");
    let configured = user_files(&ctx.home);
    assert!(run(&ctx, &["configure", "all", "--undo"]).status.success());
    assert_eq!(user_files(&ctx.home), start);
    for crash in 1..n {
        let out = cmd(&ctx, &["configure", "all"])
            .env("DEVKIT_TEST_CRASH_WRITE", crash.to_string())
            .output()
            .unwrap();
        assert!(!out.status.success(), "crash {crash}: {}", all_output(&out));
        let next = run(&ctx, &["configure", "all"]);
        assert!(
            next.status.success(),
            "after crash {crash}: {}",
            all_output(&next)
        );
        assert_eq!(user_files(&ctx.home), configured, "after crash {crash}");
        assert!(run(&ctx, &["configure", "all", "--undo"]).status.success());
        assert_eq!(user_files(&ctx.home), start, "undo after crash {crash}");
    }
}

#[test]
fn symlinked_dotfiles_stay_links_and_undo_is_exact() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    let dotfiles = ctx.home.join("dotfiles");
    std::fs::create_dir_all(dotfiles.join("docker")).unwrap();
    std::fs::write(
        dotfiles.join("netrc"),
        "machine other.example login bob password b0b\n",
    )
    .unwrap();
    std::fs::write(dotfiles.join("docker/config.json"), "{\n  \"auths\": {}\n}\n").unwrap();
    std::fs::create_dir_all(ctx.home.join(".docker")).unwrap();
    std::os::unix::fs::symlink("dotfiles/netrc", ctx.home.join(".netrc")).unwrap();
    std::os::unix::fs::symlink(
        dotfiles.join("docker/config.json"),
        ctx.home.join(".docker/config.json"),
    )
    .unwrap();
    let start = user_files(&ctx.home);
    let out = run(&ctx, &["configure", "all"]);
    assert!(out.status.success(), "{}", all_output(&out));
    for link in [".netrc", ".docker/config.json"] {
        let meta = std::fs::symlink_metadata(ctx.home.join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} was replaced by a file");
    }
    assert!(
        std::fs::read_to_string(dotfiles.join("netrc"))
            .unwrap()
            .contains("machine art.example.fr")
    );
    assert!(
        std::fs::read_to_string(dotfiles.join("docker/config.json"))
            .unwrap()
            .contains("\"art.example.fr\": \"devkit\"")
    );
    assert!(run(&ctx, &["configure", "all", "--undo"]).status.success());
    assert_eq!(user_files(&ctx.home), start);
}

#[test]
fn undo_restores_a_replaced_netrc_entry_and_removes_created_folders() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "alice", TOKEN);
    let netrc = "machine art.example.fr login alice password OLD\n";
    std::fs::write(ctx.home.join(".netrc"), netrc).unwrap();
    let start = user_files(&ctx.home);
    let out = run(&ctx, &["configure", "all"]);
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(!read(&ctx, ".netrc").contains("OLD"));
    for dir in [".docker", ".config/uv", ".cargo", ".config/pip"] {
        assert!(ctx.home.join(dir).is_dir(), "{dir}");
    }
    let undo = run(&ctx, &["configure", "all", "--undo"]);
    assert!(undo.status.success(), "{}", all_output(&undo));
    assert_eq!(read(&ctx, ".netrc"), netrc);
    for dir in [".docker", ".config/uv", ".cargo", ".config/pip"] {
        assert!(!ctx.home.join(dir).exists(), "{dir} stayed");
    }
    assert_eq!(user_files(&ctx.home), start);
}

#[test]
fn dry_run_diffs_mask_every_password_including_restored_originals() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "alice", TOKEN);
    let netrc = "machine other.example login bob password b0b-SECRET\nmachine art.example.fr login alice password OLD-SECRET\n";
    std::fs::write(ctx.home.join(".netrc"), netrc).unwrap();
    let dry = run(&ctx, &["configure", "all", "--dry-run"]);
    assert!(dry.status.success(), "{}", all_output(&dry));
    assert!(String::from_utf8_lossy(&dry.stdout).contains("+machine art.example.fr login alice password"));
    assert!(run(&ctx, &["configure", "all"]).status.success());
    let undo_dry = run(&ctx, &["configure", "all", "--undo", "--dry-run"]);
    assert!(undo_dry.status.success(), "{}", all_output(&undo_dry));
    assert!(
        String::from_utf8_lossy(&undo_dry.stdout)
            .contains("machine art.example.fr login alice password ****")
    );
    for out in [&dry, &undo_dry] {
        let text = all_output(out);
        for secret in ["b0b-SECRET", "OLD-SECRET", TOKEN] {
            assert!(!text.contains(secret), "{secret} in: {text}");
        }
    }
}
