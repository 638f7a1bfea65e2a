//! The templates compiled into the binary (see `build.rs`), so `devkit init` works offline.

/// One embedded file.
pub struct EmbeddedFile {
    /// Template name (its folder under `templates/`).
    pub template: &'static str,
    /// Path inside the template, `/`-separated.
    pub path: &'static str,
    /// Contents.
    pub contents: &'static [u8],
    /// Executable bit.
    pub executable: bool,
}

include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));

/// Names of the embedded templates (those with a manifest), sorted.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = FILES
        .iter()
        .filter(|f| f.path == super::MANIFEST)
        .map(|f| f.template)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The files of one embedded template.
pub fn files(name: &str) -> impl Iterator<Item = &'static EmbeddedFile> + '_ {
    FILES.iter().filter(move |f| f.template == name)
}

/// The manifest text of one embedded template.
pub fn manifest_text(name: &str) -> Option<&'static str> {
    files(name)
        .find(|f| f.path == super::MANIFEST)
        .and_then(|f| std::str::from_utf8(f.contents).ok())
}
