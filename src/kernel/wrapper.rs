//! The bash wrapper a devkit kernelspec runs: loads modules, activates the environment exactly as an
//! interactive shell would (so `PATH`, `activate.d` settings such as `GDAL_DATA`/`PROJ_DATA` and module
//! variables reach the kernel), then `exec`s the environment's own interpreter so Jupyter signals the kernel.

use super::env::{Activation, PythonEnv};
use std::fmt::Write as _;

/// What goes into a wrapper besides the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    /// Environment modules to load first (`module load`), in order.
    pub modules: Vec<String>,
    /// Variables exported after activation, in order.
    pub vars: Vec<(String, String)>,
}

/// `text` as one bash word, whatever it holds (quotes, spaces, newlines, unicode).
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Shell-profile files that define `module` (Lmod, Environment Modules), tried in order when it is undefined.
const MODULE_INITS: &[&str] = &[
    "/etc/profile.d/lmod.sh",
    "/etc/profile.d/modules.sh",
    "/usr/share/lmod/lmod/init/bash",
    "/usr/share/Modules/init/bash",
    "/usr/share/modules/init/bash",
];

/// The wrapper script. `prefix` and every other path must be valid UTF-8 (the caller checked).
pub fn render(env: &PythonEnv, extras: &Extras) -> String {
    let prefix = env.prefix.to_string_lossy();
    let fail = |what: &str| {
        format!(
            "{{ echo {} >&2; exit 1; }}",
            quote(&format!("devkit kernel: {what} failed"))
        )
    };
    let mut s = String::new();
    let _ = writeln!(s, "#!/bin/bash");
    let _ = writeln!(
        s,
        "# Written by `devkit kernel add`: activates the {} environment as an interactive shell would, then runs its\n\
         # Jupyter kernel. Change it with `devkit kernel add` again rather than by hand.",
        env.kind.word()
    );
    let _ = writeln!(s, "env_prefix={}", quote(&prefix));
    let _ = writeln!(s, "if [ ! -x \"$env_prefix/bin/python\" ]; then");
    let _ = writeln!(
        s,
        "  echo \"devkit kernel: the environment $env_prefix is gone; register it again with devkit kernel add\" >&2"
    );
    let _ = writeln!(s, "  exit 1\nfi");
    if !extras.modules.is_empty() {
        let inits: Vec<String> = MODULE_INITS.iter().map(|p| quote(p)).collect();
        let _ = writeln!(s, "if ! type module >/dev/null 2>&1; then");
        let _ = writeln!(s, "  for f in {}; do", inits.join(" "));
        let _ = writeln!(s, "    if [ -r \"$f\" ]; then . \"$f\"; break; fi\n  done\nfi");
        let names: Vec<String> = extras.modules.iter().map(|m| quote(m)).collect();
        let _ = writeln!(s, "module load {} || {}", names.join(" "), fail("module load"));
    }
    match &env.activation {
        Activation::Venv => {
            let _ = writeln!(s, ". \"$env_prefix/bin/activate\" || {}", fail("activation"));
        }
        Activation::CondaSh(conda_sh) => {
            let _ = writeln!(
                s,
                ". {} && conda activate \"$env_prefix\" || {}",
                quote(&conda_sh.to_string_lossy()),
                fail("conda activate")
            );
        }
        Activation::Micromamba(exe) => {
            let _ = writeln!(
                s,
                "eval \"$({} shell hook -s bash)\" && micromamba activate \"$env_prefix\" || {}",
                quote(&exe.to_string_lossy()),
                fail("micromamba activate")
            );
        }
        Activation::Pixi { exe, manifest } => {
            let _ = writeln!(
                s,
                "eval \"$({} shell-hook --manifest-path {})\" || {}",
                quote(&exe.to_string_lossy()),
                quote(&manifest.to_string_lossy()),
                fail("pixi shell-hook")
            );
        }
        Activation::CondaManual => {
            let _ = writeln!(
                s,
                "# no conda tool was found: what `conda activate` does, by hand"
            );
            let _ = writeln!(
                s,
                "export CONDA_PREFIX=\"$env_prefix\" CONDA_DEFAULT_ENV=\"$env_prefix\" CONDA_SHLVL=1"
            );
            let _ = writeln!(s, "export PATH=\"$env_prefix/bin${{PATH:+:$PATH}}\"");
            let _ = writeln!(
                s,
                "for f in \"$env_prefix\"/etc/conda/activate.d/*.sh; do\n  if [ -r \"$f\" ]; then . \"$f\"; fi\ndone"
            );
        }
    }
    let _ = writeln!(s, "# packages in ~/.local must not leak into the environment");
    let _ = writeln!(s, "export PYTHONNOUSERSITE=1");
    for (k, v) in &extras.vars {
        let _ = writeln!(s, "export {k}={}", quote(v));
    }
    let _ = writeln!(
        s,
        "exec \"$env_prefix/bin/python\" -m ipykernel_launcher -f \"$1\""
    );
    s
}

/// Whether `name` can be exported by a shell.
pub fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` looks like a module name (`gdal/3.8`, `cuda-12.2`, `python3`); no spaces or shell syntax.
pub fn is_module_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::env::EnvKind;
    use proptest::prelude::*;
    use std::process::Command;

    fn echo_through_bash(text: &str) -> String {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("printf %s {}", quote(text)))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn quote_round_trips_through_bash(text in "[^\u{0}]{0,30}") {
            prop_assert_eq!(echo_through_bash(&text), text);
        }
    }

    #[test]
    fn hostile_words_stay_one_word() {
        for t in [
            "it's",
            "a b",
            "$(touch x)",
            "`x`",
            "\\",
            "'\"'",
            "\n;exit 3",
            "données é",
        ] {
            assert_eq!(echo_through_bash(t), t);
        }
    }

    #[test]
    fn execs_the_environment_python_with_absolute_paths() {
        let env = PythonEnv {
            kind: EnvKind::Venv,
            prefix: "/p/it's here".into(),
            project: None,
            label: "x".into(),
            activation: Activation::Venv,
        };
        let extras = Extras {
            modules: vec!["gdal/3.8".into()],
            vars: vec![("A".into(), "1 2".into())],
        };
        let s = render(&env, &extras);
        assert!(s.starts_with("#!/bin/bash\n"));
        assert!(s.contains("env_prefix='/p/it'\\''s here'\n"));
        assert!(s.contains("module load 'gdal/3.8'"));
        assert!(s.contains("export A='1 2'\n"));
        assert!(s.ends_with("exec \"$env_prefix/bin/python\" -m ipykernel_launcher -f \"$1\"\n"));
        let check = Command::new("bash").args(["-n", "-c", &s]).status().unwrap();
        assert!(check.success());
    }

    #[test]
    fn names() {
        assert!(is_var_name("PROJ_DATA") && is_var_name("_x1"));
        assert!(!is_var_name("1A") && !is_var_name("A-B") && !is_var_name("") && !is_var_name("A B"));
        assert!(is_module_name("gdal/3.8.4") && is_module_name("cuda-12"));
        assert!(!is_module_name("a;b") && !is_module_name("-f") && !is_module_name("a b"));
    }
}
