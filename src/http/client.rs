//! `Http`: one request at a time through the shared agent configuration and the retry policy. Each attempt is
//! logged at DEBUG (method, URL without secrets, status or error, duration); each wait of a second or more is
//! announced at INFO on the `devkit::http::wait` target; a POST whose answer may have been lost ends as
//! `HttpError::AnswerLost` and is never sent twice.

use super::policy::{Attempt, jitter};
use super::request::{Auth, Body, Request, Response};
use super::{HttpConfig, HttpError, Method, Policy, Verdict, WAIT_TARGET, host_of, redact_url};
use crate::secret::redact_in;
use base64::Engine as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Sleep = Arc<dyn Fn(Duration) + Send + Sync>;

/// A configured HTTP client for one service.
#[derive(Clone)]
pub struct Http {
    service: String,
    config: HttpConfig,
    policy: Policy,
    proxied: ureq::Agent,
    direct: ureq::Agent,
    sleep: Sleep,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Http {
    /// A client for `service` (named in messages: `GitLab`, `Artifactory`, ...).
    pub fn new(service: impl Into<String>, config: &HttpConfig) -> Result<Self, HttpError> {
        let (proxied, direct) = config.agents()?;
        Ok(Self {
            service: service.into(),
            policy: config.policy(),
            config: config.clone(),
            proxied,
            direct,
            sleep: Arc::new(std::thread::sleep),
        })
    }

    /// Replaces the sleep between attempts (tests).
    #[must_use]
    pub fn with_sleep(mut self, sleep: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// The retry policy in force.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The service's name.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Sends `req` under the retry policy. Any status the policy accepts comes back as `Ok` (the caller
    /// interprets it); transport failures, rate limits and possibly lost answers come back as errors.
    pub fn send(&self, req: &Request<'_>) -> Result<Response, HttpError> {
        let url = redact_url(&req.url);
        let host = host_of(&req.url).to_string();
        let agent = if self.config.bypasses_proxy(&host) {
            &self.direct
        } else {
            &self.proxied
        };
        let method = req.method.as_str();
        let attempts = self.policy.attempts;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let result = self.once(agent, req, &url);
            let ms = started.elapsed().as_millis();
            let (outcome, reason) = match &result {
                Ok(r) => {
                    tracing::debug!("{method} {url} → {} in {ms} ms", r.status);
                    let outcome = Attempt::Answered {
                        status: r.status,
                        retry_after: r.retry_after(),
                    };
                    (outcome, format!("{} answered {}", self.service, r.status))
                }
                Err(e) => {
                    let reason = redact_in(&e.to_string(), &req.secrets());
                    tracing::debug!("{method} {url} → {reason} after {ms} ms");
                    match classify(e) {
                        Some(outcome) => (outcome, reason),
                        None => {
                            return Err(HttpError::Unreachable {
                                service: self.service.clone(),
                                url,
                                attempts: attempt,
                                reason,
                            });
                        }
                    }
                }
            };
            match self.policy.decide(req.idempotent, attempt, outcome, jitter()) {
                Verdict::Accept => {
                    if let Ok(r) = result {
                        return Ok(r);
                    }
                }
                Verdict::Retry(wait) => {
                    let why = match outcome {
                        Attempt::Answered { status: 429, .. } => {
                            format!("{} asked to slow down (429)", self.service)
                        }
                        Attempt::Answered { status, .. } => format!("{} answered {status}", self.service),
                        Attempt::NotSent => {
                            format!("cannot connect to {} at {host} ({reason})", self.service)
                        }
                        Attempt::Lost => format!("no answer from {} at {host} ({reason})", self.service),
                    };
                    tracing::debug!(
                        "retry {} of {attempts} of `{method} {url}` in {} ms: {why}",
                        attempt + 1,
                        wait.as_millis()
                    );
                    if wait >= Duration::from_secs(1) {
                        tracing::info!(
                            target: WAIT_TARGET,
                            "waiting {}: {why}, then attempt {} of {attempts}",
                            human(wait),
                            attempt + 1
                        );
                    }
                    (self.sleep)(wait);
                }
                Verdict::TooLong(secs) => {
                    let status = result.as_ref().map_or(429, |r| r.status);
                    return Err(self.rate_limited(method, url, status, attempt, Some(secs)));
                }
                Verdict::Exhausted => {
                    return match (outcome, result) {
                        (
                            Attempt::Answered {
                                status: 429,
                                retry_after,
                            },
                            _,
                        ) => Err(self.rate_limited(method, url, 429, attempt, retry_after)),
                        (_, Ok(r)) => Ok(r),
                        (Attempt::NotSent, Err(_)) => Err(HttpError::Unreachable {
                            service: self.service.clone(),
                            url,
                            attempts: attempt,
                            reason,
                        }),
                        (_, Err(_)) => Err(HttpError::NoAnswer {
                            service: self.service.clone(),
                            method,
                            url,
                            attempts: attempt,
                            reason,
                        }),
                    };
                }
                Verdict::Unknown => {
                    tracing::debug!("`{method} {url}` is not sent again: it may have been carried out");
                    return Err(HttpError::AnswerLost {
                        service: self.service.clone(),
                        method,
                        url,
                        reason,
                    });
                }
            }
        }
    }

    fn rate_limited(
        &self,
        method: &'static str,
        url: String,
        status: u16,
        attempts: u32,
        retry_after: Option<u64>,
    ) -> HttpError {
        HttpError::RateLimited {
            service: self.service.clone(),
            method,
            url,
            status,
            attempts,
            retry_after,
            retry_at: retry_after.map(|s| crate::utc::now_secs().saturating_add_unsigned(s)),
        }
    }

    fn once(&self, agent: &ureq::Agent, req: &Request<'_>, url: &str) -> Result<Response, ureq::Error> {
        let auth = auth_header(req.auth);
        let a = auth.as_ref();
        let (content_type, bytes) = match &req.body {
            Body::Empty => ("", Vec::new()),
            Body::Json(t) => ("application/json", t.as_bytes().to_vec()),
            Body::Form(t) => ("application/x-www-form-urlencoded", t.as_bytes().to_vec()),
            Body::Raw(ct, t) => (*ct, t.as_bytes().to_vec()),
        };
        let bytes = zeroize::Zeroizing::new(bytes);
        let u = req.url.as_str();
        let x = req.headers.as_slice();
        let response = match (req.method, content_type.is_empty()) {
            (Method::Get, _) => with_headers(agent.get(u), a, x).call(),
            (Method::Head, _) => with_headers(agent.head(u), a, x).call(),
            (Method::Delete, true) => with_headers(agent.delete(u), a, x).call(),
            (Method::Delete, false) => with_headers(agent.delete(u), a, x)
                .force_send_body()
                .content_type(content_type)
                .send(bytes.as_slice()),
            (Method::Put, _) => with_headers(agent.put(u), a, x)
                .content_type(content_type)
                .send(bytes.as_slice()),
            (Method::Post, true) => with_headers(agent.post(u), a, x).send_empty(),
            (Method::Post, false) => with_headers(agent.post(u), a, x)
                .content_type(content_type)
                .send(bytes.as_slice()),
        }?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string())))
            .collect();
        let body = response
            .into_body()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_string()?;
        Ok(Response {
            status,
            body,
            headers,
            method: req.method,
            url: url.to_string(),
            service: self.service.clone(),
        })
    }
}

