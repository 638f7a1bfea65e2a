//! `devkit site show`: the effective site profile, each value with where it came from.

use crate::cli::{Format, FormatArgs};
use crate::error::ExitStatus;
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;
use std::fmt::Write as _;

/// Prints the effective profile.
pub fn show(args: &FormatArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let table = toml::Table::try_from(&settings.site)?;
    let mut rows = Vec::new();
    for (key, origin) in &settings.origins {
        let value = lookup(&table, key)
            .cloned()
            .unwrap_or(toml::Value::String(String::new()));
        rows.push((key.clone(), value, origin.clone()));
    }
    let text = match args.format {
        Format::Json => {
            let values: serde_json::Map<String, serde_json::Value> = rows
                .iter()
                .map(|(k, v, o)| {
                    (k.clone(), serde_json::json!({"value": serde_json::to_value(v).unwrap_or_default(), "origin": o}))
                })
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({"profile": settings.site, "values": values}))?
        }
        Format::Text => {
            let width = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
            let mut out = String::new();
            for (key, value, origin) in &rows {
                writeln!(out, "{key:width$} = {value}  # {origin}")?;
            }
            out
        }
    };
    printer.data(&text)?;
    Ok(ExitStatus::Success)
}

fn lookup<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}
