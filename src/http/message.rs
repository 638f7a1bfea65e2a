//! The server's own words in an error body, whatever its shape: GitLab's `message` (text, field map or list)
//! and `error` (+ `error_description`), JFrog's and the registry API's `errors[].message`; a short excerpt of a
//! text body; "an HTML page" for a proxy's or a sign-in page.

use serde_json::Value;

/// What an error body says, in one line.
pub fn server_message(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => json_message(&map).unwrap_or_else(|| "JSON without a message".into()),
        _ => text_summary(body).0,
    }
}

/// The message of a JSON error object, if it has one of the known fields.
pub fn json_message(map: &serde_json::Map<String, Value>) -> Option<String> {
    let mut parts = Vec::new();
    match map.get("message") {
        Some(Value::String(s)) if !s.is_empty() => parts.push(s.clone()),
        Some(Value::Object(fields)) => parts.push(
            fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", list_text(v)))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Some(Value::Array(items)) => parts.push(items.iter().map(value_text).collect::<Vec<_>>().join("; ")),
        _ => {}
    }
    if parts.is_empty() {
        if let Some(Value::String(e)) = map.get("error") {
            parts.push(match map.get("error_description").and_then(Value::as_str) {
                Some(d) => format!("{e}: {d}"),
                None => e.clone(),
            });
        }
    }
    if let Some(Value::Array(errors)) = map.get("errors") {
        for e in errors {
            let text = e
                .get("message")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .or_else(|| e.get("code").and_then(Value::as_str))
                .map(ToString::to_string)
                .or_else(|| e.as_str().map(ToString::to_string));
            parts.extend(text);
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A non-JSON body in a few words, and whether it is an HTML page.
pub fn text_summary(body: &str) -> (String, bool) {
    let trimmed = body.trim();
    let head = trimmed
        .get(..trimmed.len().min(200))
        .unwrap_or("")
        .to_ascii_lowercase();
    let html = head.starts_with("<!doctype") || head.starts_with("<html") || head.contains("<body");
    let text = if html {
        "an HTML page".to_string()
    } else if trimmed.is_empty() {
        "an empty body".to_string()
    } else {
        let mut short: String = trimmed.chars().take(200).collect();
        if short.len() < trimmed.len() {
            short.push('…');
        }
        short
    };
    (text, html)
}

fn list_text(v: &Value) -> String {
    match v {
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(inner) => inner
            .iter()
            .map(|(k, v)| format!("{k}: {}", list_text(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => value_text(other),
    }
}

/// A JSON value as text (strings without quotes).
pub fn value_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendor_shape() {
        assert_eq!(
            server_message(
                r#"{"errors":[{"code":"FORBIDDEN","message":"Token expiry exceeds the maximum allowed"}]}"#
            ),
            "Token expiry exceeds the maximum allowed"
        );
        assert_eq!(
            server_message(
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[]}]}"#
            ),
            "authentication required"
        );
        assert_eq!(
            server_message(r#"{"errors":[{"status":404}]}"#),
            "JSON without a message"
        );
        assert_eq!(
            server_message(r#"{"message":"404 Project Not Found"}"#),
            "404 Project Not Found"
        );
        assert_eq!(
            server_message(r#"{"message":{"name":["has already been taken"]}}"#),
            "name: has already been taken"
        );
        assert_eq!(
            server_message(r#"{"error":"invalid_token","error_description":"expired"}"#),
            "invalid_token: expired"
        );
        assert_eq!(server_message("<html><body>x</body></html>"), "an HTML page");
        assert_eq!(server_message("Retry later\n"), "Retry later");
        assert_eq!(server_message(""), "an empty body");
        assert!(server_message(&"x".repeat(500)).ends_with('…'));
    }
}
