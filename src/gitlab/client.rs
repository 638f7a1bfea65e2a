//! The GitLab REST API v4 over the shared HTTP layer: the `PRIVATE-TOKEN` header, decoding, GitLab's error
//! shapes and pagination. Retries, waits and lost answers are the HTTP layer's (`crate::http`): a `POST` that
//! may have acted comes back as `GitlabError::Http(HttpError::AnswerLost)` for the caller to reconcile.

use super::error::{Answer, GitlabError, from_answer, parse_body};
use super::pagination::{next_link, with_page};
use crate::http::{Auth, Http, HttpConfig, Method, Request, Response};
use crate::secret::{Secret, redact_in};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// How a client talks to GitLab.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// GitLab's root URL (`https://gitlab.example.org`), without `/api/v4`.
    pub base_url: String,
    /// The personal access token, sent in `PRIVATE-TOKEN`.
    pub token: Option<Secret>,
    /// Transport, TLS, proxy and retry settings.
    pub http: HttpConfig,
}

impl ClientConfig {
    /// The shared HTTP defaults for `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            token: None,
            http: HttpConfig::default(),
        }
    }
}

pub use crate::http::USER_AGENT;

/// Upper bound on pages followed by [`Client::get_all`].
const MAX_PAGES: usize = 1000;

/// A GitLab API client.
#[derive(Debug)]
pub struct Client {
    http: Http,
    base: String,
    api: String,
    token: Option<Secret>,
}

/// A successful answer.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

impl Client {
    /// A client for `config`; fails only on an unusable CA bundle or proxy.
    pub fn new(config: ClientConfig) -> Result<Self, GitlabError> {
        let base = config.base_url.trim_end_matches('/').to_string();
        Ok(Self {
            http: Http::new("GitLab", &config.http)?,
            api: format!("{base}/api/v4"),
            base,
            token: config.token,
        })
    }

    /// Replaces the sleep used between retries (tests).
    #[must_use]
    pub fn with_sleep(mut self, sleep: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.http = self.http.with_sleep(sleep);
        self
    }

    /// The root URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /api/v4{path}`, decoded.
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, GitlabError> {
        let reply = self.call(Method::Get, path, None)?;
        self.decode(Method::Get, path, &reply)
    }

    /// `POST /api/v4{path}` with a JSON body, decoded. Sent once unless it provably never reached GitLab.
    pub fn post<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, GitlabError> {
        let reply = self.call(Method::Post, path, Some(body))?;
        self.decode(Method::Post, path, &reply)
    }

    /// `POST /api/v4{path}` for a call that is safe to send twice (a check, a token reset whose last answer
    /// wins), so it is retried like a read.
    pub fn post_replayable<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, GitlabError> {
        let url = format!("{}{path}", self.api);
        let r = self.send_request(Method::Post, path, &url, Some(body), true)?;
        self.decode(
            Method::Post,
            path,
            &Reply {
                status: r.status,
                body: r.body,
            },
        )
    }

    /// `DELETE /api/v4{path}`, with an optional JSON body (runner tokens go there, never in the URL).
    pub fn delete(&self, path: &str, body: Option<&serde_json::Value>) -> Result<(), GitlabError> {
        self.call(Method::Delete, path, body).map(|_| ())
    }

    /// Every item of a paginated `GET`, following `Link: rel="next"` or `x-next-page`.
    pub fn get_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, GitlabError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{}{path}{sep}per_page=100", self.api);
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let response = self.send(Method::Get, path, &url, None)?;
            let reply = Reply {
                status: response.status,
                body: response.body.clone(),
            };
            let page: Vec<T> = self.decode(Method::Get, path, &reply)?;
            items.extend(page);
            let next = response
                .header("link")
                .and_then(next_link)
                .filter(|u| u.starts_with(&self.base))
                .or_else(|| {
                    let n = response.header("x-next-page")?.trim();
                    (!n.is_empty()).then(|| with_page(&url, n))
                });
            match next {
                Some(n) if n != url => url = n,
                _ => return Ok(items),
            }
        }
        Ok(items)
    }

    /// One call, under the retry policy, returning the successful reply.
    pub fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, GitlabError> {
        let url = format!("{}{path}", self.api);
        let r = self.send(method, path, &url, body)?;
        Ok(Reply {
            status: r.status,
            body: r.body,
        })
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Response, GitlabError> {
        self.send_request(method, path, url, body, false)
    }

    fn send_request(
        &self,
        method: Method,
        path: &str,
        url: &str,
        body: Option<&serde_json::Value>,
        replayable: bool,
    ) -> Result<Response, GitlabError> {
        let mut request = Request::new(method, url);
        if replayable {
            request = request.replayable();
        }
        if let Some(t) = &self.token {
            request = request.auth(Auth::Header("PRIVATE-TOKEN", t));
        }
        if let Some(b) = body {
            request = request.json(b);
        }
        let response = self.http.send(&request)?;
        if response.ok() {
            return Ok(response);
        }
        let call = format!("{} {}", method.as_str(), path.split('?').next().unwrap_or(path));
        Err(from_answer(
            &Answer {
                status: response.status,
                call,
                body: &response.body,
                content_type: response.header("content-type").unwrap_or_default(),
                location: response.header("location").map(ToString::to_string),
                base: &self.base,
            },
            |t| self.redact(t),
        ))
    }

    fn decode<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        reply: &Reply,
    ) -> Result<T, GitlabError> {
        let text = if reply.body.trim().is_empty() {
            "null"
        } else {
            &reply.body
        };
        serde_json::from_str(text).map_err(|e| {
            let b = parse_body(&reply.body);
            if !b.json && (b.html || serde_json::from_str::<serde_json::Value>(text).is_err()) {
                GitlabError::NotGitlab {
                    url: self.base.clone(),
                    what: format!("answered {} with {}", reply.status, self.redact(&b.message)),
                }
            } else {
                GitlabError::Unexpected {
                    status: reply.status,
                    call: format!("{} {path}", method.as_str()),
                    message: format!("cannot decode the answer: {e}"),
                }
            }
        })
    }

    fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(t) => redact_in(text, &[t]),
            None => text.to_string(),
        }
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
