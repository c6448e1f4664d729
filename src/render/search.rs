//! The client-side search index: plain text of policies, explainers and
//! notices, split at their anchors so a hit links to the right article.
//! Publicity lists and letters are never indexed: the index is built from
//! `Content` and rendered bodies only, which hold no list data.
//!
//! Why plain text and substring matching rather than a word index: Chinese
//! has no spaces, and segmenters (and elasticlunr's zh support) miss
//! partial terms like 专干 or document numbers like 湘阴教发〔2023〕31号.
//! A county site's text is a few hundred kilobytes; scanning it in the
//! browser takes milliseconds and finds every substring exactly.

use super::pages::Pages;
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    /// title, url, kind label, document number, date
    t: &'a str,
    u: String,
    k: &'static str,
    n: &'a str,
    d: String,
    /// [anchor, heading, text] per section
    s: Vec<[&'a str; 3]>,
}

#[derive(Serialize)]
struct Index<'a> {
    v: u32,
    docs: Vec<Doc<'a>>,
}

pub fn build(pages: &Pages, root: &str) -> String {
    let docs = pages
        .all()
        .map(|(e, r)| Doc {
            t: e.meta.title(),
            u: format!("{root}{}", e.path()),
            k: e.kind.label(),
            n: "",
            d: e.meta.date().chinese(),
            s: r.sections.iter().map(|s| [s.anchor.as_str(), s.heading.as_str(), s.text.as_str()]).collect(),
        })
        .zip(pages.policies.iter().map(|p| p.doc.meta.doc_number.as_deref().unwrap_or("")).chain(std::iter::repeat("")))
        .map(|(doc, n)| Doc { n, ..doc })
        .collect();
    serde_json::to_string(&Index { v: 1, docs }).unwrap_or_else(|_| "{\"v\":1,\"docs\":[]}".into())
}
