//! GitLab's failures as one typed enum: the three JSON error-body shapes, non-JSON answers from proxies and
//! outages, each with a fix for the user; transport failures, rate limits and lost answers are the shared
//! `HttpError`.

use crate::http::value_text;
use std::collections::BTreeMap;

/// A failed GitLab API call. Messages never contain the token.
#[derive(Debug, thiserror::Error)]
pub enum GitlabError {
    /// 401: the token is missing, wrong, revoked or expired.
    #[error("GitLab refused the token (401): {message}")]
    Unauthorized {
        /// GitLab's message.
        message: String,
    },
    /// 403 `insufficient_scope`: the token lacks a scope for this call.
    #[error("the token lacks a scope needed by `{call}` (403 insufficient_scope)")]
    InsufficientScope {
        /// `METHOD /path`.
        call: String,
    },
    /// 403: the user's role does not allow the call.
    #[error("GitLab denied `{call}` (403): {message}")]
    Forbidden {
        /// `METHOD /path`.
        call: String,
        /// GitLab's message.
        message: String,
    },
    /// 404: the resource does not exist or is not visible to the user.
    #[error("not found, or not visible with this token: `{call}` (404)")]
    NotFound {
        /// `METHOD /path`.
        call: String,
    },
    /// 400, 409, 422: GitLab rejected the request's content.
    #[error("GitLab rejected `{call}` ({status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// `METHOD /path`.
        call: String,
        /// The message, fields flattened (`name: has already been taken`).
        message: String,
        /// Validation errors by field, when GitLab sent a map.
        fields: BTreeMap<String, Vec<String>>,
    },
    /// The answer is not GitLab's (an HTML page, a proxy's text, JSON of another shape).
    #[error("`{url}` does not look like a GitLab API: {what}")]
    NotGitlab {
        /// The base URL in use.
        url: String,
        /// What came back instead.
        what: String,
    },
    /// 5xx (after retries for 502/503/504 on reads).
    #[error("GitLab failed on `{call}` ({status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// `METHOD /path`.
        call: String,
        /// GitLab's (or the proxy's) message.
        message: String,
    },
    /// A redirect, which devkit does not follow (the token header would go along).
    #[error("GitLab redirected `{call}` to `{location}`")]
    Redirected {
        /// `METHOD /path`.
        call: String,
        /// The `Location` header.
        location: String,
    },
    /// The exchange failed: no connection, no answer, a rate limit, or an answer lost after GitLab may have
    /// acted.
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    /// Any other status, or an answer devkit cannot decode.
    #[error("unexpected answer to `{call}` ({status}): {message}")]
    Unexpected {
        /// HTTP status (0 when the body could not be read).
        status: u16,
        /// `METHOD /path`.
        call: String,
        /// What was wrong.
        message: String,
    },
}

impl GitlabError {
    /// The fix, when it is known.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::Unauthorized { .. } => {
                "the token is wrong, revoked or expired: create one in GitLab (User settings > Access tokens), \
                 then run `devkit login gitlab --token-stdin`"
                    .into()
            }
            Self::InsufficientScope { .. } => "create a token with the scopes `devkit login gitlab` lists \
                 (`api`, or `create_runner` + `manage_runner` + `read_api` for runners), then log in again"
                .into(),
            Self::Forbidden { .. } => {
                "your role does not allow this: ask a Maintainer or Owner of the project or group".into()
            }
            Self::NotFound { .. } => {
                "check the spelling (`group/subgroup/project`) and that your account can see it".into()
            }
            Self::Rejected { .. } => return None,
            Self::NotGitlab { .. } => {
                "check `gitlab.url` in the site profile (`devkit site show`): it must be the GitLab root URL, \
                 without `/api/v4`"
                    .into()
            }
            Self::Server { .. } => "GitLab is having trouble: try again later".into(),
            Self::Redirected { .. } => {
                "set `gitlab.url` to the address GitLab redirects to (`--set gitlab.url=...`)".into()
            }
            Self::Http(e) => return e.hint(),
            Self::Unexpected { .. } => return None,
        })
    }

    /// The HTTP status, when GitLab answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized { .. } => Some(401),
            Self::InsufficientScope { .. } | Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            Self::Rejected { status, .. } | Self::Server { status, .. } => Some(*status),
            Self::Http(e) => e.status(),
            _ => None,
        }
    }
}

/// A failed answer, as the client received it.
#[derive(Debug)]
pub struct Answer<'a> {
    /// HTTP status.
    pub status: u16,
    /// `METHOD /path`.
    pub call: String,
    /// The body.
    pub body: &'a str,
    /// The `Content-Type` header.
    pub content_type: &'a str,
    /// The `Location` header.
    pub location: Option<String>,
    /// The base URL in use.
    pub base: &'a str,
}

