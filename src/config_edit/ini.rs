//! A small INI editor for pip.conf and .pypirc that keeps comments, order and foreign keys: it edits only the
//! lines of the keys it is asked to change.

use super::EditError;

/// A parsed INI document: its lines and where sections and keys are.
#[derive(Debug, Clone)]
pub struct Ini {
    lines: Vec<String>,
}

/// Section headers (name, line) and key spans.
type Layout = (Vec<(String, usize)>, Vec<KeySpan>);

#[derive(Debug)]
struct KeySpan {
    section: String,
    key: String,
    start: usize,
    /// One past the last continuation line.
    end: usize,
}

impl Ini {
    /// Parses `text`; a line that is neither a comment, a section, a key nor a continuation is an error.
    pub fn parse(text: &str) -> Result<Self, EditError> {
        let ini = Self {
            lines: super::split_lines(text),
        };
        ini.spans()?;
        Ok(ini)
    }

    fn spans(&self) -> Result<Layout, EditError> {
        let mut sections = Vec::new();
        let mut keys: Vec<KeySpan> = Vec::new();
        let mut current: Option<String> = None;
        for (i, line) in self.lines.iter().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            if indented
                && let Some(last) = keys.last_mut()
                && last.end == i
            {
                last.end = i + 1;
                continue;
            }
            if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                current = Some(name.trim().to_string());
                sections.push((name.trim().to_string(), i));
                continue;
            }
            let Some(section) = &current else {
                return Err(EditError::syntax(i + 1, "a key before any `[section]` header"));
            };
            let Some(pos) = trimmed.find(['=', ':']) else {
                return Err(EditError::syntax(
                    i + 1,
                    "expected `key = value`, a `[section]` or a comment",
                ));
            };
            let key = trimmed[..pos].trim();
            if key.is_empty() {
                return Err(EditError::syntax(i + 1, "a value without a key"));
            }
            keys.push(KeySpan {
                section: section.clone(),
                key: key.to_ascii_lowercase(),
                start: i,
                end: i + 1,
            });
        }
        Ok((sections, keys))
    }

    fn find(&self, section: &str, key: &str) -> Option<KeySpan> {
        let (_, keys) = self.spans().ok()?;
        let key = key.to_ascii_lowercase();
        keys.into_iter().find(|k| k.section == section && k.key == key)
    }

    /// The value of `key` in `[section]` (continuation lines joined with `\n`).
    pub fn get(&self, section: &str, key: &str) -> Option<String> {
        let span = self.find(section, key)?;
        let first = &self.lines[span.start];
        let pos = first.find(['=', ':'])?;
        let mut value = first[pos + 1..].trim().to_string();
        for line in &self.lines[span.start + 1..span.end] {
            value.push('\n');
            value.push_str(line.trim());
        }
        Some(value)
    }

    /// Sets `key = value` in `[section]`, replacing the key in place or adding it (and the section) at the end.
    pub fn set(&mut self, section: &str, key: &str, value: &str) {
        // A value with newlines (awscli's nested `s3 =` block) is written as indented continuation lines, the
        // shape `get` reads back.
        if value.contains('\n') {
            let mut parts = value.split('\n');
            let first = parts.next().unwrap_or_default();
            let mut block = vec![format!("{key} = {first}").trim_end().to_string()];
            block.extend(parts.map(|p| format!("  {}", p.trim())));
            self.set(section, key, "");
            if let Some(span) = self.find(section, key) {
                self.lines.splice(span.start..span.end, block);
            }
            return;
        }
        let line = format!("{key} = {value}");
        if let Some(span) = self.find(section, key) {
            // Keep the key's spelling and the spacing around `=` as the file has them.
            let first = &self.lines[span.start];
            let kept = first.find(['=', ':']).map(|pos| {
                let rest = &first[pos + 1..];
                let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                first[..pos + 1 + spaces].to_string()
            });
            let line = kept.map_or(line, |prefix| format!("{prefix}{value}"));
            self.lines.splice(span.start..span.end, [line]);
            return;
        }
        let Ok((sections, keys)) = self.spans() else {
            return;
        };
        let header = sections
            .iter()
            .rev()
            .find(|(name, _)| name == section)
            .map(|(_, at)| *at);
        match header {
            Some(at) => {
                let after = keys
                    .iter()
                    .filter(|k| k.section == section && k.start > at)
                    .map(|k| k.end)
                    .max()
                    .unwrap_or(at + 1);
                self.lines.insert(after, line);
            }
            None => {
                if self.lines.last().is_some_and(|l| !l.trim().is_empty()) {
                    self.lines.push(String::new());
                }
                self.lines.push(format!("[{section}]"));
                self.lines.push(line);
            }
        }
    }

    /// Adds `member` to the whitespace-separated list of `key` (`.pypirc` `index-servers`): on a line of its own
    /// when the list is written one per line, else after the last member.
    pub fn add_member(&mut self, section: &str, key: &str, member: &str) {
        let Some(span) = self.find(section, key) else {
            self.set(section, key, member);
            return;
        };
        let words = self.get(section, key).unwrap_or_default();
        if words.split_whitespace().any(|m| m == member) {
            return;
        }
        if span.end > span.start + 1 {
            let last = &self.lines[span.end - 1];
            let indent: String = last.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            let tail = &last[last.trim_end().len()..];
            self.lines.insert(span.end, format!("{indent}{member}{tail}"));
        } else {
            let line = &mut self.lines[span.start];
            let body = line.trim_end().len();
            let tail = line[body..].to_string();
            line.truncate(body);
            line.push(' ');
            line.push_str(member);
            line.push_str(&tail);
        }
    }

    /// Removes `member` from the list of `key` (its line when it has one), and the key when the list is empty.
    pub fn remove_member(&mut self, section: &str, key: &str, member: &str) {
        let Some(span) = self.find(section, key) else {
            return;
        };
        for i in (span.start..span.end).rev() {
            let line = &self.lines[i];
            let value_at = if i == span.start {
                line.find(['=', ':']).map_or(line.len(), |p| p + 1)
            } else {
                0
            };
            let value = &line[value_at..];
            if !value.split_whitespace().any(|w| w == member) {
                continue;
            }
            if i > span.start && value.trim() == member {
                self.lines.remove(i);
            } else if let Some(pos) = find_word(value, member) {
                let start = value_at + value[..pos].trim_end_matches([' ', '\t']).len();
                let start = if value[..pos].trim().is_empty() {
                    value_at + pos
                } else {
                    start
                };
                self.lines[i].replace_range(start..value_at + pos + member.len(), "");
            }
            break;
        }
        if self.get(section, key).is_some_and(|v| v.trim().is_empty()) {
            self.remove(section, key);
        }
    }

    /// Removes `key` from `[section]`, and the section header when nothing but blank lines is left in it.
    pub fn remove(&mut self, section: &str, key: &str) {
        let Some(span) = self.find(section, key) else {
            return;
        };
        self.lines.drain(span.start..span.end);
        let Ok((sections, _)) = self.spans() else { return };
        for (i, (name, at)) in sections.iter().enumerate() {
            if name != section {
                continue;
            }
            let end = sections.get(i + 1).map_or(self.lines.len(), |(_, next)| *next);
            if self.lines[at + 1..end].iter().all(|l| l.trim().is_empty()) {
                self.lines.drain(*at..end);
                while self.lines.last().is_some_and(|l| l.trim().is_empty()) {
                    self.lines.pop();
                }
                return;
            }
        }
    }

    /// The document as text, ending with a newline.
    pub fn render(&self) -> String {
        super::render_lines(&self.lines)
    }
}

