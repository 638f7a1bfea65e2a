//! Resolution of flags, environment, user configuration and site profile into one `Settings` value. The
//! precedence is written here once: flags > `DEVKIT_*` env > user config > `--site` file > embedded profile.

use crate::env_vars::EnvVars;
use crate::error::UserError;
use crate::site::{Layers, Origin, SiteProfile};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Tables the user configuration may hold.
const USER_CONFIG_TABLES: &[&str] = &["site", "init"];

/// Everything a command needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The effective site profile.
    pub site: SiteProfile,
    /// Where each profile value came from.
    pub origins: BTreeMap<String, Origin>,
    /// Default answers from the `[init]` table of the user configuration.
    pub init_defaults: toml::Table,
    /// Well-known folders.
    pub paths: Paths,
    /// `DEVKIT_SECRET_STORE`, unparsed: `keyring`, `file` or unset.
    pub secret_store: Option<String>,
}

/// Folders devkit reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The user's home.
    pub home: PathBuf,
    /// `$XDG_CONFIG_HOME/devkit`.
    pub config_dir: PathBuf,
    /// `$XDG_DATA_HOME/devkit`.
    pub data_dir: PathBuf,
    /// `$XDG_CACHE_HOME/devkit`.
    pub cache_dir: PathBuf,
}

impl Paths {
    /// The user configuration file.
    pub fn user_config(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
}

/// What the command line says about the settings (`--site`, `--set`), as plain values.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// A site profile file replacing the embedded profile's values it names.
    pub site: Option<PathBuf>,
    /// `KEY=VALUE` items, applied last.
    pub set: Vec<String>,
}

impl Settings {
    /// Resolves settings from the process environment.
    pub fn from_env(global: &Overrides) -> Result<Self> {
        Self::resolve(global, &|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Resolves settings with an injected environment (for tests).
    pub fn resolve(global: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let paths = paths(env)?;
        let mut layers = Layers::embedded();
        if let Some(file) = &global.site {
            let text = read(file, "site profile")?;
            layers.apply_toml(&text, None, Origin::SiteFile(file.display().to_string()))?;
        }
        let config_file = paths.user_config();
        let mut init_defaults = toml::Table::new();
        if config_file.exists() {
            let text = read(&config_file, "user configuration")?;
            let label = config_file.display().to_string();
            check_user_config(&text, &label)?;
            layers.apply_toml(&text, Some("site"), Origin::UserConfig(label.clone()))?;
            let table: toml::Table = text.parse().context("user configuration")?;
            if let Some(init) = table.get("init") {
                init_defaults = init
                    .as_table()
                    .cloned()
                    .ok_or_else(|| UserError::new(format!("`[init]` in `{label}` must be a table")))?;
            }
        }
        for key in layers.keys() {
            let var = Layers::env_name(&key);
            if let Some(value) = env(&var) {
                layers.apply_str(&key, &value, Origin::Env(var))?;
            }
        }
        for item in &global.set {
            let (key, value) = item.split_once('=').ok_or_else(|| {
                UserError::with_hint(
                    format!("`--set {item}` is not of the form KEY=VALUE"),
                    "for example `--set gitlab.url=https://gitlab.example.org`",
                )
            })?;
            layers.apply_str(key.trim(), value, Origin::Flag)?;
        }
        let (site, origins) = layers.resolve()?;
        Ok(Self {
            site,
            origins,
            init_defaults,
            paths,
            secret_store: env(EnvVars::DEVKIT_SECRET_STORE),
        })
    }
}

fn read(path: &Path, what: &str) -> Result<String> {
    fs_err::read_to_string(path).map_err(|e| {
        UserError::with_hint(
            format!("cannot read {what} `{}`: {}", path.display(), e.source_kind()),
            "check the path and its permissions",
        )
        .into()
    })
}

trait SourceKind {
    fn source_kind(&self) -> String;
}

impl SourceKind for std::io::Error {
    fn source_kind(&self) -> String {
        std::error::Error::source(self).map_or_else(|| self.to_string(), ToString::to_string)
    }
}

fn check_user_config(text: &str, label: &str) -> Result<()> {
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        let line = e.span().map_or(1, |s| crate::site::line_of_offset(text, s.start));
        UserError::with_hint(
            format!(
                "`{label}` is not valid TOML (line {line}): {}",
                e.message().trim()
            ),
            "fix the file, or move it away to use the defaults",
        )
    })?;
    for (key, _) in doc.iter() {
        if !USER_CONFIG_TABLES.contains(&key) {
            let line = doc
                .key(key)
                .and_then(toml_edit::Key::span)
                .map_or(1, |s| crate::site::line_of_offset(text, s.start));
            return Err(UserError::with_hint(
                format!("unknown table `{key}` in `{label}` (line {line})"),
                format!(
                    "the user configuration holds the tables {}",
                    USER_CONFIG_TABLES.join(", ")
                ),
            )
            .into());
        }
    }
    Ok(())
}

