//! The S3 clients' versions read from their `--version` output, and what a version means for the Datalake
//! profile `devkit configure s3` writes: which awscli/botocore reads `endpoint_url` from `~/.aws/config` or
//! sends the new default checksums, which rclone breaks on `AWS_CA_BUNDLE`, which GDAL reads `~/.gdal/gdalrc`.
//! Pure functions, so every odd output is a unit test.

pub use semver::Version;

/// The version `text` starts with: `MAJOR.MINOR[.PATCH]` (a missing patch reads as 0), then anything that does
/// not continue the number (`1.60.1-DEV`, `3.6.2,`); `None` for `1`, `1.`, `v1.2`, a part over `u32` (no
/// release is numbered so; such a number is noise).
pub fn parse_prefix(text: &str) -> Option<Version> {
    fn number(s: &str) -> Option<(u64, &str)> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        Some((u64::from(s[..end].parse::<u32>().ok()?), &s[end..]))
    }
    let (major, rest) = number(text)?;
    let (minor, rest) = number(rest.strip_prefix('.')?)?;
    let (patch, rest) = rest.strip_prefix('.').and_then(number).unwrap_or((0, rest));
    // A fourth number (`2.9.19.4`) or a part too big is not a release number devkit can compare.
    if rest
        .strip_prefix('.')
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    Some(Version::new(major, minor, patch))
}

/// The version right after the first `marker` in `text` that is followed by one.
fn after(text: &str, marker: &str) -> Option<Version> {
    text.match_indices(marker)
        .find_map(|(i, _)| parse_prefix(&text[i + marker.len()..]))
}

/// awscli's `aws --version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsCli {
    /// awscli v2: its own copy of botocore, versioned with it.
    V2(Version),
    /// awscli v1 (from PyPI), on the botocore it names (`botocore/1.43.62`), when it names one.
    V1 {
        /// awscli's own version.
        cli: Version,
        /// The botocore it runs on.
        botocore: Option<Version>,
    },
}

impl AwsCli {
    /// Reads `aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off` or
    /// `aws-cli/1.46.3 Python/3.11.7 Linux/6.18 botocore/1.43.62`.
    pub fn parse(output: &str) -> Option<Self> {
        let cli = after(output, "aws-cli/")?;
        Some(match cli.major {
            1 => Self::V1 {
                cli,
                botocore: after(output, "botocore/"),
            },
            _ => Self::V2(cli),
        })
    }

    /// What this release does with the profile, when known (v1 without botocore's version: unknown).
    pub fn sdk(&self) -> Option<Sdk> {
        match self {
            Self::V2(v) => Some(Sdk {
                reads_endpoint_url: *v >= AWSCLI_ENDPOINT_URL,
                new_checksums: *v >= AWSCLI_CHECKSUMS,
            }),
            Self::V1 { botocore, .. } => botocore.as_ref().map(Sdk::botocore),
        }
    }

    /// `awscli 2.9.19`, `awscli 1.46.3 (botocore 1.43.62)`.
    pub fn label(&self) -> String {
        match self {
            Self::V2(v) => format!("awscli {v}"),
            Self::V1 {
                cli,
                botocore: Some(b),
            } => format!("awscli {cli} (botocore {b})"),
            Self::V1 { cli, botocore: None } => format!("awscli {cli}"),
        }
    }
}

/// What an AWS SDK release does with a profile of `~/.aws/config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sdk {
    /// It reads `endpoint_url` from the profile (else it calls AWS, not the Datalake).
    pub reads_endpoint_url: bool,
    /// It sends and checks the new default checksums unless the profile says `when_required`.
    pub new_checksums: bool,
}

impl Sdk {
    /// botocore (boto3, s3fs, awscli v1).
    pub fn botocore(v: &Version) -> Self {
        Self {
            reads_endpoint_url: *v >= BOTOCORE_ENDPOINT_URL,
            new_checksums: *v >= BOTOCORE_CHECKSUMS,
        }
    }
}

/// awscli v2 reads `endpoint_url` from the profile since 2.13.0.
pub const AWSCLI_ENDPOINT_URL: Version = Version::new(2, 13, 0);
/// awscli v2 sends the new default checksums since 2.23.0.
pub const AWSCLI_CHECKSUMS: Version = Version::new(2, 23, 0);
/// botocore reads `endpoint_url` from the profile since 1.31.0.
pub const BOTOCORE_ENDPOINT_URL: Version = Version::new(1, 31, 0);
/// botocore sends the new default checksums since 1.36.0.
pub const BOTOCORE_CHECKSUMS: Version = Version::new(1, 36, 0);
/// rclone failing on `AWS_CA_BUNDLE` was observed with 1.60.1; the first later release is not known to fail.
pub const RCLONE_CA_BUNDLE_OBSERVED_BELOW: Version = Version::new(1, 61, 0);
/// GDAL reads `~/.gdal/gdalrc` since 3.3.
pub const GDAL_GDALRC: Version = Version::new(3, 3, 0);
/// GDAL runs `credential_process` since 3.12.
pub const GDAL_CREDENTIAL_PROCESS: Version = Version::new(3, 12, 0);

/// `botocore.__version__` as Python prints it (`1.43.11`): the first line must be the version alone.
pub fn botocore(output: &str) -> Option<Version> {
    let line = output.lines().map(str::trim).find(|l| !l.is_empty())?;
    let v = parse_prefix(line)?;
    let rest = line.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    rest.is_empty().then_some(v)
}

/// `rclone v1.60.1-DEV` (the first line of `rclone --version`).
pub fn rclone(output: &str) -> Option<Version> {
    after(output, "rclone v")
}

