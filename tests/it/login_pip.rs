//! `devkit login artifactory` then `devkit configure pip` then a real `pip install` through the fake of
//! Artifactory's token API, which forwards package requests to the loopback PyPI index (tests/pypi/up.sh).

use crate::configure::add_index_user;
use crate::fake_artifactory::FakeArtifactory;
use crate::login::{PASSWORD, assert_clean, devkit, netrc_token, ok, run, secret_files};
use crate::support::{TestContext, all_output, require_tool};
use std::path::PathBuf;

/// The loopback PyPI index of scripts/test.sh (`host:port`, folder), or `None` after a counted skip.
fn pypi_index() -> Option<(String, PathBuf)> {
    let dir = PathBuf::from(crate::configure::pypi_dir()?);
    let url = std::fs::read_to_string(dir.join("url")).unwrap();
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    Some((host, dir))
}

#[test]
fn password_login_then_configure_pip_installs_a_real_package() {
    let Some((upstream, dir)) = pypi_index() else {
        return;
    };
    let (Some(pip), Some(python)) = (require_tool("pip"), require_tool("python")) else {
        return;
    };
    let user = "hopper";
    let fake = FakeArtifactory::start(&[(user, PASSWORD)], Some(upstream));
    let ctx = TestContext::new();
    let logged = devkit(
        &ctx,
        &fake.url,
        &["login", "artifactory", "--username", user, "--password-stdin"],
    )
    .write_stdin(PASSWORD)
    .output()
    .unwrap();
    let logged = ok(logged);
    let conf = ok(run(&ctx, &fake.url, &["configure", "pip"]));
    // The index accepts the token the fake issued, as Artifactory would (pypiserver rereads its htpasswd).
    let token = netrc_token(&ctx);
    add_index_user(&python, &dir, user, &token);
    let install = |target: &str| {
        ctx.command(&pip)
            .args([
                "install",
                "--no-input",
                "--no-cache-dir",
                "--target",
                target,
                "devkit_probe",
            ])
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .output()
            .unwrap()
    };
    let installed = install("t1");
    assert!(installed.status.success(), "{}", all_output(&installed));
    assert!(ctx.work.join("t1/devkit_probe/__init__.py").exists());
    assert!(fake.log().iter().any(|l| l.contains("(forwarded)")));
    assert_clean(&ctx, &fake, &[&logged, &conf, &installed], &secret_files(&ctx));
    let out = ok(run(&ctx, &fake.url, &["logout", "artifactory"]));
    let refused = install("t2");
    assert!(!refused.status.success(), "{}", all_output(&refused));
    assert_clean(&ctx, &fake, &[&out, &refused], &[]);
}
