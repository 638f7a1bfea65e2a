//! One configuration file opened in its format, addressed by key paths, so planning and undo handle every client
//! the same way. Key paths: INI `[section, key]` (or `[section, key, member]` for whitespace-separated lists),
//! netrc `[host]` (value = login), YAML `[top-level key]` (value = the block), uv TOML `[index, name]` (value = url).

use crate::config_edit::{EditError, Ini, Netrc, YamlTop};
use crate::secret::Secret;

/// The format of a client file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// pip.conf, .pypirc.
    Ini,
    /// ~/.netrc.
    Netrc,
    /// .condarc.
    Yaml,
    /// uv.toml `[[index]]` tables.
    UvToml,
}

/// A parsed file.
#[derive(Debug)]
pub enum Doc {
    /// INI.
    Ini(Ini),
    /// netrc.
    Netrc(Netrc),
    /// YAML by top-level key.
    Yaml(YamlTop),
    /// TOML, kept with its comments.
    Toml(toml_edit::DocumentMut),
}

impl Doc {
    /// Parses `text` as `format`.
    pub fn parse(format: Format, text: &str) -> Result<Self, EditError> {
        Ok(match format {
            Format::Ini => Self::Ini(Ini::parse(text)?),
            Format::Netrc => Self::Netrc(Netrc::parse(text)?),
            Format::Yaml => Self::Yaml(YamlTop::parse(text)?),
            Format::UvToml => {
                Self::Toml(
                    text.parse()
                        .map_err(|e: toml_edit::TomlError| EditError::Syntax {
                            line: e.span().map(|s| crate::site::line_of_offset(text, s.start)),
                            message: e.message().trim().to_string(),
                        })?,
                )
            }
        })
    }

    /// The value at `key`.
    pub fn get(&self, key: &[String]) -> Option<String> {
        match (self, key) {
            (Self::Ini(ini), [section, k, member]) => ini
                .get(section, k)
                .filter(|v| v.split_whitespace().any(|m| m == member))
                .map(|_| member.clone()),
            (Self::Ini(ini), [section, k]) => ini.get(section, k),
            (Self::Netrc(n), [host]) => n.login(host).map(Option::unwrap_or_default),
            (Self::Yaml(y), [top]) => y.get(top),
            (Self::Toml(doc), [_, name]) => index_of(doc, name).and_then(|i| {
                doc.get("index")?
                    .as_array_of_tables()?
                    .get(i)?
                    .get("url")?
                    .as_str()
                    .map(str::to_string)
            }),
            _ => None,
        }
    }

    /// Sets `key` to `value` (`secret` is the password of a netrc entry).
    pub fn set(&mut self, key: &[String], value: &str, secret: Option<&Secret>) -> Result<(), EditError> {
        match (self, key) {
            (Self::Ini(ini), [section, k, member]) => {
                let mut members: Vec<String> = ini
                    .get(section, k)
                    .map(|v| v.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default();
                if !members.contains(member) {
                    members.push(member.clone());
                }
                ini.set(section, k, &members.join(" "));
            }
            (Self::Ini(ini), [section, k]) => ini.set(section, k, secret.map_or(value, Secret::expose)),
            (Self::Netrc(n), [host]) => n.set(host, value, secret.unwrap_or(&Secret::new("")))?,
            (Self::Yaml(y), [top]) => y.set(top, value),
            (Self::Toml(doc), [_, name]) => {
                let mut table = toml_edit::Table::new();
                table["name"] = toml_edit::value(name.as_str());
                table["url"] = toml_edit::value(value);
                table["default"] = toml_edit::value(true);
                match index_of(doc, name) {
                    Some(i) => {
                        if let Some(t) = doc["index"].as_array_of_tables_mut().and_then(|a| a.get_mut(i)) {
                            t["url"] = toml_edit::value(value);
                            t["default"] = toml_edit::value(true);
                        }
                    }
                    None => {
                        if doc.get("index").is_none() {
                            doc["index"] = toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new());
                        }
                        match doc["index"].as_array_of_tables_mut() {
                            Some(a) => a.push(table),
                            None => {
                                return Err(EditError::Syntax {
                                    line: None,
                                    message: "`index` is not an array of tables".into(),
                                });
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &[String]) -> Result<(), EditError> {
        match (self, key) {
            (Self::Ini(ini), [section, k, member]) => {
                let rest: Vec<String> = ini
                    .get(section, k)
                    .map(|v| {
                        v.split_whitespace()
                            .filter(|m| m != member)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if rest.is_empty() {
                    ini.remove(section, k);
                } else {
                    ini.set(section, k, &rest.join(" "));
                }
            }
            (Self::Ini(ini), [section, k]) => ini.remove(section, k),
            (Self::Netrc(n), [host]) => {
                n.remove(host)?;
            }
            (Self::Yaml(y), [top]) => y.remove(top),
            (Self::Toml(doc), [_, name]) => {
                if let Some(i) = index_of(doc, name) {
                    if let Some(a) = doc["index"].as_array_of_tables_mut() {
                        a.remove(i);
                        if a.is_empty() {
                            doc.remove("index");
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The file as text.
    pub fn render(&self) -> String {
        match self {
            Self::Ini(ini) => ini.render(),
            Self::Netrc(n) => n.render(),
            Self::Yaml(y) => y.render(),
            Self::Toml(doc) => doc.to_string(),
        }
    }
}

fn index_of(doc: &toml_edit::DocumentMut, name: &str) -> Option<usize> {
    doc.get("index")?
        .as_array_of_tables()?
        .iter()
        .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
}
