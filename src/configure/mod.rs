//! What `devkit configure` writes for each package client: the keys of pip.conf, uv.toml, .pypirc, .condarc and
//! the `.netrc` entry, computed from the site profile and the stored credential. No URL ever carries a secret.

mod apply;
mod doc;
mod faults;
mod originals;
mod owned;
mod pass;
mod persist;
pub mod s3;
mod snapshot;
pub mod transaction;

pub use apply::{ConfigureError, FileChange, compute, undo, undo_secrets};
pub use doc::Format;
pub use originals::{FILE_NAME as ORIGINALS_FILE, Originals};
pub use owned::{FILE_NAME as OWNED_FILE, Owned};
pub use pass::{KeyringEntries, Pass, read_text, recover};

use crate::secret::Secret;
use crate::store::host_of;
use std::path::PathBuf;

/// The clients devkit configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// pip: pip.conf + .netrc.
    Pip,
    /// uv: uv.toml + .netrc.
    Uv,
    /// twine: .pypirc (+ keyring entry).
    Twine,
    /// conda: .condarc + .netrc.
    Conda,
    /// docker: `credHelpers` in config.json naming `docker-credential-devkit`.
    Docker,
    /// cargo: source replacement of crates.io in `~/.cargo/config.toml`.
    Cargo,
    /// S3 clients of the Datalake (awscli, boto3, s3fs, rclone, s3cmd, GDAL): planned by [`s3::plan`].
    S3,
}

impl Client {
    /// Every client, in the order `all` configures them.
    pub const ALL: [Self; 7] = [
        Self::Pip,
        Self::Uv,
        Self::Twine,
        Self::Conda,
        Self::Docker,
        Self::Cargo,
        Self::S3,
    ];

    /// The client's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pip => "pip",
            Self::Uv => "uv",
            Self::Twine => "twine",
            Self::Conda => "conda",
            Self::Docker => "docker",
            Self::Cargo => "cargo",
            Self::S3 => "s3",
        }
    }
}

/// Where things are: the repositories of the site and the user's folders.
#[derive(Debug, Clone)]
pub struct Target {
    /// `artifactory.url`, without a trailing slash.
    pub url: String,
    /// The site's Artifactory section (repository keys, Docker registry).
    pub artifactory: crate::site::Artifactory,
    /// The site CA bundle, if any.
    pub ca_bundle: Option<PathBuf>,
    /// `$HOME`.
    pub home: PathBuf,
    /// `$XDG_CONFIG_HOME`.
    pub config_home: PathBuf,
    /// The command cargo runs as the registry's credential provider.
    pub cargo_provider: String,
}

/// The credential clients send.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The user name.
    pub user: String,
    /// The token.
    pub token: Secret,
}

/// One key to write.
#[derive(Debug, Clone)]
pub struct Op {
    /// Who needs it.
    pub client: Client,
    /// The file.
    pub file: PathBuf,
    /// Its format.
    pub format: Format,
    /// The key path.
    pub key: Vec<String>,
    /// The value (for a netrc entry: the login).
    pub value: String,
    /// The secret written with it (netrc password, .pypirc password).
    pub secret: Option<Secret>,
}

/// The section devkit owns in `.pypirc`.
pub const PYPIRC_SECTION: &str = "artifactory";
/// The name of devkit's credential helper (`docker-credential-<name>`).
pub const DOCKER_HELPER: &str = "devkit";
/// The source name devkit owns in cargo's config.
pub const CARGO_SOURCE: &str = "artifactory";
/// The `[registries]` name devkit gives the Artifactory sparse index in cargo's config (its credential provider).
pub const CARGO_REGISTRY: &str = "devkit-artifactory";
/// cargo's credential provider (installed next to `devkit`).
pub const CARGO_PROVIDER: &str = "cargo-credential-devkit";

/// The provider as cargo's config names it: its full path when it sits next to this program (cargo splits the
/// value on spaces, so a path with one falls back to the name, looked up on `PATH`).
fn cargo_provider() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(CARGO_PROVIDER)))
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .filter(|p| !p.contains(char::is_whitespace))
        .unwrap_or_else(|| CARGO_PROVIDER.into())
}

/// The `[[index]]` name devkit owns in uv.toml.
pub const UV_INDEX: &str = "artifactory";

impl Target {
    /// The repositories of the effective site profile and the user's folders.
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        let site = &settings.site;
        let config_home = settings.paths.config_dir.parent().map_or_else(
            || settings.paths.home.join(".config"),
            std::path::Path::to_path_buf,
        );
        Self {
            url: site.artifactory.url.trim_end_matches('/').to_string(),
            artifactory: site.artifactory.clone(),
            ca_bundle: site.tls.ca_bundle_path(),
            home: settings.paths.home.clone(),
            config_home,
            cargo_provider: cargo_provider(),
        }
    }

    /// The install index: `<url>/api/pypi/<pypi_remote>/simple`.
    pub fn pypi_simple(&self) -> String {
        format!("{}/api/pypi/{}/simple", self.url, self.artifactory.pypi_remote)
    }

    /// The upload URL: `<url>/api/pypi/<pypi_internal>`.
    pub fn pypi_upload(&self) -> String {
        format!("{}/api/pypi/{}", self.url, self.artifactory.pypi_internal)
    }

    /// The conda channel base: `<url>/api/conda/<conda_remote>`.
    pub fn conda_channel(&self) -> String {
        format!("{}/api/conda/{}", self.url, self.artifactory.conda_remote)
    }

    /// The sparse index cargo uses: `sparse+<url>/api/cargo/<cargo_remote>/index/`.
    pub fn cargo_index(&self) -> String {
        format!(
            "sparse+{}/api/cargo/{}/index/",
            self.url, self.artifactory.cargo_remote
        )
    }

    /// The registry host docker asks helpers about (`host[:port]`, no path).
    pub fn docker_host(&self) -> String {
        host_of(&self.artifactory.docker_registry).to_string()
    }

    /// The host netrc readers match (no port: pip, uv and curl drop it).
    pub fn netrc_machine(&self) -> String {
        let host = host_of(&self.url);
        match host.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(']') => h.to_string(),
            _ => host.to_string(),
        }
    }

    /// `~/.netrc`.
    pub fn netrc(&self) -> PathBuf {
        self.home.join(".netrc")
    }
}

