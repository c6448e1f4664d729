//! The name guard: no recipient's full name, of any list in the site
//! (active, ended, upcoming or draft), may stand in anything published,
//! except masked in its own list's table.
//!
//! Names are kept only as keyed fingerprints (`NameKey`): SipHash with a
//! secret key, so a fingerprint cannot be reversed by trying the few
//! billion plausible Chinese names without the key. The key lives outside
//! the site folder (see `key_store`), or, where no such place exists, is
//! random for one build and never stored.
//!
//! Matching: names and text are compared after removing whitespace
//! between Han characters (张 小 明) and writing every middle-dot form as
//! `·` (阿卜杜拉·买买提). A name of three or more characters is found
//! anywhere in a run of Han characters. A two-character name is found in
//! fields (titles, school names, folder and file names) anywhere, but in
//! free text only where it stands alone, between non-Han characters
//! (`<td>李四</td>`, `李四、王五`): as part of a longer run it is most
//! often an ordinary word (文明, 高明).

use crate::diag::{line_of, Diagnostic};
use crate::fingerprint::PrehashedBuild;
use crate::privacy::mask::{mask, NameMask};
use siphasher::sip::SipHasher13;
use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

mod key_store;
pub use key_store::stored_key;

/// The secret a name is fingerprinted with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct NameKey {
    k0: u64,
    k1: u64,
}

/// Tags that keep ID and text fingerprints apart from name fingerprints
/// (a name's first value is a character, never above U+10FFFF).
const ID_TAG: u32 = 0x0049_4400;
const BYTES_TAG: u32 = 0x6279_7465;
const TEXT_TAG: u32 = 0x0054_5800;
const VERDICT_TAG: u32 = 0x7665_7264;
const CONTENT_TAG: u32 = 0x636f_6e74;

/// A name's fingerprint and its length in characters (after normalising).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct NamePrint {
    pub len: u16,
    pub hash: u64,
}

impl NameKey {
    pub fn from_bytes(b: [u8; 16]) -> NameKey {
        let (a, c) = b.split_at(8);
        NameKey {
            k0: u64::from_le_bytes(a.try_into().unwrap_or_default()),
            k1: u64::from_le_bytes(c.try_into().unwrap_or_default()),
        }
    }

    /// A key for this build only, from the operating system's randomness
    /// (through the standard library's randomly keyed hasher).
    pub fn random() -> NameKey {
        use std::hash::BuildHasher;
        let s = std::collections::hash_map::RandomState::new();
        NameKey { k0: s.hash_one(0x9e37_79b9_u64), k1: s.hash_one(std::process::id()) }
    }

    /// Identifies the key without revealing it (cache entries made with
    /// another key are not used).
    pub fn check_value(&self) -> u64 {
        self.hash_chars(&['键'])
    }

    fn hash_chars(&self, chars: &[char]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        for c in chars {
            h.write_u32(*c as u32);
        }
        h.finish()
    }

