//! Unit tests of the client: backoff growth and bounded retries against a closed port. (declared `#[cfg(test)]` by its parent module)
#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn backoff_doubles_and_is_capped() {
    let mut c = ClientConfig::new("http://127.0.0.1:9");
    c.backoff_base = Duration::from_millis(100);
    c.max_wait = Duration::from_secs(1);
    let client = Client::new(c).unwrap();
    assert!(
        client.backoff(1) >= Duration::from_millis(100) && client.backoff(1) <= Duration::from_millis(125)
    );
    assert!(client.backoff(2) >= Duration::from_millis(200));
    assert_eq!(client.backoff(10), Duration::from_secs(1));
}

#[test]
fn unreachable_server_is_retried_a_bounded_number_of_times() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut c = ClientConfig::new(format!("http://127.0.0.1:{port}"));
    c.max_attempts = 3;
    let waits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let w = waits.clone();
    let client = Client::new(c)
        .unwrap()
        .with_sleep(move |d| w.lock().unwrap().push(d));
    let err = client.get::<serde_json::Value>("/version").unwrap_err();
    assert!(
        matches!(err, GitlabError::Unreachable { attempts: 3, .. }),
        "{err}"
    );
    assert_eq!(waits.lock().unwrap().len(), 2);
}
