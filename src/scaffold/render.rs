//! Rendering: every file name and body goes through Tera once, in memory, before anything is written. Files
//! without Tera syntax, binary files and `copy_only` files are passed through untouched.

use super::engine::{Engine, PATH_PREFIX};
use super::manifest::Manifest;
use super::sandbox::{self, MAX_FILES, MAX_TOTAL_BYTES};
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

/// Renders the template files with `ctx`; `files` must not contain the manifest.
pub fn render(
    files: &[TemplateFile],
    manifest: &Manifest,
    ctx: &tera::Context,
) -> Result<Vec<RenderedFile>, ScaffoldError> {
    let exclude = globs(&manifest.exclude)?;
    let copy_only = globs(&manifest.copy_only)?;
    let mut raw: Vec<(String, &str)> = Vec::new();
    let mut kept: Vec<Job<'_>> = Vec::new();
    for file in files {
        if matches(&exclude, &file.path) {
            continue;
        }
        // Only text holding template syntax is parsed; everything else is passed through untouched.
        let body = (!matches(&copy_only, &file.path))
            .then(|| text(&file.contents))
            .flatten()
            .filter(|t| has_syntax(t));
        if let Some(t) = body {
            raw.push((file.path.clone(), t));
        }
        let templated_path = has_syntax(&file.path);
        if templated_path {
            raw.push((format!("{PATH_PREFIX}{}", file.path), file.path.as_str()));
        }
        kept.push(Job {
            file,
            body,
            templated_path,
        });
    }
    if kept.len() > MAX_FILES {
        return Err(ScaffoldError::TooMany {
            count: kept.len(),
            limit: MAX_FILES,
        });
    }
    let engine = Engine::build(&raw)?;
    let rendered = super::parallel::map(&kept, |job| job.run(&engine, ctx));

    let mut out = Vec::with_capacity(kept.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut total = 0usize;
    for (job, result) in kept.iter().zip(rendered) {
        let Some(file) = result? else { continue };
        if let Some(first) = seen.insert(sandbox::normalised_key(&file.path), job.file.path.clone()) {
            return Err(ScaffoldError::DuplicatePath {
                first,
                second: job.file.path.clone(),
                rendered: file.path,
            });
        }
        total += file.contents.len();
        if total > MAX_TOTAL_BYTES {
            return Err(ScaffoldError::TooLarge {
                file: "(all files together)".into(),
                limit: MAX_TOTAL_BYTES,
            });
        }
        out.push(file);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// One template file to render.
struct Job<'a> {
    file: &'a TemplateFile,
    /// The body, when it holds template syntax.
    body: Option<&'a str>,
    templated_path: bool,
}

impl Job<'_> {
    /// The rendered file, `None` when its path renders empty (a conditional file).
    fn run(&self, engine: &Engine, ctx: &tera::Context) -> Result<Option<RenderedFile>, ScaffoldError> {
        let file = self.file;
        let rendered_path = if self.templated_path {
            engine.render(&format!("{PATH_PREFIX}{}", file.path), &file.path, ctx)?
        } else {
            file.path.clone()
        };
        let Some(path) = sandbox::check_path(&file.path, &rendered_path)? else {
            return Ok(None);
        };
        let contents = match self.body {
            Some(source) => Cow::Owned(engine.render(&file.path, source, ctx)?.into_bytes()),
            None => file.contents.clone(),
        };
        Ok(Some(RenderedFile {
            path,
            contents,
            executable: file.executable,
        }))
    }
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
    // `contains` on bytes is a memchr: a byte-by-byte loop here was a visible share of a large render.
    if bytes[..bytes.len().min(8000)].contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Whether `s` holds `{{`, `{%` or `{#`; one pass.
fn has_syntax(s: &str) -> bool {
    super::engine_lex::next_block_start(s, 0).is_some()
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
            assert!(matches!(err, ScaffoldError::ForbiddenPath { .. }), "{p}: {err}");
        }
    }
}
