//! Where a template comes from: an embedded name, a local folder, or a git URL with a ref. Each source is
//! loaded into memory with its manifest, so rendering never touches the source again.

use super::manifest::Manifest;
use super::{MANIFEST, ScaffoldError, TemplateFile, embedded, git_source};
pub use git_source::{LATEST_TAG, is_version_tag};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The kind of a template source, as recorded in `.devkit-answers.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Compiled into devkit.
    Embedded,
    /// A local folder.
    Dir,
    /// A git repository.
    Git,
}

/// A template loaded in memory.
#[derive(Debug)]
pub struct Template {
    /// Kind of source.
    pub kind: SourceKind,
    /// The source as the user gave it (URL credentials redacted).
    pub source: String,
    /// The ref asked for, or the default branch of a git source.
    pub git_ref: Option<String>,
    /// The commit a git source was read at.
    pub commit: Option<String>,
    /// The manifest.
    pub manifest: Manifest,
    /// Every other file.
    pub files: Vec<TemplateFile>,
}

/// Whether `spec` names a git repository by URL (`https://`, `ssh://`, `file://`, `git://`, `user@host:path`).
pub fn is_git_url(spec: &str) -> bool {
    let schemes = ["https://", "http://", "ssh://", "file://", "git://", "git+ssh://"];
    if schemes.iter().any(|s| spec.starts_with(s)) {
        return true;
    }
    // scp-like `git@host:group/project.git`
    match (spec.find('@'), spec.find(':')) {
        (Some(at), Some(colon)) => at < colon && !spec[..at].contains('/'),
        _ => false,
    }
}

/// Loads a template from `spec`, relative paths resolved against `cwd`.
pub fn load(spec: &str, git_ref: Option<&str>, cwd: &Path) -> Result<Template, ScaffoldError> {
    if is_git_url(spec) {
        return from_git(spec, git_ref);
    }
    let names = embedded::names();
    let looks_like_path =
        spec.contains('/') || spec.starts_with('.') || spec.contains(std::path::MAIN_SEPARATOR);
    if !looks_like_path && names.contains(&spec) {
        if git_ref.is_some() {
            return Err(ScaffoldError::RefWithoutGit(spec.to_string()));
        }
        return from_embedded(spec);
    }
    let dir = cwd.join(spec);
    if dir.is_dir() {
        if let Some(r) = git_ref {
            if dir.join(".git").exists() {
                return from_git(&dir.display().to_string(), Some(r));
            }
            return Err(ScaffoldError::RefWithoutGit(spec.to_string()));
        }
        return from_dir(&dir, spec);
    }
    if looks_like_path {
        return Err(ScaffoldError::MissingFolder(PathBuf::from(spec)));
    }
    Err(ScaffoldError::UnknownTemplate {
        name: spec.to_string(),
        available: names.iter().map(ToString::to_string).collect(),
    })
}

fn from_embedded(name: &str) -> Result<Template, ScaffoldError> {
    let text = embedded::manifest_text(name).ok_or_else(|| ScaffoldError::NoManifest(name.to_string()))?;
    let manifest = Manifest::parse(text, name)?;
    let files = embedded::files(name)
        .filter(|f| f.path != MANIFEST)
        .map(|f| TemplateFile {
            path: f.path.to_string(),
            contents: Cow::Borrowed(f.contents),
            executable: f.executable,
        })
        .collect();
    Ok(Template {
        kind: SourceKind::Embedded,
        source: name.to_string(),
        git_ref: None,
        commit: None,
        manifest,
        files,
    })
}

