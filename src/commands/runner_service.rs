//! `devkit runner service install`: gitlab-runner as a systemd user service (`gitlab-runner run --config ...`)
//! and a timer that runs `devkit executor reap` every minute (so no Slurm job outlives its CI job even when no
//! new job comes), or the equivalent commands where systemd does not run the machine.

use crate::atomic_file::{Mode, write_atomic};
use crate::cli::{RunnerServiceArgs, SystemdArg};
use crate::error::ExitStatus;
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Name of the unit devkit writes.
pub const UNIT: &str = "devkit-gitlab-runner.service";
/// Name of the reaper's timer (and, with `.service`, of its service).
pub const REAP_TIMER: &str = "devkit-executor-reap.timer";

/// The reaper's service and timer units, for the devkit binary at `devkit`.
fn reap_units(devkit: &Path) -> (String, String) {
    let service = format!(
        "# Written by devkit (`devkit runner service install`).\n\
         [Unit]\n\
         Description=Cancel the Slurm jobs of finished CI jobs (devkit executor reap)\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={} executor reap\n",
        devkit.display()
    );
    let timer = "# Written by devkit (`devkit runner service install`).\n\
         [Unit]\n\
         Description=Run devkit executor reap every minute\n\
         \n\
         [Timer]\n\
         OnBootSec=1min\n\
         OnUnitActiveSec=1min\n\
         AccuracySec=10s\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n"
        .to_string();
    (service, timer)
}

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
    let devkit = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("devkit"));
    if !systemd {
        printer.info("systemd does not run this machine: start gitlab-runner yourself, for example in tmux:");
        printer.data(&format!(
            "nohup {command} >> {}/gitlab-runner.log 2>&1 &",
            home.display()
        ))?;
        printer.info("and run the reaper every minute from cron (`crontab -e`):");
        printer.data(&format!("* * * * * {} executor reap -q", devkit.display()))?;
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
    let (reap_service, reap_timer) = reap_units(&devkit);
    let timer = unit_dir.join(REAP_TIMER);
    write_atomic(
        &timer.with_extension("service"),
        reap_service.as_bytes(),
        Mode::KeepOrPublic,
    )?;
    write_atomic(&timer, reap_timer.as_bytes(), Mode::KeepOrPublic)?;
    printer.status("Wrote", format!("`{}` (and its .service)", timer.display()));
    printer.info(format!(
        "start them:  systemctl --user daemon-reload && systemctl --user enable --now {UNIT} {REAP_TIMER}\n\
         keep them running after you log out:  loginctl enable-linger $USER"
    ));
    Ok(ExitStatus::Success)
}
