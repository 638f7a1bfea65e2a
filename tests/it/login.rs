//! `devkit login artifactory` / `devkit logout artifactory` against the stateful fake of Artifactory's token API
//! (and, through it, the loopback PyPI index with real pip): password and token logins, refresh with rotation
//! under a lock, expiry, retries, revocation, and no token or password in any output or file under HOME.

use crate::configure::assert_no_leak;
use crate::fake_artifactory::{FakeArtifactory, Fault};
use crate::support::{TestContext, all_output};
use std::path::PathBuf;
use std::process::Output;

pub(crate) const USER: &str = "grace";
pub(crate) const PASSWORD: &str = "pa ss\"w0rd&=%+";

pub(crate) fn devkit(ctx: &TestContext, url: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = ctx.devkit();
    cmd.args(args)
        .env("DEVKIT_ARTIFACTORY_URL", url)
        .env("DEVKIT_SECRET_STORE", "file")
        .env("DEVKIT_HTTP_BACKOFF_MS", "5");
    cmd
}

fn login(ctx: &TestContext, url: &str) -> Output {
    let out = devkit(
        ctx,
        url,
        &["login", "artifactory", "--username", USER, "--password-stdin"],
    )
    .write_stdin(format!("{PASSWORD}\n"))
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    out
}

pub(crate) fn run(ctx: &TestContext, url: &str, args: &[&str]) -> Output {
    devkit(ctx, url, args).output().unwrap()
}

pub(crate) fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", all_output(&out));
    out
}

fn fails_with(out: &Output, needles: &[&str]) {
    let text = all_output(out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for n in needles {
        assert!(text.contains(n), "`{n}` not in: {text}");
    }
}

/// Neither the password nor any token the fake issued is in the outputs or in a file under HOME but `allowed`.
pub(crate) fn assert_clean(
    ctx: &TestContext,
    fake: &FakeArtifactory,
    outputs: &[&Output],
    allowed: &[PathBuf],
) {
    for secret in fake.issued().iter().map(String::as_str).chain([PASSWORD]) {
        assert_no_leak(ctx, secret, outputs, allowed);
    }
}

pub(crate) fn netrc_token(ctx: &TestContext) -> String {
    let text = std::fs::read_to_string(ctx.home.join(".netrc")).unwrap();
    let words: Vec<&str> = text.split_whitespace().collect();
    let i = words.iter().position(|w| *w == "password").unwrap();
    words[i + 1].trim_matches('"').to_string()
}

pub(crate) fn secret_files(ctx: &TestContext) -> Vec<PathBuf> {
    vec![
        ctx.home.join(".netrc"),
        ctx.home.join(".pypirc"),
        ctx.home.join(".local/share/devkit/secrets.toml"),
    ]
}

#[test]
fn password_login_refresh_and_logout_update_every_file() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    let logged = login(&ctx, &fake.url);
    assert!(
        all_output(&logged).contains("expires in 30 days"),
        "{}",
        all_output(&logged)
    );
    let create = fake.log();
    assert_eq!(create, vec!["POST /access/api/v1/tokens 200"]);
    let pip = ok(run(&ctx, &fake.url, &["configure", "pip"]));
    let twine = ok(run(&ctx, &fake.url, &["configure", "twine"]));
    let first = netrc_token(&ctx);
    assert_eq!(fake.valid_tokens(), vec![first.clone()]);
    assert!(
        std::fs::read_to_string(ctx.home.join(".pypirc"))
            .unwrap()
            .contains(&first)
    );

    let refreshed = ok(run(&ctx, &fake.url, &["login", "artifactory", "--refresh"]));
    let second = netrc_token(&ctx);
    assert_ne!(first, second);
    assert_eq!(fake.valid_tokens(), vec![second.clone()]);
    let pypirc = std::fs::read_to_string(ctx.home.join(".pypirc")).unwrap();
    assert!(pypirc.contains(&second) && !pypirc.contains(&first), "{pypirc}");
    assert_clean(
        &ctx,
        &fake,
        &[&logged, &pip, &twine, &refreshed],
        &secret_files(&ctx),
    );

    let out = ok(run(&ctx, &fake.url, &["logout", "artifactory"]));
    let log = fake.log();
    assert!(
        log.iter()
            .any(|l| l.starts_with("DELETE /access/api/v1/tokens/tid-") && l.ends_with(" 200")),
        "{log:?}"
    );
    assert!(fake.valid_tokens().is_empty());
    assert!(!ctx.home.join(".netrc").exists());
    let pypirc = std::fs::read_to_string(ctx.home.join(".pypirc")).unwrap();
    assert!(
        !pypirc.contains("password") && pypirc.contains("repository"),
        "{pypirc}"
    );
    let status = ok(run(&ctx, &fake.url, &["secrets", "status"]));
    assert!(
        all_output(&status).contains("entries:  none"),
        "{}",
        all_output(&status)
    );
    // After logout no file under HOME holds any token or the password, not even the store.
    assert_clean(&ctx, &fake, &[&out, &status], &[]);
}

