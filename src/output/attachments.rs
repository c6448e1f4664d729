//! Files published as they are (a site's `static/`, a theme's static
//! files, and what the build writes besides pages): their text, whatever
//! the format, is read for the leak gate and the name guard. A file whose
//! text cannot be read is refused unless a person has checked it and the
//! site lists its SHA-256 under `[reviewed_attachments]`; a spreadsheet or
//! table that looks like a recipient list is refused outright (lists are
//! published from `content/lists/`, masked, and taken down on time).

use crate::diag::Diagnostic;
use crate::privacy::extract::{self, Extracted, Piece};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The text of a published file, or why it may not be published.
pub fn text_of(rel: &str, bytes: &[u8], reviewed: &BTreeMap<String, String>) -> Result<Vec<Piece>, Diagnostic> {
    let shown = format!("public/{rel}");
    match extract::extract(rel, bytes) {
        Extracted::Readable { pieces, sheets } => match sheets.iter().find(|s| extract::looks_like_roster(s)) {
            Some(sheet) => {
                let place = if sheet.label.is_empty() { String::new() } else { format!("（{}）", sheet.label) };
                Err(Diagnostic::new(
                    shown,
                    0,
                    format!("附件{place}看起来是一份学生名单（有姓名列和多行数据），不能作为附件发布"),
                )
                .with_hint("名单请放在 content/lists/ 中公示：自动打码、公示期满自动撤下；原始名单不要放进 static/"))
            }
            None => Ok(pieces),
        },
        Extracted::Unreadable { why } => {
            let hash = sha256_hex(bytes);
            if reviewed.get(rel).is_some_and(|h| h.trim().eq_ignore_ascii_case(&hash)) {
                return Ok(Vec::new());
            }
            let changed = if reviewed.contains_key(rel) { "文件在核对之后改动过；" } else { "" };
            Err(Diagnostic::new(shown, 0, format!("无法读取附件中的文字（{why}），不能确认其中没有个人信息"))
                .with_hint(format!(
                    "{changed}请人工核对该文件不含身份证号、电话、银行卡号、住址、家庭困难情况和学生姓名；核对无误后在 site-config.toml 中加入\n  [reviewed_attachments]\n  \"{rel}\" = \"{hash}\"\n  能转成文字的，更好的办法是发布 Word/PDF 文字版"
                )))
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_files_need_a_matching_review() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
        let refused = text_of("附件/图.png", png, &BTreeMap::new()).unwrap_err();
        assert_eq!(refused.file, "public/附件/图.png");
        let hint = refused.hint.unwrap();
        assert!(hint.contains(&format!("\"附件/图.png\" = \"{}\"", sha256_hex(png))), "{hint}");
        let reviewed: BTreeMap<String, String> = [("附件/图.png".to_string(), sha256_hex(png))].into();
        assert!(text_of("附件/图.png", png, &reviewed).unwrap().is_empty());
        let other: BTreeMap<String, String> = [("附件/图.png".to_string(), sha256_hex(b"old"))].into();
        assert!(text_of("附件/图.png", png, &other).unwrap_err().hint.unwrap().contains("改动过"));
    }

    #[test]
    fn a_list_as_an_attachment_is_refused() {
        let csv = "姓名,班级\n张小明,1班\n李四,2班\n王五,3班\n";
        let e = text_of("附件/名单.csv", csv.as_bytes(), &BTreeMap::new()).unwrap_err();
        assert!(e.message.contains("看起来是一份学生名单"), "{e}");
        let text = text_of("附件/说明.txt", "本学期资助工作安排".as_bytes(), &BTreeMap::new()).unwrap();
        assert_eq!(text.len(), 1);
    }

    #[test]
    fn hashes_are_sha256() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
