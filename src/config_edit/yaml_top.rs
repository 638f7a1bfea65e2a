//! A `.condarc` editor that changes only top-level keys devkit manages, as whole blocks, so comments and every
//! other key stay as they were. The file is checked with a real YAML parser first.

use super::EditError;

/// A YAML document edited by top-level key.
#[derive(Debug, Clone)]
pub struct YamlTop {
    lines: Vec<String>,
}

impl YamlTop {
    /// Parses `text` (it must be a YAML mapping, or empty).
    pub fn parse(text: &str) -> Result<Self, EditError> {
        if !text.trim().is_empty() {
            let value: serde_json::Value = serde_saphyr::from_str(text).map_err(|e| {
                let message = e.to_string();
                EditError::Syntax {
                    line: line_in(&message),
                    message: message.lines().next().unwrap_or_default().to_string(),
                }
            })?;
            if !value.is_object() && !value.is_null() {
                return Err(EditError::Syntax {
                    line: None,
                    message: "the top level is not a mapping".into(),
                });
            }
        }
        Ok(Self {
            lines: super::split_lines(text),
        })
    }

    /// Lines `[start, end)` of a top-level key's block (its line and the indented or list lines below it).
    fn block(&self, key: &str) -> Option<(usize, usize)> {
        let prefix = format!("{key}:");
        let start = self.lines.iter().position(|l| l.starts_with(&prefix))?;
        let mut end = start + 1;
        while end < self.lines.len() {
            let l = &self.lines[end];
            if l.starts_with([' ', '\t', '-']) || l.trim().is_empty() {
                end += 1;
            } else {
                break;
            }
        }
        while end > start + 1 && self.lines[end - 1].trim().is_empty() {
            end -= 1;
        }
        Some((start, end))
    }

    /// The block of `key` as written, if present.
    pub fn get(&self, key: &str) -> Option<String> {
        let (s, e) = self.block(key)?;
        Some(self.lines[s..e].join("\n"))
    }

    /// Replaces or appends the block of `key` (`block` is its full text, starting with `key:`).
    pub fn set(&mut self, key: &str, block: &str) {
        let new: Vec<String> = block.lines().map(str::to_string).collect();
        match self.block(key) {
            Some((s, e)) => {
                self.lines.splice(s..e, new);
            }
            None => self.lines.extend(new),
        }
    }

    /// Removes the block of `key`.
    pub fn remove(&mut self, key: &str) {
        if let Some((s, e)) = self.block(key) {
            self.lines.drain(s..e);
        }
    }

    /// The document as text.
    pub fn render(&self) -> String {
        super::render_lines(&self.lines)
    }
}

/// `key: "scalar"` with JSON quoting (valid YAML).
pub fn scalar_block(key: &str, value: &str) -> String {
    format!("{key}: {}", serde_json::Value::String(value.into()))
}

/// `key:` and one `  - "item"` per item.
pub fn list_block(key: &str, items: &[String]) -> String {
    let mut out = format!("{key}:");
    for item in items {
        out.push_str(&format!("\n  - {}", serde_json::Value::String(item.clone())));
    }
    out
}

fn line_in(message: &str) -> Option<usize> {
    let at = message.find("line ")?;
    message[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn blocks_are_replaced_and_comments_kept() {
        let text = "# conda\nchannels:\n  - defaults # mine\nchannel_alias: https://old\nauto_activate_base: false\n";
        let mut y = YamlTop::parse(text).unwrap();
        y.set("channel_alias", &scalar_block("channel_alias", "https://new"));
        y.set(
            "default_channels",
            &list_block("default_channels", &["https://a".into()]),
        );
        let out = y.render();
        assert_eq!(
            out,
            "# conda\nchannels:\n  - defaults # mine\nchannel_alias: \"https://new\"\nauto_activate_base: false\ndefault_channels:\n  - \"https://a\"\n"
        );
        let mut again = YamlTop::parse(&out).unwrap();
        assert_eq!(
            again.get("default_channels").unwrap(),
            "default_channels:\n  - \"https://a\""
        );
        again.remove("default_channels");
        again.set("channel_alias", "channel_alias: https://old");
        assert_eq!(again.render(), text);
    }

    #[test]
    fn malformed_yaml_is_an_error() {
        let err = YamlTop::parse("channels:\n  - a\n b: [\n").unwrap_err();
        assert!(err.to_string().contains("line"), "{err}");
        assert!(YamlTop::parse("- a\n").is_err());
    }
}
