//! `devkit env datalake`: `export` lines for a shell, a batch script or CI, so Slurm jobs and pipelines use the
//! same Datalake profile as the user's clients. The key is printed only with `--with-secret`.

use super::secret_store;
use crate::cli::{EnvArgs, EnvTarget};
use crate::datalake;
use crate::error::{ExitStatus, UserError};
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;

/// Runs `devkit env`.
pub fn run(args: &EnvArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    match args.target {
        EnvTarget::Datalake => datalake_env(args.with_secret, settings, printer),
    }
}

/// `value` quoted for POSIX shells.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn datalake_env(with_secret: bool, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let t = datalake::target(settings);
    let yes_no = |b: bool| if b { "YES" } else { "NO" };
    let mut vars: Vec<(&str, String)> = vec![
        // awscli >= 2.13, boto3, s3fs: the profile, and the endpoint for runs without devkit's files.
        ("AWS_PROFILE", t.profile.clone()),
        ("AWS_ENDPOINT_URL_S3", t.endpoint.clone()),
        ("AWS_DEFAULT_REGION", t.region.clone()),
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required".into()),
        ("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required".into()),
        // GDAL / rasterio.
        ("AWS_S3_ENDPOINT", t.host().to_string()),
        ("AWS_HTTPS", yes_no(t.https()).into()),
        ("AWS_VIRTUAL_HOSTING", yes_no(!t.path_style).into()),
        ("GDAL_PAM_ENABLED", "NO".into()),
        (
            "DEVKIT_DATALAKE_STATIC_AUX",
            settings.site.datalake.static_aux.clone(),
        ),
    ];
    if let Some(ca) = &t.ca_bundle {
        vars.push(("AWS_CA_BUNDLE", ca.display().to_string()));
        vars.push(("CURL_CA_BUNDLE", ca.display().to_string()));
    }
    let mut text = String::new();
    if with_secret {
        let (store, _) = secret_store::open(settings, printer)?;
        let key = datalake::load(&store, &t.endpoint).map_err(|e| {
            let hint = e.hint().unwrap_or_default();
            UserError::with_hint(e.to_string(), hint)
        })?;
        // Without devkit's files (a CI job, a container): the key itself instead of the profile.
        vars.retain(|(k, _)| *k != "AWS_PROFILE");
        vars.push(("AWS_ACCESS_KEY_ID", key.access_key_id.clone()));
        for (k, v) in &vars {
            text.push_str(&format!("export {k}={}\n", quote(v)));
        }
        text.push_str(&format!(
            "export AWS_SECRET_ACCESS_KEY={}\n",
            quote(key.secret.expose())
        ));
    } else {
        for (k, v) in &vars {
            text.push_str(&format!("export {k}={}\n", quote(v)));
        }
    }
    printer.data(&text)?;
    Ok(ExitStatus::Success)
}
