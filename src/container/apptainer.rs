//! Apptainer (Trex): `apptainer exec [--nv] --bind SRC:DST[:ro]... --pwd DIR IMAGE CMD...`. Apptainer pulls
//! `docker://` images itself, into `APPTAINER_CACHEDIR` (the devkit cache, keyed by digest by Apptainer), with
//! the credential from `APPTAINER_DOCKER_USERNAME`/`APPTAINER_DOCKER_PASSWORD`: the batch script reads them from a
//! 0600 file of the private job folder and removes the file, so they never appear on a command line, and the
//! command run inside drops them. Verified against a recording stand-in for `apptainer` only, until it runs on Trex.

use super::{ContainerError, ImageRef, Launcher, Spec, export_lines, quote};
use crate::images::Credentials;
use crate::slurm::files;
use std::path::Path;

/// The command line and the prelude; `credential_file` is sourced before Apptainer starts.
pub fn launcher(
    image: &ImageRef,
    spec: &Spec,
    cache_dir: &Path,
    credential_file: Option<&Path>,
) -> Result<Launcher, ContainerError> {
    let mut prelude = export_lines(&spec.env)?;
    prelude.push_str(&format!(
        "export APPTAINER_CACHEDIR={}\n",
        quote(&cache_dir.display().to_string())
    ));
    if let Some(file) = credential_file {
        let file = quote(&file.display().to_string());
        prelude.push_str(&format!("set -a; . {file}; set +a; rm -f {file}\n"));
    }
    let mut argv: Vec<String> = vec!["apptainer".into(), "exec".into()];
    if spec.gpus {
        argv.push("--nv".into());
    }
    for b in &spec.binds {
        let ro = if b.read_only { ":ro" } else { "" };
        argv.push("--bind".into());
        argv.push(format!("{}:{}{ro}", b.source.display(), b.target.display()));
    }
    argv.push("--pwd".into());
    argv.push(spec.workdir.display().to_string());
    argv.push(match image {
        ImageRef::Remote { reference, .. } => format!("docker://{reference}"),
        ImageRef::Local(path) => path.display().to_string(),
    });
    argv.extend(spec.command.iter().cloned());
    Ok(Launcher { prelude, argv })
}

/// Writes the credential as `APPTAINER_DOCKER_USERNAME`/`PASSWORD` assignments into a new 0600 file.
pub fn write_credential(path: &Path, creds: &Credentials) -> Result<(), ContainerError> {
    let text = zeroize::Zeroizing::new(format!(
        "APPTAINER_DOCKER_USERNAME={}\nAPPTAINER_DOCKER_PASSWORD={}\n",
        quote(&creds.username),
        quote(creds.password.expose())
    ));
    files::create_new(path, text.as_bytes(), files::FILE_MODE).map_err(|source| ContainerError::Files {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Bind;

    #[test]
    fn exact_command_line() {
        let spec = Spec {
            binds: vec![Bind::same(Path::new("/b")), Bind::parse("/d:/data:ro").unwrap()],
            env: vec![("K".into(), "v w".into())],
            gpus: true,
            workdir: "/b/p".into(),
            command: vec!["/bin/sh".into(), "/j/user.sh".into()],
        };
        let image = ImageRef::resolve("reg:5000/a/b:1", "").unwrap();
        let l = launcher(
            &image,
            &spec,
            Path::new("/c/apptainer"),
            Some(Path::new("/j/registry.env")),
        )
        .unwrap();
        assert_eq!(
            l.argv.join(" "),
            "apptainer exec --nv --bind /b:/b --bind /d:/data:ro --pwd /b/p docker://reg:5000/a/b:1 /bin/sh /j/user.sh"
        );
        assert_eq!(
            l.prelude,
            "export K='v w'\nexport APPTAINER_CACHEDIR=/c/apptainer\nset -a; . /j/registry.env; set +a; rm -f /j/registry.env\n"
        );
    }
}
