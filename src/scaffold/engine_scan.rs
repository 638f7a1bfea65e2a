//! Static checks of parsed templates before anything renders: every function, filter and tester must be on
//! the allow-list, and the graph of includes, imports, `extends` and macro calls must have no cycle and stay
//! within the depth and expansion limits. Tera itself has no recursion limit: a cycle would overflow the
//! stack and abort the process, so it must be refused here, never caught.

use super::ScaffoldError;
use super::sandbox::{MAX_DEPTH, MAX_EXPANSIONS};
use std::collections::HashMap;
use tera::ast::{Expr, ExprVal, Node};

/// Functions a template may call: `range` (bounded) and `throw` (fails the render with a message). Not
/// `get_env` (reads the environment), nor `now`/`get_random` (not compiled in, and they would make a
/// render irreproducible, which `devkit update` relies on).
pub const FUNCTIONS: &[&str] = &["range", "throw"];

/// Filters a template may use: all pure text, number and list transformations.
pub const FILTERS: &[&str] = &[
    "upper",
    "lower",
    "trim",
    "trim_start",
    "trim_end",
    "trim_start_matches",
    "trim_end_matches",
    "truncate",
    "wordcount",
    "replace",
    "capitalize",
    "title",
    "linebreaksbr",
    "indent",
    "striptags",
    "spaceless",
    "escape",
    "escape_xml",
    "addslashes",
    "split",
    "int",
    "float",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "slice",
    "group_by",
    "filter",
    "map",
    "concat",
    "abs",
    "pluralize",
    "round",
    "length",
    "reverse",
    "json_encode",
    "as_str",
    "get",
    "safe",
    "default",
];

/// Testers a template may use (`is defined`, `is matching(...)`, ...).
pub const TESTERS: &[&str] = &[
    "defined",
    "undefined",
    "odd",
    "even",
    "string",
    "number",
    "divisibleby",
    "iterable",
    "object",
    "starting_with",
    "ending_with",
    "containing",
    "matching",
];

/// A node of the call graph: a template file's body, or one macro of a file.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
enum Key {
    File(String),
    Macro(String, String),
}

/// What one body refers to.
#[derive(Default)]
struct Refs {
    calls: Vec<(&'static str, String)>,
    files: Vec<String>,
    macros: Vec<(String, String)>,
}

/// Checks the parsed templates; `source` gives a template's text (for line numbers) and `display` the name
/// to show for a template.
pub fn check(
    templates: &HashMap<String, tera::Template>,
    source: &dyn Fn(&str) -> Option<String>,
    display: &dyn Fn(&str) -> String,
) -> Result<(), ScaffoldError> {
    let mut graph: HashMap<Key, Vec<Key>> = HashMap::new();
    let mut names: Vec<&String> = templates.keys().collect();
    names.sort();
    for name in names {
        let template = &templates[name];
        let mut bodies = vec![(Key::File(name.clone()), refs_of(&template.ast))];
        if let Some(parent) = &template.parent {
            bodies[0].1.files.push(parent.clone());
        }
        bodies[0]
            .1
            .files
            .extend(template.imported_macro_files.iter().map(|(f, _)| f.clone()));
        for (macro_name, def) in &template.macros {
            let mut refs = refs_of(&def.body);
            for default in def.args.values().flatten() {
                expr(default, &mut refs);
            }
            bodies.push((Key::Macro(name.clone(), macro_name.clone()), refs));
        }
        for (key, refs) in bodies {
            for (kind, called) in &refs.calls {
                let allowed = match *kind {
                    "function" => FUNCTIONS,
                    "filter" => FILTERS,
                    _ => TESTERS,
                };
                if !allowed.contains(&called.as_str()) {
                    return Err(ScaffoldError::Forbidden {
                        file: display(name),
                        line: source(name).and_then(|s| line_of_word(&s, called)),
                        kind,
                        name: called.clone(),
                        allowed: allowed.join(", "),
                    });
                }
            }
            let mut edges: Vec<Key> = refs
                .files
                .iter()
                .filter(|f| templates.contains_key(*f))
                .map(|f| Key::File(f.clone()))
                .collect();
            for (namespace, macro_name) in &refs.macros {
                edges.extend(resolve(templates, name, namespace, macro_name));
            }
            graph.insert(key, edges);
        }
    }
    let mut walk = Walk {
        graph: &graph,
        state: HashMap::new(),
        stack: Vec::new(),
    };
    let mut keys: Vec<&Key> = graph.keys().collect();
    keys.sort_unstable();
    for key in keys {
        let (depth, expansions) = walk.visit(key).map_err(|chain| ScaffoldError::Recursion {
            file: display(file_of(&chain[0])),
            chain: chain
                .iter()
                .map(|k| describe(k, display))
                .collect::<Vec<_>>()
                .join(" -> "),
        })?;
        if depth > MAX_DEPTH || expansions > MAX_EXPANSIONS {
            return Err(ScaffoldError::TooDeep {
                file: display(file_of(key)),
                depth,
                expansions,
            });
        }
    }
    Ok(())
}

fn file_of(key: &Key) -> &str {
    match key {
        Key::File(f) | Key::Macro(f, _) => f,
    }
}

fn describe(key: &Key, display: &dyn Fn(&str) -> String) -> String {
    match key {
        Key::File(f) => format!("`{}`", display(f)),
        Key::Macro(f, m) => format!("macro `{m}` of `{}`", display(f)),
    }
}

/// The macros a call `namespace::name` made in `file` may reach: `self` is the file itself, an imported
/// namespace its file; otherwise (a namespace inherited through `extends` or a nested import) every macro
/// of that name, which can only over-estimate the graph.
fn resolve(templates: &HashMap<String, tera::Template>, file: &str, namespace: &str, name: &str) -> Vec<Key> {
    let target = if namespace == "self" {
        Some(file.to_string())
    } else {
        templates.get(file).and_then(|t| {
            t.imported_macro_files
                .iter()
                .find(|(_, ns)| ns == namespace)
                .map(|(f, _)| f.clone())
        })
    };
    match target {
        Some(f) => vec![Key::Macro(f, name.to_string())],
        None => templates
            .iter()
            .filter(|(_, t)| t.macros.contains_key(name))
            .map(|(f, _)| Key::Macro(f.clone(), name.to_string()))
            .collect(),
    }
}

enum State {
    Open,
    Done(usize, u64),
}

struct Walk<'g> {
    graph: &'g HashMap<Key, Vec<Key>>,
    state: HashMap<&'g Key, State>,
    stack: Vec<&'g Key>,
}

