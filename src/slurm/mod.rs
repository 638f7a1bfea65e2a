//! Running work on a Slurm cluster: option model, batch scripts, Slurm commands, state mapping, output
//! following and the run loop. Nothing in here prints, reads the environment or exits.

pub mod client;
pub mod options;
pub mod reason;
pub mod runner;
pub mod script;
pub mod state;
pub mod tail;

pub use client::{Client, ClientError, ProcessExec, SacctMode};
pub use options::{OptionsError, SbatchOption};
pub use runner::{Event, Report, RunError, RunSpec};
pub use script::Work;
pub use state::{JobInfo, JobState, Outcome};
