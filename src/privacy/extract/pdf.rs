//! PDF text through `pdf-extract` (which reads fonts' ToUnicode maps, so
//! Chinese text from Word, WPS and printers' PDF drivers comes out as
//! characters), one piece per page.
//!
//! Before any text is read the document is checked for what would make the
//! reader run away: compressed streams inflating past the byte budget, and
//! reference cycles (a page's parent chain, form objects drawing
//! themselves) that would recurse without end, which no `catch_unwind`
//! can stop. A page with no text but with images is a scanned page: the
//! file is unreadable, even if other pages have text.

use super::{guarded, Ctx, Found, Outcome, Piece};
use pdf_extract::{Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

pub(super) fn read(bytes: &[u8], ctx: &mut Ctx) -> Outcome {
    let doc = guarded("读取 PDF", || {
        let mut doc = Document::load_mem(bytes).map_err(|e| match e {
            pdf_extract::Error::Decryption(_) => locked(),
            e => format!("PDF 文件已损坏，无法读取（{e}）"),
        })?;
        if doc.is_encrypted() && doc.decrypt("").is_err() {
            return Err(locked());
        }
        Ok(doc)
    })?;
    check_inflated_size(&doc, ctx)?;
    check_cycles(&doc)?;
    let pages = guarded("读取 PDF", || Ok(doc.get_pages()))?;
    if pages.is_empty() {
        return Err("PDF 文件已损坏（找不到页面），无法读取".into());
    }
    let mut found = Found::default();
    let mut scanned = Vec::new();
    for (&number, &id) in &pages {
        let text = guarded("读取 PDF", || {
            let mut s = String::new();
            let mut out = pdf_extract::PlainTextOutput::new(&mut s);
            pdf_extract::output_doc_page(&doc, &mut out, number)
                .map_err(|e| format!("PDF 第 {number} 页无法读取（{e}）"))?;
            Ok(s)
        })?;
        if text.trim().is_empty() {
            if page_has_pictures(&doc, id) {
                scanned.push(number);
            }
            continue;
        }
        found.pieces.push(Piece { label: format!("第 {number} 页"), text });
    }
    if found.pieces.is_empty() {
        return Err("扫描版 PDF，没有可读取的文字".into());
    }
    if !scanned.is_empty() {
        let list: Vec<String> = scanned.iter().map(u32::to_string).collect();
        return Err(format!("PDF 第 {} 页是扫描图片，没有可读取的文字", list.join("、")));
    }
    Ok(found)
}

fn locked() -> String {
    "PDF 设置了打开密码，无法读取其中的文字；请去掉密码后再放入".into()
}

/// Inflates every Flate-compressed stream (as the text reader would) and
/// counts the bytes against the budget.
fn check_inflated_size(doc: &Document, ctx: &mut Ctx) -> Result<(), String> {
    for obj in doc.objects.values() {
        let Object::Stream(stream) = obj else { continue };
        let flate = match stream.dict.get(b"Filter") {
            Ok(Object::Name(n)) => n == b"FlateDecode",
            Ok(Object::Array(filters)) => filters.iter().any(|f| matches!(f, Object::Name(n) if n == b"FlateDecode")),
            _ => false,
        };
        if !flate {
            continue;
        }
        let limit = ctx.inflate_left;
        let mut counted = 0u64;
        let mut buf = [0u8; 64 * 1024];
        let mut inflater = flate2::read::ZlibDecoder::new(&stream.content[..]).take(limit.saturating_add(1));
        // A damaged stream ends the count early; the reader copes or fails later.
        while let Ok(n) = inflater.read(&mut buf) {
            if n == 0 {
                break;
            }
            counted += n as u64;
        }
        ctx.spend(counted)?;
    }
    Ok(())
}

/// Refuses documents whose structure would make the text reader recurse
/// for ever: a page whose parent chain loops, or objects drawn with `Do`
/// that draw one another in a cycle. The reader draws any stream named in
/// a resource dictionary's XObject entry, whatever its subtype, and one
/// without resources of its own draws with its caller's: such a stream
/// that draws anything at all is refused too.
fn check_cycles(doc: &Document) -> Result<(), String> {
    let broken = || "PDF 文件结构有循环引用（文件已损坏），无法读取".to_string();
    for (_, id) in doc.get_pages() {
        if let Err(pdf_extract::Error::ReferenceCycle(_)) = doc.get_page_resources(id) {
            return Err(broken());
        }
    }
    let drawn_by = |resources: &Dictionary| -> Vec<ObjectId> {
        resolve_dict(doc, resources.get(b"XObject").ok())
            .map(|x| x.iter().filter_map(|(_, v)| v.as_reference().ok()).collect())
            .unwrap_or_default()
    };
    let mut drawn: Vec<ObjectId> = Vec::new();
    for obj in doc.objects.values() {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        if let Some(resources) = own_resources(doc, dict) {
            drawn.extend(drawn_by(resources));
        }
    }
    drawn.sort();
    drawn.dedup();
    let mut draws: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
    for id in drawn {
        let Ok(Object::Stream(stream)) = doc.get_object(id) else { continue };
        match own_resources(doc, &stream.dict) {
            Some(resources) => {
                draws.insert(id, drawn_by(resources));
            }
            None => {
                let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
                if content.windows(2).any(|w| w == b"Do") {
                    return Err(broken());
                }
            }
        }
    }
    // Depth-first search for a cycle among forms (0 new, 1 on the path, 2 done).
    let mut state: BTreeMap<ObjectId, u8> = BTreeMap::new();
    for &root in draws.keys() {
        if state.contains_key(&root) {
            continue;
        }
        let mut stack: Vec<(ObjectId, usize)> = vec![(root, 0)];
        state.insert(root, 1);
        while let Some((node, next)) = stack.pop() {
            let targets = draws.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&target) = targets.get(next) {
                stack.push((node, next + 1));
                match state.get(&target) {
                    Some(1) => return Err(broken()),
                    Some(_) => {}
                    None => {
                        state.insert(target, 1);
                        stack.push((target, 0));
                    }
                }
            } else {
                state.insert(node, 2);
            }
        }
    }
    Ok(())
}

