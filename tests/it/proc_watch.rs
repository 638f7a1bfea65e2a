//! Watches the argv and environment of a test's processes while they run, for a secret: every process whose
//! environment has the test's `HOME` (its clients, and what they start, such as a `credential_process`) is read
//! from `/proc` every few milliseconds until the watch stops.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// A running watch.
pub struct ProcWatch {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Findings>>,
}

/// What a watch saw.
#[derive(Debug, Default)]
pub struct Findings {
    /// Distinct processes of the test that were read (by pid and first argument).
    pub seen: BTreeSet<String>,
    /// Processes whose argv or environment held the secret (pid and argv, the secret masked).
    pub leaks: BTreeSet<String>,
}

impl ProcWatch {
    /// Starts watching the processes whose environment holds `HOME=<home>` for `secret`.
    pub fn start(home: &Path, secret: &str) -> Self {
        let marker = format!("HOME={}", home.display()).into_bytes();
        let secret = secret.as_bytes().to_vec();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let me = std::process::id().to_string();
        let thread = std::thread::spawn(move || {
            let mut found = Findings::default();
            while !flag.load(Ordering::Relaxed) {
                scan(&me, &marker, &secret, &mut found);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            scan(&me, &marker, &secret, &mut found);
            found
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the watch and returns what it saw.
    pub fn finish(mut self) -> Findings {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap()
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn scan(me: &str, marker: &[u8], secret: &[u8], found: &mut Findings) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == me || !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let dir = e.path();
        let Ok(environ) = std::fs::read(dir.join("environ")) else {
            continue;
        };
        if !environ.split(|b| *b == 0).any(|v| v == marker) {
            continue;
        }
        let cmdline = std::fs::read(dir.join("cmdline")).unwrap_or_default();
        let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
        found
            .seen
            .insert(format!("{name} {}", String::from_utf8_lossy(argv0)));
        if contains(&cmdline, secret) || contains(&environ, secret) {
            let shown = String::from_utf8_lossy(&cmdline)
                .replace(&*String::from_utf8_lossy(secret), "<SECRET>")
                .replace('\0', " ");
            found.leaks.insert(format!("pid {name}: {shown}"));
        }
    }
}

#[test]
fn a_watch_sees_a_secret_in_argv_and_environment() {
    let ctx = crate::support::TestContext::new();
    let watch = ProcWatch::start(&ctx.home, "s3cr3t+/=");
    let mut argv = ctx.command("sh");
    argv.args(["-c", "sleep 0.3", "s3cr3t+/="]);
    let mut env = ctx.command("sleep");
    env.arg("0.3").env("X", "s3cr3t+/=");
    let mut clean = ctx.command("sleep");
    clean.arg("0.3");
    for mut c in [argv, env, clean] {
        assert!(c.status().unwrap().success());
    }
    let found = watch.finish();
    assert_eq!(found.leaks.len(), 2, "{found:?}");
    assert!(found.leaks.iter().all(|l| !l.contains("s3cr3t")), "{found:?}");
    assert!(found.seen.len() >= 3, "{found:?}");
}
