//! The effective site profile: its name and which values are overridden, and where from.

use super::{Check, Status};
use crate::settings::Settings;
use crate::site::Origin;

/// The profile in force.
pub fn check(settings: &Settings) -> Check {
    let overridden: Vec<String> = settings
        .origins
        .iter()
        .filter(|(_, o)| !matches!(o, Origin::Embedded))
        .map(|(k, o)| format!("{k} ({o})"))
        .collect();
    let detail = if overridden.is_empty() {
        format!("`{}`, embedded values", settings.site.name)
    } else {
        format!("`{}`, overridden: {}", settings.site.name, overridden.join(", "))
    };
    Check::new("site profile", Status::Ok, detail)
}