fn auth_header(auth: Auth<'_>) -> Option<(&'static str, zeroize::Zeroizing<String>)> {
    let value = match auth {
        Auth::None => return None,
        Auth::Basic(user, secret) => format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", secret.expose()))
        ),
        Auth::Bearer(token) => format!("Bearer {}", token.expose()),
        Auth::Header(name, token) => {
            return Some((name, zeroize::Zeroizing::new(token.expose().to_string())));
        }
    };
    Some(("authorization", zeroize::Zeroizing::new(value)))
}

fn with_headers<B>(
    builder: ureq::RequestBuilder<B>,
    auth: Option<&(&'static str, zeroize::Zeroizing<String>)>,
    extra: &[(String, String)],
) -> ureq::RequestBuilder<B> {
    let mut builder = builder.header("accept", "application/json, text/plain;q=0.9, */*;q=0.8");
    for (name, value) in extra {
        builder = builder.header(name.as_str(), value.as_str());
    }
    match auth {
        Some((name, value)) => builder.header(*name, value.as_str()),
        None => builder,
    }
}

/// What a transport error says about the request: never sent, maybe sent, or not worth retrying (`None`).
fn classify(e: &ureq::Error) -> Option<Attempt> {
    use std::io::ErrorKind as K;
    match e {
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => Some(Attempt::NotSent),
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                K::ConnectionRefused | K::AddrNotAvailable | K::NetworkUnreachable | K::HostUnreachable
            ) =>
        {
            Some(Attempt::NotSent)
        }
        ureq::Error::Http(_)
        | ureq::Error::BadUri(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::InvalidProxyUrl => None,
        _ => Some(Attempt::Lost),
    }
}

/// A duration as people read it: `1.5 s`, `30 s`, `5 min`, `2 h`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{:.1} s", (s * 10.0).round() / 10.0).replace(".0 s", " s")
    } else if s < 120.0 {
        format!("{} s", s.round())
    } else if s < 7200.0 {
        format!("{} min", (s / 60.0).round())
    } else {
        format!("{} h", (s / 3600.0).round())
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
