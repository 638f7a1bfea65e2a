//! A faithful, stateful fake GitLab (REST API v4) on `127.0.0.1:0`, for every test that talks to GitLab:
//! users and tokens (scopes, expiry), namespaces, projects with roles and real bare repositories, SSH keys,
//! runners; GitLab's status codes and error bodies; pagination with `Link` and `x-*` headers; a request log;
//! fault injection (429 with `Retry-After`, 5xx, HTML pages).

mod push_fault;
mod routes;
mod runners;
pub mod state;

pub use crate::fake_http::{Request, decode};
pub use state::{Fault, Logged, State};

use std::net::TcpStream;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A running fake GitLab; it stops with the test process.
pub struct FakeGitlab {
    url: String,
    state: Arc<Mutex<State>>,
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
        let state = Arc::new(Mutex::new(State::new(repos)));
        {
            let mut s = state.lock().unwrap();
            let ada = s.add_user("ada");
            s.add_token(ada, "glpat-ada-api", &["api"], None);
        }
        let shared = state.clone();
        let url = format!(
            "http://{}",
            crate::fake_http::serve(move |stream| {
                let _ = serve(stream, &shared);
            })
        );
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
    let request = crate::fake_http::read_request(&stream)?;
    let response = {
        let mut s = state.lock().unwrap();
        s.log.push(Logged {
            method: request.method.clone(),
            target: request.target.clone(),
            headers: request.headers.clone(),
            body: request.text(),
        });
        routes::handle(&mut s, &request)
    };
    if response.drop {
        return Ok(());
    }
    std::thread::sleep(std::time::Duration::from_secs(response.delay));
    crate::fake_http::respond(
        &stream,
        response.status,
        &response.headers,
        response.body.as_bytes(),
    )
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

    /// `devkit init demo --defaults --gitlab --namespace team --git-protocol https` plus `extra`; the output.
    pub fn init_in_team(&self, extra: &[&str]) -> std::process::Output {
        self.devkit()
            .args(["init", "demo", "--defaults", "--gitlab", "--namespace", "team"])
            .args(["--git-protocol", "https"])
            .args(extra)
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
