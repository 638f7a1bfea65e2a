//! The effective site profile: its name and which values are overridden, summarised by where they come from
//! (a profile file overriding every key is one short phrase, not a list of every key).

use super::{Check, Status};
use crate::settings::Settings;
use crate::site::Origin;
use std::collections::BTreeMap;

/// How many keys of one origin are named before they are only counted.
const NAMED: usize = 3;

/// The profile in force.
pub fn check(settings: &Settings) -> Check {
    let mut by_origin: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (key, origin) in &settings.origins {
        if !matches!(origin, Origin::Embedded) {
            let group = match origin {
                Origin::Env(_) => "environment".to_string(),
                other => other.to_string(),
            };
            by_origin.entry(group).or_default().push(key);
        }
    }
    let detail = if by_origin.is_empty() {
        format!("`{}`, embedded values", settings.site.name)
    } else {
        let parts: Vec<String> = by_origin
            .iter()
            .map(|(origin, keys)| {
                if keys.len() <= NAMED {
                    format!("{} ({origin})", keys.join(", "))
                } else {
                    format!("{} values ({origin})", keys.len())
                }
            })
            .collect();
        format!(
            "`{}`, overridden: {} (`devkit site show` lists them)",
            settings.site.name,
            parts.join("; ")
        )
    };
    Check::new("site profile", Status::Ok, detail)
}
