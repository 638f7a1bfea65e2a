//! The Slurm option model: typed job options, the allow-list parser for `SCHEDULER_PARAMETERS`-style strings and
//! time-limit normalisation. Nothing here reaches a shell: options become separate `sbatch` argv entries.

use std::fmt::Write as _;

/// Errors of option parsing, each naming the offending text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OptionsError {
    /// An option outside the allow-list (or one devkit sets itself, such as `--output`).
    #[error("slurm option `{0}` is not allowed")]
    NotAllowed(String),
    /// A value with characters that have no business in a Slurm option.
    #[error("value of slurm option `{option}` contains forbidden characters: `{value}`")]
    BadValue { option: String, value: String },
    /// An option that needs a value and has none.
    #[error("slurm option `{0}` needs a value")]
    MissingValue(String),
    /// A word that is not an option at all.
    #[error("unexpected word `{0}` in slurm options")]
    Stray(String),
    /// A time limit Slurm would not read as intended.
    #[error("invalid time limit `{0}`")]
    BadTime(String),
}

impl OptionsError {
    /// The fix, when known.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::NotAllowed(_) => format!("allowed options: {}", allowed_names().join(", ")),
            Self::BadValue { .. } | Self::Stray(_) => {
                "write options as `--name=value` separated by spaces, without quotes or shell syntax".into()
            }
            Self::MissingValue(o) => format!("write `{o}=VALUE`"),
            Self::BadTime(_) => {
                "use `MM`, `HH:MM:SS`, `D-HH:MM:SS` or a unit: `90s`, `30m`, `2h`, `1d`".into()
            }
        })
    }
}

/// The sbatch options a user may set: long name, short alias, whether it takes a value.
const ALLOWED: &[(&str, Option<char>, bool)] = &[
    ("partition", Some('p'), true),
    ("time", Some('t'), true),
    ("time-min", None, true),
    ("nodes", Some('N'), true),
    ("ntasks", Some('n'), true),
    ("ntasks-per-node", None, true),
    ("cpus-per-task", Some('c'), true),
    ("mem", None, true),
    ("mem-per-cpu", None, true),
    ("mem-per-gpu", None, true),
    ("gpus", Some('G'), true),
    ("gpus-per-node", None, true),
    ("gpus-per-task", None, true),
    ("gres", None, true),
    ("account", Some('A'), true),
    ("qos", Some('q'), true),
    ("constraint", Some('C'), true),
    ("reservation", None, true),
    ("nodelist", Some('w'), true),
    ("exclude", Some('x'), true),
    ("licenses", Some('L'), true),
    ("hint", None, true),
    ("distribution", Some('m'), true),
    ("exclusive", None, false),
    ("overcommit", Some('O'), false),
    ("contiguous", None, false),
];

fn allowed_names() -> Vec<String> {
    ALLOWED.iter().map(|(n, _, _)| format!("--{n}")).collect()
}

/// One validated sbatch option, rendered as a single `--name[=value]` argv entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbatchOption {
    /// Long name without dashes.
    pub name: String,
    /// The value, if the option takes one.
    pub value: Option<String>,
}

impl SbatchOption {
    /// The argv entry.
    pub fn arg(&self) -> String {
        match &self.value {
            Some(v) => format!("--{}={v}", self.name),
            None => format!("--{}", self.name),
        }
    }
}

fn value_ok(v: &str) -> bool {
    !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.,:=+/@%[]-".contains(c))
}

fn lookup_long(name: &str) -> Option<&'static (&'static str, Option<char>, bool)> {
    ALLOWED.iter().find(|(n, _, _)| *n == name)
}

fn lookup_short(c: char) -> Option<&'static (&'static str, Option<char>, bool)> {
    ALLOWED.iter().find(|(_, s, _)| *s == Some(c))
}

/// Validates one option from a known name and value (used for `DEVKIT_SLURM_*` variables and flags).
pub fn option(name: &str, value: &str) -> Result<SbatchOption, OptionsError> {
    let (long, _, takes) = lookup_long(name).ok_or_else(|| OptionsError::NotAllowed(format!("--{name}")))?;
    if !takes {
        return Ok(SbatchOption {
            name: (*long).into(),
            value: None,
        });
    }
    let value = if *long == "time" || *long == "time-min" {
        normalise_time(value)?
    } else {
        value.to_string()
    };
    if !value_ok(&value) {
        return Err(OptionsError::BadValue {
            option: format!("--{long}"),
            value,
        });
    }
    Ok(SbatchOption {
        name: (*long).into(),
        value: Some(value),
    })
}

/// Parses a `SCHEDULER_PARAMETERS`-style string: whitespace-separated `--name=value`, `--name value`, `-X value`
/// or `-Xvalue`, each checked against the allow-list. Quotes and shell syntax are refused, not interpreted.
pub fn parse_parameters(text: &str) -> Result<Vec<SbatchOption>, OptionsError> {
    let mut words = text.split_whitespace().peekable();
    let mut out = Vec::new();
    while let Some(word) = words.next() {
        let (spec, inline) = if let Some(rest) = word.strip_prefix("--") {
            let (name, inline) = match rest.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (rest, None),
            };
            let spec = lookup_long(name).ok_or_else(|| OptionsError::NotAllowed(format!("--{name}")))?;
            (spec, inline)
        } else if let Some(rest) = word.strip_prefix('-') {
            let mut chars = rest.chars();
            let c = chars.next().ok_or_else(|| OptionsError::Stray(word.into()))?;
            let spec = lookup_short(c).ok_or_else(|| OptionsError::NotAllowed(format!("-{c}")))?;
            let tail: String = chars.collect();
            let tail = tail.strip_prefix('=').map(str::to_string).unwrap_or(tail);
            (spec, (!tail.is_empty()).then_some(tail))
        } else {
            return Err(OptionsError::Stray(word.into()));
        };
        let (long, _, takes) = spec;
        if !takes {
            if inline.is_some() {
                return Err(OptionsError::BadValue {
                    option: format!("--{long}"),
                    value: inline.unwrap_or_default(),
                });
            }
            out.push(SbatchOption {
                name: (*long).into(),
                value: None,
            });
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => match words.peek() {
                Some(next) if !next.starts_with('-') => words.next().unwrap_or_default().to_string(),
                _ => return Err(OptionsError::MissingValue(format!("--{long}"))),
            },
        };
        out.push(option(long, &value).map_err(|e| match e {
            OptionsError::BadValue { option, .. } => OptionsError::BadValue {
                option,
                value: value.clone(),
            },
            other => other,
        })?);
    }
    Ok(out)
}

