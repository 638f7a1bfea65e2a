//! Integration tests: the real `devkit` binary in a temporary HOME, one module per command.
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

/// One `#[test]` per golden case folder below `$root` (run by `$run`), and a test that every folder has its test.
/// `DEVKIT_BLESS=1` makes a case rewrite its expected folder from what devkit produced (review with `git diff`).
macro_rules! golden_cases {
    ($root:expr, $run:path, $($test:ident => $name:literal),+ $(,)?) => {
        $(
            #[test]
            fn $test() {
                $run($name);
            }
        )+

        #[test]
        fn every_case_folder_has_its_test() {
            let mut listed = vec![$($name.to_string()),+];
            listed.sort();
            assert_eq!(
                crate::support::case_names(&$root),
                listed,
                "each case folder needs one line in this file's golden_cases! list"
            );
        }
    };
}

mod cargo_registry;
mod cases;
mod cli;
mod configure;
mod configure_bad;
mod configure_conda;
mod configure_files;
mod configure_props;
mod configure_safety;
mod container;
mod container_apptainer;
mod container_executor;
mod datalake;
mod datalake_cmds;
mod docker_cargo;
mod docker_registry;
mod doctor;
mod doctor_s3;
mod doctor_s3_clients;
mod executor;
mod executor_failures;
mod executor_private;
mod executor_reaper;
mod executor_soak;
mod exit_codes;
mod fake_artifactory;
mod fake_gitlab;
mod fake_http;
mod gitlab;
mod help_snapshots;
mod http_faults;
mod images;
mod init;
mod init_errors;
mod init_hostile;
mod init_sandbox_props;
mod kernel;
mod layers;
mod login;
mod login_pip;
mod onboard;
mod onboard_script;
mod onboard_steps;
mod onboard_tty;
mod pipeline;
mod plugin_spec;
mod plugins;
mod plugins_datalake;
mod plugins_readme;
mod plugins_run;
mod pool;
mod pool_reaper;
mod proc_watch;
mod publish;
mod runner;
mod schema;
mod secrets;
mod site;
mod slurm;
mod support;
mod templates;
mod templates_datalake;
mod tty;
mod update;
