//! On Trex (a Slurm client on `PATH`): the controller answers `sinfo`.

use super::process::{run, which};
use super::{Check, Context, Status};
use std::time::Duration;

/// `sinfo` answers, when there is one.
pub fn check(ctx: &Context<'_>) -> Check {
    let Some(sinfo) = which("sinfo", ctx.path.as_deref()) else {
        return Check::new("slurm", Status::Skipped, "no Slurm client: not on Trex");
    };
    let hint = "the Slurm controller does not answer: try `scontrol ping`, check `SLURM_CONF`, or ask the \
                Trex support";
    match run(&sinfo, &["-h", "-o", "%P"], Duration::from_secs(15)) {
        Some(out) if out.status.success() => {
            let listed = String::from_utf8_lossy(&out.stdout);
            Check::new(
                "slurm",
                Status::Ok,
                format!("sinfo answers: {}", partitions(&listed)),
            )
        }
        Some(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first = stderr
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("no message");
            Check::new("slurm", Status::Fail, format!("sinfo failed: {first}")).hint(hint)
        }
        None => Check::new("slurm", Status::Fail, "sinfo did not answer within 15 s").hint(hint),
    }
}

/// How many partitions are named before the rest are only counted.
const NAMED: usize = 6;

/// `sinfo -h -o %P`'s lines as one short phrase: each partition once, the default one marked.
fn partitions(listed: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    for line in listed.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let name = match line.strip_suffix('*') {
            Some(default) => format!("{default} (default)"),
            None => line.to_string(),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.len() {
        0 => "no partition".into(),
        n if n <= NAMED => format!("partitions {}", names.join(", ")),
        n => format!("partitions {} and {} more", names[..NAMED].join(", "), n - NAMED),
    }
}

#[cfg(test)]
mod tests {
    use super::partitions;

    #[test]
    fn partitions_are_named_once_and_counted_past_six() {
        assert_eq!(
            partitions("debug*\ndebug*\nbatch\n"),
            "partitions debug (default), batch"
        );
        let many: String = (0..9).map(|i| format!("p{i}\n")).collect();
        assert_eq!(partitions(&many), "partitions p0, p1, p2, p3, p4, p5 and 3 more");
        assert_eq!(partitions(""), "no partition");
    }
}
