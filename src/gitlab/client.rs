//! The blocking HTTP client of the GitLab REST API v4: token header, user agent, site CA bundle, timeouts,
//! bounded retries with backoff (429 with `Retry-After`, 502/503/504, connection errors) and pagination.

use super::error::{Answer, GitlabError, from_answer, parse_body};
use super::pagination::{next_link, with_page};
use crate::secret::{Secret, redact_in};
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::time::Duration;

/// How a client talks to GitLab.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// GitLab's root URL (`https://gitlab.example.org`), without `/api/v4`.
    pub base_url: String,
    /// The personal access token, sent in `PRIVATE-TOKEN`.
    pub token: Option<Secret>,
    /// A PEM bundle of trusted roots, instead of the built-in ones.
    pub ca_bundle: Option<PathBuf>,
    /// Longest time one request may take.
    pub timeout: Duration,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// First backoff delay; doubled at each retry.
    pub backoff_base: Duration,
    /// Longest wait devkit accepts, whether from backoff or `Retry-After`.
    pub max_wait: Duration,
}

impl ClientConfig {
    /// Defaults for `base_url`: 30 s timeout, 5 attempts, 500 ms base backoff, 60 s longest wait.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            token: None,
            ca_bundle: None,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            backoff_base: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// The user agent devkit sends.
pub const USER_AGENT: &str = concat!("devkit/", env!("CARGO_PKG_VERSION"));

/// Upper bound on pages followed by [`Client::get_all`].
const MAX_PAGES: usize = 1000;

type Sleep = Box<dyn Fn(Duration) + Send + Sync>;

/// A GitLab API client.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    api: String,
    token: Option<Secret>,
    config: ClientConfig,
    sleep: Sleep,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

/// An HTTP method devkit uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST (JSON body).
    Post,
    /// DELETE (optional JSON body).
    Delete,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
    link: Option<String>,
    next_page: Option<String>,
}

impl Client {
    /// A client for `config`; fails only on an unusable CA bundle.
    pub fn new(config: ClientConfig) -> Result<Self, GitlabError> {
        let mut builder = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(USER_AGENT)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.timeout.min(Duration::from_secs(10))));
        if let Some(path) = &config.ca_bundle {
            builder = builder.tls_config(super::tls::with_bundle(path)?);
        }
        let base = config.base_url.trim_end_matches('/').to_string();
        Ok(Self {
            agent: builder.build().new_agent(),
            api: format!("{base}/api/v4"),
            base,
            token: config.token.clone(),
            config,
            sleep: Box::new(std::thread::sleep),
        })
    }

    /// Replaces the sleep used between retries (tests).
    #[must_use]
    pub fn with_sleep(mut self, sleep: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.sleep = Box::new(sleep);
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

    /// `POST /api/v4{path}` with a JSON body, decoded.
    pub fn post<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, GitlabError> {
        let reply = self.call(Method::Post, path, Some(body))?;
        self.decode(Method::Post, path, &reply)
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
            let reply = self.send(Method::Get, path, &url, None)?;
            let page: Vec<T> = self.decode(Method::Get, path, &reply)?;
            items.extend(page);
            let next = reply
                .link
                .as_deref()
                .and_then(next_link)
                .filter(|u| u.starts_with(&self.base))
                .or_else(|| {
                    let n = reply.next_page.as_deref()?.trim();
                    (!n.is_empty()).then(|| with_page(&url, n))
                });
            match next {
                Some(n) if n != url => url = n,
                _ => return Ok(items),
            }
        }
        Ok(items)
    }

    /// One call, with retries, returning the successful reply.
    pub fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, GitlabError> {
        let url = format!("{}{path}", self.api);
        self.send(method, path, &url, body)
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, GitlabError> {
        let call = format!("{} {}", method.name(), path.split('?').next().unwrap_or(path));
        let attempts = self.config.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= attempts;
            let backoff = self.backoff(attempt);
            match self.once(method, url, body) {
                Err(err) => {
                    // A timeout may hide a request GitLab did process: only reads are sent again then.
                    let transient = match err {
                        ureq::Error::ConnectionFailed | ureq::Error::Io(_) => true,
                        ureq::Error::Timeout(_) => method == Method::Get,
                        _ => false,
                    };
                    if !transient || last {
                        return Err(GitlabError::Unreachable {
                            url: self.base.clone(),
                            attempts: attempt,
                            reason: self.redact(&err.to_string()),
                        });
                    }
                    (self.sleep)(backoff);
                }
                Ok(reply) if reply.status == 429 => {
                    let retry_after = reply.retry_after;
                    let wait = retry_after.map_or(backoff, Duration::from_secs);
                    if last || wait > self.config.max_wait {
                        return Err(GitlabError::RateLimited {
                            call,
                            attempts: attempt,
                            retry_after,
                        });
                    }
                    (self.sleep)(wait);
                }
                Ok(reply) if matches!(reply.status, 502..=504) && !last => (self.sleep)(backoff),
                Ok(reply) if (200..300).contains(&reply.status) => {
                    return Ok(Reply {
                        status: reply.status,
                        body: reply.body,
                        link: reply.link,
                        next_page: reply.next_page,
                    });
                }
                Ok(reply) => return Err(self.failure(&call, attempt, reply)),
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        let base = self.config.backoff_base.saturating_mul(factor);
        // A little jitter (up to a quarter) so that clients retrying together spread out.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let jitter = base / 4 * (nanos % 1000) / 1000;
        (base + jitter).min(self.config.max_wait)
    }

    fn once(
        &self,
        method: Method,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<RawReply, ureq::Error> {
        let token = self.token.as_ref().map(Secret::expose);
        let json = body.map(serde_json::Value::to_string);
        let response = match method {
            Method::Get => with_token(self.agent.get(url), token).call(),
            Method::Post => with_token(self.agent.post(url), token)
                .content_type("application/json")
                .send(json.unwrap_or_else(|| "{}".into())),
            Method::Delete => {
                let req = with_token(self.agent.delete(url), token);
                match json {
                    Some(j) => req.force_send_body().content_type("application/json").send(j),
                    None => req.call(),
                }
            }
        }?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(ToString::to_string)
        };
        let status = response.status().as_u16();
        let link = header("link");
        let next_page = header("x-next-page");
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let body = response
            .into_body()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_string()?;
        Ok(RawReply {
            status,
            body,
            link,
            next_page,
            location,
            content_type,
            retry_after,
        })
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
                    call: format!("{} {path}", method.name()),
                    message: format!("cannot decode the answer: {e}"),
                }
            }
        })
    }

    fn failure(&self, call: &str, attempts: u32, reply: RawReply) -> GitlabError {
        from_answer(
            &Answer {
                status: reply.status,
                call: call.to_string(),
                attempts,
                body: &reply.body,
                content_type: &reply.content_type,
                location: reply.location,
                base: &self.base,
            },
            |t| self.redact(t),
        )
    }

    fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(t) => redact_in(text, &[t]),
            None => text.to_string(),
        }
    }
}

struct RawReply {
    status: u16,
    body: String,
    link: Option<String>,
    next_page: Option<String>,
    location: Option<String>,
    content_type: String,
    retry_after: Option<u64>,
}

fn with_token<B>(req: ureq::RequestBuilder<B>, token: Option<&str>) -> ureq::RequestBuilder<B> {
    let req = req.header("accept", "application/json");
    match token {
        Some(t) => req.header("PRIVATE-TOKEN", t),
        None => req,
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