fn paths(env: &dyn Fn(&str) -> Option<String>) -> Result<Paths> {
    let home = env(EnvVars::HOME).map(PathBuf::from).ok_or_else(|| {
        UserError::with_hint(
            "`HOME` is not set",
            "devkit keeps its configuration under the home folder",
        )
    })?;
    let base = |var: &str, default: &str| {
        env(var)
            .map_or_else(|| home.join(default), PathBuf::from)
            .join("devkit")
    };
    Ok(Paths {
        config_dir: base(EnvVars::XDG_CONFIG_HOME, ".config"),
        data_dir: base(EnvVars::XDG_DATA_HOME, ".local/share"),
        cache_dir: base(EnvVars::XDG_CACHE_HOME, ".cache"),
        home,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn global(site: Option<PathBuf>, set: &[&str]) -> Overrides {
        Overrides {
            site,
            set: set.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn flags_beat_env_beat_user_config_beat_site_file() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site.toml");
        std::fs::write(
            &site,
            "[trex]\nlogin_host = \"file\"\ndefault_partition = \"file\"\ndefault_time = \"file\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("cfg/devkit")).unwrap();
        std::fs::write(
            dir.path().join("cfg/devkit/config.toml"),
            "[site.trex]\nlogin_host = \"user\"\ndefault_partition = \"user\"\n[init]\nauthor = \"Ada\"\n",
        )
        .unwrap();
        let vars: HashMap<&str, String> = [
            ("HOME", dir.path().display().to_string()),
            ("XDG_CONFIG_HOME", dir.path().join("cfg").display().to_string()),
            ("DEVKIT_TREX_LOGIN_HOST", "env".to_string()),
        ]
        .into();
        let env = |k: &str| vars.get(k).cloned();
        let s = Settings::resolve(&global(Some(site.clone()), &[]), &env).unwrap();
        assert_eq!(s.site.trex.login_host, "env");
        assert_eq!(s.site.trex.default_partition, "user");
        assert_eq!(s.site.trex.default_time, "file");
        assert_eq!(s.init_defaults["author"].as_str(), Some("Ada"));
        let s = Settings::resolve(&global(Some(site), &["trex.login_host=flag"]), &env).unwrap();
        assert_eq!(s.site.trex.login_host, "flag");
        assert_eq!(s.origins["trex.login_host"], Origin::Flag);
    }

    #[test]
    fn unknown_user_config_table_is_an_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".config/devkit")).unwrap();
        std::fs::write(dir.path().join(".config/devkit/config.toml"), "[init]\n[sitee]\n").unwrap();
        let home = dir.path().display().to_string();
        let err =
            Settings::resolve(&global(None, &[]), &|k| (k == "HOME").then(|| home.clone())).unwrap_err();
        assert!(err.to_string().contains("unknown table `sitee`"), "{err}");
        assert!(err.to_string().contains("(line 2)"), "{err}");
    }
}
