//! `devkit update`: folder cases (`tests/cases/update/<case>/`: `v1/` and `v2/` templates, `edits/` the user's
//! changes after `init`, `deleted` paths the user removed, `args`, expected `out/` and `exit`), plus git
//! templates with tags, broken templates, dirty work trees, `--check` and `--dry-run`. One test per case;
//! `DEVKIT_BLESS=1 cargo test --test it update::` rewrites the expected folders and exit codes.

use crate::support::{TestContext, all_output, bless_tree, blessing, git, tree};
use std::path::{Path, PathBuf};

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/update")
}

fn overlay(from: &Path, to: &Path) {
    if !from.is_dir() {
        return;
    }
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            overlay(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Generates a project from `v1`, applies the user's edits and commits them.
fn project_from_v1(ctx: &TestContext, case: &Path) -> PathBuf {
    let dest = ctx.work.join("project");
    let out = ctx
        .devkit()
        .arg("init")
        .arg(&dest)
        .arg("--defaults")
        .arg("--template")
        .arg(case.join("v1"))
        .output()
        .unwrap();
    assert!(out.status.success(), "init: {}", all_output(&out));
    overlay(&case.join("edits"), &dest);
    if let Ok(list) = std::fs::read_to_string(case.join("deleted")) {
        for rel in list.lines().filter(|l| !l.is_empty()) {
            std::fs::remove_file(dest.join(rel)).unwrap();
        }
    }
    git(&dest, &["add", "-A"]);
    git(&dest, &["commit", "-qm", "user edits", "--allow-empty"]);
    dest
}

fn run_case(name: &str) {
    let case = cases_root().join(name);
    let ctx = TestContext::new();
    let dest = project_from_v1(&ctx, &case);
    let args: Vec<String> = std::fs::read_to_string(case.join("args"))
        .unwrap_or_default()
        .lines()
        .map(ToString::to_string)
        .collect();
    let out = ctx
        .devkit()
        .arg("update")
        .arg(&dest)
        .arg("--template")
        .arg(case.join("v2"))
        .args(&args)
        .output()
        .unwrap();
    let expected_exit: i32 =
        std::fs::read_to_string(case.join("exit")).map_or(0, |s| s.trim().parse().unwrap());
    assert_eq!(
        out.status.code(),
        Some(expected_exit),
        "{name}: {}",
        all_output(&out)
    );

    if blessing() {
        bless_tree(&dest, &case.join("out"), &[".devkit-answers.toml"], &|_, t| t);
        let code = out.status.code().unwrap_or(-1);
        if code != 0 || case.join("exit").exists() {
            std::fs::write(case.join("exit"), format!("{code}\n")).unwrap();
        }
    }
    let mut actual = tree(&dest);
    actual.retain(|p| p != ".devkit-answers.toml");
    assert_eq!(
        actual,
        tree(&case.join("out")),
        "{name}: file lists differ\n{}",
        all_output(&out)
    );
    for rel in tree(&case.join("out")) {
        let expected = std::fs::read(case.join("out").join(&rel)).unwrap();
        let got = std::fs::read(dest.join(&rel)).unwrap();
        assert!(
            got == expected,
            "{name}: `{rel}` differs\n--- expected\n{}\n--- actual\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&got)
        );
    }
    let answers = std::fs::read_to_string(dest.join(".devkit-answers.toml")).unwrap();
    assert!(
        answers.contains(&case.join("v2").display().to_string()),
        "{name}: answers file records the new source:\n{answers}"
    );
    if expected_exit == 3 {
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("conflict(s) to resolve"),
            "{name}: {}",
            all_output(&out)
        );
    }
}

golden_cases!(
    cases_root(),
    run_case,
    binary_both_changed => "binary-both-changed",
    clean_update => "clean-update",
    conflict_rej => "conflict-rej",
    conflicting_edit => "conflicting-edit",
    new_question => "new-question",
    renamed_file => "renamed-file",
    template_removed_file => "template-removed-file",
    user_deleted_file => "user-deleted-file",
);

#[test]
fn git_template_updates_to_the_latest_tag_and_check_reports_it() {
    let ctx = TestContext::new();
    let repo = ctx.work.join("tpl");
    let case = cases_root().join("clean-update");
    overlay(&case.join("v1"), &{
        std::fs::create_dir_all(&repo).unwrap();
        repo.clone()
    });
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "v1"]);
    git(&repo, &["tag", "v1.0.0"]);
    overlay(&case.join("v2"), &repo);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "v2"]);
    git(&repo, &["tag", "v2.0.0"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "unreleased work"]);
    let url = format!("file://{}", repo.display());

    let init = ctx
        .devkit()
        .args(["init", "p", "--defaults", "--template", &url, "--ref", "v1.0.0"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", all_output(&init));
    let dest = ctx.work.join("p");
    let check = ctx.devkit().args(["update", "p", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(3), "{}", all_output(&check));

    let out = ctx.devkit().args(["update", "p"]).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert_eq!(
        std::fs::read_to_string(dest.join("README.md")).unwrap(),
        "# demo\n\nVersion 2, better docs.\n"
    );
    let answers = std::fs::read_to_string(dest.join(".devkit-answers.toml")).unwrap();
    assert!(answers.contains("ref = \"v2.0.0\""), "{answers}");
    assert!(
        answers.contains(git(&repo, &["rev-parse", "v2.0.0^{commit}"]).trim()),
        "{answers}"
    );
    git(&dest, &["add", "-A"]);
    git(&dest, &["commit", "-qm", "update"]);
    let check = ctx.devkit().args(["update", "p", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", all_output(&check));
}

#[test]
fn broken_new_template_leaves_the_project_untouched() {
    let ctx = TestContext::new();
    let case = cases_root().join("clean-update");
    let dest = project_from_v1(&ctx, &case);
    let broken = ctx.work.join("broken");
    overlay(&case.join("v2"), &{
        std::fs::create_dir_all(&broken).unwrap();
        broken.clone()
    });
    std::fs::write(broken.join("app.py"), "{% if name %}\nunclosed\n").unwrap();
    let before: Vec<(String, Vec<u8>)> = tree(&dest)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(dest.join(&p)).unwrap()))
        .collect();
    let out = ctx
        .devkit()
        .arg("update")
        .arg(&dest)
        .arg("--template")
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("template file `app.py`"),
        "{}",
        all_output(&out)
    );
    let after: Vec<(String, Vec<u8>)> = tree(&dest)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(dest.join(&p)).unwrap()))
        .collect();
    assert_eq!(before, after);
    assert!(git(&dest, &["status", "--porcelain"]).is_empty());
}

