//! The Datalake (S3 warm and cold tiers): where its key is kept, the client profile devkit derives from the
//! site section, and the credential document `credential_process` prints. Requests live in the submodules.

mod client;
mod error;
mod key;
mod listing;
mod location;
mod restore;
mod static_aux;

pub use client::{Head, Restore, S3};
pub use error::S3Error;
pub use key::{DatalakeKey, EnvKey, KeyError, credential_process_json, load, service};
pub use listing::{Object, Page};
pub use location::{Location, LocationError};
pub use restore::{Backoff, Readiness, wait};
pub use static_aux::{AuxError, Entry, list as list_aux};

use crate::configure::s3::S3Target;
use crate::settings::Settings;

/// The S3 target of the effective site profile: endpoint, region, profile name and the user's folders.
pub fn target(settings: &Settings) -> S3Target {
    let dl = &settings.site.datalake;
    let config_home = settings.paths.config_dir.parent().map_or_else(
        || settings.paths.home.join(".config"),
        std::path::Path::to_path_buf,
    );
    S3Target {
        endpoint: dl.endpoint.trim_end_matches('/').to_string(),
        region: dl.region.clone(),
        profile: dl.profile.clone(),
        path_style: dl.addressing_style != "virtual",
        ca_bundle: settings.site.tls.ca_bundle_path(),
        home: settings.paths.home.clone(),
        config_home,
        credential_process: credential_command(),
    }
}

/// The command awscli, boto3 and rclone run for the key: this program by full path when that path has no
/// whitespace (they split the value on spaces), else `devkit` from `PATH`.
fn credential_command() -> String {
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .filter(|p| !p.contains(char::is_whitespace))
        .unwrap_or_else(|| "devkit".into());
    format!("{exe} datalake credentials")
}
