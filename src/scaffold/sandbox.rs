//! What a template may produce, decided in one place: every rendered path is checked here after rendering
//! and after the normalisation another OS or a VCS would apply (case folding, trailing dots and spaces,
//! ignorable code points, NTFS stream suffixes), and the limits on the work a template may cause live here.

use super::ScaffoldError;
use crate::text::{is_control, is_ignorable};

/// Most files a template may generate.
pub const MAX_FILES: usize = 10_000;
/// Largest rendered file, in bytes.
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// Largest rendered project (all files), in bytes.
pub const MAX_TOTAL_BYTES: usize = 256 << 20;
/// Deepest chain of includes, imports, `extends` and macro calls.
pub const MAX_DEPTH: usize = 16;
/// Most include and macro expansions one template file may cause (loops not counted).
pub const MAX_EXPANSIONS: u64 = 100_000;
/// Most numbers `range()` may produce in one call.
pub const MAX_RANGE: usize = 100_000;

/// Path components that a version-control system or a tool reads as its own configuration: a template may
/// never write one (a `.git` folder or file can make the user's next `git status` run a command).
pub const FORBIDDEN_COMPONENTS: &[&str] = &[".git", ".hg", ".svn", "git~1"];

/// Checks a rendered path and returns it `/`-joined; `None` when a component renders empty (a conditional
/// file or folder, which is skipped).
pub fn check_path(template_path: &str, rendered: &str) -> Result<Option<String>, ScaffoldError> {
    let refuse = |reason: &str| ScaffoldError::ForbiddenPath {
        template_path: template_path.into(),
        rendered: rendered.into(),
        reason: reason.into(),
    };
    if rendered.starts_with('/') {
        return Err(refuse("it is absolute, so it escapes the destination"));
    }
    if rendered.contains('\\') {
        return Err(refuse("it holds a backslash, a folder separator on Windows"));
    }
    if rendered.chars().any(is_control) {
        return Err(refuse("it holds a control or invisible character"));
    }
    let mut parts = Vec::new();
    for part in rendered.split('/') {
        if part.trim().is_empty() {
            return Ok(None);
        }
        let folded = normalise(part);
        if folded.is_empty() || folded == "." || folded == ".." {
            return Err(refuse("it escapes the destination (`.` or `..` once normalised)"));
        }
        if part.len() >= 2 && part.as_bytes()[1] == b':' {
            return Err(refuse("it starts with a drive letter"));
        }
        if FORBIDDEN_COMPONENTS.contains(&folded.as_str()) {
            return Err(refuse(
                "a `.git`, `.hg` or `.svn` component (in any case) would be trusted by a version-control system",
            ));
        }
        parts.push(part);
    }
    Ok(Some(parts.join("/")))
}

/// A path component as a case-insensitive file system or a checkout on Windows or macOS sees it: lower-cased,
/// without ignorable code points, NTFS stream suffix (`name::$DATA`), or trailing dots and spaces.
pub fn normalise(component: &str) -> String {
    let mut s: String = component
        .chars()
        .filter(|c| !is_ignorable(*c))
        .collect::<String>()
        .to_lowercase();
    if let Some(i) = s.find(':') {
        s.truncate(i);
    }
    if s == "." || s == ".." {
        return s;
    }
    // `...`, `.git.` and `.git ` are `""`, `.git` and `.git` on Windows.
    let kept = s.trim_end_matches(['.', ' ']).len();
    s.truncate(kept);
    s
}

/// The whole path normalised, to detect two files that one file system would merge.
pub fn normalised_key(path: &str) -> String {
    path.split('/').map(normalise).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_sees_what_other_systems_see() {
        assert_eq!(normalise(".GIT"), ".git");
        assert_eq!(normalise(".git. . "), ".git");
        assert_eq!(normalise(".g\u{200c}it"), ".git");
        assert_eq!(normalise(".git::$INDEX_ALLOCATION"), ".git");
        assert_eq!(normalise(".."), "..");
        assert_eq!(normalise("..."), "");
        assert_eq!(normalise("Readme.md"), "readme.md");
    }

    #[test]
    fn forbidden_and_escaping_paths_are_refused() {
        for p in [
            ".git/config",
            "a/.Git/hooks/x",
            ".git",
            ".hg/hgrc",
            ".SVN ./x",
            "GIT~1/config",
            "../x",
            "a/../../x",
            "/etc/x",
            "a\\b",
            "a\nb",
            "a\0b",
            "C:x",
            "...",
        ] {
            assert!(check_path("t", p).is_err(), "{p:?}");
        }
    }

    #[test]
    fn ordinary_and_conditional_paths_pass() {
        assert_eq!(check_path("t", "src/a.py").unwrap().as_deref(), Some("src/a.py"));
        assert_eq!(
            check_path("t", ".gitignore").unwrap().as_deref(),
            Some(".gitignore")
        );
        assert_eq!(
            check_path("t", ".github/x").unwrap().as_deref(),
            Some(".github/x")
        );
        assert_eq!(check_path("t", "a/ /b").unwrap(), None);
        assert_eq!(check_path("t", "").unwrap(), None);
    }
}
