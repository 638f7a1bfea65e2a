//! Running work on a Slurm cluster: option model, batch scripts, Slurm commands, state mapping, output
//! following, the run loop, private job files, confirmed cancellation and the record of CI jobs' Slurm jobs.
//! Nothing in here prints, reads the environment or exits.

pub mod cancel;
pub mod client;
pub mod files;
pub mod options;
pub mod reason;
pub mod record;
pub mod runner;
pub mod script;
pub mod state;
pub mod tag;
pub mod tail;

pub use cancel::{Live, Unconfirmed, cancel_confirmed};
pub use client::{Client, ClientError, ProcessExec, SacctMode};
pub use options::{OptionsError, SbatchOption};
pub use record::{Driver, Record, RecordDir};
pub use runner::{Event, Report, RunError, RunSpec};
pub use script::Work;
pub use state::{JobInfo, JobState, Outcome};
pub use tag::CiTag;
