//! The client-side search index: plain text of policies, explainers and
//! notices, split at their anchors so a hit links to the right article.
//! Publicity lists and letters are never indexed: the index is built from
//! `Content` and rendered bodies only, which hold no list data.
//!
//! Why plain text and substring matching rather than a word index: Chinese
//! has no spaces, and segmenters miss partial terms like 专干 or document
//! numbers like 湘阴教发〔2023〕31号. Every term is matched as a substring.
//!
//! So that a reader's phone does not download the whole site's text to
//! search it, the index is split into files under `search/`:
//! - `index.json`, the manifest:
//!   `{"v":4,"docs":N,"shards":S,"chunks":[n…],"q":"…"}`, the number of
//!   documents, of posting shards, of documents in each chunk (chunk `i`
//!   holds the documents after those of chunks `0..i`), and per position
//!   shard its number of parts `P` and each part's size in KiB, rounded up
//!   (varints in `ALPHABET`, as below).
//! - `c/<i>.json`, chunks: arrays of documents in the format the whole index
//!   had before (`{t,u,k,n,d,s:[[anchor, heading, text]…]}`), verbatim text
//!   (so the leak gate and name guard read it as they read pages), a new
//!   chunk begun once one reaches `CHUNK_BYTES`.
//! - `p/<h>.json`, posting shards: a JSON object from a gram (one UTF-16
//!   code unit of normalised text, or two adjacent ones, of one field) to
//!   the documents holding it; gram `g` is in shard `fnv1a(g) % S`. Keys and
//!   postings are written in `ALPHABET` (no digits, no text), varints of
//!   5 bits a character, the sixth bit saying another follows. A key is the
//!   gram's code units, a posting per document: the document's id minus the
//!   previous one's, the number of fields, then per field `10 * f + c - 1`,
//!   `f` 0 the title, 1 the document number, `2 + i` section `i`, `c` the
//!   gram's non-overlapping count in the section's text plus three times
//!   that in its heading, capped at 10 (1 for the title and number).
//! - `q/<h>.json`, position shards: for the bigrams of shard `h`, per
//!   document the id difference and the number of fields, then per field
//!   its number `f`, the count and position differences of the bigram in
//!   the text, then the same for the heading (UTF-16 offsets). A large
//!   shard of several bigrams is written as parts `q/<h>-<j>.json`, bigram
//!   `g` in part `(fnv1a(g) / S) % P` (`parts.rs`), so that a bigram found
//!   on most pages does not bring another with it.
//!
//! The client (`static/search.js`) scores a one- or two-character term from
//! its posting; a longer term from the positions of bigrams covering it
//! (the first and the last pair and no character missed between them,
//! chosen so that their shards, by the manifest's sizes, are the fewest
//! bytes), counting where they stand one after another as `indexOf` would.
//! Both give a posting of the same form, so every query is ranked from
//! postings alone; only the chunks of the 50 results shown are fetched,
//! those of the first screen before the others. The results are exactly
//! those of scanning every document (tests/browser/search_identity.mjs
//! checks it).

use super::pages::Pages;
use rayon::prelude::*;
use serde::Serialize;

mod grams;
mod parts;
mod shards;
mod text;

use shards::shards;
pub use text::norm;

/// A chunk is closed once its documents' JSON reaches this many bytes.
const CHUNK_BYTES: usize = 4 * 1024;
/// Shards are sized for about this many bytes of postings each.
const SHARD_BYTES: usize = 12 * 1024;
const MAX_SHARDS: usize = 4096;
/// Counts above this add nothing to a score (a section adds at most 10).
const MAX_COUNT: u32 = 10;
/// The characters of keys and postings: 64 of them, no digits (no number
/// for the leak gate to misread), nothing JSON escapes.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-./";
pub const MANIFEST: &str = "search/index.json";

#[derive(Serialize)]
pub struct Doc<'a> {
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
struct Manifest {
    v: u32,
    docs: usize,
    shards: usize,
    chunks: Vec<usize>,
    /// Per position shard its number of parts and each part's size in KiB
    /// (rounded up), as varints in `ALPHABET`: the client covers a long
    /// term with the bigrams whose parts cost least to fetch.
    q: String,
}

/// The searchable documents, in the order the client numbers them.
pub fn docs<'a>(pages: &'a Pages, root: &str) -> Vec<Doc<'a>> {
    pages
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
        .collect()
}

/// Every file of the index: (path in the output, text), the manifest first.
pub fn build(pages: &Pages, root: &str) -> Vec<(String, String)> {
    files(&docs(pages, root))
}

