//! End to end through a real JupyterHub (tests/jupyter/hub-up.sh), the Datalabs' shape: the user's
//! single-user server runs with the user's HOME, so a kernel `devkit kernel add` writes to its default folder
//! (`~/.local/share/jupyter/kernels`) appears there and runs code through the hub's proxy.

use super::{Jupyter, tag};
use crate::support::{TestContext, all_output, require_jupyterhub};
use std::path::Path;
use std::process::Command;

#[test]
fn kernel_in_the_users_home_runs_code_through_jupyterhub() {
    let Some(j) = Jupyter::require() else { return };
    let Some(hub) = require_jupyterhub() else { return };
    let read = |f: &str| std::fs::read_to_string(hub.join(f)).unwrap().trim().to_string();
    let (url, token) = (read("url"), read("token"));
    let ctx = TestContext::new();
    let user = format!("u{}", tag(&ctx));
    let home = Path::new(&read("homes_dir")).join(&user);
    std::fs::create_dir_all(&home).unwrap();
    let env = ctx.work.join("hub env");
    j.venv(&env, true, false);
    super::append(&env.join("bin/activate"), "export DEVKIT_ACTIVATED=hub\n");
    let out = ctx
        .devkit()
        .env("HOME", &home)
        .args(["kernel", "add", env.to_str().unwrap(), "--name", "hub"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(
        home.join(".local/share/jupyter/kernels/devkit-hub/kernel.json")
            .is_file()
    );

    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jupyter/hub_user.py");
    let hub_user = |action: &str| {
        let out = Command::new(j.python())
            .arg(&helper)
            .args([&url, &token, &user, action])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", all_output(&out));
        out.stdout
    };
    let started: serde_json::Value = serde_json::from_slice(&hub_user("start")).unwrap();
    let server = started["url"].as_str().unwrap();
    let r = j.run_cell_at(
        server,
        &token,
        "devkit-hub",
        "import sys, os; print(sys.executable, os.environ.get('DEVKIT_ACTIVATED'))",
    );
    hub_user("stop");
    assert_eq!(
        r["listed"], true,
        "the user's server does not list the kernel: {r}"
    );
    assert_eq!(r["status"], "ok", "{r}");
    assert_eq!(
        r["stdout"].as_str().unwrap().trim(),
        format!("{} hub", env.join("bin/python").display())
    );
}
