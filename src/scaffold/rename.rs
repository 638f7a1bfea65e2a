//! Rename detection for `devkit update`: a path the new template removed is paired with a path it added when
//! their contents are the same or share most lines, so the user's edits follow the file.

use super::merge::Tree;
use std::collections::{BTreeMap, BTreeSet};

/// Pairs removed paths with added paths of the same contents (or mostly the same lines).
pub fn detect<'a>(
    base: &'a Tree,
    theirs: &'a Tree,
    removed: &BTreeSet<&'a String>,
    added: &BTreeSet<&'a String>,
) -> BTreeMap<String, String> {
    let mut renames = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for from in removed {
        let old = &base[*from].contents;
        let best = added
            .iter()
            .filter(|to| !taken.contains(**to))
            .map(|to| (*to, similarity(old, &theirs[*to].contents)))
            .filter(|(_, s)| *s >= 0.6)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((to, _)) = best {
            taken.insert(to);
            renames.insert((*from).clone(), to.clone());
        }
    }
    renames
}

/// Share of lines in common (1.0 for identical contents).
fn similarity(a: &[u8], b: &[u8]) -> f64 {
    if a == b {
        return 1.0;
    }
    let (Ok(a), Ok(b)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
        return 0.0;
    };
    let la: Vec<&str> = a.lines().collect();
    let lb: BTreeSet<&str> = b.lines().collect();
    let total = la.len().max(lb.len());
    if total == 0 {
        return 0.0;
    }
    let common = la.iter().filter(|l| lb.contains(*l)).count();
    #[allow(clippy::cast_precision_loss)]
    let ratio = common as f64 / total as f64;
    ratio
}
