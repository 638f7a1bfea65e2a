//! What `devkit configure s3` writes: one Datalake profile for each S3 client (awscli/boto3 and s3fs through
//! `~/.aws/config`, rclone, s3cmd, GDAL), as keys for the same transaction as the package clients. The secret
//! goes only where a client cannot run `credential_process` (s3cmd, GDAL 3.6), into 0600 files.

use super::{Client, Format, Op};
use crate::secret::Secret;
use std::path::PathBuf;

/// Where the Datalake is and where the user's files are.
#[derive(Debug, Clone)]
pub struct S3Target {
    /// The endpoint, `scheme://host[:port]`, no trailing slash.
    pub endpoint: String,
    /// The region requests are signed for.
    pub region: String,
    /// The profile (and rclone remote) name.
    pub profile: String,
    /// Path-style addressing.
    pub path_style: bool,
    /// The site CA bundle, if any.
    pub ca_bundle: Option<PathBuf>,
    /// `$HOME`.
    pub home: PathBuf,
    /// `$XDG_CONFIG_HOME`.
    pub config_home: PathBuf,
    /// The command `credential_process` runs.
    pub credential_process: String,
}

/// The Datalake key.
#[derive(Debug, Clone)]
pub struct S3Credential {
    /// The access key id (not secret).
    pub access_key_id: String,
    /// The secret access key.
    pub secret: Secret,
}

impl S3Target {
    /// `host[:port]` of the endpoint.
    pub fn host(&self) -> &str {
        crate::store::host_of(&self.endpoint)
    }

    /// Whether the endpoint is HTTPS.
    pub fn https(&self) -> bool {
        !self.endpoint.starts_with("http://")
    }

    /// `~/.aws/config`.
    pub fn aws_config(&self) -> PathBuf {
        self.home.join(".aws/config")
    }

    /// rclone's config file.
    pub fn rclone_config(&self) -> PathBuf {
        self.config_home.join("rclone/rclone.conf")
    }

    /// s3cmd's config file.
    pub fn s3cmd_config(&self) -> PathBuf {
        self.home.join(".s3cfg")
    }

    /// GDAL's config file.
    pub fn gdalrc(&self) -> PathBuf {
        self.home.join(".gdal/gdalrc")
    }

    /// fsspec's s3 defaults (fsspec reads `~/.config/fsspec`, not `$XDG_CONFIG_HOME`).
    pub fn fsspec_config(&self) -> PathBuf {
        self.home.join(".config/fsspec/s3.json")
    }
}

/// The keys every S3 client needs for the Datalake profile.
pub fn plan(t: &S3Target, cred: &S3Credential) -> Vec<Op> {
    let op = |file: PathBuf, format, k: &[&str], value: String, secret: Option<Secret>| Op {
        client: Client::S3,
        file,
        format,
        key: k.iter().map(ToString::to_string).collect(),
        value,
        secret,
    };
    let ini = Format::Ini;
    let ca = t.ca_bundle.as_ref().map(|p| p.display().to_string());
    let yes_no = |b: bool| if b { "YES" } else { "NO" }.to_string();
    let mut ops = Vec::new();

    // awscli >= 2.13, awscli v1, boto3 and (through AWS_PROFILE or fsspec's profile) s3fs.
    let aws = t.aws_config();
    let section = format!("profile {}", t.profile);
    let s = section.as_str();
    let mut aws_keys = vec![
        ("region", t.region.clone()),
        ("endpoint_url", t.endpoint.clone()),
        ("request_checksum_calculation", "when_required".into()),
        ("response_checksum_validation", "when_required".into()),
        ("credential_process", t.credential_process.clone()),
    ];
    if t.path_style {
        aws_keys.push(("s3", "\naddressing_style = path".into()));
    }
    if let Some(ca) = &ca {
        aws_keys.push(("ca_bundle", ca.clone()));
    }
    for (k, v) in aws_keys {
        ops.push(op(aws.clone(), ini, &[s, k], v, None));
    }

    // rclone: the AWS chain of the same profile (credential_process), endpoint given directly.
    let rclone = t.rclone_config();
    let r = t.profile.as_str();
    for (k, v) in [
        ("type", "s3".to_string()),
        ("provider", "Other".into()),
        ("env_auth", "true".into()),
        ("profile", t.profile.clone()),
        ("endpoint", t.endpoint.clone()),
        ("region", t.region.clone()),
        ("force_path_style", t.path_style.to_string()),
    ] {
        ops.push(op(rclone.clone(), ini, &[r, k], v, None));
    }

    // s3cmd: no credential_process, so the key sits in its 0600 file.
    let s3cmd = t.s3cmd_config();
    let host = t.host().to_string();
    let mut s3cmd_keys = vec![
        ("host_base", host.clone()),
        ("host_bucket", host.clone()),
        ("use_https", if t.https() { "True" } else { "False" }.to_string()),
        ("signature_v2", "False".into()),
        ("bucket_location", t.region.clone()),
        ("access_key", cred.access_key_id.clone()),
    ];
    if let Some(ca) = &ca {
        s3cmd_keys.push(("ca_certs_file", ca.clone()));
    }
    for (k, v) in s3cmd_keys {
        ops.push(op(s3cmd.clone(), ini, &["default", k], v, None));
    }
    ops.push(op(
        s3cmd,
        ini,
        &["default", "secret_key"],
        String::new(),
        Some(cred.secret.clone()),
    ));

    // GDAL 3.6 ignores ~/.aws/config's endpoint and cannot run credential_process: its own 0600 gdalrc.
    let gdal = t.gdalrc();
    let c = "configoptions";
    let mut gdal_keys = vec![
        ("AWS_S3_ENDPOINT", host),
        ("AWS_HTTPS", yes_no(t.https())),
        ("AWS_VIRTUAL_HOSTING", yes_no(!t.path_style)),
        ("AWS_REGION", t.region.clone()),
        ("AWS_ACCESS_KEY_ID", cred.access_key_id.clone()),
    ];
    if let Some(ca) = &ca {
        gdal_keys.push(("CURL_CA_BUNDLE", ca.clone()));
    }
    for (k, v) in gdal_keys {
        ops.push(op(gdal.clone(), ini, &[c, k], v, None));
    }
    ops.push(op(
        gdal,
        ini,
        &[c, "AWS_SECRET_ACCESS_KEY"],
        String::new(),
        Some(cred.secret.clone()),
    ));

    // s3fs/fsspec: every `s3://` open uses the profile (endpoint, path style and credential_process from it).
    ops.push(op(
        t.fsspec_config(),
        Format::Json,
        &["s3", "profile"],
        t.profile.clone(),
        None,
    ));
    ops
}
