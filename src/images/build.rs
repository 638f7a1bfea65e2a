//! `POST /build`: sends the context tar and follows the build stream. The engine answers HTTP 200 even when a
//! step fails, so every `error`/`errorDetail` in the stream is a failure, reported with the step it broke.

use super::engine::root_message;
use super::{Credentials, ImagesError};
use bollard::Docker;
use bollard::errors::Error as BollardError;
use bollard::query_parameters::BuildImageOptions;
use futures_util::StreamExt;
use std::collections::HashMap;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildSpec {
    /// The full reference to tag the result with.
    pub reference: String,
    /// The Dockerfile's path inside the context.
    pub dockerfile: String,
    /// The context tar.
    pub context: Vec<u8>,
    /// `--build-arg` values.
    pub build_args: HashMap<String, String>,
    /// Image labels added on top of the Dockerfile's.
    pub labels: HashMap<String, String>,
    /// Registry credentials for private `FROM` images, by registry host.
    pub credentials: HashMap<String, Credentials>,
}

/// What the build stream reports, for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildEvent {
    /// A new step started: `2/5 RUN make`.
    Step(String),
    /// A line of build output.
    Log(String),
}

/// Builds the image; returns the image id the engine reported (may be empty for engines that send none).
pub async fn build(
    docker: &Docker,
    spec: BuildSpec,
    mut on_event: impl FnMut(BuildEvent),
) -> Result<String, ImagesError> {
    let options = BuildImageOptions {
        dockerfile: spec.dockerfile.clone(),
        t: Some(spec.reference.clone()),
        rm: true,
        forcerm: true,
        buildargs: Some(spec.build_args.clone()),
        labels: Some(spec.labels.clone()),
        // Steps that download (apt, pip) need the host network: test engines run without a bridge.
        networkmode: Some("host".into()),
        ..Default::default()
    };
    let credentials = spec
        .credentials
        .iter()
        .map(|(host, c)| (host.clone(), c.for_engine(host)))
        .collect();
    let body = bollard::body_full(spec.context.into());
    let mut stream = docker.build_image(options, Some(credentials), Some(body));
    let mut step = String::new();
    let mut id = String::new();
    let failed = |step: &str, message: String| ImagesError::BuildFailed {
        image: spec.reference.clone(),
        step: if step.is_empty() {
            String::new()
        } else {
            format!(" at step {step}")
        },
        message: message.trim().to_string(),
    };
    while let Some(item) = stream.next().await {
        let info = match item {
            Ok(info) => info,
            Err(
                e @ (BollardError::DockerStreamError { .. } | BollardError::DockerResponseServerError { .. }),
            ) => {
                return Err(failed(&step, root_message(&e)));
            }
            Err(e) => return Err(ImagesError::Engine(root_message(&e))),
        };
        if let Some(detail) = info.error_detail {
            return Err(failed(
                &step,
                detail.message.unwrap_or_else(|| "unknown error".into()),
            ));
        }
        if let Some(text) = info.stream {
            for line in text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
                if let Some(s) = step_of(line) {
                    step = s.clone();
                    on_event(BuildEvent::Step(s));
                } else {
                    if let Some(rest) = line.strip_prefix("Successfully built ") {
                        id = rest.trim().to_string();
                    }
                    on_event(BuildEvent::Log(line.to_string()));
                }
            }
        }
        if let Some(aux) = info.aux.and_then(|a| a.id) {
            id = aux;
        }
    }
    Ok(id)
}

/// `Step 2/5 : RUN make` (dockerd) or `STEP 2/5: RUN make` (podman) as `2/5 \`RUN make\``.
fn step_of(line: &str) -> Option<String> {
    let rest = line
        .strip_prefix("Step ")
        .or_else(|| line.strip_prefix("STEP "))?;
    let (number, instruction) = rest.split_once(':')?;
    let number = number.trim();
    if !number.contains('/') || !number.chars().all(|c| c.is_ascii_digit() || c == '/') {
        return None;
    }
    Some(format!("{number} `{}`", instruction.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_of_both_engines() {
        assert_eq!(
            step_of("Step 2/5 : RUN exit 3").as_deref(),
            Some("2/5 `RUN exit 3`")
        );
        assert_eq!(step_of("STEP 1/2: FROM x").as_deref(), Some("1/2 `FROM x`"));
        assert_eq!(step_of("Step in the right direction: go"), None);
        assert_eq!(step_of(" ---> Running in abc"), None);
    }
}