/// Where `word` stands alone (between whitespace or the ends) in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(word).map(|p| p + from) {
        let before = text[..pos].chars().next_back().is_none_or(char::is_whitespace);
        let after = text[pos + word.len()..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace);
        if before && after {
            return Some(pos);
        }
        from = pos + word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const PIP: &str = "# my pip\n[global]\ntimeout = 60  \nextra-index-url =\n    https://a\n    https://b\n\n[install]\n; keep\nuser = false\n";

    #[test]
    fn multi_line_values_are_continuation_lines_read_back_as_set() {
        let mut ini = Ini::parse("[profile x]\nregion = a\n").unwrap();
        ini.set("profile x", "s3", "\naddressing_style = path");
        assert_eq!(
            ini.render(),
            "[profile x]\nregion = a\ns3 =\n  addressing_style = path\n"
        );
        let again = Ini::parse(&ini.render()).unwrap();
        assert_eq!(
            again.get("profile x", "s3").as_deref(),
            Some("\naddressing_style = path")
        );
        let mut again = again;
        again.remove("profile x", "s3");
        assert_eq!(again.render(), "[profile x]\nregion = a\n");
    }

    #[test]
    fn set_replaces_in_place_and_keeps_comments() {
        let mut ini = Ini::parse(PIP).unwrap();
        assert_eq!(
            ini.get("global", "extra-index-url").unwrap(),
            "\nhttps://a\nhttps://b"
        );
        ini.set("global", "index-url", "https://x/simple");
        ini.set("global", "Timeout", "30");
        let out = ini.render();
        assert!(out.starts_with("# my pip\n[global]\ntimeout = 30\nextra-index-url =\n    https://a\n    https://b\nindex-url = https://x/simple\n\n[install]\n; keep\n"), "{out}");
        let mut again = Ini::parse(&out).unwrap();
        again.remove("global", "index-url");
        again.set("global", "timeout", "60  ");
        assert_eq!(again.get("global", "timeout").unwrap(), "60");
    }

    #[test]
    fn new_section_is_appended_and_removed_whole() {
        let mut ini = Ini::parse("[a]\nx = 1\n").unwrap();
        ini.set("b", "y", "2");
        assert_eq!(ini.render(), "[a]\nx = 1\n\n[b]\ny = 2\n");
        ini.remove("b", "y");
        assert_eq!(ini.render(), "[a]\nx = 1\n");
        let mut empty = Ini::parse("").unwrap();
        empty.set("global", "index-url", "u");
        assert_eq!(empty.render(), "[global]\nindex-url = u\n");
    }

    #[test]
    fn list_members_keep_the_layout() {
        let text =
            "[distutils]\r\nindex-servers =\r\n    pypi\r\n    testpypi\r\n\r\n[pypi]\r\nusername = u\r\n";
        let mut ini = Ini::parse(text).unwrap();
        ini.add_member("distutils", "index-servers", "artifactory");
        assert!(
            ini.render()
                .contains("    testpypi\r\n    artifactory\r\n\r\n[pypi]"),
            "{:?}",
            ini.render()
        );
        ini.remove_member("distutils", "index-servers", "artifactory");
        assert_eq!(ini.render(), text);
        let mut one = Ini::parse("[distutils]\nindex-servers = pypi\n").unwrap();
        one.add_member("distutils", "index-servers", "artifactory");
        assert_eq!(one.render(), "[distutils]\nindex-servers = pypi artifactory\n");
        one.remove_member("distutils", "index-servers", "artifactory");
        assert_eq!(one.render(), "[distutils]\nindex-servers = pypi\n");
        one.remove_member("distutils", "index-servers", "pypi");
        assert_eq!(one.render(), "");
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let err = Ini::parse("[global]\nindex-url = x\nthis is not ini\n").unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert_eq!(Ini::parse("x = 1\n").unwrap_err().line(), Some(1));
    }
}
