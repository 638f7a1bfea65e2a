//! The Datalake with real parts: moto's S3 server with signature checks (tests/s3/up.sh) and the real clients
//! (awscli v1 from PyPI and Debian's 2.9, boto3, s3fs, rclone, s3cmd, GDAL), each with only devkit's files in a
//! temporary HOME; a wrong secret refused by every client; the secret never in output, argv or world-readable
//! files.

use crate::proc_watch::ProcWatch;
use crate::support::{TestContext, all_output, require_env, require_tool};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) struct S3 {
    pub(crate) url: String,
    pub(crate) key_id: String,
    pub(crate) secret: String,
}

pub(crate) fn server() -> Option<S3> {
    let dir = PathBuf::from(require_env(
        "DEVKIT_TEST_S3_DIR",
        "the test S3 server",
        "run ./scripts/test.sh, or tests/s3/up.sh DIR and export DEVKIT_TEST_S3_DIR=DIR",
    )?);
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    Some(S3 {
        url: read("url"),
        key_id: read("key_id"),
        secret: read("secret"),
    })
}

pub(crate) fn cmd(ctx: &TestContext, s3: &S3, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = ctx.command(program);
    c.env("DEVKIT_DATALAKE_ENDPOINT", &s3.url)
        .env("DEVKIT_SECRET_STORE", "file");
    c
}

pub(crate) fn devkit(ctx: &TestContext, s3: &S3, args: &[&str], stdin: &str) -> Output {
    let mut c = assert_cmd::Command::from_std(cmd(ctx, s3, assert_cmd::cargo::cargo_bin!("devkit")));
    c.args(args).write_stdin(stdin).output().unwrap()
}

/// Runs `script` in Python with a boto3 client `c` for the server (and `sys`, `os`), the key in the environment
/// (never argv), without devkit's files.
pub(crate) fn boto3(ctx: &TestContext, s3: &S3, script: &str, args: &[&str]) -> Output {
    let python = require_tool("python").unwrap();
    let prelude = "import sys, os, boto3\nc = boto3.client('s3', endpoint_url=os.environ['U'], region_name='us-east-1')\n";
    cmd(ctx, s3, python)
        .env("U", &s3.url)
        .env("AWS_ACCESS_KEY_ID", &s3.key_id)
        .env("AWS_SECRET_ACCESS_KEY", &s3.secret)
        .arg("-c")
        .arg(format!("{prelude}{script}"))
        .args(args)
        .output()
        .unwrap()
}

/// `devkit login datalake` with `secret` on stdin; its output.
pub(crate) fn login(ctx: &TestContext, s3: &S3, secret: &str) -> String {
    let login = devkit(
        ctx,
        s3,
        &[
            "login",
            "datalake",
            "--access-key-id",
            &s3.key_id,
            "--secret-stdin",
        ],
        secret,
    );
    assert!(login.status.success(), "{}", all_output(&login));
    all_output(&login)
}

fn login_and_configure(ctx: &TestContext, s3: &S3, secret: &str) -> String {
    let login = login(ctx, s3, secret);
    let conf = devkit(ctx, s3, &["configure", "s3"], "");
    assert!(conf.status.success(), "{}", all_output(&conf));
    format!("{login}{}", all_output(&conf))
}

/// What each client is asked to do.
#[derive(Clone, Copy)]
enum Op {
    /// Print the object at this key.
    Read,
    /// List the "folder" at this prefix (ending in `/`).
    List,
}

