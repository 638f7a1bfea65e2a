//! Jupyter's kernel search path (`jupyter --paths`, data section) and the kernelspecs found on it, first
//! folder wins as in jupyter_client.

use super::spec::{self, KernelSpec};
use crate::settings::Settings;
use crate::site::Origin;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The kernels folders, highest priority first, and the one devkit writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPath {
    /// `<data dir>/kernels` folders in Jupyter's order.
    pub dirs: Vec<PathBuf>,
    /// Where `devkit kernel add` writes.
    pub write_dir: PathBuf,
}

impl SearchPath {
    /// `$JUPYTER_PATH` entries, then `write_dir` (the user's, or the site's kernels folder), then
    /// `$JUPYTER_DATA_DIR` or `~/.local/share/jupyter`, then the system folders.
    pub fn new(write_dir: PathBuf, env: &dyn Fn(&str) -> Option<String>, home: &Path) -> Self {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(list) = env("JUPYTER_PATH") {
            dirs.extend(
                std::env::split_paths(&list)
                    .filter(|p| p.is_absolute())
                    .map(|p| p.join("kernels")),
            );
        }
        dirs.push(write_dir.clone());
        dirs.push(user_data_dir(env, home).join("kernels"));
        dirs.push("/usr/local/share/jupyter/kernels".into());
        dirs.push("/usr/share/jupyter/kernels".into());
        let mut seen = std::collections::HashSet::new();
        dirs.retain(|d| seen.insert(d.clone()));
        Self { dirs, write_dir }
    }
}

/// The search path for these settings: the site's `datalabs.kernels_dir` when overridden, else
/// `$JUPYTER_DATA_DIR/kernels` when set (the folder Jupyter itself uses), else the site's default.
pub fn from_settings(settings: &Settings, env: &dyn Fn(&str) -> Option<String>) -> SearchPath {
    let home = &settings.paths.home;
    let site = &settings.site.datalabs.kernels_dir;
    let site_dir = match site.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None => PathBuf::from(site),
    };
    let overridden = settings
        .origins
        .get("datalabs.kernels_dir")
        .is_some_and(|o| *o != Origin::Embedded);
    let write_dir = match env("JUPYTER_DATA_DIR").map(PathBuf::from) {
        Some(d) if !overridden && d.is_absolute() => d.join("kernels"),
        _ => site_dir,
    };
    SearchPath::new(write_dir, env, home)
}

/// Jupyter's user data folder: `$JUPYTER_DATA_DIR`, else `~/.local/share/jupyter`.
pub fn user_data_dir(env: &dyn Fn(&str) -> Option<String>, home: &Path) -> PathBuf {
    env("JUPYTER_DATA_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".local/share/jupyter"))
}

/// A kernelspec found on the search path.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// Its name (the folder name, lowercased as Jupyter looks it up).
    pub name: String,
    /// Its spec folder.
    pub dir: PathBuf,
    /// The spec, or why it cannot be read.
    #[serde(skip)]
    pub spec: Result<KernelSpec, String>,
    /// Whether an earlier folder holds the same name (Jupyter never starts this one).
    pub shadowed: bool,
}

/// Every kernelspec on the path, in search order, names sorted within a folder.
pub fn find_all(path: &SearchPath) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for dir in &path.dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut here: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_lowercase();
                let p = e.path();
                (!name.starts_with('.') && p.join(spec::SPEC_FILE).is_file()).then_some((name, p))
            })
            .collect();
        here.sort();
        for (name, dir) in here {
            let shadowed = out.iter().any(|f| f.name == name);
            out.push(Found {
                spec: spec::read(&dir),
                name,
                dir,
                shadowed,
            });
        }
    }
    out
}

/// The kernel Jupyter would start for `name`.
pub fn find(path: &SearchPath, name: &str) -> Option<Found> {
    let name = name.to_lowercase();
    find_all(path).into_iter().find(|f| f.name == name && !f.shadowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_shadowing() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        for d in [&a, &b] {
            std::fs::create_dir_all(d.join("kernels/k")).unwrap();
            std::fs::write(
                d.join("kernels/k/kernel.json"),
                r#"{"argv":["python"],"display_name":"k","language":"python"}"#,
            )
            .unwrap();
        }
        std::fs::create_dir_all(b.join("kernels/.devkit-staging-x")).unwrap();
        let jp = a.display().to_string();
        let env = move |k: &str| (k == "JUPYTER_PATH").then(|| jp.clone());
        let path = SearchPath::new(b.join("kernels"), &env, tmp.path());
        assert_eq!(path.dirs[0], a.join("kernels"));
        let all = find_all(&path);
        assert_eq!(all.len(), 2);
        assert!(!all[0].shadowed && all[1].shadowed);
        assert_eq!(find(&path, "K").unwrap().dir, a.join("kernels/k"));
    }
}
