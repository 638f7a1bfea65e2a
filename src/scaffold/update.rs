//! The inputs of `devkit update`: the recorded answers file, the work-tree check, the base render (from the
//! project's snapshot, else re-rendered from the recorded source) and the template to update to.

use super::answers::{self, Answers};
use super::answers_file::AnswersFile;
use super::merge::Tree;
use super::source::{self, SourceKind, Template};
use super::{ANSWERS_FILE, ScaffoldError, render, snapshot};
use std::path::Path;

/// Reads `.devkit-answers.toml` of a project.
pub fn read_record(project: &Path) -> Result<AnswersFile, ScaffoldError> {
    let path = project.join(ANSWERS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ScaffoldError::NotAProject(project.to_path_buf()),
        _ => ScaffoldError::AnswersFile {
            path: path.clone(),
            message: e.to_string(),
        },
    })?;
    AnswersFile::parse(&text).map_err(|e| ScaffoldError::AnswersFile {
        path,
        message: e.message().to_string(),
    })
}

/// Whether the project's git work tree has uncommitted changes (false when it is not a repository).
pub fn is_dirty(project: &Path) -> Result<bool, ScaffoldError> {
    let Ok(repo) = git2::Repository::discover(project) else {
        return Ok(false);
    };
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .include_ignored(false)
        .recurse_untracked_dirs(true);
    let statuses = repo
        .statuses(Some(&mut opts))
        .map_err(|e| ScaffoldError::Git(e.message().to_string()))?;
    Ok(!statuses.is_empty())
}

/// What the recorded template version generated: the snapshot when the project has one, else a new render of
/// the recorded source at the recorded commit.
pub fn base(
    project: &Path,
    record: &AnswersFile,
    ctx: &tera::Context,
    version: &str,
) -> Result<Tree, ScaffoldError> {
    if let Some(mut tree) = snapshot::read(project)? {
        tree.remove(ANSWERS_FILE);
        return Ok(tree);
    }
    let t = &record.template;
    let no_base = |reason: String| ScaffoldError::NoBase {
        template: t.source.clone(),
        reason,
    };
    let template = match t.kind {
        SourceKind::Embedded if t.devkit_version != version => {
            return Err(no_base(format!(
                "the project has no snapshot and this devkit ({version}) embeds another version of the template than devkit {}",
                t.devkit_version
            )));
        }
        SourceKind::Git => source::load(&t.source, t.commit.as_deref().or(t.git_ref.as_deref()), project)?,
        _ => source::load(&t.source, None, project)?,
    };
    render_tree(&template, &record.answers, ctx)
}

/// Loads the template to update to.
pub fn target(
    record: &AnswersFile,
    new_source: Option<&str>,
    new_ref: Option<&str>,
    project: &Path,
) -> Result<Template, ScaffoldError> {
    let t = &record.template;
    let spec = new_source.unwrap_or(&t.source);
    let is_git = source::is_git_url(spec) || (new_source.is_none() && t.kind == SourceKind::Git);
    let git_ref = match (new_ref, is_git) {
        (Some(r), _) => Some(r),
        (None, true) if t.git_ref.as_deref().is_none_or(source::is_version_tag) => Some(source::LATEST_TAG),
        (None, true) => t.git_ref.as_deref(),
        (None, false) => None,
    };
    source::load(spec, git_ref, project)
}

/// Renders a template with answers into a tree (the answers file excluded).
pub fn render_tree(
    template: &Template,
    answers: &Answers,
    base_ctx: &tera::Context,
) -> Result<Tree, ScaffoldError> {
    let ctx = answers::context(base_ctx, answers);
    let files = render::render(&template.files, &template.manifest, &ctx)?;
    Ok(files
        .into_iter()
        .filter(|f| f.path != ANSWERS_FILE)
        .map(|f| (f.path.clone(), f))
        .collect())
}

/// The recorded answers the new template still asks.
pub fn kept_answers(template: &Template, recorded: &Answers) -> toml::Table {
    recorded
        .iter()
        .filter(|(k, _)| template.manifest.questions.iter().any(|q| &q.name == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
