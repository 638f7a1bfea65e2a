//! `devkit doctor`'s text: one line per check, its hint below, and a summary, folded to fit a 100-column
//! terminal (long values wrap under their column instead of making one long line).

use super::{Check, Status};
use crate::printer::fold;
use std::fmt::Write as _;

/// The width the text fits in (the printer's).
pub use crate::printer::WIDTH;

/// The text of `checks`, every line at most [`WIDTH`] characters.
pub fn text(checks: &[Check]) -> String {
    let mut out = String::new();
    let name_width = checks
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    let indent = 7 + 1 + name_width + 2;
    let room = WIDTH.saturating_sub(indent);
    let pad = " ".repeat(indent);
    for c in checks {
        let mut first = format!("{:<7} {:<name_width$}  ", c.status.word(), c.name);
        if first.chars().count() > indent {
            // A name longer than the column: the value goes on the next lines.
            let _ = writeln!(out, "{}", first.trim_end());
            first = pad.clone();
        }
        for (i, line) in fold(&c.detail, room, true).into_iter().enumerate() {
            let lead = if i == 0 { first.as_str() } else { pad.as_str() };
            let _ = writeln!(out, "{}", format!("{lead}{line}").trim_end());
        }
        if let Some(h) = &c.hint {
            if c.status != Status::Ok {
                for line in fold(&format!("hint: {h}"), room, true) {
                    let _ = writeln!(out, "{pad}{line}");
                }
            }
        }
    }
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let _ = write!(
        out,
        "{} ok, {} warning(s), {} failed, {} skipped",
        count(Status::Ok),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skipped)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_value_is_folded_under_its_column() {
        let detail = (0..60).map(|i| format!("key{i}")).collect::<Vec<_>>().join(", ");
        let checks = [
            Check::new("site profile", Status::Ok, detail),
            Check::new("gitlab token", Status::Fail, "refused").hint("x ".repeat(80)),
        ];
        let text = text(&checks);
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(text.lines().count() > 4, "{text}");
        assert!(text.ends_with("1 ok, 0 warning(s), 1 failed, 0 skipped"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn every_line_fits_and_no_word_is_lost(
            name in "[a-z ]{1,40}",
            detail in "[a-zA-Z0-9/._ -]{0,400}",
            hint in proptest::option::of("[a-z ]{0,300}"),
        ) {
            let mut check = Check::new(name, Status::Warn, detail.clone());
            check.hint = hint;
            let text = text(&[check]);
            prop_assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{}", text);
            let joined: String = text.split_whitespace().collect();
            let wanted: String = detail.split_whitespace().collect();
            prop_assert!(joined.contains(&wanted));
        }
    }
}
