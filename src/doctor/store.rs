//! The secret store: which one answers, and where.

use super::{Check, Context, Status};

/// The store in use, or why none opens.
pub fn check(ctx: &Context<'_>) -> Check {
    match &ctx.store {
        Ok(store) => {
            let entries = store.list().map(|e| e.len());
            match entries {
                Ok(n) => Check::new(
                    "secret store",
                    Status::Ok,
                    format!("{} ({n} entries)", store.location()),
                ),
                Err(e) => Check::new("secret store", Status::Fail, e.to_string())
                    .hint(e.hint().unwrap_or_else(|| "see `devkit secrets status`".into())),
            }
        }
        Err(why) => Check::new("secret store", Status::Fail, why.clone())
            .hint("see `devkit secrets status`; `DEVKIT_SECRET_STORE=file` forces the owner-only file"),
    }
}
