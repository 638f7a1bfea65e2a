//! Whether an interpreter can import ipykernel, and the command that installs it with the environment's own
//! installer (pip, else uv), so the user's pip/uv configuration (the site's package proxy) applies.

use super::env::{Lookup, PythonEnv};
use super::wrapper::quote;
use std::path::Path;
use std::process::{Command, Stdio};

/// Whether `python` imports ipykernel, without the user site and with a clean `PYTHONPATH`, as the kernel will.
pub fn importable(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import ipykernel"])
        .env("PYTHONNOUSERSITE", "1")
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The command that installs ipykernel into `env`, and its shell form for messages.
pub fn install_command(env: &PythonEnv, lookup: &Lookup<'_>) -> (Command, String) {
    let python = env.python();
    let has_pip = Command::new(&python)
        .args(["-m", "pip", "--version"])
        .env("PYTHONNOUSERSITE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let py = python.to_string_lossy().into_owned();
    match lookup.which("uv").filter(|_| !has_pip) {
        Some(uv) => {
            let mut cmd = Command::new(&uv);
            cmd.args(["pip", "install", "--python", &py, "ipykernel"]);
            (cmd, format!("uv pip install --python {} ipykernel", quote(&py)))
        }
        None => {
            let mut cmd = Command::new(&python);
            cmd.args(["-m", "pip", "install", "ipykernel"])
                .env("PYTHONNOUSERSITE", "1");
            (cmd, format!("{} -m pip install ipykernel", quote(&py)))
        }
    }
}
