//! The Slurm client: runs `sbatch`, `squeue`, `scontrol`, `sacct` and `scancel` as argv vectors (never through a
//! shell) behind a small trait, so unit tests can feed canned outputs while integration tests use a real cluster.

use super::state::{self, JobInfo};
use std::io::Read;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished command printed.
#[derive(Debug, Clone, Default)]
pub struct CmdOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs one program with arguments and returns its output.
pub trait Exec {
    fn exec(&self, program: &str, args: &[String], cwd: Option<&Path>) -> std::io::Result<CmdOutput>;
}

/// Errors of Slurm commands.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The program could not be started (not installed?).
    #[error("cannot run `{program}`: {source}")]
    Spawn { program: String, source: std::io::Error },
    /// The command failed; its message is kept.
    #[error("`{program}` failed: {message}")]
    Failed { program: String, message: String },
    /// The command printed something devkit does not understand.
    #[error("unexpected output from `{program}`: `{output}`")]
    Unexpected { program: String, output: String },
}

impl ClientError {
    /// Whether the controller did not answer (down, restarting, unreachable, or too slow), as opposed to a
    /// refusal of the request itself.
    pub fn is_unreachable(&self) -> bool {
        const SIGNS: &[&str] = &[
            "unable to contact slurm controller",
            "socket timed out",
            "zero bytes were transmitted",
            "connection refused",
            "connection reset",
            "temporarily unable to accept job",
            "slurm backup controller in standby mode",
            "communication connection failure",
            "no route to host",
        ];
        match self {
            Self::Spawn { source, .. } => source.kind() == std::io::ErrorKind::TimedOut,
            Self::Failed { message, .. } => {
                let m = message.to_lowercase();
                SIGNS.iter().any(|s| m.contains(s))
            }
            Self::Unexpected { .. } => false,
        }
    }
}

/// The real runner: child processes in their own process group (so a Ctrl-C or the runner's SIGTERM to our
/// group does not kill a half-done `sbatch`). Queries are killed after `query_timeout` (Slurm clients retry for
/// about 18 s when the controller is down), `sbatch` and `scancel` after `action_timeout`.
#[derive(Debug, Clone)]
pub struct ProcessExec {
    pub query_timeout: Duration,
    pub action_timeout: Duration,
}

impl Exec for ProcessExec {
    fn exec(&self, program: &str, args: &[String], cwd: Option<&Path>) -> std::io::Result<CmdOutput> {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn()?;
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut s = String::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_string(&mut s);
                }
                s
            })
        };
        let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
        let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
        let limit = if matches!(program, "sbatch" | "scancel") {
            self.action_timeout
        } else {
            self.query_timeout
        };
        let deadline = Instant::now() + limit;
        let mut nap = Duration::from_millis(1);
        while child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no answer after {} s", limit.as_secs()),
                ));
            }
            std::thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(50));
        }
        let status = child.wait()?;
        let stdout = out.join().unwrap_or_default();
        let stderr = err.join().unwrap_or_default();
        Ok(CmdOutput {
            success: status.success(),
            stdout,
            stderr,
        })
    }
}

/// Which `sacct` to ask for finished jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SacctMode {
    /// The accounting database, then the job-completion log (`sacct -c`).
    #[default]
    Auto,
    /// Only the accounting database.
    Database,
    /// Only the job-completion log.
    Completion,
    /// Never.
    Off,
}

/// Typed Slurm commands over an [`Exec`].
pub struct Client<E: Exec> {
    pub exec: E,
    pub sacct: SacctMode,
}

pub(super) fn msg(out: &CmdOutput) -> String {
    let text = if out.stderr.trim().is_empty() {
        &out.stdout
    } else {
        &out.stderr
    };
    text.trim().lines().last().unwrap_or("no message").to_string()
}

pub(super) fn is_invalid_job(out: &CmdOutput) -> bool {
    out.stderr.contains("Invalid job id")
}

impl<E: Exec> Client<E> {
    pub(super) fn run(
        &self,
        program: &str,
        args: &[String],
        cwd: Option<&Path>,
    ) -> Result<CmdOutput, ClientError> {
        self.exec
            .exec(program, args, cwd)
            .map_err(|source| ClientError::Spawn {
                program: program.into(),
                source,
            })
    }