    /// The fingerprint of an ID number, for comparing students across
    /// lists (`audit`) without the number: the same keyed SipHash as
    /// names, apart from them by a leading tag. The check character may
    /// be typed `x`. Never 0, which callers read as "no ID".
    pub fn id_print(&self, id: &str) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u32(ID_TAG);
        // One write of the upper-cased bytes: a province hashes millions.
        let mut buf = [0u8; 32];
        let id = id.trim().as_bytes();
        for chunk in id.chunks(buf.len()) {
            let upper = &mut buf[..chunk.len()];
            upper.copy_from_slice(chunk);
            upper.make_ascii_uppercase();
            h.write(upper);
        }
        h.finish().max(1)
    }

    /// The fingerprint of a published file's bytes, keyed so that no page
    /// can be made to pass for another one the guards have read.
    pub fn bytes_print(&self, bytes: &[u8]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u32(BYTES_TAG);
        h.write(bytes);
        h.finish()
    }

    /// A file's path and bytes (given in parts), keyed: what the guards'
    /// verdicts are remembered by, so that no other bytes can be made to
    /// have the print of bytes that passed.
    /// The same bytes in other parts have the same print: a file written
    /// in parts and read back whole are one file (the build stamp takes
    /// the prints of what was written for what it would read).
    pub fn content_print(&self, rel: &str, parts: &[&[u8]]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u32(CONTENT_TAG);
        h.write(rel.as_bytes());
        h.write_u8(0xff);
        h.write_u64(parts.iter().map(|p| p.len() as u64).sum());
        for p in parts {
            h.write(p);
        }
        h.finish()
    }

    /// A file that passed the guards: its bytes' print under the guards'
    /// rules, keyed so that no stored verdict can be made up for a file
    /// the guards have not read.
    pub fn verdict_print(&self, rules: u64, what: u64) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u32(VERDICT_TAG);
        h.write_u64(rules);
        h.write_u64(what);
        h.finish()
    }

    /// The fingerprint of a few texts together (a name with its class),
    /// for grouping without keeping them. Never 0.
    pub fn text_print(&self, parts: &[&str]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u32(TEXT_TAG);
        for p in parts {
            if p.contains(char::is_whitespace) {
                for c in p.chars().filter(|c| !c.is_whitespace()) {
                    h.write(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
            } else {
                h.write(p.as_bytes());
            }
            // A separator no text holds, so ("张三1", "班") and ("张三", "1班") differ.
            h.write_u8(0xff);
        }
        h.finish().max(1)
    }

    /// The fingerprint of a full name; None for a name of fewer than two
    /// characters (nothing to guard).
    pub fn print(&self, name: &str) -> Option<NamePrint> {
        let chars: Vec<char> = normalise(name).into_iter().map(|(c, _)| c).collect();
        (chars.len() >= 2).then(|| NamePrint { len: chars.len() as u16, hash: self.hash_chars(&chars) })
    }
}

/// A run of name characters and the byte offset of each.
#[derive(Default)]
struct Run {
    chars: Vec<char>,
    at: Vec<usize>,
}

impl Run {
    fn clear(&mut self) {
        self.chars.clear();
        self.at.clear();
    }
}

/// Characters of `text` as they are compared, each with its byte offset:
/// spaces between name characters within a line dropped, middle dots
/// unified.
fn normalise(text: &str) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::with_capacity(text.len() / 2);
    let mut pending_space = false;
    for (at, c) in text.char_indices() {
        // A line break always separates: only spaces within a line are
        // read as spacing out a name.
        if c == '\n' || c == '\r' {
            out.push((' ', at));
            pending_space = false;
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let c = if is_dot(c) { '·' } else { c };
        if pending_space && !(is_name_char(c) && out.last().is_some_and(|(p, _)| is_name_char(*p))) {
            out.push((' ', at));
        }
        pending_space = false;
        out.push((c, at));
    }
    out
}

fn is_dot(c: char) -> bool {
    matches!(c, '·' | '•' | '・' | '‧' | '∙' | '⋅' | '･' | '．')
}

/// Han characters (the basic and extension A blocks, compatibility
/// ideographs) and the middle dot of transliterated names.
fn is_name_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2EBEF}' | '·' | '〇')
}

/// How a text is read for names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Running text: two-character names only where they stand alone.
    Free,
    /// A short field (title, school, file name): every name anywhere.
    Field,
}

/// One name found: where (byte offset) and its masked form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub at: usize,
    pub masked: String,
    /// The list it belongs to, as registered.
    pub list: String,
    /// The name's fingerprint.
    pub hash: u64,
}

#[derive(Clone)]
pub struct NameGuard {
    key: NameKey,
    /// Fingerprint → the first list holding the name. Fingerprints are
    /// keyed hashes already: not hashed again (every window of every page
    /// is looked up here).
    names: HashMap<u64, u32, PrehashedBuild>,
    /// Name lengths present, ascending.
    lengths: Vec<usize>,
    lists: Vec<String>,
    /// Every list and fingerprint registered, in order, hashed together:
    /// the guard's verdict on a text is a function of this (and the text).
    digest: u64,
}

impl NameGuard {
    pub fn new(key: NameKey) -> NameGuard {
        NameGuard { key, names: HashMap::default(), lengths: Vec::new(), lists: Vec::new(), digest: 0 }
    }

    pub fn key(&self) -> &NameKey {
        &self.key
    }

    /// Room for `names` more fingerprints, so registering 50,000 names
    /// does not grow the table a dozen times.
    pub fn reserve(&mut self, names: usize) {
        self.names.reserve(names);
    }

