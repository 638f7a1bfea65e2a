//! The build context as the engine receives it: a tar of a folder without what `.dockerignore` excludes,
//! following Docker's rules (patterns relative to the context root, `*` within one path segment, `**` across
//! segments, `!` re-includes, the last matching pattern wins, a file is excluded when it or a parent folder
//! matches). The Dockerfile and `.dockerignore` are always sent, as the docker CLI does.

use super::ImagesError;
use globset::{GlobBuilder, GlobMatcher};
use std::path::Path;

/// A file added to the context that is not in the folder (the devkit binary of the CI images).
#[derive(Debug, Clone)]
pub struct ExtraFile {
    /// Path inside the context.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Unix mode.
    pub mode: u32,
}

/// The patterns of a `.dockerignore` file.
#[derive(Debug, Default)]
pub struct DockerIgnore {
    rules: Vec<(GlobMatcher, bool)>,
}

impl DockerIgnore {
    /// Parses `.dockerignore` text; the error names the bad pattern.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negated, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let pattern = clean(pattern);
            if pattern.is_empty() {
                continue;
            }
            let glob = GlobBuilder::new(&pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| format!("bad .dockerignore pattern `{line}`: {e}"))?;
            rules.push((glob.compile_matcher(), negated));
        }
        Ok(Self { rules })
    }

    /// Whether `rel` (relative, `/`-separated) is left out of the context.
    pub fn excluded(&self, rel: &str) -> bool {
        let mut excluded = false;
        for (matcher, negated) in &self.rules {
            if matches_or_parent(matcher, rel) {
                excluded = !negated;
            }
        }
        excluded
    }

    /// Whether some pattern re-includes files (then excluded folders must still be walked).
    fn has_exceptions(&self) -> bool {
        self.rules.iter().any(|(_, negated)| *negated)
    }
}

/// Docker's path cleaning: no leading `/` or `./`, no empty or `.` segments, `..` resolved.
fn clean(pattern: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in pattern.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn matches_or_parent(matcher: &GlobMatcher, rel: &str) -> bool {
    if matcher.is_match(rel) {
        return true;
    }
    let mut prefix = rel;
    while let Some((parent, _)) = prefix.rsplit_once('/') {
        if matcher.is_match(parent) {
            return true;
        }
        prefix = parent;
    }
    false
}

/// Packs `dir` (honouring its `.dockerignore`) plus `extra` files into a tar; `dockerfile` is always included.
pub fn pack(dir: &Path, dockerfile: &str, extra: &[ExtraFile]) -> Result<Vec<u8>, ImagesError> {
    let err = |reason: String| ImagesError::Context {
        dir: dir.display().to_string(),
        reason,
    };
    let ignore = match std::fs::read_to_string(dir.join(".dockerignore")) {
        Ok(text) => DockerIgnore::parse(&text).map_err(err)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DockerIgnore::default(),
        Err(e) => return Err(err(format!(".dockerignore: {e}"))),
    };
    let mut tar = tar::Builder::new(Vec::new());
    tar.follow_symlinks(false);
    let always = [dockerfile, ".dockerignore"];
    walk(dir, dir, &ignore, &always, &mut tar).map_err(|e| err(e.to_string()))?;
    for file in extra {
        let mut header = tar::Header::new_gnu();
        header.set_size(file.bytes.len() as u64);
        header.set_mode(file.mode);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, &file.name, file.bytes.as_slice())
            .map_err(|e| err(format!("{}: {e}", file.name)))?;
    }
    tar.into_inner().map_err(|e| err(e.to_string()))
}

fn walk(
    root: &Path,
    dir: &Path,
    ignore: &DockerIgnore,
    always: &[&str],
    tar: &mut tar::Builder<Vec<u8>>,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .map_err(std::io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        let kind = entry.file_type()?;
        let excluded = ignore.excluded(&rel) && !always.contains(&rel.as_str());
        if kind.is_dir() {
            if !excluded {
                tar.append_dir(&rel, &path)?;
            }
            if !excluded || ignore.has_exceptions() {
                walk(root, &path, ignore, always, tar)?;
            }
        } else if !excluded {
            tar.append_path_with_name(&path, &rel)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn names(tar: &[u8]) -> Vec<String> {
        let mut archive = tar::Archive::new(tar);
        let mut out: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .path()
                    .unwrap()
                    .to_string_lossy()
                    .trim_end_matches('/')
                    .to_string()
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn docker_rules() {
        let ig = DockerIgnore::parse("# comment\n*.log\n/build\n**/secret*\n!keep.log\nsub/*.tmp\n").unwrap();
        assert!(ig.excluded("a.log"));
        assert!(!ig.excluded("keep.log"));
        assert!(
            !ig.excluded("sub/a.log"),
            "`*` stays within one segment, anchored at the root"
        );
        assert!(
            ig.excluded("build/x/y.o"),
            "a parent folder match excludes the file"
        );
        assert!(ig.excluded("secret.txt") && ig.excluded("deep/er/secret.key"));
        assert!(ig.excluded("sub/x.tmp") && !ig.excluded("sub/deeper/x.tmp"));
        assert!(!ig.excluded("src/main.rs"));
    }

    #[test]
    fn pack_honours_dockerignore_and_keeps_the_dockerfile() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("Dockerfile"), "FROM x\n").unwrap();
        std::fs::write(
            d.join(".dockerignore"),
            "Dockerfile\n.dockerignore\n*.secret\nnode_modules\n",
        )
        .unwrap();
        std::fs::write(d.join("app.txt"), "a").unwrap();
        std::fs::write(d.join("token.secret"), "s").unwrap();
        std::fs::create_dir_all(d.join("node_modules/x")).unwrap();
        std::fs::write(d.join("node_modules/x/i.js"), "").unwrap();
        let extra = ExtraFile {
            name: "bin/devkit".into(),
            bytes: b"ELF".to_vec(),
            mode: 0o755,
        };
        let tar = pack(d, "Dockerfile", &[extra]).unwrap();
        assert_eq!(
            names(&tar),
            [".dockerignore", "Dockerfile", "app.txt", "bin/devkit"]
        );
    }
}
