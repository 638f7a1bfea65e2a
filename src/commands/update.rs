//! `devkit update`: merge a newer template version into a generated project, leave conflicts visible, and
//! record the new answers and render.

use super::init::{VERSION, base_context, check_and_announce, parse_data};
use super::prompt::TerminalAsker;
use crate::cli::{ConflictArg, UpdateArgs};
use crate::error::ExitStatus;
use crate::printer::Printer;
use crate::scaffold::answers::{self, Asker, Provided};
use crate::scaffold::answers_file::AnswersFile;
use crate::scaffold::lock::DestLock;
use crate::scaffold::merge::{self, Action, ConflictStyle};
use crate::scaffold::render::RenderedFile;
use crate::scaffold::{ANSWERS_FILE, ScaffoldError, apply, snapshot, update};
use crate::settings::Settings;
use anyhow::{Context, Result};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::IsTerminal;

/// Runs `devkit update`.
pub fn run(args: &UpdateArgs, settings: &Settings, printer: &Printer) -> Result<ExitStatus> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let project = args.dir.as_ref().map_or_else(|| cwd.clone(), |d| cwd.join(d));
    let _lock = DestLock::acquire(&project, &mut || {
        printer.info(format!(
            "waiting for another devkit run on `{}`",
            project.display()
        ));
    })?;
    let record = update::read_record(&project)?;
    if !args.force && !args.check && !args.dry_run && update::is_dirty(&project)? {
        return Err(ScaffoldError::Dirty(project).into());
    }
    let ctx = base_context(settings);
    let base = update::base(&project, &record, &ctx, VERSION)?;
    let template = update::target(
        &record,
        args.template.as_deref(),
        args.git_ref.as_deref(),
        &project,
    )?;
    check_and_announce(&template, printer)?;

    let provided = Provided {
        data: parse_data(&args.data)?,
        file: update::kept_answers(&template, &record.answers),
        user_defaults: settings.init_defaults.clone(),
        use_defaults: args.defaults || args.check,
    };
    let interactive = !args.check && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut terminal = TerminalAsker;
    let asker: Option<&mut dyn Asker> = if interactive { Some(&mut terminal) } else { None };
    let answers = match answers::collect(&template.manifest, &provided, &ctx, asker) {
        Err(ScaffoldError::MissingAnswers { keys }) if args.check => {
            printer.info(format!(
                "a newer template version asks new questions: {}",
                keys.join(", ")
            ));
            return Ok(ExitStatus::Code(3));
        }
        other => other?,
    };
    let theirs = update::render_tree(&template, &answers, &ctx)?;

    if args.check {
        let changed = theirs.len() != base.len()
            || theirs.iter().any(|(p, f)| {
                base.get(p)
                    .is_none_or(|b| b.contents != f.contents || b.executable != f.executable)
            });
        if changed {
            printer.info(format!(
                "a newer version of template `{}` changes the project: run `devkit update`",
                template.source
            ));
            return Ok(ExitStatus::Code(3));
        }
        printer.info("the project is up to date with its template");
        return Ok(ExitStatus::Success);
    }

    let style = match args.conflict {
        ConflictArg::Inline => ConflictStyle::Inline,
        ConflictArg::Rej => ConflictStyle::Rej,
    };
    // Only regular files are read: a link or FIFO at a template path is never followed or opened.
    let ours = |p: &str| {
        let path = project.join(p);
        std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.is_file())
            .then(|| std::fs::read(&path).ok())
            .flatten()
    };
    let actions = merge::plan(&base, &theirs, &ours, style);
    let new_record = AnswersFile::new(&template, answers, VERSION);
    let answers_text = new_record.render();

    if args.dry_run {
        printer.data(&dry_run_report(&actions, &ours))?;
        printer.info(format!("dry run: nothing written to `{}`", project.display()));
        return Ok(ExitStatus::Success);
    }
    apply::apply(
        &project,
        &actions,
        &[(ANSWERS_FILE.to_string(), answers_text.clone().into_bytes())],
    )?;
    let mut pristine: Vec<RenderedFile> = theirs.into_values().collect();
    pristine.push(RenderedFile {
        path: ANSWERS_FILE.into(),
        contents: Cow::Owned(answers_text.into_bytes()),
        executable: false,
    });
    snapshot::record(
        &project,
        &pristine,
        &format!("devkit: render of template `{}`", template.source),
    )?;
    report(&actions, printer)
}

fn report(actions: &[Action], printer: &Printer) -> Result<ExitStatus> {
    let mut conflicts = Vec::new();
    for action in actions {
        match action {
            Action::Create { path, .. } => printer.status("Created", path),
            Action::Update { path, .. } => printer.status("Updated", path),
            Action::Merge { path, .. } => printer.status("Merged", path),
            Action::Rename { from, to, .. } => printer.status("Renamed", format!("{from} -> {to}")),
            Action::Delete { path } => printer.status("Removed", path),
            Action::KeepChanged { path } => printer.warn(format!(
                "kept `{path}`: the template removed it but you changed it"
            )),
            Action::StayDeleted { path } => printer.debug(format!("`{path}` stays deleted")),
            Action::Conflict { path, rej, .. } => conflicts.push(
                rej.as_ref()
                    .map_or_else(|| path.clone(), |r| format!("{path} (see {r})")),
            ),
        }
    }
    if conflicts.is_empty() {
        printer.status("Updated", "project is up to date with its template");
        return Ok(ExitStatus::Success);
    }
    let mut text = format!("{} conflict(s) to resolve:", conflicts.len());
    for c in &conflicts {
        let _ = write!(text, "\n  {c}");
    }
    printer.warn(text);
    printer.hint("resolve the conflict markers (or apply the .rej files), then commit");
    Ok(ExitStatus::Code(3))
}

fn dry_run_report(actions: &[Action], ours: &dyn Fn(&str) -> Option<Vec<u8>>) -> String {
    let mut out = String::new();
    for action in actions {
        let (label, new): (&str, Option<&[u8]>) = match action {
            Action::Create { contents, .. } => ("create", Some(contents)),
            Action::Update { contents, .. } => ("update", Some(contents)),
            Action::Merge { contents, .. } => ("merge", Some(contents)),
            Action::Conflict { contents, .. } => ("conflict", contents.as_deref()),
            Action::Rename { contents, .. } => ("rename", Some(contents)),
            Action::Delete { .. } => ("remove", Some(&[][..])),
            Action::KeepChanged { .. } => ("keep", None),
            Action::StayDeleted { .. } => ("stay-deleted", None),
        };
        let _ = match action {
            Action::Rename { from, to, .. } => writeln!(out, "{label} {from} -> {to}"),
            _ => writeln!(out, "{label} {}", action.path()),
        };
        if let Some(new) = new {
            let old = match action {
                Action::Rename { from, .. } => ours(from),
                _ => ours(action.path()),
            }
            .unwrap_or_default();
            if let (Ok(o), Ok(n)) = (std::str::from_utf8(&old), std::str::from_utf8(new)) {
                let patch = diffy::DiffOptions::new()
                    .set_original_filename(format!("a/{}", action.path()))
                    .set_modified_filename(format!("b/{}", action.path()))
                    .create_patch(o, n);
                let _ = write!(out, "{patch}");
            }
        }
    }
    out
}
