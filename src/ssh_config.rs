//! The block devkit manages in `~/.ssh/config`: host aliases for GitLab and Trex (inside the network and from
//! outside) between two marker comments. Only the text between the markers is ever rewritten; every other byte
//! of the file is kept. A leaf module: it computes text, the caller writes it.

use crate::site::SiteProfile;
use std::fmt::Write as _;

/// The line opening devkit's block.
pub const BEGIN: &str = "# >>> devkit managed block >>>";
/// The line closing devkit's block.
pub const END: &str = "# <<< devkit managed block <<<";

/// One `Host` alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The alias (`gitlab`, `trex-outside`).
    pub name: &'static str,
    /// `HostName`.
    pub host: String,
    /// `Port`.
    pub port: u16,
    /// `User`, if known.
    pub user: Option<String>,
    /// `ProxyJump`, if the site requires one.
    pub proxy_jump: Option<String>,
}

/// Errors of the managed block.
#[derive(Debug, thiserror::Error)]
pub enum SshConfigError {
    /// The markers are missing one half, out of order or repeated.
    #[error("`~/.ssh/config` has a damaged devkit block: {0}")]
    Markers(String),
    /// A site value that would break the file or add options.
    #[error("site value `{value}` for `{key}` is not a host name devkit can write to `~/.ssh/config`")]
    BadValue {
        /// The site key.
        key: String,
        /// Its value.
        value: String,
    },
}

impl SshConfigError {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::Markers(_) => format!(
                "keep exactly one `{BEGIN}` line followed by one `{END}` line, or delete both and run again"
            ),
            Self::BadValue { key, .. } => format!("fix it with `--set {key}=HOST`"),
        })
    }
}

fn checked(key: &str, value: &str) -> Result<String, SshConfigError> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-:@[]%,".contains(c));
    if ok {
        Ok(value.to_string())
    } else {
        Err(SshConfigError::BadValue {
            key: key.into(),
            value: value.into(),
        })
    }
}

/// The aliases of a site: `gitlab`, `gitlab-outside`, `trex`, `trex-outside` (those whose host is set).
pub fn aliases(site: &SiteProfile, trex_user: Option<&str>) -> Result<Vec<Alias>, SshConfigError> {
    let g = &site.gitlab;
    let t = &site.trex;
    let mut out = Vec::new();
    if !g.ssh_host.is_empty() {
        out.push(Alias {
            name: "gitlab",
            host: checked("gitlab.ssh_host", &g.ssh_host)?,
            port: g.ssh_port,
            user: Some("git".into()),
            proxy_jump: None,
        });
    }
    if !g.ssh_host_outside.is_empty() {
        let jump = &g.ssh_proxy_jump_outside;
        out.push(Alias {
            name: "gitlab-outside",
            host: checked("gitlab.ssh_host_outside", &g.ssh_host_outside)?,
            port: g.ssh_port_outside,
            user: Some("git".into()),
            proxy_jump: if jump.is_empty() {
                None
            } else {
                Some(checked("gitlab.ssh_proxy_jump_outside", jump)?)
            },
        });
    }
    let user = trex_user.map(|u| checked("ssh user", u)).transpose()?;
    for (name, key, host) in [
        ("trex", "trex.login_host", &t.login_host),
        ("trex-outside", "trex.login_host_outside", &t.login_host_outside),
    ] {
        if !host.is_empty() {
            out.push(Alias {
                name,
                host: checked(key, host)?,
                port: 22,
                user: user.clone(),
                proxy_jump: None,
            });
        }
    }
    Ok(out)
}

