//! `devkit gitlab ssh-key add`: make sure the user's SSH key is on GitLab, creating an ed25519 key first when
//! there is none; a key already uploaded is left alone.

use super::gitlab_api;
use crate::cli::{GitlabCommand, SshKeyAddArgs, SshKeyCommand};
use crate::error::{ExitStatus, UserError};
use crate::gitlab::{GitlabError, keys};
use crate::http::HttpError;
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Runs `devkit gitlab ...`.
pub fn run(command: &GitlabCommand, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    match command {
        GitlabCommand::SshKey(SshKeyCommand::Add(args)) => ssh_key_add(args, settings, printer),
    }
}

pub(crate) fn ssh_key_add(
    args: &SshKeyAddArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus> {
    let private = args
        .key
        .clone()
        .unwrap_or_else(|| settings.paths.home.join(".ssh/id_ed25519"));
    let public = PathBuf::from(format!("{}.pub", private.display()));
    let (client, _) = gitlab_api::logged_in(settings, printer)?;
    if !public.exists() {
        if private.exists() {
            return Err(UserError::with_hint(
                format!("`{}` has no public key `{}`", private.display(), public.display()),
                format!(
                    "write it with `ssh-keygen -y -f {} > {}`",
                    private.display(),
                    public.display()
                ),
            )
            .into());
        }
        generate(&private)?;
        printer.status("Created", format!("SSH key `{}`", private.display()));
    }
    let line = fs_err::read_to_string(&public).context("cannot read the public key")?;
    let line = line.trim();
    let material = keys::material(line).ok_or_else(|| {
        UserError::with_hint(
            format!("`{}` is not an SSH public key", public.display()),
            "pass another key with `--key PATH`",
        )
    })?;
    let existing = keys::list(&client).context("cannot list your SSH keys on GitLab")?;
    if let Some(k) = existing.iter().find(|k| keys::material(&k.key) == Some(material)) {
        printer.status(
            "Unchanged",
            format!("`{}` is already on GitLab as `{}`", public.display(), k.title),
        );
        return Ok(ExitStatus::Success);
    }
    let title = format!("devkit@{}", hostname());
    match keys::add(&client, &title, line) {
        Ok(k) => {
            printer.status("Uploaded", format!("`{}` as `{}`", public.display(), k.title));
            Ok(ExitStatus::Success)
        }
        Err(GitlabError::Rejected { fields, .. }) if fields.contains_key("fingerprint") => {
            Err(UserError::with_hint(
                format!(
                    "GitLab already has the key `{}` on another account",
                    public.display()
                ),
                "a key can belong to one account only: use another key with `--key PATH`",
            )
            .into())
        }
        Err(GitlabError::Http(HttpError::AnswerLost { reason, .. })) => {
            // GitLab may have added it: the key list says, and the upload is never sent twice.
            let now = keys::list(&client).context("cannot list your SSH keys on GitLab")?;
            match now.iter().find(|k| keys::material(&k.key) == Some(material)) {
                Some(k) => {
                    printer.status(
                        "Uploaded",
                        format!(
                            "`{}` as `{}` (GitLab's answer was lost: {reason})",
                            public.display(),
                            k.title
                        ),
                    );
                    Ok(ExitStatus::Success)
                }
                None => Err(UserError::with_hint(
                    format!(
                        "GitLab's answer to the key upload was lost ({reason}) and the key is not on GitLab"
                    ),
                    "run the command again",
                )
                .into()),
            }
        }
        Err(e) => Err(anyhow::Error::new(e).context("cannot upload the SSH key")),
    }
}

fn generate(private: &Path) -> Result<()> {
    if let Some(dir) = private.parent() {
        crate::atomic_file::ensure_private_dir(dir)?;
    }
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "devkit", "-f"])
        .arg(private)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            UserError::with_hint(
                format!("cannot run `ssh-keygen`: {e}"),
                "install OpenSSH (`openssh-client`), or pass an existing key with `--key PATH`",
            )
        })?;
    if !out.status.success() {
        return Err(UserError::new(format!(
            "`ssh-keygen` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
        .into());
    }
    Ok(())
}

fn hostname() -> String {
    fs_err::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs_err::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}
