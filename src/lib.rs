//! devkit: a working environment in minutes for developers of the CNES Computing Center.
//! This file is the module index; `main.rs` wires the command line to the commands.

pub mod artifactory;
pub mod atomic_file;
pub mod cli;
pub mod commands;
pub mod config_edit;
pub mod configure;
pub mod container;
pub mod datalake;
pub mod doctor;
pub mod env_vars;
pub mod error;
pub mod failure;
pub mod gitlab;
pub mod http;
pub mod images;
pub mod kernel;
pub mod onboard;
pub mod printer;

pub mod runner_config;
pub mod scaffold;
pub mod secret;
pub mod settings;
pub mod site;
pub mod slurm;
pub mod ssh_config;
pub mod store;
pub mod text;
pub mod utc;
