//! The scaffolding error type: every variant names its subject (template file and line, answer key,
//! destination path) and knows its hint.

use std::path::PathBuf;

/// Why scaffolding failed.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The template name is neither embedded, a folder nor a git URL.
    #[error("unknown template `{name}`")]
    UnknownTemplate { name: String, available: Vec<String> },
    /// A local template folder that does not exist.
    #[error("template folder `{0}` does not exist")]
    MissingFolder(PathBuf),
    /// `--ref` given for a template that is not a git repository.
    #[error("`--ref` applies to git templates only, and `{0}` is not one")]
    RefWithoutGit(String),
    /// The git repository could not be fetched.
    #[error("cannot fetch template `{url}`: {message}")]
    GitFetch { url: String, message: String },
    /// The ref does not exist in the repository.
    #[error("ref `{git_ref}` not found in `{url}`")]
    GitRef {
        url: String,
        git_ref: String,
        available: Vec<String>,
    },
    /// A template file could not be read.
    #[error("cannot read template file `{path}`: {message}")]
    Read { path: String, message: String },
    /// A symlink in a template.
    #[error("template file `{0}` is a symbolic link, which templates may not contain")]
    Symlink(String),
    /// The template has no manifest.
    #[error("template `{0}` has no `template.toml`")]
    NoManifest(String),
    /// The manifest is malformed.
    #[error("`{file}` is invalid{}: {message}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Manifest {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// The template needs a newer devkit.
    #[error("template `{template}` needs devkit {required} or newer, this is {current}")]
    TooOld {
        template: String,
        required: String,
        current: String,
    },
    /// An answer was given for a key the template does not ask.
    #[error("unknown answer {}", keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))]
    UnknownKeys { keys: Vec<String>, known: Vec<String> },
    /// An answer is invalid.
    #[error("invalid answer for `{key}`: {reason}")]
    InvalidAnswer { key: String, reason: String },
    /// Required answers are missing and nobody can be asked.
    #[error("missing answers: {}", keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))]
    MissingAnswers { keys: Vec<String> },
    /// A data file is unreadable or malformed.
    #[error("cannot use data file `{path}`: {message}")]
    DataFile { path: String, message: String },
    /// A Tera syntax error in a template file.
    #[error("syntax error in template file `{file}`{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Syntax {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// A Tera rendering error (undefined variable, bad filter, ...).
    #[error("cannot render template file `{file}`{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Render {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// A rendered path the sandbox refuses (leaves the destination, or names a VCS folder).
    #[error(
        "template file `{template_path}` renders to the path `{rendered}`, which templates may not write: {reason}"
    )]
    ForbiddenPath {
        template_path: String,
        rendered: String,
        reason: String,
    },
    /// A function, filter or tester outside the allow-list.
    #[error("template file `{file}`{} calls the {kind} `{name}`, which templates may not use", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Forbidden {
        file: String,
        line: Option<usize>,
        kind: &'static str,
        name: String,
        allowed: String,
    },
    /// Includes, imports, `extends` or macro calls that form a cycle.
    #[error("template file `{file}` recurses without end: {chain}")]
    Recursion { file: String, chain: String },
    /// Includes, imports, `extends` or macro calls nested or expanded beyond the limits.
    #[error(
        "template file `{file}` nests includes and macros {depth} deep with {expansions} expansions (limits: {} deep, {} expansions)",
        super::sandbox::MAX_DEPTH,
        super::sandbox::MAX_EXPANSIONS
    )]
    TooDeep {
        file: String,
        depth: usize,
        expansions: u64,
    },
    /// A rendered file, or the whole project, is larger than the limit.
    #[error("template file `{file}` renders to more than {} MiB", limit >> 20)]
    TooLarge { file: String, limit: usize },
    /// The template generates too many files.
    #[error("the template generates {count} files, more than the limit of {limit}")]
    TooMany { count: usize, limit: usize },
    /// A FIFO, device or socket in a template or where a file is to be written.
    #[error("`{0}` is not a regular file or folder (a FIFO, device or socket)")]
    SpecialFile(String),

    /// Two template files render to the same path.
    #[error("template files `{first}` and `{second}` both render to `{rendered}`")]
    DuplicatePath {
        first: String,
        second: String,
        rendered: String,
    },
    /// The destination is not empty.
    #[error("destination `{0}` is not empty")]
    NotEmpty(PathBuf),
    /// The destination exists and is not a folder.
    #[error("destination `{0}` exists and is not a folder")]
    NotADirectory(PathBuf),
    /// A symlink in the destination would lead a file outside it.
    #[error("`{0}` is a symbolic link leading outside the destination")]
    SymlinkEscape(PathBuf),
    /// A folder is needed where a file exists, or the reverse.
    #[error("`{0}` exists in the destination with another type (file or folder) than the template's")]
    TypeConflict(PathBuf),
    /// Writing failed.
    #[error("cannot write `{path}`: {message}")]
    Write { path: PathBuf, message: String },
    /// The folder has no answers file.
    #[error("`{0}` has no `.devkit-answers.toml`: it was not generated by `devkit init`")]
    NotAProject(PathBuf),
    /// The answers file is malformed.
    #[error("`{path}` is invalid: {message}")]
    AnswersFile { path: PathBuf, message: String },
    /// Uncommitted changes in the project.
    #[error("`{0}` has uncommitted changes")]
    Dirty(PathBuf),
    /// The original render cannot be rebuilt.
    #[error("cannot rebuild what template `{template}` generated: {reason}")]
    NoBase { template: String, reason: String },
    /// The git repository of the new project could not be created.
    #[error("cannot create the git repository: {0}")]
    Git(String),
}

