//! Slurm's own container support (`srun --container=BUNDLE`, runc configured in `oci.conf`). Slurm 22.05 takes
//! `BUNDLE/config.json` as is (it replaces only the command and adds the job's environment) and always uses
//! `BUNDLE/rootfs`, so each set of binds gets its own bundle beside the cached image: a `config.json` with the
//! binds as mounts, the working folder, no terminal and a read-only root, and a `rootfs` of hard links to the
//! image's files (made once, on the cache's filesystem). GPUs: the host's `/dev/nvidia*` devices are bound in.

use super::{ContainerError, Launcher, Spec, export_lines};
use crate::slurm::files;
use serde_json::{Value, json};
use std::hash::{Hash as _, Hasher as _};
use std::path::{Path, PathBuf};

/// The job's `config.json` from the image's own (`umoci unpack` output).
pub fn config(image_config: &Value, spec: &Spec, gpu_devices: &[PathBuf]) -> Value {
    let mut c = image_config.clone();
    c["process"]["terminal"] = json!(false);
    c["process"]["cwd"] = json!(spec.workdir.display().to_string());
    c["root"] = json!({ "path": "rootfs", "readonly": true });
    let mut mounts = c["mounts"].as_array().cloned().unwrap_or_default();
    let bind = |source: &Path, target: &Path, ro: bool| {
        json!({
            "destination": target.display().to_string(),
            "type": "bind",
            "source": source.display().to_string(),
            "options": ["rbind", if ro { "ro" } else { "rw" }],
        })
    };
    for b in &spec.binds {
        mounts.push(bind(&b.source, &b.target, b.read_only));
    }
    if spec.gpus {
        for dev in gpu_devices {
            mounts.push(bind(dev, dev, false));
        }
    }
    c["mounts"] = Value::Array(mounts);
    c
}

/// The host's NVIDIA device files.
pub fn gpu_devices() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("/dev")
        .map(|r| {
            r.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("nvidia"))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The bundle for `spec` beside the cached image `entry` (made when missing); returns its folder.
pub fn bundle(entry: &Path, spec: &Spec) -> Result<PathBuf, ContainerError> {
    let err = |path: &Path, source| ContainerError::Files {
        path: path.to_path_buf(),
        source,
    };
    let image_config: Value = std::fs::read(entry.join("config.json"))
        .map_err(|e| err(entry, e))
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| err(entry, std::io::Error::other(e))))?;
    let text = serde_json::to_string_pretty(&config(&image_config, spec, &gpu_devices()))
        .map_err(|e| err(entry, std::io::Error::other(e)))?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    let bundles = entry.join("bundles");
    let dir = bundles.join(format!("{:016x}", hasher.finish()));
    if dir.join("config.json").is_file() {
        return Ok(dir);
    }
    files::private_dir(&bundles).map_err(|e| err(&bundles, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempdir_in(&bundles)
        .map_err(|e| err(&bundles, e))?;
    let linked = std::process::Command::new("cp")
        .arg("-al")
        .arg(entry.join("rootfs"))
        .arg(tmp.path().join("rootfs"))
        .output()
        .map_err(|source| ContainerError::Tool {
            tool: "cp".into(),
            source,
        })?;
    if !linked.status.success() {
        let why = String::from_utf8_lossy(&linked.stderr).trim().to_string();
        return Err(err(tmp.path(), std::io::Error::other(why)));
    }
    files::create_new(&tmp.path().join("config.json"), text.as_bytes(), files::FILE_MODE)
        .map_err(|e| err(tmp.path(), e))?;
    let made = tmp.keep();
    if let Err(e) = std::fs::rename(&made, &dir) {
        let _ = std::fs::remove_dir_all(&made);
        // Another job made the same bundle meanwhile.
        if !dir.join("config.json").is_file() {
            return Err(err(&dir, e));
        }
    }
    Ok(dir)
}

/// The command line (one task of the allocation, in the bundle) and the prelude.
pub fn launcher(bundle: &Path, spec: &Spec) -> Result<Launcher, ContainerError> {
    let mut argv: Vec<String> = vec![
        "srun".into(),
        "--ntasks=1".into(),
        "--nodes=1".into(),
        format!("--container={}", bundle.display()),
    ];
    argv.extend(spec.command.iter().cloned());
    Ok(Launcher {
        prelude: export_lines(&spec.env)?,
        argv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Bind;

    #[test]
    fn config_carries_binds_workdir_and_no_terminal() {
        let image = json!({"process": {"terminal": true, "cwd": "/", "args": ["sh"]}, "root": {"path": "rootfs"},
                           "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}]});
        let spec = Spec {
            binds: vec![Bind::parse("/b:/b").unwrap(), Bind::parse("/d:/data:ro").unwrap()],
            env: vec![],
            gpus: true,
            workdir: "/b/p".into(),
            command: vec![],
        };
        let c = config(&image, &spec, &[PathBuf::from("/dev/nvidia0")]);
        assert_eq!(c["process"]["terminal"], false);
        assert_eq!(c["process"]["cwd"], "/b/p");
        assert_eq!(c["root"], json!({"path": "rootfs", "readonly": true}));
        let mounts = c["mounts"].as_array().unwrap();
        assert_eq!(mounts.len(), 4);
        assert_eq!(mounts[2]["options"], json!(["rbind", "ro"]));
        assert_eq!(mounts[3]["destination"], "/dev/nvidia0");
    }
}
