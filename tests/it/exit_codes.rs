//! Exit codes a script can trust, and the one table that documents them: `--help` and the README show the
//! same table; usage errors are clap's 2; input and environment failures (any I/O error included) are 1; a
//! panic or an unexpected state is 70 with a short "this is a bug" message. Help texts are snapshots
//! (`help_snapshots.rs`).

use crate::support::{TestContext, all_output};
use std::process::Output;

/// The filters that make snapshots independent of this machine: temporary paths, versions, ports.
pub(crate) fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]");
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    s.add_filter(&regex::escape(env!("CARGO_PKG_VERSION")), "[VERSION]");
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn run(args: &[&str]) -> Output {
    TestContext::new().devkit().args(args).output().unwrap()
}

#[test]
fn help_starts_with_where_to_begin_and_lists_onboard_first() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("new here? run `devkit onboard`"), "{text}");
    let commands = text.split("Commands:").nth(1).unwrap();
    assert!(commands.trim_start().starts_with("onboard"), "{text}");
}

#[test]
fn no_arguments_is_a_usage_error_that_shows_where_to_begin() {
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(
        text.trim_start().starts_with("new here? run `devkit onboard`"),
        "{text}"
    );
}

#[test]
fn usage_errors_are_two_and_say_so_without_calling_it_a_bug() {
    for args in [
        &["--bogus"][..],
        &["init", "--bogus"],
        &["frobnicate"],
        &["slurm", "run"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", all_output(&out));
        assert!(!all_output(&out).contains("bug"), "{args:?}");
    }
}

#[test]
fn the_readme_shows_the_same_table_as_help() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    let table = help.split("Exit codes:").nth(1).unwrap().trim_end();
    assert!(
        readme.contains(&format!("Exit codes:{table}")),
        "the README's exit-code block differs from `devkit --help`:\n{table}"
    );
}

#[test]
fn a_panic_is_an_internal_error_with_a_short_bug_message() {
    let out = TestContext::new()
        .devkit()
        .env("DEVKIT_TEST_PANIC", "1")
        .args(["site", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(70));
    let text = all_output(&out);
    assert!(
        text.contains("error: internal error: DEVKIT_TEST_PANIC is set"),
        "{text}"
    );
    assert!(
        text.contains("hint: this is a bug in devkit: please report it"),
        "{text}"
    );
    assert!(
        !text.contains("RUST_BACKTRACE"),
        "the default panic message is replaced: {text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
    let mut s = settings();
    s.add_filter(r"at src/[a-z_/]+\.rs:\d+", "at [SOURCE]");
    s.bind(|| insta::assert_snapshot!("internal_error", text));
}

#[test]
fn an_io_error_is_a_failure_of_the_environment_not_a_bug() {
    let ctx = TestContext::new();
    ctx.write("tpl/template.toml", "");
    ctx.write("tpl/a.txt", "a\n");
    ctx.write("blocker", "a file where a folder is needed\n");
    let out = ctx
        .devkit()
        .args([
            "init",
            "blocker/p",
            "--template",
            "./tpl",
            "--no-git",
            "--defaults",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    assert!(!all_output(&out).contains("bug"), "{}", all_output(&out));
}

#[test]
fn runner_list_of_a_missing_config_fails_clearly() {
    let out = run(&["runner", "list", "--runner-config", "/nonexistent/config.toml"]);
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(
        text.contains("no gitlab-runner configuration `/nonexistent/config.toml`"),
        "{text}"
    );
    assert!(text.contains("hint: "), "{text}");
    settings().bind(|| insta::assert_snapshot!("runner_list_missing_config", text));
}