/// The block, markers included, ending with a newline.
pub fn render(aliases: &[Alias]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BEGIN}");
    let _ = writeln!(
        out,
        "# Written by `devkit onboard` from the site profile; edits between these markers are replaced."
    );
    for a in aliases {
        let _ = writeln!(out, "Host {}", a.name);
        let _ = writeln!(out, "    HostName {}", a.host);
        let _ = writeln!(out, "    Port {}", a.port);
        if let Some(u) = &a.user {
            let _ = writeln!(out, "    User {u}");
        }
        if let Some(j) = &a.proxy_jump {
            let _ = writeln!(out, "    ProxyJump {j}");
        }
    }
    let _ = writeln!(out, "{END}");
    out
}

/// `existing` with its devkit block replaced by `block` (appended when there is none).
pub fn apply(existing: &str, block: &str) -> Result<String, SshConfigError> {
    let lines: Vec<(usize, &str)> = line_starts(existing);
    let begins: Vec<usize> = lines
        .iter()
        .filter(|(_, l)| l.trim_end() == BEGIN)
        .map(|(i, _)| *i)
        .collect();
    let ends: Vec<(usize, usize)> = lines
        .iter()
        .filter(|(_, l)| l.trim_end() == END)
        .map(|(i, l)| (*i, i + l.len()))
        .collect();
    match (begins.as_slice(), ends.as_slice()) {
        ([], []) => {
            let mut out = existing.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(block);
            Ok(out)
        }
        ([b], [(e, end)]) if b < e => {
            let mut out = String::with_capacity(existing.len() + block.len());
            out.push_str(&existing[..*b]);
            out.push_str(block);
            let rest = &existing[*end..];
            out.push_str(rest.strip_prefix('\n').unwrap_or(rest));
            Ok(out)
        }
        ([_], [_]) => Err(SshConfigError::Markers("the closing marker comes first".into())),
        (b, e) => Err(SshConfigError::Markers(format!(
            "{} opening and {} closing marker(s)",
            b.len(),
            e.len()
        ))),
    }
}

/// Each line with the byte offset of its start (line text without its `\n`).
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.strip_suffix('\n').unwrap_or(line)));
        start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteProfile {
        crate::site::Layers::embedded().resolve().unwrap().0
    }

    #[test]
    fn rest_of_the_file_is_kept_byte_for_byte() {
        let block = render(&aliases(&site(), Some("ada")).unwrap());
        let before = "Host *\n  ServerAliveInterval 30\n# mine\nHost x\n\tHostName y";
        let once = apply(before, &block).unwrap();
        assert!(once.starts_with("Host *\n  ServerAliveInterval 30\n# mine\nHost x\n\tHostName y\n\n"));
        assert_eq!(apply(&once, &block).unwrap(), once, "idempotent");
        // text after the block survives a rewrite with another block
        let with_after = format!("{once}Host after\n  Port 2\n");
        let other = render(&[]);
        let rewritten = apply(&with_after, &other).unwrap();
        assert!(rewritten.ends_with(&format!("{other}Host after\n  Port 2\n")));
        assert!(rewritten.starts_with(before));
        assert!(!rewritten.contains("Host gitlab"));
    }

    #[test]
    fn aliases_cover_gitlab_and_trex_inside_and_outside() {
        let mut s = site();
        s.gitlab.ssh_proxy_jump_outside = "bastion.example.org:2222".into();
        let text = render(&aliases(&s, None).unwrap());
        for alias in [
            "Host gitlab\n",
            "Host gitlab-outside\n",
            "Host trex\n",
            "Host trex-outside\n",
        ] {
            assert!(text.contains(alias), "{text}");
        }
        assert!(text.contains("HostName trex.cnes.fr"));
        assert!(text.contains("ProxyJump bastion.example.org:2222"));
    }

    #[test]
    fn damaged_markers_and_hostile_values_are_refused() {
        assert!(apply(&format!("{BEGIN}\nx\n"), "b").is_err());
        assert!(apply(&format!("{END}\n{BEGIN}\n"), "b").is_err());
        let mut s = site();
        s.trex.login_host = "h\n    ProxyCommand evil".into();
        assert!(matches!(aliases(&s, None), Err(SshConfigError::BadValue { .. })));
    }
}
