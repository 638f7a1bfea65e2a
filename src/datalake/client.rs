//! The Datalake's S3 requests (ListObjectsV2, HeadObject, RestoreObject), signed with AWS Signature V4 in
//! headers by `aws-sigv4` (sans-IO) and sent through devkit's one HTTP layer and its retry policy: listings
//! and HEADs are retried; a restore (POST) is never replayed blindly: a lost answer is reconciled by a HEAD.

use super::DatalakeKey;
use super::error::{S3Error, from_answer, tag};
use super::listing::{self, Page};
use super::location::Location;
use super::restore::Readiness;
use crate::http::{Http, HttpError, Method, Request, Response};
use crate::secret::{Secret, percent_encode};
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};

/// HEAD of an object.
#[derive(Debug, Clone)]
pub struct Head {
    /// `x-amz-storage-class` (absent for STANDARD).
    pub storage_class: Option<String>,
    /// `x-amz-restore`.
    pub restore: Option<String>,
}

/// What the server said to a restore request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    /// 202: started.
    Started,
    /// 200: a restored copy exists (its expiry is extended).
    AlreadyRestored,
    /// 409 `RestoreAlreadyInProgress`.
    InProgress,
    /// The answer was lost, and a HEAD showed the restore under way or done.
    Reconciled,
}

/// A signed S3 client for one endpoint and key.
pub struct S3 {
    http: Http,
    /// `scheme://host[:port]` and a base path ending in `/`.
    endpoint: url::Url,
    path_style: bool,
    region: String,
    key_id: String,
    secret: Secret,
}

impl std::fmt::Debug for S3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3")
            .field("endpoint", &self.endpoint.as_str())
            .finish_non_exhaustive()
    }
}

impl S3 {
    /// A client for `endpoint` (`scheme://host[:port][/path]`).
    pub fn new(
        http: Http,
        endpoint: &str,
        region: &str,
        path_style: bool,
        key: &DatalakeKey,
    ) -> Result<Self, S3Error> {
        let mut text = endpoint.trim().to_string();
        if !text.ends_with('/') {
            text.push('/');
        }
        let endpoint = url::Url::parse(&text)
            .ok()
            .filter(|u| {
                matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && u.query().is_none()
            })
            .ok_or_else(|| S3Error::Endpoint(endpoint.to_string()))?;
        Ok(Self {
            http,
            endpoint,
            path_style,
            region: region.to_string(),
            key_id: key.access_key_id.clone(),
            secret: key.secret.clone(),
        })
    }

