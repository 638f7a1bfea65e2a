//! `devkit kernel`: environments made here for real (venv, uv project, a conda-like prefix) become kernels
//! that a real Jupyter server (tests/jupyter/up.sh) lists, starts and runs code on, over its REST API and
//! websocket as JupyterLab does. Broken cases are in `kernel/broken.rs`.

mod broken;
mod hub;

use crate::support::{TestContext, all_output, require_jupyter, require_tool};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The running test server and what tests/jupyter/up.sh wrote beside it.
pub struct Jupyter {
    dir: PathBuf,
    url: String,
    token: String,
    /// The server's data dir: devkit writes there through `JUPYTER_DATA_DIR`.
    pub data: PathBuf,
    python: PathBuf,
    /// A wheelhouse holding ipykernel and its dependencies.
    pub wheels: PathBuf,
}

impl Jupyter {
    /// The server and uv, or `None` when the test is skipped.
    pub fn require() -> Option<Self> {
        let dir = require_jupyter()?;
        require_tool("uv")?;
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap().trim().to_string();
        Some(Self {
            url: read("url"),
            token: read("token"),
            data: read("data_dir").into(),
            python: read("python").into(),
            wheels: read("wheels").into(),
            dir,
        })
    }

    /// Executes `code` on kernel `name` through the server; the client's JSON verdict.
    pub fn run_cell(&self, name: &str, code: &str) -> serde_json::Value {
        self.run_cell_at(&self.url, &self.token, name, code)
    }

    /// An interpreter with jupyter_client and websocket-client.
    pub fn python(&self) -> &Path {
        &self.python
    }

