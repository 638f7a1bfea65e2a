//! Allocation pools: the Slurm jobs of one pipeline (one user, one project, one resource class) share one
//! allocation, held by a holder job, and run as job steps inside it, so the pipeline waits in the queue once.
//! The holder ends when its lease (renewed by every step) is older than the idle timeout, at its own time limit,
//! or when the reaper sees the pipeline finished in GitLab. Nothing in here prints or reads the environment.

pub mod holder;
pub mod key;
pub mod spec;
pub mod status;
pub mod step;

pub use holder::{Pool, PoolError, PoolEvent, Ready};
pub use key::PoolKey;
pub use spec::{JobNeeds, PoolSpec, SpecError};
pub use status::{HolderState, Listed, PoolFile};
pub use step::{StepError, StepReport, StepSpec, cancel_steps, recorded_steps, run_step};
