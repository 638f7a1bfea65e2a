//! Kernel names: Jupyter looks kernels up by a lowercased name matching `^[a-z0-9._-]+$`; devkit's carry a
//! `devkit-` prefix so they never shadow a server's own `python3`.

use super::KernelError;

/// The prefix of every kernel name devkit makes.
pub const PREFIX: &str = "devkit-";

/// A valid kernel name for `wanted` (any text): lowercased, other characters become `-`, runs of `-` collapse,
/// prefixed with `devkit-` unless it already is.
pub fn kernel_name(wanted: &str) -> Result<String, KernelError> {
    let mut out = String::new();
    for c in wanted.trim().chars().flat_map(char::to_lowercase).flat_map(fold) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-') {
            c
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let core = out.trim_matches(|c| c == '-' || c == '.').to_string();
    if !core.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err(KernelError::BadName(wanted.to_string()));
    }
    Ok(if core.starts_with(PREFIX) {
        core
    } else {
        format!("{PREFIX}{core}")
    })
}

/// The accented Latin letters of French and its neighbours, folded to ASCII (`é` → `e`, `œ` → `oe`).
fn fold(c: char) -> Vec<char> {
    let plain = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'ç' => "c",
        'ñ' => "n",
        'ÿ' => "y",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        _ => return vec![c],
    };
    plain.chars().collect()
}

/// Whether `name` is a name Jupyter accepts.
pub fn is_valid(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(kernel_name("My Env").unwrap(), "devkit-my-env");
        assert_eq!(kernel_name("devkit-x").unwrap(), "devkit-x");
        assert_eq!(
            kernel_name("Données  Géo 3.11").unwrap(),
            "devkit-donnees-geo-3.11"
        );
        assert_eq!(kernel_name("été/../..").unwrap(), "devkit-ete");
        assert_eq!(kernel_name(".venv").unwrap(), "devkit-venv");
        assert!(kernel_name("  ").is_err());
        assert!(kernel_name("../..").is_err());
        assert!(kernel_name("💥").is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn always_valid_prefixed_and_stable(wanted in "\\PC{0,40}") {
            if let Ok(name) = kernel_name(&wanted) {
                prop_assert!(is_valid(&name), "{name}");
                prop_assert!(name.starts_with(PREFIX));
                prop_assert!(!name.contains('/') && name != "." && name != "..");
                prop_assert_eq!(kernel_name(&name).unwrap(), name.clone());
            }
        }
    }
}
