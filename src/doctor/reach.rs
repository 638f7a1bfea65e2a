//! Reachability: a TCP connect and an HTTP ping of GitLab and Artifactory, and the SSH port of a Trex login
//! host (inside or outside the network), each with a short timeout.

use super::{Check, Context, Status};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

/// GitLab, Artifactory, Trex.
pub fn checks(ctx: &Context<'_>) -> Vec<Check> {
    let site = &ctx.settings.site;
    vec![
        http(
            ctx,
            "reach gitlab",
            &site.gitlab.url,
            "/api/v4/version",
            "gitlab.url",
        ),
        http(
            ctx,
            "reach artifactory",
            &site.artifactory.url,
            "/api/system/ping",
            "artifactory.url",
        ),
        trex(ctx),
    ]
}

fn http(ctx: &Context<'_>, name: &str, url: &str, ping: &str, key: &str) -> Check {
    let hint = format!(
        "check the network (VPN, proxy) and `{key}` (`devkit site show`; override with `--set {key}=URL`)"
    );
    let Some((host, port)) = super::http::host_port(url) else {
        return Check::new(name, Status::Fail, format!("`{url}` is not an http(s) URL")).hint(hint);
    };
    // Through a proxy the host may be unreachable directly: only the HTTP probe (through the proxy) tells.
    let direct = ctx.http.proxy.is_none() || ctx.http.bypasses_proxy(&host);
    if let Some(why) = direct.then(|| connect(&host, port, ctx.timeout).err()).flatten() {
        return Check::new(name, Status::Fail, format!("{host}:{port} unreachable: {why}")).hint(hint);
    }
    let service = if key.starts_with("gitlab") {
        "GitLab"
    } else {
        "Artifactory"
    };
    let probe = match super::http::client(service, &ctx.http, ctx.timeout) {
        Ok(a) => a,
        Err(e) => return Check::new(name, Status::Fail, e).hint("fix `tls.ca_bundle`"),
    };
    let target = format!("{}{ping}", url.trim_end_matches('/'));
    match probe.send(&crate::http::Request::new(crate::http::Method::Get, target)) {
        Ok(r) => Check::new(
            name,
            Status::Ok,
            format!("{host}:{port} answers (HTTP {})", r.status),
        ),
        Err(e) => Check::new(
            name,
            Status::Fail,
            format!("{host}:{port} accepts connections but HTTP fails: {e}"),
        )
        .hint(if url.starts_with("https") {
            "a TLS failure usually means the site CA is missing: set `tls.ca_bundle`".to_string()
        } else {
            hint
        }),
    }
}

fn trex(ctx: &Context<'_>) -> Check {
    let t = &ctx.settings.site.trex;
    let mut tried = Vec::new();
    for (host, alias) in [(&t.login_host, "trex"), (&t.login_host_outside, "trex-outside")] {
        if host.is_empty() {
            continue;
        }
        match connect(host, 22, ctx.timeout) {
            Ok(()) => {
                return Check::new(
                    "reach trex",
                    Status::Ok,
                    format!("{host}:22 answers (`ssh {alias}`)"),
                );
            }
            Err(why) => tried.push(format!("{host}:22 {why}")),
        }
    }
    Check::new("reach trex", Status::Warn, tried.join("; "))
        .hint("outside the CNES network use `ssh trex-outside`; inside, check the VPN")
}

/// Resolves and connects within `timeout` (resolution included: a dead DNS must not hang).
fn connect(host: &str, port: u16, timeout: Duration) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let target = format!("{host}:{port}");
    std::thread::spawn(move || {
        let addrs: Result<Vec<SocketAddr>, String> = target
            .to_socket_addrs()
            .map(Iterator::collect)
            .map_err(|e| e.to_string());
        let _ = tx.send(addrs);
    });
    let addrs = match rx.recv_timeout(timeout) {
        Ok(Ok(a)) if !a.is_empty() => a,
        Ok(Ok(_)) => return Err("no address".into()),
        Ok(Err(e)) => return Err(format!("cannot resolve: {e}")),
        Err(_) => return Err("name resolution timed out".into()),
    };
    let mut last = String::new();
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}
