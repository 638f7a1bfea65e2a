//! `devkit kernel` when things are wrong: an environment without ipykernel, an environment moved after
//! registration, a kernels folder that cannot be written, bad input, kernels devkit did not write.

use super::{Jupyter, tag};
use crate::support::{TestContext, all_output, require_tool, tree};
use std::path::Path;
use std::process::Command;

fn list_json(ctx: &TestContext) -> (Option<i32>, serde_json::Value) {
    let out = ctx
        .devkit()
        .args(["kernel", "list", "--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", all_output(&out))),
    )
}

fn kernel_entry<'a>(list: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    list["kernels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == name)
        .unwrap_or_else(|| panic!("`{name}` not listed: {list}"))
}

#[test]
fn env_without_ipykernel_is_refused_then_installed_through_pip_conf_when_asked() {
    let Some(j) = Jupyter::require() else { return };
    let ctx = TestContext::new();
    let env = ctx.work.join("no ipk");
    j.venv(&env, false, true);
    let name = format!("devkit-noipk-{}", tag(&ctx));
    let add = || {
        let mut cmd = ctx.devkit();
        cmd.env("JUPYTER_DATA_DIR", &j.data)
            .args(["kernel", "add", env.to_str().unwrap(), "--name", &name]);
        cmd
    };
    let out = add().output().unwrap();
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("has no ipykernel") && text.contains("hint:"),
        "{text}"
    );
    assert!(
        text.contains("--install-ipykernel") && text.contains("-m pip install ipykernel"),
        "{text}"
    );
    assert!(
        !j.data.join("kernels").join(&name).exists(),
        "nothing is written for a dead kernel"
    );
    // The user's pip configuration (what `devkit configure pip` writes) is what the install uses.
    let pip_conf = ctx.home.join(".config/pip/pip.conf");
    std::fs::create_dir_all(pip_conf.parent().unwrap()).unwrap();
    std::fs::write(
        &pip_conf,
        format!("[global]\nno-index = true\nfind-links = {}\n", j.wheels.display()),
    )
    .unwrap();
    let out = add().arg("--install-ipykernel").output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let r = j.run_cell(&name, "import sys; print(sys.executable)");
    assert_eq!(r["status"], "ok", "{r}");
    assert_eq!(
        r["stdout"].as_str().unwrap().trim(),
        env.join("bin/python").to_str().unwrap()
    );
    let out = ctx
        .devkit()
        .env("JUPYTER_DATA_DIR", &j.data)
        .args(["kernel", "remove", &name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
}

#[test]
fn env_moved_after_registration_is_broken_for_list_doctor_and_the_wrapper() {
    let Some(j) = Jupyter::require() else { return };
    let ctx = TestContext::new();
    let env = ctx.work.join("moving");
    j.venv(&env, true, false);
    let out = ctx
        .devkit()
        .args(["kernel", "add", "moving", "--name", "mover"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let spec_dir = ctx.home.join(".local/share/jupyter/kernels/devkit-mover");
    assert!(
        spec_dir.join("kernel.json").is_file(),
        "the default kernels folder is Jupyter's user folder"
    );
    let (code, list) = list_json(&ctx);
    assert_eq!(
        kernel_entry(&list, "devkit-mover")["health"]["verdict"],
        "ok",
        "{list}"
    );
    assert_eq!(code, Some(0));

    std::fs::rename(&env, ctx.work.join("moved")).unwrap();
    let (code, list) = list_json(&ctx);
    let entry = kernel_entry(&list, "devkit-mover");
    assert_eq!(entry["health"]["verdict"], "broken", "{list}");
    assert!(
        entry["health"]["problems"].to_string().contains("is gone"),
        "{entry}"
    );
    assert!(
        entry["health"]["fix"]
            .as_str()
            .unwrap()
            .contains("devkit kernel add NEW_PATH --name devkit-mover")
    );
    assert_eq!(code, Some(1), "a broken devkit kernel fails `kernel list`");
    let text = ctx.devkit().args(["kernel", "list"]).output().unwrap();
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("broken") && shown.contains("hint:"), "{shown}");

    let out = ctx
        .devkit()
        .args([
            "doctor",
            "--format",
            "json",
            "--set",
            "gitlab.url=http://127.0.0.1:9",
        ])
        .args(["--set", "artifactory.url=http://127.0.0.1:9/artifactory"])
        .output()
        .unwrap();
    let doctor: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", all_output(&out)));
    let check = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "kernel devkit-mover")
        .unwrap_or_else(|| panic!("{doctor}"));
    assert_eq!(check["status"], "fail");
    assert!(
        check["hint"].as_str().unwrap().contains("devkit kernel"),
        "{check}"
    );
    assert_eq!(out.status.code(), Some(1));

    // Started anyway, the wrapper says why in the server log instead of dying silently.
    let run = Command::new(spec_dir.join("kernel-wrapper.sh"))
        .arg("/nonexistent.json")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("is gone"),
        "{}",
        all_output(&run)
    );
}

