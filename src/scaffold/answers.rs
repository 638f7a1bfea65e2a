//! Answers to a template's questions: from `--data`, a data file, the user's defaults, the template's defaults
//! or an interactive asker, each parsed by the question's type and checked against its validator.

use super::ScaffoldError;
use super::manifest::{Manifest, Question, QuestionType};

/// Answers by question name.
pub type Answers = toml::Table;

/// Something that can ask a question (the terminal prompt of the command layer).
pub trait Asker {
    /// Asks `question`, proposing `default`; `check` parses and validates a typed answer (the asker re-asks
    /// while it fails).
    fn ask(
        &mut self,
        question: &Question,
        default: Option<&toml::Value>,
        check: &dyn Fn(&str) -> Result<toml::Value, String>,
    ) -> Result<toml::Value, ScaffoldError>;
}

/// Answers given before asking anything.
#[derive(Debug, Default)]
pub struct Provided {
    /// `--data KEY=VALUE` pairs, raw.
    pub data: Vec<(String, String)>,
    /// Answers from `--data-file`.
    pub file: toml::Table,
    /// Defaults from the user configuration (`[init]`); unknown keys there are ignored.
    pub user_defaults: toml::Table,
    /// `--defaults`: take defaults instead of asking.
    pub use_defaults: bool,
}

/// Collects one answer per applicable question, in order.
pub fn collect(
    manifest: &Manifest,
    provided: &Provided,
    base: &tera::Context,
    mut asker: Option<&mut dyn Asker>,
) -> Result<Answers, ScaffoldError> {
    let known: Vec<String> = manifest.questions.iter().map(|q| q.name.clone()).collect();
    let mut unknown: Vec<String> = provided
        .data
        .iter()
        .map(|(k, _)| k.clone())
        .chain(provided.file.keys().cloned())
        .filter(|k| !known.contains(k))
        .collect();
    unknown.sort();
    unknown.dedup();
    if !unknown.is_empty() {
        return Err(ScaffoldError::UnknownKeys { keys: unknown, known });
    }

    let mut answers = Answers::new();
    let mut missing = Vec::new();
    for q in &manifest.questions {
        let ctx = context(base, &answers);
        if !condition(q, &ctx)? {
            continue;
        }
        let check = |raw: &str| parse(q, raw);
        let value = if let Some((_, raw)) = provided.data.iter().rev().find(|(k, _)| *k == q.name) {
            Some(check(raw).map_err(|reason| invalid(q, reason))?)
        } else if let Some(v) = provided.file.get(&q.name) {
            Some(coerce(q, v).map_err(|reason| invalid(q, reason))?)
        } else {
            let default = match provided.user_defaults.get(&q.name) {
                Some(v) => Some(
                    coerce(q, v).map_err(|reason| invalid(q, format!("{reason} (user configuration)")))?,
                ),
                None => template_default(q, &ctx)?,
            };
            match asker.as_deref_mut() {
                Some(a) if !provided.use_defaults => Some(a.ask(q, default.as_ref(), &check)?),
                _ => default,
            }
        };
        match value {
            Some(v) => {
                answers.insert(q.name.clone(), v);
            }
            None => missing.push(q.name.clone()),
        }
    }
    if missing.is_empty() {
        Ok(answers)
    } else {
        Err(ScaffoldError::MissingAnswers { keys: missing })
    }
}

/// The Tera context of rendering: the base (site, devkit version) plus the answers.
pub fn context(base: &tera::Context, answers: &Answers) -> tera::Context {
    let mut ctx = base.clone();
    for (k, v) in answers {
        ctx.insert(k.as_str(), v);
    }
    ctx
}

fn invalid(q: &Question, reason: String) -> ScaffoldError {
    ScaffoldError::InvalidAnswer {
        key: q.name.clone(),
        reason,
    }
}

fn condition(q: &Question, ctx: &tera::Context) -> Result<bool, ScaffoldError> {
    let Some(when) = &q.when else { return Ok(true) };
    match when {
        toml::Value::Boolean(b) => Ok(*b),
        toml::Value::String(expr) => {
            let template = if expr.contains("{{") || expr.contains("{%") {
                expr.clone()
            } else {
                format!("{{% if {expr} %}}true{{% endif %}}")
            };
            let out = render_str(&template, ctx, q, "when")?;
            Ok(truthy(&out))
        }
        _ => Err(invalid(q, "`when` must be a boolean or an expression".into())),
    }
}

fn template_default(q: &Question, ctx: &tera::Context) -> Result<Option<toml::Value>, ScaffoldError> {
    let Some(default) = &q.default else {
        return Ok(None);
    };
    match default.as_str() {
        Some(s) if s.contains("{{") || s.contains("{%") => {
            let rendered = render_str(s, ctx, q, "default")?;
            parse(q, &rendered)
                .map(Some)
                .map_err(|reason| invalid(q, format!("default: {reason}")))
        }
        _ => coerce(q, default)
            .map(Some)
            .map_err(|reason| invalid(q, format!("default: {reason}"))),
    }
}

/// Renders a question's `default` or `when` through the template sandbox.
fn render_str(
    template: &str,
    ctx: &tera::Context,
    q: &Question,
    what: &str,
) -> Result<String, ScaffoldError> {
    let name = format!("{} [{what} of question {}]", super::MANIFEST, q.name);
    super::engine::render_one(&name, template, ctx)
}

