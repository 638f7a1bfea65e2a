//! The fake GitLab's endpoints, with GitLab's status codes and error bodies.

use super::runners::{create_runner, delete_runner, reset_runner, verify_runner};
use super::state::{Fault, Key, Project, State, Token};
use super::{Request, Response, decode};
use serde_json::{Value, json};

const HTML: &str =
    "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>\n";

pub(super) fn message(status: u16, text: &str) -> Response {
    Response::json(status, json!({ "message": text }))
}

fn unauthorized() -> Response {
    message(401, "401 Unauthorized")
}

fn insufficient_scope(scope: &str) -> Response {
    Response::json(
        403,
        json!({
            "error": "insufficient_scope",
            "error_description": "The request requires higher privileges than provided by the access token.",
            "scope": scope,
        }),
    )
}

pub fn handle(s: &mut State, req: &Request) -> Response {
    if let Some(i) = s
        .targeted
        .iter()
        .position(|(m, p, _)| *m == req.method && *p == req.path)
    {
        let (_, _, fault) = s.targeted.remove(i);
        return match fault {
            Fault::AfterAction { status } => {
                let _done = serve_route(s, req);
                Response::text(
                    status,
                    "text/html",
                    "<html><body>504 Gateway Time-out</body></html>",
                )
            }
            Fault::DropAfterAction => {
                let _done = serve_route(s, req);
                Response {
                    drop: true,
                    ..Response::text(200, "text/plain", "")
                }
            }
            Fault::SlowAfterAction { secs } => Response {
                delay: secs,
                ..serve_route(s, req)
            },
            other => {
                s.faults.push_front(other);
                handle(s, req)
            }
        };
    }
    if let Some(fault) = s.faults.pop_front() {
        return match fault {
            Fault::Status { status, retry_after } => {
                let mut r = if status == 429 {
                    Response::text(429, "text/plain", "Retry later\n")
                } else {
                    message(status, &format!("{status} Service Unavailable"))
                };
                if let Some(secs) = retry_after {
                    r.headers.push(("retry-after".into(), secs.to_string()));
                }
                r
            }
            Fault::Html { status } => Response::text(status, "text/html", HTML),
            Fault::AfterAction { .. } | Fault::DropAfterAction | Fault::SlowAfterAction { .. } => {
                s.inject_on(&req.method, &req.path, fault);
                handle(s, req)
            }
        };
    }
    serve_route(s, req)
}

fn serve_route(s: &mut State, req: &Request) -> Response {
    if s.html_everywhere {
        return Response::text(200, "text/html; charset=utf-8", HTML);
    }
    let Some(path) = req.path.strip_prefix("/api/v4") else {
        return Response::text(404, "text/html", HTML);
    };
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(decode).collect();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    let base = format!("http://{}", req.header("host").unwrap_or_default());
    match (req.method.as_str(), seg.as_slice()) {
        ("GET", ["version"]) => Response::json(200, json!({"version": "17.11.0", "revision": "fake"})),
        ("POST", ["runners", "verify"]) => verify_runner(s, req),
        ("POST", ["runners", id, "reset_authentication_token"]) => {
            let id = id.to_string();
            match authenticate(s, req) {
                Ok(t) if has(&t, &["api", "manage_runner"]) => reset_runner(s, &id),
                Ok(_) => insufficient_scope("manage_runner"),
                Err(r) => r,
            }
        }
        ("DELETE", ["runners"]) => delete_runner(s, req),
        _ => {
            let token = match authenticate(s, req) {
                Ok(t) => t,
                Err(r) => return r,
            };
            authenticated(s, req, &token, &seg, &base)
        }
    }
}

