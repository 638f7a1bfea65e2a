//! Typed errors of the container layer, each with the fix a user can apply.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("unknown container runtime `{0}`")]
    UnknownRuntime(String),
    #[error("`{0}` is not an image reference")]
    BadReference(String),
    #[error("`{0}` is not a bind (`SRC[:DST][:ro]`, absolute paths)")]
    BadBind(String),
    #[error("bind path `{0}` does not exist on this host")]
    MissingBindSource(PathBuf),
    #[error("`{0}` is not a valid environment variable name")]
    BadEnvName(String),
    #[error("local image `{0}` does not exist")]
    MissingLocalImage(PathBuf),
    #[error("image `{reference}` was not found in registry `{registry}`")]
    ImageMissing { reference: String, registry: String },
    #[error("registry `{registry}` refused the credential{}", user.as_ref().map(|u| format!(" of `{u}`")).unwrap_or_default())]
    Unauthorized { registry: String, user: Option<String> },
    #[error("cannot pull image `{reference}`: {reason}")]
    Pull { reference: String, reason: String },
    #[error("cannot run `{tool}`")]
    Tool {
        tool: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the image cache `{path}`")]
    Cache {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the container files in `{path}`")]
    Files {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` is not a size (`50G`, `800M`, a number of bytes)")]
    BadSize(String),
}

impl ContainerError {
    /// Whether the infrastructure is to blame (a tool missing, the cache unwritable, the registry not
    /// answering), not the job's request: CI may retry such a failure.
    pub fn is_infrastructure(&self) -> bool {
        matches!(
            self,
            Self::Tool { .. } | Self::Cache { .. } | Self::Files { .. } | Self::Pull { .. }
        )
    }

    /// The fix, when known.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::UnknownRuntime(_) => {
                format!("set site key `container.runtime` to {}", super::Runtime::NAMES)
            }
            Self::BadReference(_) => "give `[REGISTRY/]NAME[:TAG|@sha256:DIGEST]`, `docker://...` or an absolute path".into(),
            Self::BadBind(_) => "write a bind as `/host/path` or `/host/path:/container/path[:ro]`".into(),
            Self::MissingBindSource(_) => "create the folder, or remove the bind".into(),
            Self::BadEnvName(_) => "use letters, digits and `_`, not starting with a digit".into(),
            Self::MissingLocalImage(_) => "give the path of an existing image, or a registry reference".into(),
            Self::ImageMissing { .. } => "check the image name and tag (`skopeo list-tags docker://REPO` lists the tags)".into(),
            Self::Unauthorized { .. } => {
                "store a valid token with `devkit login artifactory` (or `devkit secrets set artifactory --token-stdin`)".into()
            }
            Self::Tool { tool, .. } => {
                format!("install `{tool}` on this node, or choose another runtime in site key `container.runtime`")
            }
            Self::Cache { .. } => "choose a writable folder in site key `container.cache_dir`".into(),
            Self::BadSize(_) => "set site key `container.cache_limit` to a size such as `50G`".into(),
            Self::Pull { .. } | Self::Files { .. } => return None,
        })
    }
}