/// Normalises a time limit to Slurm's `[D-]HH:MM:SS`. Accepts Slurm's own forms (`MM`, `MM:SS`, `HH:MM:SS`,
/// `D-HH`, `D-HH:MM`, `D-HH:MM:SS`; a bare number is minutes, as in Slurm) and units (`90s`, `30m`, `2h`, `1d`).
pub fn normalise_time(text: &str) -> Result<String, OptionsError> {
    let seconds = time_seconds(text)?;
    let (d, rem) = (seconds / 86400, seconds % 86400);
    let mut out = String::new();
    if d > 0 {
        let _ = write!(out, "{d}-");
    }
    let _ = write!(out, "{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60);
    Ok(out)
}

/// A duration in seconds, in the forms [`normalise_time`] accepts.
pub fn time_seconds(text: &str) -> Result<u64, OptionsError> {
    let bad = || OptionsError::BadTime(text.to_string());
    let t = text.trim();
    let num = |s: &str| -> Result<u64, OptionsError> {
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) || s.len() > 9 {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let seconds = if let Some(n) = t.strip_suffix('s') {
        num(n)?
    } else if let Some(n) = t.strip_suffix('m') {
        num(n)? * 60
    } else if let Some(n) = t.strip_suffix('h') {
        num(n)? * 3600
    } else if let Some(n) = t.strip_suffix('d') {
        num(n)? * 86400
    } else if let Some((d, rest)) = t.split_once('-') {
        let days = num(d)?;
        let parts: Vec<&str> = rest.split(':').collect();
        let hms = match parts.as_slice() {
            [h] => num(h)? * 3600,
            [h, m] => num(h)? * 3600 + num(m)? * 60,
            [h, m, s] => num(h)? * 3600 + num(m)? * 60 + num(s)?,
            _ => return Err(bad()),
        };
        days * 86400 + hms
    } else {
        let parts: Vec<&str> = t.split(':').collect();
        match parts.as_slice() {
            [m] => num(m)? * 60,
            [m, s] => num(m)? * 60 + num(s)?,
            [h, m, s] => num(h)? * 3600 + num(m)? * 60 + num(s)?,
            _ => return Err(bad()),
        }
    };
    if seconds == 0 {
        return Err(bad());
    }
    Ok(seconds)
}

/// Merges option lists: a later option with the same name replaces an earlier one (flags over variables over
/// site defaults).
pub fn merge(layers: &[Vec<SbatchOption>]) -> Vec<SbatchOption> {
    let mut out: Vec<SbatchOption> = Vec::new();
    for layer in layers {
        for opt in layer {
            out.retain(|o| o.name != opt.name);
            out.push(opt.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_allowed_forms() {
        let opts = parse_parameters("--partition=gpu -t 10 --nodes 2 -c4 --exclusive --gres=gpu:2").unwrap();
        let args: Vec<String> = opts.iter().map(SbatchOption::arg).collect();
        assert_eq!(
            args,
            [
                "--partition=gpu",
                "--time=00:10:00",
                "--nodes=2",
                "--cpus-per-task=4",
                "--exclusive",
                "--gres=gpu:2"
            ]
        );
    }

    #[test]
    fn refuses_hostile_values() {
        for text in [
            "--wrap=echo; rm -rf ~",
            "--partition=cpu;rm",
            "--account=$(id)",
            "--qos=`id`",
            "--output=/etc/passwd",
            "--chdir=/",
            "--wait",
            "--error=x",
            "-o x",
            "--partition='cpu'",
            "; rm -rf ~",
            "--partition=a|b",
            "--mem=1G&",
        ] {
            assert!(parse_parameters(text).is_err(), "{text} accepted");
        }
    }

    #[test]
    fn normalises_times() {
        assert_eq!(normalise_time("10").unwrap(), "00:10:00");
        assert_eq!(normalise_time("90s").unwrap(), "00:01:30");
        assert_eq!(normalise_time("2h").unwrap(), "02:00:00");
        assert_eq!(normalise_time("1-2").unwrap(), "1-02:00:00");
        assert_eq!(normalise_time("01:00:00").unwrap(), "01:00:00");
        assert_eq!(normalise_time("5:30").unwrap(), "00:05:30");
        assert!(normalise_time("0").is_err());
        assert!(normalise_time("1:2:3:4").is_err());
        assert!(normalise_time("abc").is_err());
    }

    #[test]
    fn later_layers_win() {
        let a = parse_parameters("--partition=a --time=5").unwrap();
        let b = parse_parameters("-p b").unwrap();
        let merged = merge(&[a, b]);
        assert_eq!(
            merged.iter().map(SbatchOption::arg).collect::<Vec<_>>(),
            ["--time=00:05:00", "--partition=b"]
        );
    }
}
