//! `devkit templates list`: the embedded templates and what each makes.

use crate::cli::{Format, FormatArgs};
use crate::error::ExitStatus;
use crate::printer::Printer;
use anyhow::Result;
use std::fmt::Write as _;

/// Lists the embedded templates.
pub fn list(args: &FormatArgs, printer: &Printer) -> Result<ExitStatus> {
    let templates = crate::scaffold::embedded_templates();
    let text = match args.format {
        Format::Json => {
            let items: Vec<_> = templates
                .iter()
                .map(|(name, description)| serde_json::json!({"name": name, "description": description}))
                .collect();
            serde_json::to_string_pretty(&items)?
        }
        Format::Text => {
            let width = templates.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
            let mut out = String::new();
            for (name, description) in &templates {
                writeln!(out, "{name:width$}  {description}")?;
            }
            out
        }
    };
    printer.data(&text)?;
    Ok(ExitStatus::Success)
}
