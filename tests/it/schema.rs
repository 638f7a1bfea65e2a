//! GitLab CI validation for tests: every pipeline file devkit generates (project templates, later its CI
//! plugins) must be valid against GitLab's own JSON schema, vendored in `tests/schemas/` (see PROVENANCE.md).

use std::sync::OnceLock;

/// GitLab's CI schema, copied unchanged from upstream.
const GITLAB_CI_SCHEMA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/schemas/gitlab-ci.schema.json"
));

fn gitlab_ci_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(GITLAB_CI_SCHEMA).expect("the vendored GitLab CI schema is JSON");
        jsonschema::validator_for(&schema).expect("the vendored GitLab CI schema compiles")
    })
}

/// Every schema violation of `yaml`, one line each (`document N, at PATH: message`); empty when valid.
///
/// Each YAML document of the stream is validated on its own against the root schema, which is what a CI
/// plugin with a `spec:` header, `---` and its jobs needs. Validate interpolated text: raw `$[[ inputs.x ]]`
/// fails where the schema expects a number or a boolean.
pub fn gitlab_ci_errors(yaml: &str) -> Vec<String> {
    let documents: Vec<serde_json::Value> = match serde_saphyr::from_multiple(yaml) {
        Ok(documents) => documents,
        Err(e) => return vec![format!("not valid YAML: {e}")],
    };
    if documents.is_empty() {
        return vec!["no YAML document".to_string()];
    }
    let validator = gitlab_ci_validator();
    let mut errors = Vec::new();
    for (index, document) in documents.iter().enumerate() {
        for error in validator.iter_errors(document) {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            errors.push(format!("document {}, at {at}: {error}", index + 1));
        }
    }
    errors
}

/// Fails the test, showing the errors and the file, unless `yaml` is a valid GitLab CI file.
pub fn assert_valid_gitlab_ci(yaml: &str, what: &str) {
    let errors = gitlab_ci_errors(yaml);
    assert!(
        errors.is_empty(),
        "{what} is not valid GitLab CI:\n{}\n--- {what}\n{yaml}",
        errors.join("\n")
    );
}

#[test]
fn validator_accepts_a_minimal_pipeline() {
    assert_valid_gitlab_ci(
        "stages: [test]\ntest:\n  stage: test\n  tags: [a, b]\n  script:\n    - echo ok\n",
        "a minimal pipeline",
    );
}

#[test]
fn validator_rejects_invalid_pipelines() {
    let bad_script = gitlab_ci_errors("test:\n  script: 1\n");
    assert!(!bad_script.is_empty(), "a numeric `script` must be refused");
    assert!(
        bad_script.iter().any(|e| e.contains("/test")),
        "the error points at the job: {bad_script:?}"
    );
    for (yaml, why) in [
        (
            "test:\n  script: [echo]\n  when: sometimes\n",
            "unknown `when` value",
        ),
        ("test:\n  script: [echo]\n  tags: trex\n", "`tags` must be a list"),
        ("stages: build\n", "`stages` must be a list"),
        (
            "test:\n  script: [echo]\n  timeout: [1]\n",
            "`timeout` must be a string",
        ),
        ("test: [\n", "not YAML"),
        ("", "empty file"),
    ] {
        assert!(!gitlab_ci_errors(yaml).is_empty(), "{why}: {yaml:?} was accepted");
    }
}

#[test]
fn each_document_of_a_stream_is_validated() {
    let header = "spec:\n  inputs:\n    stage:\n      default: test\n";
    assert_valid_gitlab_ci(
        &format!("{header}---\njob:\n  script: [echo]\n"),
        "a plugin with a header",
    );
    let errors = gitlab_ci_errors(&format!("{header}---\njob:\n  script: 1\n"));
    assert!(errors.iter().any(|e| e.starts_with("document 2")), "{errors:?}");
}
