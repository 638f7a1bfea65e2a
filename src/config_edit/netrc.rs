//! A `.netrc` editor: finds the `machine` entry of one host, replaces or removes it, and leaves every other line
//! (comments, other machines, macros) untouched. Values with spaces or quotes are written quoted.

use super::EditError;
use crate::secret::Secret;

/// A parsed `.netrc`.
#[derive(Debug, Clone)]
pub struct Netrc {
    lines: Vec<String>,
    entries: Vec<Entry>,
    /// The file ends inside a `macdef` body (no blank line after it): a macro runs to a blank line or EOF.
    open_macro: bool,
}

#[derive(Debug, Clone)]
struct Entry {
    machine: Option<String>,
    login: Option<String>,
    /// First and one-past-last line.
    lines: (usize, usize),
}

#[derive(Debug)]
struct Token {
    text: String,
    line: usize,
}

impl Netrc {
    /// Parses `text`; an unknown keyword or a keyword without its value is an error naming the line.
    pub fn parse(text: &str) -> Result<Self, EditError> {
        let lines: Vec<String> = super::split_lines(text);
        let mut tokens = Vec::new();
        let mut in_macro = false;
        for (i, line) in lines.iter().enumerate() {
            if in_macro {
                in_macro = !line.trim().is_empty();
                continue;
            }
            if line.trim_start().starts_with('#') {
                continue;
            }
            let before = tokens.len();
            tokenize(line, i, &mut tokens)?;
            in_macro = tokens[before..].iter().any(|t| t.text == "macdef");
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut it = tokens.into_iter().peekable();
        while let Some(tok) = it.next() {
            let value = |it: &mut std::iter::Peekable<std::vec::IntoIter<Token>>, what: &str| {
                it.next()
                    .map(|t| t.text)
                    .ok_or_else(|| EditError::syntax(tok.line + 1, format!("`{what}` without a value")))
            };
            match tok.text.as_str() {
                "machine" => {
                    let name = value(&mut it, "machine")?;
                    entries.push(Entry {
                        machine: Some(name),
                        login: None,
                        lines: (tok.line, tok.line + 1),
                    });
                }
                "default" => entries.push(Entry {
                    machine: None,
                    login: None,
                    lines: (tok.line, tok.line + 1),
                }),
                "login" | "password" | "account" => {
                    let v = value(&mut it, &tok.text)?;
                    let Some(entry) = entries.last_mut() else {
                        return Err(EditError::syntax(
                            tok.line + 1,
                            format!("`{}` before any `machine`", tok.text),
                        ));
                    };
                    if tok.text == "login" {
                        entry.login = Some(v);
                    }
                    entry.lines.1 = tok.line + 1;
                }
                "macdef" => {
                    value(&mut it, "macdef")?;
                }
                // The token is not quoted back: it may be half of an unquoted password.
                _ => {
                    return Err(EditError::syntax(
                        tok.line + 1,
                        "unexpected word (expected machine, default, login, password, account or macdef)",
                    ));
                }
            }
        }
        Ok(Self {
            lines,
            entries,
            open_macro: in_macro,
        })
    }

    /// The login of `host`'s entry, if there is one.
    pub fn login(&self, host: &str) -> Option<Option<String>> {
        self.entry(host).map(|e| e.login.clone())
    }

    fn entry(&self, host: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.machine.as_deref() == Some(host))
    }

    fn shares_lines(&self, target: &Entry) -> bool {
        self.entries
            .iter()
            .any(|e| !std::ptr::eq(e, target) && e.lines.0 < target.lines.1 && target.lines.0 < e.lines.1)
    }

    /// Writes `machine host login user password secret`, replacing `host`'s entry or adding one before `default`.
    pub fn set(&mut self, host: &str, user: &str, secret: &Secret) -> Result<(), EditError> {
        let line = format!(
            "machine {} login {} password {}",
            quote(host),
            quote(user),
            quote(secret.expose())
        );
        let replaced = self.remove(host)?;
        let at = match (replaced, self.entries.iter().find(|e| e.machine.is_none())) {
            (Some(at), _) => at,
            (None, Some(default)) => default.lines.0,
            (None, None) if self.open_macro => {
                // Close the macro first, or the entry would become part of its body.
                self.lines.push(String::new());
                self.lines.len()
            }
            (None, None) => self.lines.len(),
        };
        self.lines.insert(at, line);
        *self = Self::parse(&self.render())?;
        Ok(())
    }

