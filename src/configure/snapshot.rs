//! A file's exact state (bytes, mode, owner, the real file behind symlinks, the folders writing it would create),
//! recorded in the transaction journal and in the originals record so both can put it back exactly.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A file's exact state, enough to put it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The real file (symlinks followed).
    pub target: PathBuf,
    /// Its bytes; `None` when it does not exist.
    #[serde(with = "b64")]
    pub bytes: Option<Vec<u8>>,
    /// Its permission bits.
    pub mode: Option<u32>,
    /// Its owner and group.
    pub owner: Option<(u32, u32)>,
    /// The folders that do not exist yet and writing the file creates, outermost first.
    pub created_dirs: Vec<PathBuf>,
}

impl Snapshot {
    /// The state of `path` now (through symlinks).
    pub fn take(path: &Path) -> std::io::Result<Self> {
        let target = resolve(path)?;
        let bytes = match std::fs::read(&target) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let meta = std::fs::metadata(&target).ok();
        let mut created_dirs = Vec::new();
        let mut dir = target.parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
        {
            created_dirs.insert(0, d.to_path_buf());
            dir = d.parent();
        }
        Ok(Self {
            target,
            bytes,
            mode: meta.as_ref().and_then(mode_of),
            owner: meta.as_ref().and_then(owner_of),
            created_dirs,
        })
    }
}

/// `path` with every symlink of its last component followed (a dangling link gives its missing target).
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "too many levels of symbolic links at `{}`",
        path.display()
    )))
}

#[cfg(unix)]
pub(super) fn mode_of(m: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
pub(super) fn mode_of(_: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(unix)]
pub(super) fn owner_of(m: &std::fs::Metadata) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.uid(), m.gid()))
}

#[cfg(not(unix))]
pub(super) fn owner_of(_: &std::fs::Metadata) -> Option<(u32, u32)> {
    None
}

/// Bytes as base64 in the journal.
mod b64 {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_some(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn links_are_followed_to_their_target_and_loops_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/netrc");
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        std::fs::write(&real, "x").unwrap();
        let link = dir.path().join(".netrc");
        std::os::unix::fs::symlink("dotfiles/netrc", &link).unwrap();
        let chain = dir.path().join(".netrc2");
        std::os::unix::fs::symlink(&link, &chain).unwrap();
        assert_eq!(resolve(&chain).unwrap(), dir.path().join("dotfiles/netrc"));
        let dangling = dir.path().join("d");
        std::os::unix::fs::symlink("new/folder/file", &dangling).unwrap();
        let snap = Snapshot::take(&dangling).unwrap();
        assert_eq!(snap.bytes, None);
        assert_eq!(
            snap.created_dirs,
            vec![dir.path().join("new"), dir.path().join("new/folder")]
        );
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        assert!(resolve(&a).is_err());
    }
}
