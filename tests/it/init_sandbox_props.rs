//! Properties of the template sandbox, over generated hostile names and answers (`..`, `/`, `\`, NUL,
//! newlines, look-alikes, case variants of `.git`, deep nesting): whatever a template renders, nothing is
//! written outside the destination, and nothing matching the forbidden set is written inside it.

use devkit::scaffold::manifest::Manifest;
use devkit::scaffold::sandbox::{FORBIDDEN_COMPONENTS, normalise};
use devkit::scaffold::{TemplateFile, render, write};
use proptest::prelude::*;
use std::borrow::Cow;
use std::path::Path;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(".git".to_string()),
        Just(".GIT".to_string()),
        Just(".Git.".to_string()),
        Just(".git ".to_string()),
        Just(".g\u{200c}it".to_string()),
        Just(".git::$INDEX_ALLOCATION".to_string()),
        Just("GIT~1".to_string()),
        Just(".hg".to_string()),
        Just(".sVn".to_string()),
        Just("\u{ff0e}git".to_string()),
        Just("..".to_string()),
        Just(".".to_string()),
        Just("...".to_string()),
        Just("/".to_string()),
        Just("\\".to_string()),
        Just("\0".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        Just("C:".to_string()),
        Just("a".to_string()),
        Just("src".to_string()),
        "[a-z.]{1,6}",
    ]
}

fn answer() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..8).prop_map(|p| p.concat())
}

/// Every path below `root` (files, folders, links), relative.
fn everything(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                todo.push(path);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn nothing_escapes_and_nothing_forbidden_is_written(
        a in answer(),
        b in answer(),
        depth in 0usize..40,
    ) {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("dest");
        let nested = "d/".repeat(depth);
        let files: Vec<TemplateFile> = [
            format!("{{{{ a }}}}/{nested}x.txt"),
            format!("{nested}{{{{ b }}}}"),
            "{{ a }}{{ b }}".to_string(),
            "plain/{{ b }}/{{ a }}".to_string(),
        ]
        .into_iter()
        .map(|path| TemplateFile {
            path,
            contents: Cow::Owned(b"{{ a }}\n".to_vec()),
            executable: false,
        })
        .collect();
        let manifest = Manifest::parse("", "props").unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("a", &a);
        ctx.insert("b", &b);
        if let Ok(rendered) = render::render(&files, &manifest, &ctx) {
            if let Ok(plan) = write::plan(&dest, rendered, false) {
                let _ = write::apply(&plan);
            }
        }
        for rel in everything(root.path()) {
            prop_assert!(rel == "dest" || rel.starts_with("dest/"), "written outside: {rel:?}");
            for part in rel.split('/') {
                prop_assert!(
                    !FORBIDDEN_COMPONENTS.contains(&normalise(part).as_str()),
                    "forbidden component in {rel:?}"
                );
                prop_assert!(!part.chars().any(char::is_control), "control character in {rel:?}");
            }
        }
    }

    #[test]
    fn the_check_refuses_every_forbidden_or_escaping_path(a in answer()) {
        if let Ok(Some(path)) = devkit::scaffold::sandbox::check_path("t", &a) {
            for part in path.split('/') {
                let n = normalise(part);
                prop_assert!(!FORBIDDEN_COMPONENTS.contains(&n.as_str()) && n != ".." && n != "." && !n.is_empty(), "{path:?}");
            }
            prop_assert!(!path.starts_with('/') && !path.contains('\\') && !path.contains('\0'));
        }
    }
}
