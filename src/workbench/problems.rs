//! The site's problems as `gongshi check` finds them (every stage and
//! guard, nothing published), each with its file, line and what to do;
//! run at the start, after each settled change to the sources, and on the
//! 检查 button. Check output goes to the workbench's private work folder.

use super::reply::ApiError;
use super::state::State;
use crate::diag::Diagnostic;
use crate::pipeline::{self, BuildError, BuildOptions};
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One problem, as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Problem {
        Problem { file: d.file.clone(), line: d.line, message: d.message.clone(), hint: d.hint.clone() }
    }
}

/// The last check.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Checked {
    /// Checks finished since the workbench started.
    pub runs: u64,
    pub ok: bool,
    pub problems: Vec<Problem>,
    /// Warnings (the county's 提醒, notes): not errors.
    pub warnings: Vec<String>,
    /// A failure that is no problem in the site (disk, lock).
    pub error: Option<String>,
    pub pages: usize,
    /// When it finished, `HH:MM:SS`.
    pub at: String,
}

static RUN: AtomicU64 = AtomicU64::new(0);

/// Checks the site now (waiting for any other job) and keeps the result.
pub fn check(state: &State) -> Result<Checked, ApiError> {
    let root = state.root()?;
    let dir = state.work()?.join(format!("check-{}", RUN.fetch_add(1, Ordering::SeqCst)));
    let _job = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
    std::fs::create_dir_all(&dir)
        .and_then(|()| crate::output::staging::make_private(&dir))
        .map_err(|e| ApiError::internal(format!("无法创建检查用的临时目录：{}", crate::output::error::cause(&e))))?;
    let result = run_check(&root, &dir, state.today());
    let _ = std::fs::remove_dir_all(&dir);
    keep(state, result)
}

fn run_check(root: &Path, private: &Path, today: crate::date::Date) -> Checked {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        out: None,
        print: None,
        today,
        write: false,
        base_url: None,
        adopt_out: false,
        adopt_print: false,
        private_dir: Some(private.to_path_buf()),
    };
    from_outcome(pipeline::build(&opts).map(|s| (s.pages, s.warnings, s.audit.warnings)))
}

/// A build's or check's outcome as the page shows it.
pub fn from_outcome(outcome: Result<(usize, Vec<String>, Vec<String>), BuildError>) -> Checked {
    let mut c = Checked { at: chrono::Local::now().format("%H:%M:%S").to_string(), ..Checked::default() };
    match outcome {
        Ok((pages, warnings, audit)) => {
            c.ok = true;
            c.pages = pages;
            c.warnings = audit.into_iter().map(|w| format!("提醒：{w}")).chain(warnings).collect();
        }
        Err(BuildError::Site(errors)) => c.problems = errors.0.iter().map(Problem::from).collect(),
        Err(other) => c.error = Some(other.to_string()),
    }
    c
}

/// Keeps `c` as the latest check and tells the open pages.
pub fn keep(state: &State, mut c: Checked) -> Result<Checked, ApiError> {
    {
        let mut last = state.checked.write().unwrap_or_else(|e| e.into_inner());
        c.runs = last.runs + 1;
        *last = c.clone();
    }
    state.tell("problems");
    Ok(c)
}

/// For the file watch: check, and say so in the terminal when it fails
/// for a reason that is not the site's.
pub fn check_and_tell(state: &Arc<State>) {
    state.tell("busy");
    if let Err(e) = check(state) {
        eprintln!("错误：{}", e.message);
    }
}
