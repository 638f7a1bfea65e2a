//! The inputs tables of `plugins/README.md` are generated from the plugins' `spec:` headers: this test fails
//! when a table drifts, and `DEVKIT_SNAPSHOTS=overwrite` rewrites the tables between their markers.

use crate::plugin_spec::{Input, Plugin, plugins, plugins_dir};
use crate::plugins::compare_or_write;
use serde_json::Value;

/// The generated table of one plugin.
fn table(p: &Plugin) -> String {
    let mut out = String::from("| input | type | default | description |\n| --- | --- | --- | --- |\n");
    for input in &p.inputs {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            input.name,
            kind(input),
            default(input),
            cell(input.description().unwrap_or_default())
        ));
    }
    out
}

fn kind(input: &Input) -> String {
    match input.options() {
        Some(options) => {
            let options: Vec<String> = options.iter().map(|o| format!("`{}`", text(o))).collect();
            format!("{}: {}", input.kind, options.join(", "))
        }
        None if input.regex().is_some() => format!("{} (checked)", input.kind),
        None => input.kind.clone(),
    }
}

fn default(input: &Input) -> String {
    match input.default() {
        None => "**required**".into(),
        Some(Value::String(s)) if s.is_empty() => "`\"\"`".into(),
        Some(v) => format!("`{}`", cell(&text(v))),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(text).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[test]
fn readme_input_tables_match_the_specs() {
    let path = plugins_dir().join("README.md");
    let mut readme = std::fs::read_to_string(&path).unwrap();
    for p in plugins() {
        let start = format!("<!-- inputs:{} -->\n", p.name);
        let end = format!("<!-- /inputs:{} -->", p.name);
        let (Some(a), Some(b)) = (readme.find(&start), readme.find(&end)) else {
            panic!(
                "plugins/README.md needs a section for `{}` with `{start}` ... `{end}`",
                p.name
            );
        };
        readme.replace_range(a + start.len()..b, &table(&p));
    }
    let mut stale = Vec::new();
    compare_or_write(&path, &readme, &mut stale);
    assert!(
        stale.is_empty(),
        "plugins/README.md input tables drifted (DEVKIT_SNAPSHOTS=overwrite rewrites them):\n{}",
        stale.join("\n")
    );
}
