//! The only way devkit builds a Tera instance: templates parsed in parallel (through `engine_text`), checked by `engine_scan`
//! (allow-listed functions, filters and testers; no recursion), with only the allowed functions registered
//! and `range` bounded, and every render writing into a buffer that refuses to grow past the size limit.

use super::ScaffoldError;
use super::engine_scan;
use super::engine_text;
use super::sandbox::{MAX_FILE_BYTES, MAX_RANGE};
use std::collections::HashMap;
use std::sync::Arc;

/// Prefix of the names under which rendered paths (rather than bodies) are registered.
pub const PATH_PREFIX: &str = "\u{0}path:";

/// A set of parsed, checked templates ready to render.
pub struct Engine {
    tera: tera::Tera,
}

impl Engine {
    /// Parses and checks `(name, source)` templates.
    pub fn build(sources: &[(String, &str)]) -> Result<Self, ScaffoldError> {
        let parsed = engine_text::parse_all(sources);
        let mut tera = sandboxed_tera();
        for ((name, _), template) in sources.iter().zip(parsed) {
            let template = template.map_err(|e| syntax_error(name, &e))?;
            tera.templates.insert(template.name.clone(), template);
        }
        let texts: HashMap<&str, &str> = sources.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        engine_scan::check(
            &tera.templates,
            &|name| texts.get(name).map(|t| (*t).to_string()),
            &display_name,
        )?;
        tera.build_inheritance_chains()
            .and_then(|()| tera.check_macro_files())
            .map_err(|e| ScaffoldError::Syntax {
                file: "?".into(),
                line: None,
                message: error_chain(&e),
            })?;
        Ok(Self { tera })
    }

    /// Renders template `name`; `source` is its text, for the line of an error.
    pub fn render(&self, name: &str, source: &str, ctx: &tera::Context) -> Result<String, ScaffoldError> {
        // Most of a rendered file is its template's text: one allocation instead of a growing buffer.
        let mut out = Bounded {
            bytes: Vec::with_capacity(source.len().saturating_add(source.len() / 8).min(MAX_FILE_BYTES)),
            exceeded: false,
        };
        let result = self.tera.render_to(name, ctx, &mut out);
        if out.exceeded {
            return Err(ScaffoldError::TooLarge {
                file: display_name(name),
                limit: MAX_FILE_BYTES,
            });
        }
        result.map_err(|e| render_error(name, source, &e))?;
        String::from_utf8(out.bytes).map_err(|e| ScaffoldError::Render {
            file: display_name(name),
            line: None,
            message: e.to_string(),
        })
    }
}

/// Renders one expression-like template (a question's default or condition) through the same sandbox.
pub fn render_one(name: &str, source: &str, ctx: &tera::Context) -> Result<String, ScaffoldError> {
    Engine::build(&[(name.to_string(), source)])?.render(name, source, ctx)
}

/// A Tera instance with only the allowed functions, filters and testers.
fn sandboxed_tera() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    tera.functions
        .retain(|name, _| engine_scan::FUNCTIONS.contains(&name.as_str()));
    tera.filters
        .retain(|name, _| engine_scan::FILTERS.contains(&name.as_str()));
    tera.testers
        .retain(|name, _| engine_scan::TESTERS.contains(&name.as_str()));
    if let Some(range) = tera.functions.get("range").cloned() {
        tera.register_function("range", bounded_range(range));
    }
    tera
}

/// `range` refusing to build more than `MAX_RANGE` numbers or to loop forever on `step_by=0`.
fn bounded_range(
    inner: Arc<dyn tera::Function>,
) -> impl Fn(&HashMap<String, tera::Value>) -> tera::Result<tera::Value> + Send + Sync {
    move |args| {
        let number = |key: &str, default: u64| args.get(key).and_then(tera::Value::as_u64).unwrap_or(default);
        let (start, end, step) = (number("start", 0), number("end", 0), number("step_by", 1));
        if step == 0 {
            return Err(tera::Error::msg("`range` was called with `step_by=0`"));
        }
        if end.saturating_sub(start) / step > MAX_RANGE as u64 {
            return Err(tera::Error::msg(format!(
                "`range` may produce at most {MAX_RANGE} numbers"
            )));
        }
        inner.call(args)
    }
}

/// An output buffer that stops accepting bytes past `MAX_FILE_BYTES`.
#[derive(Default)]
struct Bounded {
    bytes: Vec<u8>,
    exceeded: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_FILE_BYTES {
            self.exceeded = true;
            return Err(std::io::Error::other("rendered file too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The name of a template as the user knows it (its path in the template).
pub fn display_name(name: &str) -> String {
    name.strip_prefix(PATH_PREFIX).unwrap_or(name).to_string()
}

fn syntax_error(name: &str, e: &tera::Error) -> ScaffoldError {
    let message = error_chain(e);
    ScaffoldError::Syntax {
        file: display_name(name),
        line: line_col(&message),
        message: first_pest_line(&message),
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
