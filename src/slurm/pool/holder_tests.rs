//! The pool holder against a scripted Slurm client: a holder that dies early, one of another run, the script's quoting.

use super::*;
use crate::slurm::client::fake::{FakeExec, client};

fn pool(dir: &Path) -> Pool {
    let spec = PoolSpec {
        nodes: 1,
        cpus: 2,
        time_s: 600,
        idle_s: 3,
        ..PoolSpec::default()
    };
    Pool::new(dir, PoolKey::pipeline(0, 1, 2, &spec.class()), spec)
}

#[test]
fn a_holder_that_dies_before_it_is_usable_is_not_resubmitted_forever() {
    let dir = tempfile::tempdir().unwrap();
    let exec = FakeExec::default();
    exec.push("sbatch", true, "41\n", "");
    exec.push("squeue", true, "FAILED|NonZeroExitCode|0:00\n", "");
    exec.push("scancel", true, "", "");
    let c = client(exec);
    let err = pool(dir.path())
        .acquire(&c, &AtomicUsize::new(0), None, &mut |_| {})
        .unwrap_err();
    assert!(
        matches!(err, PoolError::Ended { ref holder, .. } if holder == "41"),
        "{err}"
    );
    assert!(err.is_system_failure());
    let calls = c.exec.calls.borrow();
    assert_eq!(calls.iter().filter(|c| c.starts_with("sbatch")).count(), 1);
    assert!(
        calls[0].contains("--comment=devkit-pool:uid=0,project=1,pipeline=2"),
        "{calls:?}"
    );
}

#[test]
fn a_dead_holder_of_someone_else_is_replaced_and_a_live_one_reused() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(dir.path());
    files::private_dir(&p.dir).unwrap();
    let old = PoolFile {
        holder: "7".into(),
        project: 1,
        pipeline: 2,
        name: String::new(),
        resources: String::new(),
        created: 0,
        idle_s: 3,
    };
    files::replace(&p.dir.join("pool.json"), &serde_json::to_vec(&old).unwrap()).unwrap();
    let exec = FakeExec::default();
    // The recorded holder is gone: cancelled (no-op) and replaced; the new one runs and is alive.
    exec.push(
        "squeue",
        false,
        "",
        "slurm_load_jobs error: Invalid job id specified\n",
    );
    exec.push("scancel", true, "", "");
    exec.push("sbatch", true, "8\n", "");
    exec.push("squeue", true, "RUNNING|None|9:58\n", "");
    let c = client(exec);
    // The new holder starts and writes its heartbeat once it is recorded.
    let dir2 = p.dir.clone();
    let starter = std::thread::spawn(move || {
        while !std::fs::read_to_string(dir2.join("pool.json")).is_ok_and(|t| t.contains("\"8\"")) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::fs::write(dir2.join("alive"), "").unwrap();
    });
    let mut events = Vec::new();
    let ready = p
        .acquire(&c, &AtomicUsize::new(0), None, &mut |e| {
            events.push(format!("{e:?}"))
        })
        .unwrap();
    starter.join().unwrap();
    assert_eq!(ready.holder, "8");
    assert!(ready.created);
    assert_eq!(ready.time_left_s, Some(598));
    assert!(events[0].contains("Replacing"), "{events:?}");
    // The next job finds it running and alive: no submission, no wait.
    let exec = FakeExec::default();
    exec.push("squeue", true, "RUNNING|None|9:50\n", "");
    let c = client(exec);
    let again = p.acquire(&c, &AtomicUsize::new(0), None, &mut |_| {}).unwrap();
    assert_eq!(
        (again.holder.as_str(), again.created, again.waited),
        ("8", false, Duration::ZERO)
    );
}

#[test]
fn holder_script_quotes_its_folder() {
    let s = holder_script(Path::new("/b/it's here"), 5);
    assert!(s.contains(r"cd '/b/it'\''s here' || exit 1"), "{s}");
    assert!(s.contains("idle=5\n"));
    assert!(s.contains("flock 9"));
}
