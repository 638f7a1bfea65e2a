//! The three-way merge of `devkit update`, per file: base (old template render), theirs (new template
//! render) and ours (the project on disk). Pure: it decides what to do and computes contents, nothing more.

use super::render::RenderedFile;
use std::collections::{BTreeMap, BTreeSet};

/// A rendered tree by path.
pub type Tree = BTreeMap<String, RenderedFile>;

/// How conflicts are left for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConflictStyle {
    /// Standard conflict markers inside the file.
    #[default]
    Inline,
    /// The user's file is kept and the template's change goes to `<file>.rej`.
    Rej,
}

/// One thing the update does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// A file the new template adds.
    Create {
        path: String,
        #[serde(skip)]
        contents: Vec<u8>,
        #[serde(skip)]
        executable: bool,
    },
    /// The user had not changed it: the template's new version replaces it.
    Update {
        path: String,
        #[serde(skip)]
        contents: Vec<u8>,
        #[serde(skip)]
        executable: bool,
    },
    /// Both changed it, without overlap: merged.
    Merge {
        path: String,
        #[serde(skip)]
        contents: Vec<u8>,
    },
    /// Both changed the same lines: conflict markers inline, or `.rej` beside.
    Conflict {
        path: String,
        #[serde(skip)]
        contents: Option<Vec<u8>>,
        rej: Option<String>,
        #[serde(skip)]
        rej_contents: Vec<u8>,
    },
    /// The template renamed it; the user's edits (merged) follow.
    Rename {
        from: String,
        to: String,
        #[serde(skip)]
        contents: Vec<u8>,
        #[serde(skip)]
        executable: bool,
    },
    /// The template removed it and the user had not changed it.
    Delete { path: String },
    /// The template removed or renamed it but the user changed it: kept.
    KeepChanged { path: String },
    /// The user deleted it: it stays deleted.
    StayDeleted { path: String },
}

impl Action {
    /// The path the action is about (the new path for a rename).
    pub fn path(&self) -> &str {
        match self {
            Self::Create { path, .. }
            | Self::Update { path, .. }
            | Self::Merge { path, .. }
            | Self::Conflict { path, .. }
            | Self::Delete { path }
            | Self::KeepChanged { path }
            | Self::StayDeleted { path } => path,
            Self::Rename { to, .. } => to,
        }
    }
}

/// Plans the update. `ours` reads a project file (None when absent).
pub fn plan(
    base: &Tree,
    theirs: &Tree,
    ours: &dyn Fn(&str) -> Option<Vec<u8>>,
    style: ConflictStyle,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let removed: BTreeSet<&String> = base.keys().filter(|p| !theirs.contains_key(*p)).collect();
    let added: BTreeSet<&String> = theirs.keys().filter(|p| !base.contains_key(*p)).collect();
    let renames = super::rename::detect(base, theirs, &removed, &added);
    let renamed_to: BTreeSet<&String> = renames.values().collect();

    for (path, new) in theirs {
        if renamed_to.contains(path) {
            continue;
        }
        let current = ours(path);
        match (base.get(path), current) {
            (None, None) => actions.push(Action::Create {
                path: path.clone(),
                contents: new.contents.to_vec(),
                executable: new.executable,
            }),
            (None, Some(mine)) => {
                if mine != *new.contents {
                    actions.push(three_way(path, &[], &mine, &new.contents, style));
                }
            }
            (Some(_), None) => actions.push(Action::StayDeleted { path: path.clone() }),
            (Some(old), Some(mine)) => {
                if old.contents == new.contents || mine == *new.contents {
                    continue;
                }
                if mine == *old.contents {
                    actions.push(Action::Update {
                        path: path.clone(),
                        contents: new.contents.to_vec(),
                        executable: new.executable,
                    });
                } else {
                    actions.push(three_way(path, &old.contents, &mine, &new.contents, style));
                }
            }
        }
    }
    for path in removed {
        let old = &base[path];
        match (ours(path), renames.get(path)) {
            (None, _) => {}
            (Some(mine), Some(to)) => {
                let new = &theirs[to];
                if ours(to).is_some() {
                    actions.push(Action::KeepChanged { path: path.clone() });
                    continue;
                }
                let contents = if mine == *old.contents {
                    Some(new.contents.to_vec())
                } else {
                    merge_text(&old.contents, &mine, &new.contents).ok()
                };
                match contents {
                    Some(contents) => actions.push(Action::Rename {
                        from: path.clone(),
                        to: to.clone(),
                        contents,
                        executable: new.executable,
                    }),
                    None => actions.push(Action::KeepChanged { path: path.clone() }),
                }
            }
            (Some(mine), None) if mine == *old.contents => {
                actions.push(Action::Delete { path: path.clone() })
            }
            (Some(_), None) => actions.push(Action::KeepChanged { path: path.clone() }),
        }
    }
    actions.sort_by(|a, b| a.path().cmp(b.path()));
    actions
}

fn three_way(path: &str, base: &[u8], mine: &[u8], new: &[u8], style: ConflictStyle) -> Action {
    match merge_text(base, mine, new) {
        Ok(contents) => Action::Merge {
            path: path.to_string(),
            contents,
        },
        Err(inline) => {
            let rej_contents = rej_patch(path, base, new);
            match (style, inline) {
                (ConflictStyle::Inline, Some(marked)) => Action::Conflict {
                    path: path.to_string(),
                    contents: Some(marked),
                    rej: None,
                    rej_contents: Vec::new(),
                },
                _ => Action::Conflict {
                    path: path.to_string(),
                    contents: None,
                    rej: Some(format!("{path}.rej")),
                    rej_contents,
                },
            }
        }
    }
}

