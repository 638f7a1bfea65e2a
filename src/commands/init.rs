//! `devkit init`: load a template, collect answers, render, publish atomically, record the answers and make
//! the first commit.

use super::prompt::TerminalAsker;
use crate::cli::InitArgs;
use crate::error::{ExitStatus, UserError};
use crate::printer::Printer;
use crate::scaffold::answers::{self, Asker, Provided};
use crate::scaffold::answers_file::AnswersFile;
use crate::scaffold::lock::DestLock;
use crate::scaffold::render::{self, RenderedFile};
use crate::scaffold::{ANSWERS_FILE, ScaffoldError, repo, snapshot, source, write};
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// devkit's own version, recorded in generated projects.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs `devkit init`.
pub fn run(args: &InitArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let dest = args.dir.as_ref().map_or_else(|| cwd.clone(), |d| cwd.join(d));
    if args.gitlab.gitlab {
        // Fail before anything is written when the GitLab step cannot run.
        super::gitlab_api::stored_token(settings, printer)?;
    }
    // Held until the end of the run: a second `init` into the same folder waits, then finds it not empty.
    let _lock = DestLock::acquire(&dest, &mut || {
        printer.info(format!("waiting for another devkit run on `{}`", dest.display()));
    })?;
    if source::is_git_url(&args.template) {
        printer.status("Fetching", source::redact_url(&args.template));
    }
    let template = source::load(&args.template, args.git_ref.as_deref(), &cwd)?;
    check_and_announce(&template, printer)?;

    let provided = Provided {
        data: parse_data(&args.data)?,
        file: match &args.data_file {
            Some(path) => read_data_file(path)?,
            None => toml::Table::new(),
        },
        user_defaults: settings.init_defaults.clone(),
        use_defaults: args.defaults,
    };
    let base = base_context(settings);
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut terminal = TerminalAsker;
    let asker: Option<&mut dyn Asker> = if interactive { Some(&mut terminal) } else { None };
    let answers = answers::collect(&template.manifest, &provided, &base, asker)?;

    let ctx = answers::context(&base, &answers);
    let mut files = render::render(&template.files, &template.manifest, &ctx)?;
    let record = AnswersFile::new(&template, answers.clone(), VERSION);
    files.retain(|f| f.path != ANSWERS_FILE);
    files.push(RenderedFile {
        path: ANSWERS_FILE.into(),
        contents: Cow::Owned(record.render().into_bytes()),
        executable: false,
    });

    // The exact render, recorded for `devkit update` when a repository is made (not needed otherwise).
    let pristine = if args.no_git || args.dry_run {
        Vec::new()
    } else {
        files.clone()
    };
    let plan = write::plan(&dest, files, args.force)?;
    if args.dry_run {
        let mut out = String::new();
        for f in &plan.create {
            writeln!(out, "create {}", f.path)?;
        }
        for p in &plan.unchanged {
            writeln!(out, "identical {p}")?;
        }
        for p in &plan.kept {
            writeln!(out, "keep {p} (exists with other contents)")?;
        }
        printer.data(&out)?;
        printer.info(format!("dry run: nothing written to `{}`", dest.display()));
        return Ok(ExitStatus::Success);
    }
    let created = write::apply(&plan)?;
    for p in &plan.kept {
        printer.warn(format!("kept your `{p}`: it differs from the template's"));
    }
    let mut repository = false;
    if !args.no_git && git(&dest, &template.source, &answers, printer)? {
        let message = format!("devkit: render of template `{}`", template.source);
        snapshot::record(&dest, &pristine, &message)?;
        repository = true;
    }
    printer.status(
        "Created",
        format!(
            "`{}` from template `{}` ({} files)",
            display(&dest, &cwd),
            template.source,
            created.len()
        ),
    );
    if args.gitlab.gitlab {
        if !repository {
            return Err(UserError::with_hint(
                "`--gitlab` needs a new git repository, and the project is inside an existing one",
                "create the project outside any git work tree",
            )
            .into());
        }
        super::init_gitlab::publish(&dest, &args.gitlab, settings, printer)?;
    }
    Ok(ExitStatus::Success)
}

fn git(dest: &Path, source: &str, answers: &answers::Answers, printer: &Printer) -> Result<bool> {
    if repo::inside_repository(dest) {
        printer.info("not creating a git repository: the project is already inside one");
        return Ok(false);
    }
    let name = ["author", "author_name"]
        .iter()
        .find_map(|k| answers.get(*k)?.as_str())
        .unwrap_or("devkit");
    let email = ["email", "author_email"]
        .iter()
        .find_map(|k| answers.get(*k)?.as_str())
        .unwrap_or("devkit@localhost");
    let commit = repo::init_and_commit(
        dest,
        &format!("Initial commit from devkit template `{source}`"),
        (name, email),
    )
    .map_err(|e| anyhow::Error::new(e).context(format!("the project was created in `{}`", dest.display())))?;
    printer.debug(format!("first commit {commit}"));
    Ok(true)
}

fn display(dest: &Path, cwd: &Path) -> String {
    dest.strip_prefix(cwd).map_or_else(
        |_| dest.display().to_string(),
        |p| {
            if p.as_os_str().is_empty() {
                ".".to_string()
            } else {
                p.display().to_string()
            }
        },
    )
}

/// Refuses a template that needs a newer devkit, and says which git commit is used.
pub fn check_and_announce(template: &source::Template, printer: &Printer) -> Result<()> {
    template.manifest.check_version(&template.source, VERSION)?;
    if let (Some(r), Some(c)) = (&template.git_ref, &template.commit) {
        printer.status(
            "Using",
            format!("`{}` at `{r}` ({})", template.source, c.get(..12).unwrap_or(c)),
        );
    }
    Ok(())
}

/// The Tera context common to every template: the site profile and devkit's version.
pub fn base_context(settings: &Settings) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("site", &settings.site);
    ctx.insert("devkit_version", VERSION);
    ctx
}

/// Splits `--data KEY=VALUE` arguments.
pub fn parse_data(items: &[String]) -> Result<Vec<(String, String)>> {
    items
        .iter()
        .map(|item| {
            item.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| {
                    UserError::with_hint(
                        format!("`--data {item}` is not of the form KEY=VALUE"),
                        "for example `--data project_name=demo`",
                    )
                    .into()
                })
        })
        .collect()
}

/// Reads answers from a TOML or YAML file.
pub fn read_data_file(path: &PathBuf) -> Result<toml::Table> {
    let fail = |message: String| ScaffoldError::DataFile {
        path: path.display().to_string(),
        message,
    };
    let text = fs_err::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let yaml = path.extension().is_some_and(|e| e == "yml" || e == "yaml");
    if yaml {
        let value: serde_json::Value = serde_saphyr::from_str(&text).map_err(|e| fail(e.to_string()))?;
        if value.is_null() {
            return Ok(toml::Table::new());
        }
        toml::Table::try_from(value).map_err(|e| fail(format!("expected a mapping of answers: {e}")).into())
    } else {
        text.parse::<toml::Table>()
            .map_err(|e| fail(e.to_string()).into())
    }
}
