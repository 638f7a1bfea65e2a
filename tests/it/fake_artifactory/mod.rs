//! A stateful fake of Artifactory's token REST API on `127.0.0.1:0`, one thread per connection: users with
//! passwords, token creation (JWT-shaped access tokens with `sub`, `exp`, `jti`; opaque refresh tokens), refresh
//! with rotation (a used refresh token → 401), revocation by id (200, then 204; 404 for an unknown id), 401 for
//! expired or revoked tokens, `GET /artifactory/api/system/ping` → `OK`, a PyPI `simple/` check, a request log
//! and fault injection. With an upstream, any other request is forwarded to it (the loopback PyPI index), so
//! clients configured for the fake install real packages.

mod http;
mod tokens;

use base64::Engine as _;
use http::{credentials, forward, read_request, respond};
use std::collections::{HashMap, VecDeque};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokens::{list, revoke, tokens};

/// An injected failure, answered instead of the next request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A status with an optional `Retry-After` (seconds).
    Status(u16, Option<u64>),
    /// A status with an HTML body, as a proxy or a maintenance page answers.
    Html(u16),
    /// A status with this JSON body (JFrog's `{"errors":[{"message":...}]}`).
    Json(u16, String),
    /// The request is carried out, then its answer is replaced by this status (a gateway that timed out).
    AfterAction(u16),
    /// The request is carried out, then the connection drops without an answer.
    DropAfterAction,
    /// Answered normally (to aim the next faults at later requests).
    Pass,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    id: String,
    user: String,
    exp: u64,
    lifetime: u64,
    revoked: bool,
    description: String,
}

#[derive(Default)]
pub(crate) struct State {
    users: HashMap<String, String>,
    tokens: HashMap<String, Token>,
    refresh: HashMap<String, String>,
    issued: Vec<String>,
    log: Vec<String>,
    faults: VecDeque<Fault>,
    lifetime: Option<u64>,
    counter: u64,
}

/// The running fake.
pub struct FakeArtifactory {
    /// `http://127.0.0.1:<port>/artifactory`.
    pub url: String,
    state: Arc<Mutex<State>>,
}

pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn b64url(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

impl FakeArtifactory {
    /// Starts a fake knowing `users` (name, password); `upstream` (`host:port`) receives every other request.
    pub fn start(users: &[(&str, &str)], upstream: Option<String>) -> Self {
        let state = Arc::new(Mutex::new(State {
            users: users
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
            ..State::default()
        }));
        let shared = state.clone();
        let addr = crate::fake_http::serve(move |stream| {
            let _ = serve(stream, &shared, upstream.as_deref());
        });
        Self {
            url: format!("http://{addr}/artifactory"),
            state,
        }
    }

    /// Queues failures for the next requests.
    pub fn inject(&self, faults: &[Fault]) {
        self.state.lock().unwrap().faults.extend(faults.iter().cloned());
    }

    /// Issues tokens of this lifetime (seconds) whatever the request asks.
    pub fn force_lifetime(&self, secs: u64) {
        self.state.lock().unwrap().lifetime = Some(secs);
    }

    /// Mints an access token for `user` directly (as the web UI would), expiring in `secs` (may be negative).
    pub fn mint(&self, user: &str, secs: i64) -> String {
        let mut st = self.state.lock().unwrap();
        let exp = (now() as i64 + secs).max(0) as u64;
        issue(&mut st, user, exp, "minted by hand").0
    }

    /// `METHOD path status` of every request, in order.
    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    /// Every access and refresh token ever issued.
    pub fn issued(&self) -> Vec<String> {
        self.state.lock().unwrap().issued.clone()
    }

    /// The ids of the access tokens of `user` still valid (not revoked, not expired).
    pub fn valid_ids(&self, user: &str) -> Vec<String> {
        let st = self.state.lock().unwrap();
        let t = now();
        let mut ids: Vec<String> = st
            .tokens
            .values()
            .filter(|r| !r.revoked && r.exp > t && r.user == user)
            .map(|r| r.id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// The access tokens still valid (not revoked, not expired).
    pub fn valid_tokens(&self) -> Vec<String> {
        let st = self.state.lock().unwrap();
        let t = now();
        st.tokens
            .iter()
            .filter(|(_, r)| !r.revoked && r.exp > t)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// Issues an access token (and a refresh token); returns (access, refresh, id).
pub(crate) fn issue(st: &mut State, user: &str, exp: u64, description: &str) -> (String, String, String) {
    st.counter += 1;
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let id = format!("tid-{}-{nanos:x}", st.counter);
    let header = b64url(r#"{"typ":"JWT","alg":"RS256","kid":"fake"}"#);
    let payload = b64url(
        &serde_json::json!({
            "sub": format!("jfac@01fake/users/{user}"), "scp": "applied-permissions/user", "aud": "*@*",
            "iss": "jfac@01fake", "iat": now(), "exp": exp, "jti": id,
        })
        .to_string(),
    );
    let access = format!("{header}.{payload}.{}", b64url(&format!("sig{nanos}")));
    let refresh = format!("rt{}x{nanos:x}", st.counter);
    st.tokens.insert(
        access.clone(),
        Token {
            id: id.clone(),
            user: user.into(),
            exp,
            lifetime: exp.saturating_sub(now()),
            revoked: false,
            description: description.into(),
        },
    );
    st.refresh.insert(refresh.clone(), access.clone());
    st.issued.push(access.clone());
    st.issued.push(refresh.clone());
    (access, refresh, id)
}

fn serve(stream: TcpStream, state: &Mutex<State>, upstream: Option<&str>) -> std::io::Result<()> {
    let req = read_request(&stream)?;
    let path = req.path.split('?').next().unwrap_or_default().to_string();
    let fault = state.lock().unwrap().faults.pop_front();
    let after = match &fault {
        Some(Fault::AfterAction(s)) => Some(Some(*s)),
        Some(Fault::DropAfterAction) => Some(None),
        _ => None,
    };
    let fault = fault.filter(|f| after.is_none() && !matches!(f, Fault::Pass));
    let (status, ctype, extra, body) = if let Some(fault) = fault {
        match fault {
            Fault::Status(s, retry) => (
                s,
                "application/json",
                retry.map(|r| format!("Retry-After: {r}\r\n")).unwrap_or_default(),
                r#"{"errors":[{"status":0,"message":"injected"}]}"#.to_string(),
            ),
            Fault::Html(s) => (
                s,
                "text/html",
                String::new(),
                "<html><body>Maintenance</body></html>".into(),
            ),
            Fault::Json(s, body) => (s, "application/json", String::new(), body),
            Fault::AfterAction(_) | Fault::DropAfterAction | Fault::Pass => unreachable!(),
        }
    } else if path == "/artifactory/api/system/ping" && req.method == "GET" {
        (200, "text/plain", String::new(), "OK".into())
    } else if path == "/access/api/v1/tokens" && req.method == "POST" {
        let (s, b) = tokens(&mut state.lock().unwrap(), &req);
        (s, "application/json", String::new(), b)
    } else if path == "/access/api/v1/tokens" && req.method == "GET" {
        let (s, b) = list(&state.lock().unwrap(), &req);
        (s, "application/json", String::new(), b)
    } else if let Some(id) = path
        .strip_prefix("/access/api/v1/tokens/")
        .filter(|_| req.method == "DELETE")
    {
        let s = revoke(&mut state.lock().unwrap(), &req, id);
        (s, "application/json", String::new(), String::new())
    } else if let Some(up) = upstream {
        let status = forward(&stream, &req, up)?;
        state
            .lock()
            .unwrap()
            .log
            .push(format!("{} {path} {status} (forwarded)", req.method));
        return Ok(());
    } else if path.starts_with("/artifactory/api/pypi/") && path.ends_with("/simple/") {
        let st = state.lock().unwrap();
        let ok = credentials(&req)
            .is_some_and(|(u, t)| valid(&st, &t).is_some_and(|r| u.is_empty() || r.user == u));
        if ok {
            (
                200,
                "text/html",
                String::new(),
                "<html><body></body></html>".into(),
            )
        } else {
            (
                401,
                "application/json",
                String::new(),
                r#"{"errors":[{"status":401}]}"#.into(),
            )
        }
    } else {
        (
            404,
            "application/json",
            String::new(),
            r#"{"errors":[{"status":404}]}"#.into(),
        )
    };
    state
        .lock()
        .unwrap()
        .log
        .push(format!("{} {path} {status}", req.method));
    match after {
        Some(Some(lost)) => {
            state
                .lock()
                .unwrap()
                .log
                .push(format!("{} {path} answer replaced by {lost}", req.method));
            respond(
                &stream,
                lost,
                "text/html",
                "",
                "<html><body>Gateway Timeout</body></html>",
            )
        }
        Some(None) => {
            state
                .lock()
                .unwrap()
                .log
                .push(format!("{} {path} answer dropped", req.method));
            Ok(())
        }
        None => respond(&stream, status, ctype, &extra, &body),
    }
}

pub(crate) fn valid<'a>(st: &'a State, token: &str) -> Option<&'a Token> {
    st.tokens.get(token).filter(|r| !r.revoked && r.exp > now())
}
