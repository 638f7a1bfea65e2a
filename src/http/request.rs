//! A request (method, URL, credentials, body, whether it may be sent twice) and a final answer (status,
//! headers, body, and the error it means, with the server's own message).

use super::{HttpError, Method, server_message};
use crate::secret::Secret;

/// How a request authenticates.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    /// Anonymously.
    None,
    /// `Authorization: Basic user:secret`.
    Basic(&'a str, &'a Secret),
    /// `Authorization: Bearer token`.
    Bearer(&'a Secret),
    /// A header of its own (`PRIVATE-TOKEN`).
    Header(&'static str, &'a Secret),
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// None.
    Empty,
    /// JSON text.
    Json(String),
    /// `application/x-www-form-urlencoded` text, already encoded.
    Form(String),
    /// Text of another type (S3's XML), with its content type.
    Raw(&'static str, String),
}

/// One request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The method; decides whether the request may be sent again.
    pub method: Method,
    /// The full URL (never with a secret in it).
    pub url: String,
    /// Credentials.
    pub auth: Auth<'a>,
    /// The body.
    pub body: Body,
    /// Whether sending it twice has the effect of sending it once (the method's nature unless declared).
    pub idempotent: bool,
    /// Extra headers (e.g. a SigV4 signature), sent as given on every attempt.
    pub headers: Vec<(String, String)>,
}

impl<'a> Request<'a> {
    /// A request without credentials or body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            auth: Auth::None,
            body: Body::Empty,
            idempotent: method.idempotent(),
            headers: Vec::new(),
        }
    }

    /// Declares a POST safe to send twice (a check, or a reset whose last answer wins).
    #[must_use]
    pub fn replayable(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// With credentials.
    #[must_use]
    pub fn auth(mut self, auth: Auth<'a>) -> Self {
        self.auth = auth;
        self
    }

    /// With a JSON body.
    #[must_use]
    pub fn json(mut self, value: &serde_json::Value) -> Self {
        self.body = Body::Json(value.to_string());
        self
    }

    /// With extra headers.
    #[must_use]
    pub fn headers(mut self, headers: impl IntoIterator<Item = (String, String)>) -> Self {
        self.headers.extend(headers);
        self
    }

    /// With a text body of the given content type (e.g. `application/xml`).
    #[must_use]
    pub fn raw(mut self, content_type: &'static str, text: String) -> Self {
        self.body = Body::Raw(content_type, text);
        self
    }

    /// With a form body (values percent-encoded here).
    #[must_use]
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        let text = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::secret::percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.body = Body::Form(text);
        self
    }

    pub(super) fn secrets(&self) -> Vec<&'a Secret> {
        match self.auth {
            Auth::None => Vec::new(),
            Auth::Basic(_, s) | Auth::Bearer(s) | Auth::Header(_, s) => vec![s],
        }
    }
}

/// A final answer (after retries).
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The body (at most 16 MiB).
    pub body: String,
    /// Headers, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The method sent.
    pub method: Method,
    /// The URL, redacted.
    pub url: String,
    /// The service that answered.
    pub service: String,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The server's own message.
    pub fn message(&self) -> String {
        server_message(&self.body)
    }

    /// The answer as an error: status, URL, the server's message.
    pub fn error(&self) -> HttpError {
        HttpError::Status {
            service: self.service.clone(),
            method: self.method.as_str(),
            url: self.url.clone(),
            status: self.status,
            message: self.message(),
        }
    }

    pub(super) fn retry_after(&self) -> Option<u64> {
        self.header("retry-after")?.trim().parse().ok()
    }
}
