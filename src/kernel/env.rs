//! What kind of Python environment a path is (venv, uv project, conda/mamba prefix or name, pixi project) and
//! how an interactive shell activates it.

use super::{KernelError, io};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The kinds of environment devkit registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvKind {
    /// A plain virtual environment (`pyvenv.cfg`).
    Venv,
    /// A uv project (`pyproject.toml`, `uv.lock`, `.venv`).
    Uv,
    /// A conda, mamba or micromamba prefix (`conda-meta/`).
    Conda,
    /// A pixi project (`pixi.toml` or `[tool.pixi]`, env in `.pixi/envs/default`).
    Pixi,
}

impl EnvKind {
    /// Its name in messages and metadata.
    pub fn word(self) -> &'static str {
        match self {
            Self::Venv => "venv",
            Self::Uv => "uv",
            Self::Conda => "conda",
            Self::Pixi => "pixi",
        }
    }
}

/// How the wrapper activates the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activation {
    /// `source <prefix>/bin/activate`.
    Venv,
    /// `. <base>/etc/profile.d/conda.sh && conda activate <prefix>` (runs `activate.d`).
    CondaSh(PathBuf),
    /// `eval "$(<exe> shell hook -s bash)" && micromamba activate <prefix>`.
    Micromamba(PathBuf),
    /// `eval "$(<exe> shell-hook --manifest-path <manifest>)"`.
    Pixi { exe: PathBuf, manifest: PathBuf },
    /// No conda tool known: what `conda activate` does by hand (`PATH`, `CONDA_PREFIX`, `activate.d` scripts).
    CondaManual,
}

/// A Python environment found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonEnv {
    /// Its kind.
    pub kind: EnvKind,
    /// The environment folder (holds `bin/python`), absolute.
    pub prefix: PathBuf,
    /// The project folder of uv and pixi projects.
    pub project: Option<PathBuf>,
    /// A short label for default names (project or environment folder name).
    pub label: String,
    /// How to activate it.
    pub activation: Activation,
}

impl PythonEnv {
    /// The environment's interpreter.
    pub fn python(&self) -> PathBuf {
        python_of(&self.prefix)
    }
}

/// The interpreter of an environment prefix.
pub fn python_of(prefix: &Path) -> PathBuf {
    prefix.join("bin").join("python")
}

/// What detection may look at besides the file system: environment variables (injected for tests).
pub struct Lookup<'a> {
    /// An environment variable, `None` when unset or empty.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

impl Lookup<'_> {
    /// An executable named `name` on `PATH`.
    pub fn which(&self, name: &str) -> Option<PathBuf> {
        let path = (self.env)("PATH")?;
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| is_executable(p))
    }

    fn var_path(&self, name: &str) -> Option<PathBuf> {
        (self.env)(name).map(PathBuf::from).filter(|p| p.is_absolute())
    }
}

/// Whether `path` is an executable file.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The environment that `arg` names: a folder, or a conda environment name.
pub fn resolve(arg: &str, cwd: &Path, lookup: &Lookup<'_>) -> Result<PythonEnv, KernelError> {
    let mut path = cwd.join(arg);
    // An interpreter (`env/bin/python3`) stands for its environment.
    if path.is_file()
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("python"))
    {
        if let Some(prefix) = path
            .parent()
            .filter(|b| b.ends_with("bin"))
            .and_then(Path::parent)
        {
            path = prefix.to_path_buf();
        }
    }
    if path.is_dir() {
        return detect(&path, lookup)?.ok_or(KernelError::NotAnEnv(path));
    }
    if arg.contains('/') || arg.is_empty() {
        return Err(KernelError::NotAnEnv(path));
    }
    let prefix =
        conda_env_by_name(arg, lookup).ok_or_else(|| KernelError::UnknownCondaEnv(arg.to_string()))?;
    detect(&prefix, lookup)?.ok_or(KernelError::NotAnEnv(prefix))
}

/// The environment of the current project (`cwd` or a parent), else the active venv or conda environment.
pub fn default_env(cwd: &Path, lookup: &Lookup<'_>) -> Result<PythonEnv, KernelError> {
    for dir in cwd.ancestors() {
        if let Some(found) = detect(dir, lookup)? {
            return Ok(found);
        }
    }
    for var in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        if let Some(p) = lookup.var_path(var).filter(|p| p.is_dir()) {
            if let Some(found) = detect(&p, lookup)? {
                return Ok(found);
            }
        }
    }
    Err(KernelError::NoDefaultEnv(cwd.to_path_buf()))
}

