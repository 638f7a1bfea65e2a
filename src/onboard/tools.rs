//! Step `tools`: git, ssh, python3/pip, conda or mamba, a container engine and (on Trex) the Slurm client, with
//! their versions; only git and ssh are required. A check: it changes nothing, so it never says "already done".

use super::{Outcome, Step, StepContext};
use crate::doctor::{Status, tools};

/// The `tools` step.
pub struct Tools;

impl Step for Tools {
    fn id(&self) -> &'static str {
        "tools"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let checks = tools::checks(std::env::var_os(crate::env_vars::EnvVars::PATH).as_deref());
        for c in &checks {
            ctx.printer
                .info(format!("  {:<7} {:<16} {}", c.status.word(), c.name, c.detail));
        }
        let failed: Vec<_> = checks.iter().filter(|c| c.status == Status::Fail).collect();
        if failed.is_empty() {
            let found = checks.iter().filter(|c| c.status == Status::Ok).count();
            Outcome::Checked(format!("{found} of {} tool groups found", checks.len()))
        } else {
            Outcome::Failed {
                what: failed
                    .iter()
                    .map(|c| c.detail.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                what_to_do: failed.iter().filter_map(|c| c.hint.clone()).collect(),
            }
        }
    }
}
