//! Command-line types of the Datalake: `login datalake`, `logout datalake`, `env datalake` and `datalake ...`.

use clap::{Args, Subcommand, ValueEnum};

/// Arguments of `devkit login datalake`.
#[derive(Debug, Args)]
pub struct LoginDatalakeArgs {
    /// The access key id of your Datalake key (not secret).
    #[arg(long, value_name = "ID")]
    pub access_key_id: String,
    /// Read the secret access key from stdin instead of asking for it (it is never taken as an argument).
    #[arg(long)]
    pub secret_stdin: bool,
}

/// `devkit datalake` subcommands.
#[derive(Debug, Subcommand)]
pub enum DatalakeCommand {
    /// Print the stored key as a `credential_process` document (run by awscli, boto3 and rclone, not by people).
    Credentials,
    /// List `s3://bucket/prefix` with size, storage class and date (every page of the listing).
    Ls(DatalakeLsArgs),
    /// The site's collections and whether each is reachable with the stored key (exit 1 if one is not).
    Collections,
    /// Bring a cold (tape) object back: request a restore, report readiness, or wait for it with `--wait`.
    Restore(DatalakeRestoreArgs),
    /// List the pre-downloaded auxiliary data on Trex (`datalake.static_aux`), or one folder of it.
    Aux {
        /// A folder (or file) of the auxiliary data, e.g. `MNT`.
        name: Option<String>,
    },
}

/// Arguments of `devkit datalake ls`.
#[derive(Debug, Args)]
pub struct DatalakeLsArgs {
    /// `s3://bucket` or `s3://bucket/prefix`.
    pub location: String,
    /// Every key below the prefix instead of grouping at the next `/`.
    #[arg(short, long)]
    pub recursive: bool,
}

/// Arguments of `devkit datalake restore`.
#[derive(Debug, Args)]
pub struct DatalakeRestoreArgs {
    /// `s3://bucket/key` of a cold object.
    pub location: String,
    /// Days the restored copy stays readable (default: the site's `datalake.restore_days`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: Option<u32>,
    /// Wait until the object is readable, polling with a growing delay (exit 0 once readable).
    #[arg(long)]
    pub wait: bool,
}

/// What `devkit env` prints variables for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvTarget {
    /// The Datalake profile: S3 clients, GDAL and the static auxiliary data.
    Datalake,
}

/// Arguments of `devkit env`.
#[derive(Debug, Args)]
pub struct EnvArgs {
    /// What to print variables for.
    #[arg(value_enum)]
    pub target: EnvTarget,
    /// Also print the key itself (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`), for jobs without devkit's store.
    #[arg(long)]
    pub with_secret: bool,
}
