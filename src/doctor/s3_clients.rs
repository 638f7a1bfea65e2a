//! The S3 clients found on `PATH` (awscli, boto3's botocore, rclone, GDAL), each asked its version with a
//! deadline (all at once, so doctor waits for the slowest only), and whether that version works with the
//! Datalake profile `devkit configure s3` writes, or the precise fix. A client not installed is skipped.

use super::process::{run, which};
use super::s3_versions::{self as versions, AwsCli, Sdk};
use super::{Check, Context, Status};
use crate::config_edit::Ini;
use crate::env_vars::EnvVars;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What asking a client its version gave.
enum Probe {
    /// Not on `PATH`.
    Missing,
    /// No answer within the limit (killed).
    Hung,
    /// Ran: whether it succeeded, and what it printed (stdout then stderr).
    Ran { ok: bool, text: String },
}

const BOTOCORE: &str = "import botocore; print(botocore.__version__)";

/// Where the profile lives and what the hints name.
struct Profile {
    name: String,
    endpoint: String,
    aws_config: PathBuf,
    gdalrc: PathBuf,
}

/// One check per client, the four probes run side by side.
pub fn checks(ctx: &Context<'_>) -> Vec<Check> {
    let path = ctx.path.as_deref();
    let limit = ctx.timeout;
    let asks: [(&str, &[&str]); 4] = [
        ("aws", &["--version"]),
        ("python3", &["-c", BOTOCORE]),
        ("rclone", &["--version"]),
        ("gdalinfo", &["--version"]),
    ];
    let [aws, python, rclone_probe, gdal_probe] = std::thread::scope(|s| {
        asks.map(|(tool, args)| s.spawn(move || probe(tool, args, path, limit)))
            .map(|h| h.join().unwrap_or(Probe::Hung))
    });
    let target = crate::datalake::target(ctx.settings);
    let home = &ctx.settings.paths.home;
    let profile = Profile {
        aws_config: (ctx.env)(EnvVars::AWS_CONFIG_FILE)
            .filter(|f| !f.is_empty())
            .map_or_else(|| target.aws_config(), |f| expand_home(&f, home)),
        gdalrc: target.gdalrc(),
        name: target.profile,
        endpoint: target.endpoint,
    };
    vec![
        awscli(aws, ctx, &profile),
        boto3(python, ctx, &profile),
        rclone(rclone_probe, ctx, &profile),
        gdal(gdal_probe, ctx, &profile),
    ]
}

fn probe(tool: &str, args: &[&str], path: Option<&OsStr>, limit: Duration) -> Probe {
    let Some(program) = which(tool, path) else {
        return Probe::Missing;
    };
    match run(&program, args, limit) {
        None => Probe::Hung,
        Some(out) => Probe::Ran {
            ok: out.status.success(),
            text: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        },
    }
}

/// `~/x` as botocore reads it.
fn expand_home(file: &str, home: &Path) -> PathBuf {
    file.strip_prefix("~/")
        .map_or_else(|| PathBuf::from(file), |rest| home.join(rest))
}

/// The output of a successful probe, or the check saying why there is none.
fn answered(probe: Probe, name: &str, command: &str, limit: Duration) -> Result<String, Check> {
    let program = command.split(' ').next().unwrap_or(command);
    match probe {
        Probe::Missing => Err(Check::new(
            name,
            Status::Skipped,
            format!("`{program}` is not on PATH"),
        )),
        Probe::Hung => Err(Check::new(
            name,
            Status::Warn,
            format!(
                "`{command}` gave no answer within {} s: devkit cannot tell whether it works with the Datalake",
                limit.as_secs_f32()
            ),
        )
        .hint(format!("run `{command}` to see what it does"))),
        Probe::Ran { ok: false, text } => Err(unknown(name, command, &text, true)),
        Probe::Ran { ok: true, text } => Ok(text),
    }
}

/// A version devkit cannot read: the client failed, or printed something else (quoted, escaped, cut).
fn unknown(name: &str, command: &str, text: &str, failed: bool) -> Check {
    let line =
        crate::text::escape_controls(text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or(""));
    let mut shown: String = line.chars().take(80).collect();
    if shown.len() < line.len() {
        shown.push('…');
    }
    let detail = match (failed, shown.is_empty()) {
        (true, true) => format!("`{command}` fails without a word"),
        (true, false) => format!("`{command}` fails: `{shown}`"),
        (false, true) => format!("`{command}` prints nothing"),
        (false, false) => format!("cannot tell the version from `{command}`, which printed `{shown}`"),
    };
    Check::new(name, Status::Warn, detail).hint(format!(
        "run `{command}`; devkit knows how awscli, botocore, rclone and GDAL print theirs"
    ))
}

