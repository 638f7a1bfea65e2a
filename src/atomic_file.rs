//! Safe file replacement for files that may hold secrets: a temporary file in the same folder, the right mode
//! before any byte is written, fsync, rename; private folders; and advisory locks against concurrent writers.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a replaced file may be read by others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Owner only (0600): the file holds a secret.
    Private,
    /// Keep the mode of the file being replaced, or 0644 for a new file.
    KeepOrPublic,
}

/// Creates `dir` (and parents) and makes it owner-only (0700).
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    fs_err::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Replaces `path` with `contents` atomically: readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, contents: &[u8], mode: Mode) -> std::io::Result<()> {
    stage(path, contents, mode)?.commit()
}

/// A replacement written in full to a temporary file beside its target, not yet in place: stage every file
/// of a change first, then commit them, so a failure while staging (read-only folder, full disk) changes
/// nothing. Dropped without `commit`, the temporary file is removed.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Writes `contents` next to `path` with its final mode, fsynced, ready to be renamed over it.
pub fn stage(path: &Path, contents: &[u8], mode: Mode) -> std::io::Result<Staged> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir)?;
    let wanted = match mode {
        Mode::Private => 0o600,
        Mode::KeepOrPublic => existing_mode(path).unwrap_or(0o644),
    };
    // tempfile creates the file 0600 with O_EXCL: nothing is ever readable by others before the chmod below.
    let mut tmp = tempfile::Builder::new()
        .prefix(".devkit-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    set_mode(tmp.path(), wanted)?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// The file this replaces.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the staged file over its target.
    pub fn commit(self) -> std::io::Result<()> {
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Makes an existing file owner-only (0600).
pub fn make_private(path: &Path) -> std::io::Result<()> {
    set_mode(path, 0o600)
}

/// The permission bits of a file (unix), if it exists.
pub fn existing_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Sets the permission bits of `path` (unix; a no-op elsewhere).
pub fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs_err::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// An exclusive advisory lock, released when dropped.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    path: PathBuf,
}

impl FileLock {
    /// Blocks until the lock file `path` (created 0600 if missing) is held exclusively.
    pub fn acquire(path: &Path) -> std::io::Result<Self> {
        if let Some(dir) = path.parent() {
            fs_err::create_dir_all(dir)?;
        }
        let file = open_lock_file(path)?;
        fs4::FileExt::lock(&file)
            .map_err(|e| std::io::Error::new(e.kind(), format!("cannot lock `{}`: {e}", path.display())))?;
        Ok(Self {
            _file: file,
            path: path.to_path_buf(),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open_lock_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot open `{}`: {e}", path.display())))
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn private_files_are_0600_and_replacing_keeps_public_modes() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("sub/secret");
        write_atomic(&secret, b"a", Mode::Private).unwrap();
        assert_eq!(existing_mode(&secret), Some(0o600));
        let public = dir.path().join("public");
        write_atomic(&public, b"a", Mode::KeepOrPublic).unwrap();
        assert_eq!(existing_mode(&public), Some(0o644));
        set_mode(&public, 0o640).unwrap();
        write_atomic(&public, b"b", Mode::KeepOrPublic).unwrap();
        assert_eq!(existing_mode(&public), Some(0o640));
        assert_eq!(std::fs::read(&public).unwrap(), b"b");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn private_dir_is_0700() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("a/b");
        ensure_private_dir(&d).unwrap();
        assert_eq!(existing_mode(&d), Some(0o700));
    }
}
