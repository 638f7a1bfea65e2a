//! Real cargo against an authenticated sparse index served by nginx on loopback (static files: `config.json`
//! with `auth-required`, one index file, one `.crate`), with only what `devkit configure cargo` wrote: cargo
//! gets the token from `cargo-credential-devkit` over its credential-provider protocol.

use crate::configure::{assert_no_leak, devkit, store_token};
use crate::docker_cargo::helper_env;
use crate::support::{TestContext, all_output, require_tool};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const TOKEN: &str = "cargo-t0ken.for.test";

/// nginx serving `root` under `/artifactory/api/cargo/crates-remote/` to requests bearing the token.
struct Nginx {
    dir: PathBuf,
    child: std::process::Child,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_nginx(nginx: &Path, dir: &Path, root: &Path, port: u16) -> Nginx {
    let conf_dir = dir.join("nginx");
    std::fs::create_dir_all(&conf_dir).unwrap();
    let user = if unsafe_is_root() { "user root;" } else { "" };
    let conf = format!(
        "{user}\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 16; }}\n\
         http {{\n access_log {d}/access.log;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
         server {{\n  listen 127.0.0.1:{port};\n  location /artifactory/api/cargo/crates-remote/ {{\n\
         if ($http_authorization != \"Bearer {TOKEN}\") {{ return 401; }}\n   alias {root}/;\n  }}\n\
         location / {{ return 404; }}\n }}\n}}\n",
        d = conf_dir.display(),
        root = root.display(),
    );
    std::fs::write(conf_dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx)
        .arg("-c")
        .arg(conf_dir.join("nginx.conf"))
        .arg("-p")
        .arg(&conf_dir)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Nginx { dir: conf_dir, child };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("nginx did not start (see {})", dir.display());
}

fn unsafe_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The registry files: a crate `dkprobe 0.1.0` built with python's tarfile, its index line and `config.json`.
fn make_registry(python: &Path, root: &Path, base: &str) {
    std::fs::create_dir_all(root.join("index/dk/pr")).unwrap();
    std::fs::create_dir_all(root.join("crates")).unwrap();
    let script = r#"
import gzip, hashlib, io, sys, tarfile
out = sys.argv[1]
files = {"dkprobe-0.1.0/Cargo.toml": b'[package]\nname = "dkprobe"\nversion = "0.1.0"\nedition = "2021"\n',
         "dkprobe-0.1.0/src/lib.rs": b"pub fn probe() -> u8 { 7 }\n"}
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w") as tar:
    for name, data in files.items():
        info = tarfile.TarInfo(name); info.size = len(data); info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
blob = gzip.compress(raw.getvalue(), mtime=0)
open(out, "wb").write(blob)
print(hashlib.sha256(blob).hexdigest())
"#;
    let out = Command::new(python)
        .args(["-c", script])
        .arg(root.join("crates/dkprobe-0.1.0.crate"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let cksum = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let line = serde_json::json!({"name": "dkprobe", "vers": "0.1.0", "deps": [], "cksum": cksum,
        "features": {}, "yanked": false});
    std::fs::write(root.join("index/dk/pr/dkprobe"), format!("{line}\n")).unwrap();
    let config = serde_json::json!({
        "dl": format!("{base}/crates/{{crate}}-{{version}}.crate"),
        "api": base,
        "auth-required": true,
    });
    std::fs::write(root.join("index/config.json"), config.to_string()).unwrap();
}

/// A library project under the test's work folder depending on `dependency` (a `[dependencies]` line).
pub(crate) fn cargo_project(ctx: &TestContext, dependency: &str) -> PathBuf {
    let project = ctx.work.join("p");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\n{dependency}\n"
        ),
    )
    .unwrap();
    std::fs::write(project.join("src/lib.rs"), "").unwrap();
    project
}

/// cargo with nothing but the temporary HOME and what devkit's provider needs.
pub(crate) fn cargo_cmd(cargo: &Path, ctx: &TestContext, url: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.env_clear()
        .envs(helper_env(ctx, Some(url)))
        .env("CARGO_HOME", ctx.home.join(".cargo"))
        .env("CARGO_NET_RETRY", "0")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "RUSTUP_HOME",
            std::env::var_os("RUSTUP_HOME").unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                    .join(".rustup")
                    .into()
            }),
        )
        .current_dir(dir);
    cmd
}

#[test]
fn cargo_fetches_from_an_authenticated_sparse_index_with_the_devkit_provider() {
    let (Some(cargo), Some(nginx), Some(python)) = (
        require_tool("cargo"),
        require_tool("nginx"),
        require_tool("python3"),
    ) else {
        return;
    };
    let ctx = TestContext::new();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/artifactory");
    let root = ctx.work.join("registry");
    make_registry(&python, &root, &format!("{url}/api/cargo/crates-remote"));
    let _server = start_nginx(&nginx, &ctx.work, &root, port);
    store_token(&ctx, &url, "ada", TOKEN);
    let out = devkit(&ctx, &url, &["configure", "cargo"]).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let config = std::fs::read_to_string(ctx.home.join(".cargo/config.toml")).unwrap();
    assert!(config.contains("credential-provider"), "{config}");
    assert!(!config.contains(TOKEN), "{config}");
    let project = cargo_project(&ctx, "dkprobe = \"0.1\"");
    let fetch = cargo_cmd(&cargo, &ctx, &url, &project)
        .arg("fetch")
        .output()
        .unwrap();
    assert!(
        fetch.status.success(),
        "cargo fetch: {}\n{config}",
        all_output(&fetch)
    );
    let lock = std::fs::read_to_string(project.join("Cargo.lock")).unwrap();
    assert!(lock.contains("name = \"dkprobe\""), "{lock}");
    assert_no_leak(
        &ctx,
        TOKEN,
        &[&out, &fetch],
        &[ctx.home.join(".local/share/devkit/secrets.toml")],
    );
    // Without the token the same fetch is refused: the credential really came from devkit.
    let rm = devkit(
        &ctx,
        &url,
        &["secrets", "remove", "artifactory", "--username", "ada"],
    )
    .output()
    .unwrap();
    assert!(rm.status.success(), "{}", all_output(&rm));
    std::fs::remove_file(project.join("Cargo.lock")).unwrap();
    let _ = std::fs::remove_dir_all(ctx.home.join(".cargo/registry"));
    let refused = cargo_cmd(&cargo, &ctx, &url, &project)
        .arg("generate-lockfile")
        .output()
        .unwrap();
    assert!(!refused.status.success(), "{}", all_output(&refused));
}

#[test]
fn the_provider_speaks_cargos_protocol() {
    let ctx = TestContext::new();
    let url = "https://art.example.fr/artifactory";
    store_token(&ctx, url, "ada", TOKEN);
    let bin = assert_cmd::cargo::cargo_bin("cargo-credential-devkit");
    let mut child = Command::new(bin)
        .arg("--cargo-plugin")
        .env_clear()
        .envs(helper_env(&ctx, Some(url)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || serde_json::from_str::<serde_json::Value>(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(next(), serde_json::json!({"v": [1]}));
    let mut ask = |kind: &str, index: &str| {
        let req = serde_json::json!({"v": 1, "kind": kind, "operation": "read",
            "registry": {"index-url": index, "name": "devkit-artifactory"}, "args": []});
        writeln!(stdin, "{req}").unwrap();
    };
    ask(
        "get",
        "sparse+https://art.example.fr/artifactory/api/cargo/crates-remote/index/",
    );
    let got = next();
    assert_eq!(got["Ok"]["token"], format!("Bearer {TOKEN}"), "{got}");
    assert_eq!(got["Ok"]["kind"], "get");
    ask("get", "sparse+https://elsewhere.example/index/");
    assert_eq!(next()["Err"]["kind"], "url-not-supported");
    ask(
        "login",
        "sparse+https://art.example.fr/artifactory/api/cargo/crates-remote/index/",
    );
    assert_eq!(next()["Err"]["kind"], "operation-not-supported");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
