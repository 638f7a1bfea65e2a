//! `devkit configure docker|cargo` and the `docker-credential-devkit` helper protocol on devkit's store.

use crate::configure::{assert_no_leak, devkit, store_token};
use crate::support::{TestContext, all_output, path_with_devkit, require_tool};

const URL: &str = "https://art.example.fr/artifactory";
const TOKEN: &str = "d?>~\"' ok en";

/// The whole environment of a helper process run by docker or cargo: the temporary HOME, the file store and,
/// when given, the site's Artifactory URL.
pub(crate) fn helper_env(ctx: &TestContext, url: Option<&str>) -> Vec<(String, std::ffi::OsString)> {
    let mut env = vec![
        ("HOME".to_string(), ctx.home.clone().into_os_string()),
        (
            "XDG_DATA_HOME".into(),
            ctx.home.join(".local/share").into_os_string(),
        ),
        (
            "XDG_CONFIG_HOME".into(),
            ctx.home.join(".config").into_os_string(),
        ),
        ("DEVKIT_SECRET_STORE".into(), "file".into()),
    ];
    if let Some(url) = url {
        env.push(("DEVKIT_ARTIFACTORY_URL".into(), url.into()));
    }
    env
}

fn helper_with(ctx: &TestContext, extra: &[(&str, &str)], action: &str, stdin: &str) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("docker-credential-devkit").unwrap();
    cmd.env_clear()
        .envs(helper_env(ctx, None))
        .envs(extra.iter().copied())
        .arg(action)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap()
}

fn helper(ctx: &TestContext, action: &str, stdin: &str) -> std::process::Output {
    helper_with(ctx, &[], action, stdin)
}

#[test]
fn docker_config_gets_a_cred_helper_merged_and_undone() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    let config = ctx.home.join(".docker/config.json");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let original = "{\"auths\": {\"other.example\": {}}, \"credHelpers\": {\"gcr.io\": \"gcloud\"}}";
    std::fs::write(&config, original).unwrap();
    let out = devkit(&ctx, URL, &["configure", "docker"])
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", "art.example.fr:5000/docker")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(json["credHelpers"]["art.example.fr:5000"], "devkit");
    assert_eq!(json["credHelpers"]["gcr.io"], "gcloud");
    assert!(json["auths"]["other.example"].is_object());
    let undo = devkit(&ctx, URL, &["configure", "docker", "--undo"])
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", "art.example.fr:5000/docker")
        .output()
        .unwrap();
    assert!(undo.status.success(), "{}", all_output(&undo));
    let back: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let before: serde_json::Value = serde_json::from_str(original).unwrap();
    assert_eq!(back, before);
    assert_no_leak(
        &ctx,
        TOKEN,
        &[&out, &undo],
        &[ctx.home.join(".local/share/devkit/secrets.toml")],
    );
}

#[test]
fn credential_helper_speaks_dockers_protocol() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    let get = helper(&ctx, "get", "art.example.fr\n");
    assert!(get.status.success(), "{}", all_output(&get));
    let answer: serde_json::Value = serde_json::from_slice(&get.stdout).unwrap();
    assert_eq!(answer["ServerURL"], "art.example.fr");
    assert_eq!(answer["Username"], "ada");
    assert_eq!(answer["Secret"], TOKEN);
    assert!(!String::from_utf8_lossy(&get.stderr).contains(TOKEN));
    let list = helper(&ctx, "list", "");
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed["art.example.fr"], "ada");
    let missing = helper(&ctx, "get", "127.0.0.1:5000");
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&missing.stdout).trim(),
        "credentials not found in native keychain"
    );
    let stored = helper(
        &ctx,
        "store",
        r#"{"ServerURL":"127.0.0.1:5000","Username":"bob","Secret":"s3"}"#,
    );
    assert!(stored.status.success(), "{}", all_output(&stored));
    let got: serde_json::Value =
        serde_json::from_slice(&helper(&ctx, "get", "127.0.0.1:5000").stdout).unwrap();
    assert_eq!(got["Secret"], "s3");
    assert!(helper(&ctx, "erase", "127.0.0.1:5000").status.success());
    assert_eq!(helper(&ctx, "get", "127.0.0.1:5000").status.code(), Some(1));
    assert_eq!(helper(&ctx, "frobnicate", "").status.code(), Some(1));
}

#[test]
fn cargo_reads_the_source_replacement() {
    let Some(cargo) = require_tool("cargo") else {
        return;
    };
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    // Port 9 on loopback: nothing listens, so cargo fails fast, and its message shows what it was told to use.
    let local = "http://127.0.0.1:9/artifactory";
    let out = devkit(&ctx, local, &["configure", "cargo"]).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let text = std::fs::read_to_string(ctx.home.join(".cargo/config.toml")).unwrap();
    assert!(text.contains("replace-with = \"artifactory\""), "{text}");
    let project = crate::cargo_registry::cargo_project(&ctx, "itoa = \"1\"");
    let run = crate::cargo_registry::cargo_cmd(&cargo, &ctx, local, &project)
        .arg("generate-lockfile")
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = all_output(&run);
    assert!(
        err.contains("127.0.0.1:9/artifactory/api/cargo/crates-remote/index/"),
        "{err}"
    );
    assert!(err.contains("artifactory"), "{err}");
}

