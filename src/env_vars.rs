//! Every environment variable devkit reads, in one documented place (site keys add `DEVKIT_<SECTION>_<KEY>`).

/// Names of the environment variables devkit reads.
pub struct EnvVars;

impl EnvVars {
    /// A site profile file to use instead of the embedded CNES profile.
    pub const DEVKIT_SITE: &'static str = "DEVKIT_SITE";
    /// Disables colour when set to any value.
    pub const NO_COLOR: &'static str = "NO_COLOR";
    /// Base folder of the user configuration (`devkit/config.toml` below it).
    pub const XDG_CONFIG_HOME: &'static str = "XDG_CONFIG_HOME";
    /// Base folder of user data (the file secret store lives below it).
    pub const XDG_DATA_HOME: &'static str = "XDG_DATA_HOME";
    /// Base folder of caches.
    pub const XDG_CACHE_HOME: &'static str = "XDG_CACHE_HOME";
    /// The user's home folder.
    pub const HOME: &'static str = "HOME";
    /// Turns on debug output, as `-v` does (also used by the CI plugins).
    pub const DEVKIT_TRACE: &'static str = "DEVKIT_TRACE";
    /// Forces the secret store: `keyring` or `file` (default: the keyring if it answers, else the file).
    pub const DEVKIT_SECRET_STORE: &'static str = "DEVKIT_SECRET_STORE";
}