/// Merges text; `Err(Some(text with markers))` on conflict, `Err(None)` for binary contents.
fn merge_text(base: &[u8], mine: &[u8], new: &[u8]) -> Result<Vec<u8>, Option<Vec<u8>>> {
    let texts = (
        std::str::from_utf8(base),
        std::str::from_utf8(mine),
        std::str::from_utf8(new),
    );
    let (Ok(b), Ok(m), Ok(n)) = texts else {
        return Err(None);
    };
    if [b, m, n].iter().any(|t| t.contains('\0')) {
        return Err(None);
    }
    match diffy::merge(b, m, n) {
        Ok(merged) => Ok(merged.into_bytes()),
        Err(conflicted) => Err(Some(conflicted.into_bytes())),
    }
}

/// The template's change as a unified diff, for `.rej` files.
fn rej_patch(path: &str, base: &[u8], new: &[u8]) -> Vec<u8> {
    match (std::str::from_utf8(base), std::str::from_utf8(new)) {
        (Ok(b), Ok(n)) => diffy::DiffOptions::new()
            .set_original_filename(format!("a/{path}"))
            .set_modified_filename(format!("b/{path}"))
            .create_patch(b, n)
            .to_string()
            .into_bytes(),
        _ => new.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn tree(files: &[(&str, &str)]) -> Tree {
        files
            .iter()
            .map(|(p, c)| {
                (
                    (*p).to_string(),
                    RenderedFile {
                        path: (*p).to_string(),
                        contents: Cow::Owned(c.as_bytes().to_vec()),
                        executable: false,
                    },
                )
            })
            .collect()
    }

    fn run(
        base: &[(&str, &str)],
        theirs: &[(&str, &str)],
        ours: &[(&str, &str)],
        style: ConflictStyle,
    ) -> Vec<Action> {
        let ours = tree(ours);
        plan(
            &tree(base),
            &tree(theirs),
            &|p| ours.get(p).map(|f| f.contents.to_vec()),
            style,
        )
    }

    #[test]
    fn untouched_file_takes_template_change() {
        let a = run(
            &[("a", "1\n")],
            &[("a", "2\n")],
            &[("a", "1\n")],
            ConflictStyle::Inline,
        );
        assert!(
            matches!(&a[..], [Action::Update { path, contents, .. }] if path == "a" && contents == b"2\n")
        );
    }

    #[test]
    fn non_overlapping_edits_merge() {
        let a = run(
            &[("a", "1\n2\n3\n4\n")],
            &[("a", "1\n2\n3\nfour\n")],
            &[("a", "one\n2\n3\n4\n")],
            ConflictStyle::Inline,
        );
        assert!(
            matches!(&a[..], [Action::Merge { contents, .. }] if contents == b"one\n2\n3\nfour\n"),
            "{a:?}"
        );
    }

    #[test]
    fn overlapping_edits_conflict_inline_or_rej() {
        let inline = run(
            &[("a", "x\n")],
            &[("a", "theirs\n")],
            &[("a", "mine\n")],
            ConflictStyle::Inline,
        );
        let Action::Conflict {
            contents: Some(c), ..
        } = &inline[0]
        else {
            panic!("{inline:?}")
        };
        let text = String::from_utf8_lossy(c);
        assert!(
            text.contains("<<<<<<<")
                && text.contains("mine")
                && text.contains("theirs")
                && text.contains(">>>>>>>"),
            "{text}"
        );
        let rej = run(
            &[("a", "x\n")],
            &[("a", "theirs\n")],
            &[("a", "mine\n")],
            ConflictStyle::Rej,
        );
        assert!(matches!(&rej[0], Action::Conflict { contents: None, rej: Some(r), .. } if r == "a.rej"));
    }

    #[test]
    fn deletions_and_removals() {
        let a = run(
            &[("gone", "g\n"), ("kept", "k\n"), ("del", "d\n")],
            &[("del", "d2\n")],
            &[("gone", "g\n"), ("kept", "changed\n")],
            ConflictStyle::Inline,
        );
        assert_eq!(
            a,
            vec![
                Action::StayDeleted { path: "del".into() },
                Action::Delete { path: "gone".into() },
                Action::KeepChanged { path: "kept".into() },
            ]
        );
    }

    #[test]
    fn renames_carry_user_edits() {
        let base = [("old.txt", "a\nb\nc\nd\ne\n")];
        let theirs = [("new.txt", "a\nb\nc\nd\ne\n")];
        let a = run(
            &base,
            &theirs,
            &[("old.txt", "a\nB\nc\nd\ne\n")],
            ConflictStyle::Inline,
        );
        assert!(
            matches!(&a[..], [Action::Rename { from, to, contents, .. }] if from == "old.txt" && to == "new.txt" && contents == b"a\nB\nc\nd\ne\n"),
            "{a:?}"
        );
    }

    #[test]
    fn binary_changed_on_both_sides_is_a_conflict_kept_as_rej() {
        let a = run(
            &[("b.png", "\0a")],
            &[("b.png", "\0b")],
            &[("b.png", "\0c")],
            ConflictStyle::Inline,
        );
        assert!(
            matches!(
                &a[..],
                [Action::Conflict {
                    contents: None,
                    rej: Some(_),
                    ..
                }]
            ),
            "{a:?}"
        );
    }
}