fn key(parts: &[&str]) -> Vec<String> {
    parts.iter().map(ToString::to_string).collect()
}

/// The keys `client` needs. `twine_password_in_file` is false when twine can read the token from a keyring.
pub fn plan(client: Client, t: &Target, cred: &Credential, twine_password_in_file: bool) -> Vec<Op> {
    let op = |file: PathBuf, format, k: &[&str], value: String, secret: Option<Secret>| Op {
        client,
        file,
        format,
        key: key(k),
        value,
        secret,
    };
    let netrc = || {
        op(
            t.netrc(),
            Format::Netrc,
            &[&t.netrc_machine()],
            cred.user.clone(),
            Some(cred.token.clone()),
        )
    };
    let ca = t.ca_bundle.as_ref().map(|p| p.display().to_string());
    let mut ops = Vec::new();
    match client {
        Client::Pip => {
            let file = t.config_home.join("pip/pip.conf");
            ops.push(op(
                file.clone(),
                Format::Ini,
                &["global", "index-url"],
                t.pypi_simple(),
                None,
            ));
            if let Some(ca) = &ca {
                ops.push(op(file, Format::Ini, &["global", "cert"], ca.clone(), None));
            }
            ops.push(netrc());
        }
        Client::Uv => {
            let file = t.config_home.join("uv/uv.toml");
            ops.push(op(
                file,
                Format::UvToml,
                &["index", UV_INDEX],
                t.pypi_simple(),
                None,
            ));
            ops.push(netrc());
        }
        Client::Twine => {
            let file = t.home.join(".pypirc");
            let s = PYPIRC_SECTION;
            ops.push(op(
                file.clone(),
                Format::Ini,
                &["distutils", "index-servers", s],
                s.into(),
                None,
            ));
            ops.push(op(
                file.clone(),
                Format::Ini,
                &[s, "repository"],
                t.pypi_upload(),
                None,
            ));
            ops.push(op(
                file.clone(),
                Format::Ini,
                &[s, "username"],
                cred.user.clone(),
                None,
            ));
            if twine_password_in_file {
                ops.push(op(
                    file.clone(),
                    Format::Ini,
                    &[s, "password"],
                    String::new(),
                    Some(cred.token.clone()),
                ));
            }
            if let Some(ca) = &ca {
                ops.push(op(file, Format::Ini, &[s, "ca_cert"], ca.clone(), None));
            }
        }
        Client::Conda => {
            use crate::config_edit::{list_block, scalar_block};
            let file = t.home.join(".condarc");
            let base = t.conda_channel();
            ops.push(op(
                file.clone(),
                Format::Yaml,
                &["channel_alias"],
                scalar_block("channel_alias", &base),
                None,
            ));
            let defaults = list_block("default_channels", &[format!("{base}/conda-forge")]);
            ops.push(op(
                file.clone(),
                Format::Yaml,
                &["default_channels"],
                defaults,
                None,
            ));
            if let Some(ca) = &ca {
                ops.push(op(
                    file,
                    Format::Yaml,
                    &["ssl_verify"],
                    scalar_block("ssl_verify", ca),
                    None,
                ));
            }
            ops.push(netrc());
        }
        Client::Docker => {
            let file = t.home.join(".docker/config.json");
            let host = t.docker_host();
            ops.push(op(
                file,
                Format::Json,
                &["credHelpers", &host],
                DOCKER_HELPER.into(),
                None,
            ));
        }
        Client::Cargo => {
            let file = t.home.join(".cargo/config.toml");
            let replace = ["source", "crates-io", "replace-with"];
            ops.push(op(
                file.clone(),
                Format::Toml,
                &replace,
                CARGO_SOURCE.into(),
                None,
            ));
            let registry = ["source", CARGO_SOURCE, "registry"];
            ops.push(op(file.clone(), Format::Toml, &registry, t.cargo_index(), None));
            // cargo sends a token to a replaced source only through the credential provider of the
            // `[registries]` entry with the same index.
            let index = ["registries", CARGO_REGISTRY, "index"];
            ops.push(op(file.clone(), Format::Toml, &index, t.cargo_index(), None));
            let provider = ["registries", CARGO_REGISTRY, "credential-provider"];
            ops.push(op(file, Format::Toml, &provider, t.cargo_provider.clone(), None));
        }
        // The Datalake key, not the Artifactory token: see `s3::plan`.
        Client::S3 => {}
    }
    ops
}