impl ScaffoldError {
    /// The fix, when it is known.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Self::UnknownTemplate { available, .. } => format!(
                "available templates: {}; or give a folder (`./path`) or a git URL",
                available.join(", ")
            ),
            Self::MissingFolder(_) => {
                "check the path; embedded templates are listed by `devkit templates list`".into()
            }
            Self::RefWithoutGit(_) => "drop `--ref`, or give a git URL".into(),
            Self::GitFetch { .. } => {
                "check the URL, the network and your git credentials (ssh-agent, credential helper)".into()
            }
            Self::GitRef { available, .. } if !available.is_empty() => {
                format!("branches and tags: {}", available.join(", "))
            }
            Self::GitRef { .. } => "give a branch, a tag or a commit of the repository".into(),
            Self::Manifest { .. }
            | Self::Syntax { .. }
            | Self::Render { .. }
            | Self::ForbiddenPath { .. }
            | Self::Recursion { .. }
            | Self::TooMany { .. }
            | Self::TooLarge { .. }
            | Self::DuplicatePath { .. } => "fix the template; nothing was written".into(),
            Self::Forbidden { allowed, .. } => format!(
                "templates read nothing and run nothing; allowed here: {allowed}; nothing was written"
            ),
            Self::TooDeep { .. } => "flatten the includes and macros of the template; nothing was written".into(),
            Self::SpecialFile(_) => "remove it, or use a template and destination with regular files only".into(),
            Self::Symlink(_) => "replace the link by a copy of its target inside the template".into(),
            Self::InvalidAnswer { key, .. } => {
                format!("pass a valid `--data {key}=...` (or fix the template's default when it is the one refused)")
            }
            Self::TooOld { .. } => "update devkit: `cargo install --locked devkit`".into(),
            Self::UnknownKeys { known, .. } => format!("the template asks: {}", known.join(", ")),
            Self::MissingAnswers { keys } => format!(
                "pass {}, or run on a terminal to be asked",
                keys.iter()
                    .map(|k| format!("`--data {k}=...`"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Self::NotEmpty(_) => {
                "choose an empty or new folder, or pass `--force` (existing files are kept)".into()
            }
            Self::Write { .. } => {
                "check that the folder is writable and the disk not full; nothing was left behind".into()
            }
            Self::NotAProject(_) => "run `devkit update` in a project made by `devkit init`, or pass its folder".into(),
            Self::AnswersFile { .. } => "restore it from git (`git checkout -- .devkit-answers.toml`)".into(),
            Self::Dirty(_) => "commit or stash your changes first so the update is one reviewable change, or pass `--force`".into(),
            Self::NoBase { .. } => "fetch devkit's record of the original render: `git fetch origin 'refs/devkit/*:refs/devkit/*'`".into(),
            Self::SymlinkEscape(_) | Self::TypeConflict(_) => {
                "move the conflicting path away, then run again".into()
            }
            _ => return None,
        })
    }
}
