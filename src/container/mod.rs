//! The container runtime layer: one contract (image, binds, environment, GPU request, working folder, command)
//! that a backend (Apptainer, Charliecloud, Slurm's `--container` with runc) turns into the command line the
//! batch script runs inside the Slurm job, and image preparation into a per-user cache keyed by digest. It only
//! changes what runs inside the job, never how the job is submitted. A leaf module: typed errors, no printing.

pub mod apptainer;
pub mod cache;
pub mod charliecloud;
pub mod error;
pub mod pull;
pub mod reference;
pub mod slurm_oci;

pub use error::ContainerError;
pub use reference::ImageRef;

pub use crate::slurm::script::{Launcher, quote};

use std::path::{Path, PathBuf};

/// The container runtimes devkit drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// `apptainer exec` (Trex).
    Apptainer,
    /// `ch-run` on an unpacked image folder.
    Charliecloud,
    /// `srun --container=BUNDLE` (Slurm's OCI support, runc configured in `oci.conf`).
    SlurmOci,
}

impl Runtime {
    /// Every accepted name, for messages.
    pub const NAMES: &'static str = "`apptainer`, `charliecloud` or `slurm-oci`";

    /// Parses a runtime name.
    pub fn parse(name: &str) -> Result<Self, ContainerError> {
        match name.trim() {
            "apptainer" => Ok(Self::Apptainer),
            "charliecloud" => Ok(Self::Charliecloud),
            "slurm-oci" => Ok(Self::SlurmOci),
            other => Err(ContainerError::UnknownRuntime(other.to_string())),
        }
    }

    /// The name used in the site profile.
    pub fn name(self) -> &'static str {
        match self {
            Self::Apptainer => "apptainer",
            Self::Charliecloud => "charliecloud",
            Self::SlurmOci => "slurm-oci",
        }
    }
}

/// A host folder made visible inside the container.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bind {
    pub source: PathBuf,
    pub target: PathBuf,
    pub read_only: bool,
}

impl Bind {
    /// The same path inside and outside.
    pub fn same(path: &Path) -> Self {
        Self {
            source: path.to_path_buf(),
            target: path.to_path_buf(),
            read_only: false,
        }
    }

    /// Parses `SRC[:DST][:ro|:rw]`; both paths must be absolute and free of `:` and `,`.
    pub fn parse(text: &str) -> Result<Self, ContainerError> {
        let bad = || ContainerError::BadBind(text.to_string());
        let mut parts: Vec<&str> = text.split(':').collect();
        let read_only = match parts.last() {
            Some(&"ro") if parts.len() > 1 => {
                parts.pop();
                true
            }
            Some(&"rw") if parts.len() > 1 => {
                parts.pop();
                false
            }
            _ => false,
        };
        let (source, target) = match parts.as_slice() {
            [s] => (*s, *s),
            [s, t] => (*s, *t),
            _ => return Err(bad()),
        };
        let ok = |p: &str| p.starts_with('/') && !p.contains(',') && !p.chars().any(char::is_control);
        if !ok(source) || !ok(target) {
            return Err(bad());
        }
        Ok(Self {
            source: PathBuf::from(source),
            target: PathBuf::from(target),
            read_only,
        })
    }
}

/// What to run in a container: the contract every backend implements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub binds: Vec<Bind>,
    /// Variables set inside the container, on top of what the backend passes from the job.
    pub env: Vec<(String, String)>,
    /// Whether the job asked for GPUs.
    pub gpus: bool,
    pub workdir: PathBuf,
    pub command: Vec<String>,
}

/// Variables that carry registry credentials to a runtime; never passed on into the user's command.
pub const CREDENTIAL_VARS: &[&str] = &[
    "APPTAINER_DOCKER_USERNAME",
    "APPTAINER_DOCKER_PASSWORD",
    "SINGULARITY_DOCKER_USERNAME",
    "SINGULARITY_DOCKER_PASSWORD",
];

/// `export NAME=VALUE` lines for `env` (names checked, values single-quoted).
pub fn export_lines(env: &[(String, String)]) -> Result<String, ContainerError> {
    let mut out = String::new();
    for (name, value) in env {
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(ContainerError::BadEnvName(name.clone()));
        }
        out.push_str(&format!("export {name}={}\n", quote(value)));
    }
    Ok(out)
}

/// The command that starts a script inside an image: bash when the image has it, else `sh` (a busybox or
/// Alpine image), after dropping the runtime's credential variables. `script` is a path visible inside.
pub fn script_command(script: &Path) -> Vec<String> {
    let unset = CREDENTIAL_VARS.join(" ");
    vec![
        "/bin/sh".into(),
        "-c".into(),
        format!(
            "unset {unset}; if command -v bash >/dev/null 2>&1; then exec bash \"$0\"; fi; exec sh \"$0\""
        ),
        script.display().to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_parse_or_fail_clearly() {
        let b = Bind::parse("/data:/in:ro").unwrap();
        assert_eq!(
            (b.source.to_str(), b.target.to_str(), b.read_only),
            (Some("/data"), Some("/in"), true)
        );
        assert_eq!(Bind::parse("/data").unwrap(), Bind::same(Path::new("/data")));
        assert!(!Bind::parse("/a:/b:rw").unwrap().read_only);
        for bad in ["", "data", "/a:b", "/a:/b:/c", "/a,b", "/a:/b:ro:ro", "/a\n"] {
            assert!(Bind::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn env_names_are_checked_and_values_quoted() {
        let lines = export_lines(&[("A_1".into(), "it's $(x)".into())]).unwrap();
        assert_eq!(lines, "export A_1='it'\\''s $(x)'\n");
        for bad in ["", "1A", "A-B", "A B", "A;rm"] {
            assert!(export_lines(&[(bad.into(), "v".into())]).is_err());
        }
    }

    #[test]
    fn runtimes_round_trip() {
        for r in [Runtime::Apptainer, Runtime::Charliecloud, Runtime::SlurmOci] {
            assert_eq!(Runtime::parse(r.name()).unwrap(), r);
        }
        assert!(Runtime::parse("docker").is_err());
    }
}
