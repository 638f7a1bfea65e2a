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