/// `GDAL 3.6.2, released 2023/01/02` (`gdalinfo --version`).
pub fn gdal(output: &str) -> Option<Version> {
    after(output, "GDAL ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        parse_prefix(s).unwrap()
    }

    #[test]
    fn odd_and_hostile_outputs_give_no_version() {
        for text in [
            "",
            "\n\n",
            "garbage",
            "aws-cli/",
            "aws-cli/2",
            "aws-cli/2.",
            "aws-cli/v2.9.19",
            "aws-cli/99999999999.1.0",
            "aws-cli/2.9.19.4",
            "AWS-CLI/2.9.19",
            "\u{1b}[31maws-cli\u{1b}[0m/2.9.19",
        ] {
            assert_eq!(AwsCli::parse(text), None, "{text:?}");
        }
        for text in [
            "",
            "rclone",
            "rclone v",
            "rclone 1.60.1",
            "rclone vX.1",
            "rclone v1..2",
        ] {
            assert_eq!(rclone(text), None, "{text:?}");
        }
        for text in ["", "GDAL", "GDAL x.y", "gdal 3.6.2", "GDAL3.6.2"] {
            assert_eq!(gdal(text), None, "{text:?}");
        }
        for text in [
            "",
            "Traceback (most recent call last):",
            "ModuleNotFoundError: No module named 'botocore'",
            "1.43.11 and more",
            "v1.43.11",
        ] {
            assert_eq!(botocore(text), None, "{text:?}");
        }
    }

    #[test]
    fn real_outputs_are_read() {
        let debian = "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off\n";
        assert_eq!(AwsCli::parse(debian), Some(AwsCli::V2(v("2.9.19"))));
        let pypi = "aws-cli/1.45.11 Python/3.11 Linux/6.1.0 botocore/1.44.18\n";
        assert_eq!(
            AwsCli::parse(pypi),
            Some(AwsCli::V1 {
                cli: v("1.45.11"),
                botocore: Some(v("1.44.18"))
            })
        );
        // Old v1 releases printed on stderr and named no botocore.
        assert_eq!(
            AwsCli::parse("aws-cli/1.18.69 Python/3.8.10 Linux/5.4.0"),
            Some(AwsCli::V1 {
                cli: v("1.18.69"),
                botocore: None
            })
        );
        assert_eq!(
            rclone("rclone v1.60.1-DEV\n- os/version: debian 12.11 (64 bit)\n"),
            Some(v("1.60.1"))
        );
        assert_eq!(rclone("rclone v1.68.2\n"), Some(v("1.68.2")));
        assert_eq!(gdal("GDAL 3.6.2, released 2023/01/02\n"), Some(v("3.6.2")));
        assert_eq!(gdal("GDAL 3.12.0dev-abc, released 2025/10/01"), Some(v("3.12.0")));
        assert_eq!(botocore("1.43.11\n"), Some(v("1.43.11")));
        assert_eq!(botocore("\n 1.31.0 \n"), Some(v("1.31.0")));
    }

    #[test]
    fn the_thresholds_fall_where_the_changelogs_say() {
        let sdk = |out: &str| AwsCli::parse(out).unwrap().sdk();
        let no_endpoint = Sdk {
            reads_endpoint_url: false,
            new_checksums: false,
        };
        let endpoint = Sdk {
            reads_endpoint_url: true,
            new_checksums: false,
        };
        let both = Sdk {
            reads_endpoint_url: true,
            new_checksums: true,
        };
        assert_eq!(sdk("aws-cli/2.9.19"), Some(no_endpoint));
        assert_eq!(sdk("aws-cli/2.12.7"), Some(no_endpoint));
        assert_eq!(sdk("aws-cli/2.13.0"), Some(endpoint));
        assert_eq!(sdk("aws-cli/2.22.35"), Some(endpoint));
        assert_eq!(sdk("aws-cli/2.23.0"), Some(both));
        assert_eq!(sdk("aws-cli/3.0.0"), Some(both));
        assert_eq!(sdk("aws-cli/1.29.0 botocore/1.30.9"), Some(no_endpoint));
        assert_eq!(sdk("aws-cli/1.29.0 botocore/1.31.0"), Some(endpoint));
        assert_eq!(sdk("aws-cli/1.46.3 botocore/1.43.62"), Some(both));
        assert_eq!(sdk("aws-cli/1.18.69"), None);
        assert_eq!(Sdk::botocore(&v("1.35.99")), endpoint);
        assert_eq!(Sdk::botocore(&v("1.36.0")), both);
        assert!(
            v("1.60.1") < RCLONE_CA_BUNDLE_OBSERVED_BELOW && v("1.61.0") >= RCLONE_CA_BUNDLE_OBSERVED_BELOW
        );
        assert!(v("3.2.9") < GDAL_GDALRC && v("3.3") >= GDAL_GDALRC);
        assert!(v("3.11.4") < GDAL_CREDENTIAL_PROCESS && v("3.12") >= GDAL_CREDENTIAL_PROCESS);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text: no panic, and a version found is one written in the text.
        #[test]
        fn any_text_is_read_without_panic(text in "\\PC{0,40}", a in 0u64..100_000, b in 0u64..1000, c in 0u64..1000) {
            for parsed in [rclone(&text), gdal(&text), botocore(&text), AwsCli::parse(&text).map(|x| match x {
                AwsCli::V2(v) | AwsCli::V1 { cli: v, .. } => v,
            })].into_iter().flatten() {
                prop_assert!(text.contains(&parsed.major.to_string()));
            }
            let written = Version::new(a, b, c);
            prop_assert_eq!(parse_prefix(&format!("{written}-rc1 {text}")), Some(written.clone()));
            prop_assert_eq!(rclone(&format!("{text}\nrclone v{written}-DEV")).is_some(), true);
        }
    }
}