fn authenticate(s: &State, req: &Request) -> Result<Token, Response> {
    let value = req.header("private-token").ok_or_else(unauthorized)?;
    let token = s
        .tokens
        .iter()
        .find(|t| t.value == value)
        .ok_or_else(unauthorized)?;
    if token.expired {
        return Err(Response::json(
            401,
            json!({"error": "invalid_token", "error_description": "Token has expired."}),
        ));
    }
    if token.revoked {
        return Err(Response::json(
            401,
            json!({"error": "invalid_token", "error_description": "Token was revoked. You have to re-authorize from the user."}),
        ));
    }
    Ok(token.clone())
}

fn has(token: &Token, any: &[&str]) -> bool {
    token.scopes.iter().any(|s| any.contains(&s.as_str()))
}

fn authenticated(s: &mut State, req: &Request, token: &Token, seg: &[&str], base: &str) -> Response {
    let read = ["api", "read_api"];
    match (req.method.as_str(), seg) {
        ("GET", ["personal_access_tokens", "self"]) => Response::json(
            200,
            json!({
                "id": 1, "name": "devkit", "revoked": token.revoked, "active": !token.expired && !token.revoked,
                "scopes": token.scopes, "user_id": token.user_id, "expires_at": token.expires_at,
                "created_at": "2025-01-01T00:00:00.000Z", "last_used_at": null,
            }),
        ),
        ("GET", ["user"]) => {
            if !has(token, &["api", "read_api", "read_user"]) {
                return insufficient_scope("read_user");
            }
            let u = s.users.iter().find(|u| u.id == token.user_id).unwrap();
            Response::json(
                200,
                json!({"id": u.id, "username": u.username, "name": u.username, "state": "active"}),
            )
        }
        ("GET", ["user", "keys"]) => {
            if !has(token, &read) {
                return insufficient_scope("read_api");
            }
            let items: Vec<Value> = s
                .keys
                .iter()
                .filter(|k| k.user_id == token.user_id)
                .map(|k| json!({"id": k.id, "title": k.title, "key": k.key}))
                .collect();
            paginate(s, req, base, items)
        }
        ("POST", ["user", "keys"]) => {
            if !has(token, &["api"]) {
                return insufficient_scope("api");
            }
            add_key(s, req, token)
        }
        ("GET", ["namespaces", id]) => {
            if !has(token, &read) {
                return insufficient_scope("read_api");
            }
            match s
                .namespaces
                .iter()
                .find(|n| n.full_path == *id || n.id.to_string() == *id)
            {
                Some(n) => Response::json(
                    200,
                    json!({"id": n.id, "full_path": n.full_path, "path": n.full_path, "kind": n.kind}),
                ),
                None => message(404, "404 Namespace Not Found"),
            }
        }
        ("GET", ["projects", id]) => {
            if !has(token, &read) {
                return insufficient_scope("read_api");
            }
            match visible(s, id, token.user_id) {
                Some(p) => Response::json(200, s.project_json(&p, base)),
                None => message(404, "404 Project Not Found"),
            }
        }
        ("POST", ["projects"]) => {
            if !has(token, &["api"]) {
                return insufficient_scope("api");
            }
            create_project(s, req, token, base)
        }
        ("GET", ["projects", id, "runners"]) => {
            if !has(token, &read) {
                return insufficient_scope("read_api");
            }
            let Some(p) = visible(s, id, token.user_id) else {
                return message(404, "404 Project Not Found");
            };
            let items: Vec<Value> = s
                .runners
                .iter()
                .filter(|r| r.project_id == p.id)
                .map(|r| {
                    json!({"id": r.id, "description": r.description, "paused": false, "is_shared": false,
                           "runner_type": "project_type", "online": false,
                           "status": if r.verified { "offline" } else { "never_contacted" }})
                })
                .collect();
            paginate(s, req, base, items)
        }
        ("POST", ["user", "runners"]) => {
            if !has(token, &["api", "create_runner"]) {
                return insufficient_scope("create_runner");
            }
            create_runner(s, req, token)
        }
        _ => message(404, "404 Not Found"),
    }
}

