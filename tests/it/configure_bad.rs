//! `devkit configure` on bad ground: a read-only HOME (an error, and no file half-written) and concurrent runs
//! (no lost update: every file complete and valid, the ownership record holding every client).

use crate::configure::{devkit, store_token};
use crate::support::{TestContext, all_output, tree};
use crate::support::{make_read_only, undo_read_only};
use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};

const URL: &str = "https://artifactory.example.org/artifactory";
const TOKEN: &str = "tok-bad-inputs";

/// Every file under HOME but lock files, with its bytes.
fn snapshot(ctx: &TestContext) -> BTreeMap<String, Vec<u8>> {
    tree(&ctx.home)
        .into_iter()
        .filter(|f| !f.ends_with(".lock"))
        .map(|f| {
            let bytes = std::fs::read(ctx.home.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

fn user_files(ctx: &TestContext) {
    let write = |rel: &str, text: &str| {
        let p = ctx.home.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(".config/pip/pip.conf", "[global]\ntimeout = 60\n");
    write(".condarc", "channels:\n  - defaults\n");
    write(".docker/config.json", "{\"auths\": {}}\n");
}

#[test]
fn read_only_home_is_an_error_and_nothing_is_half_written() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    user_files(&ctx);
    let before = snapshot(&ctx);
    if !make_read_only(&ctx.home) {
        crate::support::missing(
            "`chattr +i` (root on a filesystem with immutable files)",
            "run the suite as root on ext4, btrfs or xfs, as ./scripts/test.sh in CI does",
        );
        return;
    }
    let out = devkit(&ctx, URL, &["configure", "all"]).output().unwrap();
    undo_read_only(&ctx.home);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("cannot write `"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert_eq!(snapshot(&ctx), before, "a file changed although configure failed");
}

fn spawn(ctx: &TestContext, client: &str) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("devkit"))
        .env_clear()
        .env("HOME", &ctx.home)
        .env("XDG_CONFIG_HOME", ctx.home.join(".config"))
        .env("XDG_DATA_HOME", ctx.home.join(".local/share"))
        .env("NO_COLOR", "1")
        .env("DEVKIT_ARTIFACTORY_URL", URL)
        .env("DEVKIT_SECRET_STORE", "file")
        .args(["configure", client])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn both(ctx: &TestContext, a: &str, b: &str) -> (Output, Output) {
    let (x, y) = (spawn(ctx, a), spawn(ctx, b));
    let (x, y) = (x.wait_with_output().unwrap(), y.wait_with_output().unwrap());
    assert!(
        x.status.success() && y.status.success(),
        "{}{}",
        all_output(&x),
        all_output(&y)
    );
    (x, y)
}

#[test]
fn concurrent_configure_runs_lose_no_update() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    user_files(&ctx);
    // Different clients at once share `.netrc` and the ownership record: both updates must survive.
    both(&ctx, "pip", "conda");
    let owned: toml::Table = std::fs::read_to_string(ctx.home.join(".local/share/devkit/owned.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let clients = |owned: &toml::Table| {
        let mut names: Vec<String> = owned["item"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| {
                i["clients"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
            })
            .collect();
        names.sort();
        names.dedup();
        names
    };
    assert_eq!(clients(&owned), ["conda", "pip"]);
    both(&ctx, "all", "all");
    let read = |rel: &str| std::fs::read_to_string(ctx.home.join(rel)).unwrap();
    let pip = read(".config/pip/pip.conf");
    assert!(
        pip.contains("timeout = 60") && pip.contains("index-url = https://artifactory.example.org/"),
        "{pip}"
    );
    let netrc = read(".netrc");
    assert_eq!(
        netrc.matches("machine artifactory.example.org").count(),
        1,
        "{netrc}"
    );
    assert!(netrc.contains(TOKEN));
    assert!(read(".pypirc").contains("[artifactory]"));
    let condarc = read(".condarc");
    assert!(
        condarc.contains("- defaults") && condarc.contains("channel_alias:"),
        "{condarc}"
    );
    let docker: serde_json::Value = serde_json::from_str(&read(".docker/config.json")).unwrap();
    assert_eq!(docker["credHelpers"]["artifactory.cnes.fr"], "devkit");
    let cargo: toml::Table = read(".cargo/config.toml").parse().unwrap();
    assert_eq!(
        cargo["source"]["crates-io"]["replace-with"].as_str(),
        Some("artifactory")
    );
    let uv: toml::Table = read(".config/uv/uv.toml").parse().unwrap();
    assert_eq!(uv["index"].as_array().unwrap().len(), 1);
    let owned: toml::Table = read(".local/share/devkit/owned.toml").parse().unwrap();
    assert_eq!(
        clients(&owned),
        ["cargo", "conda", "docker", "pip", "twine", "uv"]
    );
    assert!(tree(&ctx.home).iter().all(|f| !f.ends_with(".tmp")));
}
