//! Project scaffolding: load a template (embedded, folder or git), collect answers, render every file in
//! memory, then publish the result through a staging folder so that nothing is written unless everything
//! rendered. Nothing here prints, reads environment variables or exits.

pub mod answers;
pub mod answers_file;
pub mod apply;
mod embedded;
mod engine;
mod engine_lex;
mod engine_scan;
mod engine_text;
mod error;
mod git_source;
pub mod lock;
pub mod manifest;
pub mod merge;
mod parallel;
pub mod rename;
pub mod render;
pub mod repo;
pub mod sandbox;
pub mod snapshot;
pub mod source;
pub mod update;
pub mod write;

pub use error::ScaffoldError;

/// One file of a template, before rendering.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Path relative to the template root, `/`-separated; may hold Tera syntax.
    pub path: String,
    /// The raw bytes.
    pub contents: std::borrow::Cow<'static, [u8]>,
    /// Whether the executable bit is set.
    pub executable: bool,
}

/// The name of the manifest file at the root of every template.
pub const MANIFEST: &str = "template.toml";

/// The answers file written into every generated project.
pub const ANSWERS_FILE: &str = ".devkit-answers.toml";

/// Names and descriptions of the embedded templates, sorted by name.
pub fn embedded_templates() -> Vec<(String, String)> {
    embedded::names()
        .into_iter()
        .map(|name| {
            let description = embedded::manifest_text(name)
                .and_then(|text| manifest::Manifest::parse(text, name).ok())
                .map(|m| m.description)
                .unwrap_or_default();
            (name.to_string(), description)
        })
        .collect()
}
