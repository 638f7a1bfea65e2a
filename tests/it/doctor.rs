//! `devkit doctor`'s text fits a 100-column terminal: a site file that overrides every key is summarised in one
//! phrase, long values are folded under their column.

use crate::support::{TestContext, all_output};

#[test]
fn a_site_file_overriding_every_key_is_summarised_and_every_line_fits() {
    let ctx = TestContext::new();
    let embedded =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/site/cnes.toml")).unwrap();
    let site = ctx.write("site.toml", &embedded);
    let out = ctx
        .devkit()
        .arg("--site")
        .arg(&site)
        .env("DEVKIT_SECRET_STORE", "file")
        .env("DEVKIT_GITLAB_URL", "http://127.0.0.1:9")
        .env("DEVKIT_ARTIFACTORY_URL", "http://127.0.0.1:9/artifactory")
        .env("DEVKIT_TREX_LOGIN_HOST", "127.0.0.1")
        .env("DEVKIT_TREX_LOGIN_HOST_OUTSIDE", "127.0.0.1")
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // every key of the profile is in the site file; the 4 set in the environment win over it
    let keys = leaf_keys(&embedded.parse::<toml::Table>().unwrap());
    assert!(
        flat.contains(&format!(
            "overridden: 4 values (environment); {} values (site file",
            keys - 4
        )),
        "{text}"
    );
    assert!(flat.contains("`devkit site show` lists them"), "{text}");
}

/// How many values a TOML table holds (tables counted by their values, arrays as one value).
fn leaf_keys(table: &toml::Table) -> usize {
    table.values().map(|v| v.as_table().map_or(1, leaf_keys)).sum()
}
