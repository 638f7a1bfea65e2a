//! The test seam of the file transaction: fail, or stop as a crash would, at the Nth write step, so tests can
//! check that every step is covered by rollback and recovery. Read from the environment in debug builds only.

use super::transaction::TxnError;
use std::cell::Cell;
use std::path::Path;

/// Test seam: fails (or "crashes" at) the Nth write step. Read from the environment in debug builds only.
#[derive(Debug, Default)]
pub struct Faults {
    fail_at: Option<usize>,
    crash: bool,
    count: Cell<usize>,
    pub(super) no_fsync: bool,
}

/// Fails the Nth write step of `devkit configure` (debug builds only).
pub const FAIL_WRITE_VAR: &str = "DEVKIT_TEST_FAIL_WRITE";
/// Stops at the Nth write step as a crash would, leaving the journal (debug builds only).
pub const CRASH_WRITE_VAR: &str = "DEVKIT_TEST_CRASH_WRITE";

impl Faults {
    /// No fault.
    pub fn none() -> Self {
        Self::default()
    }

    /// Fails step `n` (1-based) with an I/O error.
    pub fn fail_at(n: usize) -> Self {
        Self {
            fail_at: Some(n),
            ..Self::default()
        }
    }

    /// Stops at step `n` without rolling back.
    pub fn crash_at(n: usize) -> Self {
        Self {
            fail_at: Some(n),
            crash: true,
            ..Self::default()
        }
    }

    /// The same, without fsync: for in-process property tests, where durability against power loss is not what
    /// is checked and thousands of fsyncs would dominate.
    pub fn without_fsync(mut self) -> Self {
        self.no_fsync = true;
        self
    }

    /// The faults asked for in the environment; always none in release builds.
    pub fn from_env() -> Self {
        if !cfg!(debug_assertions) {
            return Self::none();
        }
        let var = |name| std::env::var(name).ok().and_then(|v| v.parse::<usize>().ok());
        match (var(FAIL_WRITE_VAR), var(CRASH_WRITE_VAR)) {
            (_, Some(n)) => Self::crash_at(n),
            (Some(n), None) => Self::fail_at(n),
            (None, None) => Self::none(),
        }
    }

    /// How many write steps ran.
    pub fn steps(&self) -> usize {
        self.count.get()
    }

    pub(super) fn step(&self, path: &Path) -> Result<(), TxnError> {
        let n = self.count.get() + 1;
        self.count.set(n);
        if self.fail_at == Some(n) {
            if self.crash {
                return Err(TxnError::Crashed);
            }
            return Err(TxnError::Write {
                path: path.to_path_buf(),
                cause: std::io::Error::other(format!("injected failure at write {n}")),
            });
        }
        Ok(())
    }
}
