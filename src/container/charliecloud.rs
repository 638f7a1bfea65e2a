//! Charliecloud: `ch-run -b SRC:DST... --cd DIR IMAGE_DIR -- CMD...` on the unpacked image of the cache.
//! ch-run passes the job's environment in, needs `$USER`, and (read-only image) needs every mount point to exist
//! in the image: devkit makes them in its private copy, refusing a path that goes through a symlink of the
//! image (which could point anywhere on the host). Charliecloud 0.31 binds read-write only, and GPUs are the
//! host's devices as seen by the job (their libraries come from the image or `ch-fromhost --nvidia`).

use super::{ContainerError, Launcher, Spec, export_lines};
use std::path::{Component, Path};

/// Folders ch-run mounts over, or a job usually needs.
const MOUNT_POINTS: &[&str] = &["/dev", "/proc", "/sys", "/tmp", "/home", "/mnt"];

/// Creates the mount points of `spec` (and ch-run's own) in `rootfs`.
pub fn prepare(rootfs: &Path, spec: &Spec) -> Result<(), ContainerError> {
    let targets = MOUNT_POINTS
        .iter()
        .map(Path::new)
        .chain(spec.binds.iter().map(|b| b.target.as_path()));
    for target in targets {
        mount_point(rootfs, target)?;
    }
    Ok(())
}

fn mount_point(rootfs: &Path, target: &Path) -> Result<(), ContainerError> {
    let err = |source| ContainerError::Files {
        path: rootfs.join(target.strip_prefix("/").unwrap_or(target)),
        source,
    };
    let mut path = rootfs.to_path_buf();
    for part in target.components() {
        match part {
            Component::RootDir | Component::CurDir => continue,
            Component::Normal(name) => path.push(name),
            Component::ParentDir | Component::Prefix(_) => {
                return Err(ContainerError::BadBind(target.display().to_string()));
            }
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(err(std::io::Error::other(
                    "the image has a symlink or a file there, not a folder",
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&path).map_err(err)?;
            }
            Err(e) => return Err(err(e)),
        }
    }
    Ok(())
}

/// The command line and the prelude.
pub fn launcher(rootfs: &Path, spec: &Spec) -> Result<Launcher, ContainerError> {
    let mut prelude = String::from("export USER=\"${USER:-$(id -un)}\"\n");
    prelude.push_str(&export_lines(&spec.env)?);
    let mut argv: Vec<String> = vec!["ch-run".into()];
    for b in &spec.binds {
        argv.push(format!("--bind={}:{}", b.source.display(), b.target.display()));
    }
    argv.push(format!("--cd={}", spec.workdir.display()));
    argv.push(rootfs.display().to_string());
    argv.push("--".into());
    argv.extend(spec.command.iter().cloned());
    Ok(Launcher { prelude, argv })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Bind;

    fn spec(binds: Vec<Bind>) -> Spec {
        Spec {
            binds,
            env: vec![],
            gpus: false,
            workdir: "/w".into(),
            command: vec!["/bin/sh".into(), "/j/u.sh".into()],
        }
    }

    #[test]
    fn command_line_and_mount_points() {
        let dir = tempfile::tempdir().unwrap();
        let rootfs = dir.path().join("rootfs");
        std::fs::create_dir(&rootfs).unwrap();
        let s = spec(vec![
            Bind::same(Path::new("/w")),
            Bind::parse("/x:/in/data").unwrap(),
        ]);
        prepare(&rootfs, &s).unwrap();
        assert!(rootfs.join("in/data").is_dir() && rootfs.join("proc").is_dir() && rootfs.join("w").is_dir());
        let l = launcher(&rootfs, &s).unwrap();
        assert_eq!(
            l.argv[1..].join(" "),
            format!(
                "--bind=/w:/w --bind=/x:/in/data --cd=/w {} -- /bin/sh /j/u.sh",
                rootfs.display()
            )
        );
    }

    #[test]
    fn a_symlink_in_the_image_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let rootfs = dir.path().join("rootfs");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&rootfs).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, rootfs.join("home")).unwrap();
        assert!(prepare(&rootfs, &spec(vec![])).is_err());
        assert_eq!(
            std::fs::read_dir(&outside).unwrap().count(),
            0,
            "nothing created through the link"
        );
    }
}
