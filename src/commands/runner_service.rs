//! `devkit runner service install`: gitlab-runner as a systemd user service (`gitlab-runner run --config ...`),
//! or the equivalent command where systemd does not run the machine.

use crate::atomic_file::{Mode, write_atomic};
use crate::cli::{RunnerServiceArgs, SystemdArg};
use crate::error::ExitStatus;
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Name of the unit devkit writes.
pub const UNIT: &str = "devkit-gitlab-runner.service";

/// Runs `devkit runner service install`.
pub fn install(
    args: &RunnerServiceArgs,
    config: &Path,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus> {
    let runner = which::which("gitlab-runner").unwrap_or_else(|_| {
        printer.warn("`gitlab-runner` is not on PATH: install it (https://docs.gitlab.com/runner/install/)");
        PathBuf::from("/usr/bin/gitlab-runner")
    });
    let home = &settings.paths.home;
    let command = format!(
        "{} run --config {} --working-directory {}",
        runner.display(),
        config.display(),
        home.display()
    );
    let systemd = match args.systemd {
        SystemdArg::Yes => true,
        SystemdArg::No => false,
        SystemdArg::Auto => Path::new("/run/systemd/system").is_dir(),
    };
    if !systemd {
        printer.info("systemd does not run this machine: start gitlab-runner yourself, for example in tmux:");
        printer.data(&format!(
            "nohup {command} >> {}/gitlab-runner.log 2>&1 &",
            home.display()
        ))?;
        return Ok(ExitStatus::Success);
    }
    let unit_dir = settings
        .paths
        .config_dir
        .parent()
        .map_or_else(|| home.join(".config"), Path::to_path_buf)
        .join("systemd/user");
    let unit = unit_dir.join(UNIT);
    let text = format!(
        "# Written by devkit (`devkit runner service install`).\n\
         [Unit]\n\
         Description=GitLab Runner for devkit runners\n\
         After=network-online.target\n\
         \n\
         [Service]\n\
         ExecStart={command}\n\
         Restart=always\n\
         RestartSec=10\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n"
    );
    write_atomic(&unit, text.as_bytes(), Mode::KeepOrPublic)?;
    printer.status("Wrote", format!("`{}`", unit.display()));
    printer.info(format!(
        "start it:  systemctl --user daemon-reload && systemctl --user enable --now {UNIT}\n\
         keep it running after you log out:  loginctl enable-linger $USER"
    ));
    Ok(ExitStatus::Success)
}
