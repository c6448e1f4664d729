//! Watches the site's sources and rebuilds after a burst of changes settles.

use notify::{RecursiveMode, Watcher};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Changes closer together than this are one edit (an editor saving a file
/// writes it several times).
const SETTLE: Duration = Duration::from_millis(200);

/// Calls `changed` once each burst of changes to the site's sources has
/// settled (`gongshi serve` rebuilds, the workbench checks again). The
/// watch lasts as long as the returned watcher.
pub fn on_change(
    root: &Path,
    mut changed: impl FnMut() + Send + 'static,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event {
            if !matches!(e.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(e.paths);
            }
        }
    })?;
    for dir in ["content", "themes", "templates", "static"] {
        let p = root.join(dir);
        if p.is_dir() {
            watcher.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    // The root itself, not recursively: for site-config.toml.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    let config = crate::config::CONFIG_FILE;
    std::thread::spawn(move || {
        while let Ok(paths) = rx.recv() {
            let mut relevant = touches_site(&paths, config);
            while let Ok(more) = rx.recv_timeout(SETTLE) {
                relevant |= touches_site(&more, config);
            }
            if relevant {
                changed();
            }
        }
    });
    Ok(watcher)
}

/// Events on the root folder matter only for the config file.
fn touches_site(paths: &[std::path::PathBuf], config: &str) -> bool {
    paths.iter().any(|p| {
        let in_sources = p
            .components()
            .any(|c| matches!(c.as_os_str().to_str(), Some("content" | "themes" | "templates" | "static")));
        in_sources || p.file_name().is_some_and(|n| n == config)
    })
}
