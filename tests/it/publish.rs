//! `scripts/publish-components.sh` is idempotent: a second run for a published version with the same plugins is a
//! no-op, and a version already published with other content is refused. The components project is a real bare
//! repository reached through git's own URL rewriting (`url.<file>.insteadOf` the https URL the script builds).

use crate::support::{TestContext, all_output, git};
use std::path::Path;

fn publish(ctx: &TestContext, remotes: &Path, version: &str) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/publish-components.sh");
    ctx.command("bash")
        .arg(script)
        .args([version, "group/devkit-components"])
        .env("CI_SERVER_HOST", "gitlab.example.invalid")
        .env("DEVKIT_COMPONENTS_TOKEN", "tok-never-printed")
        .env("GIT_CONFIG_COUNT", "1")
        .env(
            "GIT_CONFIG_KEY_0",
            format!("url.file://{}/.insteadOf", remotes.display()),
        )
        .env("GIT_CONFIG_VALUE_0", "https://gitlab.example.invalid/")
        .output()
        .unwrap()
}

#[test]
fn publishing_a_version_twice_is_a_no_op_and_other_content_is_refused() {
    let ctx = TestContext::new();
    let remotes = ctx.work.join("remotes");
    let bare = remotes.join("group/devkit-components.git");
    std::fs::create_dir_all(&bare).unwrap();
    git(&bare, &["init", "--bare", "-q"]);
    // the project starts with one commit, as GitLab creates it
    let seed = ctx.work.join("seed");
    std::fs::create_dir_all(&seed).unwrap();
    git(&seed, &["init", "-q"]);
    std::fs::write(seed.join("README.md"), "components\n").unwrap();
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-qm", "init"]);
    git(
        &seed,
        &["push", "-q", bare.to_str().unwrap(), "HEAD:refs/heads/main"],
    );
    git(&bare, &["symbolic-ref", "HEAD", "refs/heads/main"]);

    let first = publish(&ctx, &remotes, "1.2.3");
    assert!(first.status.success(), "{}", all_output(&first));
    assert!(
        all_output(&first).contains("published plugins 1.2.3"),
        "{}",
        all_output(&first)
    );
    let tagged = git(&bare, &["ls-tree", "-r", "--name-only", "1.2.3"]);
    assert!(tagged.contains("templates/trex-job.yml"), "{tagged}");

    let again = publish(&ctx, &remotes, "1.2.3");
    assert!(again.status.success(), "{}", all_output(&again));
    assert!(
        all_output(&again).contains("nothing to do"),
        "{}",
        all_output(&again)
    );
    assert_eq!(git(&bare, &["tag"]).trim(), "1.2.3", "no second tag");

    // a version tagged with other content stays as it is
    git(&seed, &["tag", "9.9.9"]);
    git(&seed, &["push", "-q", bare.to_str().unwrap(), "refs/tags/9.9.9"]);
    let before = git(&bare, &["rev-parse", "9.9.9"]);
    let refused = publish(&ctx, &remotes, "9.9.9");
    assert_eq!(refused.status.code(), Some(1), "{}", all_output(&refused));
    assert!(
        all_output(&refused).contains("other content"),
        "{}",
        all_output(&refused)
    );
    assert_eq!(git(&bare, &["rev-parse", "9.9.9"]), before);
    for out in [&first, &again, &refused] {
        assert!(!all_output(out).contains("tok-never-printed"));
    }
}
