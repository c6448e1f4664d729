//! The leak gate over everything about to be published: pages are scanned
//! as they are written (in the parallel jobs, from memory), and whatever
//! else lands in the staging folder (static files, feeds, the search index)
//! is read back and scanned before anything is published. File names are
//! scanned too.

use super::staging::Staging;
use crate::diag::{Diagnostic, Diagnostics};
use crate::privacy::scan;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::Mutex;

const TEXT_EXTENSIONS: [&str; 9] = ["html", "htm", "xml", "txt", "json", "js", "css", "svg", "csv"];

pub struct Gate {
    allowed: HashSet<String>,
    /// Files already scanned when written.
    scanned: Mutex<HashSet<String>>,
    pub found: Diagnostics,
}

impl Gate {
    /// `allowed`: digit-only numbers that may be public (hotlines).
    pub fn new(allowed: impl IntoIterator<Item = String>) -> Gate {
        Gate {
            allowed: allowed.into_iter().collect(),
            scanned: Mutex::new(HashSet::new()),
            found: Diagnostics::default(),
        }
    }

    /// Scans one file's name and bytes; `rel` is its path in the output.
    pub fn check(&self, rel: &str, bytes: &[u8]) {
        let mut leaks = scan::find(rel, &self.allowed);
        leaks.extend(scan::find(&String::from_utf8_lossy(bytes), &self.allowed));
        leaks.sort();
        leaks.dedup();
        if leaks.is_empty() {
            self.scanned.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
            return;
        }
        let shown = format!("public/{}", rel.replace('\\', "/"));
        self.found.extend(leaks.into_iter().map(|l| {
            Diagnostic::new(shown.clone(), 0, format!("公开页面中出现了{}：{}", l.kind, l.masked)).with_hint(
                "个人号码不能公开。找到写入它的内容文件、模板或名单列并删去；如果是单位的公开电话，请加到 site-config.toml 的 public_numbers",
            )
        }));
        self.scanned.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
    }

    /// Scans every staged file not already scanned when written.
    pub fn scan_rest(&self, staging: &Staging) {
        let done = std::mem::take(&mut *self.scanned.lock().unwrap_or_else(|e| e.into_inner()));
        let dir = staging.dir();
        staging.files().par_iter().for_each(|rel| {
            let name = rel.to_string_lossy().replace('\\', "/");
            if done.contains(&name) {
                return;
            }
            let is_text = rel
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            let bytes = if is_text { std::fs::read(dir.join(rel)).unwrap_or_default() } else { Vec::new() };
            self.check(&name, &bytes);
        });
    }
}
