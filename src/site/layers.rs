//! Override layers over the embedded profile. Each layer is checked against the keys and types of the embedded
//! profile before it is merged, so a typo is reported with its file and line instead of being ignored.

use super::{EMBEDDED, SiteError, SiteProfile};
use std::collections::BTreeMap;
use std::fmt;

/// Where an effective value came from, highest precedence last.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Origin {
    /// The profile compiled into devkit.
    Embedded,
    /// A profile file given with `--site` or `DEVKIT_SITE`.
    SiteFile(String),
    /// The `[site]` table of the user configuration.
    UserConfig(String),
    /// An environment variable.
    Env(String),
    /// A `--set` flag.
    Flag,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Embedded => f.write_str("embedded profile"),
            Self::SiteFile(p) => write!(f, "site file {p}"),
            Self::UserConfig(p) => write!(f, "user config {p}"),
            Self::Env(v) => write!(f, "env {v}"),
            Self::Flag => f.write_str("--set flag"),
        }
    }
}

/// The profile being built: a TOML table plus the origin of each dotted key.
#[derive(Debug, Clone)]
pub struct Layers {
    table: toml::Table,
    origins: BTreeMap<String, Origin>,
}

impl Layers {
    /// The embedded profile alone.
    pub fn embedded() -> Self {
        let table: toml::Table = EMBEDDED.parse().unwrap_or_default();
        let mut origins = BTreeMap::new();
        for key in dotted_keys(&table) {
            origins.insert(key, Origin::Embedded);
        }
        Self { table, origins }
    }

    /// Every dotted key of the profile (`gitlab.url`, ...), sorted.
    pub fn keys(&self) -> Vec<String> {
        self.origins.keys().cloned().collect()
    }

    /// The environment variable that overrides a dotted key: `gitlab.ssh_host` → `DEVKIT_GITLAB_SSH_HOST`,
    /// `name` → `DEVKIT_SITE_NAME`.
    pub fn env_name(key: &str) -> String {
        if key.contains('.') {
            format!("DEVKIT_{}", key.replace('.', "_").to_uppercase())
        } else {
            format!("DEVKIT_SITE_{}", key.to_uppercase())
        }
    }