    /// `sbatch --parsable ARGS SCRIPT` → the job id.
    pub fn sbatch(&self, args: &[String], script: &Path, cwd: &Path) -> Result<String, ClientError> {
        let mut argv = vec!["--parsable".to_string()];
        argv.extend(args.iter().cloned());
        argv.push(script.display().to_string());
        let out = self.run("sbatch", &argv, Some(cwd))?;
        if !out.success {
            return Err(ClientError::Failed {
                program: "sbatch".into(),
                message: msg(&out),
            });
        }
        let id = out.stdout.trim().split(';').next().unwrap_or("").to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return Err(ClientError::Unexpected {
                program: "sbatch".into(),
                output: out.stdout.trim().into(),
            });
        }
        Ok(id)
    }

    /// The job as `squeue` sees it; `None` when squeue no longer knows it.
    pub fn squeue(&self, id: &str) -> Result<Option<JobInfo>, ClientError> {
        let argv = ["-h", "-t", "all", "-j", id, "-o", "%T|%r|%S"].map(String::from);
        let out = self.run("squeue", &argv, None)?;
        if !out.success {
            if is_invalid_job(&out) {
                return Ok(None);
            }
            return Err(ClientError::Failed {
                program: "squeue".into(),
                message: msg(&out),
            });
        }
        Ok(out.stdout.lines().find_map(state::parse_squeue))
    }

    /// The job as `scontrol show job -o` sees it; `None` when the record is gone.
    pub fn scontrol(&self, id: &str) -> Result<Option<JobInfo>, ClientError> {
        let argv = ["show", "job", "-o", id].map(String::from);
        let out = self.run("scontrol", &argv, None)?;
        if !out.success {
            if is_invalid_job(&out) {
                return Ok(None);
            }
            return Err(ClientError::Failed {
                program: "scontrol".into(),
                message: msg(&out),
            });
        }
        Ok(state::parse_scontrol(&out.stdout))
    }

    /// The job's final record from `sacct`, following the configured mode.
    pub fn sacct(&self, id: &str) -> Result<Option<JobInfo>, ClientError> {
        let tries: &[&[&str]] = match self.sacct {
            SacctMode::Auto => &[&["-X"], &["-c"]],
            SacctMode::Database => &[&["-X"]],
            SacctMode::Completion => &[&["-c"]],
            SacctMode::Off => &[],
        };
        let mut last = None;
        for extra in tries {
            let mut argv: Vec<String> = extra.iter().map(|s| (*s).to_string()).collect();
            argv.extend(["-n", "-P", "-j", id, "-o", "JobID,State,ExitCode"].map(String::from));
            let out = self.run("sacct", &argv, None)?;
            if out.success {
                if let Some(info) = state::parse_sacct(&out.stdout, id) {
                    return Ok(Some(info));
                }
                last = None;
            } else {
                last = Some(ClientError::Failed {
                    program: "sacct".into(),
                    message: msg(&out),
                });
            }
        }
        last.map_or(Ok(None), Err)
    }

    /// `scancel` the given job ids, or every job with `name` when given (`--name`).
    pub fn scancel(&self, ids: &[String], name: Option<&str>) -> Result<(), ClientError> {
        let mut argv = vec!["--quiet".to_string()];
        if let Some(n) = name {
            argv.push(format!("--name={n}"));
            if ids.is_empty() {
                argv.push(format!("--user={}", current_user_id()));
            }
        }
        argv.extend(ids.iter().cloned());
        self.scancel_argv(&argv)
    }

    /// `scancel ARGV`; ids Slurm no longer knows are not an error.
    pub(super) fn scancel_argv(&self, argv: &[String]) -> Result<(), ClientError> {
        let out = self.run("scancel", argv, None)?;
        if out.success || is_invalid_job(&out) {
            Ok(())
        } else {
            Err(ClientError::Failed {
                program: "scancel".into(),
                message: msg(&out),
            })
        }
    }
}

/// The effective user id, as a string (what `scancel --user` and `squeue --user` accept).
pub fn current_user_id() -> String {
    // The owner of /proc/self is the effective uid; scancel accepts a numeric --user.
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid().to_string())
        .unwrap_or_else(|_| "0".into())
}

#[cfg(test)]
pub(crate) mod fake {
    //! Canned outputs for unit tests.
    use super::*;
    use std::cell::RefCell;
    use std::collections::VecDeque;

    /// Replies in order to each call and records the argv.
    #[derive(Default)]
    pub struct FakeExec {
        pub replies: RefCell<VecDeque<(String, CmdOutput)>>,
        pub calls: RefCell<Vec<String>>,
    }

    impl FakeExec {
        pub fn push(&self, program: &str, success: bool, stdout: &str, stderr: &str) {
            self.replies.borrow_mut().push_back((
                program.into(),
                CmdOutput {
                    success,
                    stdout: stdout.into(),
                    stderr: stderr.into(),
                },
            ));
        }
    }

    /// A client over canned replies, without sacct.
    pub fn client(exec: FakeExec) -> Client<FakeExec> {
        Client {
            exec,
            sacct: SacctMode::Off,
        }
    }

    impl Exec for FakeExec {
        fn exec(&self, program: &str, args: &[String], _: Option<&Path>) -> std::io::Result<CmdOutput> {
            self.calls
                .borrow_mut()
                .push(format!("{program} {}", args.join(" ")));
            let (p, out) = self.replies.borrow_mut().pop_front().unwrap_or_default();
            assert_eq!(p, program, "unexpected call to {program}");
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeExec;
    use super::*;

    #[test]
    fn sbatch_parses_id_with_cluster() {
        let exec = FakeExec::default();
        exec.push("sbatch", true, "42;trex\n", "");
        let c = Client {
            exec,
            sacct: SacctMode::Auto,
        };
        assert_eq!(c.sbatch(&[], Path::new("/s"), Path::new("/")).unwrap(), "42");
    }

    #[test]
    fn sacct_falls_back_to_completion_log() {
        let exec = FakeExec::default();
        exec.push("sacct", false, "", "Slurm accounting storage is disabled\n");
        exec.push("sacct", true, "5|FAILED|3:0\n", "");
        let c = Client {
            exec,
            sacct: SacctMode::Auto,
        };
        let info = c.sacct("5").unwrap().unwrap();
        assert_eq!(info.exit, Some((3, 0)));
        assert!(c.exec.calls.borrow()[1].starts_with("sacct -c"));
    }

    #[test]
    fn unknown_job_is_none_not_done() {
        let exec = FakeExec::default();
        exec.push(
            "squeue",
            false,
            "",
            "slurm_load_jobs error: Invalid job id specified\n",
        );
        let c = Client {
            exec,
            sacct: SacctMode::Off,
        };
        assert_eq!(c.squeue("9").unwrap(), None);
    }
}
