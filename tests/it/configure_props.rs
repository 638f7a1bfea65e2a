//! Properties of `configure` over generated dotfiles in every dialect (comments, CRLF, BOM, no final newline,
//! macdef, quoted values, odd JSON, symlinks, modes, missing folders): configure → configure (unchanged) →
//! undo gives back the exact tree; a write failing at any step, or a crash at any step followed by recovery,
//! leaves the exact tree. Driven in-process through `devkit::configure::Pass` with injected faults.

use devkit::configure::transaction::{Faults, TxnError};
use devkit::configure::{self, Client, Credential, Pass, Target};
use devkit::secret::Secret;
use proptest::prelude::*;
use proptest::sample::subsequence;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One file's exact state: bytes or link target, and mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir(u32),
    File(Vec<u8>, u32),
    Link(PathBuf),
}

/// Everything under `root`, exactly.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Node> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let mode = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                out.insert(rel, Node::Link(std::fs::read_link(&path).unwrap()));
            } else if meta.is_dir() {
                out.insert(rel, Node::Dir(mode));
                stack.push(path);
            } else {
                out.insert(rel, Node::File(std::fs::read(&path).unwrap(), mode));
            }
        }
    }
    out
}

const URL: &str = "https://art.example.fr/artifactory";

pub fn target(home: &Path) -> Target {
    Target {
        url: URL.into(),
        artifactory: devkit::site::Artifactory {
            url: URL.into(),
            pypi_remote: "pypi-remote".into(),
            pypi_internal: "pypi-internal".into(),
            conda_remote: "conda-remote".into(),
            docker_registry: "art.example.fr".into(),
            cargo_remote: "cargo-remote".into(),
            token_lifetime_days: 30,
        },
        ca_bundle: None,
        home: home.into(),
        config_home: home.join(".config"),
        cargo_provider: "cargo-credential-devkit".into(),
    }
}

pub fn all_ops(home: &Path) -> Vec<configure::Op> {
    let cred = Credential {
        user: "ada".into(),
        token: Secret::new("t0k \"en\\"),
    };
    let t = target(home);
    let mut ops: Vec<configure::Op> = Client::ALL
        .iter()
        .flat_map(|c| configure::plan(*c, &t, &cred, true))
        .collect();
    ops.extend(configure::s3::plan(&s3_target(home), &s3_cred()));
    ops
}

/// The Datalake profile of the properties (`configure s3`).
pub fn s3_target(home: &Path) -> configure::s3::S3Target {
    configure::s3::S3Target {
        endpoint: "https://s3.example.fr:9000".into(),
        region: "eu-west-3".into(),
        profile: "devkit-datalake".into(),
        path_style: true,
        ca_bundle: Some("/etc/ssl/site ca.pem".into()),
        home: home.into(),
        config_home: home.join(".config"),
        credential_process: "/opt/devkit/bin/devkit datalake credentials".into(),
    }
}

/// A Datalake key whose secret has the characters base64 keys have.
pub fn s3_cred() -> configure::s3::S3Credential {
    configure::s3::S3Credential {
        access_key_id: "AKIAEXAMPLE".into(),
        secret: Secret::new("wJal+rX/UtnF=EMI"),
    }
}

/// A dotfile: where, its text, its surface, its mode, and whether it is a symlink into `dotfiles/`.
#[derive(Debug, Clone)]
pub struct Dotfile {
    pub rel: &'static str,
    pub text: String,
    pub bom: bool,
    pub crlf: bool,
    pub final_newline: bool,
    pub mode: u32,
    pub link: bool,
}

impl Dotfile {
    fn bytes(&self) -> Vec<u8> {
        let mut text = self.text.clone();
        if !self.final_newline {
            while text.ends_with('\n') {
                text.pop();
            }
        }
        if self.crlf {
            text = text.replace('\n', "\r\n");
        }
        if self.bom {
            text.insert(0, '\u{feff}');
        }
        text.into_bytes()
    }

    /// Writes it under `home` (through `home/dotfiles/` when it is a link).
    pub fn install(&self, home: &Path) {
        use std::os::unix::fs::PermissionsExt;
        let path = home.join(self.rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let real = if self.link {
            let real = home.join("dotfiles").join(self.rel.replace('/', "_"));
            std::fs::create_dir_all(real.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(&real, &path).unwrap();
            real
        } else {
            path
        };
        std::fs::write(&real, self.bytes()).unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(self.mode)).unwrap();
    }
}

fn chunks(pool: &'static [&'static str], first: Option<&'static str>) -> BoxedStrategy<String> {
    subsequence(pool, 0..=pool.len())
        .prop_map(move |parts| {
            let mut text = first.map(|f| format!("{f}\n")).unwrap_or_default();
            for p in parts {
                text.push_str(p);
                text.push('\n');
            }
            text
        })
        .boxed()
}