pub fn files(docs: &[Doc]) -> Vec<(String, String)> {
    let ((chunks, sizes), shards) = rayon::join(|| chunks(docs), || shards(docs));
    let mut q = Vec::with_capacity(2 * shards.len());
    for (_, parts) in &shards {
        shards::varint(&mut q, parts.len() as u64);
        for part in parts {
            shards::varint(&mut q, part.len().div_ceil(1024) as u64);
        }
    }
    let q = String::from_utf8(q).unwrap_or_default();
    let manifest = Manifest { v: 4, docs: docs.len(), shards: shards.len(), chunks: sizes, q };
    let mut files = Vec::with_capacity(1 + chunks.len() + 2 * shards.len());
    files.push((MANIFEST.to_string(), serde_json::to_string(&manifest).unwrap_or_default()));
    files.extend(chunks.into_iter().enumerate().map(|(i, c)| (format!("search/c/{i}.json"), c)));
    for (i, (postings, parts)) in shards.into_iter().enumerate() {
        files.push((format!("search/p/{i}.json"), postings));
        if parts.len() == 1 {
            files.extend(parts.into_iter().map(|p| (format!("search/q/{i}.json"), p)));
        } else {
            files.extend(parts.into_iter().enumerate().map(|(j, p)| (format!("search/q/{i}-{j}.json"), p)));
        }
    }
    files
}

/// The documents' JSON grouped into chunks, and the number in each.
fn chunks(docs: &[Doc]) -> (Vec<String>, Vec<usize>) {
    let json: Vec<String> = docs.par_iter().map(|d| serde_json::to_string(d).unwrap_or_default()).collect();
    let (mut chunks, mut sizes) = (Vec::new(), Vec::new());
    let mut current = String::from("[");
    let mut n = 0;
    for doc in json {
        if n > 0 {
            current.push(',');
        }
        current.push_str(&doc);
        n += 1;
        if current.len() >= CHUNK_BYTES {
            current.push(']');
            chunks.push(std::mem::replace(&mut current, String::from("[")));
            sizes.push(std::mem::take(&mut n));
        }
    }
    if n > 0 || chunks.is_empty() {
        current.push(']');
        chunks.push(current);
        sizes.push(n);
    }
    (chunks, sizes)
}

#[cfg(test)]
mod tests {
    use super::grams::{bigram, unigram, Scratch, HEAD};
    use super::shards::{fnv, shard_of};
    use super::text::norm_any;
    use super::*;

