//! `template.toml`: the questions a template asks and how its files are treated (`exclude`, `copy_only`),
//! checked up front so a broken template fails before anything is asked or written.

use super::ScaffoldError;
use serde::Deserialize;

/// Names a question may not take: devkit's own context (`site`, `devkit_version`) and Tera's words.
pub const RESERVED: &[&str] = &[
    "devkit_version",
    "site",
    "loop",
    "self",
    "super",
    "true",
    "false",
    "none",
    "and",
    "or",
    "not",
    "in",
    "is",
];

/// The parsed manifest of a template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// One line saying what the template makes.
    #[serde(default)]
    pub description: String,
    /// Oldest devkit version able to render the template.
    #[serde(default)]
    pub min_devkit_version: Option<String>,
    /// Globs of template files never generated.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Globs of template files copied verbatim, without rendering.
    #[serde(default)]
    pub copy_only: Vec<String>,
    /// The questions, asked in order.
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// The type of a question's answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionType {
    /// Free text.
    #[default]
    String,
    /// Yes or no.
    Bool,
    /// An integer.
    Int,
    /// One of `choices`.
    Choice,
    /// Any subset of `choices`.
    Multichoice,
}

/// One question of a template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The answer's key in templates.
    pub name: String,
    /// Answer type.
    #[serde(rename = "type", default)]
    pub kind: QuestionType,
    /// Text shown when asking.
    #[serde(default)]
    pub help: String,
    /// Allowed values for `choice` and `multichoice`.
    #[serde(default)]
    pub choices: Vec<toml::Value>,
    /// The default; a string may be a Tera expression over earlier answers.
    pub default: Option<toml::Value>,
    /// A regex the answer must match.
    pub validator: Option<String>,
    /// A condition (Tera expression over earlier answers, or a boolean); the question is skipped when false.
    pub when: Option<toml::Value>,
}

impl Manifest {
    /// Parses and checks a manifest; `origin` names the template in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ScaffoldError> {
        let file = format!("{origin}/{}", super::MANIFEST);
        let manifest: Self = toml::from_str(text).map_err(|e| ScaffoldError::Manifest {
            file: file.clone(),
            line: e.span().map(|s| crate::site::line_of_offset(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        manifest.check(text, &file)?;
        Ok(manifest)
    }

    fn check(&self, text: &str, file: &str) -> Result<(), ScaffoldError> {
        let name_re = regex::Regex::new("^[A-Za-z_][A-Za-z0-9_]*$").map_err(|e| ScaffoldError::Manifest {
            file: file.to_string(),
            line: None,
            message: e.to_string(),
        })?;
        let mut seen = std::collections::HashSet::new();
        for q in &self.questions {
            let line = text
                .find(&format!("\"{}\"", q.name))
                .map(|o| crate::site::line_of_offset(text, o));
            let fail = |message: String| ScaffoldError::Manifest {
                file: file.to_string(),
                line,
                message,
            };
            if !name_re.is_match(&q.name) {
                return Err(fail(format!(
                    "question name `{}` must be an identifier (letters, digits, `_`)",
                    q.name
                )));
            }
            if RESERVED.contains(&q.name.as_str()) || q.name.starts_with("__") {
                return Err(fail(format!(
                    "question name `{}` is reserved; reserved names: {}, and any name starting with `__`",
                    q.name,
                    RESERVED.join(", ")
                )));
            }
            if !seen.insert(q.name.as_str()) {
                return Err(fail(format!("question `{}` is declared twice", q.name)));
            }
            if matches!(q.kind, QuestionType::Choice | QuestionType::Multichoice) && q.choices.is_empty() {
                return Err(fail(format!(
                    "question `{}` of type choice needs `choices`",
                    q.name
                )));
            }
            if let Some(v) = &q.validator {
                regex::Regex::new(v)
                    .map_err(|e| fail(format!("validator of `{}` is not a valid regex: {e}", q.name)))?;
            }
            if let Some(default) = &q.default {
                let templated = default
                    .as_str()
                    .is_some_and(|s| s.contains("{{") || s.contains("{%"));
                if !templated && !default_type_ok(q.kind, default) {
                    return Err(fail(format!("default of `{}` does not match its type", q.name)));
                }
            }
        }
        for glob in self.exclude.iter().chain(&self.copy_only) {
            globset::Glob::new(glob).map_err(|e| ScaffoldError::Manifest {
                file: file.to_string(),
                line: text
                    .find(glob.as_str())
                    .map(|o| crate::site::line_of_offset(text, o)),
                message: format!("invalid glob `{glob}`: {e}"),
            })?;
        }
        Ok(())
    }

    /// Refuses the template when it needs a newer devkit than `current`.
    pub fn check_version(&self, template: &str, current: &str) -> Result<(), ScaffoldError> {
        let Some(required) = &self.min_devkit_version else {
            return Ok(());
        };
        let bad = |message: String| ScaffoldError::Manifest {
            file: format!("{template}/{}", super::MANIFEST),
            line: None,
            message,
        };
        let req = semver::Version::parse(required)
            .map_err(|e| bad(format!("min_devkit_version `{required}` is not a version: {e}")))?;
        let cur = semver::Version::parse(current).map_err(|e| bad(e.to_string()))?;
        if cur < req {
            return Err(ScaffoldError::TooOld {
                template: template.to_string(),
                required: required.clone(),
                current: current.to_string(),
            });
        }
        Ok(())
    }
}

fn default_type_ok(kind: QuestionType, v: &toml::Value) -> bool {
    match kind {
        QuestionType::String | QuestionType::Choice => v.is_str() || v.is_integer(),
        QuestionType::Bool => v.is_bool(),
        QuestionType::Int => v.is_integer(),
        QuestionType::Multichoice => v.is_array(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_questions_and_globs() {
        let m = Manifest::parse(
            "description = \"d\"\nexclude = [\"*.pyc\"]\n[[questions]]\nname = \"n\"\ntype = \"choice\"\nchoices = [\"a\", \"b\"]\ndefault = \"a\"\n",
            "t",
        )
        .unwrap();
        assert_eq!(m.questions[0].kind, QuestionType::Choice);
        assert_eq!(m.exclude, vec!["*.pyc"]);
    }

    #[test]
    fn reports_unknown_keys_with_line() {
        let err = Manifest::parse("[[questions]]\nname = \"n\"\nhelpp = \"x\"\n", "t").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("`t/template.toml` is invalid (line 3)"), "{msg}");
    }

    #[test]
    fn rejects_bad_validator_and_duplicate() {
        let err = Manifest::parse("[[questions]]\nname = \"n\"\nvalidator = \"(\"\n", "t").unwrap_err();
        assert!(err.to_string().contains("not a valid regex"), "{err}");
        let err =
            Manifest::parse("[[questions]]\nname = \"n\"\n[[questions]]\nname = \"n\"\n", "t").unwrap_err();
        assert!(err.to_string().contains("declared twice"), "{err}");
    }

    #[test]
    fn reserved_names_are_refused_with_the_list() {
        for name in ["site", "devkit_version", "__x"] {
            let err = Manifest::parse(&format!("[[questions]]\nname = \"{name}\"\n"), "t").unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.contains("is reserved") && msg.contains("devkit_version, site"),
                "{msg}"
            );
        }
    }

    #[test]
    fn version_gate() {
        let m = Manifest::parse("min_devkit_version = \"99.0.0\"\n", "t").unwrap();
        assert!(matches!(
            m.check_version("t", "0.1.0"),
            Err(ScaffoldError::TooOld { .. })
        ));
        assert!(m.check_version("t", "99.0.1").is_ok());
    }
}