    /// Removes `host`'s entry; where it was.
    pub fn remove(&mut self, host: &str) -> Result<Option<usize>, EditError> {
        let Some(entry) = self.entry(host).cloned() else {
            return Ok(None);
        };
        if self.shares_lines(self.entry(host).unwrap_or(&entry)) {
            return Err(EditError::syntax(
                entry.lines.0 + 1,
                format!(
                    "the entry of `{host}` shares its line with another entry; put each `machine` on its own line"
                ),
            ));
        }
        self.lines.drain(entry.lines.0..entry.lines.1);
        *self = Self::parse(&self.render())?;
        Ok(Some(entry.lines.0))
    }

    /// The file as text.
    pub fn render(&self) -> String {
        super::render_lines(&self.lines)
    }
}

fn tokenize(line: &str, index: usize, out: &mut Vec<Token>) -> Result<(), EditError> {
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { return Ok(()) };
        if first == '#' {
            // A comment to the end of the line, as Python's netrc reads one after an entry's words.
            return Ok(());
        }
        let mut text = String::new();
        if first == '"' {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => text.extend(chars.next()),
                    Some('"') => break,
                    Some(c) => text.push(c),
                    None => return Err(EditError::syntax(index + 1, "unterminated quoted value")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        out.push(Token { text, line: index });
    }
}

/// A value as netrc readers (Python's netrc, curl) expect it: bare when plain, else quoted with `\` escapes.
fn quote(value: &str) -> String {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\\' || c == '#')
    {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn set_replace_remove_keep_the_rest() {
        let text = "# mine\nmachine other login o password p\n\ndefault login anonymous password x\n";
        let mut n = Netrc::parse(text).unwrap();
        n.set("art:8443", "ada", &Secret::new("a \"b\\c")).unwrap();
        let out = n.render();
        assert!(
            out.contains("machine art:8443 login ada password \"a \\\"b\\\\c\"\ndefault"),
            "{out}"
        );
        assert_eq!(n.login("art:8443"), Some(Some("ada".into())));
        n.set("art:8443", "ada", &Secret::new("new")).unwrap();
        assert_eq!(n.render().matches("art:8443").count(), 1);
        n.remove("art:8443").unwrap();
        assert_eq!(n.render(), text);
    }

    #[test]
    fn an_entry_after_an_unterminated_macro_closes_it_first() {
        let text = "machine a login x password y\nmacdef init\ncd /pub\nls";
        let mut n = Netrc::parse(text).unwrap();
        n.set("art", "ada", &Secret::new("t")).unwrap();
        assert_eq!(
            n.render(),
            format!("{text}\n\nmachine art login ada password t\n")
        );
        assert_eq!(n.login("art"), Some(Some("ada".into())));
        n.set("art", "ada", &Secret::new("t")).unwrap();
        assert_eq!(n.render().matches("machine art").count(), 1);
    }

    #[test]
    fn comments_after_words_are_kept_and_ignored() {
        let text = "machine a login x password y # work account\n";
        let mut n = Netrc::parse(text).unwrap();
        assert_eq!(n.login("a"), Some(Some("x".into())));
        n.set("b", "u", &Secret::new("#not-a-comment")).unwrap();
        assert!(n.render().starts_with(text));
        assert!(
            n.render().contains("password \"#not-a-comment\""),
            "{}",
            n.render()
        );
        assert_eq!(
            Netrc::parse(&n.render()).unwrap().login("b"),
            Some(Some("u".into()))
        );
    }

    #[test]
    fn multi_line_entries_and_errors() {
        let mut n = Netrc::parse("machine h\n  login u\n  password p\nmachine k login v\n").unwrap();
        n.remove("h").unwrap();
        assert_eq!(n.render(), "machine k login v\n");
        assert_eq!(Netrc::parse("machine h\nlogn u\n").unwrap_err().line(), Some(2));
        assert_eq!(Netrc::parse("machine h login\n").unwrap_err().line(), Some(1));
        let mut shared = Netrc::parse("machine a login x machine b login y\n").unwrap();
        assert!(shared.remove("a").is_err());
    }
}
