//! Runs the leak scanner over every staged file (and file name) before
//! anything is published.

use crate::diag::Diagnostic;
use crate::privacy::scan;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

const TEXT_EXTENSIONS: [&str; 9] = ["html", "htm", "xml", "txt", "json", "js", "css", "svg", "csv"];

pub fn scan(dir: &Path, allowed: &[String]) -> std::io::Result<Vec<Diagnostic>> {
    let allowed: HashSet<String> = allowed.iter().cloned().collect();
    let files = super::staging::files_under(dir)?;
    let found: Vec<Diagnostic> = files
        .par_iter()
        .flat_map_iter(|rel| {
            let shown = format!("public/{}", rel.to_string_lossy().replace('\\', "/"));
            let mut leaks = scan::find(&rel.to_string_lossy(), &allowed);
            let is_text = rel.extension().and_then(|e| e.to_str()).is_some_and(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            if is_text {
                if let Ok(bytes) = std::fs::read(dir.join(rel)) {
                    leaks.extend(scan::find(&String::from_utf8_lossy(&bytes), &allowed));
                }
            }
            leaks.sort();
            leaks.dedup();
            leaks.into_iter().map(move |l| {
                Diagnostic::new(shown.clone(), 0, format!("公开页面中出现了{}：{}", l.kind, l.masked)).with_hint(
                    "个人号码不能公开。找到写入它的内容文件、模板或名单列并删去；如果是单位的公开电话，请加到 site-config.toml 的 public_numbers",
                )
            })
        })
        .collect();
    Ok(found)
}
