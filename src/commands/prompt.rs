//! Asking a template's questions on the terminal, with validation and re-asking (dialoguer, on stderr).

use crate::scaffold::ScaffoldError;
use crate::scaffold::answers::Asker;
use crate::scaffold::manifest::{Question, QuestionType};

/// Asks on the terminal.
pub struct TerminalAsker;

impl Asker for TerminalAsker {
    fn ask(
        &mut self,
        q: &Question,
        default: Option<&toml::Value>,
        check: &dyn Fn(&str) -> Result<toml::Value, String>,
    ) -> Result<toml::Value, ScaffoldError> {
        let prompt = if q.help.is_empty() {
            q.name.clone()
        } else {
            format!("{} ({})", q.help, q.name)
        };
        let fail = |e: dialoguer::Error| ScaffoldError::InvalidAnswer {
            key: q.name.clone(),
            reason: format!("prompt failed: {e}"),
        };
        let choices: Vec<String> = q.choices.iter().map(plain).collect();
        let text = match q.kind {
            QuestionType::Bool => {
                let answer = dialoguer::Confirm::new()
                    .with_prompt(prompt)
                    .default(default.and_then(toml::Value::as_bool).unwrap_or(false))
                    .interact()
                    .map_err(fail)?;
                answer.to_string()
            }
            QuestionType::Choice => {
                let current = default
                    .map(plain)
                    .and_then(|d| choices.iter().position(|c| *c == d))
                    .unwrap_or(0);
                let index = dialoguer::Select::new()
                    .with_prompt(prompt)
                    .items(&choices)
                    .default(current)
                    .interact()
                    .map_err(fail)?;
                choices.get(index).cloned().unwrap_or_default()
            }
            QuestionType::Multichoice => {
                let selected: Vec<String> = default
                    .and_then(toml::Value::as_array)
                    .map(|a| a.iter().map(plain).collect())
                    .unwrap_or_default();
                let flags: Vec<bool> = choices.iter().map(|c| selected.contains(c)).collect();
                let picked = dialoguer::MultiSelect::new()
                    .with_prompt(prompt)
                    .items(&choices)
                    .defaults(&flags)
                    .interact()
                    .map_err(fail)?;
                picked
                    .iter()
                    .filter_map(|i| choices.get(*i).cloned())
                    .collect::<Vec<_>>()
                    .join(",")
            }
            QuestionType::String | QuestionType::Int => {
                let mut input = dialoguer::Input::<String>::new()
                    .with_prompt(prompt)
                    .allow_empty(false);
                if let Some(d) = default {
                    input = input.default(plain(d));
                }
                input
                    .validate_with(|s: &String| check(s).map(|_| ()))
                    .interact_text()
                    .map_err(fail)?
            }
        };
        check(&text).map_err(|reason| ScaffoldError::InvalidAnswer {
            key: q.name.clone(),
            reason,
        })
    }
}

fn plain(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
