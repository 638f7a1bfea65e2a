//! Scaffolding cases as folders: `tests/cases/init/<case>/` holds `args` (one argument per line; `{case}` and
//! `{cases}` expand to folders), an optional `in/` copied to the destination first, and the expected `out/`
//! (exact: same files, bytes and executable bits; `[VERSION]` and `[TEMPLATE]` placeholders in the answers file).
//! One test per case; `DEVKIT_BLESS=1 cargo test --test it cases::` rewrites the expected folders.

use crate::support::{TestContext, bless_tree, blessing, is_executable, tree};
use std::path::{Path, PathBuf};

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/init")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn run_case(name: &str) {
    let case = cases_root().join(name);
    let ctx = TestContext::new();
    let dest = ctx.work.join("project");
    if case.join("in").is_dir() {
        copy_dir(&case.join("in"), &dest);
    }
    let args: Vec<String> = std::fs::read_to_string(case.join("args"))
        .unwrap()
        .lines()
        .map(|l| {
            l.replace("{cases}", &cases_root().display().to_string())
                .replace("{case}", &case.display().to_string())
        })
        .collect();
    let out = ctx
        .devkit()
        .arg("init")
        .arg(&dest)
        .arg("--no-git")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let expected_root = case.join("out");
    let template = args
        .iter()
        .position(|a| a == "--template")
        .map(|i| args[i + 1].clone())
        .unwrap_or_default();
    if blessing() {
        let placeholders = |rel: &str, text: String| {
            if rel == ".devkit-answers.toml" {
                text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
                    .replace(&template, "[TEMPLATE]")
            } else {
                text
            }
        };
        bless_tree(&dest, &expected_root, &[], &placeholders);
    }
    assert_eq!(tree(&dest), tree(&expected_root), "{name}: file lists differ");
    for rel in tree(&expected_root) {
        let mut expected = std::fs::read(expected_root.join(&rel)).unwrap();
        if rel == ".devkit-answers.toml" {
            expected = String::from_utf8(expected)
                .unwrap()
                .replace("[VERSION]", env!("CARGO_PKG_VERSION"))
                .replace("[TEMPLATE]", &template)
                .into_bytes();
        }
        let actual = std::fs::read(dest.join(&rel)).unwrap();
        assert!(
            actual == expected,
            "{name}: `{rel}` differs\n--- expected\n{}\n--- actual\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&actual)
        );
        assert_eq!(
            is_executable(&dest.join(&rel)),
            is_executable(&expected_root.join(&rel)),
            "{name}: mode of `{rel}`"
        );
    }
}

golden_cases!(
    cases_root(),
    run_case,
    basic => "basic",
    docker_on => "docker-on",
    force_keeps_user_files => "force-keeps-user-files",
);
