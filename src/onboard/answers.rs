//! The answers `devkit onboard` needs, from flags, `DEVKIT_*` variables or stdin (secrets), and the complete
//! list of what the non-interactive mode lacks.

use crate::secret::Secret;

/// Everything the steps may need to be told.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// git `user.name`.
    pub git_name: Option<String>,
    /// git `user.email`.
    pub git_email: Option<String>,
    /// GitLab personal access token.
    pub gitlab_token: Option<Secret>,
    /// Artifactory user name.
    pub artifactory_user: Option<String>,
    /// Artifactory token.
    pub artifactory_token: Option<Secret>,
    /// Login name on Trex.
    pub ssh_user: Option<String>,
    /// First project's name.
    pub project: Option<String>,
    /// First project's namespace.
    pub namespace: Option<String>,
    /// First project's template.
    pub template: String,
    /// Whether to register a runner for the first project.
    pub runner: bool,
}

/// One answer the non-interactive mode lacks, and where it can come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// What it is.
    pub what: &'static str,
    /// The flag or variable that gives it.
    pub from: &'static str,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.what, self.from)
    }
}

/// The two secrets of `--secrets-stdin`: GitLab on the first line, Artifactory on the second; an empty or
/// absent line gives none.
pub fn secrets_from_text(text: &str) -> (Option<Secret>, Option<Secret>) {
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let mut next = || {
        lines
            .next()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(Secret::new)
    };
    let gitlab = next();
    let artifactory = next();
    (gitlab, artifactory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_lines_one_secret_each() {
        let (g, a) = secrets_from_text("glpat-x\r\nart y\n");
        assert_eq!(g.unwrap().expose(), "glpat-x");
        assert_eq!(a.unwrap().expose(), "art y");
        let (g, a) = secrets_from_text("\nonly-art\n");
        assert!(g.is_none());
        assert_eq!(a.unwrap().expose(), "only-art");
        assert!(secrets_from_text("").0.is_none());
    }
}
