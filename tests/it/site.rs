//! `devkit site show`: the effective profile and where each value came from.

use crate::support::TestContext;

#[test]
fn shows_embedded_defaults_with_origin() {
    let out = TestContext::new()
        .devkit()
        .args(["site", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("gitlab.url"), "{text}");
    assert!(
        text.contains("\"https://gitlab.cnes.fr\"  # embedded profile"),
        "{text}"
    );
}

#[test]
fn json_reports_each_layer() {
    let ctx = TestContext::new();
    let site = ctx.write(
        "site.toml",
        "name = \"other\"\n[trex]\ndefault_partition = \"gpu\"\n",
    );
    ctx.write(
        "../home/.config/devkit/config.toml",
        "[site.gitlab]\nssh_port = 2222\n",
    );
    let out = ctx
        .devkit()
        .args([
            "site",
            "show",
            "--format",
            "json",
            "--set",
            "trex.default_time=00:10:00",
        ])
        .arg("--site")
        .arg(&site)
        .env("DEVKIT_ARTIFACTORY_URL", "http://127.0.0.1:1/artifactory")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["profile"]["name"], "other");
    assert_eq!(json["profile"]["gitlab"]["ssh_port"], 2222);
    assert_eq!(
        json["values"]["trex.default_partition"]["origin"]["kind"],
        "site_file"
    );
    assert_eq!(json["values"]["gitlab.ssh_port"]["origin"]["kind"], "user_config");
    assert_eq!(
        json["values"]["artifactory.url"]["origin"]["name"],
        "DEVKIT_ARTIFACTORY_URL"
    );
    assert_eq!(json["values"]["trex.default_time"]["value"], "00:10:00");
    assert_eq!(json["values"]["trex.default_time"]["origin"]["kind"], "flag");
}

#[test]
fn unknown_key_in_site_file_is_a_clear_error() {
    let ctx = TestContext::new();
    let site = ctx.write("site.toml", "[gitlab]\nurl = \"https://x\"\nssh_prot = 22\n");
    let out = ctx
        .devkit()
        .args(["site", "show", "--site"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown site key `gitlab.ssh_prot`"), "{err}");
    assert!(err.contains("(line 3)"), "{err}");
    assert!(err.contains("hint: known keys:"), "{err}");
}

#[test]
fn malformed_user_config_names_file_and_line() {
    let ctx = TestContext::new();
    ctx.write("../home/.config/devkit/config.toml", "[site]\nname = \n");
    let out = ctx.devkit().args(["site", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("config.toml` is not valid TOML (line 2)"), "{err}");
}