#[test]
fn dirty_work_tree_is_refused_unless_forced() {
    let ctx = TestContext::new();
    let case = cases_root().join("clean-update");
    let dest = project_from_v1(&ctx, &case);
    std::fs::write(dest.join("scratch.txt"), "wip\n").unwrap();
    let out = ctx
        .devkit()
        .arg("update")
        .arg(&dest)
        .arg("--template")
        .arg(case.join("v2"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has uncommitted changes"),
        "{}",
        all_output(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("hint: commit or stash"),
        "{}",
        all_output(&out)
    );
    let out = ctx
        .devkit()
        .arg("update")
        .arg(&dest)
        .arg("--force")
        .arg("--template")
        .arg(case.join("v2"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert_eq!(
        std::fs::read_to_string(dest.join("scratch.txt")).unwrap(),
        "wip\n"
    );
}

#[test]
fn dry_run_prints_plan_and_diff_and_writes_nothing() {
    let ctx = TestContext::new();
    let case = cases_root().join("clean-update");
    let dest = project_from_v1(&ctx, &case);
    let out = ctx
        .devkit()
        .arg("update")
        .arg(&dest)
        .arg("--dry-run")
        .arg("--template")
        .arg(case.join("v2"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("update README.md"), "{text}");
    assert!(text.contains("merge app.py"), "{text}");
    assert!(text.contains("create ruff.toml"), "{text}");
    assert!(text.contains("+Version 2, better docs."), "{text}");
    assert!(
        git(&dest, &["status", "--porcelain"]).is_empty(),
        "nothing written"
    );
}

#[test]
fn a_folder_that_is_not_a_project_is_a_clear_error() {
    let ctx = TestContext::new();
    let out = ctx.devkit().arg("update").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has no `.devkit-answers.toml`"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn embedded_template_update_is_a_no_op_on_the_same_version() {
    let ctx = TestContext::new();
    let init = ctx.devkit().args(["init", "p", "--defaults"]).output().unwrap();
    assert!(init.status.success(), "{}", all_output(&init));
    let check = ctx.devkit().args(["update", "p", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", all_output(&check));
    let out = ctx.devkit().args(["update", "p"]).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(git(&ctx.work.join("p"), &["status", "--porcelain"]).is_empty());
}
