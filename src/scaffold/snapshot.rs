//! The pristine template render of a project, kept in its git repository as a commit under
//! `refs/devkit/base` (a vendor branch outside every branch). `devkit update` merges against it, so the base
//! is exact even when the template that produced it (an older embedded template) no longer exists.

use super::ScaffoldError;
use super::merge::Tree;
use super::render::RenderedFile;
use std::borrow::Cow;
use std::path::Path;

/// The reference holding the pristine render.
pub const BASE_REF: &str = "refs/devkit/base";

fn err(e: &git2::Error) -> ScaffoldError {
    ScaffoldError::Git(e.message().to_string())
}

/// Reads the pristine render recorded in the project's repository, if any.
pub fn read(project: &Path) -> Result<Option<Tree>, ScaffoldError> {
    let Ok(repo) = git2::Repository::open(project) else {
        return Ok(None);
    };
    let Ok(reference) = repo.find_reference(BASE_REF) else {
        return Ok(None);
    };
    let tree = reference.peel_to_tree().map_err(|e| err(&e))?;
    let mut files = Tree::new();
    let mut failure = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return git2::TreeWalkResult::Ok;
        }
        let path = format!("{root}{}", entry.name().unwrap_or_default());
        match repo.find_blob(entry.id()) {
            Ok(blob) => {
                let file = RenderedFile {
                    path: path.clone(),
                    contents: Cow::Owned(blob.content().to_vec()),
                    executable: entry.filemode() == 0o100_755,
                };
                files.insert(path, file);
                git2::TreeWalkResult::Ok
            }
            Err(e) => {
                failure = Some(err(&e));
                git2::TreeWalkResult::Abort
            }
        }
    })
    .map_err(|e| err(&e))?;
    failure.map_or(Ok(Some(files)), Err)
}

/// Records `files` as the new pristine render (a commit whose parent is the previous one). Does nothing when
/// the project is not a git repository.
pub fn record<'a>(
    project: &Path,
    files: impl IntoIterator<Item = &'a RenderedFile>,
    message: &str,
) -> Result<bool, ScaffoldError> {
    let Ok(repo) = git2::Repository::open(project) else {
        return Ok(false);
    };
    let tree_id = write_tree(&repo, files)?;
    let tree = repo.find_tree(tree_id).map_err(|e| err(&e))?;
    let signature = repo
        .signature()
        .or_else(|_| git2::Signature::now("devkit", "devkit@localhost"))
        .map_err(|e| err(&e))?;
    let parent = repo
        .find_reference(BASE_REF)
        .ok()
        .and_then(|r| r.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let commit = repo
        .commit(None, &signature, &signature, message, &tree, &parents)
        .map_err(|e| err(&e))?;
    repo.reference(BASE_REF, commit, true, message)
        .map_err(|e| err(&e))?;
    Ok(true)
}

fn write_tree<'a>(
    repo: &git2::Repository,
    files: impl IntoIterator<Item = &'a RenderedFile>,
) -> Result<git2::Oid, ScaffoldError> {
    // Build nested trees bottom-up from the flat path list.
    let mut dirs: std::collections::BTreeMap<String, Vec<(String, git2::Oid, i32)>> =
        std::collections::BTreeMap::new();
    dirs.entry(String::new()).or_default();
    for file in files {
        let oid = repo.blob(&file.contents).map_err(|e| err(&e))?;
        let (dir, name) = file
            .path
            .rsplit_once('/')
            .map_or((String::new(), file.path.clone()), |(d, n)| {
                (d.to_string(), n.to_string())
            });
        let mode = if file.executable { 0o100_755 } else { 0o100_644 };
        let mut ancestor = dir.clone();
        while !ancestor.is_empty() {
            dirs.entry(ancestor.clone()).or_default();
            ancestor = ancestor
                .rsplit_once('/')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
        }
        dirs.entry(dir).or_default().push((name, oid, mode));
    }
    let mut built: std::collections::BTreeMap<String, git2::Oid> = std::collections::BTreeMap::new();
    let keys: Vec<String> = dirs.keys().cloned().collect();
    for dir in keys.iter().rev() {
        let mut builder = repo.treebuilder(None).map_err(|e| err(&e))?;
        for (name, oid, mode) in &dirs[dir] {
            builder.insert(name, *oid, *mode).map_err(|e| err(&e))?;
        }
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for (sub, oid) in built.iter().filter(|(k, _)| {
            k.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        }) {
            let name = sub.rsplit('/').next().unwrap_or(sub);
            builder.insert(name, *oid, 0o040_000).map_err(|e| err(&e))?;
        }
        let oid = builder.write().map_err(|e| err(&e))?;
        built.insert(dir.clone(), oid);
    }
    built
        .get("")
        .copied()
        .ok_or_else(|| ScaffoldError::Git("empty snapshot".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_nested_files_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let files = [
            RenderedFile {
                path: "a.txt".into(),
                contents: Cow::Borrowed(b"a"),
                executable: false,
            },
            RenderedFile {
                path: "x/y/z.sh".into(),
                contents: Cow::Borrowed(b"z"),
                executable: true,
            },
            RenderedFile {
                path: "x/b.txt".into(),
                contents: Cow::Borrowed(b"b"),
                executable: false,
            },
        ];
        assert!(record(dir.path(), &files, "base").unwrap());
        let tree = read(dir.path()).unwrap().unwrap();
        assert_eq!(tree.keys().collect::<Vec<_>>(), ["a.txt", "x/b.txt", "x/y/z.sh"]);
        assert!(tree["x/y/z.sh"].executable);
        assert_eq!(&*tree["x/b.txt"].contents, b"b");
        assert!(record(dir.path(), &files[..1], "second").unwrap());
        assert_eq!(read(dir.path()).unwrap().unwrap().len(), 1);
    }
}
