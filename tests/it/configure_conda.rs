//! conda with a real conda-protocol client: py-rattler fetches the repodata of the loopback conda channel
//! (Basic auth, tests/pypi/up.sh) with nothing but the `.netrc` devkit wrote, and the written `.condarc` holds
//! only keys conda documents, with no credential.

use crate::configure::{add_index_user, assert_no_leak, devkit, server, store_token};
use crate::support::{TestContext, all_output, require_tool};
use std::process::Command;

/// Fetches `channel`'s noarch repodata with rattler (auth from HOME: keyring, files, netrc) and prints the
/// records of devkit-probe.
const FETCH: &str = r#"
import asyncio, os, sys
from rattler import Channel, Platform
from rattler.networking import AuthenticationMiddleware, Client, fetch_repo_data

async def main():
    data = await fetch_repo_data(channels=[Channel(sys.argv[1])], platforms=[Platform("noarch")],
                                 cache_path=sys.argv[2], callback=None, client=Client([AuthenticationMiddleware()]))
    print([f"{r.name.normalized}={r.version}" for r in data[0].load_records("devkit-probe")])

try:
    asyncio.run(main())
    code = 0
except Exception as e:
    print(f"fetch failed: {e}", file=sys.stderr)
    code = 1
sys.stdout.flush(); sys.stderr.flush()
os._exit(code)
"#;

/// The `.condarc` keys conda documents that devkit may write.
const CONDARC_KEYS: &[&str] = &[
    "channel_alias",
    "default_channels",
    "custom_channels",
    "ssl_verify",
    "channels",
];

#[test]
fn rattler_fetches_the_channel_with_the_netrc_devkit_wrote() {
    let Some(srv) = server() else { return };
    let Some(python) = require_tool("python") else {
        return;
    };
    let has_rattler = Command::new(&python)
        .args(["-c", "import rattler"])
        .status()
        .unwrap()
        .success();
    if !has_rattler {
        crate::support::missing(
            "the py-rattler Python package",
            "run ./scripts/test.sh, which installs it in its virtualenv",
        );
        return;
    }
    let ctx = TestContext::new();
    let fetch = |ctx: &TestContext, channel: &str| {
        Command::new(&python)
            .args(["-c", FETCH, channel])
            .arg(ctx.work.join("cache"))
            .env_clear()
            .env("HOME", &ctx.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .unwrap()
    };
    let channel = format!("{}/api/conda/conda-remote/conda-forge", srv.url);
    let anonymous = fetch(&ctx, &channel);
    assert!(
        !anonymous.status.success(),
        "the channel must require credentials: {}",
        all_output(&anonymous)
    );

    // A token shaped like Artifactory's (base64url and dots). The index's own test token has quotes and
    // spaces, which devkit quotes in `.netrc`: rattler's netrc reader does not unquote, so it would send them.
    let (user, token) = ("conda-user", "eyJ2ZXIiOiIyIn0.eyJzdWIiOiJjb25kYSJ9.c2ln-_x");
    add_index_user(&python, &srv.dir, user, token);
    store_token(&ctx, &srv.url, user, token);
    let conf = devkit(&ctx, &srv.url, &["configure", "conda"]).output().unwrap();
    assert!(conf.status.success(), "{}", all_output(&conf));
    let condarc: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(ctx.home.join(".condarc")).unwrap()).unwrap();
    let map = condarc.as_object().unwrap();
    assert!(map.keys().all(|k| CONDARC_KEYS.contains(&k.as_str())), "{map:?}");
    let alias = format!("{}/api/conda/conda-remote", srv.url);
    assert_eq!(map["channel_alias"], alias.as_str());
    assert_eq!(map["default_channels"], serde_json::json!([channel.clone()]));

    // The channel as conda resolves it (the default channel), fetched with the written netrc only.
    let fetched = fetch(&ctx, map["default_channels"][0].as_str().unwrap());
    assert!(fetched.status.success(), "{}", all_output(&fetched));
    assert!(
        String::from_utf8_lossy(&fetched.stdout).contains("devkit-probe=0.1"),
        "{}",
        all_output(&fetched)
    );
    let allowed = [
        ctx.home.join(".netrc"),
        ctx.home.join(".local/share/devkit/secrets.toml"),
    ];
    assert_no_leak(&ctx, token, &[&conf, &fetched], &allowed);
}
