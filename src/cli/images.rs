//! Command-line types of `devkit images list|build|push`.

use super::Format;
use clap::{Args, Subcommand};

/// `devkit images` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// List the CI images and the references they get.
    List(ImagesArgs),
    /// Build images on the engine of `DOCKER_HOST` (or the default socket).
    Build(ImagesArgs),
    /// Push built images with the registry credential of devkit's secret store.
    Push(ImagesArgs),
}

/// Arguments of `devkit images list|build|push`.
#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// CI image names, or folders holding a Dockerfile (default: every CI image).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Image tag (default: devkit's version).
    #[arg(long, value_name = "T")]
    pub tag: Option<String>,
    /// Registry and path prefix, `HOST[:PORT][/PREFIX]` (default: site `artifactory.docker_registry`).
    #[arg(long, value_name = "HOST/PREFIX")]
    pub registry: Option<String>,
    /// A build argument, `KEY=VALUE` (repeatable); CI images take `BASE_REGISTRY` and `BASE_IMAGE`.
    #[arg(long = "build-arg", value_name = "K=V")]
    pub build_args: Vec<String>,
    /// Output format of `list`.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