    fn doc<'a>(t: &'a str, n: &'a str, s: Vec<[&'a str; 3]>) -> Doc<'a> {
        Doc { t, u: "/x/".into(), k: "政策文件", n, d: "2025年1月1日".into(), s }
    }

    /// The entry for 助学 in its shard's postings or (`positions`) in the
    /// part of its position shard that holds it.
    fn zhuxue(shards: &[(String, Vec<String>)], positions: bool) -> String {
        let mut key = String::new();
        varint(&mut key, '助' as u64);
        varint(&mut key, '学' as u64);
        let gram = bigram('助' as u16, '学' as u16);
        let (postings, parts) = &shards[shard_of(gram, shards.len())];
        let shard = if positions { &parts[(fnv(gram) as usize / shards.len()) % parts.len()] } else { postings };
        let mut map: std::collections::HashMap<String, String> = serde_json::from_str(shard).unwrap();
        map.remove(&key).unwrap()
    }

    #[test]
    fn counts_are_non_overlapping_like_index_of() {
        let (text, head) = (norm("aaaa ａＡ"), norm("aaa"));
        let mut s = Scratch::default();
        s.reset(text.len() + head.len());
        s.read(&text, 0);
        s.read(&head, HEAD);
        let slot = |g: u64| s.slots.iter().find(|x| x.gram == g).copied().unwrap();
        let aa = bigram('a' as u16, 'a' as u16);
        assert_eq!(slot(aa).count, 6, "aaaa has two, aa (full-width, lowered) one, aaa one (×3)");
        assert_eq!(slot(unigram('a' as u16)).count, 15);
        assert_eq!(slot(aa).positions, 3 + 1 + 2, "every position kept, overlapping or not");
    }

    /// Keys and postings as a string, as the shards hold them.
    fn varint(out: &mut String, v: u64) {
        let mut bytes = Vec::new();
        super::shards::varint(&mut bytes, v);
        out.push_str(std::str::from_utf8(&bytes).unwrap());
    }

    #[test]
    fn the_fast_lower_case_is_the_standard_one() {
        for text in ["示教发〔2025〕5号 ＡＢｃ “资助”…　ｘ", "ABC def ｶﾅ ㎡", "Ä İ Σ ΣΑΣ ß", "资助 Straße"]
        {
            assert_eq!(norm(text), norm_any(text), "{text}");
        }
        assert_eq!(norm("ＡＢ"), "ab".encode_utf16().collect::<Vec<_>>());
    }

    #[test]
    fn chunks_hold_every_document_in_order() {
        let text = "资助".repeat(4000);
        let docs: Vec<Doc> = (0..5).map(|_| doc("标题", "", vec![["", "", text.as_str()]])).collect();
        let (chunks, sizes) = chunks(&docs);
        assert_eq!(sizes.iter().sum::<usize>(), 5);
        assert!(chunks.len() > 1, "24 KB a document makes one chunk each");
        let all: Vec<serde_json::Value> =
            chunks.iter().flat_map(|c| serde_json::from_str::<Vec<serde_json::Value>>(c).unwrap()).collect();
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn postings_hold_no_digits_and_no_text() {
        let docs = vec![doc("示例县管理办法", "示教发〔2025〕5号", vec![["article-1", "第一条", "电话13812345678"]])];
        for (path, text) in
            files(&docs).iter().filter(|(p, _)| p.starts_with("search/p/") || p.starts_with("search/q/"))
        {
            assert!(!text.chars().any(|c| c.is_ascii_digit() || !c.is_ascii()), "{path}: {text}");
        }
    }

    #[test]
    fn positions_give_each_field_its_text_and_heading_hits() {
        let docs = vec![doc("助学", "", vec![["", "助学金", "关于助学，助学"]])];
        let entry = zhuxue(&shards(&docs), true);
        let mut want = String::new();
        // doc 0, two fields; title: one at 0, none in a heading; section 0:
        // text at 2 and 5 (deltas 2, 3), heading at 0.
        for v in [0, 2, 0, 1, 0, 0, 2, 2, 2, 3, 1, 0] {
            varint(&mut want, v);
        }
        assert_eq!(entry, want);
    }

    #[test]
    fn the_manifest_gives_each_position_shards_parts_and_their_sizes_in_kib() {
        let text = "助学金申请".repeat(2000);
        let docs: Vec<Doc> = (0..40).map(|_| doc("标题", "", vec![["", "", text.as_str()]])).collect();
        let files = files(&docs);
        let manifest: serde_json::Value = serde_json::from_str(&files[0].1).unwrap();
        let shards = manifest["shards"].as_u64().unwrap();
        let (mut want, mut named) = (String::new(), 0);
        for i in 0..shards {
            let parts: Vec<&String> = files
                .iter()
                .filter(|(p, _)| *p == format!("search/q/{i}.json") || p.starts_with(&format!("search/q/{i}-")))
                .map(|(_, text)| text)
                .collect();
            varint(&mut want, parts.len() as u64);
            for part in &parts {
                varint(&mut want, part.len().div_ceil(1024) as u64);
            }
            named += parts.len();
        }
        assert!(shards > 1 && want.len() as u64 > 2 * shards, "several shards, some over 32 KiB");
        assert_eq!(manifest["q"], want.as_str());
        assert_eq!(named, files.iter().filter(|(p, _)| p.starts_with("search/q/")).count());
    }

    #[test]
    fn a_name_in_a_text_stands_whole_in_its_chunk_for_the_guard() {
        let docs = vec![doc("通知", "", vec![["", "", "请张小明同学到校"]])];
        let files = files(&docs);
        assert!(files.iter().any(|(p, t)| p.starts_with("search/c/") && t.contains("请张小明同学到校")));
        assert!(files.iter().filter(|(p, _)| !p.starts_with("search/c/")).all(|(_, t)| t.is_ascii()));
    }

    #[test]
    fn a_posting_gives_fields_and_capped_counts() {
        let text = "助学金".repeat(12);
        let docs = vec![doc("无关", "", vec![]), doc("助学金办法", "", vec![["", "助学", text.as_str()]])];
        let entry = zhuxue(&shards(&docs), false);
        let mut want = String::new();
        for v in [1, 2, 0, 10 * 2 + 9] {
            varint(&mut want, v);
        }
        assert_eq!(entry, want, "doc 1, two fields: title, section 0 with 12 + 3 hits capped at 10");
    }
}

#[cfg(test)]
mod timing {
    use super::{chunks, shards, Doc};

    /// `SEARCH_CHUNKS=<site>/public/search/c cargo test --release timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn time_the_index_of_a_built_site() {
        let dir = std::env::var("SEARCH_CHUNKS").unwrap();
        let mut all: Vec<serde_json::Value> = Vec::new();
        for i in 0.. {
            let Ok(text) = std::fs::read_to_string(format!("{dir}/{i}.json")) else { break };
            all.extend(serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap());
        }
        let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
        let owned: Vec<(String, String, Vec<[String; 3]>)> = all
            .iter()
            .map(|d| {
                (
                    s(&d["t"]),
                    s(&d["n"]),
                    d["s"].as_array().unwrap().iter().map(|x| [s(&x[0]), s(&x[1]), s(&x[2])]).collect(),
                )
            })
            .collect();
        let docs: Vec<Doc> = owned
            .iter()
            .map(|(t, n, secs)| Doc {
                t,
                u: String::new(),
                k: "",
                n,
                d: String::new(),
                s: secs.iter().map(|[a, b, c]| [a.as_str(), b.as_str(), c.as_str()]).collect(),
            })
            .collect();
        for _ in 0..5 {
            let t0 = std::time::Instant::now();
            let c = chunks(&docs);
            let t1 = t0.elapsed();
            let sh = shards(&docs);
            eprintln!("chunks {:?} shards {:?} ({} chunks, {} shards)", t1, t0.elapsed() - t1, c.0.len(), sh.len());
        }
    }
}
