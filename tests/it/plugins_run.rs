//! The CI plugins executed: a sample project includes them (`include: local:` of copies) and gitlab-ci-local runs
//! its pipeline in shell-executor mode on this machine, with the `devkit` under test on PATH and the real Slurm
//! test cluster of `scripts/test.sh` (`SLURM_CONF`). Kept to a few short pipelines.

use crate::plugin_spec::plugins_dir;
use crate::slurm::slurm_conf;
use crate::support::{TestContext, all_output, git, path_with_devkit, require_tool};
use std::path::{Path, PathBuf};

/// gitlab-ci-local, as `scripts/install-test-deps.sh` installs it, else from PATH.
pub fn gitlab_ci_local() -> Option<PathBuf> {
    let local =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/npm/node_modules/.bin/gitlab-ci-local");
    if local.is_file() {
        return Some(local);
    }
    require_tool("gitlab-ci-local")
}

/// What an executed pipeline needs: gitlab-ci-local and the Slurm cluster.
pub(crate) fn tools() -> Option<(PathBuf, String)> {
    let glcl = gitlab_ci_local()?;
    require_tool("rsync")?;
    Some((glcl, slurm_conf()?))
}

/// A git repository (with an `origin` remote) holding copies of the plugins and `pipeline` as `.gitlab-ci.yml`.
pub(crate) fn sample_project(dir: &Path, pipeline: &str) {
    std::fs::create_dir_all(dir.join("plugins")).unwrap();
    for entry in std::fs::read_dir(plugins_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "yml") {
            std::fs::copy(&path, dir.join("plugins").join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.join(".gitlab-ci.yml"), pipeline).unwrap();
    if !dir.join(".git").exists() {
        git(dir, &["init", "-q"]);
        git(
            dir,
            &[
                "remote",
                "add",
                "origin",
                "https://gitlab.example.org/group/sample.git",
            ],
        );
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "sample"]);
}

/// Runs the pipeline of `project`; returns whether it passed and its whole log.
pub(crate) fn run_pipeline(
    ctx: &TestContext,
    glcl: &Path,
    conf: &str,
    project: &Path,
    extra: &[&str],
) -> (bool, String) {
    let out = ctx
        .command("timeout")
        .arg("300")
        .arg(glcl)
        .args([
            "--no-color",
            "--shell-executor-no-image",
            "--max-job-name-padding",
            "0",
        ])
        .args(extra)
        .env("PATH", path_with_devkit())
        .env("SLURM_CONF", conf)
        .env("DEVKIT_SLURM_SACCT", "completion")
        .current_dir(project)
        .output()
        .unwrap();
    (out.status.success(), all_output(&out))
}

/// Files named `name` anywhere below `root`.
fn find_named(root: &Path, name: &str) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == name) {
                hits.push(path.clone());
            }
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            }
        }
    }
    hits
}

#[test]
fn trex_job_runs_on_slurm_and_ends_with_the_script_exit_code() {
    let Some((glcl, conf)) = tools() else { return };
    let ctx = TestContext::new();
    let project = ctx.work.join("sample");
    sample_project(
        &project,
        r#"include:
  - local: plugins/trex-job.yml
    inputs:
      job_prefix: ok
      script: |
        echo "hello from slurm job ${SLURM_JOB_ID} on $(hostname)"
      partition: debug
      time: "00:05:00"
      cpus: 2
  - local: plugins/trex-job.yml
    inputs:
      job_prefix: bad
      script: "echo about to fail; exit 7"
"#,
    );
    let (passed, log) = run_pipeline(&ctx, &glcl, &conf, &project, &[]);
    assert!(!passed, "the failing job fails the pipeline:\n{log}");
    let hello = regex::Regex::new(r"ok-run\s*> hello from slurm job [0-9]+ on ").unwrap();
    assert!(
        hello.is_match(&log),
        "the Slurm job's output is in the CI log:\n{log}"
    );
    assert!(log.contains("PASS  ok-run"), "{log}");
    assert!(log.contains("bad-run > about to fail"), "{log}");
    let failed = regex::Regex::new(r"bad-run finished in .* FAIL 7").unwrap();
    assert!(
        failed.is_match(&log),
        "the CI job ends with the script's exit code 7:\n{log}"
    );
    // the submitted script is the default artifact
    let kept = project.join(".gitlab-ci-local/artifacts/bad-run/.devkit/trex-job");
    assert!(
        std::fs::read_dir(&kept).is_ok_and(|mut d| d.next().is_some()),
        "{}",
        kept.display()
    );
}

/// Text that would run commands, delete the home folder or break the YAML if an input were pasted into shell
/// code or into the pipeline's text.
const HOSTILE: &str = "a $(touch pwned-dollar) `touch pwned-tick` b\n'; rm -rf ~; '\n\"; touch pwned-quote; \"\n\
$HOME ${CI_JOB_ID} $$X \\ end\nkey: {x: y}\n  - item\n# not a comment";

