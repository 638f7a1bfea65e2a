//! The CI plugins as data for the tests: each `plugins/<name>.yml` split into its `spec:` header and its jobs,
//! the declared inputs in file order, and a small interpolator that does what GitLab does with
//! `$[[ inputs.x ]]` (a block that is the whole value keeps its type, inside a longer string it becomes text),
//! after checking the given inputs the way GitLab does (unknown, missing, type, options, regex).

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One plugin file.
pub struct Plugin {
    /// `trex-job` for `plugins/trex-job.yml`.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// The second document (the jobs) as text.
    pub body_text: String,
    /// The first document (`spec:`).
    pub header: Value,
    /// The second document, not interpolated.
    pub body: Value,
    /// The inputs, in the order of the file.
    pub inputs: Vec<Input>,
}

/// One declared input.
pub struct Input {
    pub name: String,
    /// `string` when the spec gives no `type`.
    pub kind: String,
    /// The whole declaration.
    pub spec: Value,
}

impl Input {
    pub fn description(&self) -> Option<&str> {
        self.spec["description"].as_str()
    }
    pub fn default(&self) -> Option<&Value> {
        self.spec.get("default")
    }
    pub fn options(&self) -> Option<&Vec<Value>> {
        self.spec["options"].as_array()
    }
    pub fn regex(&self) -> Option<&str> {
        self.spec["regex"].as_str()
    }
    /// A string input that neither `options` nor `regex` constrains: any text can arrive through it.
    pub fn is_free_text(&self) -> bool {
        self.kind == "string" && self.options().is_none() && self.regex().is_none()
    }
}

/// The repository's `plugins/` folder.
pub fn plugins_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins")
}

/// Every plugin, sorted by name.
pub fn plugins() -> Vec<Plugin> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(plugins_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no plugin in plugins/");
    paths.iter().map(|p| load(p)).collect()
}

/// One plugin by name.
pub fn plugin(name: &str) -> Plugin {
    load(&plugins_dir().join(format!("{name}.yml")))
}

fn load(path: &Path) -> Plugin {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let documents: Vec<Value> =
        serde_saphyr::from_multiple(&text).unwrap_or_else(|e| panic!("plugins/{name}.yml is not YAML: {e}"));
    assert_eq!(
        documents.len(),
        2,
        "plugins/{name}.yml: a `spec:` header, `---`, then the jobs"
    );
    let (_, body_text) = text
        .split_once("\n---\n")
        .unwrap_or_else(|| panic!("plugins/{name}.yml has no `---` line"));
    let header = documents[0].clone();
    let declared = header["spec"]["inputs"].as_object().cloned().unwrap_or_default();
    let inputs = input_order(&text)
        .into_iter()
        .map(|n| Input {
            kind: declared[&n]["type"].as_str().unwrap_or("string").to_string(),
            spec: declared[&n].clone(),
            name: n,
        })
        .collect::<Vec<_>>();
    assert_eq!(
        inputs.len(),
        declared.len(),
        "plugins/{name}.yml: inputs read in order"
    );
    Plugin {
        name,
        body_text: body_text.to_string(),
        text,
        body: documents[1].clone(),
        header,
        inputs,
    }
}

/// The input names in file order (the keys four spaces deep under `spec: inputs:`).
fn input_order(text: &str) -> Vec<String> {
    let header = text.split("\n---\n").next().unwrap_or_default();
    let mut names = Vec::new();
    let mut inside = false;
    for line in header.lines() {
        if line == "  inputs:" {
            inside = true;
        } else if inside && !line.starts_with("    ") {
            inside = false;
        } else if inside && !line.starts_with("     ") && line.ends_with(':') {
            names.push(line.trim().trim_end_matches(':').to_string());
        }
    }
    names
}

/// The names used as `$[[ inputs.x ]]` (with or without functions) in `text`.
pub fn references(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\$\[\[\s*inputs\.([A-Za-z0-9_]+)").unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

impl Plugin {
    pub fn input(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// The values GitLab would use for `given`: checked, then completed with the defaults.
    pub fn resolve(&self, given: &Map<String, Value>) -> Result<Map<String, Value>, String> {
        let unknown: Vec<&str> = given
            .keys()
            .filter(|k| self.input(k).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(format!("unknown input arguments: {}", unknown.join(", ")));
        }
        let mut values = Map::new();
        for input in &self.inputs {
            let value = match (given.get(&input.name), input.default()) {
                (Some(v), _) | (None, Some(v)) => v.clone(),
                (None, None) => {
                    return Err(format!(
                        "`{}` input: required value has not been provided",
                        input.name
                    ));
                }
            };
            check(input, &value)?;
            values.insert(input.name.clone(), value);
        }
        Ok(values)
    }

    /// The jobs document with `given` interpolated (after [`Plugin::resolve`]).
    pub fn interpolate(&self, given: &Map<String, Value>) -> Result<Value, String> {
        let values = self.resolve(given)?;
        Ok(interpolate_value(&self.body, &values))
    }
}

fn check(input: &Input, value: &Value) -> Result<(), String> {
    let name = &input.name;
    let ok = match input.kind.as_str() {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        other => return Err(format!("`{name}` input: unknown type `{other}`")),
    };
    if !ok {
        return Err(format!("`{name}` input: provided value is not a {}", input.kind));
    }
    if let Some(options) = input.options()
        && !options.contains(value)
    {
        return Err(format!(
            "`{name}` input: `{value}` cannot be used because it is not in the list of allowed options"
        ));
    }
    if let (Some(re), Some(text)) = (input.regex(), value.as_str()) {
        let re = regex::Regex::new(re).map_err(|e| format!("`{name}` input: bad regex: {e}"))?;
        if !re.is_match(text) {
            return Err(format!(
                "`{name}` input: provided value does not match required RegEx pattern"
            ));
        }
    }
    Ok(())
}

fn interpolate_value(value: &Value, values: &Map<String, Value>) -> Value {
    match value {
        Value::String(s) => interpolate_string(s, values),
        Value::Array(items) => Value::Array(items.iter().map(|v| interpolate_value(v, values)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        as_text(&interpolate_string(k, values)),
                        interpolate_value(v, values),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn block() -> regex::Regex {
    regex::Regex::new(r"\$\[\[\s*inputs\.([A-Za-z0-9_]+)\s*\]\]").unwrap()
}

fn interpolate_string(s: &str, values: &Map<String, Value>) -> Value {
    let re = block();
    if let Some(c) = re.captures(s.trim())
        && c.get(0).is_some_and(|m| m.as_str() == s.trim())
    {
        return values[&c[1]].clone();
    }
    Value::String(
        re.replace_all(s, |c: &regex::Captures| as_text(&values[&c[1]]))
            .into_owned(),
    )
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A YAML mapping of inputs (a sample file) as a JSON map.
pub fn inputs_from_yaml(yaml: &str) -> Map<String, Value> {
    let value: Value = serde_saphyr::from_str(yaml).unwrap();
    value.as_object().cloned().unwrap_or_default()
}
