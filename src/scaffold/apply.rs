//! Applying an update plan: every new content is first written to a temporary file beside its target, then
//! all are renamed into place and removed files deleted, so a failure while writing changes nothing.

use super::ScaffoldError;
use super::merge::Action;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file to write.
struct Pending {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

/// Applies `actions` (and writes `extra` files such as the answers file) under `project`.
pub fn apply(project: &Path, actions: &[Action], extra: &[(String, Vec<u8>)]) -> Result<(), ScaffoldError> {
    let mut writes: Vec<(&str, &[u8], Option<bool>)> = Vec::new();
    let mut deletes: Vec<&str> = Vec::new();
    for action in actions {
        match action {
            Action::Create {
                path,
                contents,
                executable,
            }
            | Action::Update {
                path,
                contents,
                executable,
            } => {
                writes.push((path, contents, Some(*executable)));
            }
            Action::Merge { path, contents } => writes.push((path, contents, None)),
            Action::Conflict {
                path,
                contents: Some(c),
                ..
            } => writes.push((path, c, None)),
            Action::Conflict {
                rej: Some(rej),
                rej_contents,
                ..
            } => writes.push((rej, rej_contents, Some(false))),
            Action::Rename {
                from,
                to,
                contents,
                executable,
            } => {
                writes.push((to, contents, Some(*executable)));
                deletes.push(from);
            }
            Action::Delete { path } => deletes.push(path),
            Action::Conflict { .. } | Action::KeepChanged { .. } | Action::StayDeleted { .. } => {}
        }
    }
    for (path, contents) in extra {
        writes.push((path, contents, None));
    }

    let root = project.canonicalize().map_err(|e| write_err(project, &e))?;
    let mut pending = Vec::with_capacity(writes.len());
    for (rel, contents, executable) in writes {
        super::write::check_parents(project, &root, rel)?;
        let target = project.join(rel);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => return Err(ScaffoldError::SymlinkEscape(target)),
            Ok(m) if !m.is_file() => return Err(ScaffoldError::SpecialFile(target.display().to_string())),
            _ => {}
        }
        let dir = target.parent().unwrap_or(project).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| write_err(&dir, &e))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".devkit-update-")
            .tempfile_in(&dir)
            .map_err(|e| write_err(&dir, &e))?;
        temp.write_all(contents).map_err(|e| write_err(&target, &e))?;
        set_mode(temp.path(), &target, executable).map_err(|e| write_err(&target, &e))?;
        pending.push(Pending { temp, target });
    }
    for p in pending {
        p.temp
            .persist(&p.target)
            .map_err(|e| write_err(&p.target, &e.error))?;
    }
    for rel in deletes {
        let target = project.join(rel);
        std::fs::remove_file(&target).map_err(|e| write_err(&target, &e))?;
        remove_empty_parents(project, &target);
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(temp: &Path, target: &Path, executable: Option<bool>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match (executable, std::fs::metadata(target)) {
        (None, Ok(meta)) => meta.permissions().mode() & 0o7777,
        (Some(true), _) => 0o755,
        _ => 0o644,
    };
    std::fs::set_permissions(temp, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: &Path, _: Option<bool>) -> std::io::Result<()> {
    Ok(())
}

fn remove_empty_parents(project: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == project || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn write_err(path: &Path, e: &std::io::Error) -> ScaffoldError {
    ScaffoldError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}
