//! The policy over its whole finite domain: every method, every status from 100 to 599, both transport
//! outcomes, every attempt number, jitter at both ends. (declared `#[cfg(test)]` by its parent module)

use super::*;

const METHODS: [Method; 5] = [
    Method::Get,
    Method::Head,
    Method::Put,
    Method::Delete,
    Method::Post,
];

fn policy() -> Policy {
    Policy {
        attempts: 4,
        backoff: Duration::from_millis(500),
        max_wait: Duration::from_secs(60),
    }
}

#[test]
fn a_post_is_never_sent_again_once_it_may_have_reached_the_server() {
    let p = policy();
    for attempt in 1..=5 {
        for jitter in [0.0, 0.999] {
            assert_eq!(p.decide(false, attempt, Attempt::Lost, jitter), Verdict::Unknown);
            for status in 100..600 {
                let v = p.decide(
                    false,
                    attempt,
                    Attempt::Answered {
                        status,
                        retry_after: None,
                    },
                    jitter,
                );
                if matches!(v, Verdict::Retry(_)) {
                    assert_eq!(status, 429, "POST retried after {status}");
                }
                if (502..=504).contains(&status) {
                    assert_eq!(v, Verdict::Unknown);
                }
            }
        }
    }
}

#[test]
fn retries_are_bounded_and_waits_capped() {
    let p = policy();
    for method in METHODS {
        for status in 100..600 {
            for retry_after in [None, Some(0), Some(3), Some(60), Some(61), Some(3600)] {
                let outcome = Attempt::Answered { status, retry_after };
                let last = p.decide(method.idempotent(), p.attempts, outcome, 0.5);
                assert!(
                    !matches!(last, Verdict::Retry(_)),
                    "{method:?} {status} retried at the last attempt"
                );
                if let Verdict::Retry(w) = p.decide(method.idempotent(), 1, outcome, 0.999) {
                    assert!(w <= p.max_wait, "{w:?}");
                    assert!(
                        w >= Duration::from_secs(retry_after.unwrap_or(0)),
                        "Retry-After not honoured"
                    );
                }
                if status == 429 && retry_after.is_some_and(|s| s > 60) {
                    assert_eq!(
                        p.decide(method.idempotent(), 1, outcome, 0.0),
                        Verdict::TooLong(retry_after.unwrap_or(0))
                    );
                }
                if !matches!(status, 429 | 502..=504) {
                    assert_eq!(p.decide(method.idempotent(), 1, outcome, 0.0), Verdict::Accept);
                }
            }
        }
        assert!(matches!(
            p.decide(method.idempotent(), 1, Attempt::NotSent, 0.0),
            Verdict::Retry(_)
        ));
        assert_eq!(
            p.decide(method.idempotent(), 4, Attempt::NotSent, 0.0),
            Verdict::Exhausted
        );
    }
    for method in [Method::Get, Method::Head, Method::Put, Method::Delete] {
        assert!(matches!(
            p.decide(method.idempotent(), 1, Attempt::Lost, 0.0),
            Verdict::Retry(_)
        ));
    }
}

#[test]
fn backoff_doubles_with_bounded_jitter() {
    let p = policy();
    for attempt in 1..=20 {
        for j in 0..10 {
            let jitter = f64::from(j) / 10.0;
            let base = Duration::from_millis(500).saturating_mul(1 << (attempt - 1).min(16));
            let w = p.backoff(attempt, jitter);
            assert!(w <= p.max_wait);
            if base < p.max_wait {
                assert!(
                    w >= base && w <= base + base / 4 + Duration::from_millis(1),
                    "{attempt} {w:?}"
                );
            }
        }
    }
    let j = jitter();
    assert!((0.0..1.0).contains(&j));
}
