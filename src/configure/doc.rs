//! One configuration file opened in its format, addressed by key paths, so planning and undo handle every client
//! the same way. Key paths: INI `[section, key]` (or `[section, key, member]` for whitespace-separated lists),
//! netrc `[host]` (value = login), YAML `[top-level key]` (value = the block), uv TOML `[index, name]` (value = url).

use crate::config_edit::{EditError, Ini, Json, Netrc, YamlTop};
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
    /// Plain TOML by dotted path (cargo's config.toml).
    Toml,
    /// JSON objects by path (docker's config.json).
    Json,
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
    /// TOML by dotted path.
    Plain(toml_edit::DocumentMut),
    /// JSON, edited by span.
    Json(Json),
}

impl Doc {
    /// Parses `text` as `format`.
    pub fn parse(format: Format, text: &str) -> Result<Self, EditError> {
        Ok(match format {
            Format::Ini => Self::Ini(Ini::parse(text)?),
            Format::Netrc => Self::Netrc(Netrc::parse(text)?),
            Format::Yaml => Self::Yaml(YamlTop::parse(text)?),
            Format::UvToml => Self::Toml(parse_toml(text)?),
            Format::Toml => Self::Plain(parse_toml(text)?),
            Format::Json => Self::Json(Json::parse(text)?),
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
            (Self::Plain(doc), path) => {
                let mut item = doc.as_item();
                for part in path {
                    item = item.get(part)?;
                }
                item.as_str().map(str::to_string)
            }
            (Self::Json(json), [object, k]) => json.get(object, k),
            _ => None,
        }
    }

    /// Sets `key` to `value` (`secret` is the password of a netrc entry).
    pub fn set(&mut self, key: &[String], value: &str, secret: Option<&Secret>) -> Result<(), EditError> {
        match (self, key) {
            (Self::Ini(ini), [section, k, member]) => ini.add_member(section, k, member),
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
            (Self::Plain(doc), [tables @ .., last]) => {
                // Tables may be written as `[a.b]`, dotted keys or inline `{ ... }`: walk them as table-likes.
                let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
                for part in tables {
                    if table.get(part).is_none() {
                        let mut t = toml_edit::Table::new();
                        t.set_implicit(true);
                        if table.insert(part, toml_edit::Item::Table(t)).is_none()
                            && table.get(part).is_none()
                        {
                            // An inline parent takes only values.
                            let inline = toml_edit::Value::InlineTable(toml_edit::InlineTable::new());
                            table.insert(part, toml_edit::Item::Value(inline));
                        }
                    }
                    table = table
                        .get_mut(part)
                        .and_then(toml_edit::Item::as_table_like_mut)
                        .ok_or_else(|| EditError::Syntax {
                            line: None,
                            message: format!("`{part}` is not a table"),
                        })?;
                }
                // Keep the spacing and the comment around an existing value.
                let mut new = toml_edit::Value::from(value);
                if let Some(old) = table.get(last).and_then(toml_edit::Item::as_value) {
                    *new.decor_mut() = old.decor().clone();
                }
                table.insert(last, toml_edit::Item::Value(new));
            }
            (Self::Json(json), [object, k]) => json.set(object, k, value)?,
            _ => {}
        }
        Ok(())
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &[String]) -> Result<(), EditError> {
        match (self, key) {
            (Self::Ini(ini), [section, k, member]) => ini.remove_member(section, k, member),
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
            (Self::Plain(doc), [tables @ .., last]) => {
                let mut chain: Vec<&str> = tables.iter().map(String::as_str).collect();
                let mut leaf = last.as_str();
                // Remove the key, then every table it leaves empty.
                loop {
                    let mut table = Some(doc.as_table_mut());
                    for part in &chain {
                        table = table.and_then(|t| t.get_mut(part)).and_then(|i| i.as_table_mut());
                    }
                    let Some(table) = table else { break };
                    table.remove(leaf);
                    if !table.is_empty() {
                        break;
                    }
                    let Some(parent) = chain.pop() else { break };
                    leaf = parent;
                }
            }
            (Self::Json(json), [object, k]) => json.remove(object, k),
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
            Self::Toml(doc) | Self::Plain(doc) => doc.to_string(),
            Self::Json(json) => json.render(),
        }
    }
}

fn parse_toml(text: &str) -> Result<toml_edit::DocumentMut, EditError> {
    text.parse().map_err(|e: toml_edit::TomlError| EditError::Syntax {
        line: e.span().map(|s| crate::site::line_of_offset(text, s.start)),
        message: e.message().trim().to_string(),
    })
}

fn index_of(doc: &toml_edit::DocumentMut, name: &str) -> Option<usize> {
    doc.get("index")?
        .as_array_of_tables()?
        .iter()
        .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cargo_tables_in_every_spelling_keep_their_bytes() {
        let key = |p: &[&str]| p.iter().map(ToString::to_string).collect::<Vec<_>>();
        let replace = key(&["source", "crates-io", "replace-with"]);
        for text in [
            "[source]\ncrates-io = { replace-with = \"v\" }  # mine\n",
            "source.crates-io.replace-with = \"v\" # mine\n",
            "[source.crates-io]\nreplace-with = \"v\"   # mine\n",
        ] {
            let mut doc = Doc::parse(Format::Toml, text).unwrap();
            assert_eq!(doc.get(&replace).as_deref(), Some("v"));
            doc.set(&replace, "artifactory", None).unwrap();
            let out = doc.render();
            assert_eq!(out, text.replace("\"v\"", "\"artifactory\""), "{text}");
        }
    }
}
