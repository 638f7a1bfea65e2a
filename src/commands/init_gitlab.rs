//! The `--gitlab` step of `devkit init`: create the project (`POST /projects`), set `origin` and push `main`
//! with git2. HTTPS credentials come from the secret store through a callback, never from `.git/config`.

use super::gitlab_api;
use crate::cli::{GitProtocol, InitGitlabArgs, VisibilityArg};
use crate::error::UserError;
use crate::gitlab::GitlabError;
use crate::gitlab::projects::{self, Visibility};
use crate::gitlab::tokens;
use crate::http::HttpError;
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::path::Path;

/// Creates the GitLab project of the new project in `dest` and pushes `main` to it.
pub fn publish(dest: &Path, args: &InitGitlabArgs, settings: &Settings, printer: &Printer) -> Result<()> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .context("the project folder has no name")?;
    let (client, token) = gitlab_api::logged_in(settings, printer)?;
    let namespace = match &args.namespace {
        Some(ns) => Some(
            projects::namespace(&client, ns).with_context(|| format!("cannot use the namespace `{ns}`"))?,
        ),
        None => None,
    };
    let namespace_id = namespace.as_ref().map(|n| n.id);
    let visibility = match args.visibility {
        VisibilityArg::Private => Visibility::Private,
        VisibilityArg::Internal => Visibility::Internal,
        VisibilityArg::Public => Visibility::Public,
    };
    let project = match projects::create(&client, &name, namespace_id, visibility) {
        Err(GitlabError::Http(HttpError::AnswerLost { reason, .. })) => {
            // GitLab may have created it: look it up by path, and adopt it or create it once more.
            let ns = match &namespace {
                Some(n) => n.full_path.clone(),
                None => tokens::current_user(&client)?.username,
            };
            let path = format!("{ns}/{name}");
            printer.warn(format!(
                "GitLab's answer to the project creation was lost ({reason}): looking for `{path}`"
            ));
            match projects::get(&client, &path) {
                Ok(p) => {
                    printer.status("Adopted", format!("`{path}`, which GitLab had created"));
                    Ok(p)
                }
                Err(GitlabError::NotFound { .. }) => {
                    projects::create(&client, &name, namespace_id, visibility)
                }
                Err(e) => Err(e),
            }
        }
        other => other,
    }
    .with_context(|| format!("cannot create the project `{name}` on GitLab (the local project is kept)"))?;
    printer.status(
        "Created",
        format!(
            "`{}` on GitLab ({})",
            project.path_with_namespace, project.web_url
        ),
    );
    let protocol = args
        .git_protocol
        .unwrap_or(if settings.site.gitlab.ssh_host.is_empty() {
            GitProtocol::Https
        } else {
            GitProtocol::Ssh
        });
    let url = match protocol {
        GitProtocol::Https => project.http_url_to_repo.clone(),
        GitProtocol::Ssh => ssh_url(settings, &project.path_with_namespace),
    };
    push(dest, &url, &token, &settings.paths.home).map_err(|e| {
        UserError::with_hint(
            format!("cannot push `main` to `{url}`: {}", e.message()),
            format!(
                "the project exists on GitLab ({}): push with `git push -u origin main`",
                project.web_url
            ),
        )
    })?;
    printer.status("Pushed", format!("`main` to `{url}`"));
    Ok(())
}

/// `git@host:path.git`, or `ssh://git@host:port/path.git` on another port.
pub fn ssh_url(settings: &Settings, path: &str) -> String {
    let g = &settings.site.gitlab;
    if g.ssh_port == 22 {
        format!("git@{}:{path}.git", g.ssh_host)
    } else {
        format!("ssh://git@{}:{}/{path}.git", g.ssh_host, g.ssh_port)
    }
}

pub fn push(dir: &Path, url: &str, token: &Secret, home: &Path) -> Result<(), git2::Error> {
    let repo = git2::Repository::open(dir)?;
    if repo.find_remote("origin").is_ok() {
        repo.remote_set_url("origin", url)?;
    } else {
        repo.remote("origin", url)?;
    }
    let mut remote = repo.find_remote("origin")?;
    let mut callbacks = git2::RemoteCallbacks::new();
    let mut tries = 0;
    let key = home.join(".ssh/id_ed25519");
    callbacks.credentials(move |_url, username, allowed| {
        tries += 1;
        if tries > 3 {
            return Err(git2::Error::from_str(
                "the server refused every credential devkit has",
            ));
        }
        if allowed.contains(git2::CredentialType::USER_PASS_PLAINTEXT) {
            // GitLab takes a personal access token as the password of any user name; `oauth2` is customary.
            git2::Cred::userpass_plaintext("oauth2", token.expose())
        } else if allowed.contains(git2::CredentialType::SSH_KEY) {
            let user = username.unwrap_or("git");
            if tries == 1 || !key.exists() {
                git2::Cred::ssh_key_from_agent(user)
            } else {
                git2::Cred::ssh_key(user, None, &key, None)
            }
        } else {
            git2::Cred::default()
        }
    });
    let rejected = std::rc::Rc::new(std::cell::RefCell::new(None::<String>));
    let seen = rejected.clone();
    callbacks.push_update_reference(move |name, status| {
        if let Some(why) = status {
            *seen.borrow_mut() = Some(format!("`{name}` rejected: {why}"));
        }
        Ok(())
    });
    let mut options = git2::PushOptions::new();
    options.remote_callbacks(callbacks);
    remote.push(&["refs/heads/main:refs/heads/main"], Some(&mut options))?;
    if let Some(why) = rejected.borrow_mut().take() {
        return Err(git2::Error::from_str(&why));
    }
    let mut config = repo.config()?;
    config.set_str("branch.main.remote", "origin")?;
    config.set_str("branch.main.merge", "refs/heads/main")?;
    Ok(())
}
