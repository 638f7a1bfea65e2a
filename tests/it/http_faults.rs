//! The shared HTTP layer against the fakes' "succeed then fail" faults: GitLab or Artifactory carries the
//! request out, then the answer is a 502/504, a dropped connection or a timeout. Nothing is created twice, a
//! lost answer is reconciled (the runner or project is adopted), long waits are announced or refused at once,
//! and the server's own message reaches the user.

use crate::fake_artifactory::{FakeArtifactory, Fault as ArtFault};
use crate::fake_gitlab::{ADA_TOKEN, GitlabTest, state::Fault};
use crate::login::{PASSWORD, USER, devkit as art_devkit};
use crate::support::{TestContext, all_output};
use std::time::{Duration, Instant};

fn runner_setup() -> (GitlabTest, std::path::PathBuf) {
    let t = GitlabTest::new();
    t.gitlab.state().add_project("team/app", &[(1, 40)]);
    t.logged_in(ADA_TOKEN);
    let config = t.ctx.home.join(".gitlab-runner/config.toml");
    (t, config)
}

/// One runner in GitLab, one entry in `config.toml`, holding the token GitLab knows.
fn assert_one_runner(t: &GitlabTest, config: &std::path::Path) {
    let runners = t.gitlab.state().runners.clone();
    assert_eq!(runners.len(), 1, "runners in GitLab: {runners:?}");
    let doc: toml::Table = std::fs::read_to_string(config).unwrap().parse().unwrap();
    let entries = doc["runners"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{doc}");
    assert_eq!(entries[0]["token"].as_str(), Some(runners[0].token.as_str()));
    assert_eq!(entries[0]["id"].as_integer(), Some(runners[0].id as i64));
    let creates = t
        .gitlab
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.target == "/api/v4/user/runners")
        .count();
    assert_eq!(creates, 1, "the create was sent again");
}

/// Registers a shell runner while `fault` hits the create; asserts success and one runner; the output.
fn register_through(fault: Fault, env: &[(&str, &str)]) -> String {
    let (t, config) = runner_setup();
    t.gitlab.state().inject_on("POST", "/api/v4/user/runners", fault);
    let mut cmd = t.devkit();
    cmd.envs(env.iter().copied());
    let out = cmd
        .args([
            "runner",
            "register",
            "--project",
            "team/app",
            "--executor",
            "shell",
        ])
        .output()
        .unwrap();
    let text = all_output(&out);
    assert!(out.status.success(), "{text}");
    assert_one_runner(&t, &config);
    text
}

#[test]
fn runner_created_then_502_is_adopted_not_duplicated() {
    let text = register_through(Fault::AfterAction { status: 502 }, &[]);
    assert!(
        text.contains("answer to the runner creation was lost") && text.contains("Adopted"),
        "{text}"
    );
}

#[test]
fn runner_create_that_timed_out_is_reported_as_lost_not_unreachable() {
    let text = register_through(
        Fault::SlowAfterAction { secs: 3 },
        &[("DEVKIT_HTTP_TIMEOUT_S", "1")],
    );
    assert!(
        !text.contains("cannot reach") && !text.contains("cannot connect"),
        "{text}"
    );
    assert!(text.contains("was lost (timeout"), "{text}");
}

#[test]
fn runner_create_whose_connection_dropped_is_adopted() {
    let text = register_through(Fault::DropAfterAction, &[]);
    assert!(text.contains("Adopted"), "{text}");
}

#[test]
fn project_created_then_504_is_adopted() {
    let t = GitlabTest::new();
    t.logged_in(ADA_TOKEN);
    t.gitlab.state().add_group("team");
    t.gitlab
        .state()
        .inject_on("POST", "/api/v4/projects", Fault::AfterAction { status: 504 });
    let out = t.init_in_team(&[]);
    let text = all_output(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("already been taken"), "{text}");
    assert!(text.contains("Adopted") && text.contains("team/demo"), "{text}");
    let s = t.gitlab.state();
    let projects: Vec<_> = s
        .projects
        .iter()
        .filter(|p| p.path_with_namespace == "team/demo")
        .collect();
    assert_eq!(projects.len(), 1);
    let creates = s
        .log
        .iter()
        .filter(|r| r.method == "POST" && r.target == "/api/v4/projects")
        .count();
    assert_eq!(creates, 1);
}

