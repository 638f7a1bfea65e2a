//! Rendering: every file name and body goes through Tera once, in memory, before anything is written. Files
//! without Tera syntax, binary files and `copy_only` files are passed through untouched.

use super::manifest::Manifest;
use super::{ScaffoldError, TemplateFile};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::borrow::Cow;
use std::collections::HashMap;

/// A file ready to be written.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// Destination path relative to the project root, `/`-separated, checked not to escape it.
    pub path: String,
    /// Final contents.
    pub contents: Cow<'static, [u8]>,
    /// Executable bit.
    pub executable: bool,
}

const PATH_PREFIX: &str = "\u{0}path:";

/// Renders the template files with `ctx`; `files` must not contain the manifest.
pub fn render(
    files: &[TemplateFile],
    manifest: &Manifest,
    ctx: &tera::Context,
) -> Result<Vec<RenderedFile>, ScaffoldError> {
    let exclude = globs(&manifest.exclude)?;
    let copy_only = globs(&manifest.copy_only)?;
    let mut raw: Vec<(String, &str)> = Vec::new();
    let mut kept: Vec<(&TemplateFile, bool, bool)> = Vec::new();
    for file in files {
        if matches(&exclude, &file.path) {
            continue;
        }
        let body = (!matches(&copy_only, &file.path))
            .then(|| text(&file.contents))
            .flatten()
            .filter(|t| has_syntax(t));
        let templated_body = body.is_some();
        if let Some(t) = body {
            raw.push((file.path.clone(), t));
        }
        let templated_path = has_syntax(&file.path);
        if templated_path {
            raw.push((format!("{PATH_PREFIX}{}", file.path), file.path.as_str()));
        }
        kept.push((file, templated_body, templated_path));
    }

    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    if let Err(e) = tera.add_raw_templates(raw.iter().map(|(n, t)| (n.as_str(), *t))) {
        return Err(locate_syntax_error(&raw, &e));
    }

    let mut out = Vec::with_capacity(kept.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for (file, templated_body, templated_path) in kept {
        let rendered_path = if templated_path {
            tera.render(&format!("{PATH_PREFIX}{}", file.path), ctx)
                .map_err(|e| render_error(&file.path, &file.path, &e))?
        } else {
            file.path.clone()
        };
        let Some(path) = clean_path(&file.path, &rendered_path)? else {
            continue;
        };
        if let Some(first) = seen.insert(path.clone(), file.path.clone()) {
            return Err(ScaffoldError::DuplicatePath {
                first,
                second: file.path.clone(),
                rendered: path,
            });
        }
        let contents = if templated_body {
            let source = text(&file.contents).unwrap_or_default();
            Cow::Owned(
                tera.render(&file.path, ctx)
                    .map_err(|e| render_error(&file.path, source, &e))?
                    .into_bytes(),
            )
        } else {
            file.contents.clone()
        };
        out.push(RenderedFile {
            path,
            contents,
            executable: file.executable,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The rendered path, normalised; `None` when a component renders empty (conditional file or folder).
fn clean_path(template_path: &str, rendered: &str) -> Result<Option<String>, ScaffoldError> {
    let escape = || ScaffoldError::PathEscape {
        template_path: template_path.into(),
        rendered: rendered.into(),
    };
    if rendered.starts_with('/') || rendered.contains('\\') || rendered.contains('\0') {
        return Err(escape());
    }
    let mut parts = Vec::new();
    for part in rendered.split('/') {
        match part.trim() {
            "" => return Ok(None),
            "." | ".." => return Err(escape()),
            _ if part.len() >= 2 && part.as_bytes()[1] == b':' => return Err(escape()),
            _ => parts.push(part),
        }
    }
    Ok(Some(parts.join("/")))
}

fn globs(patterns: &[String]) -> Result<GlobSet, ScaffoldError> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        // A pattern without `/` matches a name at any depth, as in .gitignore.
        let full = if p.contains('/') {
            p.clone()
        } else {
            format!("**/{p}")
        };
        let glob = GlobBuilder::new(&full)
            .literal_separator(true)
            .build()
            .map_err(|e| ScaffoldError::Manifest {
                file: super::MANIFEST.into(),
                line: None,
                message: format!("invalid glob `{p}`: {e}"),
            })?;
        builder.add(glob);
    }
    builder.build().map_err(|e| ScaffoldError::Manifest {
        file: super::MANIFEST.into(),
        line: None,
        message: e.to_string(),
    })
}

/// Whether the path or one of its parent folders matches.
fn matches(set: &GlobSet, path: &str) -> bool {
    if set.is_empty() {
        return false;
    }
    let mut prefix = path;
    loop {
        if set.is_match(prefix) {
            return true;
        }
        match prefix.rfind('/') {
            Some(i) => prefix = &prefix[..i],
            None => return false,
        }
    }
}

fn text(bytes: &[u8]) -> Option<&str> {
    if bytes.iter().take(8000).any(|b| *b == 0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

fn has_syntax(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// Finds which template failed to parse and where.
fn locate_syntax_error(raw: &[(String, &str)], batch_error: &tera::Error) -> ScaffoldError {
    for (name, source) in raw {
        let mut probe = tera::Tera::default();
        if let Err(e) = probe.add_raw_template(name, source) {
            let message = error_chain(&e);
            let line = line_col(&message);
            return ScaffoldError::Syntax {
                file: display_name(name),
                line,
                message: first_pest_line(&message),
            };
        }
    }
    ScaffoldError::Syntax {
        file: "?".into(),
        line: None,
        message: error_chain(batch_error),
    }
}

fn render_error(name: &str, source: &str, e: &tera::Error) -> ScaffoldError {
    let message = error_chain(e);
    let line = undefined_variable(&message).and_then(|var| {
        source
            .lines()
            .position(|l| l.contains(var.as_str()))
            .map(|i| i + 1)
    });
    ScaffoldError::Render {
        file: display_name(name),
        line,
        message,
    }
}

fn display_name(name: &str) -> String {
    name.strip_prefix(PATH_PREFIX).unwrap_or(name).to_string()
}

/// A Tera error and its causes on one line.
pub fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.retain(|p| !p.starts_with("Failed to parse") && !p.starts_with("Failed to render"));
    parts.join(": ").replace(PATH_PREFIX, "")
}

fn line_col(message: &str) -> Option<usize> {
    let i = message.find("--> ")?;
    message[i + 4..].split(':').next()?.trim().parse().ok()
}

fn first_pest_line(message: &str) -> String {
    let detail = message
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('='))
        .map(|l| l.trim_start_matches([' ', '=']))
        .unwrap_or("");
    if detail.is_empty() {
        message.lines().next().unwrap_or_default().to_string()
    } else {
        detail.to_string()
    }
}

fn undefined_variable(message: &str) -> Option<String> {
    let start = message.find("Variable `")? + "Variable `".len();
    let end = message[start..].find('`')?;
    Some(message[start..start + end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, body: &str) -> TemplateFile {
        TemplateFile {
            path: path.into(),
            contents: Cow::Owned(body.as_bytes().to_vec()),
            executable: false,
        }
    }

    fn ctx() -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("name", "demo");
        c.insert("docker", &false);
        c
    }

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(text, "t").unwrap()
    }

    #[test]
    fn renders_paths_bodies_and_conditionals() {
        let files = vec![
            file("src/{{ name }}/__init__.py", "NAME = \"{{ name }}\"\n"),
            file("{% if docker %}Dockerfile{% endif %}", "FROM x\n"),
            file("raw.txt", "{% raw %}{{ kept }}{% endraw %}\n"),
            file("plain.txt", "no syntax\n"),
        ];
        let out = render(&files, &manifest(""), &ctx()).unwrap();
        let paths: Vec<_> = out.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["plain.txt", "raw.txt", "src/demo/__init__.py"]);
        assert_eq!(&*out[1].contents, b"{{ kept }}\n");
        assert_eq!(&*out[2].contents, b"NAME = \"demo\"\n");
    }

    #[test]
    fn exclude_and_copy_only() {
        let files = vec![
            file("a.pyc", "x"),
            file("cache/x.txt", "x"),
            file("keep/{{ name }}.txt", "{{ name }}"),
        ];
        let out = render(
            &files,
            &manifest("exclude = [\"*.pyc\", \"cache\"]\ncopy_only = [\"keep/**\"]\n"),
            &ctx(),
        )
        .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "keep/demo.txt");
        assert_eq!(&*out[0].contents, b"{{ name }}");
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let files = vec![
            file("ok.txt", "{{ name }}"),
            file("bad.txt", "line1\n{{ name | }}\nline3\n"),
        ];
        let err = render(&files, &manifest(""), &ctx()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("syntax error in template file `bad.txt` line 2"),
            "{err}"
        );
    }

    #[test]
    fn undefined_variable_names_line() {
        let files = vec![file("x.txt", "a\nb {{ nope }}\n")];
        let err = render(&files, &manifest(""), &ctx()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot render template file `x.txt` line 2"),
            "{err}"
        );
    }

    #[test]
    fn escaping_paths_are_refused() {
        for p in ["{{ '..' }}/x", "/abs/{{ name }}", "a/{{ '..' }}/b"] {
            let err = render(&[file(p, "")], &manifest(""), &ctx()).unwrap_err();
            assert!(matches!(err, ScaffoldError::PathEscape { .. }), "{p}: {err}");
        }
    }
}
