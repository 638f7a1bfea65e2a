//! `devkit login gitlab`, `devkit gitlab ssh-key add` and `devkit init --gitlab` against the fake GitLab: the
//! happy paths, every bad input, retries, and that the token never leaks.

use crate::fake_gitlab::{ADA_TOKEN, Fault, GitlabTest};
use crate::support::{all_output, git, require_tool};
use std::time::{Duration, Instant};

fn days_from_now(days: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    devkit::utc::date(secs / 86_400 + days)
}

#[test]
fn gitlab_login_stores_the_token_and_sends_it_only_in_the_header() {
    let t = GitlabTest::new();
    let out = t.login(ADA_TOKEN);
    assert!(out.status.success(), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(text.contains("as `ada`"), "{text}");
    assert!(!text.contains("lacks"), "{text}");
    let status = t
        .devkit()
        .args(["secrets", "status", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let host = t.gitlab.url().trim_start_matches("http://").to_string();
    assert_eq!(json["entries"][0]["service"], format!("devkit:{host}"));
    assert_eq!(json["entries"][0]["user"], "ada");
    let requests = t.gitlab.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.target == "/api/v4/personal_access_tokens/self")
    );
    for r in &requests {
        assert_eq!(r.header("private-token"), Some(ADA_TOKEN));
        assert!(
            r.header("user-agent").unwrap().starts_with("devkit/"),
            "{:?}",
            r.headers
        );
    }
    t.assert_no_leak(ADA_TOKEN, &[&out, &status], &[]);
}

#[test]
fn gitlab_login_with_a_wrong_token_fails_and_stores_nothing() {
    let t = GitlabTest::new();
    let out = t.login("glpat-wrong");
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(text.contains("refused the token (401)"), "{text}");
    assert!(text.contains("hint: "), "{text}");
    assert!(!t.ctx.home.join(".local/share/devkit/secrets.toml").exists());
    t.assert_no_leak("glpat-wrong", &[&out], &[]);
}

#[test]
fn gitlab_login_with_an_expired_token_says_so() {
    let t = GitlabTest::new();
    {
        let mut s = t.gitlab.state();
        s.add_token(1, "glpat-old", &["api"], Some("2020-01-01"));
        s.tokens.last_mut().unwrap().expired = true;
    }
    let out = t.login("glpat-old");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all_output(&out).contains("Token has expired"),
        "{}",
        all_output(&out)
    );
    t.assert_no_leak("glpat-old", &[&out], &[]);
}

