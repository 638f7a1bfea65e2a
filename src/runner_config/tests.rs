//! Round-trip tests on gitlab-runner's documented `config.toml` shapes. (declared `#[cfg(test)]` by its parent module)
#![allow(clippy::unwrap_used)]

use super::*;

/// The documented shape: globals, `[session_server]`, two runners with comments.
const SAMPLE: &str = include_str!("../../tests/fixtures/runner-config.toml");

fn entry(id: u64, name: &str) -> RunnerEntry {
    RunnerEntry {
        name: name.into(),
        url: "https://gitlab.example.com".into(),
        id,
        token: Secret::new(format!("glrt-new{id}")),
        token_obtained_at: datetime("2026-01-01T00:00:00Z").unwrap(),
        token_expires_at: datetime(NEVER).unwrap(),
        executor: Executor::Custom {
            program: "/opt/devkit/bin/devkit".into(),
            builds_dir: "/scratch/builds".into(),
            cache_dir: "/scratch/cache".into(),
        },
    }
}

/// The `[[runners]]` table gitlab-runner documents for a custom executor, written out by hand so the tests do
/// not take their expectation from the code under test.
fn expected_entry(id: u64, name: &str) -> String {
    let mut out = format!(
        "[[runners]]\n  name = \"{name}\"\n  url = \"https://gitlab.example.com\"\n  id = {id}\n  \
         token = \"glrt-new{id}\"\n  token_obtained_at = 2026-01-01T00:00:00Z\n  \
         token_expires_at = 0001-01-01T00:00:00Z\n  executor = \"custom\"\n  builds_dir = \"/scratch/builds\"\n  \
         cache_dir = \"/scratch/cache\"\n  shell = \"bash\"\n  [runners.custom]\n"
    );
    for stage in ["config", "prepare", "run", "cleanup"] {
        out.push_str(&format!(
            "    {stage}_exec = \"/opt/devkit/bin/devkit\"\n    {stage}_args = [\"executor\", \"{stage}\"]\n"
        ));
    }
    out
}

fn sample_file() -> ConfigFile {
    ConfigFile::parse(Path::new("config.toml"), SAMPLE).unwrap()
}

#[test]
fn appending_keeps_every_byte_before() {
    let mut f = sample_file();
    f.put(&entry(200, "trex"), None);
    let out = f.render();
    assert!(out.starts_with(SAMPLE), "{out}");
    assert_eq!(&out[SAMPLE.len()..], expected_entry(200, "trex"));
    let again = ConfigFile::parse(Path::new("c"), &out).unwrap();
    let ids: Vec<_> = again.entries().iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![Some(101), Some(102), Some(200)]);
}

#[test]
fn replacing_touches_only_that_entry() {
    let mut f = sample_file();
    f.put(&entry(200, "trex"), None);
    let with_old = f.render();
    f.put(&entry(300, "trex"), Some(200));
    let out = f.render();
    assert!(out.starts_with(SAMPLE));
    assert_eq!(&out[SAMPLE.len()..], expected_entry(300, "trex"));
    assert_ne!(out, with_old);
    // In the middle: the entry after it is untouched, comments before it are kept.
    let mut f = sample_file();
    f.put(&entry(101, "docker-runner"), Some(101));
    let out = f.render();
    let head = SAMPLE.split("[[runners]]").next().unwrap();
    let tail = &SAMPLE[SAMPLE.rfind("[[runners]]").unwrap()..];
    assert!(out.starts_with(head), "{out}");
    assert!(out.ends_with(tail), "{out}");
    assert!(out.contains("id = 101\n  token = \"glrt-new101\""), "{out}");
}

#[test]
fn removing_keeps_the_rest() {
    let mut f = sample_file();
    f.put(&entry(200, "trex"), None);
    assert!(f.remove(200));
    assert_eq!(f.render(), SAMPLE);
    assert!(!f.remove(999));
}

#[test]
fn malformed_files_are_refused_with_a_line() {
    let err = ConfigFile::parse(Path::new("c.toml"), "concurrent = 1\n[[runners]\n").unwrap_err();
    assert!(
        matches!(err, RunnerConfigError::Malformed { line: 2, .. }),
        "{err}"
    );
    let err = ConfigFile::parse(Path::new("c.toml"), "runners = 3\n").unwrap_err();
    assert!(err.to_string().contains("array"), "{err}");
}

#[test]
fn edit_writes_0600_and_rereads_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runner/config.toml");
    edit(&path, |f| {
        f.put(&entry(1, "a"), None);
        (true, ())
    })
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(SKELETON), "{text}");
    #[cfg(unix)]
    assert_eq!(crate::atomic_file::existing_mode(&path), Some(0o600));
    // gitlab-runner rotates the token meanwhile: the next edit must keep it.
    std::fs::write(&path, text.replace("glrt-new1", "glrt-rotated")).unwrap();
    edit(&path, |f| {
        f.put(&entry(2, "b"), None);
        (true, ())
    })
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("glrt-rotated") && text.contains("glrt-new2"),
        "{text}"
    );
}