impl<'g> Walk<'g> {
    /// Depth and number of expansions below `key`; `Err` holds a cycle. Iterative, so a hostile graph
    /// cannot overflow devkit's own stack either.
    fn visit(&mut self, root: &'g Key) -> Result<(usize, u64), Vec<Key>> {
        let mut todo: Vec<(&'g Key, bool)> = vec![(root, false)];
        while let Some((key, children_done)) = todo.pop() {
            if children_done {
                let (mut depth, mut expansions) = (0usize, 1u64);
                for child in self.graph.get(key).into_iter().flatten() {
                    if let Some(State::Done(d, e)) = self.state.get(child) {
                        depth = depth.max(d + 1);
                        expansions = expansions.saturating_add(*e);
                    }
                }
                self.state.insert(key, State::Done(depth, expansions));
                self.stack.pop();
                continue;
            }
            match self.state.get(key) {
                Some(State::Done(..)) => continue,
                Some(State::Open) => {
                    let start = self.stack.iter().position(|k| *k == key).unwrap_or(0);
                    let mut chain: Vec<Key> = self.stack[start..].iter().map(|k| (*k).clone()).collect();
                    chain.push(key.clone());
                    return Err(chain);
                }
                None => {}
            }
            self.state.insert(key, State::Open);
            self.stack.push(key);
            todo.push((key, true));
            for child in self.graph.get(key).into_iter().flatten() {
                if !matches!(self.state.get(child), Some(State::Done(..))) {
                    todo.push((child, false));
                }
            }
        }
        match self.state.get(root) {
            Some(State::Done(d, e)) => Ok((*d, *e)),
            _ => Ok((0, 1)),
        }
    }
}

fn refs_of(nodes: &[Node]) -> Refs {
    let mut refs = Refs::default();
    body(nodes, &mut refs);
    refs
}

fn body(nodes: &[Node], r: &mut Refs) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, e) => expr(e, r),
            Node::Include(_, files, _) => r.files.extend(files.iter().cloned()),
            Node::Set(_, set) => expr(&set.value, r),
            Node::FilterSection(_, section, _) => {
                call("filter", &section.filter, r);
                body(&section.body, r);
            }
            Node::Block(_, block, _) => body(&block.body, r),
            Node::Forloop(_, f, _) => {
                expr(&f.container, r);
                body(&f.body, r);
                body(f.empty_body.as_deref().unwrap_or_default(), r);
            }
            Node::If(i, _) => {
                for (_, cond, nodes) in &i.conditions {
                    expr(cond, r);
                    body(nodes, r);
                }
                if let Some((_, nodes)) = &i.otherwise {
                    body(nodes, r);
                }
            }
            // Macro definitions are separate nodes of the graph; `extends` and imports come from the
            // template's own fields.
            Node::MacroDefinition(..)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Super
            | Node::Text(_)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn call(kind: &'static str, f: &tera::ast::FunctionCall, r: &mut Refs) {
    r.calls.push((kind, f.name.clone()));
    for arg in f.args.values() {
        expr(arg, r);
    }
}

fn expr(e: &Expr, r: &mut Refs) {
    for f in &e.filters {
        call("filter", f, r);
    }
    value(&e.val, r);
}

fn value(v: &ExprVal, r: &mut Refs) {
    match v {
        ExprVal::Math(m) => {
            expr(&m.lhs, r);
            expr(&m.rhs, r);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, r);
            expr(&l.rhs, r);
        }
        ExprVal::In(i) => {
            expr(&i.lhs, r);
            expr(&i.rhs, r);
        }
        ExprVal::Test(t) => {
            r.calls.push(("tester", t.name.clone()));
            t.args.iter().for_each(|a| expr(a, r));
        }
        ExprVal::MacroCall(m) => {
            r.macros.push((m.namespace.clone(), m.name.clone()));
            m.args.values().for_each(|a| expr(a, r));
        }
        ExprVal::FunctionCall(f) => call("function", f, r),
        ExprVal::Array(items) => items.iter().for_each(|a| expr(a, r)),
        ExprVal::StringConcat(c) => c.values.iter().for_each(|v| value(v, r)),
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) | ExprVal::Ident(_) => {}
    }
}

/// The first line (1-based) where `word` appears as a whole word.
fn line_of_word(text: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.lines()
        .position(|line| {
            line.match_indices(word).any(|(i, _)| {
                let before = line[..i].chars().next_back();
                let after = line[i + word.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            })
        })
        .map(|i| i + 1)
}