    /// Registers a list by its names' fingerprints (made with this guard's key).
    pub fn add_list(&mut self, list: &str, prints: &[NamePrint]) {
        let id = self.lists.len() as u32;
        self.lists.push(list.to_string());
        self.digest = crate::fingerprint::Fnv::default().bytes(&self.digest.to_le_bytes()).str(list).finish();
        for p in prints {
            self.digest = crate::fingerprint::Fnv::resume(self.digest).word(p.hash ^ u64::from(p.len) << 56).finish();
            self.names.entry(p.hash).or_insert(id);
            if let Err(at) = self.lengths.binary_search(&(p.len as usize)) {
                self.lengths.insert(at, p.len as usize);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// What the guard looks for, as one value (see `digest`).
    pub fn digest(&self) -> u64 {
        self.digest
    }

    /// Every full name in `text`. `allowed`: fingerprints that may appear
    /// here (a list's own names on its own page when shown in full).
    pub fn find(&self, text: &str, kind: TextKind, allowed: &HashSet<u64>) -> Vec<Found> {
        let mut out = Vec::new();
        if self.names.is_empty() {
            return out;
        }
        // Runs of name characters, read as `normalise` reads them (spaces
        // within a line dropped, dots unified), one run at a time: a page
        // is never copied as a whole.
        let mut run = Run::default();
        for (at, c) in text.char_indices() {
            if c == '\n' || c == '\r' {
                self.scan_run(&run, (kind, allowed), &mut out);
                run.clear();
                continue;
            }
            if c.is_whitespace() {
                continue;
            }
            let c = if is_dot(c) { '·' } else { c };
            if is_name_char(c) {
                // Spaces between two name characters of a line are dropped.
                run.chars.push(c);
                run.at.push(at);
            } else {
                self.scan_run(&run, (kind, allowed), &mut out);
                run.clear();
            }
        }
        self.scan_run(&run, (kind, allowed), &mut out);
        out
    }

    /// The names in one run of name characters, longest first at each
    /// position.
    fn scan_run(&self, run: &Run, (kind, allowed): (TextKind, &HashSet<u64>), out: &mut Vec<Found>) {
        let chars = run.chars.as_slice();
        let mut start = 0;
        while start < chars.len() {
            let mut matched = 0;
            for &len in self.lengths.iter().rev() {
                if start + len > chars.len() || (len == 2 && kind == TextKind::Free && chars.len() != 2) {
                    continue;
                }
                let window = &chars[start..start + len];
                let hash = self.key.hash_chars(window);
                let Some(list) = self.names.get(&hash) else { continue };
                // Looked up second: the list's own names on its own page.
                if allowed.contains(&hash) {
                    continue;
                }
                let name: String = window.iter().collect();
                out.push(Found {
                    at: run.at[start],
                    masked: mask(&name, NameMask::Middle),
                    list: self.lists[*list as usize].clone(),
                    hash,
                });
                matched = len;
                break;
            }
            start += matched.max(1);
        }
    }

    /// `find` as diagnostics for a source file whose `text` starts at
    /// `first_line`, each with the name's fingerprint.
    pub fn check_source(&self, file: &str, text: &str, first_line: usize, kind: TextKind) -> Vec<(Diagnostic, u64)> {
        self.find(text, kind, &HashSet::new())
            .into_iter()
            .map(|f| {
                (Diagnostic::new(file, line_of(text, f.at) + first_line - 1, message(&f)).with_hint(hint(&f)), f.hash)
            })
            .collect()
    }
}

pub fn message(f: &Found) -> String {
    format!("出现了公示名单中学生的完整姓名“{}”", f.masked)
}

pub fn hint(f: &Found) -> String {
    format!("该学生在名单 {} 中；公开的页面、标题、文件名和附件都不能出现受助学生的完整姓名，请删去", f.list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(names: &[&str]) -> NameGuard {
        let key = NameKey::from_bytes([7; 16]);
        let mut g = NameGuard::new(key);
        let prints: Vec<NamePrint> = names.iter().filter_map(|n| key.print(n)).collect();
        g.add_list("lists/a/b", &prints);
        g
    }

    fn found(g: &NameGuard, text: &str, kind: TextKind) -> Vec<String> {
        g.find(text, kind, &HashSet::new()).into_iter().map(|f| f.masked).collect()
    }

    #[test]
    fn finds_full_names_with_line() {
        let g = guard(&["张小明", "李四", "欧阳志华"]);
        let found = g.check_source("n.md", "第一行\n表扬张小明同学和欧阳志华同学。李四也不错。", 5, TextKind::Free);
        assert_eq!(found.len(), 2, "李四 inside a longer run is not a name in free text");
        assert_eq!(found[0].0.line, 6);
        assert!(found[0].0.message.contains("张*明"));
        assert!(g.check_source("n.md", "张*明", 1, TextKind::Free).is_empty());
    }

    #[test]
    fn two_character_names_alone_in_text_and_anywhere_in_fields() {
        let g = guard(&["李四", "文明"]);
        assert_eq!(found(&g, "<td>李四</td>", TextKind::Free), ["李*"]);
        assert_eq!(found(&g, "说明\n李四\n", TextKind::Free), ["李*"]);
        assert_eq!(found(&g, "获奖：李四、王五", TextKind::Free), ["李*"]);
        assert!(found(&g, "创建文明校园", TextKind::Free).is_empty());
        assert_eq!(found(&g, "李四同学家庭经济困难学生名单", TextKind::Field), ["李*"]);
    }

    #[test]
    fn names_of_any_length_with_dots_and_spaces() {
        let g = guard(&["阿卜杜拉·买买提", "张小明", "司马相如丽"]);
        assert_eq!(found(&g, "学生阿卜杜拉•买买提获得", TextKind::Free), ["阿******提"]);
        assert_eq!(found(&g, "学生阿卜杜拉・买买提获得", TextKind::Free), ["阿******提"]);
        assert_eq!(found(&g, "<p>张 小 明</p>", TextKind::Free), ["张*明"]);
        assert_eq!(found(&g, "张　小　明同学", TextKind::Free), ["张*明"]);
        assert_eq!(found(&g, "奖给司马相如丽", TextKind::Free), ["司马**丽"]);
        assert!(found(&g, "张 小 明 is not 张小 and 张小", TextKind::Free).len() == 1);
    }

    #[test]
    fn allowed_prints_pass() {
        let g = guard(&["张小明"]);
        let allowed: HashSet<u64> = [g.key().print("张小明").unwrap().hash].into();
        assert!(g.find("<td>张小明</td>", TextKind::Free, &allowed).is_empty());
    }

    #[test]
    fn id_and_text_prints_are_keyed_and_apart_from_names() {
        let (a, b) = (NameKey::from_bytes([1; 16]), NameKey::from_bytes([2; 16]));
        assert_eq!(a.id_print("11010519491231002x"), a.id_print("11010519491231002X"));
        assert_ne!(a.id_print("11010519491231002X"), b.id_print("11010519491231002X"));
        assert_ne!(a.id_print("11010519491231002X"), a.id_print("110105194912310029"));
        assert_ne!(a.text_print(&["张三", "1班"]), a.text_print(&["张三1", "班"]));
        assert_eq!(a.text_print(&["张 三", "1班"]), a.text_print(&["张三", "1班"]));
        assert_ne!(a.text_print(&["张三"]), a.print("张三").unwrap().hash);
    }

    #[test]
    fn prints_depend_on_the_key() {
        let a = NameKey::from_bytes([1; 16]).print("张小明").unwrap();
        let b = NameKey::from_bytes([2; 16]).print("张小明").unwrap();
        assert_ne!(a.hash, b.hash);
        assert_eq!(a.len, 3);
        assert_eq!(NameKey::from_bytes([1; 16]).print("张 小明"), Some(a));
        assert_eq!(NameKey::from_bytes([1; 16]).print("张"), None);
    }

    #[test]
    fn content_prints_are_keyed_and_see_every_byte_but_not_the_parts() {
        let (a, b) = (NameKey::from_bytes([1; 16]), NameKey::from_bytes([2; 16]));
        let print = |k: &NameKey, rel: &str, parts: &[&[u8]]| k.content_print(rel, parts);
        assert_ne!(print(&a, "x.html", &[b"abc"]), print(&b, "x.html", &[b"abc"]), "another key");
        assert_ne!(print(&a, "x.html", &[b"abc"]), print(&a, "y.html", &[b"abc"]), "another path");
        assert_ne!(print(&a, "x.html", &[b"abc"]), print(&a, "x.html", &[b"abd"]));
        assert_eq!(print(&a, "x.html", &[b"ab", b"c"]), print(&a, "x.html", &[b"a", b"bc"]), "the same bytes");
        assert_eq!(print(&a, "x.html", &[b"abc"]), print(&a, "x.html", &[b"", b"abc", b""]));
        assert_ne!(print(&a, "x.html", &[b"abc"]), print(&a, "x.html", &[b"abc", b"\0"]));
        assert_ne!(print(&a, "x", &[b"y.html"]), print(&a, "xy.html", &[b""]));
    }
}
