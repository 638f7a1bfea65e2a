//! Finding a program on `PATH` and running it with a deadline (a hung `sinfo` must not hang `devkit doctor`).

use std::ffi::OsStr;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The first executable file named `name` in `path` (the `which` crate's search).
pub fn which(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    which::which_in(name, path, cwd).ok()
}

/// Runs `program args` with stdin closed; `None` when it cannot start or outlives `limit` (it is killed). Its
/// output is read while it runs, so a chatty program cannot block on a full pipe.
pub fn run(program: &std::path::Path, args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + limit;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    // A child the program left behind may keep the pipes open: wait for them no longer than the deadline.
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(100));
    Some(Output {
        status,
        stdout: stdout.recv_timeout(left).ok()?,
        stderr: stderr.recv_timeout(left).ok()?,
    })
}

/// Reads `pipe` to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    rx
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::path::Path;

    #[test]
    fn a_chatty_program_is_read_whole_and_a_hung_one_is_killed() {
        let sh = Path::new("/bin/sh");
        let out = run(
            sh,
            &["-c", "head -c 1000000 /dev/zero; echo err >&2"],
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(out.stdout.len(), 1_000_000);
        assert_eq!(out.stderr, b"err\n");
        let t = Instant::now();
        assert!(run(sh, &["-c", "sleep 30"], Duration::from_millis(200)).is_none());
        // A background child holding the pipes open does not hold the answer past the deadline.
        assert!(run(sh, &["-c", "sleep 30 & echo hi"], Duration::from_millis(300)).is_none());
        assert!(t.elapsed() < Duration::from_secs(10));
        assert!(run(Path::new("/nonexistent/program"), &[], Duration::from_secs(1)).is_none());
    }
}
