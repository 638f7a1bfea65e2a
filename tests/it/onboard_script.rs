//! `scripts/onboard.sh`: shellcheck-clean POSIX sh; with a fake `cargo` recording its arguments it installs from
//! a checkout or from the site's GitLab, skips a reinstall of the same version, then runs `devkit onboard`; and
//! without cargo it says how to get Rust.

use crate::support::{TestContext, all_output, require_tool};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/onboard.sh")
}

#[test]
fn onboard_script_is_shellcheck_clean_posix_sh() {
    let Some(shellcheck) = require_tool("shellcheck") else {
        return;
    };
    let out = Command::new(shellcheck)
        .args(["-s", "sh"])
        .arg(script())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
}

/// A fake `cargo` that appends its arguments to `cargo.log` and, for `install`, puts a fake `devkit` (version
/// 0.1.0, recording its arguments to `devkit.log`) in `$CARGO_HOME/bin`.
fn fake_tools(ctx: &TestContext) -> PathBuf {
    let bin = ctx.work.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let cargo = bin.join("cargo");
    let log = ctx.work.join("cargo.log");
    let devkit_log = ctx.work.join("devkit.log");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nmkdir -p \"$CARGO_HOME/bin\"\nprintf '%s\\n' '#!/bin/sh' \
             'if [ \"$1\" = --version ]; then echo \"devkit 0.1.0\"; exit 0; fi' 'echo \"$*\" >> {}' \
             > \"$CARGO_HOME/bin/devkit\"\nchmod +x \"$CARGO_HOME/bin/devkit\"\n",
            log.display(),
            devkit_log.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn run(ctx: &TestContext, script: &Path, bin: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg(script)
        .args(["--non-interactive", "--skip", "project"])
        .env_clear()
        .env("HOME", &ctx.home)
        .env("CARGO_HOME", ctx.home.join(".cargo"))
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .current_dir(&ctx.work);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn onboard_script_installs_once_then_runs_onboard() {
    let ctx = TestContext::new();
    let bin = fake_tools(&ctx);
    // outside a checkout: from the site's GitLab, at the tag asked
    let copy = ctx.work.join("onboard.sh");
    std::fs::copy(script(), &copy).unwrap();
    let env = [
        ("DEVKIT_GITLAB_URL", "https://gitlab.example.org/"),
        ("DEVKIT_REF", "v0.1.0"),
    ];
    let out = run(&ctx, &copy, &bin, &env);
    assert!(out.status.success(), "{}", all_output(&out));
    assert_eq!(
        read(&ctx.work.join("cargo.log")),
        "install --locked --git https://gitlab.example.org/devkit/devkit.git --tag v0.1.0 devkit\n"
    );
    assert_eq!(
        read(&ctx.work.join("devkit.log")),
        "onboard --non-interactive --skip project\n"
    );
    // a second run does not reinstall the same version
    let again = run(&ctx, &copy, &bin, &env);
    assert!(again.status.success(), "{}", all_output(&again));
    assert_eq!(read(&ctx.work.join("cargo.log")).lines().count(), 1);
    assert!(all_output(&again).contains("not reinstalling"));
    assert_eq!(read(&ctx.work.join("devkit.log")).lines().count(), 2);

    // from a checkout: `--path` of the checkout, skipped when the installed version is the checkout's
    let ctx = TestContext::new();
    let bin = fake_tools(&ctx);
    let out = run(&ctx, &script(), &bin, &[]);
    assert!(out.status.success(), "{}", all_output(&out));
    let root = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        read(&ctx.work.join("cargo.log")),
        format!("install --locked --path {}\n", root.display())
    );
    let again = run(&ctx, &script(), &bin, &[]);
    let reinstalls = read(&ctx.work.join("cargo.log")).lines().count();
    assert_eq!(
        reinstalls,
        if version == "0.1.0" { 1 } else { 2 },
        "{}",
        all_output(&again)
    );
}

#[test]
fn onboard_script_without_cargo_says_how_to_get_rust() {
    let ctx = TestContext::new();
    let empty = ctx.work.join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::new("/bin/sh")
        .arg(script())
        .env_clear()
        .env("HOME", &ctx.home)
        // Only an empty folder on PATH: a cargo installed system-wide cannot be found, and the script needs no
        // program before it says how to get Rust.
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    assert!(all_output(&out).contains("rustup"), "{}", all_output(&out));
}
