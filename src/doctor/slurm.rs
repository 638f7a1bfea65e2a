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
            let partitions: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            Check::new(
                "slurm",
                Status::Ok,
                format!("sinfo answers: partitions {}", partitions.join(", ")),
            )
        }
        Some(out) => Check::new(
            "slurm",
            Status::Fail,
            format!("sinfo failed: {}", String::from_utf8_lossy(&out.stderr).trim()),
        )
        .hint(hint),
        None => Check::new("slurm", Status::Fail, "sinfo did not answer within 15 s").hint(hint),
    }
}
