//! The images of `ci-images/`, embedded in the binary so `devkit images build python` works from anywhere.
//! Each needs the devkit binary in its context (as `devkit`); the command layer adds it.

/// One CI image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogImage {
    /// Its name (also the last path segment of its reference).
    pub name: &'static str,
    /// What it holds.
    pub description: &'static str,
    /// Its Dockerfile.
    pub dockerfile: &'static str,
}

/// Every CI image, in build order.
pub const CATALOG: &[CatalogImage] = &[
    CatalogImage {
        name: "devkit",
        description: "the devkit binary, git, a Slurm client, bash",
        dockerfile: include_str!("../../ci-images/devkit/Dockerfile"),
    },
    CatalogImage {
        name: "python",
        description: "Python, pip, uv, twine, ruff, pytest, devkit",
        dockerfile: include_str!("../../ci-images/python/Dockerfile"),
    },
    CatalogImage {
        name: "rust",
        description: "the Rust toolchain, clippy, rustfmt, devkit",
        dockerfile: include_str!("../../ci-images/rust/Dockerfile"),
    },
];

/// The catalog image called `name`.
pub fn find(name: &str) -> Option<&'static CatalogImage> {
    CATALOG.iter().find(|i| i.name == name)
}

/// The name of the file the devkit binary takes in a CI image's context.
pub const DEVKIT_IN_CONTEXT: &str = "devkit";

#[cfg(test)]
mod tests {
    use super::*;

    /// The structure every CI image promises: base registry argument, OCI labels, a non-root user, no secret.
    #[test]
    fn dockerfiles_keep_their_promises() {
        for image in CATALOG {
            let d = image.dockerfile;
            let name = image.name;
            assert!(
                d.contains("ARG BASE_REGISTRY="),
                "{name}: no BASE_REGISTRY argument"
            );
            assert!(
                d.contains("FROM ${BASE_REGISTRY}/${BASE_IMAGE}"),
                "{name}: FROM ignores the arguments"
            );
            for label in ["source", "version", "revision"] {
                assert!(
                    d.contains(&format!("org.opencontainers.image.{label}=\"${{")),
                    "{name}: no {label} label from a build argument"
                );
            }
            let user = d
                .lines()
                .rev()
                .find(|l| l.starts_with("USER "))
                .unwrap_or_default();
            assert!(
                !user.is_empty() && !user.contains("root") && !user.ends_with(" 0"),
                "{name}: runs as root"
            );
            assert!(
                d.contains(&format!("COPY {DEVKIT_IN_CONTEXT} ")),
                "{name}: no devkit binary"
            );
            let lower = d.to_lowercase();
            for word in ["password", "token", "secret", "auth"] {
                assert!(!lower.contains(word), "{name}: mentions `{word}`");
            }
            assert!(
                !d.contains("ADD "),
                "{name}: ADD can fetch remote files; use COPY"
            );
        }
    }
}
