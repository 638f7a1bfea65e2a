//! The stored GitLab token: present, accepted by GitLab, not revoked, not expired or about to expire.

use super::{Check, Context, Status};
use crate::gitlab::{GitlabError, tokens};
use crate::store::{host_of, service_for_host};

/// Days before expiry from which the token is reported.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

const NAME: &str = "gitlab token";
const RENEW: &str = "create a new personal access token in GitLab (User settings > Access tokens), then run \
                     `devkit login gitlab`";

/// The stored GitLab token, checked with `GET /personal_access_tokens/self`.
pub fn check(ctx: &Context<'_>) -> Check {
    let url = &ctx.settings.site.gitlab.url;
    let Ok(store) = &ctx.store else {
        return Check::new(NAME, Status::Skipped, "no secret store");
    };
    let service = service_for_host(host_of(url));
    let user = store.users(&service).ok().and_then(|u| u.into_iter().next());
    let token = user.as_ref().and_then(|u| store.get(&service, u).ok().flatten());
    let (Some(user), Some(token)) = (user, token) else {
        return Check::new(NAME, Status::Fail, format!("no token stored for `{service}`"))
            .hint("run `devkit login gitlab` (or `devkit onboard`)");
    };
    let client = match (ctx.gitlab)(url, Some(token)) {
        Ok(c) => c,
        Err(e) => return Check::new(NAME, Status::Fail, e).hint("fix `gitlab.url` or `tls.ca_bundle`"),
    };
    match tokens::token_self(&client) {
        Ok(info) if info.revoked || !info.active => Check::new(
            NAME,
            Status::Fail,
            format!("the token of `{user}` is revoked or inactive"),
        )
        .hint(RENEW),
        Ok(info) => expiry(&user, info.expires_at.as_deref()),
        Err(GitlabError::Unauthorized { message }) => Check::new(
            NAME,
            Status::Fail,
            format!("GitLab refuses the token of `{user}` (expired or revoked): {message}"),
        )
        .hint(RENEW),
        Err(
            GitlabError::NotFound { .. }
            | GitlabError::Forbidden { .. }
            | GitlabError::InsufficientScope { .. },
        ) => match tokens::current_user(&client) {
            Ok(u) => Check::new(
                NAME,
                Status::Warn,
                format!("accepted for `{}`; GitLab does not tell its expiry", u.username),
            ),
            Err(e) => Check::new(NAME, Status::Fail, e.to_string()).hint(RENEW),
        },
        Err(e) => Check::new(NAME, Status::Warn, format!("not checked: {e}"))
            .hint(e.hint().unwrap_or_else(|| "see the reachability checks".into())),
    }
}

fn expiry(user: &str, expires_at: Option<&str>) -> Check {
    let Some(day) = expires_at.and_then(crate::utc::parse_date) else {
        return Check::new(NAME, Status::Ok, format!("valid for `{user}`, no expiry"));
    };
    let left = day - crate::utc::today();
    let date = crate::utc::date(day);
    if left < 0 {
        Check::new(
            NAME,
            Status::Fail,
            format!("the token of `{user}` expired on {date}"),
        )
        .hint(RENEW)
    } else if left <= EXPIRY_WARNING_DAYS {
        Check::new(
            NAME,
            Status::Warn,
            format!("the token of `{user}` expires on {date} ({left} day(s) left)"),
        )
        .hint(RENEW)
    } else {
        Check::new(NAME, Status::Ok, format!("valid for `{user}` until {date}"))
    }
}
