//! URLs as devkit logs and reports them: the `host[:port]` a request goes to, and the URL without secrets
//! (no user information, no value of a query parameter that names a token, password, secret or key).

/// The `host[:port]` of an `http(s)://` URL (the whole text when it has no scheme).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

/// `url` with user information dropped and secret-looking query values replaced by `****`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(cut);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (path, query) = tail.split_once('?').map_or((tail, None), |(p, q)| (p, Some(q)));
    let mut out = if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    };
    if let Some(query) = query {
        let (query, fragment) = query.split_once('#').map_or((query, None), |(q, f)| (q, Some(f)));
        let parts: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if secret_key(k) => format!("{k}=****"),
                _ => pair.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&parts.join("&"));
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
    }
    out
}

fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "token",
        "password",
        "passwd",
        "secret",
        "key",
        "signature",
        "auth",
    ]
    .iter()
    .any(|s| k.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_leave_the_url() {
        assert_eq!(
            redact_url("https://ada:pw@h.fr:8443/a/b?private_token=x&page=2#f"),
            "https://h.fr:8443/a/b?private_token=****&page=2#f"
        );
        assert_eq!(
            redact_url("http://h/x?access_token=s"),
            "http://h/x?access_token=****"
        );
        assert_eq!(redact_url("http://h"), "http://h");
        assert_eq!(host_of("https://u:p@a.b:1/x?y"), "a.b:1");
        assert_eq!(host_of("a.b"), "a.b");
    }
}
