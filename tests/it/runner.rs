//! `devkit runner register|list|verify|unregister|service install` against the fake GitLab, and the
//! `config.toml` written as gitlab-runner writes it.

use crate::fake_gitlab::{ADA_TOKEN, GitlabTest, state::DEVELOPER};
use crate::support::all_output;
use std::path::PathBuf;

/// gitlab-runner's documented shape: globals, `[session_server]`, two runners, comments (shared with the
/// unit tests of `src/runner_config/`).
const SAMPLE: &str = include_str!("../fixtures/runner-config.toml");

fn setup() -> (GitlabTest, PathBuf) {
    let t = GitlabTest::new();
    t.gitlab.state().add_project("team/app", &[(1, 40)]);
    t.logged_in(ADA_TOKEN);
    let config = t.ctx.home.join(".gitlab-runner/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, SAMPLE).unwrap();
    (t, config)
}

fn register(t: &GitlabTest, extra: &[&str]) -> std::process::Output {
    t.devkit()
        .args(["runner", "register", "--project", "team/app"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn runner_register_slurm_appends_an_entry_like_gitlab_runner() {
    let (t, config) = setup();
    let out = register(&t, &["--name", "trex"]);
    assert!(out.status.success(), "{}", all_output(&out));
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with(SAMPLE), "other runners changed:\n{text}");
    let runner = t.gitlab.state().runners[0].clone();
    assert!(runner.locked && !runner.run_untagged);
    let create = t
        .gitlab
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.target == "/api/v4/user/runners")
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&create.body).unwrap();
    assert_eq!(body["runner_type"], "project_type");
    assert_eq!(body["run_untagged"], false);
    assert_eq!(runner.tags, vec!["trex", "slurm"]);
    let entry = &text[SAMPLE.len()..];
    let url = t.gitlab.url();
    assert!(entry.starts_with(&format!(
        "[[runners]]\n  name = \"trex\"\n  url = \"{url}\"\n  id = {}\n  token = \"{}\"\n  token_obtained_at = 20",
        runner.id, runner.token
    )), "{entry}");
    assert!(
        entry.contains("  token_expires_at = 0001-01-01T00:00:00Z\n  executor = \"custom\"\n"),
        "{entry}"
    );
    let doc: toml::Table = text.parse().unwrap();
    let new = doc["runners"].as_array().unwrap()[2].as_table().unwrap();
    assert!(matches!(new["token_obtained_at"], toml::Value::Datetime(_)));
    assert!(
        new["builds_dir"]
            .as_str()
            .unwrap()
            .ends_with(".local/share/devkit/ci/builds")
    );
    assert!(new["cache_dir"].as_str().unwrap().starts_with('/'));
    let custom = new["custom"].as_table().unwrap();
    for stage in ["config", "prepare", "run", "cleanup"] {
        assert!(
            custom[&format!("{stage}_exec")]
                .as_str()
                .unwrap()
                .ends_with("devkit")
        );
        assert_eq!(custom[&format!("{stage}_args")][1].as_str(), Some(stage));
    }
    assert_eq!(devkit::atomic_file::existing_mode(&config), Some(0o600));
    t.assert_no_leak(&runner.token, &[&out], std::slice::from_ref(&config));
    t.assert_no_leak(ADA_TOKEN, &[&out], &[]);
}

#[test]
fn runner_register_again_replaces_only_its_entry_and_keeps_rotated_tokens() {
    let (t, config) = setup();
    assert!(register(&t, &["--name", "trex"]).status.success());
    assert!(
        register(&t, &["--name", "other", "--executor", "shell", "--tag", "x"])
            .status
            .success()
    );
    // gitlab-runner rotates the token of `other` meanwhile.
    let old_other = t.gitlab.state().runners[1].token.clone();
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(&old_other, "glrt-rotated");
    std::fs::write(&config, &text).unwrap();
    t.gitlab.state().runners[1].token = "glrt-rotated".into();
    let first = t.gitlab.state().runners[0].clone();
    let out = register(&t, &["--name", "trex"]);
    assert!(out.status.success(), "{}", all_output(&out));
    let after = std::fs::read_to_string(&config).unwrap();
    assert!(after.starts_with(SAMPLE));
    assert!(after.contains("glrt-rotated"), "{after}");
    assert!(!after.contains(&first.token), "old entry kept");
    let state = t.gitlab.state();
    assert!(
        state.runners.iter().all(|r| r.id != first.id),
        "old runner not deleted in GitLab"
    );
    assert_eq!(state.runners.len(), 2);
    assert_eq!(after.matches("name = \"trex\"").count(), 1);
    // The replaced entry stays where it was: before `other`.
    assert!(after.find("name = \"trex\"").unwrap() < after.find("name = \"other\"").unwrap());
}

#[test]
fn runner_register_bad_inputs_leave_everything_untouched() {
    let (t, config) = setup();
    // Missing scope.
    t.gitlab.state().add_token(1, "glpat-read", &["read_api"], None);
    t.logged_in("glpat-read");
    let out = register(&t, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all_output(&out).contains("insufficient_scope"),
        "{}",
        all_output(&out)
    );
    assert!(all_output(&out).contains("create_runner"), "{}", all_output(&out));
    // Developer role.
    t.gitlab.state().add_project("team/dev", &[(1, DEVELOPER)]);
    t.logged_in(ADA_TOKEN);
    let out = t
        .devkit()
        .args(["runner", "register", "--project", "team/dev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all_output(&out).contains("Maintainer or Owner"),
        "{}",
        all_output(&out)
    );
    // Unknown project.
    let out = t
        .devkit()
        .args(["runner", "register", "--project", "team/nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all_output(&out).contains("`team/nope`") && all_output(&out).contains("404"),
        "{}",
        all_output(&out)
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), SAMPLE);
    // Malformed config.toml: clear error, file untouched, nothing created in GitLab.
    let broken = "concurrent = 1\n[[runners]\nname = 1\n";
    std::fs::write(&config, broken).unwrap();
    let out = register(&t, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(all_output(&out).contains("line 2"), "{}", all_output(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), broken);
    // Read-only config.toml.
    std::fs::write(&config, SAMPLE).unwrap();
    let mut perms = std::fs::metadata(&config).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&config, perms).unwrap();
    let out = register(&t, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(all_output(&out).contains("read-only"), "{}", all_output(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), SAMPLE);
    assert!(t.gitlab.state().runners.is_empty());
}

#[test]
fn runner_dry_run_list_verify_unregister() {
    let (t, config) = setup();
    // The sample runners point at the fake too, so that verify talks to no other host.
    let sample = SAMPLE.replace("https://gitlab.example.com/", &format!("{}/", t.gitlab.url()));
    std::fs::write(&config, &sample).unwrap();
    let dry = register(&t, &["--name", "trex", "--dry-run"]);
    assert!(dry.status.success(), "{}", all_output(&dry));
    assert!(String::from_utf8_lossy(&dry.stdout).contains("would create a project runner"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), sample);
    assert!(t.gitlab.state().runners.is_empty());
    assert!(register(&t, &["--name", "trex"]).status.success());
    let list = t
        .devkit()
        .args(["runner", "list", "--project", "team/app", "--format", "json"])
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", all_output(&list));
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(json["runners"].as_array().unwrap().len(), 3);
    assert_eq!(json["project_runners"][0]["description"], "trex");
    let token = t.gitlab.state().runners[0].token.clone();
    t.assert_no_leak(&token, &[&list], std::slice::from_ref(&config));
    // Only `trex` is known to the fake: the two sample runners are stale.
    let verify = t.devkit().args(["runner", "verify"]).output().unwrap();
    assert_eq!(verify.status.code(), Some(1));
    let text = all_output(&verify);
    let trex_id = t.gitlab.state().runners[0].id;
    assert!(text.contains(&format!("Valid `trex` (id {trex_id})")), "{text}");
    assert!(
        text.contains("2 stale runner(s): docker-runner, shell-runner"),
        "{text}"
    );
    assert!(t.ctx.home.join(".gitlab-runner/.runner_system_id").exists());
    let out = t
        .devkit()
        .args(["runner", "unregister", "trex"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(t.gitlab.state().runners.is_empty());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), sample);
    let out = t
        .devkit()
        .args(["runner", "unregister", "trex"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(all_output(&out).contains("docker-runner"), "{}", all_output(&out));
}

#[test]
fn runner_service_install_writes_a_user_unit_or_prints_the_command() {
    let t = GitlabTest::new();
    let out = t
        .devkit()
        .args(["runner", "service", "install", "--systemd", "yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let unit = std::fs::read_to_string(
        t.ctx
            .home
            .join(".config/systemd/user/devkit-gitlab-runner.service"),
    )
    .unwrap();
    let config = t.ctx.home.join(".gitlab-runner/config.toml");
    assert!(
        unit.contains(&format!("run --config {}", config.display())),
        "{unit}"
    );
    assert!(
        all_output(&out).contains("loginctl enable-linger"),
        "{}",
        all_output(&out)
    );
    let out = t
        .devkit()
        .args(["runner", "service", "install", "--systemd", "no"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("gitlab-runner run --config"));
}
