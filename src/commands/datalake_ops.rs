//! `devkit datalake ls | collections | restore | aux`: the Datalake's S3 requests with the stored key, and
//! what they mean for the user (storage classes, reachability, a cold object's readiness, the wait for it).

use super::{http_setup, secret_store};
use crate::cli::{DatalakeLsArgs, DatalakeRestoreArgs};
use crate::datalake::{self, Backoff, Location, Readiness, Restore, S3, S3Error};
use crate::env_vars::EnvVars;
use crate::error::{ExitStatus, UserError};
use crate::http::Http;
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use anyhow::Result;
use std::fmt::Write as _;
use std::time::Duration;

pub(super) fn s3_error(e: S3Error) -> anyhow::Error {
    match e.hint() {
        Some(hint) => UserError::with_hint(e.to_string(), hint).into(),
        None => UserError::new(e.to_string()).into(),
    }
}

fn location(text: &str) -> Result<Location> {
    Location::parse(text).map_err(|e| UserError::with_hint(e.to_string(), e.hint()).into())
}

/// A client, and whether its key came from the environment rather than the store.
struct Conn {
    s3: S3,
    key_from_env: bool,
}

impl Conn {
    /// The error for the user: a refused key from the environment is named as such (the stored key's hint,
    /// `devkit login datalake`, would not help).
    fn err(&self, e: S3Error) -> anyhow::Error {
        if self.key_from_env && e.key_refused() {
            return UserError::with_hint(
                e.to_string(),
                "the key came from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, taken because \
                 AWS_ENDPOINT_URL_S3 names the Datalake): fix them (in CI, the masked variables \
                 DATALAKE_ACCESS_KEY_ID and DATALAKE_SECRET_ACCESS_KEY), or unset them to use the stored key",
            )
            .into();
        }
        s3_error(e)
    }
}

/// A client for the site's endpoint with the key of a CI or Slurm job's environment when it names the Datalake
/// (see [`datalake::EnvKey`]), else the stored key.
fn client(settings: &Settings, printer: &Printer) -> Result<Conn> {
    let dl = &settings.site.datalake;
    let var = |name: &str| std::env::var(name).ok();
    let env = datalake::EnvKey {
        endpoint: var(EnvVars::AWS_ENDPOINT_URL_S3),
        access_key_id: var(EnvVars::AWS_ACCESS_KEY_ID),
        secret: var(EnvVars::AWS_SECRET_ACCESS_KEY).map(Secret::new),
    };
    let from_env = env.for_endpoint(&dl.endpoint);
    let key_from_env = from_env.is_some();
    let key = match from_env {
        Some(key) => {
            printer.debug("Datalake key: from the environment (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_S3)");
            key
        }
        None => {
            let (store, _) = secret_store::open(settings, printer)?;
            datalake::load(&store, &dl.endpoint).map_err(super::datalake::key_error)?
        }
    };
    let http = Http::new("the Datalake", &http_setup::config(settings)?)?;
    let s3 = S3::new(
        http,
        &dl.endpoint,
        &dl.region,
        dl.addressing_style != "virtual",
        &key,
    )
    .map_err(s3_error)?;
    Ok(Conn { s3, key_from_env })
}

