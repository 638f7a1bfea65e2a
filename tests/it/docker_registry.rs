//! `devkit configure docker` with real clients: skopeo and the docker CLI (against the test engine) push and pull
//! through `docker-credential-devkit` to a registry with basic auth, including a password (`Secret?>~1`) that
//! breaks naive base64 handling; a wrong password fails; no password lands in a file or in any output.

use crate::support::{DockerEnv, TestContext, all_output, files_containing, require_docker, require_tool};
use std::path::PathBuf;
use std::process::Output;

/// A temporary HOME whose docker config sends `registry` to devkit's helper, holding `user`/`pass`.
fn configured(d: &DockerEnv, user: &str, pass: &str) -> TestContext {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args(["configure", "docker"])
        .env("DEVKIT_SECRET_STORE", "file")
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", &d.registry)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let body = serde_json::json!({"ServerURL": d.registry, "Username": user, "Secret": pass}).to_string();
    let stored = client(&ctx, d, helper_path(), &["store"], Some(&body));
    assert!(stored.status.success(), "{}", all_output(&stored));
    ctx
}

fn helper_path() -> PathBuf {
    PathBuf::from(assert_cmd::cargo::cargo_bin!("docker-credential-devkit"))
}

/// A client run with only the temporary HOME, devkit's helper first on PATH, and the test engine.
fn client(ctx: &TestContext, d: &DockerEnv, program: PathBuf, args: &[&str], stdin: Option<&str>) -> Output {
    let helper_dir = helper_path().parent().unwrap().to_path_buf();
    let mut path = vec![helper_dir];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let mut cmd = ctx.command(program);
    cmd.args(args)
        .env("XDG_RUNTIME_DIR", ctx.home.join("run"))
        .env("DEVKIT_SECRET_STORE", "file")
        .env("DOCKER_HOST", &d.docker_host)
        .env("PATH", std::env::join_paths(path).unwrap())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn assert_no_password(ctx: &TestContext, pass: &str, outputs: &[&Output]) {
    for out in outputs {
        assert!(
            !all_output(out).contains(pass),
            "the password leaked: {}",
            all_output(out)
        );
    }
    let store = ctx.home.join(".local/share/devkit/secrets.toml");
    let leaked = files_containing(&ctx.home, pass, &[store]);
    assert!(leaked.is_empty(), "the password is in {leaked:?}");
}

#[test]
fn skopeo_and_docker_push_and_pull_through_the_helper() {
    let Some(d) = require_docker() else { return };
    let (Some(skopeo), Some(docker)) = (require_tool("skopeo"), require_tool("docker")) else {
        return;
    };
    for (user, pass) in [(&d.user, &d.pass), (&d.user2, &d.pass2)] {
        let ctx = configured(&d, user, pass);
        let src = format!("docker://{}/local/busybox:latest", d.registry);
        let pushed = format!("{}/devkit-test/{user}:1", d.registry);
        let copy = client(
            &ctx,
            &d,
            skopeo.clone(),
            &[
                "copy",
                "--src-tls-verify=false",
                "--dest-tls-verify=false",
                &src,
                &format!("docker://{pushed}"),
            ],
            None,
        );
        assert!(
            copy.status.success(),
            "skopeo push as {user}: {}",
            all_output(&copy)
        );
        let pull = client(&ctx, &d, docker.clone(), &["pull", &pushed], None);
        assert!(
            pull.status.success(),
            "docker pull as {user}: {}",
            all_output(&pull)
        );
        let again = format!("{}/devkit-test/{user}:2", d.registry);
        let tag = client(&ctx, &d, docker.clone(), &["tag", &pushed, &again], None);
        assert!(tag.status.success(), "{}", all_output(&tag));
        let push = client(&ctx, &d, docker.clone(), &["push", &again], None);
        assert!(
            push.status.success(),
            "docker push as {user}: {}",
            all_output(&push)
        );
        let inspect = client(
            &ctx,
            &d,
            skopeo.clone(),
            &["inspect", "--tls-verify=false", &format!("docker://{again}")],
            None,
        );
        assert!(inspect.status.success(), "{}", all_output(&inspect));
        let config = std::fs::read_to_string(ctx.home.join(".docker/config.json")).unwrap();
        assert!(config.contains("\"devkit\""), "{config}");
        assert_no_password(&ctx, pass, &[&copy, &pull, &push, &inspect]);
    }
}

#[test]
fn a_wrong_password_fails_for_skopeo_and_docker() {
    let Some(d) = require_docker() else { return };
    let (Some(skopeo), Some(docker)) = (require_tool("skopeo"), require_tool("docker")) else {
        return;
    };
    let wrong = "not-the-password";
    let ctx = configured(&d, &d.user, wrong);
    let image = format!("{}/local/busybox:latest", d.registry);
    let inspect = client(
        &ctx,
        &d,
        skopeo,
        &["inspect", "--tls-verify=false", &format!("docker://{image}")],
        None,
    );
    assert!(!inspect.status.success(), "{}", all_output(&inspect));
    assert!(
        all_output(&inspect).contains("unauthorized")
            || all_output(&inspect).contains("invalid username/password"),
        "{}",
        all_output(&inspect)
    );
    let pull = client(&ctx, &d, docker, &["pull", &image], None);
    assert!(!pull.status.success(), "{}", all_output(&pull));
    assert!(
        all_output(&pull).contains("unauthorized"),
        "{}",
        all_output(&pull)
    );
    assert_no_password(&ctx, wrong, &[&inspect, &pull]);
}
