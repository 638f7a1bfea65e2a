//! The command-line surface: help with exit codes, version, completions, man page.

use crate::support::TestContext;

#[test]
fn help_documents_exit_codes() {
    let out = TestContext::new().devkit().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Exit codes:"), "{text}");
    assert!(text.contains("1        failure caused by input"), "{text}");
    assert!(text.contains("70       internal error"), "{text}");
}

#[test]
fn version_prints_the_crate_version() {
    let out = TestContext::new().devkit().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("devkit {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = TestContext::new()
            .devkit()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("init"), "{shell}: {text}");
    }
}

#[test]
fn bash_completion_script_is_valid_bash() {
    let ctx = TestContext::new();
    let out = ctx.devkit().args(["completions", "bash"]).output().unwrap();
    let script = ctx.write("devkit.bash", &String::from_utf8(out.stdout).unwrap());
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn man_page_is_roff() {
    let out = TestContext::new().devkit().arg("man").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH devkit"),
        "{}",
        &text[..200.min(text.len())]
    );
}

#[test]
fn unknown_command_exits_with_usage_error() {
    let out = TestContext::new().devkit().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
