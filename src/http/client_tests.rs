//! The client against tiny loopback servers: a dead port, a server that drops the connection after reading
//! the request, one that answers 502, one that asks for an hour's wait. (declared `#[cfg(test)]` by its
//! parent module)
#![allow(clippy::unwrap_used)]

use super::*;
use std::io::{Read, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A server answering every connection with `answer` (or dropping it when `None`); counts requests.
fn server(answer: Option<&'static str>) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            seen.fetch_add(1, Ordering::SeqCst);
            if let Some(a) = answer {
                let _ = stream.write_all(a.as_bytes());
            }
        }
    });
    (url, count)
}

fn client(waits: &Arc<Mutex<Vec<Duration>>>) -> Http {
    let w = waits.clone();
    let config = HttpConfig {
        attempts: 3,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
        ..HttpConfig::default()
    };
    Http::new("Test", &config)
        .unwrap()
        .with_sleep(move |d| w.lock().unwrap().push(d))
}

#[test]
fn a_dead_port_is_retried_then_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let waits = Arc::new(Mutex::new(Vec::new()));
    let http = client(&waits);
    for method in [Method::Get, Method::Post] {
        waits.lock().unwrap().clear();
        let err = http
            .send(&Request::new(method, format!("http://127.0.0.1:{port}/x")))
            .unwrap_err();
        assert!(matches!(err, HttpError::Unreachable { attempts: 3, .. }), "{err}");
        assert_eq!(
            waits.lock().unwrap().len(),
            2,
            "{method:?}: a refused connection never reached the server"
        );
    }
}

#[test]
fn a_dropped_post_is_sent_once_and_reported_as_possibly_done() {
    let (url, count) = server(None);
    let waits = Arc::new(Mutex::new(Vec::new()));
    let http = client(&waits);
    let err = http
        .send(&Request::new(Method::Post, format!("{url}/create")).json(&serde_json::json!({})))
        .unwrap_err();
    assert!(matches!(err, HttpError::AnswerLost { .. }), "{err}");
    assert!(err.to_string().contains("may have carried out `POST"), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let err = http
        .send(&Request::new(Method::Get, format!("{url}/read")))
        .unwrap_err();
    assert!(matches!(err, HttpError::NoAnswer { attempts: 3, .. }), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

#[test]
fn a_gateway_error_after_a_post_is_not_replayed() {
    let (url, count) = server(Some(
        "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 13\r\nconnection: close\r\n\r\n<html></html>",
    ));
    let waits = Arc::new(Mutex::new(Vec::new()));
    let http = client(&waits);
    let err = http
        .send(&Request::new(Method::Post, format!("{url}/p")))
        .unwrap_err();
    assert!(matches!(err, HttpError::AnswerLost { .. }), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let r = http.send(&Request::new(Method::Get, format!("{url}/g"))).unwrap();
    assert_eq!((r.status, count.load(Ordering::SeqCst)), (502, 4));
    assert_eq!(
        r.error().to_string(),
        format!("Test answered `GET {url}/g` with 502: an HTML page")
    );
}

#[test]
fn a_wait_beyond_the_cap_fails_at_once_saying_when() {
    let (url, count) = server(Some(
        "HTTP/1.1 429 Too Many\r\nretry-after: 3600\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    ));
    let waits = Arc::new(Mutex::new(Vec::new()));
    let http = client(&waits);
    let err = http
        .send(&Request::new(Method::Get, format!("{url}/g")))
        .unwrap_err();
    assert!(
        matches!(
            err,
            HttpError::RateLimited {
                retry_after: Some(3600),
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("wait 60 min"), "{err}");
    assert!(
        err.hint().unwrap().starts_with("try again after 20"),
        "{:?}",
        err.hint()
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(waits.lock().unwrap().is_empty());
}

#[test]
fn durations_read_well() {
    assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
    assert_eq!(human(Duration::from_secs(2)), "2 s");
    assert_eq!(human(Duration::from_secs(30)), "30 s");
    assert_eq!(human(Duration::from_secs(3600)), "60 min");
    assert_eq!(human(Duration::from_secs(36_000)), "10 h");
}
