//! What the workbench holds while it runs: the session's token, the site
//! (once there is one) with its private work folder and file watch, the
//! last check's problems, the open event streams, and one job at a time.

use super::reply::ApiError;
use crate::config::SiteConfig;
use crate::date::Date;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio::sync::broadcast;

/// Sub-folder of `.gongshi-cache/` for one workbench's temporary files
/// (uploads, check output): `workbench-<pid>`, 0700, removed at the end.
pub const WORK_PREFIX: &str = "workbench-";

pub struct Site {
    pub root: PathBuf,
    /// `<root>/.gongshi-cache/workbench-<pid>/`.
    pub work: PathBuf,
    _watch: Option<notify::RecommendedWatcher>,
}

pub struct State {
    pub token: String,
    pub port: u16,
    /// Fixed "today" (tests, `--today`); default the Beijing date.
    pub today: Option<Date>,
    /// Open the browser and the file manager (off with `--no-open`).
    pub open: bool,
    /// Where the workbench was started: a new site is proposed beside it.
    pub start_dir: PathBuf,
    site: RwLock<Option<Site>>,
    /// "problems", "overview", "busy" to every open page.
    pub events: broadcast::Sender<String>,
    /// One check, build or publish at a time.
    pub jobs: Mutex<()>,
    pub checked: RwLock<super::problems::Checked>,
    pub preview: Mutex<Option<super::preview::Preview>>,
    pub uploads: Mutex<super::upload::Uploads>,
    /// Open event streams, and when the last one closed.
    pub streams: AtomicUsize,
    pub last_closed: Mutex<Option<Instant>>,
}

impl State {
    pub fn new(token: String, port: u16, today: Option<Date>, open: bool, start_dir: PathBuf) -> State {
        let (events, _) = broadcast::channel(64);
        State {
            token,
            port,
            today,
            open,
            start_dir,
            site: RwLock::new(None),
            events,
            jobs: Mutex::new(()),
            checked: RwLock::new(Default::default()),
            preview: Mutex::new(None),
            uploads: Mutex::new(Default::default()),
            streams: AtomicUsize::new(0),
            last_closed: Mutex::new(None),
        }
    }

    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(|| crate::publish::timeline::Clock::system().today)
    }

    /// The site's folder, or 409 while there is none.
    pub fn root(&self) -> Result<PathBuf, ApiError> {
        self.read_site(|s| s.root.clone()).ok_or_else(ApiError::no_site)
    }

    /// The private work folder, or 409 while there is no site.
    pub fn work(&self) -> Result<PathBuf, ApiError> {
        self.read_site(|s| s.work.clone()).ok_or_else(ApiError::no_site)
    }

    fn read_site<T>(&self, f: impl FnOnce(&Site) -> T) -> Option<T> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).as_ref().map(f)
    }

    /// The site and its config, or why not.
    pub fn site(&self) -> Result<(PathBuf, SiteConfig), ApiError> {
        let root = self.root()?;
        let config = SiteConfig::load(&root).map_err(|errors| {
            ApiError::refused("site-config.toml 有问题，先改好它", errors.0.iter().map(ToString::to_string).collect())
        })?;
        Ok((root, config))
    }

    pub fn tell(&self, what: &str) {
        let _ = self.events.send(what.to_string());
    }

    /// Takes `root` as the site: makes the private work folder, watches the
    /// sources (each settled change checks the site again). Once only.
    pub fn attach(self: &Arc<State>, root: &Path) -> Result<(), ApiError> {
        let mut site = self.site.write().unwrap_or_else(|e| e.into_inner());
        if site.is_some() {
            return Err(ApiError::bad("工作台已经打开了一个站点"));
        }
        let work = make_work_dir(root)?;
        let me = Arc::downgrade(self);
        let watch = crate::serve::on_change(root, move || {
            if let Some(state) = me.upgrade() {
                super::problems::check_and_tell(&state);
            }
        })
        .map_err(|e| ApiError::internal(format!("无法监视站点的文件：{e}")))?;
        *site = Some(Site { root: root.to_path_buf(), work, _watch: Some(watch) });
        Ok(())
    }

    /// Stops watching and removes the work folder (uploads, check output).
    pub fn detach(&self) {
        if let Some(site) = self.site.write().unwrap_or_else(|e| e.into_inner()).take() {
            drop(site._watch);
            let _ = std::fs::remove_dir_all(&site.work);
        }
    }
}

/// `<root>/.gongshi-cache/workbench-<pid>/`, readable by its owner only.
fn make_work_dir(root: &Path) -> Result<PathBuf, ApiError> {
    let cache = root.join(".gongshi-cache");
    let work = cache.join(format!("{WORK_PREFIX}{}", std::process::id()));
    let made = std::fs::create_dir_all(&cache)
        .and_then(|()| std::fs::create_dir_all(&work))
        .and_then(|()| crate::output::staging::make_private(&work));
    made.map_err(|e| {
        ApiError::internal(format!(
            "无法创建工作台的临时目录 {}：{}",
            crate::platform::shown(&work),
            crate::output::error::cause(&e)
        ))
    })?;
    remove_stale(&cache);
    Ok(work)
}

/// Work folders of workbenches that ended without cleaning up (killed),
/// with the spreadsheets uploaded to them: removed by the next workbench,
/// build, check or serve of the site.
pub fn sweep_stale(root: &Path) {
    remove_stale(&root.join(".gongshi-cache"));
}

/// Work folders of workbenches that ended without cleaning up (killed).
fn remove_stale(cache: &Path) {
    let Ok(entries) = std::fs::read_dir(cache) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(WORK_PREFIX).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !crate::output::lock::alive(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
