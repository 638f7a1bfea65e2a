//! The `devkit` binary: parse the command line, run the command, turn the outcome into an exit code. A panic
//! becomes a short "this is a bug" message and the internal-error code.

use clap::Parser;
use devkit::cli::Cli;
use devkit::error::{ExitStatus, INTERNAL_ERROR, is_broken_pipe};
use devkit::failure::classify;
use devkit::printer::{Printer, Verbosity};
use std::process::ExitCode;

/// The hint under every internal error.
const REPORT: &str = "this is a bug in devkit: please report it with the command you ran and this message";

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
    let hook_printer = printer.clone();
    std::panic::set_hook(Box::new(move |info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line()));
        hook_printer.error(
            format!("internal error: {what}{}", at.unwrap_or_default()),
            &[],
            &[REPORT.into()],
        );
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if std::env::var_os(devkit::env_vars::EnvVars::DEVKIT_TEST_PANIC).is_some() {
            panic!("DEVKIT_TEST_PANIC is set");
        }
        devkit::commands::run(cli, &printer)
    }));
    match outcome {
        Err(_) => ExitCode::from(INTERNAL_ERROR),
        Ok(Ok(status)) => status.into(),
        Ok(Err(err)) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            let (status, mut hints) = classify(&err);
            let mut chain = err.chain().map(ToString::to_string);
            let head = chain.next().unwrap_or_default();
            let causes: Vec<String> = chain.collect();
            if status == ExitStatus::Error {
                hints.push(REPORT.to_string());
            }
            printer.error(head, &causes, &hints);
            status.into()
        }
    }
}