#[test]
fn gitlab_login_names_missing_scopes_and_near_expiry() {
    let t = GitlabTest::new();
    let soon = days_from_now(5);
    t.gitlab
        .state()
        .add_token(1, "glpat-narrow", &["read_api", "create_runner"], Some(&soon));
    let out = t.login("glpat-narrow");
    assert!(out.status.success(), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(
        text.contains(&format!("expires on {soon} (5 day(s) left)")),
        "{text}"
    );
    assert!(text.contains("lacks the scope `api`"), "{text}");
    assert!(text.contains("devkit gitlab ssh-key add"), "{text}");
    assert!(!text.contains("devkit runner register"), "{text}");
}

#[test]
fn gitlab_url_that_is_not_a_gitlab_is_named() {
    let t = GitlabTest::new();
    t.gitlab.state().html_everywhere = true;
    let out = t.login(ADA_TOKEN);
    assert_eq!(out.status.code(), Some(1));
    let text = all_output(&out);
    assert!(text.contains("does not look like a GitLab API"), "{text}");
    assert!(text.contains("an HTML page"), "{text}");
    assert!(text.contains("gitlab.url"), "{text}");
}

#[test]
fn gitlab_server_down_is_a_clear_error() {
    let t = GitlabTest::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let out = t
        .devkit()
        .env("DEVKIT_GITLAB_URL", format!("http://127.0.0.1:{port}"))
        .args(["login", "gitlab", "--token-stdin"])
        .write_stdin(ADA_TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = all_output(&out);
    assert!(
        text.contains("cannot connect to GitLab") && text.contains("after 5 attempt(s)"),
        "{text}"
    );
    assert!(text.contains("HTTPS_PROXY"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn gitlab_429_storm_is_bounded() {
    let t = GitlabTest::new();
    t.gitlab.state().inject(
        50,
        Fault::Status {
            status: 429,
            retry_after: Some(0),
        },
    );
    let started = Instant::now();
    let out = t.login(ADA_TOKEN);
    assert_eq!(out.status.code(), Some(1));
    let text = all_output(&out);
    assert!(
        text.contains("asks devkit to slow down (429)") && text.contains("after 5 attempt(s)"),
        "{text}"
    );
    assert_eq!(t.gitlab.requests().len(), 5);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn gitlab_retry_after_and_5xx_are_retried() {
    let t = GitlabTest::new();
    {
        let mut s = t.gitlab.state();
        s.inject(
            1,
            Fault::Status {
                status: 429,
                retry_after: Some(1),
            },
        );
        s.inject(
            1,
            Fault::Status {
                status: 503,
                retry_after: None,
            },
        );
        s.inject(1, Fault::Html { status: 502 });
    }
    let started = Instant::now();
    let out = t.login(ADA_TOKEN);
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    // A 500 is not retried.
    let before = t.gitlab.requests().len();
    t.gitlab.state().inject(
        1,
        Fault::Status {
            status: 500,
            retry_after: None,
        },
    );
    let out = t.login(ADA_TOKEN);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all_output(&out).contains("(500): 500 Service Unavailable"),
        "{}",
        all_output(&out)
    );
    assert_eq!(t.gitlab.requests().len(), before + 1);
}

#[test]
fn gitlab_ssh_key_add_creates_uploads_and_never_duplicates() {
    if require_tool("ssh-keygen").is_none() {
        return;
    }
    let t = GitlabTest::new();
    t.logged_in(ADA_TOKEN);
    {
        // Other keys first, over several pages, so the check has to follow pagination.
        let mut s = t.gitlab.state();
        s.max_per_page = 2;
        for i in 0..5 {
            s.add_key(1, &format!("old{i}"), &format!("ssh-ed25519 AAAAold{i} x"));
        }
    }
    let out = t.devkit().args(["gitlab", "ssh-key", "add"]).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(t.ctx.home.join(".ssh/id_ed25519").exists());
    let public = std::fs::read_to_string(t.ctx.home.join(".ssh/id_ed25519.pub")).unwrap();
    assert!(t.gitlab.state().keys.iter().any(|k| k.key == public.trim()));
    let again = t.devkit().args(["gitlab", "ssh-key", "add"]).output().unwrap();
    assert!(again.status.success(), "{}", all_output(&again));
    assert!(
        all_output(&again).contains("already on GitLab"),
        "{}",
        all_output(&again)
    );
    assert_eq!(t.gitlab.state().keys.len(), 6);
    let pages = t
        .gitlab
        .requests()
        .iter()
        .filter(|r| r.target.starts_with("/api/v4/user/keys?") && r.target.contains("page=3"))
        .count();
    assert!(pages >= 2, "pagination not followed");
    // The same key on another account: GitLab's 400 becomes a clear error.
    t.gitlab.state().keys.retain(|k| !k.title.starts_with("devkit"));
    t.gitlab.state().add_key(2, "theirs", public.trim());
    let other = t.devkit().args(["gitlab", "ssh-key", "add"]).output().unwrap();
    assert_eq!(other.status.code(), Some(1));
    assert!(
        all_output(&other).contains("on another account"),
        "{}",
        all_output(&other)
    );
    t.assert_no_leak(ADA_TOKEN, &[&out, &again, &other], &[]);
}

#[test]
fn gitlab_init_creates_the_project_and_pushes_main() {
    let t = GitlabTest::new();
    t.logged_in(ADA_TOKEN);
    t.gitlab.state().add_group("team");
    let out = t.init_in_team(&["--visibility", "internal"]);
    assert!(out.status.success(), "{}", all_output(&out));
    let (repo, visibility) = {
        let s = t.gitlab.state();
        let p = s
            .projects
            .iter()
            .find(|p| p.path_with_namespace == "team/demo")
            .unwrap();
        (p.repo.clone(), p.visibility.clone())
    };
    assert_eq!(visibility, "internal");
    let local = git(&t.ctx.work.join("demo"), &["rev-parse", "HEAD"]);
    let remote = git(
        &repo,
        &[
            "--git-dir",
            repo.to_str().unwrap(),
            "rev-parse",
            "refs/heads/main",
        ],
    );
    assert_eq!(local, remote);
    let log = git(
        &repo,
        &["--git-dir", repo.to_str().unwrap(), "log", "--oneline", "main"],
    );
    assert!(log.contains("Initial commit"), "{log}");
    let origin = git(&t.ctx.work.join("demo"), &["remote", "get-url", "origin"]);
    assert!(origin.starts_with("file://"), "{origin}");
    let config = std::fs::read_to_string(t.ctx.work.join("demo/.git/config")).unwrap();
    assert!(config.contains("merge = refs/heads/main"), "{config}");
    t.assert_no_leak(ADA_TOKEN, &[&out], &[]);
    assert!(!config.contains(ADA_TOKEN));
    // A project that already exists: GitLab's 400 is reported, the local project stays.
    t.gitlab.state().add_project("team/taken", &[(1, 50)]);
    let clash = t
        .devkit()
        .args(["init", "taken", "--defaults", "--gitlab", "--namespace", "team"])
        .output()
        .unwrap();
    assert_eq!(clash.status.code(), Some(1), "{}", all_output(&clash));
    assert!(
        all_output(&clash).contains("has already been taken"),
        "{}",
        all_output(&clash)
    );
    assert!(t.ctx.work.join("taken/.git").exists());
}

#[test]
fn gitlab_init_with_an_unknown_namespace_fails_clearly() {
    let t = GitlabTest::new();
    t.logged_in(ADA_TOKEN);
    let out = t
        .devkit()
        .args(["init", "demo", "--defaults", "--gitlab", "--namespace", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(text.contains("nowhere") && text.contains("404"), "{text}");
    assert!(t.ctx.work.join("demo/.git").exists(), "the local project is kept");
}
