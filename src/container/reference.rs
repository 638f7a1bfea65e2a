//! Image references as CI jobs write them (`python:3.12`, `docker://host/repo:tag`, `host:5000/a/b@sha256:...`,
//! a local image path), resolved against the site's registry. Every reference is checked before it reaches a
//! command line, so a value such as `--authfile=x` can never be taken for an option.

use super::ContainerError;
use std::path::PathBuf;

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRef {
    /// An image in a registry: `host[:port]/repo[:tag|@digest]`, always with a host and a tag or digest.
    Remote { host: String, reference: String },
    /// An image already on shared storage (a SIF file, an image folder, an OCI bundle).
    Local(PathBuf),
}

impl ImageRef {
    /// Resolves `text`; a name without a registry (`python:3.12`, `group/tool`) gets `default_registry`.
    pub fn resolve(text: &str, default_registry: &str) -> Result<Self, ContainerError> {
        let bad = || ContainerError::BadReference(text.to_string());
        let raw = text.trim();
        let raw = raw.strip_prefix("docker://").unwrap_or(raw);
        if raw.starts_with('/') {
            if raw.chars().any(char::is_control) {
                return Err(bad());
            }
            return Ok(Self::Local(PathBuf::from(raw)));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._/:@-".contains(c);
        if raw.is_empty()
            || !raw.chars().all(allowed)
            || raw.starts_with(['-', '.', '/', ':', '@'])
            || raw.ends_with(['/', ':', '@'])
            || raw.contains("//")
            || raw.contains("..")
        {
            return Err(bad());
        }
        let first = raw.split('/').next().unwrap_or_default();
        let has_host =
            raw.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
        let full = if has_host {
            raw.to_string()
        } else {
            let registry = default_registry.trim().trim_end_matches('/');
            if registry.is_empty() {
                return Err(bad());
            }
            format!("{registry}/{raw}")
        };
        let last = full.rsplit('/').next().unwrap_or_default();
        let full = if last.contains(':') || last.contains('@') {
            full
        } else {
            format!("{full}:latest")
        };
        let host = full.split('/').next().unwrap_or_default().to_string();
        Ok(Self::Remote {
            host,
            reference: full,
        })
    }

    /// The reference as given to `docker://` transports, or the local path.
    pub fn display(&self) -> String {
        match self {
            Self::Remote { reference, .. } => reference.clone(),
            Self::Local(p) => p.display().to_string(),
        }
    }
}

/// Whether a registry host is on this machine (spoken to over plain HTTP, as container engines do).
pub fn is_loopback(host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(text: &str) -> String {
        match ImageRef::resolve(text, "reg.example:5000/proxy").unwrap() {
            ImageRef::Remote { reference, .. } => reference,
            ImageRef::Local(p) => panic!("local {p:?}"),
        }
    }

    #[test]
    fn names_get_the_site_registry_and_a_tag() {
        assert_eq!(remote("python:3.12"), "reg.example:5000/proxy/python:3.12");
        assert_eq!(remote("group/tool"), "reg.example:5000/proxy/group/tool:latest");
        assert_eq!(remote("docker://h.io/a/b"), "h.io/a/b:latest");
        assert_eq!(remote("127.0.0.1:5000/a/b:1"), "127.0.0.1:5000/a/b:1");
        assert_eq!(remote("localhost/a@sha256:ab"), "localhost/a@sha256:ab");
        assert_eq!(
            ImageRef::resolve("/shared/img.sif", "").unwrap(),
            ImageRef::Local("/shared/img.sif".into())
        );
    }

    #[test]
    fn hostile_references_are_refused() {
        for bad in [
            "",
            "--authfile=/x",
            "-x",
            "a b",
            "a;rm",
            "$(id)",
            "a//b",
            "../x",
            "a/../b",
            "x:",
            "h.io/",
            "a\nb",
            "docker://",
            "@sha256:1",
        ] {
            assert!(ImageRef::resolve(bad, "reg").is_err(), "{bad:?}");
        }
        assert!(
            ImageRef::resolve("python", "").is_err(),
            "no registry to resolve against"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Whatever the text, a resolved remote reference is one safe argv word: no option, no shell syntax,
        /// no whitespace, and always a host and a tag or digest.
        #[test]
        fn resolved_references_are_safe_words(text in "\\PC{0,40}", prefix in "(docker://)?") {
            if let Ok(ImageRef::Remote { host, reference }) = ImageRef::resolve(&format!("{prefix}{text}"), "reg.io") {
                proptest::prop_assert!(!reference.starts_with('-'));
                proptest::prop_assert!(reference.chars().all(|c| c.is_ascii_alphanumeric() || "._/:@-".contains(c)));
                let with_host = format!("{host}/");
                proptest::prop_assert!(reference.starts_with(&with_host));
                let last = reference.rsplit('/').next().unwrap_or_default();
                proptest::prop_assert!(last.contains(':') || last.contains('@'));
            }
        }
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1:5000"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("artifactory.cnes.fr"));
    }
}
