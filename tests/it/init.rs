//! `devkit init`: git repositories, git templates, dry runs, and every bad input the issue lists.

use crate::support::{TestContext, all_output, git, require_tool, tree};
use std::path::Path;
use std::process::Command;

const TEMPLATE_TOML: &str = "[[questions]]\nname = \"name\"\ndefault = \"demo\"\nvalidator = \"^[a-z]+$\"\n";

fn template(ctx: &TestContext, dir: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    for (rel, body) in files {
        ctx.write(&format!("{dir}/{rel}"), body);
    }
    ctx.work.join(dir)
}

fn stderr(out: &std::process::Output) -> String {
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
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("ref `nope` not found"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("v1.0.0"),
        "the hint lists tags: {}",
        stderr(&out)
    );
    assert!(!ctx.work.join("p3").exists());
}

#[test]
fn unreachable_git_url_is_a_clear_error() {
    let ctx = TestContext::new();
    for url in [
        "https://127.0.0.1:9/group/template.git",
        "file:///nonexistent/template",
    ] {
        let out = ctx
            .devkit()
            .args(["init", "p", "--defaults", "--template", url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("cannot fetch template"), "{}", stderr(&out));
        assert!(stderr(&out).contains("hint: check the URL"), "{}", stderr(&out));
        assert!(!ctx.work.join("p").exists());
    }
}

#[test]
fn credentials_in_a_git_url_never_appear_in_output() {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args([
            "init",
            "p",
            "--defaults",
            "--template",
            "https://oauth2:glpat-SeCrEt123@127.0.0.1:9/g/t.git",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!all_output(&out).contains("SeCrEt123"), "{}", all_output(&out));
    assert!(
        stderr(&out).contains("https://****@127.0.0.1:9/g/t.git"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_template_lists_available_ones() {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args(["init", "p", "--template", "pyhton-lib"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: unknown template `pyhton-lib`"), "{err}");
    assert!(
        err.contains("hint: available templates: ") && err.contains("python-lib"),
        "{err}"
    );
}

#[test]
fn malformed_template_toml_names_file_and_line() {
    let ctx = TestContext::new();
    template(
        &ctx,
        "tpl",
        &[
            ("template.toml", "[[questions]]\nname = \"a\"\ntype = \"strng\"\n"),
            ("a.txt", "x"),
        ],
    );
    let out = ctx
        .devkit()
        .args(["init", "p", "--defaults", "--template", "./tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`./tpl/template.toml` is invalid (line 3)"),
        "{}",
        stderr(&out)
    );
    assert!(!ctx.work.join("p").exists());
}

#[test]
fn answer_failing_its_validator_is_refused() {
    let ctx = TestContext::new();
    template(
        &ctx,
        "tpl",
        &[("template.toml", TEMPLATE_TOML), ("a.txt", "{{ name }}")],
    );
    let out = ctx
        .devkit()
        .args(["init", "p", "--template", "./tpl", "-d", "name=Bad Name"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("invalid answer for `name`: `Bad Name` does not match `^[a-z]+$`"),
        "{}",
        stderr(&out)
    );
    assert!(!ctx.work.join("p").exists());
}

#[test]
fn tera_syntax_error_reports_file_and_line_and_writes_nothing() {
    let ctx = TestContext::new();
    template(
        &ctx,
        "tpl",
        &[
            ("template.toml", TEMPLATE_TOML),
            ("ok.txt", "{{ name }}\n"),
            ("docs/bad.md", "# t\n\n{% if name %}\n"),
        ],
    );
    std::fs::create_dir(ctx.work.join("p")).unwrap();
    let out = ctx
        .devkit()
        .args(["init", "p", "--defaults", "--template", "./tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("template file `docs/bad.md` line"),
        "{}",
        stderr(&out)
    );
    assert!(tree(&ctx.work.join("p")).is_empty(), "destination untouched");
    assert_eq!(
        std::fs::read_dir(&ctx.work).unwrap().count(),
        2,
        "no staging folder left"
    );
}

#[test]
fn rendered_path_escaping_the_destination_is_refused() {
    let ctx = TestContext::new();
    template(
        &ctx,
        "tpl",
        &[
            ("template.toml", "[[questions]]\nname = \"dir\"\n"),
            ("{{ dir }}/evil.txt", "x"),
        ],
    );
    for value in ["..", "../../etc", "/tmp"] {
        let out = ctx
            .devkit()
            .args(["init", "p", "--template", "./tpl", "-d"])
            .arg(format!("dir={value}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{value}");
        assert!(
            stderr(&out).contains("escapes the destination"),
            "{}",
            stderr(&out)
        );
    }
    assert!(!ctx.work.join("p").exists());
    assert!(!ctx.work.join("evil.txt").exists());
}

#[test]
fn symlink_in_destination_leading_out_is_refused() {
    let ctx = TestContext::new();
    template(
        &ctx,
        "tpl",
        &[("template.toml", TEMPLATE_TOML), ("src/x.txt", "x")],
    );
    let outside = ctx.work.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(ctx.work.join("p")).unwrap();
    std::os::unix::fs::symlink(&outside, ctx.work.join("p/src")).unwrap();
    let out = ctx
        .devkit()
        .args(["init", "p", "--defaults", "--force", "--template", "./tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("symbolic link leading outside the destination"),
        "{}",
        stderr(&out)
    );
    assert!(tree(&outside).is_empty());
}

#[test]
fn symlink_in_template_is_refused() {
    let ctx = TestContext::new();
    let tpl = template(&ctx, "tpl", &[("template.toml", TEMPLATE_TOML)]);
    std::os::unix::fs::symlink("/etc/passwd", tpl.join("passwd")).unwrap();
    let out = ctx
        .devkit()
        .args(["init", "p", "--defaults", "--template", "./tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is a symbolic link"), "{}", stderr(&out));
}

#[test]
fn non_empty_destination_needs_force() {
    let ctx = TestContext::new();
    ctx.write("p/mine.txt", "mine\n");
    let out = ctx.devkit().args(["init", "p", "--defaults"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("destination `"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("hint: choose an empty or new folder, or pass `--force`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tree(&ctx.work.join("p")), vec!["mine.txt"]);
}

pub(crate) fn make_read_only(dir: &Path) -> bool {
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

pub(crate) fn undo_read_only(dir: &Path) {
    let _ = Command::new("chattr").arg("-i").arg(dir).status();
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
}

#[test]
fn read_only_destination_is_a_clear_error_and_leaves_nothing() {
    let ctx = TestContext::new();
    let parent = ctx.work.join("ro");
    std::fs::create_dir_all(parent.join("existing")).unwrap();
    if !make_read_only(&parent) || !make_read_only(&parent.join("existing")) {
        require_tool("chattr").expect("chattr (e2fsprogs) is needed to make a folder read-only for root");
        panic!("could not make a folder read-only");
    }
    let new = ctx
        .devkit()
        .args(["init", "ro/new", "--defaults"])
        .output()
        .unwrap();
    let existing = ctx
        .devkit()
        .args(["init", "ro/existing", "--defaults"])
        .output()
        .unwrap();
    undo_read_only(&parent.join("existing"));
    undo_read_only(&parent);
    for out in [&new, &existing] {
        assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
        assert!(stderr(out).contains("cannot write `"), "{}", stderr(out));
    }
    assert_eq!(tree(&parent), Vec::<String>::new());
    assert_eq!(
        std::fs::read_dir(&parent).unwrap().count(),
        1,
        "only the existing folder"
    );
}

#[test]
fn unknown_data_key_is_an_error_listing_the_questions() {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args(["init", "p", "--defaults", "-d", "projet_name=x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown answer `projet_name`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("hint: the template asks: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_answers_without_a_terminal_lists_every_key() {
    let ctx = TestContext::new();
    template(
        &ctx,
        "tpl",
        &[
            (
                "template.toml",
                "[[questions]]\nname = \"a\"\n[[questions]]\nname = \"b\"\ndefault = \"x\"\n[[questions]]\nname = \"c\"\n",
            ),
            ("f", "{{ a }}{{ b }}{{ c }}"),
        ],
    );
    let out = ctx
        .devkit()
        .args(["init", "p", "--template", "./tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("missing answers: `a`, `c`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("`--data a=...` `--data c=...`"),
        "{}",
        stderr(&out)
    );
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

#[test]
fn newer_min_devkit_version_is_refused() {
    let ctx = TestContext::new();
    template(
        &ctx,
        "tpl",
        &[("template.toml", "min_devkit_version = \"99.0.0\"\n"), ("a", "a")],
    );
    let out = ctx
        .devkit()
        .args(["init", "p", "--template", "./tpl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("needs devkit 99.0.0 or newer"),
        "{}",
        stderr(&out)
    );
}