fn dead_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

#[test]
fn a_dead_port_wait_is_announced_and_logged_with_v() {
    let ctx = TestContext::new();
    let url = dead_port();
    let run = |verbose: bool| {
        let mut cmd = ctx.devkit();
        cmd.env("DEVKIT_GITLAB_URL", &url)
            .env("DEVKIT_SECRET_STORE", "file")
            .env("DEVKIT_HTTP_BACKOFF_MS", "1000")
            .env("DEVKIT_HTTP_ATTEMPTS", "2");
        if verbose {
            cmd.arg("-v");
        }
        cmd.args(["login", "gitlab", "--token-stdin"])
            .write_stdin(format!("{ADA_TOKEN}\n"))
            .output()
            .unwrap()
    };
    let out = run(false);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let host = url.trim_start_matches("http://");
    assert!(
        text.contains("waiting 1") && text.contains(&format!("cannot connect to GitLab at {host}")),
        "{text}"
    );
    assert!(text.contains("then attempt 2 of 2"), "{text}");
    assert!(!text.contains("debug:"), "{text}");
    let out = run(true);
    let text = all_output(&out);
    assert!(
        text.contains(&format!("debug: GET {url}/api/v4/personal_access_tokens/self → ")),
        "{text}"
    );
    assert!(text.contains("debug: retry 2 of 2 of `GET "), "{text}");
    assert!(!text.contains(ADA_TOKEN));
}

#[test]
fn retry_after_an_hour_fails_at_once_saying_when() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    fake.inject(&[ArtFault::Status(429, Some(3600))]);
    let started = Instant::now();
    let out = password_login(&ctx, &fake);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(started.elapsed() < Duration::from_secs(5), "it waited");
    assert!(
        text.contains("asks devkit to slow down (429)") && text.contains("wait 60 min"),
        "{text}"
    );
    assert!(text.contains("hint: try again after 20"), "{text}");
    assert_eq!(fake.log().len(), 1);
}

#[test]
fn jfrog_messages_are_shown() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    let body = r#"{"errors":[{"code":"FORBIDDEN","message":"Token expiry exceeds the maximum allowed (31536000 seconds)"}]}"#;
    fake.inject(&[ArtFault::Json(403, body.into())]);
    let out = password_login(&ctx, &fake);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("403: Token expiry exceeds the maximum allowed (31536000 seconds)"),
        "{text}"
    );
}

fn password_login(ctx: &TestContext, fake: &FakeArtifactory) -> std::process::Output {
    art_devkit(
        ctx,
        &fake.url,
        &["login", "artifactory", "--username", USER, "--password-stdin"],
    )
    .write_stdin(PASSWORD)
    .output()
    .unwrap()
}

