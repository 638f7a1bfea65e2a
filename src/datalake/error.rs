//! What an S3 answer means for the user: the server's error code (`SignatureDoesNotMatch`,
//! `InvalidObjectState`, ...) read from its XML, an HTML page where S3 XML was expected, and the fix for each.

use crate::http::{HttpError, Response};

/// A failed Datalake request.
#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    /// The transport or the retry policy gave up.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The key was refused.
    #[error("the Datalake refused the key ({code}): {message}")]
    Refused {
        /// `SignatureDoesNotMatch`, `InvalidAccessKeyId`, `AccessDenied`, ...
        code: String,
        /// The server's message.
        message: String,
    },
    /// No such bucket.
    #[error("bucket `{0}` does not exist on the Datalake")]
    NoBucket(String),
    /// No such object.
    #[error("`{0}` does not exist on the Datalake")]
    NoKey(String),
    /// The endpoint answered with a web page.
    #[error("the Datalake endpoint `{url}` answered {status} with an HTML page, not S3")]
    Html {
        /// The URL, redacted.
        url: String,
        /// Its status.
        status: u16,
    },
    /// Any other S3 error answer.
    #[error("the Datalake answered {status} {code} to `{method} {url}`: {message}")]
    Other {
        /// The method.
        method: &'static str,
        /// The URL, redacted.
        url: String,
        /// The status.
        status: u16,
        /// The S3 error code, or `-`.
        code: String,
        /// The server's message.
        message: String,
    },
    /// A 2xx answer that is not the XML expected.
    #[error("the Datalake's answer to `{url}` is not a valid S3 listing: {reason}")]
    Malformed {
        /// The URL, redacted.
        url: String,
        /// The parser's complaint.
        reason: String,
    },
    /// The endpoint setting is not an http(s) URL.
    #[error("the Datalake endpoint `{0}` is not an http:// or https:// URL")]
    Endpoint(String),
    /// The request could not be signed.
    #[error("cannot sign the request: {0}")]
    Signing(String),
    /// The site does not restore objects through S3.
    #[error("this site's Datalake has no S3 restore (`datalake.restore = \"{0}\"`)")]
    NoRestore(String),
    /// A key or bucket refused before any request.
    #[error(transparent)]
    Location(#[from] super::LocationError),
}

impl S3Error {
    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Http(e) => e.hint(),
            Self::Refused { code, .. } if code == "AccessDenied" => Some(
                "the key is valid but may not read this bucket: ask the Datalake team for access".into(),
            ),
            Self::Refused { .. } => Some(
                "store the right key with `devkit login datalake --access-key-id ID --secret-stdin`".into(),
            ),
            Self::NoBucket(_) => Some("see the site's buckets with `devkit datalake collections`".into()),
            Self::NoKey(_) => Some("list the prefix with `devkit datalake ls s3://bucket/prefix`".into()),
            Self::Html { .. } => Some(
                "check `datalake.endpoint` (`devkit site show`): it may point at a web portal or a login page of a proxy"
                    .into(),
            ),
            Self::Other { .. } | Self::Malformed { .. } | Self::Signing(_) => {
                Some("run again with `-v` to see the requests; check `datalake.endpoint`".into())
            }
            Self::Endpoint(_) => Some("set `datalake.endpoint` to `https://host[:port]` (`devkit site show` says where it comes from)".into()),
            Self::NoRestore(_) => Some(
                "ask the Datalake team how cold objects come back, then set `datalake.restore` accordingly".into(),
            ),
            Self::Location(e) => Some(e.hint()),
        }
    }

    /// Whether the key itself was refused (no point asking for other buckets).
    pub fn key_refused(&self) -> bool {
        matches!(self, Self::Refused { code, .. } if code != "AccessDenied")
    }
}

/// The error an answer that is not 2xx stands for; `what` names the bucket or object for 404s.
pub fn from_answer(r: &Response, what: &str) -> S3Error {
    if is_html(r) {
        return S3Error::Html {
            url: r.url.clone(),
            status: r.status,
        };
    }
    let code = tag(&r.body, "Code").unwrap_or_default();
    let message = tag(&r.body, "Message").unwrap_or_else(|| {
        if r.body.trim().is_empty() {
            format!("status {}", r.status)
        } else {
            r.message()
        }
    });
    match (r.status, code.as_str()) {
        (
            _,
            "SignatureDoesNotMatch" | "InvalidAccessKeyId" | "AccessDenied" | "InvalidToken" | "ExpiredToken",
        )
        | (403, "") => S3Error::Refused {
            code: if code.is_empty() {
                "403 Forbidden".into()
            } else {
                code
            },
            message,
        },
        (_, "NoSuchBucket") => S3Error::NoBucket(what.to_string()),
        (_, "NoSuchKey") | (404, "") => S3Error::NoKey(what.to_string()),
        _ => S3Error::Other {
            method: r.method.as_str(),
            url: r.url.clone(),
            status: r.status,
            code: if code.is_empty() { "-".into() } else { code },
            message,
        },
    }
}

/// Whether the answer is a web page (a portal, a proxy's login page) rather than S3.
pub fn is_html(r: &Response) -> bool {
    let ct = r.header("content-type").unwrap_or("").to_ascii_lowercase();
    let head = r.body.trim_start().get(..15).unwrap_or("").to_ascii_lowercase();
    let xml = head.starts_with("<?xml") || head.starts_with("<error");
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (ct.starts_with("text/html") && !r.body.trim().is_empty() && !xml)
}

/// The text of the first `<name>…</name>` element (S3 error documents are flat).
pub fn tag(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(unescape(&xml[start..end]))
}

/// XML text with its five entities and character references (`&#65;`, `&#x41;`) resolved; an unknown
/// reference is kept as written.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let name = &rest[1..end];
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
