//! `docker-credential-devkit`: docker's credential-helper protocol (`get|store|erase|list|version`) served
//! from devkit's secret store, so docker, skopeo and podman never hold a plaintext token.

use std::process::ExitCode;

fn main() -> ExitCode {
    let action = std::env::args().nth(1);
    devkit::commands::docker_helper::main(action.as_deref())
}
