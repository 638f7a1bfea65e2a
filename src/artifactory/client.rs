//! The Artifactory calls devkit makes, over the shared HTTP layer: ping, create a refreshable token with a
//! password, refresh it, revoke it by id, and check a token against the PyPI repository. The two `POST`s are
//! sent once: a lost answer comes back as `HttpError::AnswerLost` for the command layer to reconcile.

use super::{ArtifactoryError, Session};
use crate::http::{Auth, Http, HttpConfig, Method, Request, Response};
use crate::secret::Secret;

/// A client of one Artifactory.
pub struct Client {
    /// `…/artifactory`, without a trailing slash.
    base: String,
    /// `…/access/api/v1/tokens` on the same platform.
    tokens: String,
    http: Http,
}

/// What a revocation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// The token was revoked now (200).
    Now,
    /// It was already revoked (204).
    Already,
    /// Artifactory refused or did not know the token (401, 403, 404): worth a warning, not a failure.
    Refused(u16),
}

impl Client {
    /// A client of the Artifactory at `url` (the site's `artifactory.url`, ending in `/artifactory`).
    pub fn new(url: &str, cfg: &HttpConfig) -> Result<Self, ArtifactoryError> {
        let base = url.trim_end_matches('/').to_string();
        let root = base.strip_suffix("/artifactory").unwrap_or(&base);
        Ok(Self {
            tokens: format!("{root}/access/api/v1/tokens"),
            http: Http::new("Artifactory", cfg)?,
            base,
        })
    }

    /// Checks that Artifactory answers `GET /api/system/ping` with `OK`.
    pub fn ping(&self) -> Result<(), ArtifactoryError> {
        let url = format!("{}/api/system/ping", self.base);
        let reply = self.http.send(&Request::new(Method::Get, &url))?;
        if reply.status == 200 && reply.body.trim() == "OK" {
            return Ok(());
        }
        Err(unexpected(&reply))
    }

    /// Creates a refreshable access token for `user`, authenticating with the password.
    pub fn create_token(
        &self,
        user: &str,
        password: &Secret,
        lifetime_secs: u64,
        description: &str,
        now: u64,
    ) -> Result<(Secret, Session), ArtifactoryError> {
        let lifetime = lifetime_secs.to_string();
        let form = [
            ("grant_type", "client_credentials"),
            ("username", user),
            ("scope", "applied-permissions/user"),
            ("expires_in", lifetime.as_str()),
            ("refreshable", "true"),
            ("description", description),
        ];
        let request = Request::new(Method::Post, &self.tokens)
            .auth(Auth::Basic(user, password))
            .form(&form);
        let reply = self.http.send(&request)?;
        match reply.status {
            200 | 201 => parse_issued(&reply, now),
            401 => Err(ArtifactoryError::BadPassword { user: user.into() }),
            _ => Err(unexpected(&reply)),
        }
    }

    /// Exchanges a refresh token for a new access token and a new refresh token.
    pub fn refresh(
        &self,
        refresh_token: &Secret,
        access_token: &Secret,
        now: u64,
    ) -> Result<(Secret, Session), ArtifactoryError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("access_token", access_token.expose()),
        ];
        let reply = self
            .http
            .send(&Request::new(Method::Post, &self.tokens).form(&form))?;
        match reply.status {
            200 | 201 => parse_issued(&reply, now),
            400 | 401 | 403 => Err(ArtifactoryError::RefreshRefused {
                status: reply.status,
                message: reply.message(),
            }),
            _ => Err(unexpected(&reply)),
        }
    }

    /// Revokes the token `token_id`, authenticating with an access token of the same user.
    pub fn revoke(&self, token_id: &str, access_token: &Secret) -> Result<Revoked, ArtifactoryError> {
        self.revoke_as(token_id, Auth::Bearer(access_token))
    }

    /// The ids of the caller's tokens whose description is `description` (`GET /access/api/v1/tokens`).
    pub fn find_tokens(&self, auth: Auth<'_>, description: &str) -> Result<Vec<String>, ArtifactoryError> {
        let reply = self
            .http
            .send(&Request::new(Method::Get, &self.tokens).auth(auth))?;
        if reply.status != 200 {
            return Err(unexpected(&reply));
        }
        let value: serde_json::Value = serde_json::from_str(&reply.body).map_err(|_| unexpected(&reply))?;
        Ok(value["tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["description"].as_str() == Some(description))
            .filter_map(|t| t["token_id"].as_str().map(String::from))
            .collect())
    }

    /// Revokes the token `token_id` with any credentials of its user.
    pub fn revoke_as(&self, token_id: &str, auth: Auth<'_>) -> Result<Revoked, ArtifactoryError> {
        let url = format!("{}/{}", self.tokens, crate::secret::percent_encode(token_id));
        let request = Request::new(Method::Delete, &url).auth(auth);
        let reply = self.http.send(&request)?;
        match reply.status {
            200 => Ok(Revoked::Now),
            204 => Ok(Revoked::Already),
            401 | 403 | 404 => Ok(Revoked::Refused(reply.status)),
            _ => Err(unexpected(&reply)),
        }
    }

    /// Checks that `user` / `token` may read the PyPI repository `repo` (what pip will do with it).
    pub fn check_token(&self, user: &str, token: &Secret, repo: &str) -> Result<(), ArtifactoryError> {
        let url = format!("{}/api/pypi/{repo}/simple/", self.base);
        let reply = self
            .http
            .send(&Request::new(Method::Get, &url).auth(Auth::Basic(user, token)))?;
        match reply.status {
            200 => Ok(()),
            401 | 403 => Err(ArtifactoryError::BadToken {
                url: reply.url.clone(),
                status: reply.status,
                message: reply.message(),
            }),
            _ => Err(unexpected(&reply)),
        }
    }
}

fn parse_issued(reply: &Response, now: u64) -> Result<(Secret, Session), ArtifactoryError> {
    let value: serde_json::Value = serde_json::from_str(&reply.body).map_err(|_| unexpected(reply))?;
    let text = |k: &str| value.get(k).and_then(|v| v.as_str()).map(String::from);
    let access = text("access_token")
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .ok_or_else(|| ArtifactoryError::Unexpected {
            url: reply.url.clone(),
            what: "the answer has no `access_token`".into(),
        })?;
    let expires_in = value.get("expires_in").and_then(serde_json::Value::as_u64);
    let from_jwt = Session::from_jwt(&access);
    let session = Session {
        refresh_token: text("refresh_token").filter(|t| !t.is_empty()).map(Secret::new),
        token_id: text("token_id").or(from_jwt.token_id),
        issued_at: Some(now),
        expires_at: match expires_in {
            Some(0) => None,
            Some(s) => Some(now.saturating_add(s)),
            None => from_jwt.expires_at,
        },
    };
    Ok((access, session))
}

/// An answer devkit does not handle, with Artifactory's own message (`errors[].message`).
fn unexpected(reply: &Response) -> ArtifactoryError {
    ArtifactoryError::Http(reply.error())
}
