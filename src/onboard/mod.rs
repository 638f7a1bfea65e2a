//! `devkit onboard`'s steps as data: each [`Step`] checks the real state first (so a second run changes
//! nothing), does its part by calling the same code as the matching devkit command, and returns an
//! [`Outcome`]. `commands/onboard.rs` runs them in order, prints one line each and records progress. What a step
//! does through a devkit command goes through [`Ops`], which the command layer implements.

pub mod answers;
pub mod artifactory;
mod ask;
mod configure;
mod doctor;
mod git_identity;
mod gitlab_login;
pub mod ops;
mod pages;
pub mod progress;
mod project;
mod ssh_config;
mod ssh_key;
mod tools;

pub use answers::{Answers, Missing};
pub use ops::Ops;
pub use progress::Progress;

use crate::printer::Printer;
use crate::settings::Settings;

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The step changed something.
    Done(String),
    /// Nothing to do: it was already so.
    AlreadyDone(String),
    /// A check that changes nothing passed (the tools found).
    Checked(String),
    /// Not run (by `--skip`, or not applicable).
    Skipped(String),
    /// The step failed; `what_to_do` says how to go on.
    Failed {
        /// What went wrong.
        what: String,
        /// How to fix it, then run `devkit onboard` again.
        what_to_do: Vec<String>,
    },
}

impl Outcome {
    /// A failure from an error chain, with its hints.
    pub fn from_error(err: &anyhow::Error) -> Self {
        let (_, hints) = crate::failure::classify(err);
        Self::Failed {
            what: format!("{err:#}"),
            what_to_do: hints,
        }
    }

    /// The word recorded in the progress file (a step found already done is recorded as done, so a second run
    /// leaves the file as it was).
    pub fn word(&self) -> &'static str {
        match self {
            Self::Done(_) | Self::AlreadyDone(_) | Self::Checked(_) => "done",
            Self::Skipped(_) => "skipped",
            Self::Failed { .. } => "failed",
        }
    }
}

/// What a step works with.
pub struct StepContext<'a> {
    /// The effective settings.
    pub settings: &'a Settings,
    /// The printer (the commands a step calls report through it).
    pub printer: &'a Printer,
    /// The answers gathered so far (interactive steps add theirs).
    pub answers: &'a mut Answers,
    /// Whether the user can be asked.
    pub interactive: bool,
    /// Progress of earlier runs (steps that create things record them here).
    pub progress: &'a mut Progress,
    /// devkit's commands.
    pub ops: &'a dyn Ops,
}

/// One onboarding step.
pub trait Step {
    /// Its name, for `--skip` and the progress file.
    fn id(&self) -> &'static str;
    /// What the non-interactive mode lacks for this step (checked for every step before anything runs).
    fn missing(&self, _settings: &Settings, _ops: &dyn Ops, _answers: &Answers) -> Vec<Missing> {
        Vec::new()
    }
    /// Runs the step.
    fn run(&self, ctx: &mut StepContext<'_>) -> Outcome;
}

/// Every step, in order. The GitLab login comes before the SSH key, whose upload needs it.
pub fn steps() -> Vec<Box<dyn Step>> {
    vec![
        Box::new(tools::Tools),
        Box::new(git_identity::GitIdentity),
        Box::new(gitlab_login::GitlabLogin),
        Box::new(ssh_key::SshKey),
        Box::new(ssh_config::SshConfig),
        Box::new(artifactory::ArtifactoryLogin),
        Box::new(configure::Configure),
        Box::new(project::Project),
        Box::new(doctor::Doctor),
    ]
}