const PIP: &[&str] = &[
    "# my pip settings",
    "timeout = 60",
    "index-url = https://mirror.example/simple",
    "extra-index-url =\n    https://a.example/simple\n    https://b.example/simple",
    "",
    "[install]\n; keep this\nuser = false",
];
const UV: &[&str] = &[
    "# uv",
    "native-tls = true",
    "[[index]]\nname = \"other\"\nurl = \"https://o.example/simple\"  # theirs",
    "[pip]\nsystem = false",
];
const PYPIRC: &[&str] = &[
    "# uploads",
    "[distutils]\nindex-servers =\n    pypi\n    testpypi",
    "[pypi]\nusername = __token__",
    "[testpypi]\nrepository = https://test.pypi.org/legacy/",
];
const PYPIRC_ONE_LINE: &[&str] = &[
    "[distutils]\nindex-servers = pypi",
    "[pypi]\nusername = __token__",
];
const CONDARC: &[&str] = &[
    "# conda",
    "channels:\n  - defaults # mine",
    "channel_alias: https://old.example",
    "auto_activate_base: false",
    "default_channels:\n  - https://x.example/main",
];
const NETRC: &[&str] = &[
    "# my machines",
    "machine other.example login bob password b0b",
    "machine q.example\n  login \"a b\"\n  password \"p w\\\"x\"",
    "machine art.example.fr login ada password OLD",
    "macdef init\ncd /pub\nbin\n",
    "default login anonymous password guest",
];
const NETRC_OPEN_MACRO: &[&str] = &[
    "machine other.example login bob password b0b",
    "macdef upload\nput file\nquit",
];
const CARGO: &[&str] = &[
    "# cargo",
    "[build]\njobs = 4",
    "[source.crates-io]\nreplace-with = \"vendored\"   # my mirror",
    "[source.vendored]\ndirectory = \"vendor\"",
    "[net]\ngit-fetch-with-cli = true",
];
const CARGO_INLINE: &[&str] = &[
    "# cargo, inline and dotted spellings",
    "build.jobs = 2",
    "[source]\ncrates-io = { replace-with = \"vendored\" }  # mine\nvendored = { directory = \"vendor\" }",
    "[net]\ngit-fetch-with-cli = true",
];
const AWS_CONFIG: &[&str] = &[
    "# aws",
    "[default]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 4",
    "[profile devkit-datalake]\nregion = old-region\noutput = json",
    "[profile work]\ncredential_process = /usr/bin/other --x\nendpoint_url = https://w.example",
];
const RCLONE: &[&str] = &[
    "[gdrive]\ntype = drive\ntoken = {\"access_token\":\"x\"}",
    "[devkit-datalake]\ntype = s3\nprovider = Ceph",
    "; rclone",
];
const S3CFG: &[&str] = &[
    "[default]\naccess_key = OLDKEY\nsecret_key = OLD+SECRET=\nhost_base = s3.amazonaws.com\nhost_bucket = %(bucket)s.s3.amazonaws.com",
    "# s3cmd",
];
const GDALRC: &[&str] = &[
    "# gdal",
    "[configoptions]\nGDAL_CACHEMAX = 512\nAWS_S3_ENDPOINT = old.example",
    "[directives]\nignore-env-vars=no",
];
const FSSPEC: &[&str] = &[
    "\"s3\": {\"anon\": false, \"profile\": \"old\"}",
    "\"gcs\": {\"project\": \"p\"}",
];

fn fsspec_json() -> BoxedStrategy<String> {
    subsequence(FSSPEC, 0..=FSSPEC.len())
        .prop_map(|parts| format!("{{{}}}\n", parts.join(", ")))
        .boxed()
}

const JSON_MEMBERS: &[&str] = &[
    "\"auths\": {\"r.example\": {\"auth\": \"eHl6\"}}",
    "\"x\": 2.50",
    "\"n\": \"\\u00e9\\/\"",
    "\"credHelpers\": {\"gcr.io\": \"gcloud\"}",
    "\"credsStore\": \"desktop\"",
    "\"empty\": {}",
    "\"arr\": [1, {\"a\": \"}\"}, 1e3]",
];

fn json() -> BoxedStrategy<String> {
    (
        subsequence(JSON_MEMBERS, 0..=JSON_MEMBERS.len()),
        0..3usize,
        any::<bool>(),
    )
        .prop_map(|(members, style, helper_there)| {
            let mut members: Vec<String> = members.iter().map(ToString::to_string).collect();
            if helper_there {
                members.retain(|m| !m.starts_with("\"credHelpers\""));
                members.push("\"credHelpers\": {\"art.example.fr\": \"secretservice\"}".into());
            }
            let (open, sep, close) = match style {
                0 => ("{", ",", "}"),
                1 => ("{\n\t", ",\n\t", "\n}"),
                _ => ("{\n    ", " ,\n    ", "\n}"),
            };
            format!("{open}{}{close}\n", members.join(sep))
        })
        .boxed()
}

