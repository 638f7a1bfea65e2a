//! Private job files on storage the compute nodes share: folders are created 0700 and files 0600 (0700 for
//! scripts) by the `mkdir`/`open` calls themselves, never widened or narrowed afterwards, so no other user can
//! read a script (it may hold `CI_JOB_TOKEN` and masked variables) or an output at any moment, whatever the
//! umask. A umask can only remove bits, never add them.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::Path;

/// Mode of job folders.
pub const DIR_MODE: u32 = 0o700;
/// Mode of data files (output, job ids, records).
pub const FILE_MODE: u32 = 0o600;
/// Mode of scripts.
pub const SCRIPT_MODE: u32 = 0o700;

/// Creates `dir` and any missing parent with mode 0700 (existing folders are left as they are).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

/// Creates a new file (it must not exist) with `mode` and writes `contents`.
pub fn create_new(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

/// Opens `path` for appending, creating it 0600 when missing.
pub fn append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(FILE_MODE)
        .open(path)
}

/// Replaces `path` with `contents`: a new 0600 file beside it, renamed over it (readers never see a half file).
pub fn replace(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    create_new(&tmp, contents, FILE_MODE)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn modes_are_set_at_creation() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c");
        private_dir(&nested).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        create_new(&nested.join("s.sh"), b"x", SCRIPT_MODE).unwrap();
        assert_eq!(mode(&nested.join("s.sh")), 0o700);
        assert!(
            create_new(&nested.join("s.sh"), b"y", SCRIPT_MODE).is_err(),
            "never reuses a file"
        );
        drop(append(&nested.join("ids")).unwrap());
        assert_eq!(mode(&nested.join("ids")), 0o600);
        replace(&nested.join("r.json"), b"{}").unwrap();
        replace(&nested.join("r.json"), b"{ }").unwrap();
        assert_eq!(mode(&nested.join("r.json")), 0o600);
        assert_eq!(std::fs::read(nested.join("r.json")).unwrap(), b"{ }");
    }
}
