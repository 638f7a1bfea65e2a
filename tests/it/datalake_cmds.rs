//! `devkit datalake ls | collections | restore | aux` against moto's S3 server with signature checks on
//! (tests/s3/up.sh): storage classes listed, a cold object refused before `restore --wait` and readable after,
//! hostile bucket and key names, a wrong secret and an HTML endpoint refused clearly, the secret never shown.
//! moto restores at once (never `ongoing-request="true"`): the slow-restore polling is tested in the unit
//! tests of `datalake::restore` with a fake HEAD that stays "ongoing" for several polls.

use crate::datalake::{S3, boto3, cmd, devkit, login, server};
use crate::support::{TestContext, all_output};
use std::io::{Read, Write};
use std::process::Output;

const COLD_KEY: &str = "tape/t.bin";
const ODD_KEY: &str = "x y/ünï ?#%+&<>.txt";
const DOT_KEY: &str = "a/../up";

fn seed(ctx: &TestContext, s3: &S3, bucket: &str) {
    let o = boto3(
        ctx,
        s3,
        "b = sys.argv[1]\nc.create_bucket(Bucket=b)\n\
         for k in sys.argv[2:5]: c.put_object(Bucket=b, Key=k, Body=b'warm')\n\
         c.put_object(Bucket=b, Key=sys.argv[5], Body=b'cold data', StorageClass='GLACIER')\n",
        &[bucket, "plain.txt", ODD_KEY, DOT_KEY, COLD_KEY],
    );
    assert!(o.status.success(), "{}", all_output(&o));
}

fn read_cold(ctx: &TestContext, s3: &S3, bucket: &str) -> Output {
    boto3(
        ctx,
        s3,
        "sys.stdout.write(c.get_object(Bucket=sys.argv[1], Key=sys.argv[2])['Body'].read().decode())",
        &[bucket, COLD_KEY],
    )
}

#[test]
fn ls_shows_storage_classes_and_a_cold_object_is_readable_after_restore_wait() {
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    let bucket = "dl-restore";
    seed(&ctx, &s3, bucket);
    login(&ctx, &s3, &s3.secret);
    let mut outputs = Vec::new();

    let ls = devkit(
        &ctx,
        &s3,
        &["datalake", "ls", "--recursive", &format!("s3://{bucket}")],
        "",
    );
    let text = all_output(&ls);
    assert!(ls.status.success(), "{text}");
    for key in ["plain.txt", ODD_KEY, DOT_KEY, COLD_KEY] {
        assert!(text.lines().any(|l| l.ends_with(key)), "`{key}` missing:\n{text}");
    }
    let cold_line = text.lines().find(|l| l.ends_with(COLD_KEY)).unwrap();
    assert!(
        cold_line.contains("GLACIER") && cold_line.contains(" 9 "),
        "{cold_line}"
    );
    assert!(
        text.lines()
            .find(|l| l.ends_with("plain.txt"))
            .unwrap()
            .contains("STANDARD")
    );
    outputs.push(text);

    // Non-recursive: folders as PRE lines; a prefix with a space and unicode.
    let ls = devkit(&ctx, &s3, &["datalake", "ls", &format!("s3://{bucket}/")], "");
    let text = all_output(&ls);
    assert!(
        text.contains("PRE") && text.contains("tape/") && text.contains("x y/"),
        "{text}"
    );
    let ls = devkit(
        &ctx,
        &s3,
        &["datalake", "ls", &format!("s3://{bucket}/x y/ün")],
        "",
    );
    let text = all_output(&ls);
    assert!(
        ls.status.success() && text.trim_end().ends_with(ODD_KEY),
        "{text}"
    );
    outputs.push(text);

    // Before the restore: the object is refused by S3 itself.
    let before = read_cold(&ctx, &s3, bucket);
    assert!(!before.status.success() && all_output(&before).contains("InvalidObjectState"));

    let warm = devkit(
        &ctx,
        &s3,
        &["datalake", "restore", &format!("s3://{bucket}/{ODD_KEY}")],
        "",
    );
    let text = all_output(&warm);
    assert!(warm.status.success() && text.contains("warm tier"), "{text}");
    outputs.push(text);

    let restore = devkit(
        &ctx,
        &s3,
        &[
            "datalake",
            "restore",
            "--days",
            "2",
            "--wait",
            &format!("s3://{bucket}/{COLD_KEY}"),
        ],
        "",
    );
    let text = all_output(&restore);
    assert!(restore.status.success(), "{text}");
    assert!(
        text.contains("Requested") && text.contains("readable until"),
        "{text}"
    );
    outputs.push(text);
    let after = read_cold(&ctx, &s3, bucket);
    assert!(after.status.success(), "{}", all_output(&after));
    assert_eq!(String::from_utf8_lossy(&after.stdout), "cold data");

    // Asking again is harmless: the copy exists.
    let again = devkit(
        &ctx,
        &s3,
        &["datalake", "restore", &format!("s3://{bucket}/{COLD_KEY}")],
        "",
    );
    assert!(again.status.success() && all_output(&again).contains("readable until"));

    for text in &outputs {
        assert!(!text.contains(&s3.secret), "the secret leaked:\n{text}");
    }
}

