//! Fetching a template from a git repository with git2: a bare clone into a temporary folder, the ref resolved
//! to a commit, and the files read straight from the commit's tree (no checkout).

use super::{ScaffoldError, TemplateFile};
use std::borrow::Cow;

/// The files of a template at one commit.
pub struct Fetched {
    /// Ref asked for, or the default branch.
    pub git_ref: String,
    /// Full commit id.
    pub commit: String,
    /// Every file, manifest included.
    pub files: Vec<TemplateFile>,
}

/// Clones `url` and reads the tree at `git_ref` (default: the remote's HEAD).
pub fn fetch(url: &str, git_ref: Option<&str>) -> Result<Fetched, ScaffoldError> {
    let shown = super::source::redact_url(url);
    let fetch_err = |e: git2::Error| ScaffoldError::GitFetch {
        url: shown.clone(),
        message: e.message().to_string(),
    };
    let tmp = tempfile::tempdir().map_err(|e| ScaffoldError::GitFetch {
        url: shown.clone(),
        message: e.to_string(),
    })?;

    let mut callbacks = git2::RemoteCallbacks::new();
    let mut attempts = 0;
    callbacks.credentials(move |url, username, allowed| {
        attempts += 1;
        if attempts > 3 {
            return Err(git2::Error::from_str("authentication failed"));
        }
        if allowed.contains(git2::CredentialType::SSH_KEY) {
            return git2::Cred::ssh_key_from_agent(username.unwrap_or("git"));
        }
        if allowed.contains(git2::CredentialType::USER_PASS_PLAINTEXT) {
            let config = git2::Config::open_default()?;
            return git2::Cred::credential_helper(&config, url, username);
        }
        git2::Cred::default()
    });
    let mut options = git2::FetchOptions::new();
    options.remote_callbacks(callbacks);
    options.download_tags(git2::AutotagOption::All);
    let repo = git2::build::RepoBuilder::new()
        .bare(true)
        .fetch_options(options)
        .clone(url, tmp.path())
        .map_err(fetch_err)?;

    let latest;
    let git_ref = if git_ref == Some(LATEST_TAG) {
        latest = latest_tag(&repo).ok_or_else(|| ScaffoldError::GitRef {
            url: shown.clone(),
            git_ref: "the latest version tag".into(),
            available: refs(&repo),
        })?;
        Some(latest.as_str())
    } else {
        git_ref
    };
    let (name, commit) = match git_ref {
        Some(r) => (
            r.to_string(),
            resolve(&repo, r).ok_or_else(|| ScaffoldError::GitRef {
                url: shown.clone(),
                git_ref: r.to_string(),
                available: refs(&repo),
            })?,
        ),
        None => {
            let head = repo.head().map_err(fetch_err)?;
            let name = head.shorthand().unwrap_or("HEAD").to_string();
            (name, head.peel_to_commit().map_err(fetch_err)?)
        }
    };
    let tree = commit.tree().map_err(fetch_err)?;
    let mut files = Vec::new();
    let mut failure = None;
    let walked = tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        let path = format!("{root}{}", entry.name().unwrap_or_default());
        match entry.filemode() {
            0o120_000 => {
                failure = Some(ScaffoldError::Symlink(path));
                git2::TreeWalkResult::Abort
            }
            0o100_644 | 0o100_755 | 0o100_664 => {
                match entry.to_object(&repo).ok().and_then(|o| o.into_blob().ok()) {
                    Some(blob) => {
                        files.push(TemplateFile {
                            path,
                            contents: Cow::Owned(blob.content().to_vec()),
                            executable: entry.filemode() == 0o100_755,
                        });
                        git2::TreeWalkResult::Ok
                    }
                    None => {
                        failure = Some(ScaffoldError::Read {
                            path,
                            message: "unreadable blob".into(),
                        });
                        git2::TreeWalkResult::Abort
                    }
                }
            }
            _ => git2::TreeWalkResult::Ok, // trees are walked into; submodules are skipped
        }
    });
    // The callback's own error first: an aborted walk only says "callback returned -7".
    if let Some(e) = failure {
        return Err(e);
    }
    walked.map_err(fetch_err)?;
    Ok(Fetched {
        git_ref: name,
        commit: commit.id().to_string(),
        files,
    })
}

/// The ref to pass to pick the highest semantic-version tag (`v1.2.3` or `1.2.3`).
pub const LATEST_TAG: &str = "\u{0}latest-tag";

/// Whether a ref name is a semantic version tag.
pub fn is_version_tag(name: &str) -> bool {
    semver::Version::parse(name.strip_prefix('v').unwrap_or(name)).is_ok()
}

fn latest_tag(repo: &git2::Repository) -> Option<String> {
    let tags = repo.tag_names(None).ok()?;
    tags.iter()
        .flatten()
        .flatten()
        .filter_map(|t| {
            semver::Version::parse(t.strip_prefix('v').unwrap_or(t))
                .ok()
                .map(|v| (v, t.to_string()))
        })
        .filter(|(v, _)| v.pre.is_empty())
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, t)| t)
}

fn resolve<'r>(repo: &'r git2::Repository, r: &str) -> Option<git2::Commit<'r>> {
    let candidates = [
        format!("refs/tags/{r}"),
        format!("refs/heads/{r}"),
        format!("refs/remotes/origin/{r}"),
        r.to_string(),
    ];
    candidates
        .iter()
        .find_map(|c| repo.revparse_single(c).ok()?.peel_to_commit().ok())
}

fn refs(repo: &git2::Repository) -> Vec<String> {
    let mut names: Vec<String> = repo
        .references()
        .map(|refs| {
            refs.flatten()
                .filter_map(|r| r.shorthand().ok().map(str::to_string))
                .filter(|n| n != "HEAD" && !n.ends_with("/HEAD"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names.truncate(20);
    names
}
