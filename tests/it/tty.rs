//! Interactive use on a real pseudo-terminal (tests/tty/drive.py answers the prompts): template questions with
//! validation and re-asking, and secrets typed at a prompt that never echoes them.

use crate::fake_gitlab::{ADA_TOKEN, GitlabTest};
use crate::support::{TestContext, require_tool};
use std::path::Path;
use std::process::Command;

/// The interpreter behind `python3` (a version manager's shim needs a full `PATH`; the interpreter does not).
fn real_python(shim: &Path) -> std::path::PathBuf {
    let out = Command::new(shim)
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::all_output(&out));
    String::from_utf8(out.stdout).unwrap().trim().into()
}

/// Runs `devkit ARGS` on a pseudo-terminal with `steps` (`[expected, reply]` pairs); exit code and screen.
fn drive(ctx: &TestContext, env: &[(&str, &str)], steps: &str, args: &[&str]) -> Option<(i32, String)> {
    drive_in(ctx, &ctx.work, env, steps, args)
}

/// [`drive`] in the folder `cwd`.
pub(crate) fn drive_in(
    ctx: &TestContext,
    cwd: &Path,
    env: &[(&str, &str)],
    steps: &str,
    args: &[&str],
) -> Option<(i32, String)> {
    let python = real_python(&require_tool("python3")?);
    let steps_file = ctx.write("steps.json", steps);
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tty/drive.py");
    let devkit = assert_cmd::cargo::cargo_bin!("devkit");
    let out = ctx
        .command("timeout")
        .arg("60")
        .arg(python)
        .arg(driver)
        .arg(steps_file)
        .arg("--")
        .arg(devkit)
        .args(args)
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .current_dir(cwd)
        .output()
        .unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn init_asks_on_a_terminal_and_re_asks_an_invalid_answer() {
    let ctx = TestContext::new();
    ctx.write(
        "tpl/template.toml",
        "[[questions]]\nname = \"name\"\nhelp = \"Project name\"\nvalidator = \"^[a-z]+$\"\n\n\
         [[questions]]\nname = \"docker\"\ntype = \"bool\"\nhelp = \"Use docker\"\ndefault = false\n\n\
         [[questions]]\nname = \"lang\"\ntype = \"choice\"\nhelp = \"Language\"\nchoices = [\"c\", \"rust\"]\ndefault = \"c\"\n",
    );
    ctx.write("tpl/out.txt", "{{ name }} {{ docker }} {{ lang }}\n");
    // an invalid name, then a valid one; `y` for docker; arrow down then Enter picks `rust`
    let steps = r#"[["Project name", "Bad Name\r"], ["does not match", "good\r"], ["Use docker", "y"], ["Language", "\u001b[B\r"]]"#;
    let Some((code, screen)) = drive(
        &ctx,
        &[],
        steps,
        &["init", "p", "--template", "./tpl", "--no-git"],
    ) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("`Bad Name` does not match `^[a-z]+$`"),
        "{screen}"
    );
    assert_eq!(
        std::fs::read_to_string(ctx.work.join("p/out.txt")).unwrap(),
        "good true rust\n"
    );
}

#[test]
fn a_token_typed_at_the_prompt_is_never_echoed() {
    let t = GitlabTest::new();
    let url = t.gitlab.url().to_string();
    let env = [
        ("DEVKIT_GITLAB_URL", url.as_str()),
        ("DEVKIT_SECRET_STORE", "file"),
    ];
    let steps = format!(r#"[["GitLab personal access token", "{ADA_TOKEN}\r"]]"#);
    let Some((code, screen)) = drive(&t.ctx, &env, &steps, &["login", "gitlab"]) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(ADA_TOKEN), "the token was echoed: {screen}");
    let status = t.devkit().args(["secrets", "status"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("devkit:"),
        "{}",
        crate::support::all_output(&status)
    );
}
