//! The tools a CNES developer needs, found on `PATH`, with their versions: git, ssh, python3/pip, conda or
//! mamba, a container engine, and the Slurm client on Trex.

use super::process::{run, which};
use super::{Check, Status};
use std::ffi::OsStr;
use std::time::Duration;

/// A group of interchangeable tools and how much its absence matters.
struct Group {
    label: &'static str,
    any_of: &'static [&'static str],
    missing: Status,
    hint: &'static str,
}

const GROUPS: &[Group] = &[
    Group {
        label: "git",
        any_of: &["git"],
        missing: Status::Fail,
        hint: "install git (`apt install git`, `dnf install git`, or your software centre)",
    },
    Group {
        label: "ssh",
        any_of: &["ssh"],
        missing: Status::Fail,
        hint: "install OpenSSH (`apt install openssh-client`)",
    },
    Group {
        label: "python3",
        any_of: &["python3"],
        missing: Status::Warn,
        hint: "install Python 3 (`apt install python3`) or load it with `module load python`",
    },
    Group {
        label: "pip",
        any_of: &["pip3", "pip"],
        missing: Status::Warn,
        hint: "install pip (`apt install python3-pip`) or use `python3 -m pip`",
    },
    Group {
        label: "conda",
        any_of: &["conda", "mamba", "micromamba"],
        missing: Status::Warn,
        hint: "install Miniforge (https://conda-forge.org/download/) if you use conda environments",
    },
    Group {
        label: "containers",
        any_of: &["docker", "podman", "apptainer", "singularity"],
        missing: Status::Warn,
        hint: "install Docker or Podman (on Trex, Apptainer: `module load apptainer`)",
    },
    Group {
        label: "slurm",
        any_of: &["sinfo"],
        missing: Status::Skipped,
        hint: "",
    },
];

/// One check per group of tools.
pub fn checks(path: Option<&OsStr>) -> Vec<Check> {
    GROUPS
        .iter()
        .map(|g| {
            let name = format!("tool {}", g.label);
            let found = g.any_of.iter().find_map(|t| which(t, path).map(|p| (*t, p)));
            match found {
                Some((tool, p)) => Check::new(name, Status::Ok, format!("{tool}: {}", version(&p))),
                None if g.missing == Status::Skipped => {
                    Check::new(name, Status::Skipped, "no Slurm client: not on Trex")
                }
                None => Check::new(
                    name,
                    g.missing,
                    format!("none of {} on PATH", g.any_of.join(", ")),
                )
                .hint(g.hint),
            }
        })
        .collect()
}

/// The first line of `tool --version` (ssh prints it on stderr), or `version unknown`.
fn version(path: &std::path::Path) -> String {
    let flag = if path.ends_with("ssh") { "-V" } else { "--version" };
    run(path, &[flag], Duration::from_secs(5))
        .filter(|o| o.status.success())
        .and_then(|o| {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "version unknown".into())
}
