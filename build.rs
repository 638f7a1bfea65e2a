//! Embeds the project skeletons of `templates/` into the binary: one `include_bytes!` per file, with the
//! executable bit recorded, because `include_dir`-style embedding loses file modes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if root.is_dir() {
        collect(&root, &root, &mut files);
    }
    files.sort();
    let mut out = String::from("/// Files of the embedded templates, sorted by template then path.\n");
    out.push_str("pub static FILES: &[EmbeddedFile] = &[\n");
    for (template, rel, abs, executable) in &files {
        writeln!(
            out,
            "    EmbeddedFile {{ template: {template:?}, path: {rel:?}, contents: include_bytes!({abs:?}), executable: {executable} }},"
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_templates.rs");
    std::fs::write(dest, out).expect("write embedded_templates.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String, String, bool)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read templates dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path).expect("stat template file");
        if meta.is_dir() {
            collect(root, &path, files);
        } else if meta.is_file() {
            let rel = path.strip_prefix(root).expect("under root");
            let mut parts = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned());
            let template = parts.next().expect("template name");
            let inner: Vec<String> = parts.collect();
            if inner.is_empty() {
                continue; // a loose file directly under templates/ (README) is not a template
            }
            #[cfg(unix)]
            let executable = {
                use std::os::unix::fs::PermissionsExt;
                meta.permissions().mode() & 0o111 != 0
            };
            #[cfg(not(unix))]
            let executable = false;
            files.push((template, inner.join("/"), path.display().to_string(), executable));
        }
    }
}