#[test]
fn hostile_names_get_clear_errors_before_any_request() {
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    login(&ctx, &s3, &s3.secret);
    let cases: &[(&[&str], &str)] = &[
        (&["datalake", "ls", "s3://a b/k"], "is not a valid bucket name"),
        (&["datalake", "ls", "s3://../k"], "is not a valid bucket name"),
        (&["datalake", "ls", "s3://a..b/"], "two dots in a row"),
        (&["datalake", "ls", "/etc/passwd"], "is not an S3 location"),
        (
            &["datalake", "restore", "s3://dl-bucket/a/../up"],
            "`.` or `..` segment",
        ),
        (&["datalake", "restore", "s3://dl-bucket/"], "names no object"),
        (&["datalake", "ls", "s3://no-such-bucket-here/"], "does not exist"),
    ];
    for (args, says) in cases {
        let o = devkit(&ctx, &s3, args, "");
        let text = all_output(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains(says) && text.contains("hint:"), "{args:?}: {text}");
    }
}

#[test]
fn a_wrong_secret_is_refused_clearly_and_never_shown() {
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    seed(&ctx, &s3, "dl-wrong");
    let wrong = "Wr0ng+secret/with=sign";
    login(&ctx, &s3, wrong);
    for args in [
        vec!["datalake", "ls", "s3://dl-wrong/"],
        vec!["datalake", "restore", "s3://dl-wrong/tape/t.bin"],
        vec!["datalake", "collections"],
    ] {
        let o = cmd(&ctx, &s3, assert_cmd::cargo::cargo_bin!("devkit"))
            .env("DEVKIT_DATALAKE_COLLECTIONS", "dl-wrong")
            .args(&args)
            .output()
            .unwrap();
        let text = all_output(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains("refused the key"), "{args:?}: {text}");
        assert!(text.contains("devkit login datalake"), "{args:?}: {text}");
        assert!(!text.contains(wrong) && !text.contains("Wr0ng"), "{text}");
        // The same wrong key from the environment (the right one stored): the error says where the key came
        // from, since storing another would not help.
        login(&ctx, &s3, &s3.secret);
        let o = cmd(&ctx, &s3, assert_cmd::cargo::cargo_bin!("devkit"))
            .env("DEVKIT_DATALAKE_COLLECTIONS", "dl-wrong")
            .env("AWS_ENDPOINT_URL_S3", &s3.url)
            .env("AWS_ACCESS_KEY_ID", &s3.key_id)
            .env("AWS_SECRET_ACCESS_KEY", wrong)
            .args(&args)
            .output()
            .unwrap();
        let text = all_output(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
        assert!(
            text.contains("refused the key") && text.contains("the key came from the environment"),
            "{args:?}: {text}"
        );
        assert!(!text.contains(wrong) && !text.contains("Wr0ng"), "{text}");
        login(&ctx, &s3, wrong);
    }
}

#[test]
fn collections_say_which_bucket_is_reachable() {
    let Some(s3) = server() else { return };
    let ctx = TestContext::new();
    seed(&ctx, &s3, "dl-coll");
    login(&ctx, &s3, &s3.secret);
    let o = cmd(&ctx, &s3, assert_cmd::cargo::cargo_bin!("devkit"))
        .env("DEVKIT_DATALAKE_COLLECTIONS", "dl-coll,dl-absent")
        .args(["datalake", "collections"])
        .output()
        .unwrap();
    let text = all_output(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("dl-coll") && l.ends_with("reachable")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("dl-absent") && l.ends_with("no such bucket")),
        "{text}"
    );
}

/// A server that answers every request with a web page (a portal, a proxy's login page).
fn html_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = "<!DOCTYPE html><html><body>Please log in</body></html>";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn an_endpoint_answering_html_is_named_as_such() {
    let Some(mut s3) = server() else { return };
    let ctx = TestContext::new();
    s3.url = html_server();
    login(&ctx, &s3, &s3.secret);
    for args in [
        vec!["datalake", "ls", "s3://dl-html/"],
        vec!["datalake", "restore", "s3://dl-html/k"],
    ] {
        let o = devkit(&ctx, &s3, &args, "");
        let text = all_output(&o);
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert!(
            text.contains("with an HTML page, not S3") && text.contains("datalake.endpoint"),
            "{text}"
        );
        assert!(!text.contains(&s3.secret));
    }
}

#[test]
fn aux_lists_the_static_folder_and_refuses_escapes() {
    let ctx = TestContext::new();
    let aux = ctx.home.join("aux");
    std::fs::create_dir_all(aux.join("MNT")).unwrap();
    std::fs::write(aux.join("MNT/srtm 1.tif"), b"1234").unwrap();
    let run = |args: &[&str]| {
        ctx.command(assert_cmd::cargo::cargo_bin!("devkit"))
            .env("DEVKIT_DATALAKE_STATIC_AUX", &aux)
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["datalake", "aux"]);
    assert!(
        o.status.success() && all_output(&o).contains("MNT/"),
        "{}",
        all_output(&o)
    );
    let o = run(&["datalake", "aux", "MNT"]);
    assert!(all_output(&o).contains("4  srtm 1.tif"), "{}", all_output(&o));
    let o = run(&["datalake", "aux", "../.."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(all_output(&o).contains("not a name"), "{}", all_output(&o));
    let o = ctx
        .command(assert_cmd::cargo::cargo_bin!("devkit"))
        .env("DEVKIT_DATALAKE_STATIC_AUX", ctx.home.join("absent"))
        .args(["datalake", "aux"])
        .output()
        .unwrap();
    assert!(all_output(&o).contains("does not exist on this machine") && all_output(&o).contains("Trex"));
}
