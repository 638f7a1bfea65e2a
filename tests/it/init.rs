//! `devkit init`: git repositories, git templates, the user configuration's defaults and dry runs (bad inputs are in
//! `init_errors.rs`).

use crate::support::{TestContext, all_output, assert_fails_with, git, require_tool};
use std::process::Command;

pub(crate) const TEMPLATE_TOML: &str =
    "[[questions]]\nname = \"name\"\ndefault = \"demo\"\nvalidator = \"^[a-z]+$\"\n";

pub(crate) fn template(ctx: &TestContext, dir: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    for (rel, body) in files {
        ctx.write(&format!("{dir}/{rel}"), body);
    }
    ctx.work.join(dir)
}

pub(crate) fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn embedded_default_template_makes_a_git_repository_on_main() {
    require_tool("git").expect("git");
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args(["init", "demo", "--defaults"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Created `demo` from template `python-lib`"),
        "{}",
        stderr(&out)
    );
    let dest = ctx.work.join("demo");
    let head = Command::new("git")
        .args(["symbolic-ref", "HEAD"])
        .current_dir(&dest)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&head.stdout).trim(), "refs/heads/main");
    let fsck = Command::new("git")
        .args(["fsck", "--strict"])
        .current_dir(&dest)
        .output()
        .unwrap();
    assert!(fsck.status.success(), "{}", all_output(&fsck));
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(&dest)
        .output()
        .unwrap();
    assert!(
        status.stdout.is_empty(),
        "every file is committed: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    let count = Command::new("git")
        .args(["rev-list", "--count", "HEAD"])
        .current_dir(&dest)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "1");
    assert!(dest.join(".devkit-answers.toml").is_file());
    // no staging folder is left behind
    assert_eq!(std::fs::read_dir(&ctx.work).unwrap().count(), 1);
}

#[test]
fn commit_author_comes_from_git_config() {
    let ctx = TestContext::new();
    ctx.write(
        "../home/.gitconfig",
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n",
    );
    let out = ctx.devkit().args(["init", "p", "--defaults"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = Command::new("git")
        .args(["log", "-1", "--format=%an <%ae>"])
        .current_dir(ctx.work.join("p"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&log.stdout).trim(),
        "Ada Lovelace <ada@example.org>"
    );
}

#[test]
fn git_template_at_a_tag_records_ref_and_commit() {
    require_tool("git").expect("git");
    let ctx = TestContext::new();
    let repo = template(
        &ctx,
        "tpl",
        &[("template.toml", TEMPLATE_TOML), ("hello.txt", "v1 {{ name }}\n")],
    );
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "v1"]);
    git(&repo, &["tag", "v1.0.0"]);
    std::fs::write(repo.join("hello.txt"), "v2 {{ name }}\n").unwrap();
    git(&repo, &["commit", "-qam", "v2"]);
    let url = format!("file://{}", repo.display());

    let out = ctx
        .devkit()
        .args([
            "init",
            "p1",
            "--defaults",
            "--no-git",
            "--template",
            &url,
            "--ref",
            "v1.0.0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(ctx.work.join("p1/hello.txt")).unwrap(),
        "v1 demo\n"
    );
    let answers = std::fs::read_to_string(ctx.work.join("p1/.devkit-answers.toml")).unwrap();
    assert!(answers.contains("kind = \"git\""), "{answers}");
    assert!(answers.contains("ref = \"v1.0.0\""), "{answers}");
    let tag_commit = Command::new("git")
        .args(["rev-parse", "v1.0.0^{commit}"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(
        answers.contains(String::from_utf8_lossy(&tag_commit.stdout).trim()),
        "{answers}"
    );

    let out = ctx
        .devkit()
        .args(["init", "p2", "--defaults", "--no-git", "--template", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(ctx.work.join("p2/hello.txt")).unwrap(),
        "v2 demo\n"
    );

    let out = ctx
        .devkit()
        .args(["init", "p3", "--defaults", "--template", &url, "--ref", "nope"])
        .output()
        .unwrap();
    assert_fails_with(&out, 1, &["ref `nope` not found"]);
    assert!(
        stderr(&out).contains("v1.0.0"),
        "the hint lists tags: {}",
        stderr(&out)
    );
    assert!(!ctx.work.join("p3").exists());
}

#[test]
fn user_config_init_table_gives_defaults() {
    let ctx = TestContext::new();
    ctx.write(
        "../home/.config/devkit/config.toml",
        "[init]\nname = \"fromconfig\"\nunrelated = 1\n",
    );
    template(
        &ctx,
        "tpl",
        &[("template.toml", TEMPLATE_TOML), ("a.txt", "{{ name }}")],
    );
    let out = ctx
        .devkit()
        .args(["init", "p", "--no-git", "--template", "./tpl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(ctx.work.join("p/a.txt")).unwrap(),
        "fromconfig"
    );
}

#[test]
fn dry_run_lists_and_writes_nothing() {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args(["init", "p", "--defaults", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(listing.contains("create pyproject.toml"), "{listing}");
    assert!(listing.contains("create .devkit-answers.toml"), "{listing}");
    assert_eq!(std::fs::read_dir(&ctx.work).unwrap().count(), 0);
}