/// Each client reading or listing `bucket/path`, with only devkit's files.
fn clients(ctx: &TestContext, s3: &S3, op: Op, bucket: &str, path: &str) -> Vec<(&'static str, Output)> {
    let python = require_tool("python").unwrap();
    let aws_v1 = require_tool("aws").unwrap();
    let url = format!("s3://{bucket}/{path}");
    let remote = format!("devkit-datalake:{bucket}/{path}");
    let (aws, boto3, s3fs, rclone, s3cmd) = match op {
        Op::Read => (
            vec!["s3", "cp", &url, "-"],
            "sys.stdout.write(c.get_object(Bucket=sys.argv[1], Key=sys.argv[2])['Body'].read().decode())",
            "sys.stdout.write(fs.cat(sys.argv[1]+'/'+sys.argv[2]).decode())",
            vec!["cat", &remote],
            vec!["get", "--force", &url, "-"],
        ),
        Op::List => (
            vec!["s3", "ls", &url],
            "print('\\n'.join(o['Key'] for o in c.list_objects_v2(Bucket=sys.argv[1], Prefix=sys.argv[2])['Contents']))",
            "print('\\n'.join(fs.ls(sys.argv[1]+'/'+sys.argv[2])))",
            vec!["lsf", &remote],
            vec!["ls", &url],
        ),
    };
    let profile = ["--profile", "devkit-datalake"];
    let mut runs: Vec<(&'static str, Command)> = Vec::new();
    let mut c = cmd(ctx, s3, &aws_v1);
    c.args(profile).args(&aws);
    runs.push(("awscli v1", c));
    let mut c = cmd(ctx, s3, "/usr/bin/aws");
    c.args(profile).args(["--endpoint-url", &s3.url]).args(&aws);
    runs.push(("awscli 2.9", c));
    let boto3_client = "c=boto3.Session(profile_name='devkit-datalake').client('s3')";
    for (name, setup, body) in [
        ("boto3", boto3_client, boto3),
        ("s3fs", "fs=fsspec.filesystem('s3')", s3fs),
    ] {
        let mut c = cmd(ctx, s3, &python);
        c.args([
            "-c",
            &format!("import sys,boto3,fsspec; {setup}\n{body}"),
            bucket,
            path,
        ]);
        runs.push((name, c));
    }
    let mut c = cmd(ctx, s3, "rclone");
    c.args(&rclone);
    runs.push(("rclone", c));
    let mut c = cmd(ctx, s3, "s3cmd");
    c.args(&s3cmd);
    runs.push(("s3cmd", c));
    runs.into_iter()
        .map(|(name, mut c)| (name, c.output().unwrap()))
        .collect()
}

fn seed(ctx: &TestContext, s3: &S3, bucket: &str, key: &str, body: &Path) {
    let aws_v1 = require_tool("aws").unwrap();
    for args in [
        vec!["s3api", "create-bucket", "--bucket", bucket],
        vec![
            "s3api",
            "put-object",
            "--bucket",
            bucket,
            "--key",
            key,
            "--body",
            body.to_str().unwrap(),
        ],
    ] {
        let o = cmd(ctx, s3, &aws_v1)
            .args(["--profile", "devkit-datalake"])
            .args(&args)
            .output()
            .unwrap();
        assert!(
            o.status.success() || all_output(&o).contains("BucketAlready"),
            "{}",
            all_output(&o)
        );
    }
}

fn no_secret_anywhere(ctx: &TestContext, secret: &str, texts: &[String]) {
    for t in texts {
        assert!(!t.contains(secret), "the secret leaked into output:\n{t}");
    }
    for rel in crate::support::tree(&ctx.home) {
        let path = ctx.home.join(&rel);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap_or_default();
        if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
            assert_eq!(
                meta.permissions().mode() & 0o077,
                0,
                "`{rel}` holds the secret and is not 0600"
            );
        }
    }
}

