//! `cargo-credential-devkit`: cargo's credential-provider protocol served from devkit's secret store, so cargo
//! authenticates to the Artifactory sparse index without a plaintext token in `credentials.toml`.

use std::process::ExitCode;

fn main() -> ExitCode {
    devkit::commands::cargo_credential::main()
}