/// Clears the immutable flag on drop, whatever the test did.
struct Immutable<'a>(&'a Path);

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.0).status();
    }
}

#[test]
fn non_writable_kernels_folder_is_a_clear_error_and_changes_nothing() {
    let Some(j) = Jupyter::require() else { return };
    let Some(_) = require_tool("chattr") else { return };
    let ctx = TestContext::new();
    j.venv(&ctx.work.join("env"), true, false);
    let locked = ctx.work.join("locked kernels");
    std::fs::create_dir_all(locked.join("devkit-env")).unwrap();
    std::fs::write(
        locked.join("devkit-env/kernel.json"),
        r#"{"argv":["/x","{connection_file}"],"display_name":"old","language":"python","metadata":{"devkit":{"kind":"venv","env":"/x","python":"/x/bin/python"}}}"#,
    )
    .unwrap();
    let before: Vec<_> = tree(&locked)
        .into_iter()
        .map(|f| (std::fs::read(locked.join(&f)).unwrap(), f))
        .collect();
    assert!(
        Command::new("chattr")
            .arg("+i")
            .arg(&locked)
            .status()
            .unwrap()
            .success()
    );
    let _guard = Immutable(&locked);
    // The site's folder, when set, wins over JUPYTER_DATA_DIR.
    let out = ctx
        .devkit()
        .env("JUPYTER_DATA_DIR", ctx.work.join("elsewhere"))
        .args(["kernel", "add", "env", "--set"])
        .arg(format!("datalabs.kernels_dir={}", locked.display()))
        .output()
        .unwrap();
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("cannot write to the kernels folder") && text.contains("locked kernels"),
        "{text}"
    );
    assert!(text.contains("hint:"), "{text}");
    let after: Vec<_> = tree(&locked)
        .into_iter()
        .map(|f| (std::fs::read(locked.join(&f)).unwrap(), f))
        .collect();
    assert_eq!(before, after);
    assert!(!ctx.work.join("elsewhere").exists());
}

