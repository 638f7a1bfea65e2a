//! The embedded project templates: each project generated with `--defaults` passes its own checks (tests,
//! linters, formatters), its GitLab pipeline is valid against GitLab's schema, and the site profile reaches
//! what it generates.

use crate::schema::assert_valid_gitlab_ci;
use crate::support::{TestContext, all_output, is_executable, require_tool, site_str, tree};
use std::path::{Path, PathBuf};
use std::process::Command;

const TEMPLATES: [&str; 3] = ["processing-chain", "python-lib", "rust-crate"];

/// Generates `template` with its defaults into `<work>/<dir>`; `global` flags go before `init`, `data` after.
pub(crate) fn generate(
    ctx: &TestContext,
    template: &str,
    dir: &str,
    global: &[&str],
    data: &[&str],
) -> PathBuf {
    let out = ctx
        .devkit()
        .args(global)
        .args(["init", dir, "--template", template, "--defaults", "--no-git"])
        .args(data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    ctx.work.join(dir)
}

/// Runs `cmd` in `dir`; fails the test with the command's output unless it succeeds.
pub(crate) fn run_ok(dir: &Path, cmd: &mut Command) {
    let out = cmd.current_dir(dir).output().unwrap();
    assert!(
        out.status.success(),
        "`{cmd:?}` failed in {}:\n{}",
        dir.display(),
        all_output(&out)
    );
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// pytest, `ruff check` and `ruff format --check` in a generated Python project, writing no cache.
pub(crate) fn python_checks(project: &Path) {
    if let Some(pytest) = require_tool("pytest") {
        run_ok(
            project,
            Command::new(pytest)
                .args(["-q", "-p", "no:cacheprovider"])
                .env("PYTHONDONTWRITEBYTECODE", "1"),
        );
    }
    if let Some(ruff) = require_tool("ruff") {
        run_ok(project, Command::new(&ruff).args(["check", "--no-cache", "."]));
        run_ok(
            project,
            Command::new(&ruff).args(["format", "--check", "--no-cache", "."]),
        );
    }
}

#[test]
fn python_lib_passes_its_own_checks() {
    let ctx = TestContext::new();
    let project = generate(&ctx, "python-lib", "demo", &[], &[]);
    assert_eq!(
        tree(&project),
        [
            ".devkit-answers.toml",
            ".gitignore",
            ".gitlab-ci.yml",
            "README.md",
            "pyproject.toml",
            "src/demo/__init__.py",
            "src/demo/py.typed",
            "src/demo/text.py",
            "tests/test_text.py",
        ]
    );
    let pyproject = read(&project.join("pyproject.toml"));
    assert!(pyproject.contains("pythonpath = [\"src\"]"), "{pyproject}");
    assert!(pyproject.contains("testpaths = [\"tests\"]"), "{pyproject}");
    python_checks(&project);
}

#[test]
fn processing_chain_passes_its_own_checks() {
    let ctx = TestContext::new();
    let project = generate(&ctx, "processing-chain", "chain", &[], &[]);
    let files = tree(&project);
    for expected in [
        "pyproject.toml",
        "src/demo/steps.py",
        "src/demo/__main__.py",
        "tests/test_steps.py",
        "data/sample.txt",
        "jobs/process.sbatch",
        "jobs/process-array.sbatch",
        "logs/.gitignore",
        ".gitlab-ci.yml",
    ] {
        assert!(files.iter().any(|f| f == expected), "{expected} in {files:?}");
    }
    python_checks(&project);
}

#[test]
fn batch_scripts_are_executable_bash_with_the_site_defaults() {
    let ctx = TestContext::new();
    let site = ctx.site_profile();
    let partition = site_str(&site, "trex", "default_partition");
    let time = site_str(&site, "trex", "default_time");
    let project = generate(&ctx, "processing-chain", "chain", &[], &[]);
    let scripts = batch_scripts(&project);
    assert!(scripts.len() >= 2, "{scripts:?}");
    let bash = require_tool("bash").expect("bash");
    for script in &scripts {
        let text = read(script);
        let name = script.display();
        assert!(is_executable(script), "{name} is executable");
        assert!(text.starts_with("#!/bin/bash\n"), "{name}: {text}");
        assert!(text.contains("\nset -euo pipefail\n"), "{name}: {text}");
        for directive in [
            format!("#SBATCH --partition={partition}\n"),
            format!("#SBATCH --time={time}\n"),
            "#SBATCH --job-name=".to_string(),
            "#SBATCH --output=logs/".to_string(),
        ] {
            assert!(text.contains(&directive), "{name} lacks `{directive}`:\n{text}");
        }
        run_ok(&project, Command::new(&bash).arg("-n").arg(script));
    }
    if let Some(shellcheck) = require_tool("shellcheck") {
        run_ok(&project, Command::new(shellcheck).args(&scripts));
    }
}

/// The `jobs/*.sbatch` files of a generated project, sorted.
pub(crate) fn batch_scripts(project: &Path) -> Vec<PathBuf> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(project.join("jobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sbatch"))
        .collect();
    scripts.sort();
    scripts
}

#[test]
fn the_single_batch_script_runs_the_chain_without_slurm() {
    if require_tool("python3").is_none() {
        return;
    }
    let ctx = TestContext::new();
    let project = generate(&ctx, "processing-chain", "chain", &[], &[]);
    // outside a Slurm job the script runs python3 directly: the same command a job runs
    run_ok(
        &project,
        Command::new("bash")
            .arg("jobs/process.sbatch")
            .env_remove("SLURM_JOB_ID")
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    let result = read(&project.join("results/sample.txt"));
    assert_eq!(result.lines().count(), 5, "the sample's NaN is dropped: {result}");
}

#[test]
fn site_profile_overrides_reach_the_generated_files() {
    let ctx = TestContext::new();
    let project = generate(
        &ctx,
        "processing-chain",
        "chain",
        &[
            "--set",
            "trex.default_partition=gpu",
            "--set",
            "gitlab.runner_tags=hpc,gpu-a100",
            "--set",
            "artifactory.url=https://repo.example.org/artifactory",
        ],
        &[],
    );
    for script in batch_scripts(&project) {
        let text = read(&script);
        assert!(
            text.contains("#SBATCH --partition=gpu\n"),
            "{}:\n{text}",
            script.display()
        );
    }
    let ci = read(&project.join(".gitlab-ci.yml"));
    assert!(
        ci.contains("      tags:\n        - \"hpc\"\n        - \"gpu-a100\"\n"),
        "{ci}"
    );
    assert!(
        ci.contains("PIP_INDEX_URL: \"https://repo.example.org/artifactory/api/pypi/"),
        "{ci}"
    );
    assert_valid_gitlab_ci(&ci, "processing-chain .gitlab-ci.yml with overridden tags");
}

#[test]
fn every_template_pipeline_is_valid_gitlab_ci() {
    let ctx = TestContext::new();
    let site = ctx.site_profile();
    let pip_index = format!(
        "PIP_INDEX_URL: \"{}/api/pypi/{}/simple\"",
        site_str(&site, "artifactory", "url"),
        site_str(&site, "artifactory", "pypi_remote")
    );
    for template in TEMPLATES {
        let project = generate(&ctx, template, template, &[], &[]);
        let ci = read(&project.join(".gitlab-ci.yml"));
        assert_valid_gitlab_ci(&ci, &format!("{template} .gitlab-ci.yml"));
        if template != "rust-crate" {
            assert!(ci.contains(&pip_index), "{template}: {ci}");
            // lint and tests come from devkit's `python` plugin, at the version that generated the project
            assert!(ci.contains("file: plugins/python.yml"), "{template}: {ci}");
            let reference = format!("ref: \"v{}\"", env!("CARGO_PKG_VERSION"));
            assert!(ci.contains(&reference), "{template}: {ci}");
        }
        let without = generate(
            &ctx,
            template,
            &format!("{template}-no-ci"),
            &[],
            &["-d", "gitlab_ci=false"],
        );
        assert!(!without.join(".gitlab-ci.yml").exists(), "{template}");
    }
    let chain = read(&ctx.work.join("processing-chain/.gitlab-ci.yml"));
    let tags: Vec<String> = site["gitlab"]["runner_tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("        - {t}\n"))
        .collect();
    assert!(
        chain.contains(&format!("      tags:\n{}", tags.concat())),
        "the Trex job carries the site runner tags: {chain}"
    );
    assert!(chain.contains("file: plugins/trex-job.yml"), "{chain}");
    assert!(chain.contains("script: bash jobs/process.sbatch"), "{chain}");
}

#[test]
fn rust_crate_passes_its_own_checks() {
    let ctx = TestContext::new();
    let project = generate(&ctx, "rust-crate", "demo", &[], &[]);
    assert_eq!(
        tree(&project),
        [
            ".devkit-answers.toml",
            ".gitignore",
            ".gitlab-ci.yml",
            "Cargo.toml",
            "README.md",
            "src/lib.rs",
            "tests/api.rs",
        ]
    );
    let manifest = read(&project.join("Cargo.toml"));
    assert!(
        manifest.contains("\n[dependencies]\n\n"),
        "no dependencies: {manifest}"
    );
    rust_checks(&project);
}

/// `cargo fmt --check`, clippy with warnings denied and `cargo test`, offline, in a private target folder.
fn rust_checks(project: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = tempfile::tempdir().unwrap();
    let cargo_cmd = |args: &[&str]| {
        let mut cmd = Command::new(&cargo);
        cmd.args(args)
            .env("CARGO_TARGET_DIR", target.path())
            .env("CARGO_TERM_COLOR", "never");
        cmd
    };
    if require_tool("cargo-fmt").is_some() {
        run_ok(project, &mut cargo_cmd(&["fmt", "--check"]));
    }
    if require_tool("cargo-clippy").is_some() {
        run_ok(
            project,
            &mut cargo_cmd(&["clippy", "--offline", "--all-targets", "--", "-D", "warnings"]),
        );
    }
    run_ok(project, &mut cargo_cmd(&["test", "--offline"]));
}

#[test]
fn templates_hold_no_literal_site_value() {
    let ctx = TestContext::new();
    let site = ctx.site_profile();
    // host names, URLs and repository keys: what must come from `site.*` so another profile can change it
    let mut values = Vec::new();
    collect_strings(&site, &mut values);
    values.retain(|v| v.len() >= 6 && (v.contains('.') || v.contains('-')));
    assert!(values.iter().any(|v| v.contains("gitlab")), "{values:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for template in TEMPLATES {
        for rel in tree(&root.join(template)) {
            let text = read(&root.join(template).join(&rel));
            for value in &values {
                assert!(
                    !text.contains(value.as_str()),
                    "templates/{template}/{rel} holds `{value}`: use the site profile"
                );
            }
        }
    }
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[test]
fn templates_are_listed_and_share_question_names() {
    let ctx = TestContext::new();
    let out = ctx.devkit().args(["templates", "list"]).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let listing = String::from_utf8_lossy(&out.stdout);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for template in TEMPLATES {
        assert!(listing.contains(template), "{listing}");
        let manifest: toml::Table =
            toml::from_str(&read(&root.join(template).join("template.toml"))).unwrap();
        let names: Vec<&str> = manifest["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["name"].as_str().unwrap())
            .collect();
        for common in ["project_name", "description", "author", "email", "gitlab_ci"] {
            assert!(names.contains(&common), "{template} asks `{common}`: {names:?}");
        }
        // a literal `Cargo.toml` would make cargo treat the folder as another package and leave it out
        // of `cargo package`
        for rel in tree(&root.join(template)) {
            assert!(!rel.ends_with("Cargo.toml"), "templates/{template}/{rel}");
        }
    }
}

#[test]
fn answers_other_than_the_defaults_still_pass_checks() {
    let ctx = TestContext::new();
    let common = [
        "-d",
        "project_name=sea-level",
        "-d",
        "description=Sea level anomalies",
    ];
    for (template, extra) in [
        (
            "python-lib",
            ["-d", "python_version=3.10", "-d", "gitlab_ci=false"],
        ),
        (
            "processing-chain",
            ["-d", "python_version=3.13", "-d", "time_limit=2-00:00:00"],
        ),
        (
            "rust-crate",
            ["-d", "crate_name=sealevel", "-d", "gitlab_ci=true"],
        ),
    ] {
        let data: Vec<&str> = common.iter().chain(&extra).copied().collect();
        let project = generate(&ctx, template, template, &[], &data);
        if template == "rust-crate" {
            assert!(read(&project.join("Cargo.toml")).contains("[lib]\nname = \"sealevel\"\n"));
            rust_checks(&project);
        } else {
            assert!(project.join("src/sea_level/__init__.py").is_file(), "{template}");
            python_checks(&project);
        }
        if let Ok(ci) = std::fs::read_to_string(project.join(".gitlab-ci.yml")) {
            assert_valid_gitlab_ci(&ci, &format!("{template} .gitlab-ci.yml"));
        }
    }
}