#[test]
fn every_client_lists_and_reads_with_only_devkits_files_and_a_wrong_secret_is_refused() {
    let Some(s3) = server() else { return };
    for tool in ["aws", "rclone", "s3cmd", "gdalinfo", "gdal_create", "gdalmanage"] {
        if require_tool(tool).is_none() {
            return;
        }
    }
    // The server's secret holds `+` and `/` (tests/s3/up.sh makes sure): no client may mangle them.
    assert!(s3.secret.contains('+') && s3.secret.contains('/'));
    let ctx = TestContext::new();
    let watch = ProcWatch::start(&ctx.home, &s3.secret);
    let mut outputs = vec![login_and_configure(&ctx, &s3, &s3.secret)];
    let bucket = "devkit-dl-test";
    // rclone normalises `..` and `//` segments of remote paths, so `..` sits inside a name here.
    let key = "dir with space/x..y/é unicode.txt";
    let body = ctx.work.join("body.txt");
    std::fs::write(&body, "datalake says hi").unwrap();
    seed(&ctx, &s3, bucket, key, &body);
    for (name, out) in clients(&ctx, &s3, Op::Read, bucket, key) {
        let text = all_output(&out);
        assert!(out.status.success(), "{name} failed:\n{text}");
        assert!(
            text.contains("datalake says hi"),
            "{name} read something else:\n{text}"
        );
        outputs.push(text);
    }
    for (name, out) in clients(&ctx, &s3, Op::List, bucket, "dir with space/x..y/") {
        let text = all_output(&out);
        assert!(out.status.success(), "{name} could not list:\n{text}");
        assert!(
            text.contains("é unicode.txt"),
            "{name} listed something else:\n{text}"
        );
        outputs.push(text);
    }
    // GDAL on a small GeoTIFF, through ~/.gdal/gdalrc only.
    let tif = ctx.work.join("t.tif");
    let o = ctx
        .command("gdal_create")
        .args([
            "-of",
            "GTiff",
            "-outsize",
            "4",
            "4",
            "-bands",
            "1",
            "-burn",
            "7",
            "-a_srs",
            "EPSG:4326",
        ])
        .args(["-a_ullr", "0", "4", "4", "0"])
        .arg(&tif)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", all_output(&o));
    seed(&ctx, &s3, bucket, "rasters/t.tif", &tif);
    let gdal = cmd(&ctx, &s3, "gdalinfo")
        .arg(format!("/vsis3/{bucket}/rasters/t.tif"))
        .output()
        .unwrap();
    assert!(
        all_output(&gdal).contains("Size is 4, 4"),
        "{}",
        all_output(&gdal)
    );
    outputs.push(all_output(&gdal));
    // GDAL lists a "folder" (a directory read of /vsis3/).
    let gdal = cmd(&ctx, &s3, "gdalmanage")
        .args(["identify", "-r"])
        .arg(format!("/vsis3/{bucket}/rasters/"))
        .output()
        .unwrap();
    assert!(
        all_output(&gdal).contains("rasters/t.tif: GTiff"),
        "{}",
        all_output(&gdal)
    );
    outputs.push(all_output(&gdal));
    no_secret_anywhere(&ctx, &s3.secret, &outputs);
    // No process of this test (clients, and the `devkit datalake credentials` they start) had the secret in its
    // argv or environment while it ran.
    let found = watch.finish();
    assert!(found.leaks.is_empty(), "{:#?}", found.leaks);
    assert!(
        // (rclone runs for a good part of a second, so a 2 ms watch cannot miss it; devkit's own short runs
        // may fall between two reads of /proc)
        found.seen.iter().any(|p| p.ends_with(" rclone")) && found.seen.len() >= 8,
        "the watch saw too little: {:?}",
        found.seen
    );

    // A wrong secret (with the characters base64 keys have): every client refuses, devkit never shows it.
    let wrong = "Wr0ng+secret/with=sign";
    let watch = ProcWatch::start(&ctx.home, wrong);
    let mut outputs = vec![login_and_configure(&ctx, &s3, wrong)];
    let refusals = clients(&ctx, &s3, Op::Read, bucket, key)
        .into_iter()
        .chain(clients(&ctx, &s3, Op::List, bucket, "dir with space/"));
    for (name, out) in refusals {
        let text = all_output(&out);
        assert!(!out.status.success(), "{name} accepted a wrong secret:\n{text}");
        assert!(
            text.contains("SignatureDoesNotMatch") || text.contains("403") || text.contains("Forbidden"),
            "{name} gave no clear refusal:\n{text}"
        );
        outputs.push(text);
    }
    let gdal = cmd(&ctx, &s3, "gdalinfo")
        .arg(format!("/vsis3/{bucket}/rasters/t.tif"))
        .output()
        .unwrap();
    assert!(!gdal.status.success());
    outputs.push(all_output(&gdal));
    no_secret_anywhere(&ctx, wrong, &outputs);
    let found = watch.finish();
    assert!(found.leaks.is_empty(), "{:#?}", found.leaks);

    // logout takes the key out of every file devkit wrote it to.
    let out = devkit(&ctx, &s3, &["logout", "datalake"], "");
    assert!(out.status.success(), "{}", all_output(&out));
    assert!(crate::support::files_containing(&ctx.home, wrong, &[]).is_empty());
    assert!(!ctx.home.join(".s3cfg").exists() && !ctx.home.join(".gdal/gdalrc").exists());
}

#[test]
fn env_prints_the_profile_and_the_secret_only_when_asked() {
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    let secret = "env+secret/with=";
    login_and_configure(&ctx, &s3, secret);
    let out = devkit(&ctx, &s3, &["env", "datalake"], "");
    let text = all_output(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("export AWS_PROFILE='devkit-datalake'"), "{text}");
    assert!(
        text.contains("export DEVKIT_DATALAKE_STATIC_AUX='/work/datalake/static_aux'"),
        "{text}"
    );
    assert!(
        !text.contains(secret) && !text.contains("AWS_SECRET_ACCESS_KEY"),
        "{text}"
    );
    let out = devkit(&ctx, &s3, &["env", "datalake", "--with-secret"], "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("export AWS_SECRET_ACCESS_KEY='{secret}'")),
        "{text}"
    );
    // The dry-run diff masks it.
    let out = devkit(&ctx, &s3, &["configure", "s3", "--undo", "--dry-run"], "");
    assert!(!all_output(&out).contains(secret));
}

#[test]
fn login_refuses_a_secret_on_argv_and_a_malformed_key_id() {
    let ctx = TestContext::new();
    let out = ctx
        .devkit()
        .args(["login", "datalake", "--access-key-id", "ID", "--secret", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = ctx
        .devkit()
        .args([
            "login",
            "datalake",
            "--access-key-id",
            "A B\n[x]",
            "--secret-stdin",
        ])
        .env("DEVKIT_SECRET_STORE", "file")
        .write_stdin("s")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    assert!(all_output(&out).contains("hint:"));
    let out = ctx
        .devkit()
        .args(["login", "datalake", "--access-key-id", "ID", "--secret-stdin"])
        .env("DEVKIT_SECRET_STORE", "file")
        .write_stdin("two\nlines")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
}
