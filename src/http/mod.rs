//! The one HTTP layer every devkit client uses (GitLab, Artifactory, container registries, doctor probes): one
//! agent configuration (CA bundle, proxy and `NO_PROXY` as curl reads them, user agent, timeouts), one error
//! type keeping the status, the URL without secrets and the server's own message, and one retry policy that
//! never replays a request that may have acted. A leaf module: it never prints; requests, retries and waits
//! are reported as `tracing` events (waits of a second or more at INFO, the rest at DEBUG) for the command
//! layer to show.

mod client;
mod config;
mod error;
mod message;
mod no_proxy;
mod policy;
mod request;
mod tls;
mod url;

pub use client::{Http, human as human_duration};
pub use config::{HttpConfig, USER_AGENT};
pub use error::HttpError;
pub use message::{server_message, text_summary as message_summary, value_text};
pub use no_proxy::bypass;
pub use policy::{Method, Policy, Verdict};
pub use request::{Auth, Body, Request, Response};
pub use tls::{default_system_bundle, load_pem, tls_config};
pub use url::{host_of, redact_url};

/// The `tracing` target of the wait announcements (INFO), which the command layer shows on stderr.
pub const WAIT_TARGET: &str = "devkit::http::wait";
