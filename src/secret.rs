//! Types that keep secrets out of output: a `Secret` that cannot be displayed, a `RedactedUrl` that hides
//! userinfo, and `redact_in` to scrub subprocess output before it is shown.

use std::fmt;

/// The mask shown in place of a secret.
pub const MASK: &str = "****";

/// A secret value (token, password). It has no `Display`, its `Debug` prints `****`, its memory is zeroed on
/// drop; `expose()` is called only where the value leaves devkit (a store, a 0600 file, a child's stdin).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(zeroize::Zeroizing<String>);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(zeroize::Zeroizing::new(value.into()))
    }

    /// The value itself, for the boundary that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// A URL shown with any userinfo secret masked: `https://user:****@host/...` or `https://****@host/...`.
#[derive(Clone, PartialEq, Eq)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL itself, for the boundary that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn redacted(&self) -> String {
        let url = &self.0;
        let start = url.find("://").map_or(0, |i| i + 3);
        let rest = &url[start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let Some(at) = rest[..authority_end].rfind('@') else {
            return url.clone();
        };
        let userinfo = &rest[..at];
        let shown = match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:{MASK}"),
            None => MASK.to_string(),
        };
        format!("{}{shown}{}", &url[..start], &rest[at..])
    }
}

impl fmt::Display for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactedUrl({})", self.redacted())
    }
}

/// `text` with every occurrence of each secret (as is, backslash-escaped and percent-encoded) replaced by `****`.
pub fn redact_in(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_string();
    let mut needles: Vec<String> = Vec::new();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        needles.push(secret.expose().to_string());
        // As quoted by netrc, INI-adjacent and JSON writers: backslash before `"` and `\`.
        let escaped = secret.expose().replace('\\', "\\\\").replace('"', "\\\"");
        if escaped != secret.expose() {
            needles.push(escaped);
        }
        let encoded = percent_encode(secret.expose());
        if encoded != secret.expose() {
            needles.push(encoded.clone());
            needles.push(encoded.to_lowercase());
        }
    }
    // Longest first, so a secret containing another one is masked whole.
    needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for needle in &needles {
        out = out.replace(needle.as_str(), MASK);
    }
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for userinfo and query values).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const TOKEN: &str = "tok?>~\"' en";

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new(TOKEN);
        assert_eq!(format!("{s:?}"), "****");
        assert!(!format!("{:?}", Some(&s)).contains("tok"));
        assert!(!format!("{:#?}", vec![s.clone()]).contains("tok"));
        assert_eq!(s.expose(), TOKEN);
    }

    #[test]
    fn url_userinfo_is_masked() {
        let u = RedactedUrl::new("https://ada:s3cret@host:8443/a/b?x=1");
        assert_eq!(u.to_string(), "https://ada:****@host:8443/a/b?x=1");
        assert!(!format!("{u:?}").contains("s3cret"));
        assert_eq!(
            RedactedUrl::new("https://tok3n@host/x").to_string(),
            "https://****@host/x"
        );
        assert_eq!(
            RedactedUrl::new("https://host/p@th").to_string(),
            "https://host/p@th"
        );
    }

    #[test]
    fn redact_in_masks_plain_and_encoded_forms() {
        let s = Secret::new(TOKEN);
        let text = format!("a {TOKEN} b {} c", percent_encode(TOKEN));
        let out = redact_in(&text, &[&s]);
        assert_eq!(out, "a **** b **** c");
        let quoted = format!("password \"{}\"", TOKEN.replace('"', "\\\""));
        assert_eq!(redact_in(&quoted, &[&s]), "password \"****\"");
        assert_eq!(redact_in("x", &[&Secret::new("")]), "x");
    }
}
