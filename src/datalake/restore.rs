//! The cold tier's restore state as HEAD reports it (`x-amz-restore`), and the wait for a restore: poll with
//! a doubling delay up to a cap, each wait announced to the caller so it can show progress. Sans-IO: the
//! HEAD and the sleep are the caller's closures, so the loop is tested with a slow fake restore.

use std::time::Duration;

/// Where an object stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// On the warm tier (or any class that is not cold): readable now.
    Warm,
    /// Cold and no restore asked for (or the last one expired).
    Cold,
    /// A restore is under way.
    Restoring,
    /// Restored: readable until `expiry` (the server's date text, when it gives one).
    Restored {
        /// `expiry-date` of `x-amz-restore`.
        expiry: Option<String>,
    },
}

impl Readiness {
    /// Whether a GET would succeed now.
    pub fn readable(&self) -> bool {
        matches!(self, Self::Warm | Self::Restored { .. })
    }

    /// From HEAD's storage class and `x-amz-restore` header; `cold` is the site's cold classes.
    pub fn from_head(storage_class: Option<&str>, restore: Option<&str>, cold: &[&str]) -> Self {
        let class = storage_class.unwrap_or("STANDARD");
        if !cold.iter().any(|c| c.eq_ignore_ascii_case(class)) {
            return Self::Warm;
        }
        let Some(header) = restore else {
            return Self::Cold;
        };
        let h = header.to_ascii_lowercase();
        if h.contains("ongoing-request=\"true\"") {
            Self::Restoring
        } else if h.contains("ongoing-request=\"false\"") {
            Self::Restored {
                expiry: header
                    .split_once("expiry-date=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map(|(date, _)| date.to_string()),
            }
        } else {
            Self::Cold
        }
    }
}

/// The delays between polls: `first`, doubling, capped at `cap`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The first delay.
    pub first: Duration,
    /// The longest delay.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(2),
            cap: Duration::from_secs(300),
        }
    }
}

/// Polls `head` until the object is readable, sleeping with `backoff` in between and telling `waiting` the
/// state, the time waited so far and the next delay before each sleep. Returns the final state; stops with
/// the state if it is neither readable nor restoring (the restore was lost or refused).
pub fn wait<E>(
    backoff: Backoff,
    mut head: impl FnMut() -> Result<Readiness, E>,
    mut waiting: impl FnMut(&Readiness, Duration, Duration),
    mut sleep: impl FnMut(Duration),
) -> Result<Readiness, E> {
    let mut delay = backoff.first;
    let mut waited = Duration::ZERO;
    loop {
        let state = head()?;
        if state != Readiness::Restoring {
            return Ok(state);
        }
        waiting(&state, waited, delay);
        sleep(delay);
        waited += delay;
        delay = (delay * 2).min(backoff.cap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLD: &[&str] = &["GLACIER", "DEEP_ARCHIVE"];

    #[test]
    fn header_states() {
        assert_eq!(Readiness::from_head(None, None, COLD), Readiness::Warm);
        assert_eq!(Readiness::from_head(Some("GLACIER"), None, COLD), Readiness::Cold);
        assert_eq!(
            Readiness::from_head(Some("DEEP_ARCHIVE"), Some("ongoing-request=\"true\""), COLD),
            Readiness::Restoring
        );
        assert_eq!(
            Readiness::from_head(
                Some("GLACIER"),
                Some("ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\""),
                COLD
            ),
            Readiness::Restored {
                expiry: Some("Fri, 21 Dec 2012 00:00:00 GMT".into())
            }
        );
        assert_eq!(
            Readiness::from_head(Some("GLACIER"), Some("garbage"), COLD),
            Readiness::Cold
        );
    }

    /// A slow restore (ongoing for five polls): the loop waits 1, 2, 4, 4, 4 s, says so each time, then
    /// reports the object readable.
    #[test]
    fn slow_restore_is_waited_for_with_backoff() {
        let mut polls = 0;
        let mut said = Vec::new();
        let mut slept = Vec::new();
        let state = wait::<()>(
            Backoff {
                first: Duration::from_secs(1),
                cap: Duration::from_secs(4),
            },
            || {
                polls += 1;
                Ok(if polls <= 5 {
                    Readiness::Restoring
                } else {
                    Readiness::Restored { expiry: None }
                })
            },
            |_, waited, next| said.push((waited.as_secs(), next.as_secs())),
            |d| slept.push(d.as_secs()),
        )
        .unwrap();
        assert!(state.readable());
        assert_eq!(slept, [1, 2, 4, 4, 4]);
        assert_eq!(said, [(0, 1), (1, 2), (3, 4), (7, 4), (11, 4)]);
    }

    #[test]
    fn a_lost_restore_ends_the_wait_and_errors_pass_through() {
        let mut n = 0;
        let s = wait::<()>(
            Backoff::default(),
            || {
                n += 1;
                Ok(if n == 1 {
                    Readiness::Restoring
                } else {
                    Readiness::Cold
                })
            },
            |_, _, _| {},
            |_| {},
        );
        assert_eq!(s, Ok(Readiness::Cold));
        let e = wait(
            Backoff::default(),
            || Err::<Readiness, _>("refused"),
            |_, _, _| {},
            |_| {},
        );
        assert_eq!(e, Err("refused"));
    }
}
