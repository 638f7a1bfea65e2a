//! Jupyter kernels for the user's own Python environments (the Datalabs "bring your own environment"): detect
//! the kind of an environment, write a kernelspec whose wrapper activates it as an interactive shell would,
//! list the kernels on Jupyter's search path with a health verdict, remove devkit's. Never prints.

pub mod env;
pub mod health;
pub mod ipykernel;
pub mod name;
pub mod search;
pub mod spec;
pub mod wrapper;

use std::path::PathBuf;

/// The file name of the wrapper inside a spec folder.
pub const WRAPPER_FILE: &str = "kernel-wrapper.sh";

/// Errors of the kernel module; each says what is wrong, [`KernelError::hint`] how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    /// The path holds no environment devkit recognises.
    #[error("`{0}` is not a Python environment devkit recognises")]
    NotAnEnv(PathBuf),
    /// A project whose environment was not created yet.
    #[error("the {kind} project `{project}` has no environment yet (`{expected}` is missing)")]
    EnvNotCreated {
        kind: &'static str,
        project: PathBuf,
        expected: PathBuf,
        create: &'static str,
    },
    /// No PATH given and nothing found around the current folder.
    #[error("no Python environment found in `{0}` or its parents, nor an active one")]
    NoDefaultEnv(PathBuf),
    /// A conda environment name that no conda, mamba or micromamba knows.
    #[error("no conda environment named `{0}`")]
    UnknownCondaEnv(String),
    /// The environment's interpreter is missing.
    #[error("the environment `{env}` has no interpreter `{python}`")]
    NoInterpreter { env: PathBuf, python: PathBuf },
    /// ipykernel is not importable in the environment.
    #[error("the environment `{env}` has no ipykernel: a kernel on it would die at start")]
    NoIpykernel { env: PathBuf, install: String },
    /// Installing ipykernel failed.
    #[error("installing ipykernel into `{env}` failed ({status})")]
    InstallFailed { env: PathBuf, status: String },
    /// A name that cannot become a kernel name.
    #[error("`{0}` cannot be a kernel name: it has no letter or digit")]
    BadName(String),
    /// `--env K=V` malformed.
    #[error("`--env {0}` is not of the form NAME=VALUE with NAME made of letters, digits and `_`")]
    BadEnvVar(String),
    /// A module name with characters a module name cannot hold.
    #[error("`--module {0}` is not a module name")]
    BadModule(String),
    /// The kernels folder cannot be written.
    #[error("cannot write to the kernels folder `{dir}`: {reason}")]
    NotWritable { dir: PathBuf, reason: String },
    /// A kernel of the same name not written by devkit.
    #[error("a kernel named `{name}` not written by devkit already exists in `{dir}`")]
    Foreign { name: String, dir: PathBuf },
    /// No kernel of that name.
    #[error("no kernel named `{0}` on Jupyter's search path")]
    NotFound(String),
    /// Another I/O failure, with the path.
    #[error("{what} `{path}`: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl KernelError {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::NotAnEnv(_) => {
                "give a venv (with `pyvenv.cfg`), a uv project, a conda prefix or name, or a pixi \
                                  project"
                    .into()
            }
            Self::EnvNotCreated { project, create, .. } => {
                format!(
                    "create it with `{create}` in `{}`, then run this again",
                    project.display()
                )
            }
            Self::NoDefaultEnv(_) => "give the environment: `devkit kernel add PATH`".into(),
            Self::UnknownCondaEnv(_) => "list them with `conda env list`, or give the prefix path".into(),
            Self::NoInterpreter { .. } => {
                "recreate the environment, then run `devkit kernel add` again".into()
            }
            Self::NoIpykernel { install, .. } => {
                format!(
                    "run `devkit kernel add` again with `--install-ipykernel`, or install it yourself: `{install}`"
                )
            }
            Self::InstallFailed { .. } => {
                "check the output above; `devkit configure pip` (or `uv`) points the installer at the site's \
                 package proxy"
                    .into()
            }
            Self::BadName(_) => "use letters, digits, `.`, `_` or `-` in `--name`".into(),
            Self::BadEnvVar(_) => "for example `--env GDAL_CACHEMAX=512`".into(),
            Self::BadModule(_) => {
                "give module names as `module avail` shows them, e.g. `--module gdal/3.8`".into()
            }
            Self::NotWritable { .. } => "fix the folder's permissions, or choose another folder with `--set \
                                         datalabs.kernels_dir=DIR`"
                .into(),
            Self::Foreign { .. } => {
                "choose another name with `--name`, or remove it with `jupyter kernelspec \
                                     remove NAME`"
                    .into()
            }
            Self::NotFound(_) => "see the names with `devkit kernel list`".into(),
            Self::Io { .. } => return None,
        })
    }
}

/// Shorthand for an [`KernelError::Io`] builder.
pub(crate) fn io(what: &'static str, path: &std::path::Path) -> impl FnOnce(std::io::Error) -> KernelError {
    let path = path.to_path_buf();
    move |source| KernelError::Io { what, path, source }
}
