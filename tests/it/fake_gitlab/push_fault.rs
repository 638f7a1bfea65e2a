//! Fault injection for git pushes: the fake's repositories are local bare repositories, so "the push fails once"
//! is a repository held away (its folder replaced by an empty one, which is no repository) until released.

use super::state::State;
use std::path::Path;

impl State {
    /// Holds `repo` away when a failing push was asked for (called when a project is created).
    pub(super) fn hold_if_asked(&mut self, repo: &Path) {
        if !std::mem::take(&mut self.fail_next_push) {
            return;
        }
        let aside = repo.with_extension("held");
        std::fs::rename(repo, &aside).unwrap();
        std::fs::create_dir_all(repo).unwrap();
        self.held.push((aside, repo.to_path_buf()));
    }

    /// Puts every held repository back: pushes work again.
    pub fn release_held(&mut self) {
        for (aside, repo) in self.held.drain(..) {
            std::fs::remove_dir_all(&repo).unwrap();
            std::fs::rename(&aside, &repo).unwrap();
        }
    }
}
