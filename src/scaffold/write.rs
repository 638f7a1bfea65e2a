//! Publishing rendered files: checks against the destination first (non-empty, symlinks leading out, type
//! conflicts), then a staging folder on the same filesystem, then renames. Each file is written once; a
//! failure removes everything this run created and leaves the user's files as they were.

use super::ScaffoldError;
use super::render::RenderedFile;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What will happen to each file.
#[derive(Debug)]
pub struct Plan {
    dest: PathBuf,
    dest_exists: bool,
    /// Files to create.
    pub create: Vec<RenderedFile>,
    /// Files already present with the same contents.
    pub unchanged: Vec<String>,
    /// Files already present with other contents: kept as they are.
    pub kept: Vec<String>,
}

/// Checks the destination and decides what to write.
pub fn plan(dest: &Path, files: Vec<RenderedFile>, force: bool) -> Result<Plan, ScaffoldError> {
    let dest_exists = match std::fs::symlink_metadata(dest) {
        Ok(m) if m.is_dir() => true,
        Ok(m) if m.file_type().is_symlink() && dest.is_dir() => true,
        Ok(_) => return Err(ScaffoldError::NotADirectory(dest.to_path_buf())),
        Err(_) => false,
    };
    if dest_exists {
        let mut entries = std::fs::read_dir(dest).map_err(|e| write_err(dest, &e))?;
        if entries.next().is_some() && !force {
            return Err(ScaffoldError::NotEmpty(dest.to_path_buf()));
        }
    }
    let root = if dest_exists {
        dest.canonicalize().map_err(|e| write_err(dest, &e))?
    } else {
        PathBuf::new()
    };
    let mut plan = Plan {
        dest: dest.to_path_buf(),
        dest_exists,
        create: Vec::new(),
        unchanged: Vec::new(),
        kept: Vec::new(),
    };
    for file in files {
        if !dest_exists {
            plan.create.push(file);
            continue;
        }
        check_parents(dest, &root, &file.path)?;
        let target = dest.join(&file.path);
        match std::fs::symlink_metadata(&target) {
            Err(_) => plan.create.push(file),
            Ok(m) if m.is_dir() => return Err(ScaffoldError::TypeConflict(target)),
            Ok(m) if m.file_type().is_symlink() => return Err(ScaffoldError::SymlinkEscape(target)),
            // Never open a FIFO or device to compare it: reading a FIFO would block forever.
            Ok(m) if !m.is_file() => return Err(ScaffoldError::SpecialFile(target.display().to_string())),
            Ok(_) => {
                let same = std::fs::read(&target).is_ok_and(|c| c == *file.contents);
                if same {
                    plan.unchanged.push(file.path)
                } else {
                    plan.kept.push(file.path)
                }
            }
        }
    }
    Ok(plan)
}

/// Refuses a path whose existing parent folders are symlinks leading outside `root`, or files.
pub(crate) fn check_parents(dest: &Path, root: &Path, rel: &str) -> Result<(), ScaffoldError> {
    let mut current = dest.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        current.push(part);
        match std::fs::symlink_metadata(&current) {
            Err(_) => return Ok(()),
            Ok(m) if m.file_type().is_symlink() => {
                let real = current
                    .canonicalize()
                    .map_err(|_| ScaffoldError::SymlinkEscape(current.clone()))?;
                if !real.starts_with(root) {
                    return Err(ScaffoldError::SymlinkEscape(current));
                }
            }
            Ok(m) if !m.is_dir() => return Err(ScaffoldError::TypeConflict(current)),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Writes the plan; returns the paths created.
pub fn apply(plan: &Plan) -> Result<Vec<String>, ScaffoldError> {
    let parent = match plan.dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging_parent = if plan.dest_exists {
        plan.dest.clone()
    } else {
        parent
    };
    let staging = tempfile::Builder::new()
        .prefix(".devkit-staging-")
        .tempdir_in(&staging_parent)
        .map_err(|e| write_err(&staging_parent, &e))?;
    write_files(staging.path(), &plan.create)?;
    if !plan.dest_exists {
        let staged = staging.keep();
        if let Err(e) = std::fs::rename(&staged, &plan.dest) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(write_err(&plan.dest, &e));
        }
        return Ok(plan.create.iter().map(|f| f.path.clone()).collect());
    }
    let mut moved: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    for file in &plan.create {
        let target = plan.dest.join(&file.path);
        let result = make_parents(&plan.dest, &file.path, &mut made_dirs)
            .and_then(|()| std::fs::rename(staging.path().join(&file.path), &target));
        if let Err(e) = result {
            for path in moved.iter().rev() {
                let _ = std::fs::remove_file(path);
            }
            for dir in made_dirs.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(write_err(&target, &e));
        }
        moved.push(target);
    }
    Ok(plan.create.iter().map(|f| f.path.clone()).collect())
}

fn make_parents(dest: &Path, rel: &str, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut current = dest.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        current.push(part);
        if !current.exists() {
            std::fs::create_dir(&current)?;
            made.push(current.clone());
        }
    }
    Ok(())
}

/// Writes `files` under `root`: each folder made once, then the files on all cores.
fn write_files(root: &Path, files: &[RenderedFile]) -> Result<(), ScaffoldError> {
    let mut dirs: Vec<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    for dir in dirs {
        let path = root.join(dir);
        std::fs::create_dir_all(&path).map_err(|e| write_err(&path, &e))?;
    }
    super::parallel::map(files, |file| write_file(&root.join(&file.path), file))
        .into_iter()
        .collect()
}

/// Creates one file, which must not exist, in an existing folder.
fn write_file(path: &Path, file: &RenderedFile) -> Result<(), ScaffoldError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if file.executable { 0o777 } else { 0o666 });
    }
    let mut handle = options.open(path).map_err(|e| write_err(path, &e))?;
    handle.write_all(&file.contents).map_err(|e| write_err(path, &e))
}

fn write_err(path: &Path, e: &std::io::Error) -> ScaffoldError {
    ScaffoldError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}