    /// Executes `code` on kernel `name` of the Jupyter server at `url` (a hub user's server too).
    pub fn run_cell_at(&self, url: &str, token: &str, name: &str, code: &str) -> serde_json::Value {
        let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jupyter/run_cell.py");
        let out = Command::new(&self.python)
            .arg(client)
            .args([url, token, name, code, "60"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", all_output(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `uv pip install` into `python`, offline, from the wheelhouse (and the given wheel files).
    pub fn install(&self, python: &Path, what: &[&str]) {
        let status = Command::new("uv")
            .args(["pip", "install", "-q", "--no-index", "--find-links"])
            .arg(&self.wheels)
            .arg("--python")
            .arg(python)
            .args(what)
            .env("UV_CACHE_DIR", self.dir.join("uv-cache"))
            .status()
            .unwrap();
        assert!(status.success(), "uv pip install {what:?}");
    }

    /// A venv at `path` (`python -m venv`, pip left out unless asked), with ipykernel when asked.
    pub fn venv(&self, path: &Path, ipykernel: bool, pip: bool) {
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "venv"]);
        if !pip {
            cmd.arg("--without-pip");
        }
        assert!(cmd.arg(path).status().unwrap().success());
        if ipykernel {
            self.install(&path.join("bin/python"), &["ipykernel"]);
        }
    }

    /// Whether the server's own interpreter imports `module` (it must not: the env's packages are the env's).
    fn server_imports(&self, module: &str) -> bool {
        Command::new(&self.python)
            .args(["-c", &format!("import {module}")])
            .output()
            .unwrap()
            .status
            .success()
    }
}

/// A lowercase tag unique to this test context (kernel names share the server's data dir).
pub fn tag(ctx: &TestContext) -> String {
    let root = ctx.home.parent().unwrap().file_name().unwrap().to_string_lossy();
    root.trim_start_matches(".tmp").to_lowercase()
}

/// A wheel with one module `name` (VERSION = "0.1") only the test's environment gets.
fn probe_wheel(ctx: &TestContext, name: &str) -> PathBuf {
    let maker = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pypi/make_wheel.py");
    let out = Command::new("python3")
        .arg(maker)
        .args([name, "0.1"])
        .arg(&ctx.home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Installs into `env` a probe package only it has; the probe's module name.
fn add_probe(j: &Jupyter, ctx: &TestContext, env: &Path, what: &str) -> String {
    let module = format!("kprobe_{what}_{}", tag(ctx).replace(['-', '.'], "_"));
    let wheel = probe_wheel(ctx, &module);
    j.install(&env.join("bin/python"), &[wheel.to_str().unwrap()]);
    module
}

fn append(path: &Path, text: &str) {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// What a cell reports about the kernel's process.
fn probe_code(module: &str) -> String {
    format!(
        "import sys, os, json, importlib\nm = importlib.import_module({module:?})\nprint(json.dumps({{\"exe\": \
         sys.executable, \"probe\": m.VERSION, \"activated\": os.environ.get(\"DEVKIT_ACTIVATED\"), \"extra\": \
         os.environ.get(\"EXTRA\"), \"nousersite\": os.environ.get(\"PYTHONNOUSERSITE\"), \"path0\": \
         os.environ[\"PATH\"].split(\":\")[0], \"gdal\": os.environ.get(\"GDAL_DATA\"), \"conda_prefix\": \
         os.environ.get(\"CONDA_PREFIX\")}}))"
    )
}

/// Runs the probe cell and returns what it printed.
fn executed(j: &Jupyter, name: &str, module: &str) -> serde_json::Value {
    let r = j.run_cell(name, &probe_code(module));
    assert_eq!(
        r["listed"], true,
        "GET /api/kernelspecs does not list `{name}`: {r}"
    );
    assert_eq!(r["status"], "ok", "the cell did not run: {r}");
    serde_json::from_str(r["stdout"].as_str().unwrap().trim()).unwrap()
}

/// `devkit kernel add ARGS --format json` against the server's data dir; its JSON.
fn add(ctx: &TestContext, j: &Jupyter, dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = ctx
        .devkit()
        .env("JUPYTER_DATA_DIR", &j.data)
        .current_dir(dir)
        .args(["kernel", "add", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn remove(ctx: &TestContext, j: &Jupyter, name: &str) {
    let out = ctx
        .devkit()
        .env("JUPYTER_DATA_DIR", &j.data)
        .args(["kernel", "remove", name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(!j.data.join("kernels").join(name).exists());
    assert_eq!(
        j.run_cell(name, "1")["listed"],
        false,
        "the server still lists `{name}`"
    );
}

#[test]
fn venv_with_odd_path_and_unicode_names_runs_code_in_its_own_activated_interpreter() {
    let Some(j) = Jupyter::require() else { return };
    let ctx = TestContext::new();
    let env = ctx.work.join("my énv 'q'");
    j.venv(&env, true, false);
    let module = add_probe(&j, &ctx, &env, "venv");
    append(
        &env.join("bin/activate"),
        "export DEVKIT_ACTIVATED='venv activated'\n",
    );
    let added = add(
        &ctx,
        &j,
        &ctx.work,
        &[
            env.to_str().unwrap(),
            "--name",
            &format!("Vénv Test {}", tag(&ctx)),
            "--display-name",
            "Données 🌍 (venv)",
            "--env",
            "EXTRA=a b 'c' $HOME",
        ],
    );
    let name = added["name"].as_str().unwrap();
    assert!(name.starts_with("devkit-venv-test-"), "{name}");
    assert_eq!(added["kind"], "venv");
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(j.data.join("kernels").join(name).join("kernel.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        spec["argv"][0], "{resource_dir}/kernel-wrapper.sh",
        "never a bare python"
    );
    let cell = j.run_cell(name, "print('hi')");
    assert_eq!(cell["display_name"], "Données 🌍 (venv)");
    let got = executed(&j, name, &module);
    assert_eq!(got["exe"], env.join("bin/python").to_str().unwrap());
    assert_eq!(got["probe"], "0.1");
    assert!(
        !j.server_imports(&module),
        "the probe package must exist only in the environment"
    );
    assert_eq!(got["activated"], "venv activated");
    assert_eq!(got["extra"], "a b 'c' $HOME");
    assert_eq!(got["nousersite"], "1");
    assert_eq!(got["path0"], env.join("bin").to_str().unwrap());
    remove(&ctx, &j, name);
}

#[test]
fn uv_project_found_from_a_subfolder_runs_code_in_its_venv() {
    let Some(j) = Jupyter::require() else { return };
    let ctx = TestContext::new();
    let project = ctx.work.join("uv proj");
    std::fs::create_dir_all(project.join("src/pkg")).unwrap();
    std::fs::write(
        project.join("pyproject.toml"),
        "[project]\nname = \"uvproj\"\nversion = \"0.1\"\nrequires-python = \">=3.8\"\ndependencies = []\n",
    )
    .unwrap();
    let uv = |args: &[&str]| {
        let out = Command::new("uv")
            .args(args)
            .current_dir(&project)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", all_output(&out));
    };
    uv(&["lock", "--offline"]);
    uv(&["venv", "-q", ".venv", "--python", "python3"]);
    let venv = project.join(".venv");
    j.install(&venv.join("bin/python"), &["ipykernel"]);
    let module = add_probe(&j, &ctx, &venv, "uv");
    append(&venv.join("bin/activate"), "export DEVKIT_ACTIVATED=uv\n");
    let added = add(
        &ctx,
        &j,
        &project.join("src/pkg"),
        &["--name", &format!("uv-{}", tag(&ctx))],
    );
    assert_eq!(added["kind"], "uv");
    let name = added["name"].as_str().unwrap();
    let got = executed(&j, name, &module);
    assert_eq!(got["exe"], venv.join("bin/python").to_str().unwrap());
    assert_eq!(got["activated"], "uv");
    remove(&ctx, &j, name);
}

/// No conda, mamba or micromamba can create a Python environment here (conda channels are out of reach), so the
/// prefix is a venv with conda's marker and an `activate.d` script: the wrapper activates it as conda does.
#[test]
fn conda_like_prefix_runs_its_activate_d_scripts() {
    let Some(j) = Jupyter::require() else { return };
    let ctx = TestContext::new();
    let prefix = ctx.work.join("envs/geo env");
    j.venv(&prefix, true, false);
    let module = add_probe(&j, &ctx, &prefix, "conda");
    std::fs::create_dir_all(prefix.join("conda-meta")).unwrap();
    std::fs::create_dir_all(prefix.join("etc/conda/activate.d")).unwrap();
    std::fs::write(
        prefix.join("etc/conda/activate.d/gdal.sh"),
        "export GDAL_DATA=\"$CONDA_PREFIX/share/gdal\"\n",
    )
    .unwrap();
    let added = add(
        &ctx,
        &j,
        &ctx.work,
        &[
            prefix.to_str().unwrap(),
            "--name",
            &format!("conda-{}", tag(&ctx)),
        ],
    );
    assert_eq!(added["kind"], "conda");
    let name = added["name"].as_str().unwrap();
    let got = executed(&j, name, &module);
    assert_eq!(got["exe"], prefix.join("bin/python").to_str().unwrap());
    assert_eq!(got["conda_prefix"], prefix.to_str().unwrap());
    assert_eq!(got["gdal"], prefix.join("share/gdal").to_str().unwrap());
    assert_eq!(got["path0"], prefix.join("bin").to_str().unwrap());
    remove(&ctx, &j, name);
}

/// The templates' answer `datalabs_kernel`: the generated README's command, run as written in the project,
/// gives a kernel the server runs code on.
#[test]
fn template_readme_command_registers_the_project_environment() {
    let Some(j) = Jupyter::require() else { return };
    let ctx = TestContext::new();
    let project_name = format!("dl-{}", tag(&ctx));
    for template in ["python-lib", "processing-chain"] {
        let out = ctx
            .devkit()
            .args([
                "init",
                "-t",
                template,
                template,
                "--defaults",
                "-d",
                "datalabs_kernel=true",
            ])
            .args(["-d", &format!("project_name={project_name}")])
            .args(["--set", "datalabs.url=https://hub.example.org"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", all_output(&out));
        let project = ctx.work.join(template);
        let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
        assert!(
            readme.contains("## Notebooks on the Datalabs") && readme.contains("https://hub.example.org")
        );
        let command = readme
            .lines()
            .find(|l| l.starts_with("devkit kernel add"))
            .unwrap_or_else(|| panic!("{readme}"));
        j.venv(&project.join(".venv"), true, false);
        let devkit = assert_cmd::cargo::cargo_bin!("devkit");
        let out = Command::new("bash")
            .args(["-c", command])
            .current_dir(&project)
            .env_clear()
            .env("JUPYTER_DATA_DIR", &j.data)
            .env("HOME", &ctx.home)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    devkit.parent().unwrap().display(),
                    std::env::var("PATH").unwrap()
                ),
            )
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}: {}", all_output(&out));
        let name = format!("devkit-{project_name}");
        let r = j.run_cell(&name, "import sys; print(sys.executable)");
        assert_eq!(r["status"], "ok", "{r}");
        assert_eq!(r["display_name"], format!("Python ({project_name})"));
        assert_eq!(
            r["stdout"].as_str().unwrap().trim(),
            project.join(".venv/bin/python").to_str().unwrap()
        );
        remove(&ctx, &j, &name);
    }
}
