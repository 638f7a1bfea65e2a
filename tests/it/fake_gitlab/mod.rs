//! A faithful, stateful fake GitLab (REST API v4) on `127.0.0.1:0`, for every test that talks to GitLab:
//! users and tokens (scopes, expiry), namespaces, projects with roles and real bare repositories, SSH keys,
//! runners; GitLab's status codes and error bodies; pagination with `Link` and `x-*` headers; a request log;
//! fault injection (429 with `Retry-After`, 5xx, HTML pages).

mod push_fault;
mod routes;
mod runners;
pub mod state;

pub use state::{Fault, Logged, State};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A running fake GitLab; it stops with the test process.
pub struct FakeGitlab {
    url: String,
    state: Arc<Mutex<State>>,
}

/// An HTTP request as the fake sees it.
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub host: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// The JSON body (GitLab also takes form bodies; devkit sends JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// An HTTP response.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Close the connection without answering.
    pub drop: bool,
    /// Seconds to wait before answering.
    pub delay: u64,
}

impl Response {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: if status == 204 {
                String::new()
            } else {
                body.to_string()
            },
            drop: false,
            delay: 0,
        }
    }

    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            drop: false,
            delay: 0,
        }
    }
}

impl FakeGitlab {
    /// Starts a fake with one user `ada` (id 1) whose token `glpat-ada-api` has the `api` scope; repositories
    /// of created projects are bare repositories under `repos`.
    pub fn start(repos: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::new(repos)));
        {
            let mut s = state.lock().unwrap();
            let ada = s.add_user("ada");
            s.add_token(ada, "glpat-ada-api", &["api"], None);
        }
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        Self { url, state }
    }

    /// The root URL (`http://127.0.0.1:PORT`), what `gitlab.url` is set to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The state, to arrange or inspect.
    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Logged> {
        self.state().log.clone()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let host = headers
        .iter()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let request = Request {
        method,
        path: path.to_string(),
        query,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        host,
    };
    let response = {
        let mut s = state.lock().unwrap();
        s.log.push(Logged {
            method: request.method.clone(),
            target: target.clone(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        });
        routes::handle(&mut s, &request)
    };
    if response.drop {
        return Ok(());
    }
    std::thread::sleep(std::time::Duration::from_secs(response.delay));
    let mut out = stream;
    let mut head = format!("HTTP/1.1 {} X\r\n", response.status);
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        response.body.len()
    ));
    out.write_all(head.as_bytes())?;
    out.write_all(response.body.as_bytes())?;
    out.flush()
}

/// Percent-decoding of a query or path segment.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
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

/// A test context wired to a fake GitLab: `devkit` sees it as `gitlab.url`, uses the file secret store and
/// retries fast.
pub struct GitlabTest {
    pub ctx: crate::support::TestContext,
    pub gitlab: FakeGitlab,
    _repos: tempfile::TempDir,
}

/// The token of the fake's default user (scope `api`).
pub const ADA_TOKEN: &str = "glpat-ada-api";

impl GitlabTest {
    pub fn new() -> Self {
        let repos = tempfile::tempdir().unwrap();
        let gitlab = FakeGitlab::start(repos.path());
        Self {
            ctx: crate::support::TestContext::new(),
            gitlab,
            _repos: repos,
        }
    }

    /// `devkit` pointed at the fake.
    pub fn devkit(&self) -> assert_cmd::Command {
        let mut cmd = self.ctx.devkit();
        cmd.env("DEVKIT_GITLAB_URL", self.gitlab.url())
            .env("DEVKIT_SECRET_STORE", "file")
            .env("DEVKIT_HTTP_BACKOFF_MS", "1")
            .env("DEVKIT_HTTP_TIMEOUT_S", "5");
        cmd
    }

    /// `devkit login gitlab` with `token`; the output.
    pub fn login(&self, token: &str) -> std::process::Output {
        self.devkit()
            .args(["login", "gitlab", "--token-stdin"])
            .write_stdin(format!("{token}\n"))
            .output()
            .unwrap()
    }

    /// Logs in with `token` and panics on failure.
    pub fn logged_in(&self, token: &str) {
        let out = self.login(token);
        assert!(out.status.success(), "{}", crate::support::all_output(&out));
    }

    /// Asserts that `token` is in no output, request target, or file of the home except the allowed ones.
    pub fn assert_no_leak(
        &self,
        token: &str,
        outputs: &[&std::process::Output],
        allowed: &[std::path::PathBuf],
    ) {
        for out in outputs {
            assert!(
                !crate::support::all_output(out).contains(token),
                "token leaked in output"
            );
        }
        for r in self.gitlab.requests() {
            assert!(!r.target.contains(token), "token in a URL: {}", r.target);
        }
        let store = self.ctx.home.join(".local/share/devkit/secrets.toml");
        let mut allowed = allowed.to_vec();
        allowed.push(store);
        let hits = crate::support::files_containing(&self.ctx.home, token, &allowed);
        assert!(hits.is_empty(), "token in files: {hits:?}");
    }
}
