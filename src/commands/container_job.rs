//! Container jobs at the command layer, shared by `devkit slurm run --image` and the executor's `image:`: the
//! runtime and binds from the site profile and the request, the stored registry credential checked before
//! anything is submitted, the image prepared in the per-user cache, and the launcher the batch script runs.
//! Only what runs inside the job changes; the submission stays the same.

use super::slurm::expand_home;
use crate::container::cache::{Cache, parse_size};
use crate::container::{
    Bind, ContainerError, ImageRef, Launcher, Runtime, Spec, apptainer, charliecloud, pull, script_command,
    slurm_oci,
};
use crate::error::UserError;
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Images used this recently are never evicted: a running job may still read them.
const EVICTION_GRACE: Duration = Duration::from_secs(24 * 3600);

/// One container job.
pub(crate) struct Request<'a> {
    /// The image as the user wrote it.
    pub image: &'a str,
    /// A runtime other than the site's.
    pub runtime: Option<&'a str>,
    /// Binds the user asked for (`SRC[:DST][:ro]`); their sources must exist.
    pub binds: &'a [String],
    pub gpus: bool,
    /// Working folder inside the container (bound).
    pub workdir: PathBuf,
    /// The job folder: it holds the user script and must not exist yet or be private.
    pub job_dir: &'a Path,
    /// Other folders the job needs (builds, caches), bound at the same path when they exist.
    pub folders: Vec<PathBuf>,
}

/// Marks an error as the infrastructure's, so the executor reports a system failure (which CI may retry).
#[derive(Debug, thiserror::Error)]
#[error("cannot prepare the container image")]
pub(crate) struct Infrastructure;

/// A leaf error as a user error with its hint, marked when the infrastructure is to blame.
fn user(e: ContainerError) -> anyhow::Error {
    let infrastructure = e.is_infrastructure();
    let err = match e.hint() {
        Some(hint) => UserError::with_hint(e.to_string(), hint).into(),
        None => anyhow::Error::new(e),
    };
    if infrastructure {
        err.context(Infrastructure)
    } else {
        err
    }
}

/// Adds `b` unless something is bound at its target already.
fn add(out: &mut Vec<Bind>, b: Bind) {
    if !out.iter().any(|o| o.target == b.target) {
        out.push(b);
    }
}

/// Every bind of the job: its folders, the user's (checked), the site's that exist here; no duplicates.
fn binds(req: &Request<'_>, settings: &Settings, printer: &Printer) -> Result<Vec<Bind>> {
    let mut out: Vec<Bind> = Vec::new();
    add(&mut out, Bind::same(&req.workdir));
    // Builds and cache folders may not exist yet (gitlab-runner makes them on first use).
    for folder in req.folders.iter().filter(|f| f.is_dir()) {
        add(&mut out, Bind::same(folder));
    }
    // The folder of job folders rather than this job's own, so the binds (and the slurm-oci bundle made for
    // them) stay the same from one job to the next; nothing when another bind holds it already.
    let jobs = req.job_dir.parent().unwrap_or(req.job_dir);
    if !out
        .iter()
        .any(|b| b.source == b.target && jobs.starts_with(&b.source))
    {
        add(&mut out, Bind::same(jobs));
    }
    for text in req.binds {
        let b = Bind::parse(text).map_err(user)?;
        if !b.source.exists() {
            return Err(user(ContainerError::MissingBindSource(b.source)));
        }
        add(&mut out, b);
    }
    for text in &settings.site.container.binds {
        let b = Bind::parse(text)
            .map_err(user)
            .context("in site key `container.binds`")?;
        if b.source.exists() {
            add(&mut out, b);
        } else {
            printer.debug(format!(
                "site bind `{}` is not on this host: not bound",
                b.source.display()
            ));
        }
    }
    Ok(out)
}

