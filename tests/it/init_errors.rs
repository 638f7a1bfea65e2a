//! `devkit init` refuses every bad input with a clear message and writes nothing: unreachable or unknown
//! templates, malformed manifests, invalid answers, Tera errors, escaping paths and symbolic links, non-empty or
//! read-only destinations, unknown or missing answers, a template needing a newer devkit.

use crate::init::{TEMPLATE_TOML, stderr, template};
use crate::support::{
    TestContext, all_output, assert_fails_with, make_read_only, require_tool, tree, undo_read_only,
};

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
    assert_fails_with(&out, 1, &["`./tpl/template.toml` is invalid (line 3)"]);
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
    assert_fails_with(
        &out,
        1,
        &["invalid answer for `name`: `Bad Name` does not match `^[a-z]+$`"],
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
    assert_fails_with(&out, 1, &["template file `docs/bad.md` line"]);
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
    assert_fails_with(&out, 1, &["symbolic link leading outside the destination"]);
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
    assert_fails_with(&out, 1, &["is a symbolic link"]);
}

#[test]
fn non_empty_destination_needs_force() {
    let ctx = TestContext::new();
    ctx.write("p/mine.txt", "mine\n");
    let out = ctx.devkit().args(["init", "p", "--defaults"]).output().unwrap();
    assert_fails_with(
        &out,
        1,
        &[
            "destination `",
            "hint: choose an empty or new folder, or pass `--force`",
        ],
    );
    assert_eq!(tree(&ctx.work.join("p")), vec!["mine.txt"]);
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
    assert_fails_with(
        &out,
        1,
        &["unknown answer `projet_name`", "hint: the template asks: "],
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
    assert_fails_with(
        &out,
        1,
        &["missing answers: `a`, `c`", "`--data a=...` `--data c=...`"],
    );
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
    assert_fails_with(&out, 1, &["needs devkit 99.0.0 or newer"]);
}
