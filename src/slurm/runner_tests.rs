//! Unit tests of the run loop, on canned Slurm outputs (the module is declared `#[cfg(test)]` in runner.rs).
use super::super::client::{SacctMode, fake::FakeExec};
use super::*;

fn spec(dir: &Path) -> RunSpec {
    RunSpec {
        sbatch_args: vec!["--partition=cpu".into()],
        job_dir: dir.join("job"),
        workdir: dir.to_path_buf(),
        work: Work::Command(vec!["echo".into(), "hi".into()]),
        launcher: crate::slurm::script::Launcher::default(),
        queue_timeout: None,
        controller_timeout: Duration::from_secs(5),
        hold_grace: None,
        cancel_wait: Duration::from_secs(1),
        id_file: Some(dir.join("ids")),
    }
}

#[test]
fn follows_a_job_to_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let exec = FakeExec::default();
    exec.push("sbatch", true, "77\n", "");
    exec.push("squeue", true, "PENDING|Priority|N/A\n", "");
    exec.push("squeue", true, "RUNNING|None|N/A\n", "");
    exec.push("squeue", true, "FAILED|NonZeroExitCode|N/A\n", "");
    exec.push(
        "scontrol",
        true,
        "JobId=77 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0\n",
        "",
    );
    let client = Client {
        exec,
        sacct: SacctMode::Off,
    };
    let mut events = Vec::new();
    let report = run(&client, &spec(dir.path()), &AtomicUsize::new(0), &mut |e| {
        events.push(format!("{e:?}"))
    })
    .unwrap();
    assert_eq!(report.outcome, Outcome::Exited(3));
    assert_eq!(std::fs::read_to_string(dir.path().join("ids")).unwrap(), "77\n");
    assert!(events[1].contains("Priority"), "{events:?}");
    let calls = client.exec.calls.borrow();
    assert!(
        calls[0].contains("--no-requeue") && calls[0].ends_with("job.sh"),
        "{calls:?}"
    );
}

#[test]
fn a_job_missing_from_squeue_is_asked_to_scontrol() {
    let dir = tempfile::tempdir().unwrap();
    let exec = FakeExec::default();
    exec.push("sbatch", true, "8\n", "");
    exec.push(
        "squeue",
        false,
        "",
        "slurm_load_jobs error: Invalid job id specified\n",
    );
    exec.push(
        "scontrol",
        true,
        "JobId=8 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15\n",
        "",
    );
    exec.push(
        "scontrol",
        true,
        "JobId=8 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15\n",
        "",
    );
    let client = Client {
        exec,
        sacct: SacctMode::Off,
    };
    let report = run(&client, &spec(dir.path()), &AtomicUsize::new(0), &mut |_| {}).unwrap();
    assert_eq!(report.outcome, Outcome::Timeout);
}
