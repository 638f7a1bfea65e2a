//! `.devkit-answers.toml`: the template source, ref, commit, devkit version and answers of a generated
//! project, written at `init` and read back by `update`.

use super::answers::Answers;
use super::source::SourceKind;
use serde::{Deserialize, Serialize};

/// The contents of `.devkit-answers.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    /// Where the template came from.
    pub template: TemplateRecord,
    /// The answers given.
    pub answers: Answers,
}

/// The template part of the answers file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRecord {
    /// Embedded name, folder or git URL.
    pub source: String,
    /// Kind of source.
    pub kind: SourceKind,
    /// Git ref.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    /// Git commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The devkit version that generated or last updated the project.
    pub devkit_version: String,
}

const HEADER: &str = "# Written by devkit: the template and answers this project was generated from.\n\
# `devkit update` reads it; change answers with `devkit update --data KEY=VALUE` rather than by hand.\n";

impl AnswersFile {
    /// The record of a project generated from `template` with `answers` by devkit `version`.
    pub fn new(template: &super::source::Template, answers: Answers, version: &str) -> Self {
        Self {
            template: TemplateRecord {
                source: template.source.clone(),
                kind: template.kind,
                git_ref: template.git_ref.clone(),
                commit: template.commit.clone(),
                devkit_version: version.to_string(),
            },
            answers,
        }
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!("{HEADER}{body}")
    }

    /// Parses the file's text.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut answers = Answers::new();
        answers.insert("name".into(), "demo".into());
        let file = AnswersFile {
            template: TemplateRecord {
                source: "python-lib".into(),
                kind: SourceKind::Embedded,
                git_ref: None,
                commit: None,
                devkit_version: "0.1.0".into(),
            },
            answers,
        };
        let text = file.render();
        assert!(
            text.contains("[template]\nsource = \"python-lib\"\nkind = \"embedded\"\n"),
            "{text}"
        );
        let back = AnswersFile::parse(&text).unwrap();
        assert_eq!(back.answers["name"].as_str(), Some("demo"));
    }
}
