//! The HTTP of the fake: read one request, answer it (`Connection: close`), or forward it to an upstream.

use base64::Engine as _;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

pub struct Request {
    pub method: String,
    pub path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    raw_head: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn form(&self) -> HashMap<String, String> {
        let text = String::from_utf8_lossy(&self.body);
        if self.header("content-type").is_some_and(|c| c.contains("json")) {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            return v
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), String::from)))
                        .collect()
                })
                .unwrap_or_default();
        }
        text.split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (decode(k), decode(v)))
            .collect()
    }

    /// (user, secret) of Basic, or ("", token) of Bearer.
    pub fn credentials(&self) -> Option<(String, String)> {
        let auth = self.header("authorization")?;
        if let Some(b) = auth.strip_prefix("Basic ") {
            let raw = base64::engine::general_purpose::STANDARD.decode(b.trim()).ok()?;
            let text = String::from_utf8(raw).ok()?;
            let (u, p) = text.split_once(':')?;
            return Some((u.into(), p.into()));
        }
        auth.strip_prefix("Bearer ")
            .map(|t| (String::new(), t.trim().into()))
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut reader = BufReader::new(stream);
    let mut raw_head = String::new();
    let mut line = String::new();
    reader.read_line(&mut line)?;
    raw_head.push_str(&line);
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        raw_head.push_str(&line);
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    Ok(Request {
        method,
        path,
        headers,
        body,
        raw_head,
    })
}

pub fn respond(
    mut stream: &TcpStream,
    status: u16,
    content_type: &str,
    extra: &str,
    body: &str,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

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