/// A key or prefix as shown on one line: control characters escaped, so a hostile key cannot move the cursor
/// or fake lines.
fn shown(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `devkit datalake ls s3://bucket/prefix`.
pub fn ls(args: &DatalakeLsArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let loc = location(&args.location)?;
    let conn = client(settings, printer)?;
    let s3 = &conn.s3;
    let mut out_err = None;
    let mut count = 0usize;
    s3.list(&loc, !args.recursive, |page| {
        let mut text = String::with_capacity(page.objects.len() * 96);
        for p in &page.prefixes {
            let _ = writeln!(text, "{:<24}  {:>12}  {:<12}  {}", "", "", "PRE", shown(p));
        }
        for o in &page.objects {
            let _ = writeln!(
                text,
                "{:<24}  {:>12}  {:<12}  {}",
                o.last_modified,
                o.size,
                o.storage_class,
                shown(&o.key)
            );
        }
        count += page.objects.len() + page.prefixes.len();
        if !text.is_empty() && out_err.is_none() {
            out_err = printer.data(&text).err();
        }
    })
    .map_err(|e| conn.err(e))?;
    if let Some(e) = out_err {
        return Err(anyhow::Error::new(e).context("cannot write the listing"));
    }
    if count == 0 {
        printer.info(format!("nothing under `{}`", shown(&loc.display())));
    }
    Ok(ExitStatus::Success)
}

/// `devkit datalake collections`.
pub fn collections(settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let conn = client(settings, printer)?;
    let s3 = &conn.s3;
    let mut failed = 0;
    let mut text = String::new();
    for name in &settings.site.datalake.collections {
        printer.progress(format!("checking {name}"));
        let state = match s3.probe(name) {
            Ok(()) => "reachable".to_string(),
            Err(e) if e.key_refused() => {
                printer.progress_done();
                return Err(conn.err(e));
            }
            Err(e) => {
                failed += 1;
                match e {
                    S3Error::NoBucket(_) => "no such bucket".into(),
                    S3Error::Refused { code, .. } => format!("denied ({code})"),
                    other => format!("unreachable: {other}"),
                }
            }
        };
        let _ = writeln!(text, "{name:<34} {state}");
    }
    printer.progress_done();
    printer.data(&text)?;
    if failed > 0 {
        printer.hint("a denied collection needs access rights from the Datalake team; a missing one may be a site-profile error (`datalake.collections`)");
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Success)
}

fn readiness(s3: &S3, loc: &Location, cold: &[&str]) -> Result<Readiness, S3Error> {
    let h = s3.head(loc)?;
    Ok(Readiness::from_head(
        h.storage_class.as_deref(),
        h.restore.as_deref(),
        cold,
    ))
}

/// The first poll delay: 2 s, or `DEVKIT_DATALAKE_POLL_MS` (tests).
fn backoff() -> Backoff {
    let mut b = Backoff::default();
    if let Some(ms) = std::env::var("DEVKIT_DATALAKE_POLL_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        b.first = Duration::from_millis(ms.max(1));
    }
    b
}

/// `devkit datalake restore s3://bucket/key [--days N] [--wait]`.
pub fn restore(args: &DatalakeRestoreArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let dl = &settings.site.datalake;
    let loc = location(&args.location)?;
    if loc.key.is_empty() || loc.key.ends_with('/') {
        return Err(UserError::with_hint(
            format!("`{}` names no object", shown(&args.location)),
            "give one object: `devkit datalake restore s3://bucket/key`",
        )
        .into());
    }
    loc.key_path()
        .map_err(|e| UserError::with_hint(e.to_string(), e.hint()))?;
    let cold = [dl.cold_storage_class.as_str(), "GLACIER", "DEEP_ARCHIVE"];
    let conn = client(settings, printer)?;
    let s3 = &conn.s3;
    let what = shown(&loc.display());
    let state = readiness(s3, &loc, &cold).map_err(|e| conn.err(e))?;
    if state == Readiness::Warm {
        printer.status("Ready", format!("{what} is on the warm tier: readable now"));
        return Ok(ExitStatus::Success);
    }
    if state == Readiness::Cold {
        if dl.restore != "restore-object" {
            return Err(s3_error(S3Error::NoRestore(dl.restore.clone())));
        }
        let days = args.days.unwrap_or(dl.restore_days);
        let answer = s3
            .restore(&loc, days, &dl.restore_tier, &cold)
            .map_err(|e| conn.err(e))?;
        let said = match answer {
            Restore::Started => format!("restore of {what} ({} tier, {days} day(s))", dl.restore_tier),
            Restore::AlreadyRestored => {
                format!("{what} was already restored; its copy now lasts {days} day(s)")
            }
            Restore::InProgress => format!("a restore of {what} was already under way"),
            Restore::Reconciled => {
                format!("restore of {what} (the answer was lost; the object shows it arrived)")
            }
        };
        printer.status("Requested", said);
    }
    let state = if args.wait {
        let started = std::time::Instant::now();
        let result = datalake::wait(
            backoff(),
            || readiness(s3, &loc, &cold),
            |_, _, next| {
                printer.progress(format!(
                    "waiting for {what} to come back from tape: {} so far, next check in {}",
                    crate::http::human_duration(started.elapsed()),
                    crate::http::human_duration(next)
                ));
            },
            std::thread::sleep,
        );
        printer.progress_done();
        result.map_err(|e| conn.err(e))?
    } else {
        readiness(s3, &loc, &cold).map_err(|e| conn.err(e))?
    };
    match state {
        Readiness::Warm | Readiness::Restored { expiry: None } => {
            printer.status("Ready", format!("{what} is readable now"));
        }
        Readiness::Restored { expiry: Some(date) } => {
            printer.status("Ready", format!("{what} is readable until {date}"));
        }
        Readiness::Restoring => {
            printer.status("Restoring", format!("{what} is coming back from tape"));
            printer.hint(format!(
                "run `devkit datalake restore --wait {what}` to wait for it"
            ));
        }
        Readiness::Cold => {
            return Err(UserError::with_hint(
                format!("{what} is still on tape: the restore is neither under way nor done"),
                "ask again; if it keeps failing, the Datalake team can say why restores are dropped",
            )
            .into());
        }
    }
    Ok(ExitStatus::Success)
}

/// `devkit datalake aux [NAME]`.
pub fn aux(name: Option<&str>, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let root = std::path::PathBuf::from(&settings.site.datalake.static_aux);
    let entries =
        datalake::list_aux(&root, name).map_err(|e| UserError::with_hint(e.to_string(), e.hint()))?;
    let mut text = String::new();
    for e in &entries {
        if e.dir {
            let _ = writeln!(text, "{:>12}  {}/", "-", shown(&e.name));
        } else {
            let _ = writeln!(text, "{:>12}  {}", e.size, shown(&e.name));
        }
    }
    if entries.is_empty() {
        printer.info(format!("`{}` is empty", root.join(name.unwrap_or("")).display()));
    } else {
        printer.data(&text)?;
    }
    Ok(ExitStatus::Success)
}
