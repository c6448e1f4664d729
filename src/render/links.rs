//! Checks `@/page.md#anchor` links against the anchors each page has.

use super::markdown::InternalLink;
use crate::diag::Diagnostic;
use std::collections::{BTreeSet, HashMap};

/// `policies/x.md` → the anchors of that page.
pub type AnchorIndex = HashMap<String, BTreeSet<String>>;

pub fn check(file: &str, links: &[InternalLink], index: &AnchorIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for link in links {
        let (Some(anchor), Some(known)) = (&link.anchor, index.get(&link.target)) else {
            continue;
        };
        if known.contains(anchor) {
            continue;
        }
        let mut sample: Vec<&str> = known.iter().map(String::as_str).collect();
        sample.sort_by_key(|a| natural_key(a));
        let more = if sample.len() > 8 { " 等" } else { "" };
        sample.truncate(8);
        let hint = if sample.is_empty() {
            format!("{} 里没有任何可链接的章、条或标题", link.target)
        } else {
            format!("{} 里可链接的位置有：{}{more}", link.target, sample.join("、"))
        };
        out.push(
            Diagnostic::new(file, link.line, format!("链接的位置“#{anchor}”在 {} 中不存在", link.target))
                .with_hint(hint),
        );
    }
    out
}

/// `article-12` sorts after `article-2`.
fn natural_key(anchor: &str) -> (&str, u64) {
    match anchor.rsplit_once('-') {
        Some((head, n)) if n.bytes().all(|b| b.is_ascii_digit()) => (head, n.parse().unwrap_or(0)),
        _ => (anchor, 0),
    }
}