fn helper_for_site(ctx: &TestContext, registry: &str, action: &str, stdin: &str) -> std::process::Output {
    let site = [
        ("DEVKIT_ARTIFACTORY_URL", URL),
        ("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", registry),
    ];
    helper_with(ctx, &site, action, stdin)
}

#[test]
fn a_registry_on_another_host_gets_its_own_or_the_artifactory_credential() {
    let ctx = TestContext::new();
    store_token(&ctx, URL, "ada", TOKEN);
    let registry = "reg.example.fr:5000/team";
    // Served by the site's Artifactory: the Artifactory entry answers for it.
    let get = helper_for_site(&ctx, registry, "get", "reg.example.fr:5000\n");
    assert!(get.status.success(), "{}", all_output(&get));
    let answer: serde_json::Value = serde_json::from_slice(&get.stdout).unwrap();
    assert_eq!(answer["Username"], "ada");
    assert_eq!(answer["Secret"], TOKEN);
    // Any other host never gets the Artifactory token.
    let other = helper_for_site(&ctx, registry, "get", "docker.io");
    assert_eq!(other.status.code(), Some(1));
    assert!(!all_output(&other).contains(TOKEN));
    // Its own credential, stored with `secrets set registry` (default host: the site's registry), wins.
    let set = devkit(
        &ctx,
        URL,
        &[
            "secrets",
            "set",
            "registry",
            "--username",
            "robot",
            "--token-stdin",
        ],
    )
    .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", registry)
    .write_stdin("r0bot-secret")
    .output()
    .unwrap();
    assert!(set.status.success(), "{}", all_output(&set));
    let own: serde_json::Value =
        serde_json::from_slice(&helper_for_site(&ctx, registry, "get", "reg.example.fr:5000").stdout)
            .unwrap();
    assert_eq!(own["Username"], "robot");
    assert_eq!(own["Secret"], "r0bot-secret");
    // Any host, by name.
    let mut cmd = devkit(
        &ctx,
        URL,
        &[
            "secrets",
            "set",
            "registry",
            "--host",
            "ghcr.io",
            "--username",
            "me",
            "--token-stdin",
        ],
    );
    let out = cmd.write_stdin("gh-secret").output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let gh: serde_json::Value =
        serde_json::from_slice(&helper_for_site(&ctx, registry, "get", "ghcr.io").stdout).unwrap();
    assert_eq!(gh["Secret"], "gh-secret");
    let bad = devkit(
        &ctx,
        URL,
        &[
            "secrets",
            "set",
            "artifactory",
            "--host",
            "x",
            "--username",
            "me",
            "--token-stdin",
        ],
    )
    .write_stdin("t")
    .output()
    .unwrap();
    assert_eq!(bad.status.code(), Some(1), "{}", all_output(&bad));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("hint:"));
}

#[test]
fn doctor_checks_that_the_helper_answers_for_the_registry() {
    let ctx = TestContext::new();
    let registry = "reg.example.fr:5000";
    let path = path_with_devkit();
    let doctor = |ctx: &TestContext| {
        devkit(ctx, URL, &["doctor"])
            .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", registry)
            .env("PATH", &path)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap()
    };
    let configure = devkit(&ctx, URL, &["configure", "docker"])
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", registry)
        .output()
        .unwrap();
    assert!(configure.status.success(), "{}", all_output(&configure));
    // No credential at all: the helper check fails, naming the fix.
    store_token(&ctx, "https://elsewhere.example/artifactory", "x", "y");
    // Doctor wraps long lines: compare with whitespace collapsed.
    let flat = |out: &std::process::Output| all_output(out).split_whitespace().collect::<Vec<_>>().join(" ");
    let text = flat(&doctor(&ctx));
    assert!(
        text.contains(
            "fail docker credential helper `docker-credential-devkit get` for `reg.example.fr:5000`"
        ),
        "{text}"
    );
    assert!(
        text.contains("devkit secrets set registry --host reg.example.fr:5000"),
        "{text}"
    );
    store_token(&ctx, URL, "ada", TOKEN);
    let text = flat(&doctor(&ctx));
    assert!(
        text.contains(
            "ok docker credential helper `docker-credential-devkit` answers for `reg.example.fr:5000`"
        ),
        "{text}"
    );
    assert!(!text.contains(TOKEN));
}

#[test]
fn skopeo_reaches_a_registry_on_another_host_with_the_artifactory_credential() {
    let Some(d) = crate::support::require_docker() else {
        return;
    };
    let Some(skopeo) = require_tool("skopeo") else {
        return;
    };
    // The site's Artifactory is on another host than its Docker registry; only the Artifactory entry is stored.
    let ctx = TestContext::new();
    store_token(&ctx, URL, &d.user, &d.pass);
    let out = devkit(&ctx, URL, &["configure", "docker"])
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", &d.registry)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let path = path_with_devkit();
    let inspect = std::process::Command::new(skopeo)
        .args(["inspect", "--tls-verify=false"])
        .arg(format!("docker://{}/local/busybox:latest", d.registry))
        .env_clear()
        .envs(helper_env(&ctx, Some(URL)))
        .env("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", &d.registry)
        .env("XDG_RUNTIME_DIR", ctx.home.join("run"))
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(inspect.status.success(), "skopeo: {}", all_output(&inspect));
    assert_no_leak(
        &ctx,
        &d.pass,
        &[&out, &inspect],
        &[ctx.home.join(".local/share/devkit/secrets.toml")],
    );
}
