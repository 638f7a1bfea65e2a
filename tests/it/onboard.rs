//! `devkit onboard --non-interactive` end to end in a temporary HOME: the fake GitLab, the loopback package
//! index, the test registry and the Slurm cluster of `scripts/test.sh`. Afterwards pip installs through the index,
//! skopeo inspects through the credential helper, `ssh -G` resolves the aliases, a second run changes nothing,
//! `devkit doctor` names each broken state with its fix, and the first project runs its trex-job plugin on Slurm.

use crate::configure::{assert_no_leak, client, server};
use crate::fake_gitlab::{ADA_TOKEN, GitlabTest};
use crate::slurm::slurm_conf;
use crate::support::{all_output, path_with_devkit, require_docker, require_tool, secrets_set};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

/// Every file below `root` with its bytes and mode.
fn snapshot(root: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, (std::fs::read(&path).unwrap(), meta.permissions().mode()));
            }
        }
    }
    out
}

/// `devkit doctor --format json` with extra variables; the check named `name`.
fn doctor_check(
    t: &GitlabTest,
    env: &[(&str, &str)],
    extra: &[(&str, &str)],
    name: &str,
) -> serde_json::Value {
    let mut cmd = t.devkit();
    cmd.args(["doctor", "--format", "json"]);
    for (k, v) in env.iter().chain(extra) {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", all_output(&out)));
    let check = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().is_some_and(|n| n.starts_with(name)))
        .unwrap_or_else(|| panic!("no check {name}: {json}"))
        .clone();
    if check["status"] == "fail" {
        assert_eq!(out.status.code(), Some(1), "a failed check fails doctor");
    }
    check
}

fn hint(check: &serde_json::Value) -> String {
    check["hint"].as_str().unwrap_or_default().to_string()
}

