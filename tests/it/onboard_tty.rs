//! `devkit onboard` as a new user meets it, on a real pseudo-terminal (tests/tty/drive.py types the answers):
//! the happy path in at most six answers, and a path through every trap (a stored `read_api` token, a mistyped
//! token, a project name given inside a git checkout, a push that fails once) that ends with a registered runner
//! by running `devkit onboard` again and nothing else.

use crate::fake_artifactory::FakeArtifactory;
use crate::fake_gitlab::{ADA_TOKEN, GitlabTest};
use crate::support::{all_output, require_tool};
use crate::tty::drive_in;
use std::path::{Path, PathBuf};

/// A folder of symbolic links to the tools onboarding uses, as `PATH`: this machine's other tools (a Slurm
/// client without a cluster, say) stay out of the picture.
fn tools_path(root: &Path) -> Option<PathBuf> {
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["git", "ssh", "ssh-keygen", "timeout"] {
        let found = require_tool(tool)?;
        std::os::unix::fs::symlink(found, bin.join(tool)).unwrap();
    }
    Some(bin)
}

/// Whether `screen` shows `text`, whatever the line folding.
fn has(screen: &str, text: &str) -> bool {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    flat(screen).contains(&flat(text))
}

/// Everything the fake servers need set.
struct Setup {
    t: GitlabTest,
    artifactory: FakeArtifactory,
    /// The Docker registry: Artifactory's own host, as at the site.
    registry: String,
    path: String,
}

impl Setup {
    fn new() -> Option<Self> {
        let t = GitlabTest::new();
        let path = tools_path(&t.ctx.home.join("..").join("tools"))?;
        let artifactory = FakeArtifactory::start(&[], None);
        let registry = artifactory
            .url
            .trim_start_matches("http://")
            .trim_end_matches("/artifactory")
            .to_string();
        Some(Self {
            artifactory,
            registry,
            path: path.display().to_string(),
            t,
        })
    }

    fn env(&self) -> Vec<(&str, &str)> {
        vec![
            ("PATH", self.path.as_str()),
            ("DEVKIT_GITLAB_URL", self.t.gitlab.url()),
            ("DEVKIT_ARTIFACTORY_URL", self.artifactory.url.as_str()),
            ("DEVKIT_ARTIFACTORY_DOCKER_REGISTRY", self.registry.as_str()),
            ("DEVKIT_TREX_LOGIN_HOST", "127.0.0.1"),
            ("DEVKIT_TREX_LOGIN_HOST_OUTSIDE", "127.0.0.1"),
            ("DEVKIT_SECRET_STORE", "file"),
            ("DEVKIT_HTTP_BACKOFF_MS", "1"),
            ("DEVKIT_HTTP_TIMEOUT_S", "5"),
            ("DEVKIT_ONBOARD_GIT_PROTOCOL", "https"),
        ]
    }

    /// `devkit onboard` in `cwd` with these `[expected, reply]` steps: exit code and screen, without the
    /// terminal's colour and cursor sequences.
    fn onboard(&self, cwd: &Path, steps: &serde_json::Value) -> Option<(i32, String)> {
        self.onboard_with(cwd, steps, &[])
    }

    /// [`Setup::onboard`] with more arguments.
    fn onboard_with(&self, cwd: &Path, steps: &serde_json::Value, more: &[&str]) -> Option<(i32, String)> {
        let args: Vec<&str> = ["onboard"].iter().chain(more).copied().collect();
        let (code, screen) = drive_in(&self.t.ctx, cwd, &self.env(), &steps.to_string(), &args)?;
        let escapes = regex::Regex::new(r"\x1b\[[0-9;]*[A-Za-z]").unwrap();
        Some((code, escapes.replace_all(&screen, "").replace('\r', "")))
    }

    fn counts(&self) -> (usize, usize) {
        let s = self.t.gitlab.state();
        (s.projects.len(), s.runners.len())
    }
}

/// The happy path: a first run with nothing set up asks six things and ends with a project and its runner.
#[test]
fn a_first_onboarding_takes_six_answers_and_ends_with_a_registered_runner() {
    let Some(s) = Setup::new() else { return };
    let art_token = s.artifactory.mint("ada", 3600);
    let steps = serde_json::json!([
        ["Your git user name", "Ada Lovelace\r"],
        ["Your git user email", "ada@example.org\r"],
        ["GitLab personal access token", format!("{ADA_TOKEN}\r")],
        ["Artifactory user name", "ada\r"],
        ["Artifactory token", format!("{art_token}\r")],
        ["Name of the first project", "demo\r"],
    ]);
    let Some((code, screen)) = s.onboard(&s.t.ctx.work, &steps) else {
        return;
    };
    println!("--- transcript of the happy path ---\n{screen}\n--- end ---");
    assert_eq!(code, 0, "{screen}");
    assert_eq!(s.counts(), (1, 1), "{screen}");
    for secret in [ADA_TOKEN, art_token.as_str()] {
        assert!(!has(&screen, secret), "a secret was echoed: {screen}");
    }
    assert!(!has(&screen, "Already done [1/9]"), "{screen}");
    assert!(has(&screen, "Checked [1/9] tools"), "{screen}");
    assert!(
        has(
            &screen,
            "/-/user_settings/personal_access_tokens?name=devkit&scopes=api"
        ),
        "the GitLab prompt says where to make a token: {screen}"
    );
    assert!(has(&screen, "/ui/user_profile"), "{screen}");
    assert!(
        has(&screen, &format!("`{}/NAME`", s.t.ctx.work.display())) && has(&screen, "`ada/NAME`"),
        "the project prompt says where the project goes: {screen}"
    );
    assert!(has(&screen, "registers a runner"), "{screen}");
    let warnings: Vec<&str> = screen.lines().filter(|l| l.contains("warning:")).collect();
    let mut unique = warnings.clone();
    unique.dedup();
    assert_eq!(warnings.len(), unique.len(), "a warning repeated: {screen}");
}

