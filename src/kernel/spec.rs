//! `kernel.json` and its spec folder: the format, devkit's own `metadata.devkit` record, and the all-or-nothing
//! write (staged in a temporary folder beside the target, then renamed) and removal.

use super::env::EnvKind;
use super::{KernelError, WRAPPER_FILE, io};
use crate::atomic_file::FileLock;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

/// The spec file name.
pub const SPEC_FILE: &str = "kernel.json";
/// The lock file of a kernels folder (a file: Jupyter only reads folders).
const LOCK_FILE: &str = ".devkit-kernels.lock";

/// A kernelspec (https://jupyter-client.readthedocs.io/en/latest/kernels.html#kernel-specs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KernelSpec {
    /// The command; `{connection_file}` and `{resource_dir}` are substituted by Jupyter.
    pub argv: Vec<String>,
    /// Shown in the launcher.
    pub display_name: String,
    /// The language (`python`).
    pub language: String,
    /// Variables added by the server.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// `signal` or `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupt_mode: Option<String>,
    /// Tool-namespaced metadata (`devkit` for devkit's).
    #[serde(default)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Fields devkit does not use, kept as they are.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// What devkit records about a kernel it wrote (`metadata.devkit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevkitMeta {
    /// The environment kind.
    pub kind: EnvKind,
    /// The environment folder.
    pub env: PathBuf,
    /// Its interpreter.
    pub python: PathBuf,
    /// The uv or pixi project, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<PathBuf>,
    /// Modules the wrapper loads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
}

impl KernelSpec {
    /// A spec running the wrapper of its own folder.
    pub fn devkit(display_name: &str, meta: &DevkitMeta) -> Self {
        let mut metadata = serde_json::Map::new();
        metadata.insert("debugger".into(), serde_json::Value::Bool(true));
        metadata.insert(
            "devkit".into(),
            serde_json::to_value(meta).unwrap_or(serde_json::Value::Null),
        );
        Self {
            argv: vec![
                format!("{{resource_dir}}/{WRAPPER_FILE}"),
                "{connection_file}".into(),
            ],
            display_name: display_name.to_string(),
            language: "python".into(),
            env: BTreeMap::new(),
            interrupt_mode: Some("signal".into()),
            metadata,
            other: serde_json::Map::new(),
        }
    }

    /// devkit's record, when devkit wrote this spec.
    pub fn devkit_meta(&self) -> Option<DevkitMeta> {
        serde_json::from_value(self.metadata.get("devkit")?.clone()).ok()
    }
}

/// Reads `<dir>/kernel.json`.
pub fn read(dir: &Path) -> Result<KernelSpec, String> {
    let file = dir.join(SPEC_FILE);
    let text =
        std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("`{}` is not a valid kernelspec: {e}", file.display()))
}

/// Writes the spec folder `<kernels_dir>/<name>` (kernel.json and the 0755 wrapper) all at once, replacing
/// a spec devkit wrote before; a folder of another tool is left alone. Returns the spec folder.
pub fn write(
    kernels_dir: &Path,
    name: &str,
    spec: &KernelSpec,
    wrapper: &str,
) -> Result<PathBuf, KernelError> {
    let not_writable = |e: std::io::Error| KernelError::NotWritable {
        dir: kernels_dir.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(kernels_dir).map_err(not_writable)?;
    // One writer at a time per kernels folder: a second `kernel add` waits, then replaces the first's spec.
    let _lock = FileLock::acquire(&kernels_dir.join(LOCK_FILE)).map_err(not_writable)?;
    let target = kernels_dir.join(name);
    if target.exists() && read(&target).ok().and_then(|s| s.devkit_meta()).is_none() {
        return Err(KernelError::Foreign {
            name: name.to_string(),
            dir: kernels_dir.to_path_buf(),
        });
    }
    let stage = tempfile::Builder::new()
        .prefix(".devkit-staging-")
        .tempdir_in(kernels_dir)
        .map_err(not_writable)?;
    let json = serde_json::to_string_pretty(spec).unwrap_or_default() + "\n";
    create_file(&stage.path().join(SPEC_FILE), json.as_bytes(), 0o644)?;
    create_file(&stage.path().join(WRAPPER_FILE), wrapper.as_bytes(), 0o755)?;
    std::fs::set_permissions(stage.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .map_err(io("cannot set the mode of", stage.path()))?;
    let staged = stage.keep();
    let result = replace_dir(&staged, &target, kernels_dir);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    result.map(|()| target)
}

fn create_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KernelError> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(io("cannot create", path))?;
    f.write_all(bytes).map_err(io("cannot write", path))?;
    f.sync_all().map_err(io("cannot write", path))
}

/// Puts `staged` at `target`; an existing `target` is set aside first and put back if that fails.
fn replace_dir(staged: &Path, target: &Path, kernels_dir: &Path) -> Result<(), KernelError> {
    let not_writable = |e: std::io::Error| KernelError::NotWritable {
        dir: kernels_dir.to_path_buf(),
        reason: e.to_string(),
    };
    if !target.exists() {
        return std::fs::rename(staged, target).map_err(not_writable);
    }
    let unique = staged
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = kernels_dir.join(format!(".devkit-old{unique}"));
    std::fs::rename(target, &aside).map_err(not_writable)?;
    if let Err(e) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(not_writable(e));
    }
    let _ = std::fs::remove_dir_all(&aside);
    Ok(())
}