/// The version `parse` reads from a successful probe, or the check saying why there is none.
fn version<T>(
    probe: Probe,
    name: &str,
    command: &str,
    limit: Duration,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, Check> {
    let text = answered(probe, name, command, limit)?;
    parse(&text).ok_or_else(|| unknown(name, command, &text, false))
}

fn awscli(probe: Probe, ctx: &Context<'_>, p: &Profile) -> Check {
    const NAME: &str = "datalake awscli";
    let cli = match version(probe, NAME, "aws --version", ctx.timeout, AwsCli::parse) {
        Ok(cli) => cli,
        Err(check) => return check,
    };
    let label = cli.label();
    let Some(sdk) = cli.sdk() else {
        return Check::new(
            NAME,
            Status::Warn,
            format!("{label} does not say which botocore it runs on: devkit cannot tell whether it reads the profile"),
        )
        .hint("upgrade it: `pip install -U awscli`");
    };
    if !sdk.reads_endpoint_url {
        let fix = match cli {
            AwsCli::V2(_) => "install awscli ≥ 2.13 (or awscli v1: `pip install awscli`)",
            AwsCli::V1 { .. } => "upgrade it: `pip install -U awscli`",
        };
        return Check::new(
            NAME,
            Status::Warn,
            format!(
                "{label} ignores `endpoint_url` in `{}`: without `--endpoint-url` it calls AWS, not the Datalake",
                p.aws_config.display()
            ),
        )
        .hint(format!("pass `--endpoint-url {}` on every call, or {fix}", p.endpoint));
    }
    let usage = format!("`aws --profile {}`", p.name);
    profile_check(NAME, &label, sdk, ctx, p, &usage)
}

fn boto3(probe: Probe, ctx: &Context<'_>, p: &Profile) -> Check {
    const NAME: &str = "datalake boto3";
    let command = "python3 -c 'import botocore'";
    if matches!(&probe, Probe::Ran { ok: false, text } if text.contains("No module named")) {
        return Check::new(NAME, Status::Skipped, "botocore is not installed for `python3`");
    }
    let version = match version(probe, NAME, command, ctx.timeout, versions::botocore) {
        Ok(v) => v,
        Err(check) => return check,
    };
    let label = format!("botocore {version} (boto3, s3fs) of `python3`");
    let sdk = Sdk::botocore(&version);
    if !sdk.reads_endpoint_url {
        return Check::new(
            NAME,
            Status::Warn,
            format!(
                "{label} ignores `endpoint_url` in `{}`: without one given in the code it calls AWS, not the Datalake",
                p.aws_config.display()
            ),
        )
        .hint(format!(
            "upgrade: `pip install -U boto3` (botocore ≥ 1.31), or pass `endpoint_url=\"{}\"` to `boto3.client`",
            p.endpoint
        ));
    }
    let usage = format!("`boto3.Session(profile_name=\"{}\")`", p.name);
    profile_check(NAME, &label, sdk, ctx, p, &usage)
}

/// awscli ≥ 2.13 or botocore ≥ 1.31: the profile must hold the endpoint, and the checksum settings when the
/// release sends the new default checksums; an environment variable wins over the file.
fn profile_check(name: &str, label: &str, sdk: Sdk, ctx: &Context<'_>, p: &Profile, usage: &str) -> Check {
    let env = |k: &str| (ctx.env)(k).filter(|v| !v.is_empty());
    let file = p.aws_config.display();
    let section = format!("profile {}", p.name);
    let configure = "run `devkit configure s3`";
    if env(EnvVars::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Check::new(
            name,
            Status::Warn,
            format!(
                "{label} ignores `endpoint_url` because `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` is set"
            ),
        )
        .hint("unset `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`");
    }
    let ini = match std::fs::read_to_string(&p.aws_config) {
        Ok(text) => match Ini::parse(&text) {
            Ok(ini) => Some(ini),
            Err(e) => {
                return Check::new(name, Status::Warn, format!("`{file}` cannot be read: {e}"))
                    .hint(format!("fix `{file}`, then {configure}"));
            }
        },
        Err(_) => None,
    };
    let get = |key: &str| ini.as_ref().and_then(|i| i.get(&section, key));
    if get("endpoint_url").is_none() {
        return Check::new(
            name,
            Status::Warn,
            format!("{label} finds no `endpoint_url` in `[{section}]` of `{file}`"),
        )
        .hint(configure);
    }
    if sdk.new_checksums {
        let mut lacking = Vec::new();
        for (key, var) in [
            (
                "request_checksum_calculation",
                EnvVars::AWS_REQUEST_CHECKSUM_CALCULATION,
            ),
            (
                "response_checksum_validation",
                EnvVars::AWS_RESPONSE_CHECKSUM_VALIDATION,
            ),
        ] {
            match env(var) {
                Some(v) if v.eq_ignore_ascii_case("when_required") => {}
                Some(v) => {
                    let v = crate::text::escape_controls(&v);
                    return Check::new(
                        name,
                        Status::Warn,
                        format!(
                            "{label} sends checksums by default that S3 servers other than AWS may refuse, and \
                             `{var}={v}` in the environment overrides the profile's `{key} = when_required`"
                        ),
                    )
                    .hint(format!("unset `{var}` or set it to `when_required`"));
                }
                None if get(key).is_some_and(|v| v.eq_ignore_ascii_case("when_required")) => {}
                None => lacking.push(format!("`{key} = when_required`")),
            }
        }
        if !lacking.is_empty() {
            return Check::new(
                name,
                Status::Warn,
                format!(
                    "{label} sends checksums by default that S3 servers other than AWS may refuse \
                     (XAmzContentSHA256Mismatch, SignatureDoesNotMatch), and `[{section}]` of `{file}` lacks {}",
                    lacking.join(" and ")
                ),
            )
            .hint(configure);
        }
    }
    let checksums = if sdk.new_checksums {
        ", checksums when required"
    } else {
        ""
    };
    Check::new(
        name,
        Status::Ok,
        format!(
            "{label} reads the profile `{}` of `{file}` (endpoint{checksums}): {usage} or `AWS_PROFILE={}`",
            p.name, p.name
        ),
    )
}

fn rclone(probe: Probe, ctx: &Context<'_>, p: &Profile) -> Check {
    const NAME: &str = "datalake rclone";
    let version = match version(probe, NAME, "rclone --version", ctx.timeout, versions::rclone) {
        Ok(v) => v,
        Err(check) => return check,
    };
    let remote = format!("`{}:`", p.name);
    match (ctx.env)(EnvVars::AWS_CA_BUNDLE).filter(|b| !b.is_empty()) {
        Some(bundle) if version < versions::RCLONE_CA_BUNDLE_OBSERVED_BELOW => Check::new(
            NAME,
            Status::Warn,
            format!(
                "rclone {version} fails before any request while `AWS_CA_BUNDLE` is set \
                 (LoadCustomCABundleError: unsupported transport)"
            ),
        )
        .hint(format!(
            "unset it for rclone and give the bundle with `--ca-cert`: `env -u AWS_CA_BUNDLE rclone --ca-cert {} lsd {}:`",
            crate::text::escape_controls(&bundle),
            p.name
        )),
        Some(_) => Check::new(
            NAME,
            Status::Ok,
            format!(
                "rclone {version} uses the remote {remote}; `AWS_CA_BUNDLE` is set, which broke rclone 1.60: \
                 if this release fails too, unset it and pass `--ca-cert`"
            ),
        ),
        None => Check::new(
            NAME,
            Status::Ok,
            format!("rclone {version} uses the remote {remote} (its key through credential_process)"),
        ),
    }
}

fn gdal(probe: Probe, ctx: &Context<'_>, p: &Profile) -> Check {
    const NAME: &str = "datalake gdal";
    let version = match version(probe, NAME, "gdalinfo --version", ctx.timeout, versions::gdal) {
        Ok(v) => v,
        Err(check) => return check,
    };
    let file = p.gdalrc.display();
    if version < versions::GDAL_GDALRC {
        return Check::new(
            NAME,
            Status::Warn,
            format!(
                "GDAL {version} ignores `{file}`, where `devkit configure s3` puts the Datalake settings"
            ),
        )
        .hint(
            "run `eval \"$(devkit env datalake --with-secret)\"` before GDAL commands, or install GDAL ≥ 3.3",
        );
    }
    let configured = std::fs::read_to_string(&p.gdalrc)
        .ok()
        .and_then(|t| Ini::parse(&t).ok())
        .and_then(|i| i.get("configoptions", "AWS_S3_ENDPOINT"))
        .is_some();
    if !configured {
        return Check::new(
            NAME,
            Status::Warn,
            format!("GDAL {version} reads `{file}`, which has no Datalake settings"),
        )
        .hint("run `devkit configure s3`");
    }
    if let Some(mode) = crate::atomic_file::existing_mode(&p.gdalrc).filter(|m| m & 0o077 != 0) {
        return Check::new(
            NAME,
            Status::Fail,
            format!("`{file}` holds the Datalake key and is readable by others (mode {mode:04o})"),
        )
        .hint(format!("run `chmod 600 {file}`"));
    }
    let why = if version < versions::GDAL_CREDENTIAL_PROCESS {
        "GDAL before 3.12 cannot run credential_process, so the key is in that owner-only file"
    } else {
        "the key is in that owner-only file"
    };
    Check::new(
        NAME,
        Status::Ok,
        format!("GDAL {version} reads `{file}` (written by `devkit configure s3`); {why}"),
    )
}
