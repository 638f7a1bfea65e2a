//! Snapshots of the text users read: the help of every command and subcommand (found by walking `--help`),
//! and the JSON of `site show --format json`. A change to any of them shows up as a snapshot diff to review.
//! To accept intended changes: `INSTA_UPDATE=always cargo test --test it help_snapshots`, then `git diff
//! tests/it/snapshots` (CI never writes snapshots: a missing or different one fails).

use crate::exit_codes::settings;
use crate::support::TestContext;

/// The subcommands listed in a help text's `Commands:` section (`help` itself excluded).
fn subcommands(help: &str) -> Vec<String> {
    let Some(section) = help.split("\nCommands:\n").nth(1) else {
        return Vec::new();
    };
    section
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_help_of_every_command_is_a_reviewed_snapshot() {
    let ctx = TestContext::new();
    let mut queue = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(path) = queue.pop() {
        let out = ctx
            .devkit()
            .args(&path)
            .arg("--help")
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "devkit {path:?} --help");
        let text = String::from_utf8(out.stdout).unwrap();
        let name = if path.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", path.join("_"))
        };
        settings().bind(|| insta::assert_snapshot!(name, text));
        seen += 1;
        for sub in subcommands(&text) {
            let mut next = path.clone();
            next.push(sub);
            queue.push(next);
        }
    }
    assert!(seen > 20, "only {seen} help texts found");
}

#[test]
fn site_show_json_is_a_reviewed_snapshot() {
    let out = TestContext::new()
        .devkit()
        .args(["site", "show", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    settings().bind(|| insta::assert_json_snapshot!("site_show_json", json));
}