/// The environment in folder `dir`, if it is one; an error for a project whose environment is missing.
pub fn detect(dir: &Path, lookup: &Lookup<'_>) -> Result<Option<PythonEnv>, KernelError> {
    let dir = std::fs::canonicalize(dir).map_err(io("cannot read", dir))?;
    let label = |p: &Path| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(name.as_str(), ".venv" | "venv" | "env" | ".env" | "default") {
            p.parent().map_or(name.clone(), |q| {
                let up = q
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if up == "envs" { name.clone() } else { up }
            })
        } else {
            name
        }
    };
    // conda-meta first: it is conda's own marker (a prefix never has pyvenv.cfg unless tampered with)
    if dir.join("conda-meta").is_dir() {
        return Ok(Some(PythonEnv {
            kind: EnvKind::Conda,
            activation: conda_activation(&dir, lookup),
            project: None,
            label: label(&dir),
            prefix: dir,
        }));
    }
    if dir.join("pyvenv.cfg").is_file() {
        return Ok(Some(venv(EnvKind::Venv, &dir, None, label(&dir))));
    }
    if let Some(manifest) = pixi_manifest(&dir) {
        let prefix = dir.join(".pixi/envs/default");
        if !prefix.join("conda-meta").is_dir() {
            return Err(not_created("pixi", &dir, prefix, "pixi install"));
        }
        let activation = match lookup.which("pixi") {
            Some(exe) => Activation::Pixi { exe, manifest },
            None => Activation::CondaManual,
        };
        return Ok(Some(PythonEnv {
            kind: EnvKind::Pixi,
            prefix,
            label: label(&dir),
            project: Some(dir),
            activation,
        }));
    }
    let dot_venv = dir.join(".venv");
    let has_venv = dot_venv.join("pyvenv.cfg").is_file();
    if dir.join("pyproject.toml").is_file() && (dir.join("uv.lock").is_file() || has_venv) {
        if !has_venv {
            return Err(not_created("uv", &dir, dot_venv, "uv sync"));
        }
        let prefix = std::fs::canonicalize(&dot_venv).map_err(io("cannot read", &dot_venv))?;
        return Ok(Some(venv(EnvKind::Uv, &prefix, Some(dir.clone()), label(&dir))));
    }
    if has_venv {
        let prefix = std::fs::canonicalize(&dot_venv).map_err(io("cannot read", &dot_venv))?;
        return Ok(Some(venv(EnvKind::Venv, &prefix, None, label(&dir))));
    }
    Ok(None)
}

fn venv(kind: EnvKind, prefix: &Path, project: Option<PathBuf>, label: String) -> PythonEnv {
    PythonEnv {
        kind,
        prefix: prefix.to_path_buf(),
        project,
        label,
        activation: Activation::Venv,
    }
}

fn not_created(kind: &'static str, project: &Path, expected: PathBuf, create: &'static str) -> KernelError {
    KernelError::EnvNotCreated {
        kind,
        project: project.to_path_buf(),
        expected,
        create,
    }
}

/// `pixi.toml`, or a `pyproject.toml` with a `[tool.pixi]` table.
fn pixi_manifest(dir: &Path) -> Option<PathBuf> {
    let pixi = dir.join("pixi.toml");
    if pixi.is_file() {
        return Some(pixi);
    }
    let pyproject = dir.join("pyproject.toml");
    let text = std::fs::read_to_string(&pyproject).ok()?;
    let table: toml::Table = text.parse().ok()?;
    table.get("tool")?.get("pixi")?;
    Some(pyproject)
}

/// The best activation of a conda prefix: its own base's `conda.sh`, `CONDA_EXE`'s, micromamba, else by hand.
fn conda_activation(prefix: &Path, lookup: &Lookup<'_>) -> Activation {
    let conda_sh = |base: &Path| Some(base.join("etc/profile.d/conda.sh")).filter(|p| p.is_file());
    let in_envs = prefix
        .parent()
        .filter(|p| p.file_name().is_some_and(|n| n == "envs"))
        .and_then(Path::parent);
    let from_exe = lookup
        .var_path("CONDA_EXE")
        .and_then(|exe| exe.parent().and_then(Path::parent).map(Path::to_path_buf));
    let found = [
        Some(prefix.to_path_buf()),
        in_envs.map(Path::to_path_buf),
        from_exe,
    ]
    .into_iter()
    .flatten()
    .find_map(|base| conda_sh(&base));
    if let Some(sh) = found {
        return Activation::CondaSh(sh);
    }
    match lookup
        .var_path("MAMBA_EXE")
        .filter(|p| is_executable(p))
        .or_else(|| lookup.which("micromamba"))
    {
        Some(exe) => Activation::Micromamba(exe),
        None => Activation::CondaManual,
    }
}

