//! Templates written to attack devkit. `tests/hostile-templates/<case>/` holds a `template/` and an
//! `expect.toml` (why, exit code, stderr fragments, a secret that must appear nowhere, whether git runs):
//! every case must fail cleanly, write nothing and never crash. The attacks that need a file system
//! feature git cannot store (symbolic links, FIFOs) or two processes are written out below.

use crate::support::{TestContext, all_output, git};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile-templates")
}

/// No raw control character (except the line breaks between messages) on a terminal.
fn assert_no_raw_controls(text: &str, case: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| (c.is_control() && *c != '\n') || ('\u{200b}'..='\u{200f}').contains(c))
        .collect();
    assert!(
        bad.is_empty(),
        "{case}: raw control characters {bad:?} in:\n{text}"
    );
}

/// One hostile case: it fails cleanly, with its message and a hint, writes nothing and leaks nothing.
fn run_case(name: &str) {
    let case = corpus().join(name);
    let expect: toml::Table = std::fs::read_to_string(case.join("expect.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let ctx = TestContext::new();
    let dest = ctx.work.join("project");
    let mut cmd = ctx.devkit();
    cmd.arg("init")
        .arg(&dest)
        .arg("--template")
        .arg(case.join("template"))
        .arg("--defaults")
        .timeout(Duration::from_secs(30));
    if !expect.get("git").and_then(toml::Value::as_bool).unwrap_or(false) {
        cmd.arg("--no-git");
    }
    let secret = expect.get("secret").and_then(toml::Value::as_str);
    if let Some(s) = secret {
        cmd.env("DEVKIT_GITLAB_TOKEN", s);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = expect["exit"].as_integer().unwrap() as i32;
    assert_eq!(out.status.code(), Some(code), "{name}: {}", all_output(&out));
    for fragment in expect["stderr"].as_array().unwrap() {
        let fragment = fragment.as_str().unwrap();
        assert!(
            stderr.contains(fragment),
            "{name}: `{fragment}` not in:\n{stderr}"
        );
    }
    assert!(
        stderr.lines().any(|l| l.starts_with("hint: ")),
        "{name}: no hint in:\n{stderr}"
    );
    assert_no_raw_controls(&stderr, name);
    assert!(!dest.exists(), "{name}: something was written");
    let leftovers: Vec<_> = std::fs::read_dir(&ctx.work).unwrap().collect();
    assert!(leftovers.is_empty(), "{name}: left {leftovers:?}");
    if let Some(s) = secret {
        assert!(!all_output(&out).contains(s), "{name}: the secret leaked");
    }
}

golden_cases!(
    corpus(),
    run_case,
    case_collision => "case-collision",
    deep_includes => "deep-includes",
    extends_cycle => "extends-cycle",
    get_env_default_filter => "get-env-default-filter",
    get_env_in_body => "get-env-in-body",
    get_env_in_default => "get-env-in-default",
    git_file_gitdir => "git-file-gitdir",
    git_folder_from_answer => "git-folder-from-answer",
    git_folder_trailing_dot => "git-folder-trailing-dot",
    git_folder_upper_case => "git-folder-upper-case",
    git_folder_zero_width => "git-folder-zero-width",
    hg_and_svn => "hg-and-svn",
    huge_output => "huge-output",
    huge_range => "huge-range",
    mutual_include => "mutual-include",
    mutual_macros => "mutual-macros",
    now_function => "now-function",
    nul_in_message => "nul-in-message",
    parent_from_answer => "parent-from-answer",
    range_step_zero => "range-step-zero",
    recursive_default_include => "recursive-default-include",
    recursive_default_macro => "recursive-default-macro",
    recursive_macro => "recursive-macro",
    reserved_name_devkit_version => "reserved-name-devkit-version",
    reserved_name_site => "reserved-name-site",
    self_import => "self-import",
    self_include => "self-include",
);

fn init(ctx: &TestContext, template: &Path, dest: &Path) -> std::process::Output {
    ctx.devkit()
        .arg("init")
        .arg(dest)
        .arg("--template")
        .arg(template)
        .args(["--defaults", "--no-git"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

#[test]
fn a_manifest_linking_outside_the_template_is_refused_unread() {
    let ctx = TestContext::new();
    let outside = ctx.write("outside/secret.toml", "description = \"read from outside\"\n");
    let template = ctx.work.join("t");
    std::fs::create_dir_all(&template).unwrap();
    std::os::unix::fs::symlink(&outside, template.join("template.toml")).unwrap();
    std::fs::write(template.join("a.txt"), "x\n").unwrap();
    let out = init(&ctx, &template, &ctx.work.join("p"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("`template.toml` is a symbolic link"), "{text}");
    assert!(!text.contains("read from outside"), "{text}");
    assert!(!ctx.work.join("p").exists());
}

#[test]
fn a_fifo_in_a_template_is_refused_without_blocking() {
    let ctx = TestContext::new();
    let template = ctx.work.join("t");
    std::fs::create_dir_all(&template).unwrap();
    std::fs::write(template.join("template.toml"), "").unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(template.join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = init(&ctx, &template, &ctx.work.join("p"));
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("`pipe` is not a regular file"), "{text}");
}

#[test]
fn a_symlink_in_a_git_template_is_named() {
    let ctx = TestContext::new();
    let repo = ctx.work.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("template.toml"), "").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", repo.join("passwd")).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "link"]);
    let out = ctx
        .devkit()
        .args(["init", "p", "--defaults", "--no-git", "--template"])
        .arg(format!("file://{}", repo.display()))
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("template file `passwd` is a symbolic link"),
        "{text}"
    );
    assert!(!text.contains("-7"), "{text}");
}

#[test]
fn a_second_init_into_the_same_empty_folder_waits_then_fails_clearly() {
    let ctx = TestContext::new();
    let dest = ctx.work.join("p");
    std::fs::create_dir_all(&dest).unwrap();
    // Hold the destination like a first run would, through the library's own lock.
    let held = devkit::scaffold::lock::DestLock::acquire(&dest, &mut || panic!("nobody holds it")).unwrap();
    let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_devkit"));
    second
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["init", "--template", "python-lib", "--defaults", "--no-git"])
        .arg(&dest)
        .env("HOME", &ctx.home)
        .env("XDG_CONFIG_HOME", ctx.home.join(".config"))
        .env("NO_COLOR", "1")
        .current_dir(&ctx.work)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = second.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(
        std::fs::read_dir(&dest).unwrap().count(),
        0,
        "it wrote while the lock was held"
    );
    // The first run writes its project, then releases the lock.
    std::fs::write(dest.join("first.txt"), "first project\n").unwrap();
    drop(held);
    let out = child.wait_with_output().unwrap();
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("waiting for another devkit run"), "{text}");
    assert!(text.contains("is not empty"), "{text}");
    let names: Vec<_> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["first.txt"]);
}

#[test]
fn two_concurrent_inits_make_one_project() {
    let ctx = TestContext::new();
    let dest = ctx.work.join("p");
    std::fs::create_dir_all(&dest).unwrap();
    let spawn = |name: &str| {
        ctx.devkit()
            .args(["init", "--template", "python-lib", "--defaults", "--no-git"])
            .args(["--data", &format!("project_name={name}")])
            .arg(&dest)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("zorglubalpha"));
        let b = s.spawn(|| spawn("zorglubbeta"));
        (a.join().unwrap(), b.join().unwrap())
    });
    let ok = [a.status.success(), b.status.success()];
    assert_eq!(
        ok.iter().filter(|x| **x).count(),
        1,
        "{}\n{}",
        all_output(&a),
        all_output(&b)
    );
    let loser = if ok[0] { &b } else { &a };
    assert!(
        all_output(loser).contains("is not empty"),
        "{}",
        all_output(loser)
    );
    let answers = std::fs::read_to_string(dest.join(".devkit-answers.toml")).unwrap();
    let winner = if ok[0] { "zorglubalpha" } else { "zorglubbeta" };
    let loser_name = if ok[0] { "zorglubbeta" } else { "zorglubalpha" };
    assert!(answers.contains(winner), "{answers}");
    let mixed = crate::support::files_containing(&dest, loser_name, &[]);
    assert!(mixed.is_empty(), "files of the other project: {mixed:?}");
}

#[test]
fn literal_vcs_names_in_a_folder_template_are_refused() {
    // Git refuses to store these paths, so they are made here; a folder template can hold them.
    for path in [".GIT/config", "sub/.git", ".git./config", ".svn/entries"] {
        let ctx = TestContext::new();
        let template = ctx.work.join("t");
        std::fs::create_dir_all(template.join(path).parent().unwrap()).unwrap();
        std::fs::write(template.join("template.toml"), "").unwrap();
        std::fs::write(template.join(path), "[core]\n\tfsmonitor = touch pwned\n").unwrap();
        let out = init(&ctx, &template, &ctx.work.join("p"));
        let text = all_output(&out);
        assert_eq!(out.status.code(), Some(1), "{path}: {text}");
        assert!(text.contains("version-control"), "{path}: {text}");
        assert!(!ctx.work.join("p").exists(), "{path}");
    }
}
