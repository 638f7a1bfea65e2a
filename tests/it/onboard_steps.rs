//! `devkit onboard --non-interactive` on the GitLab step alone (fake GitLab only): a stored token that lacks the
//! `api` scope or that GitLab refuses is not "already done": the step fails, says why and where to make a token,
//! and a good token given next time replaces it.

use crate::fake_gitlab::{ADA_TOKEN, GitlabTest};
use crate::support::all_output;

/// `devkit onboard --non-interactive` with every step but `tools`, `git-identity` and `gitlab-login` skipped.
fn onboard_gitlab(t: &GitlabTest, token: Option<&str>) -> std::process::Output {
    let mut cmd = t.devkit();
    cmd.args(["onboard", "--non-interactive"])
        .env("DEVKIT_GIT_NAME", "Ada Lovelace")
        .env("DEVKIT_GIT_EMAIL", "ada@example.org");
    for step in [
        "ssh-key",
        "ssh-config",
        "artifactory-login",
        "configure",
        "project",
        "doctor",
    ] {
        cmd.args(["--skip", step]);
    }
    if let Some(token) = token {
        cmd.env("DEVKIT_GITLAB_TOKEN", token);
    }
    cmd.output().unwrap()
}

#[test]
fn a_stored_token_without_api_or_refused_is_redone() {
    let t = GitlabTest::new();
    t.gitlab.state().add_token(1, "glpat-read", &["read_api"], None);
    t.logged_in("glpat-read");

    let out = onboard_gitlab(&t, None);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("[3/9] gitlab-login failed"), "{text}");
    assert!(text.contains("`read_api` but devkit needs `api`"), "{text}");
    assert!(
        text.contains("/-/user_settings/personal_access_tokens?name=devkit&scopes=api"),
        "{text}"
    );
    assert!(!text.contains("Already done [3/9]"), "{text}");

    let out = onboard_gitlab(&t, Some(ADA_TOKEN));
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(
        all_output(&out).contains("Done [3/9] gitlab-login"),
        "{}",
        all_output(&out)
    );

    // the token is revoked in GitLab: the next run notices
    t.gitlab
        .state()
        .tokens
        .iter_mut()
        .for_each(|tok| tok.revoked = true);
    let out = onboard_gitlab(&t, None);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("GitLab refused this token"), "{text}");
    t.assert_no_leak(ADA_TOKEN, &[&out], &[]);
}

#[test]
fn the_first_run_checks_tools_and_never_says_already_done() {
    let t = GitlabTest::new();
    let out = onboard_gitlab(&t, Some(ADA_TOKEN));
    let text = all_output(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Checked [1/9] tools"), "{text}");
    assert!(!text.contains("Already done"), "{text}");
}
