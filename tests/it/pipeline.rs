//! devkit's own `.gitlab-ci.yml`: valid against GitLab's schema, its plugin self-test includes the plugins of the
//! same commit with inputs their specs accept, release jobs only on semver tags, the release stamp of the plugins'
//! `devkit_version`, and no literal site value in the plugins.

use crate::plugin_spec::{plugin, plugins, plugins_dir};
use crate::schema::assert_valid_gitlab_ci;
use crate::support::{TestContext, all_output, git};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn pipeline() -> Value {
    serde_saphyr::from_str(&read(".gitlab-ci.yml")).unwrap()
}

#[test]
fn devkit_pipelines_are_valid_gitlab_ci() {
    assert_valid_gitlab_ci(&read(".gitlab-ci.yml"), ".gitlab-ci.yml");
    assert_valid_gitlab_ci(&read("scripts/components-ci.yml"), "scripts/components-ci.yml");
}

#[test]
fn the_self_test_includes_plugins_of_this_commit_with_accepted_inputs() {
    let ci = pipeline();
    let includes = ci["include"].as_array().expect("`include:` list");
    let mut seen = Vec::new();
    for include in includes {
        let local = include["local"]
            .as_str()
            .expect("local includes only: the same commit");
        let name = local
            .strip_prefix("plugins/")
            .and_then(|f| f.strip_suffix(".yml"))
            .unwrap_or_else(|| panic!("{local}"));
        let given = include["inputs"].as_object().cloned().unwrap_or_default();
        let jobs = plugin(name)
            .interpolate(&given)
            .unwrap_or_else(|e| panic!("{local}: {e}"));
        for job in jobs.as_object().unwrap().keys().filter(|k| !k.starts_with('.')) {
            assert!(job.starts_with("selftest-"), "{job}");
            assert_eq!(jobs[job]["stage"], "self-test", "{job}");
            assert_eq!(
                ci[job]["needs"],
                serde_json::json!(["build"]),
                "{job} runs the devkit built here"
            );
        }
        seen.push(name.to_string());
    }
    assert!(seen.contains(&"trex-job".to_string()), "{seen:?}");
    let build = &ci["build"]["artifacts"]["paths"];
    assert!(
        build.as_array().unwrap().contains(&".devkit/bin/devkit".into()),
        "{build}"
    );
}

#[test]
fn release_jobs_run_on_semver_tags_only() {
    let ci = pipeline();
    let rule = ci[".semver-tag"]["rules"][0]["if"].as_str().unwrap();
    assert!(rule.contains("CI_COMMIT_TAG =~ /^v[0-9]+"), "{rule}");
    let jobs: Vec<&String> = ci
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("release"))
        .collect();
    assert!(jobs.len() >= 5, "{jobs:?}");
    for job in jobs {
        assert_eq!(ci[job]["extends"], ".semver-tag", "{job}");
        assert_eq!(ci[job]["stage"], "release", "{job}");
    }
    assert!(ci["release"]["release"]["tag_name"].is_string());
    let publish = serde_json::to_string(&ci["release-plugins"]).unwrap();
    assert!(publish.contains("publish-components.sh"), "{publish}");
}

#[test]
fn release_stamp_rewrites_only_the_devkit_version_defaults() {
    let ctx = TestContext::new();
    let copy = ctx.work.join("copy");
    std::fs::create_dir_all(copy.join("plugins")).unwrap();
    std::fs::copy(root().join("Cargo.toml"), copy.join("Cargo.toml")).unwrap();
    for p in plugins() {
        std::fs::write(copy.join(format!("plugins/{}.yml", p.name)), &p.text).unwrap();
    }
    let stamp = root().join("scripts/release-stamp.sh");
    let check = |version: &str| {
        Command::new(&stamp)
            .args(["--check", version])
            .arg(&copy)
            .output()
            .unwrap()
    };
    assert!(check(env!("CARGO_PKG_VERSION")).status.success());
    let out = Command::new(&stamp).args(["9.8.7"]).arg(&copy).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    for p in plugins() {
        let stamped = std::fs::read_to_string(copy.join(format!("plugins/{}.yml", p.name))).unwrap();
        let expected = p.text.replacen(
            &format!("default: \"{}\"", env!("CARGO_PKG_VERSION")),
            "default: \"9.8.7\"",
            1,
        );
        assert_eq!(
            stamped, expected,
            "{}: only the devkit_version default changes",
            p.name
        );
    }
    let out = check("9.8.7");
    assert!(!out.status.success(), "Cargo.toml is still at the old version");
    assert!(
        all_output(&out).contains("Cargo.toml version"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn plugins_hold_no_literal_site_value() {
    let ctx = TestContext::new();
    let site = ctx.site_profile();
    let mut values = Vec::new();
    for section in site.as_object().unwrap().values().filter_map(Value::as_object) {
        values.extend(section.values().filter_map(Value::as_str).map(String::from));
    }
    values.retain(|v| v.len() >= 6 && v.contains('.'));
    assert!(values.iter().any(|v| v.contains("artifactory")), "{values:?}");
    for p in plugins() {
        for value in &values {
            assert!(
                !p.text.contains(value.as_str()),
                "plugins/{}.yml holds `{value}`",
                p.name
            );
        }
    }
}

#[test]
fn gitlab_ci_local_accepts_the_devkit_pipeline() {
    let Some(glcl) = crate::plugins_run::gitlab_ci_local() else {
        return;
    };
    let ctx = TestContext::new();
    let copy = ctx.work.join("devkit");
    std::fs::create_dir_all(copy.join("plugins")).unwrap();
    std::fs::copy(root().join(".gitlab-ci.yml"), copy.join(".gitlab-ci.yml")).unwrap();
    for p in plugins() {
        std::fs::copy(
            plugins_dir().join(format!("{}.yml", p.name)),
            copy.join(format!("plugins/{}.yml", p.name)),
        )
        .unwrap();
    }
    git(&copy, &["init", "-q"]);
    git(
        &copy,
        &[
            "remote",
            "add",
            "origin",
            "https://gitlab.example.org/devkit/devkit.git",
        ],
    );
    git(&copy, &["add", "-A"]);
    git(&copy, &["commit", "-q", "-m", "pipeline"]);
    let out = Command::new(glcl)
        .args(["--list", "--no-color"])
        .env("HOME", &ctx.home)
        .current_dir(&copy)
        .output()
        .unwrap();
    let log = all_output(&out);
    assert!(out.status.success(), "{log}");
    for job in [
        "fmt",
        "clippy",
        "test",
        "build",
        "selftest-setup-check",
        "selftest-trex-run",
        "selftest-trex-exit-run",
    ] {
        assert!(log.contains(job), "{job} listed:\n{log}");
    }
}
