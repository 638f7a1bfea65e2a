//! Typed errors of the image operations, each with the fix a user can apply.

/// What went wrong while building, pushing or checking an image.
#[derive(Debug, thiserror::Error)]
pub enum ImagesError {
    /// The engine did not answer.
    #[error("cannot reach the Docker engine at `{host}`{origin}: {reason}")]
    EngineUnreachable {
        /// The engine address tried.
        host: String,
        /// Where the address came from, e.g. ` (from DOCKER_HOST)`.
        origin: String,
        /// Why.
        reason: String,
    },
    /// The engine refused a request or a stream reported an error.
    #[error("the Docker engine answered: {0}")]
    Engine(String),
    /// A build step failed (or the Dockerfile is wrong).
    #[error("build of `{image}` failed{step}: {message}")]
    BuildFailed {
        /// The image being built.
        image: String,
        /// ` at step 2/5 \`RUN ...\`` when known.
        step: String,
        /// The engine's message.
        message: String,
    },
    /// A push failed.
    #[error("push of `{image}` failed: {message}")]
    PushFailed {
        /// The image.
        image: String,
        /// The engine's message.
        message: String,
    },
    /// The registry refused the credentials.
    #[error("wrong user or password for registry `{registry}` (user `{user}`)")]
    WrongCredentials {
        /// The registry host.
        registry: String,
        /// The user name tried.
        user: String,
    },
    /// The registry could not be reached or answered oddly.
    #[error("cannot check the credentials with registry `{registry}`: {reason}")]
    RegistryUnreachable {
        /// The registry host.
        registry: String,
        /// Why.
        reason: String,
    },
    /// The build context could not be read or packed.
    #[error("cannot pack the build context `{dir}`: {reason}")]
    Context {
        /// The context folder.
        dir: String,
        /// Why.
        reason: String,
    },
    /// An image name that is neither in the catalog nor a folder with a Dockerfile.
    #[error("unknown image `{0}`")]
    UnknownImage(String),
    /// A `--build-arg` that is not `KEY=VALUE`.
    #[error("`--build-arg {0}` is not of the form KEY=VALUE")]
    BadBuildArg(String),
}

impl ImagesError {
    /// How to fix it, when known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::EngineUnreachable { .. } => Some(
                "start Docker (or `podman system service`), or point `DOCKER_HOST` at its socket, e.g. \
                 `DOCKER_HOST=unix:///run/user/1000/podman/podman.sock`"
                    .into(),
            ),
            Self::BuildFailed { .. } => Some("fix the Dockerfile or the failing command, then build again".into()),
            Self::PushFailed { .. } => Some(
                "check that the image was built (`devkit images build`) and that your user may push to the registry"
                    .into(),
            ),
            Self::WrongCredentials { .. } => Some(
                "store the right token with `devkit secrets set artifactory --username USER --token-stdin`".into(),
            ),
            Self::RegistryUnreachable { .. } => Some("check the registry address (`--registry`) and the network".into()),
            Self::UnknownImage(_) => {
                Some("`devkit images list` shows the images; a folder holding a Dockerfile works too".into())
            }
            Self::BadBuildArg(_) => Some("for example `--build-arg BASE_REGISTRY=artifactory.cnes.fr`".into()),
            Self::Engine(_) | Self::Context { .. } => None,
        }
    }
}
