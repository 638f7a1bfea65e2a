//! What the Artifactory fake adds to the shared HTTP plumbing (`crate::fake_http`): the form or JSON fields of a
//! token request, Basic or Bearer credentials, answers with a content type, and forwarding to an upstream.

use base64::Engine as _;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;

pub use crate::fake_http::{Request, read_request};

/// The fields of a token request: a JSON object's values as text, or a form body's pairs.
pub fn form(req: &Request) -> HashMap<String, String> {
    if req.header("content-type").is_some_and(|c| c.contains("json")) {
        return req
            .json()
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), String::from)))
                    .collect()
            })
            .unwrap_or_default();
    }
    crate::fake_http::pairs(&req.text()).into_iter().collect()
}

/// (user, secret) of Basic, or ("", token) of Bearer.
pub fn credentials(req: &Request) -> Option<(String, String)> {
    let auth = req.header("authorization")?;
    if let Some(b) = auth.strip_prefix("Basic ") {
        let raw = base64::engine::general_purpose::STANDARD.decode(b.trim()).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (u, p) = text.split_once(':')?;
        return Some((u.into(), p.into()));
    }
    auth.strip_prefix("Bearer ")
        .map(|t| (String::new(), t.trim().into()))
}

/// Answers with a content type and extra header lines (`Name: value\r\n`...).
pub fn respond(
    stream: &TcpStream,
    status: u16,
    content_type: &str,
    extra: &str,
    body: &str,
) -> std::io::Result<()> {
    let mut headers = vec![("content-type".to_string(), content_type.to_string())];
    headers.extend(
        extra
            .split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string())),
    );
    crate::fake_http::respond(stream, status, &headers, body.as_bytes())
}

/// Sends the request as received to `upstream` (`host:port`) and its answer back; the answer's status.
pub fn forward(mut stream: &TcpStream, req: &Request, upstream: &str) -> std::io::Result<u16> {
    let mut up = TcpStream::connect(upstream)?;
    let head: String = req
        .raw_head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    write!(up, "{head}Connection: close\r\n\r\n")?;
    up.write_all(&req.body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    stream.write_all(&answer)?;
    let status = String::from_utf8_lossy(&answer[..answer.len().min(12)])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(status)
}
