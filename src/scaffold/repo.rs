//! The new project's git repository: `main` branch and a first commit of every generated file, with git2.

use super::ScaffoldError;
use std::path::Path;

/// Whether `dir` is already inside a git work tree.
pub fn inside_repository(dir: &Path) -> bool {
    git2::Repository::discover(dir).is_ok()
}

/// Initialises a repository on `main` in `dir` and commits every file. The author comes from git
/// configuration, else from `fallback` (name, email).
pub fn init_and_commit(dir: &Path, message: &str, fallback: (&str, &str)) -> Result<String, ScaffoldError> {
    let err = |e: git2::Error| ScaffoldError::Git(e.message().to_string());
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = git2::Repository::init_opts(dir, &opts).map_err(err)?;
    let mut index = repo.index().map_err(err)?;
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .map_err(err)?;
    index.write().map_err(err)?;
    let tree_id = index.write_tree().map_err(err)?;
    let tree = repo.find_tree(tree_id).map_err(err)?;
    let signature = match repo.signature() {
        Ok(s) => s,
        Err(_) => git2::Signature::now(fallback.0, fallback.1).map_err(err)?,
    };
    let oid = repo
        .commit(Some("HEAD"), &signature, &signature, message, &tree, &[])
        .map_err(err)?;
    Ok(oid.to_string())
}
