//! A span-based editor for docker's `config.json`: the file is checked with a real JSON parser, then members of
//! the top-level object and of its objects are found by byte span and replaced, inserted or removed in place, so
//! every untouched byte (tabs, key order, `2.50`, `\u00e9`) stays as it was. New members copy the neighbours'
//! indentation and separators.

use super::EditError;

/// A JSON document whose top level is an object.
#[derive(Debug, Clone)]
pub struct Json {
    text: String,
}

/// One `"key": value` member, by byte offsets.
#[derive(Debug, Clone)]
struct Member {
    key: String,
    key_start: usize,
    value_start: usize,
    value_end: usize,
}

/// An object: its braces and members.
#[derive(Debug)]
struct Object {
    open: usize,
    close: usize,
    members: Vec<Member>,
}

impl Json {
    /// Parses `text` (empty or whitespace is an empty document).
    pub fn parse(text: &str) -> Result<Self, EditError> {
        if !text.trim().is_empty() {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| EditError::Syntax {
                line: Some(e.line()),
                message: format!("not JSON: {e}"),
            })?;
            if !value.is_object() {
                return Err(EditError::Syntax {
                    line: None,
                    message: "the top level is not a JSON object".into(),
                });
            }
        }
        Ok(Self { text: text.into() })
    }

    fn root(&self) -> Option<Object> {
        let open = self.text.find('{')?;
        object_at(&self.text, open)
    }

    fn child(&self, name: &str) -> Option<Object> {
        let root = self.root()?;
        let m = root.members.iter().find(|m| m.key == name)?;
        (self.text.as_bytes().get(m.value_start) == Some(&b'{'))
            .then(|| object_at(&self.text, m.value_start))
            .flatten()
    }

    /// The string at `object.key`.
    pub fn get(&self, object: &str, key: &str) -> Option<String> {
        let obj = self.child(object)?;
        let m = obj.members.iter().find(|m| m.key == key)?;
        serde_json::from_str::<String>(&self.text[m.value_start..m.value_end]).ok()
    }

    /// Sets `object.key` to the string `value`, creating the object when missing.
    pub fn set(&mut self, object: &str, key: &str, value: &str) -> Result<(), EditError> {
        let literal = serde_json::Value::String(value.into()).to_string();
        if let Some(obj) = self.child(object) {
            match obj.members.iter().find(|m| m.key == key) {
                Some(m) => self.text.replace_range(m.value_start..m.value_end, &literal),
                None => self.insert(&obj, key, &literal),
            }
            return Ok(());
        }
        let root = match self.root() {
            Some(r) => r,
            None => {
                self.text = "{}\n".into();
                self.root().ok_or_else(|| EditError::Syntax {
                    line: None,
                    message: "cannot create a JSON object".into(),
                })?
            }
        };
        if root.members.iter().any(|m| m.key == object) {
            return Err(EditError::Syntax {
                line: None,
                message: format!("`{object}` is not an object"),
            });
        }
        let close_indent = format!("{}{}", self.indent_in(&root), self.unit());
        let nested = if self.text[root.open..=root.close].contains('\n') || root.members.is_empty() {
            let inner_indent = format!("{close_indent}{}", self.unit());
            format!(
                "{{\n{inner_indent}{}{}{literal}\n{close_indent}}}",
                key_literal(key),
                self.colon(&root)
            )
        } else {
            format!("{{{}{}{literal}}}", key_literal(key), self.colon(&root))
        };
        self.insert(&root, object, &nested);
        Ok(())
    }

    /// Removes `object.key`, and `object` when that leaves it empty.
    pub fn remove(&mut self, object: &str, key: &str) {
        let Some(obj) = self.child(object) else { return };
        let Some(i) = obj.members.iter().position(|m| m.key == key) else {
            return;
        };
        if obj.members.len() == 1 {
            if let Some(root) = self.root()
                && let Some(j) = root.members.iter().position(|m| m.key == object)
            {
                self.remove_member(&root, j);
            }
            return;
        }
        self.remove_member(&obj, i);
    }

    fn remove_member(&mut self, obj: &Object, i: usize) {
        let m = &obj.members[i];
        let range = if obj.members.len() == 1 {
            obj.open + 1..obj.close
        } else if i > 0 {
            obj.members[i - 1].value_end..m.value_end
        } else {
            m.key_start..obj.members[1].key_start
        };
        self.text.replace_range(range, "");
    }

    /// Inserts `"key": value` (value already rendered) as the last member of `obj`.
    fn insert(&mut self, obj: &Object, key: &str, value: &str) {
        let member = format!("{}{}{value}", key_literal(key), self.colon(obj));
        match obj.members.last() {
            Some(last) => {
                let sep = self.separator(obj);
                self.text.insert_str(last.value_end, &format!("{sep}{member}"));
            }
            None => {
                let outer = self.indent_in(obj);
                let text = format!("\n{outer}{}{member}\n{outer}", self.unit());
                self.text.replace_range(obj.open + 1..obj.close, &text);
            }
        }
    }

    /// What separates two members of `obj` (`,\n\t\t`), from its members or from the file.
    fn separator(&self, obj: &Object) -> String {
        if let [.., a, b] = obj.members.as_slice() {
            return self.text[a.value_end..b.key_start].to_string();
        }
        let first = &obj.members[0];
        let before = &self.text[obj.open + 1..first.key_start];
        match before.rfind('\n') {
            Some(nl) => format!(",\n{}", &before[nl + 1..]),
            None => format!(",{before}"),
        }
    }

    /// The `:` with its spacing as the file writes it.
    fn colon(&self, obj: &Object) -> String {
        let root_first = self.root().and_then(|r| r.members.into_iter().next());
        match obj.members.first().or(root_first.as_ref()) {
            Some(m) => {
                let after_key = string_end(&self.text, m.key_start).unwrap_or(m.key_start);
                self.text[after_key..m.value_start].to_string()
            }
            None => ": ".into(),
        }
    }

    /// The indentation of the line holding `obj`'s opening brace.
    fn indent_in(&self, obj: &Object) -> String {
        let line_start = self.text[..obj.open].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect()
    }

    /// One level of indentation: the first indented line's, else two spaces.
    fn unit(&self) -> String {
        self.text
            .lines()
            .map(|l| {
                l.chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect::<String>()
            })
            .find(|w| !w.is_empty())
            .unwrap_or_else(|| "  ".into())
    }

    /// The document as text.
    pub fn render(&self) -> String {
        self.text.clone()
    }
}

