//! The retry policy, as pure decisions: what to do after one attempt, given the method, the attempt number
//! and what happened. Idempotent methods retry connection failures, lost answers, 429 and 502/503/504; a POST
//! retries only what provably did not reach the server (no connection, or a 429 refusal), and otherwise ends
//! as "outcome unknown" so that the caller reconciles instead of acting twice.

use std::time::Duration;

/// An HTTP method devkit uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD.
    Head,
    /// PUT (replaces a resource: idempotent).
    Put,
    /// DELETE of one resource by id or token (idempotent: a second one finds nothing).
    Delete,
    /// POST (creates or acts: not idempotent).
    Post,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
            Self::Post => "POST",
        }
    }

    /// Whether sending the request twice has the effect of sending it once.
    pub fn idempotent(self) -> bool {
        !matches!(self, Self::Post)
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The server answered with this status (and `Retry-After`, in seconds).
    Answered {
        /// HTTP status.
        status: u16,
        /// `Retry-After`, in seconds.
        retry_after: Option<u64>,
    },
    /// The request provably never reached the server (DNS failure, connection refused or timed out).
    NotSent,
    /// The request may have reached the server, but no complete answer came back (timeout, reset).
    Lost,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Hand the answer to the caller.
    Accept,
    /// Wait this long, then send again.
    Retry(Duration),
    /// The server asks for a wait (seconds) beyond the cap: fail at once, saying when to retry.
    TooLong(u64),
    /// The last attempt failed in a retryable way: report it.
    Exhausted,
    /// A non-idempotent request may have acted: the caller must look for its effect.
    Unknown,
}

/// Bounded retries with jittered exponential backoff.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// First backoff delay, doubled at each retry.
    pub backoff: Duration,
    /// Longest wait accepted, from backoff or `Retry-After`.
    pub max_wait: Duration,
}

impl Policy {
    /// The backoff before attempt `attempt + 1`: `backoff × 2^(attempt-1)`, plus up to a quarter of it as
    /// jitter (`jitter` in [0, 1)), capped at `max_wait`.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        let base = self.backoff.saturating_mul(factor);
        let extra = base.mul_f64(jitter.clamp(0.0, 1.0) / 4.0);
        (base + extra).min(self.max_wait)
    }

    /// The decision after attempt number `attempt` (1-based) of a request that is `idempotent` or not
    /// (the method's nature, or a POST the caller declared safe to send twice).
    pub fn decide(&self, idempotent: bool, attempt: u32, outcome: Attempt, jitter: f64) -> Verdict {
        let left = attempt < self.attempts.max(1);
        let backoff = self.backoff(attempt, jitter);
        match outcome {
            Attempt::Answered { status, retry_after } => {
                let asked = retry_after.map(Duration::from_secs);
                let retryable = match status {
                    // A rate limit refuses the request before acting on it: safe to send again.
                    429 => true,
                    502..=504 if idempotent => true,
                    502..=504 => return Verdict::Unknown,
                    _ => return Verdict::Accept,
                };
                match asked {
                    Some(wait) if wait > self.max_wait => Verdict::TooLong(wait.as_secs()),
                    _ if !left || !retryable => Verdict::Exhausted,
                    Some(wait) => Verdict::Retry(wait.max(backoff)),
                    None => Verdict::Retry(backoff),
                }
            }
            Attempt::NotSent if left => Verdict::Retry(backoff),
            Attempt::NotSent => Verdict::Exhausted,
            Attempt::Lost if !idempotent => Verdict::Unknown,
            Attempt::Lost if left => Verdict::Retry(backoff),
            Attempt::Lost => Verdict::Exhausted,
        }
    }
}

/// A number in [0, 1) that differs between calls and processes (jitter; no randomness crate needed).
pub fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() % 10_000) as f64 / 10_000.0
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
