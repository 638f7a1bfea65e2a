//! The pre-downloaded auxiliary data on Trex (`datalake.static_aux`: DEMs and more): its folders, or the
//! entries of one of them, read from the file system without following a name out of the folder.

use std::path::{Path, PathBuf};

/// One entry of the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// File name (lossy UTF-8).
    pub name: String,
    /// A folder (a symlink to one counts).
    pub dir: bool,
    /// Size in bytes (files).
    pub size: u64,
}

/// Why the folder cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum AuxError {
    /// The site folder is absent here.
    #[error("the auxiliary data folder `{0}` does not exist on this machine")]
    Missing(PathBuf),
    /// The name is not one entry of the folder.
    #[error("`{0}` is not a name in the auxiliary data folder")]
    BadName(String),
    /// No such entry.
    #[error("`{name}` is not in `{root}`")]
    NoEntry {
        /// The name asked for.
        name: String,
        /// The folder.
        root: PathBuf,
    },
    /// Reading failed.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// What was read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl AuxError {
    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            Self::Missing(_) => {
                "it exists on Trex; elsewhere set `datalake.static_aux` to a copy (`devkit site show`)".into()
            }
            Self::BadName(_) | Self::NoEntry { .. } => "run `devkit datalake aux` to see the names".into(),
            Self::Read { .. } => "check the folder's permissions".into(),
        }
    }
}

/// The entries of `root`, or of `root/name` when a name is given, sorted by name.
pub fn list(root: &Path, name: Option<&str>) -> Result<Vec<Entry>, AuxError> {
    if !root.is_dir() {
        return Err(AuxError::Missing(root.to_path_buf()));
    }
    let dir = match name {
        None => root.to_path_buf(),
        Some(n) => {
            let trimmed = n.trim_end_matches('/');
            if trimmed.is_empty() || trimmed.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
                return Err(AuxError::BadName(n.to_string()));
            }
            let p = root.join(trimmed);
            if !p.exists() {
                return Err(AuxError::NoEntry {
                    name: n.to_string(),
                    root: root.to_path_buf(),
                });
            }
            p
        }
    };
    let read = |e: std::io::Error| AuxError::Read {
        path: dir.clone(),
        source: e,
    };
    if !dir.is_dir() {
        let meta = std::fs::metadata(&dir).map_err(read)?;
        let name = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        return Ok(vec![Entry {
            name,
            dir: false,
            size: meta.len(),
        }]);
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(read)? {
        let entry = entry.map_err(read)?;
        let meta = std::fs::metadata(entry.path()).ok();
        out.push(Entry {
            name: entry.file_name().to_string_lossy().into_owned(),
            dir: meta.as_ref().is_some_and(std::fs::Metadata::is_dir),
            size: meta.as_ref().map_or(0, std::fs::Metadata::len),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_refuses_escapes() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("MNT")).unwrap();
        std::fs::write(t.path().join("MNT/srtm 1.tif"), b"1234").unwrap();
        std::fs::write(t.path().join("readme"), b"x").unwrap();
        let top = list(t.path(), None).unwrap();
        assert_eq!(
            top.iter().map(|e| (e.name.as_str(), e.dir)).collect::<Vec<_>>(),
            [("MNT", true), ("readme", false)]
        );
        assert_eq!(list(t.path(), Some("MNT/")).unwrap()[0].size, 4);
        for bad in ["..", "../etc", "MNT/../..", "/etc", ""] {
            assert!(
                matches!(list(t.path(), Some(bad)), Err(AuxError::BadName(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            list(t.path(), Some("none")),
            Err(AuxError::NoEntry { .. })
        ));
        assert!(matches!(
            list(&t.path().join("absent"), None),
            Err(AuxError::Missing(_))
        ));
    }
}
