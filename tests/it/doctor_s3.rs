//! `devkit doctor`'s Datalake endpoint check: the key against moto's S3 server with signature checks
//! (tests/s3/up.sh), a closed port, a silent server, web pages and S3 error answers where a bucket list was
//! expected. Without a stored key nothing is checked, and the secret is never in doctor's output, text or JSON.
//! The helpers here also run the clients' checks (doctor_s3_clients.rs).

use crate::datalake::{S3, devkit, login, server};
use crate::fake_http::{read_request, respond, serve};
use crate::support::{TestContext, all_output};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

pub(crate) const SECRET: &str = "dOcToR+s3/SeCrEt==";
pub(crate) const CA: &str = "/etc/ssl/certs/ca-certificates.crt";

/// A stored key for an endpoint no test server answers on (enough for the client checks).
pub(crate) fn offline(url: &str) -> S3 {
    S3 {
        url: url.into(),
        key_id: "AKIADOCTORTEST".into(),
        secret: SECRET.into(),
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

/// A folder of stand-in programs (shell builtins only, so PATH can be that folder alone).
pub(crate) fn bin(ctx: &TestContext, tools: &[(&str, &str)]) -> PathBuf {
    let dir = ctx.home.join("stand-ins");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in tools {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// `devkit doctor` in both formats with `PATH` and `env`, every other service refused at once. The secret is
/// in neither output; both give the same exit status. The JSON checks and the text.
pub(crate) fn doctor(ctx: &TestContext, s3: &S3, path: &str, env: &[(&str, &str)]) -> (Vec<Value>, String) {
    let run = |json: bool| {
        let mut c = ctx.devkit_std();
        c.env("DEVKIT_DATALAKE_ENDPOINT", &s3.url)
            .env("DEVKIT_SECRET_STORE", "file")
            .env("DEVKIT_GITLAB_URL", "http://127.0.0.1:9")
            .env("DEVKIT_ARTIFACTORY_URL", "http://127.0.0.1:9/artifactory")
            .env("DEVKIT_TREX_LOGIN_HOST", "127.0.0.1")
            .env("DEVKIT_TREX_LOGIN_HOST_OUTSIDE", "127.0.0.1")
            .env("PATH", path)
            .envs(env.iter().copied())
            .arg("doctor");
        if json {
            c.args(["--format", "json"]);
        }
        c.output().unwrap()
    };
    let (json, text) = (run(true), run(false));
    for out in [&json, &text] {
        let all = all_output(out);
        assert!(!all.contains(&s3.secret), "the secret is shown:\n{all}");
        assert!(!all.contains(SECRET), "the secret is shown:\n{all}");
    }
    assert_eq!(json.status.code(), text.status.code());
    let doc: Value = serde_json::from_slice(&json.stdout).expect("doctor --format json");
    let checks = doc["checks"].as_array().unwrap().clone();
    let failed = checks.iter().any(|c| c["status"] == "fail");
    assert_eq!(doc["ok"], !failed);
    assert_eq!(json.status.code(), Some(if failed { 1 } else { 0 }));
    (checks, String::from_utf8(text.stdout).unwrap())
}

fn check<'a>(checks: &'a [Value], name: &str) -> &'a Value {
    checks
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check `{name}` in {checks:#?}"))
}

/// Status, detail and hint of a check.
pub(crate) fn parts(checks: &[Value], name: &str) -> (String, String, String) {
    let c = check(checks, name);
    let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
    (s("status"), s("detail"), s("hint"))
}

pub(crate) fn configure(ctx: &TestContext, s3: &S3) {
    let o = devkit(ctx, s3, &["configure", "s3"], "");
    assert!(o.status.success(), "{}", all_output(&o));
}

#[test]
fn without_a_key_no_datalake_check_warns_or_fails() {
    let ctx = TestContext::new();
    // Clients that would each draw a warning, and an endpoint nothing answers on.
    let path = bin(
        &ctx,
        &[
            (
                "aws",
                "echo 'aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off'",
            ),
            ("rclone", "echo 'rclone v1.60.1-DEV'"),
            ("gdalinfo", "echo 'GDAL 3.2.1, released 2020/12/29'"),
        ],
    );
    let s3 = offline(&closed_port());
    let (checks, text) = doctor(&ctx, &s3, path.to_str().unwrap(), &[("AWS_CA_BUNDLE", CA)]);
    let datalake: Vec<&Value> = checks
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("datalake"))
        .collect();
    assert_eq!(datalake.len(), 1, "{datalake:#?}");
    let (status, detail, _) = parts(&checks, "datalake");
    assert_eq!(status, "skipped");
    assert!(detail.contains("devkit login datalake"), "{detail}");
    assert!(
        text.contains("skipped") && text.contains("no Datalake key stored"),
        "{text}"
    );
}

#[test]
fn the_right_key_is_accepted_and_named_without_its_secret() {
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    login(&ctx, &s3, &s3.secret);
    let (checks, text) = doctor(&ctx, &s3, "/usr/bin:/bin", &[]);
    let (status, detail, _) = parts(&checks, "datalake endpoint");
    assert_eq!(status, "ok", "{detail}");
    assert!(
        detail.contains(s3.url.trim_end_matches('/'))
            && detail.contains(&s3.key_id)
            && detail.contains("speaks S3"),
        "{detail}"
    );
    assert!(text.contains("datalake endpoint"), "{text}");
}

#[test]
fn a_wrong_secret_or_an_unknown_key_is_refused_with_the_login_hint() {
    let Some(s3) = server() else { return };
    for (key_id, secret, code) in [
        (
            s3.key_id.clone(),
            "wrong+secret/with==".to_string(),
            "SignatureDoesNotMatch",
        ),
        (
            "AKIANOSUCHKEY0000000".to_string(),
            s3.secret.clone(),
            "InvalidAccessKeyId",
        ),
    ] {
        let ctx = TestContext::new();
        let stored = S3 {
            url: s3.url.clone(),
            key_id,
            secret: secret.clone(),
        };
        login(&ctx, &stored, &secret);
        let (checks, _) = doctor(&ctx, &stored, "/usr/bin:/bin", &[]);
        let (status, detail, hint) = parts(&checks, "datalake endpoint");
        assert_eq!(status, "fail", "{detail}");
        assert!(
            detail.contains("refuses the credentials")
                && detail.contains(code)
                && detail.contains(&stored.key_id),
            "{detail}"
        );
        assert!(hint.contains("devkit login datalake"), "{hint}");
        assert!(!detail.contains(&secret) && !hint.contains(&secret));
    }
}

#[test]
fn a_closed_port_or_a_silent_server_is_unreachable_within_the_probe_time() {
    let ctx = TestContext::new();
    let s3 = offline(&closed_port());
    login(&ctx, &s3, SECRET);
    let (checks, _) = doctor(&ctx, &s3, "/usr/bin:/bin", &[]);
    let (status, detail, hint) = parts(&checks, "datalake endpoint");
    assert_eq!(status, "fail");
    assert!(
        detail.starts_with(&format!("the Datalake endpoint `{}` is unreachable: ", s3.url)),
        "{detail}"
    );
    assert!(
        hint.contains("DEVKIT_DATALAKE_ENDPOINT") && hint.contains("VPN"),
        "{hint}"
    );

    // Accepts the connection, reads the request, never answers.
    let silent = format!(
        "http://{}",
        serve(|s| {
            let _ = read_request(&s);
            std::thread::sleep(std::time::Duration::from_secs(60));
        })
    );
    let s3 = offline(&silent);
    let ctx = TestContext::new();
    login(&ctx, &s3, SECRET);
    let (checks, _) = doctor(&ctx, &s3, "/usr/bin:/bin", &[]);
    let (status, detail, _) = parts(&checks, "datalake endpoint");
    assert_eq!(status, "fail");
    assert!(detail.contains("is unreachable"), "{detail}");
}

/// Doctor's endpoint check against a server giving every request one answer; with the stored key id.
fn endpoint_answering(
    status: u16,
    content_type: &'static str,
    body: String,
) -> ((String, String, String), String) {
    let url = format!(
        "http://{}",
        serve(move |s| {
            let _ = read_request(&s);
            let header = [("content-type".to_string(), content_type.to_string())];
            let _ = respond(&s, status, &header, body.as_bytes());
        })
    );
    let ctx = TestContext::new();
    let s3 = offline(&url);
    login(&ctx, &s3, SECRET);
    let (checks, _) = doctor(&ctx, &s3, "/usr/bin:/bin", &[]);
    (parts(&checks, "datalake endpoint"), s3.key_id)
}

#[test]
fn a_web_page_or_another_answer_than_s3_is_not_an_s3_endpoint() {
    for (status, content_type, body) in [
        (
            200,
            "text/html",
            "<!DOCTYPE html><html><body>Please log in</body></html>",
        ),
        (200, "application/json", "{\"status\": \"up\"}"),
        (404, "text/plain", "not found"),
    ] {
        let ((st, detail, hint), _) = endpoint_answering(status, content_type, body.into());
        assert_eq!(st, "fail", "{detail}");
        assert!(
            detail.contains("is not an S3 endpoint"),
            "{content_type}: {detail}"
        );
        assert!(hint.contains("datalake.endpoint"), "{hint}");
    }
}

/// S3 error answers moto cannot give with the test key: the key authenticated but not allowed to list
/// buckets, a clock off, a server error.
#[test]
fn s3_error_answers_say_what_they_mean_for_the_key() {
    for (status, code, expected, says) in [
        (403, "AccessDenied", "ok", "does not let it list buckets"),
        (403, "RequestTimeTooSkewed", "fail", "its clock is off"),
        (500, "InternalError", "fail", "500 InternalError"),
    ] {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>m</Message></Error>"
        );
        let ((st, detail, _), key_id) = endpoint_answering(status, "application/xml", body);
        assert_eq!(st, expected, "{code}: {detail}");
        assert!(detail.contains(says), "{code}: {detail}");
        if code == "AccessDenied" {
            assert!(
                detail.contains(&key_id) && detail.contains("accepts the key"),
                "{detail}"
            );
        }
    }
}
