//! The processing-chain template's `datalake` answer: with it the project passes its own checks offline, its
//! pipeline is valid GitLab CI and asks the trex-job plugin for the Datalake, and, after `devkit login datalake`
//! and `devkit configure s3` in a temporary HOME, the chain reads `s3://` inputs from the real S3 test server
//! (tests/s3/up.sh) through devkit's files and through its batch script's `devkit env datalake`; a cold object is
//! refused with the restore hint until `devkit datalake restore --wait`. Without it nothing mentions the Datalake.

use crate::datalake::{S3, boto3, cmd, devkit, login, server};
use crate::plugin_spec::plugin;
use crate::schema::assert_valid_gitlab_ci;
use crate::support::{TestContext, all_output, path_with_devkit, require_tool, tree};
use crate::templates::{batch_scripts, generate, python_checks, read, run_ok};
use std::path::{Path, PathBuf};
use std::process::Output;

/// An input series and what the chain makes of it (NaN dropped, values normalised).
pub(crate) const SERIES: (&str, &str) = ("# from the Datalake\n2\nnan\n4\n3\n", "0\n1\n0.5\n");

/// Generates the processing chain with `datalake = true` into `<work>/<dir>`.
pub(crate) fn datalake_chain(ctx: &TestContext, dir: &str) -> PathBuf {
    generate(ctx, "processing-chain", dir, &[], &["-d", "datalake=true"])
}

/// Puts `body` at `bucket/key` on the test server with storage `class` (the bucket is created when missing),
/// through boto3 with the key in its environment, never in argv.
pub(crate) fn put_object(ctx: &TestContext, s3: &S3, bucket: &str, key: &str, body: &str, class: &str) {
    let script = "b, k, body, cls = sys.argv[1:5]\n\
        if b not in [x['Name'] for x in c.list_buckets()['Buckets']]: c.create_bucket(Bucket=b)\n\
        c.put_object(Bucket=b, Key=k, Body=body.encode(), StorageClass=cls)\n";
    let out = boto3(ctx, s3, script, &[bucket, key, body, class]);
    assert!(out.status.success(), "{}", all_output(&out));
}

#[test]
fn the_datalake_chain_passes_its_own_checks_and_asks_ci_for_the_datalake() {
    let ctx = TestContext::new();
    let project = datalake_chain(&ctx, "chain");
    let files = tree(&project);
    for expected in ["src/demo/datalake.py", "tests/test_datalake.py"] {
        assert!(files.iter().any(|f| f == expected), "{expected} in {files:?}");
    }
    // the module's tests run offline, with s3fs from the test extra
    let pyproject = read(&project.join("pyproject.toml"));
    assert!(
        pyproject.contains("test = [\"pytest>=8\", \"s3fs>=") && pyproject.contains("\ndatalake = [\"s3fs>="),
        "{pyproject}"
    );
    python_checks(&project);

    let ci = read(&project.join(".gitlab-ci.yml"));
    assert_valid_gitlab_ci(&ci, "processing-chain .gitlab-ci.yml with datalake = true");
    // the include's inputs are ones the trex-job plugin accepts, `datalake` a boolean
    let pipeline: serde_json::Value = serde_saphyr::from_str(&ci).unwrap();
    let include = pipeline["include"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == "plugins/trex-job.yml")
        .unwrap_or_else(|| panic!("no trex-job include: {ci}"));
    let inputs = include["inputs"].as_object().unwrap();
    assert_eq!(inputs["datalake"], serde_json::Value::Bool(true), "{ci}");
    let resolved = plugin("trex-job")
        .resolve(inputs)
        .unwrap_or_else(|e| panic!("{e}\n{ci}"));
    assert_eq!(resolved["datalake"], true);

    let bash = require_tool("bash").expect("bash");
    let scripts = batch_scripts(&project);
    for script in &scripts {
        let text = read(script);
        assert!(
            text.contains("datalake_env=\"$(devkit env datalake)\"\n  eval \"$datalake_env\"\n"),
            "{}:\n{text}",
            script.display()
        );
        run_ok(&project, std::process::Command::new(&bash).arg("-n").arg(script));
    }
    if let Some(shellcheck) = require_tool("shellcheck") {
        run_ok(&project, std::process::Command::new(shellcheck).args(&scripts));
    }
    let readme = read(&project.join("README.md"));
    for needed in [
        "devkit configure s3",
        "devkit datalake restore",
        "DATALAKE_ACCESS_KEY_ID",
        "DATALAKE_SECRET_ACCESS_KEY",
        "Masked",
    ] {
        assert!(readme.contains(needed), "README lacks `{needed}`:\n{readme}");
    }
}

