//! `devkit images` against a real Docker engine and a registry with basic auth (tests/docker/up.sh): build,
//! push, pull back and run; refused credentials; a missing engine; a failing step; `.dockerignore`; and the
//! Dockerfiles of `ci-images/` through hadolint. Every test that handles a password checks it never shows.

use crate::support::{DockerEnv, TestContext, all_output, require_docker, require_tool, secrets_set};
use std::path::Path;
use std::process::Output;

/// A context whose secret store holds `user`/`pass` for the test registry (as its Artifactory).
fn context(env: &DockerEnv, user: &str, pass: &str) -> TestContext {
    let ctx = TestContext::new();
    let out = secrets_set(devkit(&ctx, env), user, pass);
    assert!(out.status.success(), "{}", all_output(&out));
    ctx
}

fn devkit(ctx: &TestContext, env: &DockerEnv) -> assert_cmd::Command {
    let mut cmd = ctx.devkit();
    cmd.env("DOCKER_HOST", &env.docker_host)
        .env("DEVKIT_SECRET_STORE", "file")
        .env("DEVKIT_ARTIFACTORY_URL", format!("http://{}", env.registry))
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", &env.registry);
    cmd
}

/// `devkit images ARGS` in the context, its output checked for the password.
fn images(ctx: &TestContext, env: &DockerEnv, pass: &str, args: &[&str]) -> Output {
    let out = devkit(ctx, env).arg("images").args(args).output().unwrap();
    let text = all_output(&out);
    assert!(!text.contains(pass), "the password leaked: {text}");
    out
}

/// A Dockerfile folder `name` on the test base image that records a marker and copies its context.
fn project(ctx: &TestContext, name: &str, run: &str) -> String {
    ctx.write(
        &format!("{name}/Dockerfile"),
        &format!(
            "ARG BASE_REGISTRY\nFROM ${{BASE_REGISTRY}}/local/busybox:latest\nCOPY . /app/\n{run}\nCMD [\"cat\", \"/marker\"]\n"
        ),
    );
    name.to_string()
}

/// The docker CLI on the test engine with a credential in a private config folder.
fn docker(env: &DockerEnv, config: &Path, args: &[&str]) -> Output {
    let auth = base64_of(&format!("{}:{}", env.user, env.pass));
    std::fs::write(
        config.join("config.json"),
        format!("{{\"auths\":{{\"{}\":{{\"auth\":\"{auth}\"}}}}}}", env.registry),
    )
    .unwrap();
    let cli = if Path::new("/usr/bin/docker").exists() {
        "/usr/bin/docker"
    } else {
        "docker"
    };
    std::process::Command::new(cli)
        .args(args)
        .env("DOCKER_HOST", &env.docker_host)
        .env("DOCKER_CONFIG", config)
        .output()
        .unwrap()
}

