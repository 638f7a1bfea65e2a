//! What a Slurm run says while it runs and when it ends: its events printed (job output to stdout, the rest to
//! stderr, the queue wait), and the closing message for each outcome. Shared by `slurm run`, the executor and
//! pool steps.

use crate::printer::Printer;
use crate::slurm::Outcome;
use crate::slurm::runner::{Event, Report};
use anyhow::{Context, Result};

/// Prints the events of a run: output to stdout, everything else to stderr; says how long the job waited in
/// the queue.
pub(crate) struct EventPrinter<'a> {
    printer: &'a Printer,
    out_err: Option<std::io::Error>,
    submitted: Option<std::time::Instant>,
    started: bool,
}

impl<'a> EventPrinter<'a> {
    pub(crate) fn new(printer: &'a Printer) -> Self {
        Self {
            printer,
            out_err: None,
            submitted: None,
            started: false,
        }
    }

    pub(crate) fn on(&mut self, event: Event<'_>) {
        let printer = self.printer;
        match event {
            Event::Submitted { id, output } => {
                self.submitted = Some(std::time::Instant::now());
                printer.status("Submitted", format!("job {id} (output in {})", output.display()));
            }
            Event::Pending { reason, start } => {
                let reason = reason.unwrap_or("waiting for the scheduler");
                match start {
                    Some(s) => printer.status("Pending", format!("{reason}; estimated start {s}")),
                    None => printer.status("Pending", reason),
                }
            }
            // A job that ends between two polls is seen running only through its output.
            Event::Output(_) if !self.started && self.submitted.is_some() => {
                self.on(Event::Started);
                self.on(event);
            }
            Event::Started if self.started => {}
            Event::Started => {
                self.started = true;
                match self.submitted {
                    Some(t) => printer.status(
                        "Running",
                        format!(
                            "the job started after {:.1} s in the queue",
                            t.elapsed().as_secs_f64()
                        ),
                    ),
                    None => printer.status("Running", "the job started"),
                }
            }
            Event::Output(bytes) => {
                if let Err(e) = printer.raw(bytes) {
                    self.out_err.get_or_insert(e);
                }
            }
            Event::ControllerError(message) => {
                printer.warn(format!(
                    "the Slurm controller does not answer ({message}); still waiting"
                ));
            }
            Event::ControllerBack => printer.info("the Slurm controller answers again"),
            Event::Cancelling { signal } => {
                printer.warn(format!(
                    "got signal {signal}: cancelling the job and waiting for it to end"
                ));
            }
            Event::QueueTimeout => {
                printer.warn("the job is still pending after the queue budget: cancelling it")
            }
        }
    }

    /// The first error writing the output, if any.
    pub(crate) fn finish(self) -> Result<()> {
        match self.out_err {
            Some(e) => Err(e).context("cannot write the job output"),
            None => Ok(()),
        }
    }
}

/// The closing message for an outcome, `None` for success.
pub(crate) fn verdict(report: &Report) -> Option<String> {
    let id = &report.id;
    let reason = report
        .info
        .as_ref()
        .and_then(|i| i.reason.clone())
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    Some(match &report.outcome {
        Outcome::Exited(0) => return None,
        Outcome::Exited(c) => format!("job {id} failed with exit code {c}"),
        Outcome::Signaled(s) => format!("job {id} was killed by signal {s}"),
        Outcome::Timeout => format!("job {id} reached its time limit and was killed (TIMEOUT); raise --time"),
        Outcome::Cancelled => format!("job {id} was cancelled outside devkit (CANCELLED){reason}"),
        Outcome::NodeFail => format!("job {id} failed because a node failed (NODE_FAIL); retry"),
        Outcome::Preempted => format!("job {id} was preempted by a higher-priority job (PREEMPTED); retry"),
        Outcome::OutOfMemory => format!("job {id} ran out of memory (OUT_OF_MEMORY); raise --mem"),
        Outcome::Deadline => format!("job {id} reached its deadline (DEADLINE)"),
        Outcome::QueueTimeout => {
            format!("job {id} waited in the queue longer than --queue-timeout and was cancelled")
        }
        Outcome::Unschedulable(why) => format!(
            "job {id} can never start as submitted ({why}) and was cancelled; fix the request (partition, time, account, QoS)"
        ),
        Outcome::ControllerUnreachable => format!(
            "the Slurm controller stopped answering while job {id} ran; its fate is unknown and it could not be \
             cancelled (cancel it with `scancel {id}` once the controller answers)"
        ),
        Outcome::Held(why) => {
            format!("job {id} stayed held ({why}) longer than the hold grace period and was cancelled")
        }
        Outcome::Interrupted(s) => match report.info.as_ref().map(|i| i.state.is_terminal()) {
            Some(true) => format!("interrupted by signal {s}: job {id} was cancelled"),
            _ => format!("interrupted by signal {s}: job {id} was asked to cancel but has not ended yet"),
        },
    })
}