#[test]
fn without_the_answer_nothing_mentions_the_datalake() {
    let ctx = TestContext::new();
    let variants: [&[&str]; 3] = [
        &[],
        &["-d", "datalake=false", "-d", "gitlab_ci=false"],
        &["-d", "datalake=false", "-d", "datalabs_kernel=true"],
    ];
    for (n, data) in variants.iter().enumerate() {
        let project = generate(&ctx, "processing-chain", &format!("chain-{n}"), &[], data);
        for rel in tree(&project) {
            let text = read(&project.join(&rel));
            if rel == ".devkit-answers.toml" {
                assert!(text.contains("\ndatalake = false\n"), "{text}");
                continue;
            }
            for word in ["datalake", "s3fs", "s3://", "AWS_"] {
                assert!(
                    !text.to_lowercase().contains(&word.to_lowercase()),
                    "{data:?}: {rel} mentions `{word}`:\n{text}"
                );
            }
        }
    }
}

/// Runs `program args` in `project` with devkit's Datalake test settings, devkit on PATH and `src/` importable.
fn run_in(ctx: &TestContext, s3: &S3, project: &Path, program: &str, args: &[&str]) -> Output {
    cmd(ctx, s3, program)
        .env("PATH", path_with_devkit())
        .env("PYTHONPATH", project.join("src"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .args(args)
        .current_dir(project)
        .output()
        .unwrap()
}

#[test]
fn the_chain_reads_datalake_objects_through_devkits_profile() {
    let Some(s3) = server() else { return };
    let Some(python) = require_tool("python3") else {
        return;
    };
    let python = python.to_string_lossy().into_owned();
    let ctx = TestContext::new();
    let project = datalake_chain(&ctx, "chain");
    let bucket = "chain-inputs";
    put_object(&ctx, &s3, bucket, "series/in ünï x+y.txt", SERIES.0, "STANDARD");
    put_object(&ctx, &s3, bucket, "tape/cold.txt", SERIES.0, "GLACIER");
    let mut outputs = vec![login(&ctx, &s3, &s3.secret)];
    let conf = devkit(&ctx, &s3, &["configure", "s3"], "");
    assert!(conf.status.success(), "{}", all_output(&conf));
    outputs.push(all_output(&conf));
    let warm = format!("s3://{bucket}/series/in ünï x+y.txt");
    let cold = format!("s3://{bucket}/tape/cold.txt");
    // `python -m demo INPUT results/NAME`
    let chain = |input: &str, name: &str| {
        let output = format!("results/{name}");
        run_in(&ctx, &s3, &project, &python, &["-m", "demo", input, &output])
    };
    let read_ok = |out: Output, name: &str, outputs: &mut Vec<String>| {
        assert!(out.status.success(), "{}", all_output(&out));
        assert_eq!(read(&project.join("results").join(name)), SERIES.1);
        outputs.push(all_output(&out));
    };

    // devkit's files alone (fsspec's s3.json, the profile's credential_process): no AWS variable is set
    read_ok(chain(&warm, "files.txt"), "files.txt", &mut outputs);
    // the batch script, run by hand: `devkit env datalake` exports the profile first
    let job = ["jobs/process.sbatch", warm.as_str(), "results/job.txt"];
    let out = run_in(&ctx, &s3, &project, "bash", &job);
    assert!(all_output(&out).contains("job local on"), "{}", all_output(&out));
    read_ok(out, "job.txt", &mut outputs);

    // a cold object is refused with the way out, then read once restored
    let out = chain(&cold, "cold.txt");
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let restore = format!("devkit datalake restore {cold} --wait");
    assert!(
        text.contains("access refused") && text.contains(&restore),
        "{text}"
    );
    assert!(!project.join("results/cold.txt").exists());
    outputs.push(text);
    let restore = devkit(&ctx, &s3, &["datalake", "restore", &cold, "--wait"], "");
    assert!(restore.status.success(), "{}", all_output(&restore));
    read_ok(chain(&cold, "cold.txt"), "cold.txt", &mut outputs);

    // a wrong key is refused clearly, and the secret shows nowhere
    let wrong = "Wr0ng+chain/secret=";
    outputs.push(login(&ctx, &s3, wrong));
    let out = chain(&warm, "wrong.txt");
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("access refused") && text.contains("devkit login datalake"),
        "{text}"
    );
    outputs.push(text);
    for secret in [s3.secret.as_str(), wrong] {
        for text in &outputs {
            assert!(!text.contains(secret), "the secret leaked:\n{text}");
        }
        let found = crate::support::files_containing(&project, secret, &[]);
        assert!(found.is_empty(), "the secret is in {found:?}");
    }
}
