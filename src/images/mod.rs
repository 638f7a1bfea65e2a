//! Container images through the Docker Engine API (bollard): the build context as a tar honouring
//! `.dockerignore`, a connection that encodes registry credentials correctly, build and push streams where every
//! reported error is an error, a registry credential check, and the catalog of `ci-images/`. A leaf module: it
//! never prints, reads environment variables or exits; callers pass hosts and credentials in.

pub mod build;
pub mod catalog;
pub mod context;
pub mod credentials;
pub mod engine;
mod error;
pub mod push;
pub mod registry;

pub use credentials::Credentials;
pub use error::ImagesError;

/// The registry `host[:port]` of an image reference or registry string (`host[:port][/path]`).
pub fn registry_host(reference: &str) -> &str {
    reference.split('/').next().unwrap_or(reference)
}

/// The full reference `REGISTRY/NAME:TAG` of an image (`registry` may carry a path prefix).
pub fn image_ref(registry: &str, name: &str, tag: &str) -> String {
    let registry = registry.trim_end_matches('/');
    if registry.is_empty() {
        format!("{name}:{tag}")
    } else {
        format!("{registry}/{name}:{tag}")
    }
}

/// Splits `REPO:TAG` (a port in the host part is not a tag).
pub fn split_tag(reference: &str) -> (&str, Option<&str>) {
    match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag)),
        _ => (reference, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            registry_host("art.example.fr:8443/docker/ci"),
            "art.example.fr:8443"
        );
        assert_eq!(image_ref("h:5000/p/", "python", "1.0"), "h:5000/p/python:1.0");
        assert_eq!(split_tag("h:5000/p/python:1.0"), ("h:5000/p/python", Some("1.0")));
        assert_eq!(split_tag("h:5000/p/python"), ("h:5000/p/python", None));
    }
}
