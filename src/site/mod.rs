//! The site profile: the one place where host names, repository keys and partitions live. It starts from the
//! embedded CNES defaults and takes override layers (profile file, user config, environment, flags), remembering
//! where each value came from so `devkit site show` can explain it.

mod layers;

pub(crate) use layers::line_of as line_of_offset;
pub use layers::{Layers, Origin};

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The embedded CNES profile, the lowest layer of every resolution.
pub const EMBEDDED: &str = include_str!("cnes.toml");

/// The effective site profile, after every override layer has been applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteProfile {
    /// Short name of the site (`cnes`).
    pub name: String,
    /// The GitLab instance.
    pub gitlab: Gitlab,
    /// The JFrog Artifactory instance and its repository keys.
    pub artifactory: Artifactory,
    /// The Trex HPC cluster.
    pub trex: Trex,
    /// The JupyterHub service.
    pub datalabs: Datalabs,
    /// TLS settings shared by every client devkit configures.
    pub tls: Tls,
    /// The container runtime of CI jobs with `image:` and its image cache.
    pub container: Container,
    /// The Datalake (S3 warm and cold tiers) and its collections.
    pub datalake: Datalake,
}

/// GitLab settings of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gitlab {
    /// Base URL of the instance, without `/api/v4`.
    pub url: String,
    /// Host name for git over SSH.
    pub ssh_host: String,
    /// Port for git over SSH.
    pub ssh_port: u16,
    /// Tags given to runners devkit registers.
    pub runner_tags: Vec<String>,
    /// Path (`group/project`) of devkit's own project: generated pipelines include its CI plugins from it.
    pub devkit_project: String,
    /// Host name for git over SSH from outside the network (`gitlab-outside` alias of `~/.ssh/config`).
    pub ssh_host_outside: String,
    /// Port for git over SSH from outside the network.
    pub ssh_port_outside: u16,
    /// A bastion (`[user@]host[:port]`) to jump through from outside the network; empty means none.
    pub ssh_proxy_jump_outside: String,
}

/// Artifactory settings of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artifactory {
    /// Base URL, ending in `/artifactory`.
    pub url: String,
    /// Repository key of the PyPI proxy.
    pub pypi_remote: String,
    /// Repository key for internal Python uploads.
    pub pypi_internal: String,
    /// Repository key of the conda-forge proxy.
    pub conda_remote: String,
    /// Docker registry: `host[:port][/path prefix]`.
    pub docker_registry: String,
    /// Repository key of the crates.io proxy.
    pub cargo_remote: String,
    /// Lifetime in days of the tokens `devkit login artifactory` creates.
    pub token_lifetime_days: u32,
}

/// Trex cluster settings of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trex {
    /// Login host inside the CNES network.
    pub login_host: String,
    /// Login host from outside the network.
    pub login_host_outside: String,
    /// Slurm partition used when none is given.
    pub default_partition: String,
    /// Slurm time limit used when none is given.
    pub default_time: String,
    /// Base of CI working copies (custom executor), on shared storage; `~/` is the user's home.
    pub builds_dir: String,
    /// Base of CI caches (custom executor), on shared storage; `~/` is the user's home.
    pub cache_dir: String,
    /// How long a CI job may stay held for an infrastructure reason before it ends as a system failure
    /// (`10m`, `600`, ...; empty or `0` = wait for the CI timeout).
    #[serde(default = "default_hold_grace")]
    pub hold_grace: String,
    /// Size of a pipeline's allocation pool when a pipeline asks for one (`DEVKIT_SLURM_POOL=on`):
    /// `nodes=1,cpus=8,time=2:00:00` (also `mem=`, `gpus=`, `partition=`, `account=`, `qos=`).
    #[serde(default = "default_pool_size")]
    pub pool_size: String,
    /// How long a pool stays without any step before its allocation is released (`5m`, `300`, ...).
    #[serde(default = "default_pool_idle")]
    pub pool_idle: String,
}

fn default_pool_size() -> String {
    "nodes=1,cpus=8,time=2:00:00".into()
}

fn default_pool_idle() -> String {
    "5m".into()
}