#[test]
fn token_login_takes_the_user_from_the_jwt_and_refuses_bad_tokens() {
    let fake = FakeArtifactory::start(&[], None);
    let ctx = TestContext::new();
    let token = fake.mint("linus", 3600);
    let out = devkit(&ctx, &fake.url, &["login", "artifactory", "--token-stdin"])
        .write_stdin(token.clone())
        .output()
        .unwrap();
    let text = all_output(&ok(out.clone()));
    assert!(text.contains("as `linus`"), "{text}");
    let log = fake.log();
    assert_eq!(
        log,
        vec![
            "GET /artifactory/api/system/ping 200",
            "GET /artifactory/api/pypi/pypi-remote/simple/ 200"
        ]
    );
    let opaque = devkit(&ctx, &fake.url, &["login", "artifactory", "--token-stdin"])
        .write_stdin("cmVmdGtuOjAxOm9wYXF1ZQ")
        .output()
        .unwrap();
    fails_with(&opaque, &["not a JWT", "--username USER"]);
    let expired = devkit(&ctx, &fake.url, &["login", "artifactory", "--token-stdin"])
        .write_stdin(fake.mint("linus", -10))
        .output()
        .unwrap();
    fails_with(
        &expired,
        &[
            "the token expired",
            "hint: log in again with `devkit login artifactory`",
        ],
    );
    let unknown = FakeArtifactory::start(&[], None).mint("linus", 3600);
    let refused = devkit(&ctx, &fake.url, &["login", "artifactory", "--token-stdin"])
        .write_stdin(unknown.clone())
        .output()
        .unwrap();
    fails_with(&refused, &["artifactory refused the token", "401"]);
    for secret in [&token, &unknown] {
        assert_no_leak(
            &ctx,
            secret,
            &[&out, &opaque, &expired, &refused],
            &secret_files(&ctx),
        );
    }
}

#[test]
fn an_expired_token_that_cannot_be_refreshed_stops_configure_clearly() {
    let fake = FakeArtifactory::start(&[], None);
    let ctx = TestContext::new();
    let token = fake.mint(USER, 2);
    ok(
        devkit(&ctx, &fake.url, &["login", "artifactory", "--token-stdin"])
            .write_stdin(token.clone())
            .output()
            .unwrap(),
    );
    ok(run(&ctx, &fake.url, &["configure", "pip"]));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let out = run(&ctx, &fake.url, &["configure", "pip"]);
    fails_with(&out, &["the token expired", "devkit login artifactory"]);
    assert_no_leak(&ctx, &token, &[&out], &secret_files(&ctx));
}

#[test]
fn concurrent_refreshes_keep_the_rotating_chain_and_configure_refreshes_near_expiry() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    // A token with 2 s to live, 2.1 s later (expired, but refreshable): configure
    // refreshes it first. Later tokens live an hour.
    fake.force_lifetime(2);
    let ctx = TestContext::new();
    login(&ctx, &fake.url);
    fake.force_lifetime(3600);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let conf = ok(run(&ctx, &fake.url, &["configure", "pip"]));
    assert!(all_output(&conf).contains("Refreshed"), "{}", all_output(&conf));
    assert_eq!(fake.log().len(), 2, "{:?}", fake.log());
    let spawn = || {
        let mut cmd = ctx.devkit_std();
        cmd.env("DEVKIT_ARTIFACTORY_URL", &fake.url)
            .env("DEVKIT_SECRET_STORE", "file")
            .args(["login", "artifactory", "--refresh"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let a = ok(a);
    let b = ok(b);
    let refreshes: Vec<String> = fake.log().into_iter().skip(2).collect();
    assert_eq!(
        refreshes,
        vec!["POST /access/api/v1/tokens 200", "POST /access/api/v1/tokens 200"],
        "each refresh used the refresh token the other one stored"
    );
    assert_eq!(fake.valid_tokens(), vec![netrc_token(&ctx)]);
    let third = ok(run(&ctx, &fake.url, &["login", "artifactory", "--refresh"]));
    assert_eq!(fake.valid_tokens(), vec![netrc_token(&ctx)]);
    assert_clean(&ctx, &fake, &[&conf, &a, &b, &third], &secret_files(&ctx));
}

#[test]
fn wrong_password_retries_html_and_unreachable_servers_give_clear_errors() {
    let fake = FakeArtifactory::start(&[(USER, PASSWORD)], None);
    let ctx = TestContext::new();
    let bad = devkit(
        &ctx,
        &fake.url,
        &["login", "artifactory", "--username", USER, "--password-stdin"],
    )
    .write_stdin("not-the-password")
    .output()
    .unwrap();
    fails_with(
        &bad,
        &[
            "artifactory refused the user name or password of `grace`",
            "hint:",
        ],
    );
    assert!(!all_output(&bad).contains("not-the-password"));

    // A rate limit refuses the request before acting on it: the POST is sent again.
    fake.inject(&[Fault::Status(429, Some(1))]);
    login(&ctx, &fake.url);
    let log = fake.log();
    assert_eq!(
        &log[1..],
        ["POST /access/api/v1/tokens 429", "POST /access/api/v1/tokens 200"]
    );

    // A gateway error may hide a token Artifactory created: devkit looks for it before creating once more.
    fake.inject(&[Fault::Html(502)]);
    let html = devkit(
        &ctx,
        &fake.url,
        &["login", "artifactory", "--username", USER, "--password-stdin"],
    )
    .write_stdin(PASSWORD)
    .output()
    .unwrap();
    assert!(html.status.success(), "{}", all_output(&html));
    assert!(all_output(&html).contains("(Artifactory answered 502): looking for the token"));
    assert_eq!(
        fake.log()[log.len()..log.len() + 3],
        [
            "POST /access/api/v1/tokens 502",
            "GET /access/api/v1/tokens 200",
            "POST /access/api/v1/tokens 200"
        ]
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/artifactory", closed.local_addr().unwrap());
    drop(closed);
    let started = std::time::Instant::now();
    let down = devkit(
        &ctx,
        &url,
        &["login", "artifactory", "--username", USER, "--password-stdin"],
    )
    .write_stdin(PASSWORD)
    .output()
    .unwrap();
    fails_with(
        &down,
        &[
            "cannot connect to Artifactory at `",
            "/access/api/v1/tokens` after 5 attempt(s)",
            "HTTPS_PROXY",
        ],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_clean(&ctx, &fake, &[&bad, &html, &down], &secret_files(&ctx));
}
