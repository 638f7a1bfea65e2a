//! Command-line types of credentials: `devkit secrets`, `devkit configure`, `devkit login`, `devkit logout`.

use super::FormatArgs;
use clap::{Args, Subcommand, ValueEnum};

/// `devkit secrets` subcommands.
#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Which store is in use, why, and which entries it holds (never their values).
    Status(FormatArgs),
    /// Store a credential; the token is read from stdin, never from the command line.
    Set(SecretsSetArgs),
    /// Remove a stored credential.
    Remove(SecretsRemoveArgs),
}

/// What a credential is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretTarget {
    /// The Artifactory of the site profile (`artifactory.url`).
    Artifactory,
    /// A container registry, named with `--host HOST[:PORT]` (default: the site's `artifactory.docker_registry`);
    /// `docker-credential-devkit` and `devkit images` use it before the Artifactory entry.
    Registry,
}

/// Arguments of `devkit secrets set`.
#[derive(Debug, Args)]
pub struct SecretsSetArgs {
    /// What the credential is for.
    #[arg(value_enum)]
    pub target: SecretTarget,
    /// The registry host (`registry` only), as docker names it: `host[:port]`, no scheme or path.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub host: Option<String>,
    /// The user name the token belongs to.
    #[arg(long, value_name = "USER")]
    pub username: String,
    /// Read the token from stdin (required: tokens never go on the command line).
    #[arg(long, required = true)]
    pub token_stdin: bool,
}

/// Arguments of `devkit secrets remove`.
#[derive(Debug, Args)]
pub struct SecretsRemoveArgs {
    /// What the credential is for.
    #[arg(value_enum)]
    pub target: SecretTarget,
    /// The registry host (`registry` only), as docker names it: `host[:port]`, no scheme or path.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub host: Option<String>,
    /// The user name of the entry.
    #[arg(long, value_name = "USER")]
    pub username: String,
}

/// A client `devkit configure` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigureClient {
    /// pip: `pip.conf` index-url, credentials in `~/.netrc`.
    Pip,
    /// uv: `uv.toml` default index, credentials in `~/.netrc`.
    Uv,
    /// twine: `.pypirc` upload repository; the password in a keyring when one is available.
    Twine,
    /// conda: `.condarc` channels, credentials in `~/.netrc`.
    Conda,
    /// docker: `credHelpers` in `~/.docker/config.json` → `docker-credential-devkit`.
    Docker,
    /// cargo: crates.io replaced by the Artifactory sparse index in `~/.cargo/config.toml`, token via `cargo-credential-devkit`.
    Cargo,
    /// S3 clients of the Datalake: awscli/boto3/s3fs (`~/.aws/config`, key via `credential_process`), rclone, s3cmd and GDAL (key in their 0600 files).
    S3,
    /// All of the above (s3 only when a Datalake key is stored).
    All,
}

/// Arguments of `devkit configure`.
#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// The client to configure.
    #[arg(value_enum)]
    pub client: ConfigureClient,
    /// Print what would change (a diff with secrets masked) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove what devkit added for this client: files not edited since get their exact original bytes back.
    #[arg(long)]
    pub undo: bool,
    /// The Artifactory user whose stored token to use (default: the only one stored).
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
}

/// `devkit login` targets.
#[derive(Debug, Subcommand)]
pub enum LoginCommand {
    /// Check a GitLab personal access token (scopes, expiry) and store it.
    Gitlab(LoginGitlabArgs),
    /// Artifactory: create a refreshable token with your password, or store a token you created; refresh it.
    Artifactory(LoginArtifactoryArgs),
    /// Datalake: store an S3 access key (the secret from stdin or a prompt, never an argument).
    Datalake(super::LoginDatalakeArgs),
}

/// Arguments of `devkit login gitlab`.
#[derive(Debug, Args)]
pub struct LoginGitlabArgs {
    /// Read the token from stdin instead of asking for it.
    #[arg(long)]
    pub token_stdin: bool,
}

/// `devkit logout` subcommands, one per service.
#[derive(Debug, Subcommand)]
pub enum LogoutCommand {
    /// Artifactory: revoke the token, remove it from the store, `.netrc`, `.pypirc` and the keyring.
    Artifactory(LogoutArtifactoryArgs),
    /// Datalake: remove the key from the store and undo `devkit configure s3` (every file that held it).
    Datalake,
}

/// Arguments of `devkit login artifactory`.
#[derive(Debug, Args)]
pub struct LoginArtifactoryArgs {
    /// Your Artifactory user name (with a JWT token: read from the token when not given).
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
    /// Read your password from stdin and create a refreshable token with it (`artifactory.token_lifetime_days`).
    #[arg(long, conflicts_with_all = ["token_stdin", "refresh"])]
    pub password_stdin: bool,
    /// Read a token you created (identity or access token) from stdin, check it and store it.
    #[arg(long, conflicts_with = "refresh")]
    pub token_stdin: bool,
    /// Refresh the stored token now and update every file devkit wrote it to.
    #[arg(long)]
    pub refresh: bool,
}

/// Arguments of `devkit logout artifactory`.
#[derive(Debug, Args)]
pub struct LogoutArtifactoryArgs {
    /// The user to log out (default: the only one logged in).
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
}