fn own_resources<'a>(doc: &'a Document, dict: &'a Dictionary) -> Option<&'a Dictionary> {
    resolve_dict(doc, dict.get(b"Resources").ok())
}

fn resolve_dict<'a>(doc: &'a Document, obj: Option<&'a Object>) -> Option<&'a Dictionary> {
    let (_, obj) = doc.dereference(obj?).ok()?;
    obj.as_dict().ok()
}

/// Whether a page draws external objects (a scanned page is one big image).
fn page_has_pictures(doc: &Document, page: ObjectId) -> bool {
    let Ok(page_dict) = doc.get_dictionary(page) else { return false };
    let mut node = Some(page_dict);
    for _ in 0..64 {
        let Some(dict) = node else { break };
        if let Some(resources) = resolve_dict(doc, dict.get(b"Resources").ok()) {
            return resolve_dict(doc, resources.get(b"XObject").ok()).is_some_and(|x| !x.is_empty())
                || page_content_has_inline_image(doc, page);
        }
        node = dict.get(b"Parent").ok().and_then(|p| p.as_reference().ok()).and_then(|id| doc.get_dictionary(id).ok());
    }
    page_content_has_inline_image(doc, page)
}

fn page_content_has_inline_image(doc: &Document, page: ObjectId) -> bool {
    doc.get_page_content(page).is_ok_and(|c| c.windows(4).any(|w| w == b"\nBI " || w == b" BI\n" || w == b"\nBI\n"))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::super::{extract, Extracted};

    fn unreadable(bytes: &[u8]) -> String {
        match extract("a.pdf", bytes) {
            Extracted::Unreadable { why } => why,
            Extracted::Readable { pieces, .. } => panic!("read: {pieces:?}"),
        }
    }

    #[test]
    fn pdf_text_in_latin_and_chinese_fonts_is_read_per_page() {
        let pdf =
            fixtures::pdf(&[fixtures::PdfPage::Text("ID 11010519491231002X"), fixtures::PdfPage::Chinese("张小明")]);
        let Extracted::Readable { pieces, .. } = extract("公示.pdf", &pdf) else { panic!("{}", unreadable(&pdf)) };
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0].label, "第 1 页");
        assert!(pieces[0].text.contains("11010519491231002X"), "{:?}", pieces[0].text);
        assert!(pieces[1].text.contains("张小明"), "{:?}", pieces[1].text);
    }

    #[test]
    fn pdf_without_text_is_a_scanned_pdf() {
        let pdf = fixtures::pdf(&[fixtures::PdfPage::Image, fixtures::PdfPage::Image]);
        assert_eq!(unreadable(&pdf), "扫描版 PDF，没有可读取的文字");
    }

    #[test]
    fn a_scanned_page_among_text_pages_is_unreadable() {
        let pdf =
            fixtures::pdf(&[fixtures::PdfPage::Text("notice"), fixtures::PdfPage::Image, fixtures::PdfPage::Blank]);
        let why = unreadable(&pdf);
        assert_eq!(why, "PDF 第 2 页是扫描图片，没有可读取的文字");
    }

    #[test]
    fn self_drawing_form_and_parent_cycle_are_refused_not_recursed() {
        let why = unreadable(&fixtures::pdf_with_form_cycle());
        assert!(why.contains("循环引用"), "{why}");
        let why = unreadable(&fixtures::pdf_with_parent_cycle());
        assert!(why.contains("循环引用") || why.contains("损坏"), "{why}");
    }

    #[test]
    fn pdf_stream_bomb_is_refused() {
        let why = unreadable(&fixtures::pdf_with_stream_bomb(300));
        assert!(why.contains("压缩炸弹"), "{why}");
    }

    #[test]
    fn pdf_with_an_open_password_is_unreadable_but_one_that_only_forbids_copying_is_read() {
        assert!(unreadable(&fixtures::pdf_encrypted("123456")).contains("打开密码"));
        let Extracted::Readable { pieces, .. } = extract("a.pdf", &fixtures::pdf_encrypted("")) else { panic!() };
        assert!(pieces[0].text.contains("13812345678"), "{pieces:?}");
    }

    #[test]
    fn truncated_pdf_is_unreadable() {
        let pdf = fixtures::pdf(&[fixtures::PdfPage::Text("11010519491231002X")]);
        // Cut inside the page's content stream: whatever the reader
        // recovers, the number is never reported as read from nothing.
        match extract("a.pdf", &pdf[..pdf.len() / 3]) {
            Extracted::Unreadable { why } => assert!(!why.is_empty()),
            Extracted::Readable { pieces, .. } => panic!("read a cut PDF: {pieces:?}"),
        }
    }
}
