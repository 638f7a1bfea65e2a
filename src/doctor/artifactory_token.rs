//! The stored Artifactory token: present, not expired or near expiry (from the session `devkit login artifactory`
//! recorded, else the token's own JWT `exp`), and accepted by the PyPI proxy repository (an authenticated `GET`
//! of its simple index).

use super::{Check, Context, Status};
use crate::artifactory::Session;
use crate::store::{host_of, service_for_host};
use base64::Engine as _;

const NAME: &str = "artifactory token";

/// The stored Artifactory token.
pub fn check(ctx: &Context<'_>) -> Check {
    let site = &ctx.settings.site.artifactory;
    let Ok(store) = &ctx.store else {
        return Check::new(NAME, Status::Skipped, "no secret store");
    };
    let service = service_for_host(host_of(&site.url));
    let users = store.users(&service).unwrap_or_default();
    let Some(user) = users.first() else {
        return Check::new(NAME, Status::Fail, format!("no token stored for `{service}`"))
            .hint(ctx.artifactory_login_hint);
    };
    let Some(token) = store.get(&service, user).ok().flatten() else {
        return Check::new(
            NAME,
            Status::Fail,
            format!("no token of `{user}` for `{service}`"),
        )
        .hint(ctx.artifactory_login_hint);
    };
    let session = store
        .get(&format!("devkit-session:{}", host_of(&site.url)), user)
        .ok()
        .flatten()
        .and_then(|s| Session::from_secret(&s))
        .unwrap_or_else(|| Session::from_jwt(&token));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if session.expired(now) {
        return Check::new(NAME, Status::Fail, format!("the token of `{user}` has expired"))
            .hint(ctx.artifactory_login_hint);
    }
    let expiry = match session.expires_at {
        Some(at) => format!("expires in {} days", at.saturating_sub(now).div_ceil(86_400)),
        None => "expiry not known to devkit".into(),
    };
    if session.near_expiry(now) && session.refresh_token.is_none() {
        return Check::new(
            NAME,
            Status::Warn,
            format!("the token of `{user}` {expiry} and cannot be refreshed"),
        )
        .hint(ctx.artifactory_login_hint);
    }
    let url = format!(
        "{}/api/pypi/{}/simple/",
        site.url.trim_end_matches('/'),
        site.pypi_remote
    );
    let agent = match super::http::agent(&ctx.http, crate::http::host_of(&url), ctx.timeout) {
        Ok(a) => a,
        Err(e) => return Check::new(NAME, Status::Fail, e).hint("fix `tls.ca_bundle`"),
    };
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", token.expose()));
    match agent
        .get(&url)
        .header("Authorization", &format!("Basic {basic}"))
        .call()
    {
        Ok(r) if matches!(r.status().as_u16(), 401 | 403) => Check::new(
            NAME,
            Status::Fail,
            format!(
                "Artifactory refuses the token of `{user}` ({}): expired, revoked or mistyped",
                r.status().as_u16()
            ),
        )
        .hint(ctx.artifactory_login_hint),
        Ok(_) => Check::new(NAME, Status::Ok, format!("accepted for `{user}` ({expiry})")),
        Err(e) => {
            Check::new(NAME, Status::Warn, format!("not checked: {e}")).hint("see the reachability checks")
        }
    }
}