fn default_hold_grace() -> String {
    "10m".into()
}

/// Container runtime of CI jobs with `image:` and of `devkit slurm run --image`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    /// `apptainer`, `charliecloud` or `slurm-oci` (Slurm's `--container` with runc).
    pub runtime: String,
    /// Registry of images named without one; empty = `artifactory.docker_registry`.
    pub registry: String,
    /// Per-user image cache on storage the compute nodes share; `~/` is the user's home.
    pub cache_dir: String,
    /// Size limit of the cache (`50G`, `800M`, bytes); least recently used images are evicted past it.
    pub cache_limit: String,
    /// Host folders bound (same path) into every container when they exist on the host.
    pub binds: Vec<String>,
}

/// The Datalake: S3 endpoint, tiers, restore behaviour and collections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Datalake {
    /// S3 endpoint inside the network (`scheme://host[:port]`).
    pub endpoint: String,
    /// S3 endpoint from outside the network.
    pub endpoint_outside: String,
    /// Region requests are signed for.
    pub region: String,
    /// `path` or `virtual`.
    pub addressing_style: String,
    /// Profile (rclone remote) name devkit writes into client files.
    pub profile: String,
    /// Storage class of objects on disk.
    pub warm_storage_class: String,
    /// Storage class of objects on tape.
    pub cold_storage_class: String,
    /// How a cold object comes back: `restore-object` (S3 RestoreObject) or `none`.
    pub restore: String,
    /// Days a restored copy stays readable.
    pub restore_days: u32,
    /// Restore tier: `Bulk`, `Standard` or `Expedited`.
    pub restore_tier: String,
    /// Auxiliary data on Trex (DEMs, ...).
    pub static_aux: String,
    /// Bucket names of the public collections.
    pub collections: Vec<String>,
}

/// JupyterHub settings of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Datalabs {
    /// URL inside the network.
    pub url: String,
    /// URL from outside the network.
    pub url_outside: String,
    /// Where kernelspecs must be for the Datalabs' servers to see them; `~/` is the user's home.
    pub kernels_dir: String,
}

/// TLS settings of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Path of the site CA bundle; empty means the system store.
    pub ca_bundle: String,
}

impl Tls {
    /// The CA bundle path, if the site has one.
    pub fn ca_bundle_path(&self) -> Option<PathBuf> {
        (!self.ca_bundle.is_empty()).then(|| PathBuf::from(&self.ca_bundle))
    }
}

/// Errors of profile loading; each names the file (or variable) and line at fault.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The text is not valid TOML.
    #[error("`{origin}` is not valid TOML (line {line}): {message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
    },
    /// A key that the profile does not have.
    #[error("unknown site key `{key}` in `{origin}`{}", line_suffix(*.line))]
    UnknownKey {
        key: String,
        origin: String,
        line: Option<usize>,
        known: Vec<String>,
    },
    /// A value of the wrong type.
    #[error("site key `{key}` in `{origin}`{} must be {expected}", line_suffix(*.line))]
    WrongType {
        key: String,
        origin: String,
        line: Option<usize>,
        expected: &'static str,
    },
    /// The merged profile does not deserialize (should not happen once layers are checked).
    #[error("invalid site profile: {0}")]
    Invalid(String),
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

impl SiteError {
    /// The fix, when it is known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::UnknownKey { known, .. } => Some(format!("known keys: {}", known.join(", "))),
            Self::WrongType { .. } => {
                Some("`devkit site show` prints every key with its current value".into())
            }
            Self::Syntax { .. } => Some("fix the file, or move it away to use the defaults".into()),
            Self::Invalid(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_profile_loads_with_cnes_defaults() {
        let (profile, _) = Layers::embedded().resolve().unwrap();
        assert_eq!(profile.name, "cnes");
        assert_eq!(profile.gitlab.url, "https://gitlab.cnes.fr");
        assert_eq!(profile.gitlab.runner_tags, vec!["trex", "slurm"]);
        assert_eq!(profile.artifactory.pypi_remote, "pypi-remote");
        assert_eq!(profile.trex.default_time, "01:00:00");
        assert_eq!(profile.tls.ca_bundle_path(), None);
    }
}