/// The error a failed answer means; `redact` scrubs the token from any text taken from the body.
pub fn from_answer(a: &Answer<'_>, redact: impl Fn(&str) -> String) -> GitlabError {
    let b = parse_body(a.body);
    let call = a.call.clone();
    let message = redact(&b.message);
    if (300..400).contains(&a.status) {
        return GitlabError::Redirected {
            call,
            location: a.location.clone().unwrap_or_default(),
        };
    }
    if !b.json && !a.content_type.contains("json") && a.status != 429 && a.status < 500 {
        return GitlabError::NotGitlab {
            url: a.base.to_string(),
            what: format!("answered {} with {message}", a.status),
        };
    }
    match a.status {
        401 => GitlabError::Unauthorized { message },
        403 if b.code.as_deref() == Some("insufficient_scope") => GitlabError::InsufficientScope { call },
        403 => GitlabError::Forbidden { call, message },
        404 => GitlabError::NotFound { call },
        400 | 409 | 422 => GitlabError::Rejected {
            status: a.status,
            call,
            message,
            fields: b.fields,
        },
        status @ 500..=599 => GitlabError::Server {
            status,
            call,
            message,
        },
        status => GitlabError::Unexpected {
            status,
            call,
            message,
        },
    }
}

/// What an error body says, whatever its shape.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// The message: `message` as a string, the flattened map, or `error` (+ `error_description`).
    pub message: String,
    /// The `error` code (`insufficient_scope`, `invalid_token`), when present.
    pub code: Option<String>,
    /// Validation errors by field.
    pub fields: BTreeMap<String, Vec<String>>,
    /// Whether the body is GitLab's JSON at all.
    pub json: bool,
    /// Whether the body is an HTML page.
    pub html: bool,
}

/// Parses an error body: `{"message": "..."}`, `{"message": {field: [...]}}`, `{"error": "..."}`, or anything else.
pub fn parse_body(body: &str) -> ErrorBody {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) else {
        let (message, html) = crate::http::message_summary(body);
        return ErrorBody {
            message,
            html,
            ..ErrorBody::default()
        };
    };
    let mut out = ErrorBody {
        json: true,
        ..ErrorBody::default()
    };
    match map.get("message") {
        Some(serde_json::Value::String(s)) => out.message = s.clone(),
        Some(serde_json::Value::Object(fields)) => {
            flatten("", fields, &mut out.fields);
            out.message = out
                .fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.join(", ")))
                .collect::<Vec<_>>()
                .join("; ");
        }
        Some(serde_json::Value::Array(items)) => {
            out.message = items.iter().map(value_text).collect::<Vec<_>>().join("; ");
        }
        _ => {}
    }
    if let Some(serde_json::Value::String(e)) = map.get("error") {
        out.code = Some(e.clone());
        if out.message.is_empty() {
            out.message = match map.get("error_description").and_then(|d| d.as_str()) {
                Some(d) => format!("{e}: {d}"),
                None => e.clone(),
            };
        }
    }
    if out.message.is_empty() {
        out.json = false;
        out.message = "JSON without `message` or `error`".into();
    }
    out
}

fn flatten(
    prefix: &str,
    map: &serde_json::Map<String, serde_json::Value>,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    for (key, value) in map {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            serde_json::Value::Object(inner) => flatten(&name, inner, out),
            serde_json::Value::Array(items) => {
                out.insert(name, items.iter().map(value_text).collect());
            }
            other => {
                out.insert(name, vec![value_text(other)]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_three_json_shapes() {
        let b = parse_body(r#"{"message": "400 (Bad request) \"title\" not given"}"#);
        assert_eq!(b.message, "400 (Bad request) \"title\" not given");
        let b =
            parse_body(r#"{"message": {"fingerprint": ["has already been taken"], "key": ["is bad", "x"]}}"#);
        assert_eq!(b.fields["fingerprint"], vec!["has already been taken"]);
        assert_eq!(b.message, "fingerprint: has already been taken; key: is bad, x");
        let b = parse_body(r#"{"message": {"a": {"b": ["nested"]}}}"#);
        assert_eq!(b.fields["a.b"], vec!["nested"]);
        let b = parse_body(r#"{"error": "insufficient_scope", "error_description": "needs more"}"#);
        assert_eq!(b.code.as_deref(), Some("insufficient_scope"));
        assert_eq!(b.message, "insufficient_scope: needs more");
        assert!(b.json);
    }

    #[test]
    fn non_json_bodies() {
        let b = parse_body("<!DOCTYPE html><html><body>Sign in</body></html>");
        assert!(b.html && !b.json);
        assert_eq!(b.message, "an HTML page");
        let b = parse_body("Retry later\n");
        assert_eq!(b.message, "Retry later");
        assert!(!parse_body(r#"{"other": 1}"#).json);
        assert_eq!(parse_body("").message, "an empty body");
    }
}
