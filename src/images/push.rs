//! `POST /images/{name}/push` with the registry credential. The engine answers HTTP 200 even when the registry
//! refuses the push, so every stream error is a failure, and only the digest the engine reports at the end
//! counts as proof that the registry has the image.

use super::engine::root_message;
use super::{Credentials, ImagesError, split_tag};
use bollard::Docker;
use bollard::query_parameters::PushImageOptions;
use futures_util::StreamExt;

/// Pushes `reference` (`HOST/REPO:TAG`) with `credentials` for `server`; returns the pushed digest.
pub async fn push(
    docker: &Docker,
    reference: &str,
    server: &str,
    credentials: &Credentials,
    mut on_status: impl FnMut(String),
) -> Result<String, ImagesError> {
    let (repo, tag) = split_tag(reference);
    let options = PushImageOptions {
        tag: tag.map(ToString::to_string),
        ..Default::default()
    };
    let failed = |message: String| ImagesError::PushFailed {
        image: reference.to_string(),
        message: message.trim().to_string(),
    };
    let mut stream = docker.push_image(repo, Some(options), Some(credentials.for_engine(server)));
    let mut digest = None;
    while let Some(item) = stream.next().await {
        let info = item.map_err(|e| failed(root_message(&e)))?;
        if let Some(detail) = info.error_detail {
            return Err(failed(detail.message.unwrap_or_else(|| "unknown error".into())));
        }
        if let Some(status) = info.status {
            if let Some(d) = digest_of(&status) {
                digest = Some(d);
            }
            on_status(status);
        }
    }
    digest.ok_or_else(|| failed("the engine reported no digest: the registry may not have the image".into()))
}

/// The `sha256:...` of a `TAG: digest: sha256:... size: N` status line.
fn digest_of(status: &str) -> Option<String> {
    let rest = &status[status.find("digest: ")? + "digest: ".len()..];
    let digest = rest.split_whitespace().next()?;
    digest.starts_with("sha256:").then(|| digest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_from_status() {
        assert_eq!(
            digest_of("latest: digest: sha256:abc123 size: 942").as_deref(),
            Some("sha256:abc123")
        );
        assert_eq!(digest_of("Pushed"), None);
    }
}
