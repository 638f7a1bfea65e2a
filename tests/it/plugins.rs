//! Static checks of the CI plugins (`plugins/<name>.yml`): GitLab's schema on every document, the input
//! conventions, job names, no global keywords, no input feeding a secret, the shared devkit-setup lines, the
//! release-stamped `devkit_version`, and interpolated snapshots under `tests/plugins/snapshots/`
//! (`DEVKIT_SNAPSHOTS=overwrite` rewrites them and the README input tables).

use crate::plugin_spec::{Plugin, inputs_from_yaml, plugin, plugins, references};
use crate::schema::{assert_valid_gitlab_ci, gitlab_ci_errors};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The plugins the CI plugins issue asks for; a new one is added here and gets a README section.
const NAMES: [&str; 6] = [
    "conda-env",
    "devkit-setup",
    "docker-build",
    "python-publish",
    "python",
    "trex-job",
];

/// Keywords that would change the pipeline of every project including a plugin.
const GLOBAL_KEYWORDS: [&str; 11] = [
    "default",
    "stages",
    "workflow",
    "variables",
    "include",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether snapshots and generated tables are to be rewritten instead of compared.
pub fn overwrite() -> bool {
    std::env::var("DEVKIT_SNAPSHOTS").is_ok_and(|v| v == "overwrite")
}

fn jobs(p: &Plugin) -> &Map<String, Value> {
    p.body
        .as_object()
        .unwrap_or_else(|| panic!("{}: the jobs document is a mapping", p.name))
}

/// `.devkit-<name>-base` (`.devkit-setup-base` for `devkit-setup`).
fn base_name(p: &Plugin) -> String {
    format!(".devkit-{}-base", p.name.trim_start_matches("devkit-"))
}

/// The sample inputs of `tests/plugins/inputs/<name>.yml`.
fn sample(name: &str) -> Map<String, Value> {
    let path = root().join(format!("tests/plugins/inputs/{name}.yml"));
    inputs_from_yaml(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The plugin's required inputs filled with a placeholder, so its defaults can be interpolated.
fn required_only(p: &Plugin) -> Map<String, Value> {
    p.inputs
        .iter()
        .filter(|i| i.default().is_none())
        .map(|i| (i.name.clone(), Value::String("echo required".into())))
        .collect()
}

#[test]
fn the_expected_plugins_exist() {
    let names: Vec<String> = plugins().into_iter().map(|p| p.name).collect();
    assert_eq!(names, NAMES);
}

#[test]
fn every_document_is_valid_gitlab_ci() {
    for p in plugins() {
        let header = serde_saphyr::to_string(&p.header).unwrap();
        assert_valid_gitlab_ci(&header, &format!("{} header", p.name));
        for (what, given) in [("defaults", required_only(&p)), ("sample", sample(&p.name))] {
            let body = p
                .interpolate(&given)
                .unwrap_or_else(|e| panic!("{} {what}: {e}", p.name));
            let yaml = serde_saphyr::to_string(&body).unwrap();
            assert_valid_gitlab_ci(&yaml, &format!("{} jobs with the {what} inputs", p.name));
        }
    }
}

#[test]
fn inputs_are_declared_used_described_and_typed() {
    let snake = regex::Regex::new("^[a-z][a-z0-9_]*$").unwrap();
    for p in plugins() {
        let declared: std::collections::BTreeSet<String> = p.inputs.iter().map(|i| i.name.clone()).collect();
        let used = references(&p.body_text);
        assert_eq!(used, declared, "{}: inputs used vs declared", p.name);
        assert!(
            references(&p.text.replace(&p.body_text, "")).is_empty(),
            "{}: no input in the header",
            p.name
        );
        for input in &p.inputs {
            let at = format!("{} input `{}`", p.name, input.name);
            assert!(snake.is_match(&input.name), "{at}: snake_case");
            assert!(
                input.description().is_some_and(|d| d.len() > 10),
                "{at}: a description"
            );
            assert!(input.spec.get("type").is_some(), "{at}: an explicit type");
        }
        for common in ["stage", "job_prefix", "devkit_version", "devkit_project"] {
            assert!(p.input(common).is_some(), "{}: a `{common}` input", p.name);
        }
        assert!(
            p.input("job_prefix").unwrap().regex().is_some(),
            "{}: job_prefix regex",
            p.name
        );
    }
}

#[test]
fn devkit_version_defaults_to_the_crate_version() {
    for p in plugins() {
        let default = p.input("devkit_version").and_then(|i| i.default()).cloned();
        assert_eq!(
            default,
            Some(Value::String(env!("CARGO_PKG_VERSION").into())),
            "{}: run scripts/release-stamp.sh VERSION",
            p.name
        );
    }
}

#[test]
fn job_names_carry_the_prefix_and_extend_the_base_job() {
    for p in plugins() {
        let base = base_name(&p);
        assert!(
            jobs(&p).contains_key(&base),
            "{}: hidden base job `{base}`",
            p.name
        );
        let mut visible = 0;
        for (name, job) in jobs(&p) {
            if name.starts_with('.') {
                let ok = name == &base
                    || name.starts_with(&format!("{}:", base.trim_end_matches("-base")))
                    || name.starts_with(".$[[ inputs.job_prefix ]]-");
                assert!(ok, "{}: hidden job `{name}`", p.name);
                continue;
            }
            visible += 1;
            assert!(
                name.starts_with("$[[ inputs.job_prefix ]]-"),
                "{}: job `{name}`",
                p.name
            );
            let extends = match &job["extends"] {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
                _ => Vec::new(),
            };
            assert_eq!(
                extends.first(),
                Some(&base),
                "{}: `{name}` extends `{base}` first",
                p.name
            );
            assert_eq!(job["stage"], "$[[ inputs.stage ]]", "{}: `{name}` stage", p.name);
        }
        assert!(visible > 0, "{}: at least one job", p.name);
    }
}

#[test]
fn no_global_keyword() {
    for p in plugins() {
        for keyword in GLOBAL_KEYWORDS {
            assert!(!jobs(&p).contains_key(keyword), "{}: global `{keyword}`", p.name);
        }
    }
}

#[test]
fn the_base_job_takes_no_input_so_two_includes_stay_apart() {
    for p in plugins() {
        let base = serde_json::to_string(&jobs(&p)[&base_name(&p)]).unwrap();
        assert!(references(&base).is_empty(), "{}: inputs in the base job", p.name);
    }
}

#[test]
fn every_plugin_runs_the_devkit_setup_lines() {
    let setup = plugin("devkit-setup");
    let lines = &jobs(&setup)[".devkit-setup-base"]["before_script"][0];
    assert!(
        lines.as_str().is_some_and(|s| s.contains("devkit --version")),
        "{lines}"
    );
    for p in plugins() {
        let base = &jobs(&p)[&base_name(&p)];
        assert_eq!(
            &base["before_script"][0], lines,
            "{}: copy devkit-setup's lines",
            p.name
        );
        for job in jobs(&p)
            .iter()
            .filter(|(n, _)| !n.starts_with('.'))
            .map(|(_, j)| j)
        {
            // the inputs the setup lines read, on the job itself or on the per-include hidden job
            let text = serde_json::to_string(job).unwrap() + &serde_json::to_string(jobs(&p)).unwrap();
            assert!(
                text.contains("\"DEVKIT_VERSION\":\"$[[ inputs.devkit_version ]]\""),
                "{}",
                p.name
            );
            assert!(
                text.contains("\"DEVKIT_PROJECT\":\"$[[ inputs.devkit_project ]]\""),
                "{}",
                p.name
            );
        }
    }
}

#[test]
fn no_input_feeds_a_secret() {
    let secret_word = regex::Regex::new("(?i)token|password|secret|credential|passwd|api_key").unwrap();
    let defined = regex::Regex::new(r"(?m)^\s+([A-Z_]*(TOKEN|PASSWORD|SECRET)[A-Z_]*):").unwrap();
    for p in plugins() {
        for input in &p.inputs {
            assert!(
                !secret_word.is_match(&input.name),
                "{}: input `{}` looks like a secret",
                p.name,
                input.name
            );
        }
        for line in p.body_text.lines().filter(|l| l.contains("$[[")) {
            assert!(
                !secret_word.is_match(line),
                "{}: an input next to a secret: {line}",
                p.name
            );
        }
        // secrets are read from masked CI variables, never defined by the plugin
        assert!(
            !defined.is_match(&p.body_text),
            "{}: defines a secret variable",
            p.name
        );
    }
}

#[test]
fn free_text_inputs_reach_jobs_only_as_unexpanded_variables() {
    for p in plugins() {
        for input in p.inputs.iter().filter(|i| i.is_free_text()) {
            let block = format!("$[[ inputs.{} ]]", input.name);
            let uses: Vec<&str> = p.body_text.lines().filter(|l| l.contains(&block)).collect();
            // `image:` lines of job images are not shell; every other use is `value:` of an `expand: false` variable
            for line in uses {
                let allowed =
                    line.trim() == format!("value: {block}") || line.trim() == format!("image: {block}");
                assert!(allowed, "{}: free text `{}` used as {line:?}", p.name, input.name);
            }
            let unexpanded = format!("value: {block}\n      expand: false");
            let as_image = format!("image: {block}");
            assert!(
                p.body_text.contains(&unexpanded) || p.body_text.contains(&as_image),
                "{}: `{}` must be an `expand: false` variable",
                p.name,
                input.name
            );
        }
    }
}

#[test]
fn interpolation_checks_inputs_as_gitlab_does() {
    let p = plugin("trex-job");
    let mut given = Map::new();
    assert!(p.interpolate(&given).unwrap_err().contains("`script` input"));
    given.insert("script".into(), "true".into());
    given.insert("partition".into(), "$(touch pwned)".into());
    assert!(p.interpolate(&given).unwrap_err().contains("RegEx"));
    given.insert("partition".into(), "debug".into());
    given.insert("nodes".into(), "2".into());
    assert!(p.interpolate(&given).unwrap_err().contains("not a number"));
    given.insert("nodes".into(), 2.into());
    given.insert("colour".into(), "red".into());
    assert!(
        p.interpolate(&given)
            .unwrap_err()
            .contains("unknown input arguments: colour")
    );
    given.remove("colour");
    let body = p.interpolate(&given).unwrap();
    assert_eq!(
        body["trex-run"]["variables"]["DEVKIT_TREX_JOB_NODES"], 2,
        "a whole block keeps its type"
    );
    assert_eq!(body["trex-run"]["tags"], serde_json::json!(["trex", "slurm"]));
    let python = plugin("python").interpolate(&Map::new()).unwrap();
    assert_eq!(
        python["python-test"]["extends"][1], ".python-inputs",
        "inside a string: text"
    );
}

#[test]
fn trex_job_runs_on_the_site_runner_tags() {
    let ctx = crate::support::TestContext::new();
    let site = ctx.site_profile();
    let tags = plugin("trex-job")
        .input("tags")
        .and_then(|i| i.default())
        .cloned();
    assert_eq!(tags.as_ref(), Some(&site["gitlab"]["runner_tags"]));
}

#[test]
fn interpolated_samples_match_their_snapshots() {
    let mut stale = Vec::new();
    for p in plugins() {
        let body = p
            .interpolate(&sample(&p.name))
            .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        let yaml = format!(
            "# plugins/{}.yml with tests/plugins/inputs/{}.yml (generated by the tests)\n{}",
            p.name,
            p.name,
            serde_saphyr::to_string(&body).unwrap()
        );
        assert!(
            gitlab_ci_errors(&yaml).is_empty(),
            "{}: {:?}",
            p.name,
            gitlab_ci_errors(&yaml)
        );
        let path = root().join(format!("tests/plugins/snapshots/{}.yml", p.name));
        compare_or_write(&path, &yaml, &mut stale);
    }
    assert!(
        stale.is_empty(),
        "stale snapshots (DEVKIT_SNAPSHOTS=overwrite rewrites them):\n{}",
        stale.join("\n")
    );
}

/// Compares `path` with `expected`; with `DEVKIT_SNAPSHOTS=overwrite` rewrites it instead.
pub fn compare_or_write(path: &PathBuf, expected: &str, stale: &mut Vec<String>) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == expected {
        return;
    }
    if overwrite() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, expected).unwrap();
    } else {
        stale.push(format!(
            "--- {}\n{}",
            path.display(),
            first_difference(&current, expected)
        ));
    }
}

fn first_difference(current: &str, expected: &str) -> String {
    let line = current
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| current.lines().count().min(expected.lines().count()));
    format!(
        "line {}: now {:?}, expected {:?}",
        line + 1,
        current.lines().nth(line).unwrap_or("<end>"),
        expected.lines().nth(line).unwrap_or("<end>")
    )
}