#[test]
fn onboard_sets_everything_up_once_and_doctor_names_each_broken_state() {
    let (Some(srv), Some(conf)) = (server(), slurm_conf()) else {
        return;
    };
    let (Some(pip), Some(ssh)) = (require_tool("pip"), require_tool("ssh")) else {
        return;
    };
    let docker = require_docker();
    let t = GitlabTest::new();
    let registry = docker
        .as_ref()
        .map_or("127.0.0.1:9", |d| d.registry.as_str())
        .to_string();
    let env: Vec<(&str, &str)> = vec![
        ("DEVKIT_ARTIFACTORY_URL", &srv.url),
        ("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", &registry),
        ("DEVKIT_GITLAB_SSH_HOST", "gitlab.example.org"),
        ("DEVKIT_GITLAB_SSH_PORT", "2222"),
        ("DEVKIT_GITLAB_SSH_HOST_OUTSIDE", "ssh.gitlab.example.org"),
        ("DEVKIT_GITLAB_SSH_PROXY_JUMP_OUTSIDE", "bastion.example.org"),
        ("DEVKIT_TREX_LOGIN_HOST", "127.0.0.1"),
        ("DEVKIT_TREX_LOGIN_HOST_OUTSIDE", "localhost"),
        ("SLURM_CONF", &conf),
        ("DEVKIT_GIT_NAME", "Ada Lovelace"),
        ("DEVKIT_GIT_EMAIL", "ada@example.org"),
        ("DEVKIT_ARTIFACTORY_USER", &srv.user),
        ("DEVKIT_ONBOARD_SSH_USER", "alovelace"),
        ("DEVKIT_ONBOARD_PROJECT", "first"),
        ("DEVKIT_ONBOARD_GIT_PROTOCOL", "https"),
    ];
    let secrets = format!("{ADA_TOKEN}\n{}\n", srv.token);
    let onboard = |stdin: &str| -> Output {
        let mut cmd = t.devkit();
        cmd.args(["onboard", "--non-interactive", "--secrets-stdin"]);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        cmd.write_stdin(stdin.to_string()).output().unwrap()
    };

    // nothing given: every missing answer is listed, nothing is done
    let mut bare = t.devkit();
    bare.args(["onboard", "--non-interactive"]);
    let missing = bare.output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    let text = all_output(&missing);
    for what in [
        "git user name",
        "GitLab personal access token",
        "Artifactory user name",
        "Artifactory token",
    ] {
        assert!(text.contains(what), "{text}");
    }
    assert!(
        !t.ctx.home.join(".ssh").exists() && !t.ctx.home.join(".local/share/devkit/onboard.toml").exists()
    );

    let first = onboard(&secrets);
    assert!(first.status.success(), "{}", all_output(&first));
    let log = all_output(&first);
    assert!(log.contains("[9/9] doctor"), "{log}");

    // pip installs through the index with only what onboard wrote
    let target = t.ctx.work.join("site-packages");
    let target = target.to_str().unwrap();
    let args = [
        "install",
        "--no-input",
        "--no-cache-dir",
        "--target",
        target,
        "devkit_probe",
    ];
    let installed = client(&t.ctx, &pip, &args);
    assert!(installed.status.success(), "{}", all_output(&installed));

    // the SSH aliases parse as ssh reads them
    let config = t.ctx.home.join(".ssh/config");
    let resolve = |alias: &str| {
        let out = std::process::Command::new(&ssh)
            .args(["-G", "-F"])
            .arg(&config)
            .arg(alias)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", all_output(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let gitlab = resolve("gitlab");
    assert!(
        gitlab.contains("hostname gitlab.example.org\n") && gitlab.contains("port 2222\n"),
        "{gitlab}"
    );
    assert!(gitlab.contains("user git\n"), "{gitlab}");
    let outside = resolve("gitlab-outside");
    assert!(outside.contains("hostname ssh.gitlab.example.org\n"), "{outside}");
    assert!(outside.contains("proxyjump bastion.example.org\n"), "{outside}");
    let trex = resolve("trex");
    assert!(
        trex.contains("hostname 127.0.0.1\n") && trex.contains("user alovelace\n"),
        "{trex}"
    );
    assert!(resolve("trex-outside").contains("hostname localhost\n"));

    // skopeo through docker-credential-devkit (the registry's own account stands in for the Artifactory token)
    if let (Some(d), Some(skopeo)) = (&docker, require_tool("skopeo")) {
        let helper = assert_cmd::cargo::cargo_bin!("docker-credential-devkit");
        let stored = t
            .ctx
            .command(helper)
            .arg("store")
            .env("DEVKIT_SECRET_STORE", "file")
            .stdin(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                let body = serde_json::json!({"ServerURL": d.registry, "Username": d.user, "Secret": d.pass});
                c.stdin.take().unwrap().write_all(body.to_string().as_bytes())?;
                c.wait()
            })
            .unwrap();
        assert!(stored.success());
        let inspected = t
            .ctx
            .command(skopeo)
            .args(["inspect", "--tls-verify=false"])
            .arg(format!("docker://{}/local/busybox:latest", d.registry))
            .env("DEVKIT_SECRET_STORE", "file")
            .env("PATH", path_with_devkit())
            .output()
            .unwrap();
        assert!(inspected.status.success(), "{}", all_output(&inspected));
    }

    // a second run changes nothing, here or in GitLab
    let before_home = snapshot(&t.ctx.home);
    let before_work = snapshot(&t.ctx.work.join("first"));
    let counts = |t: &GitlabTest| {
        let s = t.gitlab.state();
        (s.projects.len(), s.runners.len(), s.keys.len())
    };
    let before_gitlab = counts(&t);
    let second = onboard(&secrets);
    assert!(second.status.success(), "{}", all_output(&second));
    assert_eq!(before_gitlab, counts(&t));
    assert_eq!(before_gitlab, (1, 1, 1));
    let after_home = snapshot(&t.ctx.home);
    let changed: Vec<_> = after_home
        .iter()
        .filter(|(k, v)| before_home.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    assert!(changed.is_empty(), "changed by the second run: {changed:?}");
    assert_eq!(before_work, snapshot(&t.ctx.work.join("first")));
    let log2 = all_output(&second);
    assert!(log2.contains("Already done [8/9] project"), "{log2}");

    // secrets appear only in the store and the files that must hold them
    let share = t.ctx.home.join(".local/share/devkit");
    t.assert_no_leak(ADA_TOKEN, &[&first, &second], &[]);
    assert_no_leak(
        &t.ctx,
        &srv.token,
        &[&first, &second],
        &[
            share.join("secrets.toml"),
            t.ctx.home.join(".netrc"),
            t.ctx.home.join(".pypirc"),
        ],
    );

    // doctor: healthy, then each broken state with its fix
    assert_eq!(doctor_check(&t, &env, &[], "gitlab token")["status"], "ok");
    let netrc = t.ctx.home.join(".netrc");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&netrc, std::fs::Permissions::from_mode(0o644)).unwrap();
        let c = doctor_check(&t, &env, &[], "config pip");
        assert_eq!(c["status"], "fail", "{c}");
        assert!(hint(&c).contains("chmod 600"), "{c}");
        std::fs::set_permissions(&netrc, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let saved = std::fs::read(&netrc).unwrap();
    std::fs::remove_file(&netrc).unwrap();
    let c = doctor_check(&t, &env, &[], "config pip");
    assert_eq!(c["status"], "fail", "{c}");
    assert!(c["detail"].as_str().unwrap().contains(".netrc"), "{c}");
    assert!(hint(&c).contains("devkit configure pip"), "{c}");
    std::fs::write(&netrc, saved).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&netrc, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let c = doctor_check(
        &t,
        &env,
        &[("DEVKIT_ARTIFACTORY_URL", "http://127.0.0.1:9/artifactory")],
        "reach artifactory",
    );
    assert_eq!(c["status"], "fail", "{c}");
    assert!(hint(&c).contains("artifactory.url"), "{c}");
    t.gitlab
        .state()
        .tokens
        .iter_mut()
        .for_each(|tok| tok.expired = true);
    let c = doctor_check(&t, &env, &[], "gitlab token");
    assert_eq!(c["status"], "fail", "{c}");
    assert!(hint(&c).contains("devkit login gitlab"), "{c}");
    t.gitlab
        .state()
        .tokens
        .iter_mut()
        .for_each(|tok| tok.expired = false);
    let runner_count = t.gitlab.state().runners.len();
    let removed = t.gitlab.state().runners.pop();
    assert_eq!(runner_count, 1);
    let c = doctor_check(&t, &env, &[], "runner ");
    assert_eq!(c["status"], "fail", "{c}");
    assert!(
        hint(&c).contains("devkit runner unregister ada-first-slurm"),
        "{c}"
    );
    t.gitlab.state().runners.extend(removed);
    let healthy = {
        let mut cmd = t.devkit();
        cmd.arg("doctor");
        for (k, v) in &env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    assert!(healthy.status.success(), "{}", all_output(&healthy));

    // the first project runs its trex-job plugin on Slurm through gitlab-ci-local
    let Some((glcl, conf)) = crate::plugins_run::tools() else {
        return;
    };
    let project = t.ctx.work.join("first");
    crate::plugins_run::sample_project(
        &project,
        "include:\n  - local: plugins/trex-job.yml\n    inputs:\n      job_prefix: first\n      script: echo \"first project on $(hostname)\"\n      partition: debug\n",
    );
    let (passed, log) = crate::plugins_run::run_pipeline(&t.ctx, &glcl, &conf, &project, &[]);
    assert!(passed, "{log}");
    assert!(log.contains("PASS  first-run"), "{log}");
}

#[test]
fn doctor_reports_an_expired_artifactory_token() {
    use base64::Engine as _;
    let t = GitlabTest::new();
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    // A JWT-shaped Artifactory token that expired in 1970.
    let token = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"RS256"}"#),
        b64(r#"{"sub":"jfac@01/users/ada","exp":1000}"#),
        b64("signature")
    );
    let out = secrets_set(t.devkit(), "ada", &token);
    assert!(out.status.success(), "{}", all_output(&out));
    let c = doctor_check(&t, &[], &[], "artifactory token");
    assert_eq!(c["status"], "fail", "{c}");
    assert!(c["detail"].as_str().unwrap().contains("has expired"), "{c}");
    assert!(hint(&c).contains("devkit login artifactory"), "{c}");
    assert!(!c.to_string().contains(&token));
}
