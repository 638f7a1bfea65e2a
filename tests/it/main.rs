//! Integration tests: the real `devkit` binary in a temporary HOME, one module per command.
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod cases;
mod cli;
mod configure;
mod configure_bad;
mod configure_conda;
mod configure_files;
mod docker_cargo;
mod executor;
mod fake_artifactory;
mod init;
mod login;
mod login_pip;
mod schema;
mod secrets;
mod site;
mod slurm;
mod support;
mod templates;
mod update;
