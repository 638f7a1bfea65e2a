//! GitLab's offset pagination: the `rel="next"` URL of a `Link` header, or the next `page` parameter.

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"))
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

/// `url` with its `page` parameter set to `page`.
pub fn with_page(url: &str, page: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("page="))
        .map(ToString::to_string)
        .collect();
    params.push(format!("page={page}"));
    format!("{base}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next() {
        let link = r#"<https://g.example/api/v4/x?page=1&per_page=2>; rel="prev", <https://g.example/api/v4/x?page=3&per_page=2>; rel="next", <https://g.example/api/v4/x?page=5>; rel="last""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://g.example/api/v4/x?page=3&per_page=2")
        );
        assert_eq!(next_link(r#"<https://g/x>; rel="first""#), None);
    }

    #[test]
    fn page_parameter_is_replaced() {
        assert_eq!(
            with_page("https://g/x?per_page=100&page=1", "2"),
            "https://g/x?per_page=100&page=2"
        );
        assert_eq!(crate::gitlab::encode_path("/group/sub/p/"), "group%2Fsub%2Fp");
    }
}