pub(super) fn visible(s: &State, id: &str, user: u64) -> Option<Project> {
    s.projects
        .iter()
        .find(|p| p.path_with_namespace == id || p.id.to_string() == id)
        .filter(|p| p.members.contains_key(&user) || p.visibility != "private")
        .cloned()
}

fn create_project(s: &mut State, req: &Request, token: &Token, base: &str) -> Response {
    let body = req.json();
    let Some(name) = body["name"]
        .as_str()
        .or(body["path"].as_str())
        .map(ToString::to_string)
    else {
        return Response::json(400, json!({"error": "name is missing, path is missing"}));
    };
    let ns = match body["namespace_id"].as_u64() {
        Some(id) => match s.namespaces.iter().find(|n| n.id == id) {
            Some(n) => n.full_path.clone(),
            None => return message(404, "404 Namespace Not Found"),
        },
        None => s
            .users
            .iter()
            .find(|u| u.id == token.user_id)
            .unwrap()
            .username
            .clone(),
    };
    let path = format!("{ns}/{name}");
    if s.projects.iter().any(|p| p.path_with_namespace == path) {
        return Response::json(
            400,
            json!({"message": {"project_namespace.name": ["has already been taken"], "name": ["has already been taken"], "path": ["has already been taken"]}}),
        );
    }
    let id = s.add_project(&path, &[(token.user_id, 50)]);
    let visibility = body["visibility"].as_str().unwrap_or("private").to_string();
    let p = s.projects.iter_mut().find(|p| p.id == id).unwrap();
    p.visibility = visibility;
    let p = p.clone();
    Response::json(201, s.project_json(&p, base))
}

fn add_key(s: &mut State, req: &Request, token: &Token) -> Response {
    let body = req.json();
    let (Some(title), Some(key)) = (body["title"].as_str(), body["key"].as_str()) else {
        return Response::json(400, json!({"error": "title is missing, key is missing"}));
    };
    let material = |k: &str| k.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    if !key.starts_with("ssh-") || key.split_whitespace().count() < 2 {
        return Response::json(
            400,
            json!({"message": {"key": ["is invalid"], "fingerprint_sha256": ["cannot be generated"]}}),
        );
    }
    if s.keys.iter().any(|k| material(&k.key) == material(key)) {
        return Response::json(
            400,
            json!({"message": {"fingerprint": ["has already been taken"], "fingerprint_sha256": ["has already been taken"]}}),
        );
    }
    let id = s.id();
    s.keys.push(Key {
        id,
        user_id: token.user_id,
        title: title.into(),
        key: key.into(),
    });
    Response::json(201, json!({"id": id, "title": title, "key": key}))
}

/// GitLab's offset pagination: `page`, `per_page` (default 20, capped), `Link`, `x-*` headers.
fn paginate(s: &State, req: &Request, base: &str, items: Vec<Value>) -> Response {
    let per_page = req
        .param("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20usize)
        .clamp(1, s.max_per_page);
    let page = req
        .param("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    let total = items.len();
    let pages = total.div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let link = |p: usize| format!("<{base}{}?page={p}&per_page={per_page}>", req.path);
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link(page - 1)));
    }
    if page < pages {
        links.push(format!("{}; rel=\"next\"", link(page + 1)));
    }
    links.push(format!("{}; rel=\"first\"", link(1)));
    links.push(format!("{}; rel=\"last\"", link(pages)));
    let mut r = Response::json(200, Value::Array(slice));
    let next = if page < pages {
        (page + 1).to_string()
    } else {
        String::new()
    };
    let prev = if page > 1 {
        (page - 1).to_string()
    } else {
        String::new()
    };
    for (k, v) in [
        ("link", links.join(", ")),
        ("x-page", page.to_string()),
        ("x-per-page", per_page.to_string()),
        ("x-total", total.to_string()),
        ("x-total-pages", pages.to_string()),
        ("x-next-page", next),
        ("x-prev-page", prev),
    ] {
        r.headers.push((k.into(), v));
    }
    r
}
