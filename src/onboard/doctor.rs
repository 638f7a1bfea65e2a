//! Step `doctor`: the checks of `devkit doctor`; the step fails when one of them does, with their hints.

use super::{Outcome, Step, StepContext};
use crate::doctor::{Status, any_failed, render};

/// The `doctor` step.
pub struct Doctor;

impl Step for Doctor {
    fn id(&self) -> &'static str {
        "doctor"
    }

    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome {
        let checks = ctx.ops.doctor();
        ctx.printer.info(render::text(&checks));
        if any_failed(&checks) {
            let failed: Vec<_> = checks.iter().filter(|c| c.status == Status::Fail).collect();
            Outcome::Failed {
                what: format!(
                    "{} check(s) failed: {}",
                    failed.len(),
                    failed
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                what_to_do: failed.iter().filter_map(|c| c.hint.clone()).collect(),
            }
        } else {
            let warned = checks.iter().filter(|c| c.status == Status::Warn).count();
            Outcome::Checked(format!("every check passes ({warned} warning(s))"))
        }
    }
}
