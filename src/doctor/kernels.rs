//! The Jupyter kernels on the search path: a broken kernel dies at start with nothing shown in the notebook,
//! so each broken one is reported with its fix (devkit's fail, the others warn).

use super::{Check, Context, Status};
use crate::kernel::health::{self, Verdict};
use crate::kernel::search;

/// One check per broken or doubtful kernel, or one summary line.
pub fn checks(ctx: &Context<'_>) -> Vec<Check> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let paths = search::from_settings(ctx.settings, &env);
    let found: Vec<_> = search::find_all(&paths)
        .into_iter()
        .filter(|f| !f.shadowed)
        .collect();
    if found.is_empty() {
        return vec![Check::new("kernels", Status::Skipped, "no Jupyter kernels")];
    }
    let mut out = Vec::new();
    for f in &found {
        let h = health::check(f);
        let own = f.spec.as_ref().ok().and_then(|s| s.devkit_meta()).is_some();
        let status = match (h.verdict, own) {
            (Verdict::Ok, _) => continue,
            (Verdict::Broken, true) => Status::Fail,
            (Verdict::Broken, false) if f.dir.starts_with(&paths.write_dir) => Status::Fail,
            _ => Status::Warn,
        };
        let word = if h.verdict == Verdict::Broken {
            "broken"
        } else {
            "doubtful"
        };
        let mut check = Check::new(
            format!("kernel {}", f.name),
            status,
            format!("{word}: {}", h.problems.join("; ")),
        );
        if let Some(fix) = h.fix {
            check = check.hint(fix);
        }
        out.push(check);
    }
    if out.is_empty() {
        out.push(Check::new(
            "kernels",
            Status::Ok,
            format!("{} kernel(s), all healthy", found.len()),
        ));
    }
    out
}
