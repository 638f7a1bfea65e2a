//! Unit tests of the client: bounded retries against a closed port, through the shared policy. (declared
//! `#[cfg(test)]` by its parent module)
#![allow(clippy::unwrap_used)]

use super::*;
use crate::http::HttpError;

#[test]
fn unreachable_server_is_retried_a_bounded_number_of_times() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut c = ClientConfig::new(format!("http://127.0.0.1:{port}"));
    c.http.attempts = 3;
    let waits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let w = waits.clone();
    let client = Client::new(c)
        .unwrap()
        .with_sleep(move |d| w.lock().unwrap().push(d));
    let err = client.get::<serde_json::Value>("/version").unwrap_err();
    assert!(
        matches!(err, GitlabError::Http(HttpError::Unreachable { attempts: 3, .. })),
        "{err}"
    );
    assert_eq!(waits.lock().unwrap().len(), 2);
}
