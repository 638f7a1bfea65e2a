//! The `devkit` binary: parse the command line, run the command, turn the outcome into an exit code.

use clap::Parser;
use devkit::cli::Cli;
use devkit::error::{ExitStatus, classify, is_broken_pipe};
use devkit::printer::{Printer, Verbosity};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let trace =
        std::env::var_os(devkit::env_vars::EnvVars::DEVKIT_TRACE).is_some_and(|v| v == "true" || v == "1");
    let verbosity = if cli.global.quiet {
        Verbosity::Quiet
    } else if cli.global.verbose || trace {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let no_color = std::env::var_os(devkit::env_vars::EnvVars::NO_COLOR).is_some_and(|v| !v.is_empty());
    let printer = Printer::new(verbosity, no_color);
    printer.install_tracing();
    match devkit::commands::run(cli, &printer) {
        Ok(status) => status.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let (status, hints) = classify(&err);
            let mut chain = err.chain().map(ToString::to_string);
            let head = chain.next().unwrap_or_default();
            let causes: Vec<String> = chain.collect();
            printer.error(head, &causes, &hints);
            if status == ExitStatus::Error {
                printer.hint("this looks like a bug in devkit: please report it with the command you ran");
            }
            status.into()
        }
    }
}
