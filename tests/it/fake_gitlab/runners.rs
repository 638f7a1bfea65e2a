//! The fake GitLab's runner endpoints: create (`POST /user/runners`), verify, reset the token, delete.

use super::Request;
use super::Response;
use super::routes::{message, visible};
use super::state::{MAINTAINER, Runner, State, Token};
use serde_json::{Value, json};

pub(super) fn create_runner(s: &mut State, req: &Request, token: &Token) -> Response {
    let body = req.json();
    if body["runner_type"].as_str() != Some("project_type") {
        return Response::json(
            400,
            json!({"error": "runner_type is missing, runner_type does not have a valid value"}),
        );
    }
    let Some(project_id) = body["project_id"].as_u64() else {
        return Response::json(400, json!({"error": "project_id is missing"}));
    };
    let Some(p) = visible(s, &project_id.to_string(), token.user_id) else {
        return message(404, "404 Project Not Found");
    };
    if p.members.get(&token.user_id).copied().unwrap_or(0) < MAINTAINER {
        return message(403, "403 Forbidden");
    }
    let tags: Vec<String> = body["tag_list"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t.as_str().map(Into::into)).collect())
        .unwrap_or_default();
    let run_untagged = body["run_untagged"].as_bool().unwrap_or(true);
    if tags.is_empty() && !run_untagged {
        return Response::json(
            400,
            json!({"message": {"tags_list": ["can not be empty when runner is not allowed to pick untagged jobs"]}}),
        );
    }
    let id = s.id();
    let token = format!("glrt-fake{id}x{}", s.log.len());
    s.runners.push(Runner {
        id,
        token: token.clone(),
        project_id,
        description: body["description"].as_str().unwrap_or("").into(),
        tags,
        locked: body["locked"].as_bool().unwrap_or(false),
        run_untagged,
        verified: false,
    });
    Response::json(201, json!({"id": id, "token": token, "token_expires_at": null}))
}

pub(super) fn verify_runner(s: &mut State, req: &Request) -> Response {
    let body = req.json();
    let token = body["token"].as_str().unwrap_or("");
    match s.runners.iter_mut().find(|r| r.token == token) {
        Some(r) if body["system_id"].as_str().is_some_and(|v| !v.is_empty()) => {
            r.verified = true;
            Response::json(
                200,
                json!({"id": r.id, "token": r.token, "token_expires_at": null}),
            )
        }
        Some(_) => Response::json(400, json!({"error": "system_id is missing"})),
        None => message(403, "403 Forbidden"),
    }
}

pub(super) fn reset_runner(s: &mut State, id: &str) -> Response {
    let n = s.log.len();
    match s.runners.iter_mut().find(|r| r.id.to_string() == id) {
        Some(r) => {
            r.token = format!("glrt-reset{}x{n}", r.id);
            Response::json(201, json!({"token": r.token, "token_expires_at": null}))
        }
        None => message(404, "404 Runner Not Found"),
    }
}

pub(super) fn delete_runner(s: &mut State, req: &Request) -> Response {
    let body = req.json();
    let token = body["token"].as_str().unwrap_or("");
    match s.runners.iter().position(|r| r.token == token) {
        Some(i) => {
            s.runners.remove(i);
            Response::json(204, Value::Null)
        }
        None => message(403, "403 Forbidden"),
    }
}
