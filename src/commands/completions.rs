//! `devkit completions` and `devkit man`: generated from the clap definitions, so they never drift.

use crate::cli::{Cli, CompletionsArgs};
use crate::error::ExitStatus;
use crate::printer::Printer;
use anyhow::{Context, Result};
use clap::CommandFactory;

/// Prints the completion script of a shell.
pub fn completions(args: &CompletionsArgs, printer: &Printer) -> Result<ExitStatus> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "devkit", &mut buf);
    printer.data(&String::from_utf8_lossy(&buf))?;
    Ok(ExitStatus::Success)
}

/// Prints the manual page in roff.
pub fn man(printer: &Printer) -> Result<ExitStatus> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .context("failed to render the manual page")?;
    printer.data(&String::from_utf8_lossy(&buf))?;
    Ok(ExitStatus::Success)
}
