//! The fake GitLab's data: users, tokens, namespaces, projects and roles, keys, runners, faults and the log.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};

/// GitLab access levels.
pub const DEVELOPER: u32 = 30;
pub const MAINTAINER: u32 = 40;

#[derive(Clone, Debug)]
pub struct User {
    pub id: u64,
    pub username: String,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub value: String,
    pub user_id: u64,
    pub scopes: Vec<String>,
    /// `YYYY-MM-DD`.
    pub expires_at: Option<String>,
    pub expired: bool,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
pub struct Namespace {
    pub id: u64,
    pub full_path: String,
    pub kind: &'static str,
}

#[derive(Clone, Debug)]
pub struct Project {
    pub id: u64,
    pub path_with_namespace: String,
    pub visibility: String,
    /// user id → access level.
    pub members: BTreeMap<u64, u32>,
    pub repo: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Key {
    pub id: u64,
    pub user_id: u64,
    pub title: String,
    pub key: String,
}

#[derive(Clone, Debug)]
pub struct Runner {
    pub id: u64,
    pub token: String,
    pub project_id: u64,
    pub description: String,
    pub tags: Vec<String>,
    pub locked: bool,
    pub run_untagged: bool,
    pub verified: bool,
}

/// An injected failure, answered instead of the next request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// This status with GitLab's JSON message (and `Retry-After` for 429).
    Status { status: u16, retry_after: Option<u64> },
    /// A proxy's HTML page with this status.
    Html { status: u16 },
    /// The request is carried out, then its answer is replaced by a gateway's HTML page with this status.
    AfterAction { status: u16 },
    /// The request is carried out, then the connection drops without an answer.
    DropAfterAction,
    /// The request is carried out, and the answer comes after this many seconds (past the client's timeout).
    SlowAfterAction { secs: u64 },
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct State {
    pub users: Vec<User>,
    pub tokens: Vec<Token>,
    pub namespaces: Vec<Namespace>,
    pub projects: Vec<Project>,
    pub keys: Vec<Key>,
    pub runners: Vec<Runner>,
    pub faults: VecDeque<Fault>,
    /// Faults for the next request with this method and path (checked before `faults`).
    pub targeted: Vec<(String, String, Fault)>,
    /// Every answer is an HTML sign-in page (a URL that is not a GitLab API).
    pub html_everywhere: bool,
    /// Largest `per_page` honoured (GitLab: 100).
    pub max_per_page: usize,
    pub log: Vec<Logged>,
    pub repos: PathBuf,
    /// The next created project's repository refuses pushes until [`State::release_held`] (push_fault.rs).
    pub fail_next_push: bool,
    /// Repositories held away, with where they belong.
    pub held: Vec<(PathBuf, PathBuf)>,
    next_id: u64,
}

impl State {
    pub fn new(repos: &Path) -> Self {
        Self {
            users: Vec::new(),
            tokens: Vec::new(),
            namespaces: Vec::new(),
            projects: Vec::new(),
            keys: Vec::new(),
            runners: Vec::new(),
            faults: VecDeque::new(),
            targeted: Vec::new(),
            html_everywhere: false,
            max_per_page: 100,
            log: Vec::new(),
            repos: repos.to_path_buf(),
            fail_next_push: false,
            held: Vec::new(),
            next_id: 100,
        }
    }

    pub fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A user and their personal namespace.
    pub fn add_user(&mut self, username: &str) -> u64 {
        let id = self.users.len() as u64 + 1;
        self.users.push(User {
            id,
            username: username.into(),
        });
        let ns = self.id();
        self.namespaces.push(Namespace {
            id: ns,
            full_path: username.into(),
            kind: "user",
        });
        id
    }

    pub fn add_token(&mut self, user_id: u64, value: &str, scopes: &[&str], expires_at: Option<&str>) {
        self.tokens.push(Token {
            value: value.into(),
            user_id,
            scopes: scopes.iter().map(ToString::to_string).collect(),
            expires_at: expires_at.map(Into::into),
            expired: false,
            revoked: false,
        });
    }

    pub fn add_group(&mut self, path: &str) -> u64 {
        let id = self.id();
        self.namespaces.push(Namespace {
            id,
            full_path: path.into(),
            kind: "group",
        });
        id
    }

    /// A project with `members` (user id, access level), its bare repository created.
    pub fn add_project(&mut self, path: &str, members: &[(u64, u32)]) -> u64 {
        let id = self.id();
        let repo = self.repos.join(format!("{path}.git"));
        std::fs::create_dir_all(&repo).unwrap();
        let out = std::process::Command::new("git")
            .args(["init", "--bare", "-q", "-b", "main"])
            .arg(&repo)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git init --bare: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.hold_if_asked(&repo);
        self.projects.push(Project {
            id,
            path_with_namespace: path.into(),
            visibility: "private".into(),
            members: members.iter().copied().collect(),
            repo,
        });
        id
    }

    pub fn add_key(&mut self, user_id: u64, title: &str, key: &str) {
        let id = self.id();
        self.keys.push(Key {
            id,
            user_id,
            title: title.into(),
            key: key.into(),
        });
    }

    /// Answers the next `n` requests with `fault`.
    pub fn inject(&mut self, n: usize, fault: Fault) {
        for _ in 0..n {
            self.faults.push_back(fault.clone());
        }
    }

    /// Answers the next `METHOD path` request with `fault`.
    pub fn inject_on(&mut self, method: &str, path: &str, fault: Fault) {
        self.targeted.push((method.into(), path.into(), fault));
    }

    pub fn project_json(&self, p: &Project, base: &str) -> serde_json::Value {
        serde_json::json!({
            "id": p.id,
            "name": p.path_with_namespace.rsplit('/').next(),
            "path_with_namespace": p.path_with_namespace,
            "visibility": p.visibility,
            "http_url_to_repo": format!("file://{}", p.repo.display()),
            "ssh_url_to_repo": format!("git@fake.invalid:{}.git", p.path_with_namespace),
            "web_url": format!("{base}/{}", p.path_with_namespace),
        })
    }
}
