//! The fake's token endpoints: create or refresh (`POST /access/api/v1/tokens`, with rotation), list the
//! caller's tokens, revoke by id (200, then 204; 404 unknown; 403 another user's).

use super::http::{Request, credentials};
use super::{State, issue, now, valid};

fn err(status: u16, message: &str) -> (u16, String) {
    (
        status,
        serde_json::json!({"errors": [{"code": "UNAUTHORIZED", "message": message}]}).to_string(),
    )
}

pub(super) fn tokens(st: &mut State, req: &Request) -> (u16, String) {
    let form = super::http::form(req);
    let grant = form
        .get("grant_type")
        .map_or("client_credentials", String::as_str);
    let (user, old_access, old_lifetime) = match grant {
        "refresh_token" => {
            let Some(rt) = form.get("refresh_token") else {
                return err(400, "refresh_token missing");
            };
            let Some(access) = st.refresh.remove(rt) else {
                return err(401, "invalid refresh token");
            };
            let old = st.tokens.get(&access).cloned();
            let user = old.as_ref().map(|r| r.user.clone()).unwrap_or_default();
            (user, Some(access), old.map(|r| r.lifetime))
        }
        _ => {
            let Some((u, p)) = credentials(req) else {
                return err(401, "authentication required");
            };
            let allowed = if u.is_empty() {
                valid(st, &p).map(|r| r.user.clone())
            } else if st.users.get(&u) == Some(&p) {
                Some(u.clone())
            } else {
                None
            };
            let Some(user) = allowed else {
                return err(401, "Bad credentials");
            };
            if form.get("username").is_some_and(|n| n != &user) {
                return err(403, "non-admin users can only create tokens for themselves");
            }
            (user, None, None)
        }
    };
    if let Some(old) = old_access
        && let Some(rec) = st.tokens.get_mut(&old)
    {
        rec.revoked = true;
    }
    let lifetime = st
        .lifetime
        .or_else(|| form.get("expires_in").and_then(|e| e.parse().ok()))
        .or(old_lifetime)
        .unwrap_or(3600);
    let description = form.get("description").cloned().unwrap_or_default();
    let (access, refresh, id) = issue(st, &user, now() + lifetime, &description);
    (
        200,
        serde_json::json!({
            "token_id": id, "access_token": access, "refresh_token": refresh, "expires_in": lifetime,
            "scope": "applied-permissions/user", "token_type": "Bearer",
        })
        .to_string(),
    )
}

/// The user a request authenticates as: Basic user:password, or a valid token (Bearer or Basic).
fn caller(st: &State, req: &Request) -> Option<String> {
    let (u, p) = credentials(req)?;
    if !u.is_empty() && st.users.get(&u) == Some(&p) {
        return Some(u);
    }
    valid(st, &p).map(|r| r.user.clone())
}

/// `GET /access/api/v1/tokens`: the caller's own tokens (what a non-admin sees).
pub(super) fn list(st: &State, req: &Request) -> (u16, String) {
    let Some(user) = caller(st, req) else {
        return err(401, "authentication required");
    };
    let tokens: Vec<serde_json::Value> = st
        .tokens
        .values()
        .filter(|r| r.user == user && !r.revoked)
        .map(|r| {
            serde_json::json!({"token_id": r.id, "subject": format!("jfac@01fake/users/{user}"),
                               "expiry": r.exp, "description": r.description, "refreshable": true})
        })
        .collect();
    (200, serde_json::json!({ "tokens": tokens }).to_string())
}

pub(super) fn revoke(st: &mut State, req: &Request, id: &str) -> u16 {
    let Some(user) = caller(st, req) else {
        return 401;
    };
    let Some((access, rec)) = st.tokens.iter_mut().find(|(_, r)| r.id == id) else {
        return 404;
    };
    if rec.user != user {
        return 403;
    }
    if rec.revoked {
        return 204;
    }
    rec.revoked = true;
    let access = access.clone();
    st.refresh.retain(|_, a| *a != access);
    200
}