fn truthy(s: &str) -> bool {
    !matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "0" | "no" | "off" | "none"
    )
}

/// Parses a typed answer from text and checks it.
pub fn parse(q: &Question, raw: &str) -> Result<toml::Value, String> {
    let value = match q.kind {
        QuestionType::String | QuestionType::Choice => toml::Value::String(raw.to_string()),
        QuestionType::Bool => toml::Value::Boolean(match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "on" => true,
            "false" | "no" | "n" | "0" | "off" => false,
            _ => return Err(format!("`{raw}` is not a boolean (true/false, yes/no)")),
        }),
        QuestionType::Int => toml::Value::Integer(
            raw.trim()
                .parse()
                .map_err(|_| format!("`{raw}` is not an integer"))?,
        ),
        QuestionType::Multichoice => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_string()))
                .collect(),
        ),
    };
    check(q, value)
}

/// Converts a typed value (data file, defaults) to the question's type and checks it.
pub fn coerce(q: &Question, v: &toml::Value) -> Result<toml::Value, String> {
    match (q.kind, v) {
        (QuestionType::Bool, toml::Value::Boolean(_))
        | (QuestionType::Int, toml::Value::Integer(_))
        | (QuestionType::String | QuestionType::Choice, toml::Value::String(_))
        | (QuestionType::Multichoice, toml::Value::Array(_)) => check(q, v.clone()),
        (QuestionType::String | QuestionType::Choice, toml::Value::Integer(i)) => {
            check(q, toml::Value::String(i.to_string()))
        }
        (_, toml::Value::String(s)) => parse(q, s),
        _ => Err(format!("`{v}` is not of type {:?}", q.kind).to_lowercase()),
    }
}

fn check(q: &Question, value: toml::Value) -> Result<toml::Value, String> {
    let choices: Vec<String> = q.choices.iter().map(plain).collect();
    match &value {
        toml::Value::String(s) if q.kind == QuestionType::Choice && !choices.contains(s) => {
            return Err(format!("`{s}` is not one of {}", choices.join(", ")));
        }
        toml::Value::Array(items) => {
            for item in items {
                let s = plain(item);
                if !choices.contains(&s) {
                    return Err(format!("`{s}` is not one of {}", choices.join(", ")));
                }
            }
        }
        _ => {}
    }
    if let (Some(pattern), false) = (&q.validator, value.is_array()) {
        let re = regex::Regex::new(pattern).map_err(|e| e.to_string())?;
        let text = plain(&value);
        if !re.is_match(&text) {
            let help = if q.help.is_empty() {
                String::new()
            } else {
                format!(" ({})", q.help)
            };
            return Err(format!("`{text}` does not match `{pattern}`{help}"));
        }
    }
    Ok(value)
}

fn plain(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(text, "t").unwrap()
    }

    #[test]
    fn defaults_can_use_earlier_answers_and_when_skips() {
        let m = manifest(
            "[[questions]]\nname = \"project\"\ndefault = \"My Lib\"\n[[questions]]\nname = \"pkg\"\ndefault = \"{{ project | lower | replace(from=' ', to='_') }}\"\n[[questions]]\nname = \"docker\"\ntype = \"bool\"\ndefault = false\n[[questions]]\nname = \"image\"\nwhen = \"docker\"\n",
        );
        let provided = Provided {
            use_defaults: true,
            ..Provided::default()
        };
        let a = collect(&m, &provided, &tera::Context::new(), None).unwrap();
        assert_eq!(a["pkg"].as_str(), Some("my_lib"));
        assert!(!a.contains_key("image"));
    }

    #[test]
    fn data_is_typed_validated_and_unknown_keys_refused() {
        let m = manifest(
            "[[questions]]\nname = \"n\"\ntype = \"int\"\n[[questions]]\nname = \"s\"\nvalidator = \"^[a-z]+$\"\n",
        );
        let p = |data: &[(&str, &str)]| Provided {
            data: data.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Provided::default()
        };
        let a = collect(&m, &p(&[("n", "3"), ("s", "abc")]), &tera::Context::new(), None).unwrap();
        assert_eq!(a["n"].as_integer(), Some(3));
        let err = collect(&m, &p(&[("n", "x"), ("s", "abc")]), &tera::Context::new(), None).unwrap_err();
        assert_eq!(err.to_string(), "invalid answer for `n`: `x` is not an integer");
        let err = collect(&m, &p(&[("n", "1"), ("s", "A")]), &tera::Context::new(), None).unwrap_err();
        assert!(err.to_string().contains("does not match `^[a-z]+$`"), "{err}");
        let err = collect(&m, &p(&[("zz", "1")]), &tera::Context::new(), None).unwrap_err();
        assert_eq!(err.to_string(), "unknown answer `zz`");
        let err = collect(&m, &p(&[]), &tera::Context::new(), None).unwrap_err();
        assert_eq!(err.to_string(), "missing answers: `n`, `s`");
    }

    #[test]
    fn choices_are_enforced() {
        let m = manifest("[[questions]]\nname = \"c\"\ntype = \"multichoice\"\nchoices = [\"a\", \"b\"]\n");
        let q = &m.questions[0];
        assert_eq!(
            parse(q, "a, b").unwrap(),
            toml::Value::Array(vec!["a".into(), "b".into()])
        );
        assert!(parse(q, "a,z").is_err());
    }
}
