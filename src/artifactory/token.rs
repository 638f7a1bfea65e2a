//! The token devkit keeps besides the access token itself: refresh token, token id and expiry (a `Session`,
//! stored as one JSON secret), and what can be read from a JWT access token (user name, expiry, id).

use crate::secret::Secret;
use base64::Engine as _;

/// What devkit knows of a stored access token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// The refresh token (rotates on every refresh), if the token is refreshable.
    pub refresh_token: Option<Secret>,
    /// The token id, for revocation.
    pub token_id: Option<String>,
    /// When it was issued (Unix seconds).
    pub issued_at: Option<u64>,
    /// When it expires (Unix seconds); `None` for a token that never expires or whose expiry is unknown.
    pub expires_at: Option<u64>,
}

/// One day, the least time left before devkit refreshes.
const DAY: u64 = 86_400;

impl Session {
    /// A session read from a JWT access token (no refresh token).
    pub fn from_jwt(token: &Secret) -> Self {
        let claims = claims(token.expose());
        let field = |name: &str| claims.as_ref().and_then(|c| c.get(name).cloned());
        Self {
            refresh_token: None,
            token_id: field("jti").and_then(|v| v.as_str().map(String::from)),
            issued_at: field("iat").and_then(|v| v.as_u64()),
            expires_at: field("exp").and_then(|v| v.as_u64()),
        }
    }

    /// Whether the token expired at `now`.
    pub fn expired(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }

    /// Whether the token should be refreshed at `now`: less than 10 % of its lifetime left, or less than a day
    /// (but never more than half of its lifetime, so a short-lived token is not refreshed at every use).
    pub fn near_expiry(&self, now: u64) -> bool {
        let Some(expires) = self.expires_at else {
            return false;
        };
        let left = expires.saturating_sub(now);
        let Some(lifetime) = self.issued_at.map(|i| expires.saturating_sub(i)) else {
            return left < DAY;
        };
        left < (lifetime / 10).max(DAY.min(lifetime / 2))
    }

    /// The session as one secret (JSON) for the store.
    pub fn to_secret(&self) -> Secret {
        let value = serde_json::json!({
            "refresh_token": self.refresh_token.as_ref().map(Secret::expose),
            "token_id": self.token_id,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
        });
        Secret::new(value.to_string())
    }

    /// A session read back from the store; `None` if it is not devkit's JSON.
    pub fn from_secret(secret: &Secret) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(secret.expose()).ok()?;
        let text = |k: &str| value.get(k).and_then(|v| v.as_str()).map(String::from);
        Some(Self {
            refresh_token: text("refresh_token").map(Secret::new),
            token_id: text("token_id"),
            issued_at: value.get("issued_at").and_then(serde_json::Value::as_u64),
            expires_at: value.get("expires_at").and_then(serde_json::Value::as_u64),
        })
    }
}

/// The payload of a JWT, if `token` is one.
fn claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The user name of a JWT access token: the last path element of `sub` (`jfac@<id>/users/<name>`).
pub fn username_from_jwt(token: &Secret) -> Option<String> {
    let sub = claims(token.expose())?.get("sub")?.as_str()?.to_string();
    let name = sub.rsplit('/').next()?;
    (!name.is_empty() && sub.contains("/users/")).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn jwt(payload: &str) -> Secret {
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        Secret::new(format!("{}.{}.sig", b("{\"alg\":\"RS256\"}"), b(payload)))
    }

    #[test]
    fn user_name_and_expiry_come_from_the_jwt() {
        let t = jwt(r#"{"sub":"jfac@01abc/users/ada","exp":2000,"iat":1000,"jti":"id-1"}"#);
        assert_eq!(username_from_jwt(&t).as_deref(), Some("ada"));
        let s = Session::from_jwt(&t);
        assert_eq!((s.issued_at, s.expires_at), (Some(1000), Some(2000)));
        assert_eq!(s.token_id.as_deref(), Some("id-1"));
        assert_eq!(username_from_jwt(&Secret::new("cmVmdGtu.opaque")), None);
        assert_eq!(username_from_jwt(&jwt(r#"{"sub":"ada"}"#)), None);
    }

    #[test]
    fn refresh_when_ten_percent_or_a_day_is_left() {
        let day = DAY;
        let s = Session {
            issued_at: Some(0),
            expires_at: Some(30 * day),
            ..Session::default()
        };
        assert!(!s.near_expiry(26 * day));
        assert!(s.near_expiry(27 * day + 1));
        assert!(s.expired(30 * day));
        let short = Session {
            issued_at: Some(0),
            expires_at: Some(2 * day),
            ..Session::default()
        };
        assert!(!short.near_expiry(0));
        assert!(short.near_expiry(day + 1));
        let hour = Session {
            issued_at: Some(0),
            expires_at: Some(3600),
            ..Session::default()
        };
        assert!(!hour.near_expiry(1000));
        assert!(hour.near_expiry(1801));
        assert!(!Session::default().near_expiry(u64::MAX));
    }

    #[test]
    fn session_round_trips_through_a_secret() {
        let s = Session {
            refresh_token: Some(Secret::new("r\"t")),
            token_id: Some("id".into()),
            issued_at: Some(1),
            expires_at: Some(2),
        };
        assert_eq!(Session::from_secret(&s.to_secret()), Some(s));
        assert_eq!(Session::from_secret(&Secret::new("not json")), None);
    }
}