#[test]
fn bad_input_is_refused_with_a_hint_and_writes_nothing() {
    let ctx = TestContext::new();
    assert!(
        Command::new("python3")
            .args(["-m", "venv", "--without-pip"])
            .arg(ctx.work.join("env"))
            .status()
            .unwrap()
            .success()
    );
    std::fs::create_dir_all(ctx.work.join("plain")).unwrap();
    ctx.write("uvp/pyproject.toml", "[project]\nname = \"p\"\n");
    ctx.write("uvp/uv.lock", "version = 1\n");
    ctx.write("pix/pixi.toml", "[workspace]\nname = \"p\"\n");
    let cases: &[(&[&str], &str)] = &[
        (&["plain"], "is not a Python environment"),
        (&["no-such-conda-env"], "no conda environment named"),
        (&["uvp"], "uv sync"),
        (&["pix"], "pixi install"),
        (&["env", "--env", "1X=y"], "NAME=VALUE"),
        (&["env", "--env", "NOEQUALS"], "NAME=VALUE"),
        (&["env", "--module", "gdal; rm -rf /"], "not a module name"),
        (&["env", "--name", "💥/.."], "cannot be a kernel name"),
        (&["env"], "has no ipykernel"),
    ];
    for (args, expected) in cases {
        let out = ctx.devkit().args(["kernel", "add"]).args(*args).output().unwrap();
        let text = all_output(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
        assert!(
            text.contains(expected) && text.contains("hint:"),
            "{args:?}: {text}"
        );
    }
    assert!(!ctx.home.join(".local/share/jupyter").exists(), "nothing written");
    let out = ctx
        .devkit()
        .args(["kernel", "add"])
        .current_dir(&ctx.home)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(all_output(&out).contains("no Python environment found"));
}

#[test]
fn foreign_kernels_are_listed_with_a_verdict_and_not_removed() {
    let ctx = TestContext::new();
    let shared = ctx.work.join("shared");
    let bare = r#"{"argv":["python3","-m","ipykernel_launcher","-f","{connection_file}"],"display_name":"Bare","language":"python"}"#;
    ctx.write("shared/kernels/bare/kernel.json", bare);
    ctx.write(
        "shared/kernels/gone/kernel.json",
        r#"{"argv":["/no/such/python","-f","{connection_file}"],"display_name":"Gone","language":"python"}"#,
    );
    ctx.write("shared/kernels/junk/kernel.json", "{not json");
    let list = |extra: &[&str]| {
        ctx.devkit()
            .env("JUPYTER_PATH", &shared)
            .args(["kernel"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = list(&["list", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "foreign kernels do not fail the listing: {}",
        all_output(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(kernel_entry(&json, "bare")["health"]["verdict"], "warn");
    assert!(
        kernel_entry(&json, "bare")["health"]["problems"]
            .to_string()
            .contains("server's own interpreter")
    );
    assert_eq!(kernel_entry(&json, "gone")["health"]["verdict"], "broken");
    assert_eq!(kernel_entry(&json, "junk")["health"]["verdict"], "broken");
    let out = list(&["remove", "bare"]);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("not written by devkit") && text.contains("jupyter kernelspec remove bare"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(shared.join("kernels/bare/kernel.json")).unwrap(),
        bare
    );
    let out = list(&["remove", "nothing-here"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(all_output(&out).contains("no kernel named `nothing-here`"));
}

/// On a terminal devkit asks before installing ipykernel; a uv-made venv (no pip) gets it through `uv pip`, which
/// reads the user's `uv.toml` (what `devkit configure uv` writes).
#[test]
fn on_a_terminal_ipykernel_is_installed_after_a_yes_with_uv() {
    let Some(j) = Jupyter::require() else { return };
    let ctx = TestContext::new();
    let env = ctx.work.join("uv env");
    let made = Command::new("uv")
        .args(["venv", "-q", "--python", "python3"])
        .arg(&env)
        .status()
        .unwrap();
    assert!(made.success());
    let uv_toml = ctx.home.join(".config/uv/uv.toml");
    std::fs::create_dir_all(uv_toml.parent().unwrap()).unwrap();
    std::fs::write(
        &uv_toml,
        format!(
            "no-index = true\nfind-links = [{:?}]\n",
            j.wheels.display().to_string()
        ),
    )
    .unwrap();
    let drive = |reply: &str| {
        let steps = ctx.write("steps.json", &format!(r#"[["install it now?", "{reply}"]]"#));
        let out = Command::new("timeout")
            .arg("120")
            .arg("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tty/drive.py"))
            .arg(steps)
            .arg("--")
            .arg(assert_cmd::cargo::cargo_bin!("devkit"))
            .args(["kernel", "add", "uv env", "--name", "tty"])
            .env_clear()
            .env("HOME", &ctx.home)
            .env("XDG_CONFIG_HOME", ctx.home.join(".config"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("UV_CACHE_DIR", j.dir.join("uv-cache"))
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .current_dir(&ctx.work)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let spec = ctx
        .home
        .join(".local/share/jupyter/kernels/devkit-tty/kernel.json");
    let (code, screen) = drive("n");
    assert_eq!(code, Some(1), "{screen}");
    assert!(
        screen.contains("has no ipykernel") && screen.contains("hint:"),
        "{screen}"
    );
    assert!(!spec.exists());
    let (code, screen) = drive("y");
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("uv pip install --python"), "{screen}");
    assert!(spec.is_file());
    let (code, list) = list_json(&ctx);
    assert_eq!(
        kernel_entry(&list, "devkit-tty")["health"]["verdict"],
        "ok",
        "{list}"
    );
    assert_eq!(code, Some(0));
}