#[test]
fn hostile_inputs_reach_the_job_as_data() {
    let Some((glcl, conf)) = tools() else { return };
    let ctx = TestContext::new();
    std::fs::write(ctx.home.join("canary"), "still here").unwrap();
    let project = ctx.work.join("sample");
    // the Slurm job copies what it received through a quoted here-document, so the text stays data there too
    let script = format!("cat > received.txt <<'DEVKIT_EOF'\n{HOSTILE}\nDEVKIT_EOF\n");
    let pipeline = format!(
        "include:\n  - local: plugins/trex-job.yml\n    inputs:\n      job_prefix: hostile\n      script: {}\n",
        serde_json::to_string(&script).unwrap()
    );
    sample_project(&project, &pipeline);
    let (passed, log) = run_pipeline(&ctx, &glcl, &conf, &project, &[]);
    assert!(passed, "{log}");
    let received = std::fs::read_to_string(project.join("received.txt")).unwrap();
    assert_eq!(received, format!("{HOSTILE}\n"), "byte for byte, `$` and all");
    for name in ["pwned-dollar", "pwned-tick", "pwned-quote"] {
        assert!(
            find_named(ctx.work.parent().unwrap(), name).is_empty(),
            "{name} created:\n{log}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(ctx.home.join("canary")).unwrap(),
        "still here"
    );

    // a constrained input refuses such text before any job runs
    let pipeline = "include:\n  - local: plugins/trex-job.yml\n    inputs:\n      script: \"true\"\n      partition: \"$(touch pwned-partition)\"\n";
    sample_project(&project, pipeline);
    let (passed, log) = run_pipeline(&ctx, &glcl, &conf, &project, &[]);
    assert!(!passed, "{log}");
    assert!(
        log.contains("`partition` input") && log.to_lowercase().contains("does not match required regex"),
        "{log}"
    );
    assert!(
        find_named(ctx.work.parent().unwrap(), "pwned-partition").is_empty(),
        "{log}"
    );
}

/// A project generated from the embedded `python-lib` template (no git: `sample_project` makes the repository).
fn python_lib_project(ctx: &TestContext) -> PathBuf {
    let out = ctx
        .devkit()
        .args([
            "init",
            "demo",
            "--template",
            "python-lib",
            "--defaults",
            "--no-git",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    ctx.work.join("demo")
}

#[test]
fn python_lints_and_tests_a_generated_python_lib() {
    let Some((glcl, conf)) = tools() else { return };
    if require_tool("ruff").is_none() || require_tool("pytest").is_none() {
        return;
    }
    let ctx = TestContext::new();
    let project = python_lib_project(&ctx);
    // offline: ruff and pytest come from the test tools on PATH (`installer: none`); without `ARTIFACTORY_TOKEN`
    // the jobs skip `devkit configure` with a notice
    sample_project(
        &project,
        "include:\n  - local: plugins/python.yml\n    inputs:\n      installer: none\n      python_version: \"3.11\"\n",
    );
    // the job image (`python:3.11-slim`) is replaced by this machine's shell
    let (passed, log) = run_pipeline(&ctx, &glcl, &conf, &project, &["--force-shell-executor"]);
    assert!(passed, "{log}");
    assert!(
        log.contains("PASS  python-lint") && log.contains("PASS  python-test"),
        "{log}"
    );
    assert!(log.contains("ARTIFACTORY_TOKEN is not set"), "{log}");
    let pytest = regex::Regex::new(r"python-test > =+ [0-9]+ passed").unwrap();
    assert!(pytest.is_match(&log), "{log}");
    assert!(log.contains("python-lint > All checks passed!"), "{log}");
}

#[test]
fn python_installs_through_the_artifactory_proxy_with_a_masked_token() {
    let Some((glcl, conf)) = tools() else { return };
    let Some(index) = crate::configure::server() else {
        return;
    };
    let ctx = TestContext::new();
    let project = python_lib_project(&ctx);
    // default installer (uv): a virtualenv, then the project and its test extra from the index devkit configured
    sample_project(
        &project,
        "include:\n  - local: plugins/python.yml\n    inputs:\n      lint: false\n      python_version: \"3.11\"\n",
    );
    let vars = [
        format!("ARTIFACTORY_TOKEN={}", index.token),
        format!("ARTIFACTORY_USERNAME={}", index.user),
        format!("DEVKIT_ARTIFACTORY_URL={}", index.url),
        "DEVKIT_SECRET_STORE=file".to_string(),
    ];
    let mut extra = vec!["--force-shell-executor"];
    for v in &vars {
        extra.extend(["--variable", v.as_str()]);
    }
    let (passed, log) = run_pipeline(&ctx, &glcl, &conf, &project, &extra);
    assert!(passed, "{log}");
    let pytest = regex::Regex::new(r"python-test > =+ [0-9]+ passed").unwrap();
    assert!(pytest.is_match(&log), "{log}");
    assert!(!log.contains("ARTIFACTORY_TOKEN is not set"), "{log}");
    assert!(!log.contains(&index.token), "the token leaked into the job log");
    // the build backend and the test tools came from the index, authenticated
    let access = std::fs::read_to_string(index.dir.join("nginx/access.log")).unwrap();
    for wheel in [
        "hatchling-1.27.0-py3-none-any.whl",
        "pytest-9.2.0-py3-none-any.whl",
    ] {
        assert!(
            access.lines().any(|l| l.contains(wheel) && l.contains("\" 200 ")),
            "{wheel} not downloaded through the index:\n{access}"
        );
    }
}
