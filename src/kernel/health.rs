//! The health verdict of a kernelspec: does its command exist and run, does its interpreter exist and import
//! ipykernel. A kernel that fails one of these dies at start with nothing shown in the notebook.

use super::env::is_executable;
use super::ipykernel;
use super::search::Found;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// How healthy a kernel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Starts.
    Ok,
    /// Starts, maybe not as meant (bare `python`, shadowed, unknown interpreter).
    Warn,
    /// Dies at start.
    Broken,
}

/// A verdict with its reasons and fix.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// The verdict.
    pub verdict: Verdict,
    /// The interpreter the kernel runs, when known.
    pub python: Option<PathBuf>,
    /// What is wrong, one line each.
    pub problems: Vec<String>,
    /// How to fix it.
    pub fix: Option<String>,
}

/// Names Jupyter rewrites to the server's own interpreter when they are `argv[0]`.
fn is_bare_python(cmd: &str) -> bool {
    cmd == "python"
        || cmd == "python3"
        || cmd
            .strip_prefix("python3.")
            .is_some_and(|v| v.parse::<u32>().is_ok())
}

/// Checks one kernel.
pub fn check(found: &Found) -> Health {
    let mut problems = Vec::new();
    let mut warn = Vec::new();
    let spec = match &found.spec {
        Ok(s) => s,
        Err(why) => return broken(vec![why.clone()], None, foreign_fix(&found.name)),
    };
    let meta = spec.devkit_meta();
    let cmd = spec
        .argv
        .first()
        .map(|a| a.replace("{resource_dir}", &found.dir.to_string_lossy()));
    let mut python: Option<PathBuf> = meta.as_ref().map(|m| m.python.clone());
    match cmd.as_deref() {
        None => problems.push("`argv` is empty".to_string()),
        Some(c) if is_bare_python(c) => {
            warn.push(format!(
                "`argv[0]` is `{c}`: Jupyter runs the server's own interpreter, not an environment's"
            ));
        }
        Some(c) if !Path::new(c).is_absolute() => {
            warn.push(format!("`argv[0]` `{c}` is looked up on the server's PATH"))
        }
        Some(c) if !is_executable(Path::new(c)) => {
            problems.push(format!("the command `{c}` is missing or not executable"));
        }
        Some(c) => {
            let is_python = Path::new(c)
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("python"));
            if python.is_none() && is_python {
                python = Some(PathBuf::from(c));
            }
        }
    }
    if !spec.argv.iter().any(|a| a.contains("{connection_file}")) {
        problems.push("`argv` has no `{connection_file}`".to_string());
    }
    match &python {
        Some(p) if !is_executable(p) => problems.push(format!(
            "the interpreter `{}` is gone (environment moved or deleted)",
            p.display()
        )),
        Some(p) if !ipykernel::importable(p) => {
            problems.push(format!("`{}` cannot import ipykernel", p.display()));
        }
        Some(_) => {}
        None if problems.is_empty() && warn.is_empty() => {
            warn.push("interpreter unknown (not a devkit kernel): not checked".into());
        }
        None => {}
    }
    if found.shadowed {
        warn.push("an earlier folder on the search path has a kernel of the same name".into());
    }
    let fix = match &meta {
        Some(m) => {
            let source = m.project.as_ref().unwrap_or(&m.env);
            if m.env.exists() {
                format!(
                    "register it again: `devkit kernel add {} --name {} --install-ipykernel`",
                    super::wrapper::quote(&source.to_string_lossy()),
                    found.name
                )
            } else {
                format!(
                    "register the environment where it is now: `devkit kernel add NEW_PATH --name {}`, or `devkit \
                     kernel remove {}`",
                    found.name, found.name
                )
            }
        }
        None => foreign_fix(&found.name),
    };
    if !problems.is_empty() {
        return broken(problems, python, fix);
    }
    Health {
        verdict: if warn.is_empty() {
            Verdict::Ok
        } else {
            Verdict::Warn
        },
        python,
        fix: (!warn.is_empty()).then_some(fix),
        problems: warn,
    }
}

fn foreign_fix(name: &str) -> String {
    format!(
        "register the environment with `devkit kernel add PATH`, and remove this one with `jupyter kernelspec remove {name}`"
    )
}

fn broken(problems: Vec<String>, python: Option<PathBuf>, fix: String) -> Health {
    Health {
        verdict: Verdict::Broken,
        python,
        problems,
        fix: Some(fix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_python_names() {
        for n in ["python", "python3", "python3.11"] {
            assert!(is_bare_python(n));
        }
        for n in ["/usr/bin/python3", "python3.x", "python2", "pythonista"] {
            assert!(!is_bare_python(n));
        }
    }
}