fn from_dir(dir: &Path, spec: &str) -> Result<Template, ScaffoldError> {
    // Walk first: a manifest that is a symbolic link (to a file outside the template) is refused like any
    // other link, never read.
    let mut found = Vec::new();
    walk(dir, dir, &mut found)?;
    // Reading is most of the cost of a large template on a cold cache: on all cores.
    let mut files = super::parallel::map(&found, |(path, rel, executable)| {
        let contents = std::fs::read(path).map_err(|e| ScaffoldError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(TemplateFile {
            path: rel.clone(),
            contents: Cow::Owned(contents),
            executable: *executable,
        })
    })
    .into_iter()
    .collect::<Result<Vec<_>, ScaffoldError>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest_file = files
        .iter()
        .position(|f| f.path == MANIFEST)
        .map(|i| files.remove(i))
        .ok_or_else(|| ScaffoldError::NoManifest(spec.to_string()))?;
    let text = std::str::from_utf8(&manifest_file.contents).map_err(|e| ScaffoldError::Read {
        path: dir.join(MANIFEST).display().to_string(),
        message: e.to_string(),
    })?;
    let manifest = Manifest::parse(text, spec)?;
    Ok(Template {
        kind: SourceKind::Dir,
        source: spec.to_string(),
        git_ref: None,
        commit: None,
        manifest,
        files,
    })
}

/// The regular files below `dir`: path, path relative to `root` (`/`-separated), executable bit.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, String, bool)>) -> Result<(), ScaffoldError> {
    let read_err = |p: &Path, e: std::io::Error| ScaffoldError::Read {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    for entry in std::fs::read_dir(dir).map_err(|e| read_err(dir, e))? {
        let entry = entry.map_err(|e| read_err(dir, e))?;
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path).map_err(|e| read_err(&path, e))?;
        let rel = path
            .strip_prefix(root)
            .map_err(|e| ScaffoldError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            })?
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if meta.file_type().is_symlink() {
            return Err(ScaffoldError::Symlink(rel));
        } else if meta.is_dir() {
            if entry.file_name() != ".git" {
                walk(root, &path, out)?;
            }
        } else if !meta.is_file() {
            return Err(ScaffoldError::SpecialFile(rel));
        } else {
            let executable = is_executable(&meta);
            out.push((path, rel, executable));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}

fn from_git(url: &str, git_ref: Option<&str>) -> Result<Template, ScaffoldError> {
    let fetched = git_source::fetch(url, git_ref)?;
    let display = redact_url(url);
    let text = fetched
        .files
        .iter()
        .find(|f| f.path == MANIFEST)
        .and_then(|f| std::str::from_utf8(&f.contents).ok().map(str::to_string))
        .ok_or_else(|| ScaffoldError::NoManifest(display.clone()))?;
    let manifest = Manifest::parse(&text, &display)?;
    let files = fetched.files.into_iter().filter(|f| f.path != MANIFEST).collect();
    Ok(Template {
        kind: SourceKind::Git,
        source: display,
        git_ref: Some(fetched.git_ref),
        commit: Some(fetched.commit),
        manifest,
        files,
    })
}

/// A URL with any `user:password@` part replaced by `****@`, safe to print and record.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}****@{}", &url[..scheme_end + 3], &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sources() {
        assert!(is_git_url("https://gitlab.example.org/g/t.git"));
        assert!(is_git_url("git@gitlab.example.org:g/t.git"));
        assert!(is_git_url("file:///srv/t"));
        assert!(!is_git_url("python-lib"));
        assert!(!is_git_url("./dir/with@sign:x"));
    }

    #[test]
    fn redacts_credentials() {
        assert_eq!(
            redact_url("https://u:tok@host/g/t.git"),
            "https://****@host/g/t.git"
        );
        assert_eq!(redact_url("https://host/a@b"), "https://host/a@b");
        assert!(!redact_url("https://oauth2:s3cr3t@h/x").contains("s3cr3t"));
    }

    #[test]
    fn unknown_name_lists_embedded_templates() {
        let err = load("no-such-template", None, Path::new("/")).unwrap_err();
        let ScaffoldError::UnknownTemplate { available, .. } = &err else {
            panic!("{err}")
        };
        assert!(available.iter().any(|n| n == "python-lib"), "{available:?}");
    }
}