fn base64_of(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `devkit images build` (on the registry's base image) then `push` of `name` to `registry` with `tag`, both
/// succeeding; the output of the push.
fn build_and_push(
    ctx: &TestContext,
    env: &DockerEnv,
    pass: &str,
    name: &str,
    registry: &str,
    tag: &str,
) -> Output {
    let base = format!("BASE_REGISTRY={}", env.registry);
    let common = ["--registry", registry, "--tag", tag];
    let build = images(
        ctx,
        env,
        pass,
        &[&["build", name, "--build-arg", base.as_str()][..], &common].concat(),
    );
    assert!(build.status.success(), "{}", all_output(&build));
    let push = images(ctx, env, pass, &[&["push", name][..], &common].concat());
    assert!(push.status.success(), "{}", all_output(&push));
    push
}

#[test]
fn build_push_pull_and_run_with_dockerignore() {
    let Some(env) = require_docker() else { return };
    let ctx = context(&env, &env.user, &env.pass);
    let name = project(&ctx, "roundtrip", "RUN echo built-by-devkit > /marker");
    ctx.write("roundtrip/kept.txt", "kept\n");
    ctx.write("roundtrip/local.secret", "never in the image\n");
    ctx.write("roundtrip/cache/blob", "excluded folder\n");
    ctx.write("roundtrip/.dockerignore", "*.secret\ncache\n");
    let registry = format!("{}/it", env.registry);
    let out = build_and_push(&ctx, &env, &env.pass, &name, &registry, "rt1");
    let reference = format!("{registry}/roundtrip:rt1");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.starts_with(&format!("{reference}@sha256:")), "{stdout}");

    // Pull it back from the registry into a clean engine state, then run it.
    let config = tempfile::tempdir().unwrap();
    let rmi = docker(&env, config.path(), &["rmi", "-f", &reference]);
    assert!(rmi.status.success(), "{}", all_output(&rmi));
    let pull = docker(&env, config.path(), &["pull", &reference]);
    assert!(pull.status.success(), "{}", all_output(&pull));
    let run = docker(
        &env,
        config.path(),
        &[
            "run",
            "--rm",
            "--network",
            "none",
            &reference,
            "sh",
            "-c",
            "cat /marker; ls -a /app",
        ],
    );
    assert!(run.status.success(), "{}", all_output(&run));
    let listing = String::from_utf8_lossy(&run.stdout);
    assert!(listing.contains("built-by-devkit"), "{listing}");
    assert!(
        listing.contains("kept.txt") && listing.contains("Dockerfile"),
        "{listing}"
    );
    assert!(
        !listing.contains("local.secret"),
        ".dockerignore not honoured: {listing}"
    );
    assert!(
        !listing.contains("cache"),
        ".dockerignore not honoured: {listing}"
    );
}

#[test]
fn a_password_that_breaks_standard_base64_still_pushes() {
    let Some(env) = require_docker() else { return };
    assert_eq!(env.pass2, "Secret?>~1");
    let ctx = context(&env, &env.user2, &env.pass2);
    let name = project(&ctx, "awkward", "RUN echo awkward > /marker");
    let registry = format!("{}/it", env.registry);
    let out = build_and_push(&ctx, &env, &env.pass2, &name, &registry, "pw");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("@sha256:"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn a_wrong_password_is_refused_before_any_upload_naming_the_registry() {
    let Some(env) = require_docker() else { return };
    let wrong = "not-the-password-42";
    let ctx = context(&env, &env.user, wrong);
    let registry = format!("{}/it", env.registry);
    let name = project(&ctx, "refused", "RUN echo x > /marker");
    let out = images(
        &ctx,
        &env,
        wrong,
        &["push", &name, "--registry", &registry, "--tag", "no"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(
        text.contains(&format!("wrong user or password for registry `{}`", env.registry)),
        "{text}"
    );
    assert!(text.contains("devkit secrets set artifactory"), "{text}");
}

#[test]
fn a_missing_engine_names_docker_host() {
    let Some(env) = require_docker() else { return };
    let ctx = TestContext::new();
    let name = project(&ctx, "noengine", "RUN true");
    let missing = format!("unix://{}/docker.sock", ctx.work.display());
    let out = devkit(&ctx, &env)
        .env("DOCKER_HOST", &missing)
        .args(["images", "build", &name])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(
        text.contains(&format!(
            "cannot reach the Docker engine at `{missing}` (from `DOCKER_HOST`)"
        )),
        "{text}"
    );
    assert!(text.contains("hint:") && text.contains("DOCKER_HOST"), "{text}");
}

#[test]
fn a_failing_step_is_named_in_the_error() {
    let Some(env) = require_docker() else { return };
    let ctx = context(&env, &env.user, &env.pass);
    let name = project(&ctx, "broken", "RUN echo about to fail && exit 3");
    let base = format!("BASE_REGISTRY={}", env.registry);
    let registry = format!("{}/it", env.registry);
    let out = images(
        &ctx,
        &env,
        &env.pass,
        &["build", &name, "--registry", &registry, "--build-arg", &base],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(text.contains("build of `"), "{text}");
    assert!(
        text.contains("at step 4/5 `RUN echo about to fail && exit 3`"),
        "{text}"
    );
    assert!(text.contains("returned a non-zero code: 3"), "{text}");
}

#[test]
fn ci_image_dockerfiles_pass_hadolint() {
    let Some(hadolint) = require_tool("hadolint") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci-images");
    for name in ["devkit", "python", "rust"] {
        let out = std::process::Command::new(&hadolint)
            .arg("--config")
            .arg(root.join(".hadolint.yaml"))
            .arg(root.join(name).join("Dockerfile"))
            .output()
            .unwrap();
        assert!(out.status.success(), "hadolint {name}: {}", all_output(&out));
    }
}

#[test]
fn list_shows_the_ci_images_with_their_references() {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args([
            "images",
            "list",
            "--registry",
            "reg.example.fr/ci",
            "--tag",
            "9.9",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let refs: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        [
            "reg.example.fr/ci/devkit:9.9",
            "reg.example.fr/ci/python:9.9",
            "reg.example.fr/ci/rust:9.9"
        ]
    );
    let out = ctx.devkit().args(["images", "list", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all_output(&out).contains("unknown image `nope`"),
        "{}",
        all_output(&out)
    );
}