#[test]
fn a_second_login_revokes_the_first_token_and_logout_revokes_all() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    let first = password_login(&ctx, &fake);
    assert!(first.status.success(), "{}", all_output(&first));
    let first_ids = fake.valid_ids(USER);
    assert_eq!(first_ids.len(), 1);
    let second = password_login(&ctx, &fake);
    let text = all_output(&second);
    assert!(second.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "Revoked the previous Artifactory token `{}`",
            first_ids[0]
        )),
        "{text}"
    );
    let ids = fake.valid_ids(USER);
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_ne!(ids, first_ids);
    let record =
        std::fs::read_to_string(ctx.home.join(".local/share/devkit/artifactory-tokens.json")).unwrap();
    assert!(
        record.contains(&ids[0]) && !record.contains(&first_ids[0]),
        "{record}"
    );
    for secret in fake.issued() {
        assert!(!record.contains(&secret), "a token in the record");
    }
    // A revocation lost on the way leaves the token recorded; logout revokes every one.
    let mut faults = vec![ArtFault::Pass];
    faults.extend(std::iter::repeat_n(ArtFault::Html(502), 5));
    fake.inject(&faults);
    let third = password_login(&ctx, &fake);
    assert!(third.status.success(), "{}", all_output(&third));
    assert!(
        all_output(&third).contains("was not revoked"),
        "{}",
        all_output(&third)
    );
    assert_eq!(fake.valid_ids(USER).len(), 2);
    let out = art_devkit(&ctx, &fake.url, &["-v", "logout", "artifactory"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(fake.valid_ids(USER).is_empty(), "{:?}", fake.valid_ids(USER));
    let text = all_output(&out);
    assert!(text.contains("debug: DELETE http://127.0.0.1:"), "{text}");
    for secret in fake.issued().iter().map(String::as_str).chain([PASSWORD]) {
        for o in [&first, &second, &third, &out] {
            assert!(!all_output(o).contains(secret), "a secret in the output");
        }
    }
}

#[test]
fn a_refresh_whose_answer_was_lost_is_not_replayed() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    assert!(password_login(&ctx, &fake).status.success());
    let issued = fake.issued().len();
    fake.inject(&[ArtFault::DropAfterAction]);
    let out = art_devkit(&ctx, &fake.url, &["login", "artifactory", "--refresh"])
        .output()
        .unwrap();
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("refreshed the token of `grace` but its answer was lost"),
        "{text}"
    );
    assert!(text.contains("hint: log in again"), "{text}");
    let log = fake.log();
    let refreshes = log
        .iter()
        .filter(|l| l.starts_with("POST /access/api/v1/tokens") && !l.contains("answer"))
        .count();
    assert_eq!(refreshes, 2, "one login, one refresh: {log:?}");
    assert!(
        !log.iter()
            .any(|l| l.starts_with("POST /access/api/v1/tokens 401")),
        "{log:?}"
    );
    assert_eq!(
        fake.issued().len(),
        issued + 2,
        "one refresh minted, no duplicate"
    );
}

#[test]
fn a_refresh_that_never_reached_artifactory_is_sent_again() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    assert!(password_login(&ctx, &fake).status.success());
    // A gateway 502 without the action: the old token still works, so the refresh is safe to send again.
    fake.inject(&[ArtFault::Html(502)]);
    let out = art_devkit(&ctx, &fake.url, &["login", "artifactory", "--refresh"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert_eq!(fake.valid_ids(USER).len(), 1);
}

#[test]
fn a_token_creation_whose_answer_was_lost_leaves_no_orphan() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    fake.inject(&[ArtFault::AfterAction(504)]);
    let out = password_login(&ctx, &fake);
    let text = all_output(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("answer to the token creation was lost") && text.contains("whose answer was lost"),
        "{text}"
    );
    let valid = fake.valid_ids(USER);
    assert_eq!(valid.len(), 1, "the orphan was revoked: {valid:?}");
    let record =
        std::fs::read_to_string(ctx.home.join(".local/share/devkit/artifactory-tokens.json")).unwrap();
    assert!(record.contains(&valid[0]), "{record}");
    // When the tokens cannot be listed, the user learns what may exist.
    let ctx = TestContext::new();
    fake.inject(&[ArtFault::AfterAction(504), ArtFault::Html(500)]);
    let out = password_login(&ctx, &fake);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("may have created a token for `grace`, but its answer was lost"),
        "{text}"
    );
    assert!(
        text.contains("revoke the token described `devkit login artifactory "),
        "{text}"
    );
}

#[test]
fn concurrent_logins_leave_one_valid_stored_token() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    let outs: Vec<_> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| password_login(&ctx, &fake)))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for out in &outs {
        assert!(out.status.success(), "{}", all_output(out));
    }
    assert_eq!(fake.valid_ids(USER).len(), 1, "{:?}", fake.valid_ids(USER));
    let refresh = art_devkit(&ctx, &fake.url, &["login", "artifactory", "--refresh"])
        .output()
        .unwrap();
    assert!(
        refresh.status.success(),
        "the stored token is the valid one: {}",
        all_output(&refresh)
    );
    assert_eq!(fake.valid_ids(USER).len(), 1);
}