/// The prefix of conda environment `name`, asked to conda, mamba or micromamba, or under `MAMBA_ROOT_PREFIX`.
fn conda_env_by_name(name: &str, lookup: &Lookup<'_>) -> Option<PathBuf> {
    #[derive(Deserialize)]
    struct Envs {
        envs: Vec<PathBuf>,
    }
    let tools = [lookup.var_path("CONDA_EXE"), lookup.var_path("MAMBA_EXE")]
        .into_iter()
        .flatten()
        .chain(
            ["conda", "mamba", "micromamba"]
                .iter()
                .filter_map(|t| lookup.which(t)),
        );
    for exe in tools {
        let Ok(out) = Command::new(&exe).args(["env", "list", "--json"]).output() else {
            continue;
        };
        let Ok(envs) = serde_json::from_slice::<Envs>(&out.stdout) else {
            continue;
        };
        if let Some(p) = envs
            .envs
            .into_iter()
            .find(|p| p.file_name().is_some_and(|n| n == name))
        {
            return Some(p);
        }
    }
    lookup
        .var_path("MAMBA_ROOT_PREFIX")
        .map(|root| root.join("envs").join(name))
        .filter(|p| p.join("conda-meta").is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfile(path: &Path, text: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn detect_with(dir: &Path, vars: &[(&str, String)]) -> Result<Option<PythonEnv>, KernelError> {
        let vars = vars.to_vec();
        let env = move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        detect(dir, &Lookup { env: &env })
    }

    #[test]
    fn kinds_and_activations() {
        let t = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(t.path()).unwrap();
        mkfile(&root.join("v/pyvenv.cfg"), "home = /usr/bin\n", 0o644);
        let v = detect_with(&root.join("v"), &[]).unwrap().unwrap();
        assert_eq!((v.kind, v.activation), (EnvKind::Venv, Activation::Venv));
        mkfile(&root.join("v/bin/python3"), "", 0o755);
        let no_env = |_: &str| None;
        let by_python = resolve("v/bin/python3", &root, &Lookup { env: &no_env }).unwrap();
        assert_eq!(by_python.prefix, root.join("v"));

        mkfile(&root.join("proj/pyproject.toml"), "[project]\nname='p'\n", 0o644);
        mkfile(&root.join("proj/uv.lock"), "", 0o644);
        assert!(matches!(
            detect_with(&root.join("proj"), &[]),
            Err(KernelError::EnvNotCreated { .. })
        ));
        mkfile(&root.join("proj/.venv/pyvenv.cfg"), "", 0o644);
        let u = detect_with(&root.join("proj"), &[]).unwrap().unwrap();
        assert_eq!((u.kind, u.label.as_str()), (EnvKind::Uv, "proj"));
        assert_eq!(u.prefix, root.join("proj/.venv"));

        // A conda env under a base with conda.sh; a lone prefix with micromamba on PATH; nothing at all.
        mkfile(&root.join("base/etc/profile.d/conda.sh"), "", 0o644);
        std::fs::create_dir_all(root.join("base/envs/geo/conda-meta")).unwrap();
        let c = detect_with(&root.join("base/envs/geo"), &[]).unwrap().unwrap();
        assert_eq!(
            c.activation,
            Activation::CondaSh(root.join("base/etc/profile.d/conda.sh"))
        );
        assert_eq!(c.label, "geo");
        std::fs::create_dir_all(root.join("lone/conda-meta")).unwrap();
        mkfile(&root.join("bin/micromamba"), "#!/bin/sh\n", 0o755);
        let path = root.join("bin").display().to_string();
        let m = detect_with(&root.join("lone"), &[("PATH", path)])
            .unwrap()
            .unwrap();
        assert_eq!(m.activation, Activation::Micromamba(root.join("bin/micromamba")));
        let n = detect_with(&root.join("lone"), &[]).unwrap().unwrap();
        assert_eq!(n.activation, Activation::CondaManual);

        mkfile(
            &root.join("px/pyproject.toml"),
            "[tool.pixi.workspace]\nname='x'\n",
            0o644,
        );
        assert!(matches!(
            detect_with(&root.join("px"), &[]),
            Err(KernelError::EnvNotCreated { .. })
        ));
        std::fs::create_dir_all(root.join("px/.pixi/envs/default/conda-meta")).unwrap();
        let p = detect_with(&root.join("px"), &[]).unwrap().unwrap();
        assert_eq!((p.kind, p.activation), (EnvKind::Pixi, Activation::CondaManual));

        std::fs::create_dir_all(root.join("empty")).unwrap();
        assert!(detect_with(&root.join("empty"), &[]).unwrap().is_none());
    }

    #[test]
    fn conda_names_resolve_under_mamba_root_prefix() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("envs/geo/conda-meta")).unwrap();
        let root = t.path().display().to_string();
        let env = move |k: &str| (k == "MAMBA_ROOT_PREFIX").then(|| root.clone());
        let lookup = Lookup { env: &env };
        assert_eq!(conda_env_by_name("geo", &lookup), Some(t.path().join("envs/geo")));
        assert!(matches!(
            resolve("nope", t.path(), &lookup),
            Err(KernelError::UnknownCondaEnv(_))
        ));
    }
}
