//! The bollard connection to a Docker-API engine (dockerd or podman) from a host string (`unix://PATH`, a socket
//! path, `tcp://HOST:PORT`). It goes through a custom transport because bollard encodes `X-Registry-Auth` and
//! `X-Registry-Config` with the standard base64 alphabet: a `+` or `/` there (a password holding `>`, `?` or `~`
//! can cause it) makes dockerd drop the credential silently and podman refuse the request. The transport rewrites
//! those two headers to the URL-safe alphabet the engines decode.

use super::ImagesError;
use bollard::errors::Error as BollardError;
use bollard::{API_DEFAULT_VERSION, BollardRequest, Docker};
use hyper::body::Incoming;
use hyper::header::{HOST, HeaderMap, HeaderValue};
use hyper::{Response, Uri};
use hyper_util::rt::TokioIo;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};

/// The socket most engines listen on when `DOCKER_HOST` is unset.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// Seconds bollard waits for an answer's headers (a build sends them once the context is received).
const TIMEOUT_SECS: u64 = 600;

/// Where the engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
}

fn endpoint(host: &str) -> Result<Endpoint, String> {
    if let Some(path) = host.strip_prefix("unix://") {
        Ok(Endpoint::Unix(PathBuf::from(path)))
    } else if host.starts_with('/') {
        Ok(Endpoint::Unix(PathBuf::from(host)))
    } else if let Some(addr) = host
        .strip_prefix("tcp://")
        .or_else(|| host.strip_prefix("http://"))
    {
        Ok(Endpoint::Tcp(addr.trim_end_matches('/').to_string()))
    } else {
        Err("only `unix://PATH` and `tcp://HOST:PORT` engines are supported (TLS and ssh are not)".into())
    }
}

/// A bollard client for the engine at `host`; `origin` says where the address came from (for errors).
pub fn connect(host: &str, origin: &str) -> Result<Docker, ImagesError> {
    let endpoint = Arc::new(endpoint(host).map_err(|reason| ImagesError::EngineUnreachable {
        host: host.to_string(),
        origin: origin.to_string(),
        reason,
    })?);
    let transport = move |request: BollardRequest| {
        let endpoint = Arc::clone(&endpoint);
        async move { send(&endpoint, request).await }
    };
    Docker::connect_with_custom_transport(
        transport,
        Some("http://localhost"),
        TIMEOUT_SECS,
        API_DEFAULT_VERSION,
    )
    .map_err(|e| ImagesError::EngineUnreachable {
        host: host.to_string(),
        origin: origin.to_string(),
        reason: e.to_string(),
    })
}

/// Checks that the engine answers; the error names the address and its origin.
pub async fn ping(docker: &Docker, host: &str, origin: &str) -> Result<(), ImagesError> {
    docker
        .ping()
        .await
        .map(|_| ())
        .map_err(|e| ImagesError::EngineUnreachable {
            host: host.to_string(),
            origin: origin.to_string(),
            reason: root_message(&e),
        })
}

/// The innermost message of a bollard error (the useful part: "No such file or directory", ...).
pub fn root_message(err: &BollardError) -> String {
    match err {
        BollardError::DockerResponseServerError { message, .. } => message.trim().to_string(),
        BollardError::DockerStreamError { error } => error.trim().to_string(),
        _ => {
            let mut source: &dyn std::error::Error = err;
            while let Some(next) = source.source() {
                source = next;
            }
            source.to_string()
        }
    }
}

async fn send(endpoint: &Endpoint, mut request: BollardRequest) -> Result<Response<Incoming>, BollardError> {
    url_safe_auth(request.headers_mut());
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), ToString::to_string);
    *request.uri_mut() = target.parse::<Uri>().map_err(|e| BollardError::IOError {
        err: std::io::Error::other(e),
    })?;
    request
        .headers_mut()
        .insert(HOST, HeaderValue::from_static("localhost"));
    match endpoint {
        Endpoint::Unix(path) => exchange(tokio::net::UnixStream::connect(path).await?, request).await,
        Endpoint::Tcp(addr) => exchange(tokio::net::TcpStream::connect(addr).await?, request).await,
    }
}

async fn exchange<S>(stream: S, request: BollardRequest) -> Result<Response<Incoming>, BollardError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // The connection ends with the response body; its error, if any, reaches the body reader.
        let _ = connection.await;
    });
    Ok(sender.send_request(request).await?)
}

/// Rewrites the credential headers from standard to URL-safe base64 (`+`→`-`, `/`→`_`).
fn url_safe_auth(headers: &mut HeaderMap) {
    for name in ["x-registry-auth", "x-registry-config"] {
        let Some(fixed) = headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.replace('+', "-").replace('/', "_"))
        else {
            continue;
        };
        if let Ok(value) = HeaderValue::from_str(&fixed) {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn host_strings() {
        assert_eq!(
            endpoint("unix:///run/docker.sock"),
            Ok(Endpoint::Unix("/run/docker.sock".into()))
        );
        assert_eq!(
            endpoint("/run/podman.sock"),
            Ok(Endpoint::Unix("/run/podman.sock".into()))
        );
        assert_eq!(
            endpoint("tcp://127.0.0.1:2375"),
            Ok(Endpoint::Tcp("127.0.0.1:2375".into()))
        );
        assert!(endpoint("ssh://host").is_err());
    }

    #[test]
    fn auth_headers_become_url_safe() {
        let mut headers = HeaderMap::new();
        headers.insert("x-registry-auth", HeaderValue::from_static("ab+c/d=="));
        headers.insert("x-registry-config", HeaderValue::from_static("+/"));
        headers.insert("other", HeaderValue::from_static("a+b"));
        url_safe_auth(&mut headers);
        assert_eq!(headers["x-registry-auth"], "ab-c_d==");
        assert_eq!(headers["x-registry-config"], "-_");
        assert_eq!(headers["other"], "a+b");
    }
}
