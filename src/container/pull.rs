//! Image preparation for the runtimes that run an unpacked image (Charliecloud, Slurm OCI): the registry is
//! asked for the image's digest (`skopeo inspect`), and only an image missing from the cache is copied
//! (`skopeo copy`, pinned to that digest) and unpacked (`umoci unpack`) into a new cache entry. The credential
//! reaches skopeo in an auth file (0600, in a 0700 folder, removed after), never on its command line.

use super::cache::Cache;
use super::reference::is_loopback;
use super::{ContainerError, ImageRef};
use crate::images::Credentials;
use crate::slurm::files;
use base64::Engine as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A prepared image.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// The cache entry: `rootfs/`, the image's `config.json`, `bundles/`.
    pub entry: PathBuf,
    pub digest: String,
    /// Whether this call copied the image (false: it was in the cache).
    pub pulled: bool,
}

/// A Docker-style auth file holding one credential, removed with the value.
struct AuthFile {
    dir: tempfile::TempDir,
}

impl AuthFile {
    fn write(within: &Path, host: &str, creds: &Credentials) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix(".auth-").tempdir_in(within)?;
        let pair = zeroize::Zeroizing::new(format!("{}:{}", creds.username, creds.password.expose()));
        let auth = zeroize::Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(pair.as_bytes()));
        let json = zeroize::Zeroizing::new(
            serde_json::json!({ "auths": { host: { "auth": auth.as_str() } } }).to_string(),
        );
        files::create_new(&dir.path().join("auth.json"), json.as_bytes(), files::FILE_MODE)?;
        Ok(Self { dir })
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("auth.json")
    }
}

fn skopeo(host: &str, auth: Option<&AuthFile>, args: &[String]) -> Result<String, ContainerError> {
    let mut cmd = Command::new("skopeo");
    // A registry that stops answering must not hold the job forever (a copy of a large image takes a while).
    let limit = if args[0] == "copy" { "1h" } else { "2m" };
    cmd.arg(format!("--command-timeout={limit}"))
        .arg(args[0].as_str());
    if let Some(a) = auth {
        cmd.arg("--authfile").arg(a.path());
    }
    if is_loopback(host) {
        cmd.arg(if args[0] == "copy" {
            "--src-tls-verify=false"
        } else {
            "--tls-verify=false"
        });
    }
    cmd.args(&args[1..]);
    let out = cmd.output().map_err(|source| ContainerError::Tool {
        tool: "skopeo".into(),
        source,
    })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    Err(classify(
        host,
        args.last().map(String::as_str).unwrap_or_default(),
        &String::from_utf8_lossy(&out.stderr),
    ))
}

/// Maps skopeo's error text to a typed error.
fn classify(host: &str, reference: &str, stderr: &str) -> ContainerError {
    let low = stderr.to_ascii_lowercase();
    let reference = reference.trim_start_matches("docker://").to_string();
    if low.contains("manifest unknown") || low.contains("name unknown") || low.contains("not found") {
        ContainerError::ImageMissing {
            reference,
            registry: host.to_string(),
        }
    } else if low.contains("unauthorized")
        || low.contains("authentication required")
        || low.contains("denied")
    {
        ContainerError::Unauthorized {
            registry: host.to_string(),
            user: None,
        }
    } else {
        let reason = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("skopeo failed")
            .trim()
            .to_string();
        ContainerError::Pull { reference, reason }
    }
}

/// `host/repo` of a reference, without its tag or digest.
fn repository(reference: &str) -> &str {
    if let Some((repo, _)) = reference.split_once('@') {
        return repo;
    }
    match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => reference,
    }
}

/// Makes `image` available in `cache`, copying it only when its digest is not there yet.
pub fn ensure(
    cache: &Cache,
    image: &ImageRef,
    creds: Option<&Credentials>,
) -> Result<Pulled, ContainerError> {
    let ImageRef::Remote { host, reference } = image else {
        return Err(ContainerError::BadReference(image.display()));
    };
    let cache_err = |source| ContainerError::Cache {
        path: cache.root.clone(),
        source,
    };
    let auth = creds
        .map(|c| AuthFile::write(&cache.root, host, c))
        .transpose()
        .map_err(cache_err)?;
    let source = format!("docker://{reference}");
    let digest = skopeo(
        host,
        auth.as_ref(),
        &["inspect".into(), "--format".into(), "{{.Digest}}".into(), source],
    )?;
    let entry = cache.entry(&digest).ok_or_else(|| ContainerError::Pull {
        reference: reference.clone(),
        reason: format!("the registry answered `{digest}` instead of a digest"),
    })?;
    // Checked again under the lock: another process may have pulled the same digest meanwhile.
    let mut lock = None;
    loop {
        if entry.join("rootfs").is_dir() {
            cache.touch(&entry)?;
            return Ok(Pulled {
                entry,
                digest,
                pulled: false,
            });
        }
        if lock.is_some() {
            break;
        }
        lock = Some(cache.lock()?);
    }
    let name = entry
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = cache
        .oci_dir()
        .join(format!(".tmp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    files::private_dir(&tmp).map_err(cache_err)?;
    let layout = tmp.join("layout");
    let pinned = format!("docker://{}@{digest}", repository(reference));
    skopeo(
        host,
        auth.as_ref(),
        &[
            "copy".into(),
            "--quiet".into(),
            pinned,
            format!("oci:{}:image", layout.display()),
        ],
    )?;
    unpack(&layout, &tmp.join("bundle"))?;
    let moved = std::fs::rename(tmp.join("bundle/rootfs"), tmp.join("rootfs"))
        .and_then(|()| std::fs::rename(tmp.join("bundle/config.json"), tmp.join("config.json")))
        .and_then(|()| std::fs::remove_dir_all(tmp.join("bundle")))
        .and_then(|()| std::fs::remove_dir_all(&layout));
    moved.map_err(cache_err)?;
    cache.touch(&tmp)?;
    std::fs::rename(&tmp, &entry).map_err(cache_err)?;
    Ok(Pulled {
        entry,
        digest,
        pulled: true,
    })
}

fn unpack(layout: &Path, bundle: &Path) -> Result<(), ContainerError> {
    let mut cmd = Command::new("umoci");
    // Rootless mode keeps the files as this user's, which every runtime here reads (root included).
    cmd.args(["unpack", "--rootless"]);
    cmd.arg("--image")
        .arg(format!("{}:image", layout.display()))
        .arg(bundle);
    let out = cmd.output().map_err(|source| ContainerError::Tool {
        tool: "umoci".into(),
        source,
    })?;
    if out.status.success() {
        return Ok(());
    }
    Err(ContainerError::Pull {
        reference: layout.display().to_string(),
        reason: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}