fn dotfile(rel: &'static str, text: BoxedStrategy<String>) -> BoxedStrategy<Option<Dotfile>> {
    let file = (
        text,
        prop::bool::weighted(0.15),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![0o644u32, 0o600, 0o640]),
        prop::bool::weighted(0.25),
    )
        .prop_map(move |(text, bom, crlf, final_newline, mode, link)| Dotfile {
            rel,
            text,
            bom,
            crlf,
            final_newline,
            mode,
            link,
        });
    prop::option::weighted(0.8, file).boxed()
}

/// A home: some of the twelve client files (package clients and S3 clients), each in its dialect.
pub fn home() -> impl Strategy<Value = Vec<Dotfile>> {
    (
        dotfile(".config/pip/pip.conf", chunks(PIP, Some("[global]"))),
        dotfile(".config/uv/uv.toml", chunks(UV, None)),
        dotfile(
            ".pypirc",
            prop_oneof![chunks(PYPIRC, None), chunks(PYPIRC_ONE_LINE, None)].boxed(),
        ),
        dotfile(".condarc", chunks(CONDARC, None)),
        dotfile(
            ".netrc",
            prop_oneof![chunks(NETRC, None), chunks(NETRC_OPEN_MACRO, None)].boxed(),
        ),
        dotfile(".docker/config.json", json()),
        dotfile(
            ".cargo/config.toml",
            prop_oneof![chunks(CARGO, None), chunks(CARGO_INLINE, None)].boxed(),
        ),
        (
            dotfile(".aws/config", chunks(AWS_CONFIG, None)),
            dotfile(".config/rclone/rclone.conf", chunks(RCLONE, None)),
            dotfile(".s3cfg", chunks(S3CFG, None)),
            dotfile(".gdal/gdalrc", chunks(GDALRC, None)),
            dotfile(".config/fsspec/s3.json", fsspec_json()),
        ),
    )
        .prop_map(|(a, b, c, d, e, f, g, (h, i, j, k, l))| {
            [a, b, c, d, e, f, g, h, i, j, k, l]
                .into_iter()
                .flatten()
                .collect()
        })
}

/// A temporary home and data folder with `files` installed.
pub fn setup(files: &[Dotfile]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    for f in files {
        f.install(&home);
    }
    (dir, home, data)
}

fn configure_all(home: &Path, data: &Path, faults: &Faults) -> Result<bool, String> {
    let pass = Pass::configure(data, &all_ops(home)).map_err(|e| e.to_string())?;
    let unchanged = pass.unchanged();
    pass.commit(faults).map_err(|e| e.to_string())?;
    Ok(unchanged)
}

fn undo_all(data: &Path) {
    let (pass, _) = Pass::undo(data, &Client::ALL).unwrap();
    pass.commit(&Faults::none().without_fsync()).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn configure_twice_then_undo_gives_back_every_byte(files in home(), logout_first in any::<bool>()) {
        let (_dir, home, data) = setup(&files);
        let start = snapshot(&home);
        if configure_all(&home, &data, &Faults::none().without_fsync()).is_ok() {
            prop_assert_eq!(configure_all(&home, &data, &Faults::none().without_fsync()), Ok(true), "second run changed something");
            let netrc = std::fs::read_to_string(home.join(".netrc")).unwrap();
            prop_assert_eq!(netrc.matches("machine art.example.fr").count(), 1, "{}", netrc);
            if logout_first {
                // `devkit logout` takes the secrets back first; undo must still be exact afterwards.
                let (pass, _) = Pass::undo_secrets(&data).unwrap();
                pass.commit(&Faults::none().without_fsync()).unwrap();
            }
            undo_all(&data);
        }
        prop_assert_eq!(snapshot(&home), start);
        prop_assert!(!data.join(configure::transaction::JOURNAL).exists());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_failure_or_crash_at_any_write_changes_nothing(files in home(), n in 1usize..40, crash in any::<bool>()) {
        let (_dir, home, data) = setup(&files);
        let start = snapshot(&home);
        let data_start = snapshot(&data);
        let faults = if crash { Faults::crash_at(n) } else { Faults::fail_at(n) }.without_fsync();
        match Pass::configure(&data, &all_ops(&home)) {
            Err(_) => {}
            Ok(pass) => match pass.commit(&faults) {
                Ok(()) => prop_assert!(faults.steps() < n, "the fault at {} was not hit", n),
                Err(TxnError::Crashed) => {
                    configure::recover(&data).unwrap();
                    prop_assert_eq!(snapshot(&home), start.clone());
                    prop_assert_eq!(snapshot(&data), data_start.clone());
                }
                Err(_) => {
                    prop_assert_eq!(snapshot(&home), start.clone());
                    prop_assert_eq!(snapshot(&data), data_start.clone());
                }
            },
        }
        // Whatever happened, undo gives the start back.
        undo_all(&data);
        prop_assert_eq!(snapshot(&home), start);
    }
}