/// Every trap, then only `devkit onboard` again until the runner is registered.
#[test]
fn every_trap_is_left_by_running_onboard_again() {
    let Some(s) = Setup::new() else { return };
    let t = &s.t;
    // a token with `read_api` only, stored by an earlier `devkit login gitlab` (which accepts it with warnings)
    let read_only = "glpat-ada-read-only";
    {
        let mut st = t.gitlab.state();
        st.add_token(1, read_only, &["read_api"], None);
    }
    t.logged_in(read_only);
    // a project name given inside a git checkout
    let checkout = t.ctx.work.join("checkout");
    std::fs::create_dir_all(&checkout).unwrap();
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .arg(&checkout)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", all_output(&init));
    let art_token = s.artifactory.mint("ada", 3600);
    let steps = serde_json::json!([
        ["Your git user name", "Ada Lovelace\r"],
        ["Your git user email", "ada@example.org\r"],
        ["GitLab personal access token", "glpat-mistyped\r"],
        ["GitLab personal access token", format!("{ADA_TOKEN}\r")],
        ["Artifactory user name", "ada\r"],
        ["Artifactory token", "art-mistyped\r"],
        ["Artifactory token", format!("{art_token}\r")],
    ]);
    let Some((code, first)) = s.onboard_with(&checkout, &steps, &["--project", "demo"]) else {
        return;
    };
    println!("--- first run, inside a checkout ---\n{first}");
    assert!(has(&first, "try again"), "{first}");
    for secret in ["glpat-mistyped", "art-mistyped", ADA_TOKEN, art_token.as_str()] {
        assert!(!has(&first, secret), "a secret was echoed: {first}");
    }
    assert_eq!(code, 1, "{first}");
    assert!(
        has(&first, "read_api") && has(&first, "a new token is needed"),
        "{first}"
    );
    assert!(has(&first, "GitLab refused this token"), "{first}");
    assert!(has(&first, "inside the git repository"), "{first}");
    assert!(has(&first, "nothing was written"), "{first}");
    let entries: Vec<_> = std::fs::read_dir(&checkout)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        entries,
        [std::ffi::OsString::from(".git")],
        "written in the checkout"
    );
    assert_eq!(s.counts(), (0, 0));

    // outside the checkout; the push fails once
    t.gitlab.state().fail_next_push = true;
    // a name the template refuses (lowercase only) is asked again, nothing written
    let steps = serde_json::json!([
        ["Name of the first project", "Demo\r"],
        ["Name of the first project", "demo\r"]
    ]);
    let Some((code, second)) = s.onboard(&t.ctx.work, &steps) else {
        return;
    };
    assert_eq!(code, 1, "{second}");
    assert!(has(&second, "does not match"), "{second}");
    assert!(!t.ctx.work.join("Demo").exists());
    assert!(has(&second, "cannot push"), "{second}");
    assert!(has(&second, "run `devkit onboard` again"), "{second}");
    assert!(has(&second, "Already done [3/9] gitlab-login"), "{second}");
    assert_eq!(s.counts(), (1, 0));
    t.gitlab.state().release_held();

    // only `devkit onboard` again: no question, the project is resumed
    let Some((code, third)) = s.onboard(&t.ctx.work, &serde_json::json!([])) else {
        return;
    };
    assert_eq!(code, 0, "{third}");
    assert!(
        has(&third, "found on GitLab, pushed, runner registered"),
        "{third}"
    );
    assert_eq!(s.counts(), (1, 1), "{third}");
    let repo = t.gitlab.state().projects[0].repo.clone();
    let head = std::process::Command::new("git")
        .args(["--git-dir"])
        .arg(&repo)
        .args(["rev-parse", "refs/heads/main"])
        .output()
        .unwrap();
    assert!(
        head.status.success(),
        "main was not pushed: {}",
        all_output(&head)
    );
    let config = std::fs::read_to_string(t.ctx.home.join(".gitlab-runner/config.toml")).unwrap();
    assert!(config.contains("ada-demo"), "{config}");

    // and once more: nothing to do
    let Some((code, fourth)) = s.onboard(&t.ctx.work, &serde_json::json!([])) else {
        return;
    };
    assert_eq!(code, 0, "{fourth}");
    assert!(has(&fourth, "Already done [8/9] project"), "{fourth}");
    assert_eq!(s.counts(), (1, 1));
}
