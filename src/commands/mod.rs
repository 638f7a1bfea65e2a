//! One file per command; each orchestrates leaf modules and reports through the printer.

mod artifactory_session;
mod completions;
mod configure;
pub mod docker_helper;
mod executor;
mod init;
mod login;
mod prompt;
mod secret_store;
mod secrets;
mod site;
mod slurm;
mod templates;
mod update;

use crate::cli::{
    Cli, Command, LoginCommand, LogoutCommand, SecretsCommand, SiteCommand, SlurmCommand, TemplatesCommand,
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
            let settings = Settings::from_env(&cli.global)?;
            match command {
                Command::Init(args) => init::run(&args, &settings, printer),
                Command::Update(args) => update::run(&args, &settings, printer),
                Command::Site(SiteCommand::Show(args)) => site::show(&args, &settings, printer),
                Command::Slurm(SlurmCommand::Run(args)) => slurm::run(&args, &settings, printer),
                Command::Executor(cmd) => executor::run(&cmd, &settings, printer),
                Command::Configure(args) => configure::run(&args, &settings, printer),
                Command::Secrets(SecretsCommand::Status(args)) => secrets::status(&args, &settings, printer),
                Command::Secrets(SecretsCommand::Set(args)) => secrets::set(&args, &settings, printer),
                Command::Secrets(SecretsCommand::Remove(args)) => secrets::remove(&args, &settings, printer),
                Command::Login(LoginCommand::Artifactory(args)) => {
                    login::artifactory(&args, &settings, printer)
                }
                Command::Logout(LogoutCommand::Artifactory(args)) => {
                    login::logout_artifactory(&args, &settings, printer)
                }
                Command::Completions(_) | Command::Man | Command::Templates(_) => Ok(ExitStatus::Error),
            }
        }
    }
}