    /// Merges a TOML document (a profile file) or one of its tables (`[site]` of the user config).
    pub fn apply_toml(&mut self, text: &str, table: Option<&str>, origin: Origin) -> Result<(), SiteError> {
        let origin_name = origin_label(&origin);
        let doc = toml_edit::Document::parse(text).map_err(|e| SiteError::Syntax {
            origin: origin_name.clone(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        let root = match table {
            None => doc.as_table(),
            Some(name) => match doc.get(name) {
                None => return Ok(()),
                Some(item) => item.as_table().ok_or_else(|| SiteError::WrongType {
                    key: name.to_string(),
                    origin: origin_name.clone(),
                    line: item.span().map(|s| line_of(text, s.start)),
                    expected: "a table",
                })?,
            },
        };
        let mut updates = Vec::new();
        self.collect(root, "", text, &origin_name, &mut updates)?;
        for (key, value) in updates {
            self.set(&key, value, origin.clone());
        }
        Ok(())
    }

    fn collect(
        &self,
        table: &toml_edit::Table,
        prefix: &str,
        text: &str,
        origin: &str,
        out: &mut Vec<(String, toml::Value)>,
    ) -> Result<(), SiteError> {
        for (k, item) in table.iter() {
            let key = if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            };
            let line = table
                .key(k)
                .and_then(toml_edit::Key::span)
                .map(|s| line_of(text, s.start));
            if let Some(sub) = item
                .as_table_like()
                .filter(|_| !item.is_value() || item.is_inline_table())
            {
                if !self.is_section(&key) {
                    return Err(self.unknown(&key, origin, line));
                }
                let sub_table = match item {
                    toml_edit::Item::Table(t) => t.clone(),
                    other => other
                        .as_inline_table()
                        .map(|t| t.clone().into_table())
                        .unwrap_or_default(),
                };
                let _ = sub;
                self.collect(&sub_table, &key, text, origin, out)?;
                continue;
            }
            let Some(base) = self.get(&key) else {
                return Err(self.unknown(&key, origin, line));
            };
            let value: toml::Value = item
                .as_value()
                .map(|v| v.to_string())
                .and_then(|s| format!("v = {s}").parse::<toml::Table>().ok())
                .and_then(|mut t| t.remove("v"))
                .ok_or_else(|| SiteError::WrongType {
                    key: key.clone(),
                    origin: origin.to_string(),
                    line,
                    expected: type_name(base),
                })?;
            if !same_type(base, &value) {
                return Err(SiteError::WrongType {
                    key,
                    origin: origin.to_string(),
                    line,
                    expected: type_name(base),
                });
            }
            out.push((key, value));
        }
        Ok(())
    }

    /// Sets one dotted key from a string (environment variable or `--set`), parsed by the key's type.
    pub fn apply_str(&mut self, key: &str, raw: &str, origin: Origin) -> Result<(), SiteError> {
        let origin_name = origin_label(&origin);
        let Some(base) = self.get(key) else {
            return Err(self.unknown(key, &origin_name, None));
        };
        let wrong = || SiteError::WrongType {
            key: key.to_string(),
            origin: origin_name.clone(),
            line: None,
            expected: type_name(base),
        };
        let value = match base {
            toml::Value::String(_) => toml::Value::String(raw.to_string()),
            toml::Value::Integer(_) => toml::Value::Integer(raw.trim().parse().map_err(|_| wrong())?),
            toml::Value::Boolean(_) => toml::Value::Boolean(raw.trim().parse().map_err(|_| wrong())?),
            toml::Value::Array(_) => toml::Value::Array(
                raw.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| toml::Value::String(s.to_string()))
                    .collect(),
            ),
            _ => return Err(wrong()),
        };
        self.set(key, value, origin);
        Ok(())
    }

    /// The effective profile and the origin of each key.
    pub fn resolve(self) -> Result<(SiteProfile, BTreeMap<String, Origin>), SiteError> {
        let profile = SiteProfile::deserialize_table(self.table).map_err(SiteError::Invalid)?;
        Ok((profile, self.origins))
    }

    fn get(&self, key: &str) -> Option<&toml::Value> {
        let mut parts = key.split('.');
        let first = parts.next()?;
        let mut value = self.table.get(first)?;
        for part in parts {
            value = value.as_table()?.get(part)?;
        }
        (!value.is_table()).then_some(value)
    }

    fn is_section(&self, key: &str) -> bool {
        !key.contains('.') && self.table.get(key).is_some_and(toml::Value::is_table)
    }

    fn set(&mut self, key: &str, value: toml::Value, origin: Origin) {
        let mut table = &mut self.table;
        let mut parts: Vec<&str> = key.split('.').collect();
        let last = parts.pop().unwrap_or_default();
        for part in parts {
            let Some(next) = table.get_mut(part).and_then(toml::Value::as_table_mut) else {
                return;
            };
            table = next;
        }
        table.insert(last.to_string(), value);
        self.origins.insert(key.to_string(), origin);
    }

    fn unknown(&self, key: &str, origin: &str, line: Option<usize>) -> SiteError {
        SiteError::UnknownKey {
            key: key.to_string(),
            origin: origin.to_string(),
            line,
            known: self.keys(),
        }
    }
}

impl SiteProfile {
    fn deserialize_table(table: toml::Table) -> Result<Self, String> {
        serde::Deserialize::deserialize(toml::Value::Table(table)).map_err(|e: toml::de::Error| e.to_string())
    }
}

fn origin_label(origin: &Origin) -> String {
    match origin {
        Origin::SiteFile(p) | Origin::UserConfig(p) | Origin::Env(p) => p.clone(),
        Origin::Embedded => "embedded profile".into(),
        Origin::Flag => "--set".into(),
    }
}

fn dotted_keys(table: &toml::Table) -> Vec<String> {
    let mut keys = Vec::new();
    for (k, v) in table {
        match v.as_table() {
            Some(sub) => keys.extend(sub.keys().map(|s| format!("{k}.{s}"))),
            None => keys.push(k.clone()),
        }
    }
    keys
}

fn same_type(a: &toml::Value, b: &toml::Value) -> bool {
    match (a, b) {
        (toml::Value::Array(_), toml::Value::Array(items)) => items.iter().all(toml::Value::is_str),
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Boolean(_) => "a boolean (true or false)",
        toml::Value::Array(_) => "an array of strings",
        _ => "a value of another type",
    }
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |s| s.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_file_then_user_then_env_then_flag() {
        let mut l = Layers::embedded();
        l.apply_toml(
            "[gitlab]\nurl = \"https://file\"\nssh_port = 2222\n",
            None,
            Origin::SiteFile("s.toml".into()),
        )
        .unwrap();
        l.apply_toml(
            "[site.gitlab]\nurl = \"https://user\"\n",
            Some("site"),
            Origin::UserConfig("c.toml".into()),
        )
        .unwrap();
        l.apply_str(
            "gitlab.url",
            "https://env",
            Origin::Env("DEVKIT_GITLAB_URL".into()),
        )
        .unwrap();
        let (p, origins) = l.clone().resolve().unwrap();
        assert_eq!(p.gitlab.url, "https://env");
        assert_eq!(p.gitlab.ssh_port, 2222);
        assert_eq!(origins["gitlab.ssh_port"], Origin::SiteFile("s.toml".into()));
        assert_eq!(origins["gitlab.url"], Origin::Env("DEVKIT_GITLAB_URL".into()));
        assert_eq!(origins["trex.login_host"], Origin::Embedded);
        l.apply_str("gitlab.url", "https://flag", Origin::Flag).unwrap();
        assert_eq!(l.resolve().unwrap().0.gitlab.url, "https://flag");
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let mut l = Layers::embedded();
        let err = l
            .apply_toml(
                "[gitlab]\nurl = \"x\"\nurll = \"y\"\n",
                None,
                Origin::SiteFile("s.toml".into()),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown site key `gitlab.urll` in `s.toml` (line 3)"
        );
        let err = l
            .apply_toml("[gitlabb]\n", None, Origin::SiteFile("s.toml".into()))
            .unwrap_err();
        assert!(err.to_string().contains("`gitlabb`"), "{err}");
    }

    #[test]
    fn wrong_type_and_syntax_errors_name_the_line() {
        let mut l = Layers::embedded();
        let err = l
            .apply_toml(
                "\n[gitlab]\nssh_port = \"22\"\n",
                None,
                Origin::SiteFile("s.toml".into()),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "site key `gitlab.ssh_port` in `s.toml` (line 3) must be an integer"
        );
        let err = l
            .apply_toml("[gitlab\n", None, Origin::SiteFile("s.toml".into()))
            .unwrap_err();
        assert!(
            err.to_string().starts_with("`s.toml` is not valid TOML (line 1)"),
            "{err}"
        );
        let err = l
            .apply_str(
                "gitlab.ssh_port",
                "abc",
                Origin::Env("DEVKIT_GITLAB_SSH_PORT".into()),
            )
            .unwrap_err();
        assert!(err.to_string().contains("must be an integer"));
    }

    #[test]
    fn env_names_follow_sections() {
        assert_eq!(Layers::env_name("gitlab.ssh_host"), "DEVKIT_GITLAB_SSH_HOST");
        assert_eq!(Layers::env_name("name"), "DEVKIT_SITE_NAME");
        let mut l = Layers::embedded();
        l.apply_str("gitlab.runner_tags", "a, b", Origin::Flag).unwrap();
        assert_eq!(l.resolve().unwrap().0.gitlab.runner_tags, vec!["a", "b"]);
    }
}