/// Removes a spec folder: renamed away first (so Jupyter never sees half of it), then deleted.
pub fn remove(dir: &Path) -> Result<(), KernelError> {
    let parent = dir.parent().unwrap_or(dir);
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = parent.join(format!(".devkit-removing-{name}-{}", std::process::id()));
    std::fs::rename(dir, &aside).map_err(|e| KernelError::NotWritable {
        dir: parent.to_path_buf(),
        reason: e.to_string(),
    })?;
    std::fs::remove_dir_all(&aside).map_err(io("cannot remove", &aside))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> DevkitMeta {
        DevkitMeta {
            kind: EnvKind::Venv,
            env: "/e".into(),
            python: "/e/bin/python".into(),
            project: None,
            modules: vec![],
        }
    }

    #[test]
    fn writes_replaces_and_keeps_foreign_specs() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kernels");
        let spec = KernelSpec::devkit("Python (é x)", &meta());
        let target = write(&dir, "devkit-a", &spec, "#!/bin/bash\n").unwrap();
        assert_eq!(read(&target).unwrap().devkit_meta().unwrap(), meta());
        write(&dir, "devkit-a", &spec, "#!/bin/bash\necho 2\n").unwrap();
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [LOCK_FILE, "devkit-a"].map(std::ffi::OsString::from),
            "no debris"
        );
        std::fs::create_dir_all(dir.join("other")).unwrap();
        std::fs::write(
            dir.join("other/kernel.json"),
            r#"{"argv":["x"],"display_name":"o","language":"python"}"#,
        )
        .unwrap();
        assert!(matches!(
            write(&dir, "other", &spec, ""),
            Err(KernelError::Foreign { .. })
        ));
        remove(&target).unwrap();
        assert!(!target.exists());
    }

    #[test]
    fn concurrent_writes_leave_one_whole_spec_and_no_debris() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kernels");
        std::thread::scope(|s| {
            for i in 0..8 {
                let dir = &dir;
                s.spawn(move || {
                    let spec = KernelSpec::devkit(&format!("run {i}"), &meta());
                    write(dir, "devkit-race", &spec, &format!("#!/bin/bash\n# {i}\n")).unwrap();
                });
            }
        });
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"devkit-race".into()) && names.contains(&LOCK_FILE.into()));
        let spec = read(&dir.join("devkit-race")).unwrap();
        let wrapper = std::fs::read_to_string(dir.join("devkit-race").join(WRAPPER_FILE)).unwrap();
        assert_eq!(
            spec.display_name.trim_start_matches("run "),
            wrapper.trim().trim_start_matches("#!/bin/bash\n# ")
        );
    }

    #[test]
    fn unknown_fields_survive() {
        let text = r#"{"argv":["a","{connection_file}"],"display_name":"d","language":"python","kernel_protocol_version":"5.5"}"#;
        let spec: KernelSpec = serde_json::from_str(text).unwrap();
        assert_eq!(spec.other["kernel_protocol_version"], "5.5");
        assert!(spec.devkit_meta().is_none());
    }
}