fn key_literal(key: &str) -> String {
    serde_json::Value::String(key.into()).to_string()
}

fn skip_ws(text: &str, mut at: usize) -> usize {
    let b = text.as_bytes();
    while at < b.len() && matches!(b[at], b' ' | b'\t' | b'\n' | b'\r') {
        at += 1;
    }
    at
}

/// One past the closing quote of the string starting at `at`.
fn string_end(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = at + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// One past the end of the value starting at `at` (the text is valid JSON).
fn value_end(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    match b.get(at)? {
        b'"' => string_end(text, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = string_end(text, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = at;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            Some(i)
        }
    }
}

/// The object whose `{` is at `open`.
fn object_at(text: &str, open: usize) -> Option<Object> {
    let mut members = Vec::new();
    let mut at = skip_ws(text, open + 1);
    loop {
        match text.as_bytes().get(at)? {
            b'}' => {
                return Some(Object {
                    open,
                    close: at,
                    members,
                });
            }
            b',' => at = skip_ws(text, at + 1),
            b'"' => {
                let key_end = string_end(text, at)?;
                let key = serde_json::from_str::<String>(&text[at..key_end]).ok()?;
                let colon = skip_ws(text, key_end);
                let value_start = skip_ws(text, colon + 1);
                let end = value_end(text, value_start)?;
                members.push(Member {
                    key,
                    key_start: at,
                    value_start,
                    value_end: end,
                });
                at = skip_ws(text, end);
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn untouched_bytes_stay_and_new_members_follow_the_style() {
        let text = "{\n\t\"auths\": {\"a\": {}},\n\t\"x\": 2.50,\n\t\"n\": \"\\u00e9\"\n}";
        let mut j = Json::parse(text).unwrap();
        j.set("credHelpers", "reg:5000", "devkit").unwrap();
        let out = j.render();
        assert_eq!(
            out,
            "{\n\t\"auths\": {\"a\": {}},\n\t\"x\": 2.50,\n\t\"n\": \"\\u00e9\",\n\t\"credHelpers\": {\n\t\t\"reg:5000\": \"devkit\"\n\t}\n}"
        );
        assert_eq!(j.get("credHelpers", "reg:5000").unwrap(), "devkit");
        j.set("credHelpers", "other", "x").unwrap();
        j.remove("credHelpers", "other");
        j.remove("credHelpers", "reg:5000");
        assert_eq!(j.render(), text);
    }

    #[test]
    fn compact_and_empty_documents() {
        let mut j = Json::parse("{\"credHelpers\":{\"a\":\"b\"}}").unwrap();
        j.set("credHelpers", "h", "devkit").unwrap();
        assert_eq!(j.render(), "{\"credHelpers\":{\"a\":\"b\",\"h\":\"devkit\"}}");
        let mut e = Json::parse("").unwrap();
        e.set("credHelpers", "h", "devkit").unwrap();
        assert_eq!(
            e.render(),
            "{\n  \"credHelpers\": {\n    \"h\": \"devkit\"\n  }\n}\n"
        );
        assert!(Json::parse("[1]").is_err());
        assert!(
            Json::parse("{\"credHelpers\": 1}")
                .unwrap()
                .set("credHelpers", "h", "v")
                .is_err()
        );
    }
}