    /// The URL of `bucket` and an already encoded key path, with `query` (name, value) encoded as SigV4 wants.
    fn url(&self, bucket: &str, key_path: &str, query: &[(&str, &str)]) -> Result<String, S3Error> {
        super::location::check_bucket(bucket)?;
        let mut base = self.endpoint.clone();
        let path = if self.path_style {
            format!("{}{bucket}/{key_path}", base.path())
        } else {
            let host = format!("{bucket}.{}", base.host_str().unwrap_or_default());
            base.set_host(Some(&host))
                .map_err(|_| S3Error::Endpoint(self.endpoint.to_string()))?;
            format!("{}{key_path}", base.path())
        };
        let origin = base.origin().ascii_serialization();
        let mut url = format!("{origin}{path}");
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&percent_encode(k));
            url.push('=');
            url.push_str(&percent_encode(v));
        }
        Ok(url)
    }

    /// A request for `url` with SigV4 headers over `body`.
    fn signed(&self, method: Method, url: String, body: &[u8]) -> Result<Request<'static>, S3Error> {
        let identity = aws_credential_types::Credentials::new(
            self.key_id.clone(),
            self.secret.expose().to_string(),
            None,
            None,
            "devkit",
        )
        .into();
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("s3")
            .time(std::time::SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| S3Error::Signing(e.to_string()))?
            .into();
        let signable = SignableRequest::new(
            method.as_str(),
            url.as_str(),
            std::iter::empty(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| S3Error::Signing(e.to_string()))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| S3Error::Signing(e.to_string()))?
            .into_parts();
        let (headers, _) = instructions.into_parts();
        Ok(Request::new(method, url).headers(
            headers
                .iter()
                .map(|h| (h.name().to_string(), h.value().to_string())),
        ))
    }

    fn list_page(&self, bucket: &str, query: &[(&str, &str)]) -> Result<(Response, Page), S3Error> {
        let url = self.url(bucket, "", query)?;
        let r = self.http.send(&self.signed(Method::Get, url, b"")?)?;
        if !r.ok() || super::error::is_html(&r) {
            return Err(from_answer(&r, bucket));
        }
        let page = listing::parse(&r.body).map_err(|e| S3Error::Malformed {
            url: r.url.clone(),
            reason: e.to_string(),
        })?;
        Ok((r, page))
    }

    /// Lists `loc` (its key as prefix), page by page (ListObjectsV2, 1000 keys a page), handing each page to
    /// `each`; with `delimiter`, keys below the next `/` are grouped as prefixes.
    pub fn list(&self, loc: &Location, delimiter: bool, mut each: impl FnMut(Page)) -> Result<(), S3Error> {
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("list-type", "2")];
            if !loc.key.is_empty() {
                query.push(("prefix", loc.key.as_str()));
            }
            if delimiter {
                query.push(("delimiter", "/"));
            }
            if let Some(t) = &token {
                query.push(("continuation-token", t.as_str()));
            }
            let (_, page) = self.list_page(&loc.bucket, &query)?;
            let next = page.next.clone();
            each(page);
            match next {
                Some(t) if token.as_ref() != Some(&t) => token = Some(t),
                Some(_) => {
                    return Err(S3Error::Malformed {
                        url: loc.display(),
                        reason: "the server gave the same continuation token twice".into(),
                    });
                }
                None => return Ok(()),
            }
        }
    }

    /// Whether the key may list `bucket` (one key asked for).
    pub fn probe(&self, bucket: &str) -> Result<(), S3Error> {
        self.list_page(bucket, &[("list-type", "2"), ("max-keys", "1")])
            .map(|_| ())
    }

    /// ListBuckets (`GET` of the endpoint): how many buckets the key sees. The cheapest signed request that
    /// shows the endpoint speaks S3 and checks the key's signature (`devkit doctor`).
    pub fn count_buckets(&self) -> Result<usize, S3Error> {
        let url = format!(
            "{}{}",
            self.endpoint.origin().ascii_serialization(),
            self.endpoint.path()
        );
        let r = self.http.send(&self.signed(Method::Get, url, b"")?)?;
        if !r.ok() || super::error::is_html(&r) {
            return Err(from_answer(&r, "the bucket list"));
        }
        if !r.body.contains("<ListAllMyBucketsResult") {
            return Err(S3Error::Malformed {
                url: r.url.clone(),
                reason: "no <ListAllMyBucketsResult> element".into(),
            });
        }
        Ok(r.body.matches("<Bucket>").count())
    }

    /// HEAD of the object at `loc`.
    pub fn head(&self, loc: &Location) -> Result<Head, S3Error> {
        let url = self.url(&loc.bucket, &loc.key_path()?, &[])?;
        let r = self.http.send(&self.signed(Method::Head, url, b"")?)?;
        // A HEAD has no body: a web page shows as `text/html` without any of S3's object headers.
        let s3_headers = r.header("etag").is_some() || r.headers.iter().any(|(k, _)| k.starts_with("x-amz-"));
        let page = r
            .header("content-type")
            .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/html"));
        if r.ok() && page && !s3_headers {
            return Err(S3Error::Html {
                url: r.url.clone(),
                status: r.status,
            });
        }
        if !r.ok() {
            return Err(from_answer(&r, &loc.display()));
        }
        Ok(Head {
            storage_class: r.header("x-amz-storage-class").map(str::to_string),
            restore: r.header("x-amz-restore").map(str::to_string),
        })
    }

    /// Asks for a restored copy of the cold object at `loc` for `days` at `tier`.
    pub fn restore(&self, loc: &Location, days: u32, tier: &str, cold: &[&str]) -> Result<Restore, S3Error> {
        let url = self.url(&loc.bucket, &loc.key_path()?, &[("restore", "")])?;
        let body = format!(
            "<RestoreRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Days>{days}</Days>\
             <GlacierJobParameters><Tier>{tier}</Tier></GlacierJobParameters></RestoreRequest>"
        );
        let req = self
            .signed(Method::Post, url, body.as_bytes())?
            .raw("application/xml", body);
        match self.http.send(&req) {
            Ok(r) => match r.status {
                202 => Ok(Restore::Started),
                200 => Ok(Restore::AlreadyRestored),
                409 if tag(&r.body, "Code").as_deref() == Some("RestoreAlreadyInProgress") => {
                    Ok(Restore::InProgress)
                }
                _ => Err(from_answer(&r, &loc.display())),
            },
            Err(HttpError::AnswerLost { reason, .. }) => {
                tracing::debug!("restore answer lost ({reason}); asking HEAD whether it arrived");
                let h = self.head(loc)?;
                match Readiness::from_head(h.storage_class.as_deref(), h.restore.as_deref(), cold) {
                    Readiness::Restoring | Readiness::Restored { .. } | Readiness::Warm => {
                        Ok(Restore::Reconciled)
                    }
                    // Not arrived: asking once more is safe (a duplicate restore is answered 200 or 409).
                    Readiness::Cold => self.restore_once_more(&req, loc),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    fn restore_once_more(&self, req: &Request<'_>, loc: &Location) -> Result<Restore, S3Error> {
        let r = self.http.send(req)?;
        match r.status {
            202 => Ok(Restore::Started),
            200 => Ok(Restore::AlreadyRestored),
            409 => Ok(Restore::InProgress),
            _ => Err(from_answer(&r, &loc.display())),
        }
    }
}