/// Prepares the image and returns the launcher of the batch script. Nothing is submitted here; an error (bad
/// reference, wrong credential, missing image or bind) leaves no Slurm job behind.
pub(crate) fn launcher(req: &Request<'_>, settings: &Settings, printer: &Printer) -> Result<Launcher> {
    let site = &settings.site.container;
    let runtime = Runtime::parse(req.runtime.unwrap_or(&site.runtime)).map_err(user)?;
    let registry = if site.registry.is_empty() {
        settings.site.artifactory.docker_registry.as_str()
    } else {
        site.registry.as_str()
    };
    let image = ImageRef::resolve(req.image, registry).map_err(user)?;
    let limit = parse_size(&site.cache_limit)
        .map_err(user)
        .context("in site key `container.cache_limit`")?;
    crate::slurm::files::private_dir(req.job_dir)
        .with_context(|| format!("cannot create the job folder `{}`", req.job_dir.display()))?;
    let spec = Spec {
        binds: binds(req, settings, printer)?,
        env: Vec::new(),
        gpus: req.gpus,
        workdir: req.workdir.clone(),
        command: script_command(&req.job_dir.join(crate::slurm::script::USER_SCRIPT)),
    };
    let cache = Cache::open(&expand_home(&site.cache_dir, &settings.paths.home)).map_err(user)?;
    let creds = match &image {
        ImageRef::Local(path) => {
            if !path.exists() {
                return Err(user(ContainerError::MissingLocalImage(path.clone())));
            }
            None
        }
        ImageRef::Remote { host, .. } => {
            let found = super::secret_store::registry_credentials(host, settings, printer)?;
            if let Some(c) = &found {
                let http = super::http_setup::config(settings)?;
                crate::images::registry::check(host, c, &http).map_err(|e| {
                    let down = matches!(e, crate::images::ImagesError::RegistryUnreachable { .. });
                    let err = anyhow::Error::new(e);
                    if down { err.context(Infrastructure) } else { err }
                })?;
            }
            found
        }
    };
    printer.status(
        "Container",
        format!("{} image `{}`", runtime.name(), image.display()),
    );
    let launcher = match (runtime, &image) {
        (Runtime::Apptainer, _) => {
            let file = match &creds {
                Some(c) => {
                    let path = req.job_dir.join("registry.env");
                    apptainer::write_credential(&path, c).map_err(user)?;
                    Some(path)
                }
                None => None,
            };
            let evicted = cache.evict(limit, Path::new(""), EVICTION_GRACE).map_err(user)?;
            report_evicted(&evicted, printer);
            apptainer::launcher(&image, &spec, &cache.apptainer_dir(), file.as_deref()).map_err(user)?
        }
        (Runtime::Charliecloud, ImageRef::Local(dir)) => charliecloud::launcher(dir, &spec).map_err(user)?,
        (Runtime::SlurmOci, ImageRef::Local(bundle)) => slurm_oci::launcher(bundle, &spec).map_err(user)?,
        (Runtime::Charliecloud | Runtime::SlurmOci, ImageRef::Remote { .. }) => {
            let pulled = pull::ensure(&cache, &image, creds.as_ref()).map_err(user)?;
            if pulled.pulled {
                printer.status("Pulled", format!("{} ({})", image.display(), pulled.digest));
            } else {
                printer.status("Cached", format!("{} ({})", image.display(), pulled.digest));
            }
            // Only a pull makes the cache grow.
            if pulled.pulled {
                let evicted = cache.evict(limit, &pulled.entry, EVICTION_GRACE).map_err(user)?;
                report_evicted(&evicted, printer);
            }
            let rootfs = pulled.entry.join("rootfs");
            if runtime == Runtime::Charliecloud {
                charliecloud::prepare(&rootfs, &spec).map_err(user)?;
                charliecloud::launcher(&rootfs, &spec).map_err(user)?
            } else {
                let bundle = slurm_oci::bundle(&pulled.entry, &spec).map_err(user)?;
                slurm_oci::launcher(&bundle, &spec).map_err(user)?
            }
        }
    };
    Ok(launcher)
}

fn report_evicted(evicted: &[PathBuf], printer: &Printer) {
    for path in evicted {
        printer.info(format!("image cache over its limit: removed {}", path.display()));
    }
}
