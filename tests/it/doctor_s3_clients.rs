//! `devkit doctor`'s S3 client checks: versions from stand-in programs on a prepared PATH (old awscli, checksum
//! defaults without the profile's settings, rclone with `AWS_CA_BUNDLE`, old GDAL, hostile outputs) and from the
//! real Debian awscli 2.9, rclone 1.60 and GDAL 3.6 and PyPI's awscli v1; the rclone warning checked against
//! what rclone does.

use crate::datalake::login;
use crate::doctor_s3::{CA, SECRET, bin, configure, doctor, offline, parts};
use crate::support::{TestContext, all_output, require_tool};
use std::os::unix::fs::PermissionsExt;

#[test]
fn old_awscli_and_checksum_defaults_without_the_profile_settings_get_the_precise_fix() {
    let ctx = TestContext::new();
    let s3 = offline("http://127.0.0.1:9");
    login(&ctx, &s3, SECRET);
    let run = |aws: &str, env: &[(&str, &str)]| {
        let path = bin(&ctx, &[("aws", &format!("echo '{aws}'"))]);
        let (checks, _) = doctor(&ctx, &s3, path.to_str().unwrap(), env);
        parts(&checks, "datalake awscli")
    };
    let debian = "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off";
    let (status, detail, hint) = run(debian, &[]);
    assert_eq!(status, "warn");
    assert!(
        detail.contains("awscli 2.9.19 ignores `endpoint_url`"),
        "{detail}"
    );
    assert!(
        hint.contains("--endpoint-url http://127.0.0.1:9")
            && hint.contains("2.13")
            && hint.contains("pip install awscli"),
        "{hint}"
    );

    let current = "aws-cli/2.23.0 Python/3.12.6 Linux/6.1 exe/x86_64.debian.12";
    let (status, detail, hint) = run(current, &[]);
    assert_eq!(status, "warn", "no profile yet: {detail}");
    assert!(
        detail.contains("no `endpoint_url`") && hint.contains("devkit configure s3"),
        "{detail}"
    );

    configure(&ctx, &s3);
    let (status, detail, _) = run(current, &[]);
    assert_eq!(status, "ok", "{detail}");
    assert!(
        detail.contains("checksums when required") && detail.contains("devkit-datalake"),
        "{detail}"
    );

    // A hand-edited profile without the checksum settings.
    let config = ctx.home.join(".aws/config");
    let full = std::fs::read_to_string(&config).unwrap();
    let stripped: String = full
        .lines()
        .filter(|l| !l.contains("checksum"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, &stripped).unwrap();
    let (status, detail, hint) = run(current, &[]);
    assert_eq!(status, "warn");
    assert!(
        detail.contains("`request_checksum_calculation = when_required` and `response_checksum_validation = when_required`"),
        "{detail}"
    );
    assert!(hint.contains("devkit configure s3"), "{hint}");
    // ... but an older release does not send them: nothing to warn about.
    assert_eq!(run("aws-cli/2.22.35 Python/3.12", &[]).0, "ok");
    // The environment wins over the file, either way.
    let both = [
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED"),
        ("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required"),
    ];
    assert_eq!(run(current, &both).0, "ok");
    std::fs::write(&config, &full).unwrap();
    let (status, detail, hint) = run(current, &[("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_supported")]);
    assert_eq!(status, "warn");
    assert!(
        detail.contains("`AWS_RESPONSE_CHECKSUM_VALIDATION=when_supported`"),
        "{detail}"
    );
    assert!(
        hint.contains("unset `AWS_RESPONSE_CHECKSUM_VALIDATION`"),
        "{hint}"
    );
    let (status, detail, _) = run(current, &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")]);
    assert_eq!(status, "warn");
    assert!(detail.contains("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "{detail}");
    // AWS_CONFIG_FILE elsewhere: that file is the one read.
    let (status, detail, _) = run(current, &[("AWS_CONFIG_FILE", "/nonexistent/config")]);
    assert_eq!(status, "warn");
    assert!(detail.contains("/nonexistent/config"), "{detail}");
}

#[test]
fn rclone_with_aws_ca_bundle_gdal_and_botocore_versions_and_odd_outputs() {
    let ctx = TestContext::new();
    let s3 = offline("http://127.0.0.1:9");
    login(&ctx, &s3, SECRET);
    configure(&ctx, &s3);
    let run = |tools: &[(&str, &str)], env: &[(&str, &str)]| {
        let dir = ctx.home.join("stand-ins");
        let _ = std::fs::remove_dir_all(&dir);
        let path = bin(&ctx, tools);
        doctor(&ctx, &s3, path.to_str().unwrap(), env).0
    };
    let rclone = [(
        "rclone",
        "echo 'rclone v1.60.1-DEV'; echo '- os/version: debian 12.11 (64 bit)'",
    )];
    let (status, detail, hint) = parts(&run(&rclone, &[("AWS_CA_BUNDLE", CA)]), "datalake rclone");
    assert_eq!(status, "warn");
    assert!(
        detail.contains("rclone 1.60.1") && detail.contains("AWS_CA_BUNDLE"),
        "{detail}"
    );
    assert!(
        hint.contains("env -u AWS_CA_BUNDLE") && hint.contains(&format!("--ca-cert {CA}")),
        "{hint}"
    );
    let (status, detail, _) = parts(&run(&rclone, &[]), "datalake rclone");
    assert_eq!(status, "ok", "{detail}");

    let gdal = |v: &str| format!("echo 'GDAL {v}, released 2020/12/29'");
    let (status, detail, hint) = parts(&run(&[("gdalinfo", &gdal("3.2.1"))], &[]), "datalake gdal");
    assert_eq!(status, "warn");
    assert!(detail.contains("GDAL 3.2.1 ignores"), "{detail}");
    assert!(
        hint.contains("eval \"$(devkit env datalake --with-secret)\""),
        "{hint}"
    );
    let (status, detail, _) = parts(&run(&[("gdalinfo", &gdal("3.6.2"))], &[]), "datalake gdal");
    assert_eq!(status, "ok");
    assert!(
        detail.contains("gdalrc") && detail.contains("credential_process"),
        "{detail}"
    );
    let gdalrc = ctx.home.join(".gdal/gdalrc");
    std::fs::set_permissions(&gdalrc, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (status, detail, hint) = parts(&run(&[("gdalinfo", &gdal("3.6.2"))], &[]), "datalake gdal");
    assert_eq!(status, "fail");
    assert!(
        detail.contains("readable by others") && hint.contains("chmod 600"),
        "{detail}"
    );
    std::fs::set_permissions(&gdalrc, std::fs::Permissions::from_mode(0o600)).unwrap();

    let (status, detail, hint) = parts(&run(&[("python3", "echo 1.29.0")], &[]), "datalake boto3");
    assert_eq!(status, "warn");
    assert!(
        detail.contains("botocore 1.29.0") && detail.contains("ignores `endpoint_url`"),
        "{detail}"
    );
    assert!(hint.contains("pip install -U boto3"), "{hint}");
    assert_eq!(
        parts(&run(&[("python3", "echo 1.43.11")], &[]), "datalake boto3").0,
        "ok"
    );
    let missing = "echo \"ModuleNotFoundError: No module named 'botocore'\" >&2; exit 1";
    assert_eq!(
        parts(&run(&[("python3", missing)], &[]), "datalake boto3").0,
        "skipped"
    );

    // Odd outputs: escapes, nothing, a failure. Each a warning that quotes it harmlessly, never a crash.
    let checks = run(
        &[
            ("aws", "printf 'aws-cli\\033[2J/2.9.19 \\033]0;owned\\007\\n'"),
            ("rclone", "exit 3"),
            ("gdalinfo", "true"),
        ],
        &[],
    );
    let (status, detail, _) = parts(&checks, "datalake awscli");
    assert_eq!(status, "warn");
    assert!(
        detail.contains("cannot tell the version") && !detail.contains('\u{1b}'),
        "{detail}"
    );
    let (status, detail, _) = parts(&checks, "datalake rclone");
    assert_eq!(
        (status.as_str(), detail.as_str()),
        ("warn", "`rclone --version` fails without a word")
    );
    let (status, detail, _) = parts(&checks, "datalake gdal");
    assert_eq!(
        (status.as_str(), detail.as_str()),
        ("warn", "`gdalinfo --version` prints nothing")
    );
    // Nothing installed: skipped, not a failure.
    let checks = run(&[], &[]);
    for name in [
        "datalake awscli",
        "datalake boto3",
        "datalake rclone",
        "datalake gdal",
    ] {
        assert_eq!(parts(&checks, name).0, "skipped", "{name}");
    }
}

#[test]
fn the_real_debian_and_pypi_clients_are_read_and_the_rclone_warning_is_true() {
    let rclone = require_tool("rclone");
    let gdalinfo = require_tool("gdalinfo");
    let aws_v1 = require_tool("aws");
    let (Some(rclone), Some(_), Some(aws_v1)) = (rclone, gdalinfo, aws_v1) else {
        return;
    };
    assert!(
        std::path::Path::new("/usr/bin/aws").is_file(),
        "Debian's awscli 2.9 is missing: run scripts/install-test-deps.sh"
    );
    let ctx = TestContext::new();
    let s3 = offline("http://127.0.0.1:9");
    login(&ctx, &s3, SECRET);
    configure(&ctx, &s3);

    let (checks, _) = doctor(&ctx, &s3, "/usr/bin:/bin", &[("AWS_CA_BUNDLE", CA)]);
    let (status, detail, hint) = parts(&checks, "datalake awscli");
    assert_eq!(status, "warn");
    assert!(
        detail.contains("awscli 2.9.19 ignores `endpoint_url`"),
        "{detail}"
    );
    assert!(hint.contains("--endpoint-url http://127.0.0.1:9"), "{hint}");
    let (status, detail, _) = parts(&checks, "datalake rclone");
    assert_eq!(status, "warn");
    assert!(detail.contains("rclone 1.60.1"), "{detail}");
    let (status, detail, _) = parts(&checks, "datalake gdal");
    assert_eq!(status, "ok");
    assert!(detail.contains("GDAL 3.6.2"), "{detail}");

    // What the warning says is what rclone does.
    let o = ctx
        .command(&rclone)
        .env("AWS_CA_BUNDLE", CA)
        .args(["lsd", "devkit-datalake:", "--contimeout", "2s", "--retries", "1"])
        .output()
        .unwrap();
    assert!(
        !o.status.success() && all_output(&o).contains("LoadCustomCABundleError"),
        "{}",
        all_output(&o)
    );

    // awscli v1 and botocore from PyPI, on the profile configure s3 wrote.
    let venv = aws_v1.parent().unwrap().display().to_string();
    let (checks, _) = doctor(&ctx, &s3, &format!("{venv}:/usr/bin:/bin"), &[]);
    let (status, detail, _) = parts(&checks, "datalake awscli");
    assert_eq!(status, "ok", "{detail}");
    assert!(
        detail.starts_with("awscli 1.") && detail.contains("(botocore 1."),
        "{detail}"
    );
    let (status, detail, _) = parts(&checks, "datalake boto3");
    assert_eq!(status, "ok", "{detail}");
    assert!(detail.starts_with("botocore 1."), "{detail}");
}
