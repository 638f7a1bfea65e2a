//! Integration tests: the real `devkit` binary in a temporary HOME, one module per command.
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod cases;
mod cli;
mod configure;
mod configure_bad;
mod configure_conda;
mod configure_files;
mod docker_cargo;
mod docker_registry;
mod executor;
mod fake_artifactory;
mod fake_gitlab;
mod gitlab;
mod images;
mod init;
mod kernel;
mod login;
mod login_pip;
mod onboard;
mod onboard_script;
mod pipeline;
mod plugin_spec;
mod plugins;
mod plugins_readme;
mod plugins_run;
mod runner;
mod schema;
mod secrets;
mod site;
mod slurm;
mod support;
mod templates;
mod tty;
mod update;
