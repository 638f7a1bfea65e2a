//! The progress of `devkit onboard`, kept in `$XDG_DATA_HOME/devkit/onboard.toml` (no secret): the last
//! outcome of each step and what the first-project step created, so a second run creates nothing again.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name, in devkit's data folder.
pub const FILE_NAME: &str = "onboard.toml";

/// What earlier runs did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Last outcome of each step (`done`, `already done`, `skipped`, `failed`).
    #[serde(default)]
    pub steps: BTreeMap<String, String>,
    /// The first project, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectRecord>,
}

/// The first project devkit created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRecord {
    /// `namespace/name` on GitLab.
    pub path: String,
    /// Local folder.
    pub dir: PathBuf,
    /// Whether `main` is pushed to GitLab (a record with a runner was pushed).
    #[serde(default)]
    pub pushed: bool,
    /// Whether its runner is registered.
    #[serde(default)]
    pub runner: bool,
}

impl Progress {
    /// The file of `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(FILE_NAME)
    }

    /// Reads the progress (empty when there is none).
    pub fn load(data_dir: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(Self::path(data_dir)) {
            Ok(text) => toml::from_str(&text).map_err(|e| e.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The file's text.
    pub fn render(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Progress::load(dir.path()).unwrap(), Progress::default());
        let mut p = Progress::default();
        p.steps.insert("tools".into(), "done".into());
        p.project = Some(ProjectRecord {
            path: "ada/demo".into(),
            dir: "/x/demo".into(),
            pushed: true,
            runner: true,
        });
        std::fs::write(Progress::path(dir.path()), p.render().unwrap()).unwrap();
        assert_eq!(Progress::load(dir.path()).unwrap(), p);
    }
}
