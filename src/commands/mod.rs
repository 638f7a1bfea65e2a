//! One file per command; each orchestrates leaf modules and reports through the printer.

mod artifactory_session;
pub mod cargo_credential;
mod completions;
mod configure;
mod container_job;
mod datalake;
mod datalake_ops;
pub mod docker_helper;
mod doctor;
mod env;
mod executor;
mod gitlab;
mod gitlab_api;
mod http_setup;
mod images;
mod init;
mod init_gitlab;
mod kernel;
mod login;
mod login_artifactory;
mod onboard;
mod onboard_ops;
mod prompt;
mod runner;
mod runner_reconcile;
mod runner_service;
mod secret_store;
mod secrets;
mod site;
mod slurm;
mod slurm_events;
mod slurm_pool;
mod templates;
mod update;

use crate::cli::{
    Cli, Command, ImagesCommand, LogoutCommand, SecretsCommand, SiteCommand, SlurmCommand, TemplatesCommand,
};
use crate::error::ExitStatus;
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;

/// Runs the parsed command line.
pub fn run(cli: Cli, printer: &Printer) -> Result<ExitStatus> {
    match cli.command {
        Command::Completions(args) => completions::completions(&args, printer),
        Command::Man => completions::man(printer),
        Command::Templates(TemplatesCommand::List(args)) => templates::list(&args, printer),
        command => {
            let settings = Settings::from_env(&cli.global.overrides())?;
            match command {
                Command::Init(args) => init::run(&args, &settings, printer),
                Command::Update(args) => update::run(&args, &settings, printer),
                Command::Site(SiteCommand::Show(args)) => site::show(&args, &settings, printer),
                Command::Slurm(cmd) => match *cmd {
                    SlurmCommand::Run(args) => slurm::run(&args, &settings, printer),
                },
                Command::Executor(cmd) => executor::run(&cmd, &settings, printer),
                Command::Configure(args) => configure::run(&args, &settings, printer),
                Command::Images(ImagesCommand::List(args)) => images::list(&args, &settings, printer),
                Command::Images(ImagesCommand::Build(args)) => images::build(&args, &settings, printer),
                Command::Images(ImagesCommand::Push(args)) => images::push(&args, &settings, printer),
                Command::Login(cmd) => login::run(&cmd, &settings, printer),
                Command::Gitlab(cmd) => gitlab::run(&cmd, &settings, printer),
                Command::Runner(cmd) => runner::run(&cmd, &settings, printer),
                Command::Onboard(args) => onboard::run(&args, &settings, printer),
                Command::Doctor(args) => doctor::run(&args, &settings, printer),
                Command::Kernel(cmd) => kernel::run(&cmd, &settings, printer),
                Command::Secrets(SecretsCommand::Status(args)) => secrets::status(&args, &settings, printer),
                Command::Secrets(SecretsCommand::Set(args)) => secrets::set(&args, &settings, printer),
                Command::Secrets(SecretsCommand::Remove(args)) => secrets::remove(&args, &settings, printer),
                Command::Logout(LogoutCommand::Artifactory(args)) => {
                    login_artifactory::logout_artifactory(&args, &settings, printer)
                }
                Command::Logout(LogoutCommand::Datalake) => datalake::logout(&settings, printer),
                Command::Datalake(cmd) => datalake::run(&cmd, &settings, printer),
                Command::Env(args) => env::run(&args, &settings, printer),
                Command::Completions(_) | Command::Man | Command::Templates(_) => Err(crate::error::Bug(
                    "a command without settings reached the settings branch".into(),
                )
                .into()),
            }
        }
    }
}
