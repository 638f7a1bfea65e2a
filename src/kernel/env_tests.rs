//! Finding a project's Python environment: each kind detected, named and refused as the user would expect.

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
