//! The module graph stays readable: no cycle between the top-level modules of `src/`, and nothing below the
//! command layer names `crate::commands` or `crate::cli` (the command line and the commands sit on top).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file below `dir`.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` part.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level module of `src/` → the top-level modules it names.
fn graph_of_src() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let uses = regex::Regex::new(r"crate::(\{[^}]*\}|[a-z_]+)").unwrap();
    let word = regex::Regex::new(r"(?:^|[{,\s])([a-z_]+)(?:::|\s*[,}])").unwrap();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .iter()
            .next()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if ["main", "lib", "bin"].contains(&top.as_str()) {
            continue;
        }
        let text = code(&std::fs::read_to_string(&file).unwrap());
        let entry = graph.entry(top.clone()).or_default();
        for m in uses.captures_iter(&text) {
            let named = &m[1];
            let names: Vec<String> = if named.starts_with('{') {
                word.captures_iter(named).map(|w| w[1].to_string()).collect()
            } else {
                vec![named.to_string()]
            };
            entry.extend(names.into_iter().filter(|n| *n != top && n != "self"));
        }
    }
    graph
}

/// A cycle through `start`, if there is one.
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    at: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    for next in graph.get(at).into_iter().flatten() {
        if next == start {
            let mut found = path.clone();
            found.push(start.to_string());
            return Some(found);
        }
        if !path.contains(next) {
            path.push(next.clone());
            if let Some(c) = cycle_from(graph, start, next, path) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn top_level_modules_form_no_cycle() {
    let graph = graph_of_src();
    assert!(graph.len() > 10, "{graph:?}");
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        if let Some(cycle) = cycle_from(&graph, start, start, &mut path) {
            panic!("module cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn nothing_below_the_command_layer_names_it() {
    for (module, named) in graph_of_src() {
        if module == "commands" || module == "cli" {
            continue;
        }
        assert!(!named.contains("commands"), "`{module}` names `crate::commands`");
        assert!(!named.contains("cli"), "`{module}` names `crate::cli`");
    }
}

#[test]
fn the_search_finds_a_cycle_and_reads_grouped_imports() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in [
        ("settings", "cli"),
        ("cli", "error"),
        ("error", "configure"),
        ("configure", "settings"),
    ] {
        graph.entry(from.into()).or_default().insert(to.into());
    }
    let mut path = vec!["settings".to_string()];
    let cycle = cycle_from(&graph, "settings", "settings", &mut path).unwrap();
    assert_eq!(cycle, ["settings", "cli", "error", "configure", "settings"]);
    let real = graph_of_src();
    assert!(
        real["settings"].contains("error") && real["settings"].contains("site"),
        "{real:?}"
    );
    assert!(real["onboard"].contains("doctor"), "{real:?}");
}
