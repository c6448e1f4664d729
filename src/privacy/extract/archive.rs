//! Zip files: every member inflated under the shared byte budget, then
//! read as an office package (docx, xlsx, pptx, OpenDocument, EPUB) or,
//! for a plain zip, each member as a file of its own.

use super::{guarded, office, read_any, too_big, Ctx, Found, Outcome, MAX_DEPTH};
use std::io::Read;

/// Most members one zip may hold.
const MAX_MEMBERS: usize = 20_000;

pub(super) struct Member {
    /// Path inside the zip, `/`-separated, as the staff's tool wrote it
    /// (GBK names from Chinese Windows are decoded).
    pub name: String,
    pub bytes: Vec<u8>,
}

pub(super) fn read(bytes: &[u8], depth: usize, ctx: &mut Ctx) -> Outcome {
    let members = inflate(bytes, ctx)?;
    if office::is_package(&members) {
        return office::read(bytes, &members, depth, ctx);
    }
    if depth >= MAX_DEPTH {
        return Err(format!("压缩包嵌套超过 {MAX_DEPTH} 层，无法读取"));
    }
    let mut found = Found::default();
    for m in &members {
        match read_any(&m.name, &m.bytes, depth + 1, ctx) {
            Ok(inner) => found.absorb(&m.name, inner),
            Err(why) => return Err(format!("压缩包中的“{}”：{why}", m.name)),
        }
    }
    Ok(found)
}

/// Every file in the zip, inflated. The declared sizes are checked first
/// (a cheap refusal of an honest bomb); the bytes actually inflated are
/// counted too, since declared sizes can lie.
pub(super) fn inflate(bytes: &[u8], ctx: &mut Ctx) -> Result<Vec<Member>, String> {
    guarded("解压", || {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| format!("压缩文件已损坏或不完整，无法打开（{e}）"))?;
        if zip.len() > MAX_MEMBERS {
            return Err(format!("压缩包里的文件超过 {MAX_MEMBERS} 个，无法读取"));
        }
        let mut declared = 0u64;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(|e| format!("压缩文件已损坏（{e}）"))?;
            if entry.encrypted() {
                return Err(format!("压缩包中的“{}”设置了密码，无法读取", member_name(&entry)));
            }
            declared = declared.saturating_add(entry.size());
        }
        if declared > ctx.inflate_left {
            return Err(too_big());
        }
        let mut members = Vec::with_capacity(zip.len());
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).map_err(|e| format!("压缩包中第 {} 个文件无法读取（{e}）", i + 1))?;
            if entry.is_dir() {
                continue;
            }
            let name = member_name(&entry);
            let limit = ctx.inflate_left;
            let mut data = Vec::with_capacity(entry.size().min(limit).min(64 << 20) as usize);
            (&mut entry)
                .take(limit.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|e| format!("压缩包中的“{name}”已损坏，无法解压（{e}）"))?;
            ctx.spend(data.len() as u64)?;
            members.push(Member { name, bytes: data });
        }
        Ok(members)
    })
}

/// A member's name: UTF-8 when it is, else GB18030 (zip tools on Chinese
/// Windows write names in the system code page without saying so).
fn member_name<R: Read>(entry: &zip::read::ZipFile<'_, R>) -> String {
    let raw = entry.name_raw();
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(raw).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, zip_of};
    use super::super::{extract, Extracted, MAX_INFLATED};

    fn unreadable(name: &str, bytes: &[u8]) -> String {
        match extract(name, bytes) {
            Extracted::Unreadable { why } => why,
            Extracted::Readable { pieces, .. } => panic!("{name} was read: {pieces:?}"),
        }
    }

    #[test]
    fn zip_members_are_read_with_labels() {
        let inner = zip_of(&[("通知.txt", "联系电话 13812345678".as_bytes())]);
        let outer = zip_of(&[("a/说明.md", "# 说明".as_bytes()), ("inner.zip", &inner)]);
        let Extracted::Readable { pieces, .. } = extract("附件.zip", &outer) else { panic!() };
        let labels: Vec<&str> = pieces.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["a/说明.md", "inner.zip › 通知.txt"]);
        assert_eq!(pieces[1].text, "联系电话 13812345678");
    }

    #[test]
    fn zip_holding_an_xlsx_reads_its_sheets() {
        let xlsx = fixtures::xlsx_with_hidden_sheet();
        let outer = zip_of(&[("材料/名单.xlsx", &xlsx)]);
        let Extracted::Readable { pieces, sheets } = extract("名单.zip", &outer) else { panic!() };
        let hidden =
            pieces.iter().find(|p| p.label == "材料/名单.xlsx › 原始数据（隐藏）").expect("hidden sheet piece");
        assert!(hidden.text.contains("11010519491231002X"), "{}", hidden.text);
        assert!(sheets.iter().any(|s| s.label == "材料/名单.xlsx › 公示"));
    }

    #[test]
    fn gbk_member_names_are_decoded() {
        let (gbk_name, _, _) = encoding_rs::GBK.encode("名单.txt");
        let zip = fixtures::zip_with_raw_name(&gbk_name, b"13812345678");
        let Extracted::Readable { pieces, .. } = extract("a.zip", &zip) else { panic!() };
        assert_eq!(pieces[0].label, "名单.txt");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_unreadable() {
        let mut z = zip_of(&[("名单.csv", "张三,11010519491231002X".as_bytes())]);
        for _ in 0..2 {
            z = zip_of(&[("下一层.zip", &z)]);
        }
        // Three archives deep: still read.
        assert!(matches!(extract("a.zip", &z), Extracted::Readable { .. }));
        let z = zip_of(&[("下一层.zip", &z)]);
        let why = unreadable("a.zip", &z);
        assert!(why.contains("嵌套超过 3 层"), "{why}");
    }

    #[test]
    fn zip_bomb_is_unreadable_alone_and_split_over_nested_zips() {
        // 300 members of 1 MiB of zeros each, compressed once and copied.
        let bomb = fixtures::zip_bomb(300);
        assert!(bomb.len() < 2 << 20, "the bomb itself is small: {}", bomb.len());
        let why = unreadable("bomb.zip", &bomb);
        assert!(why.contains("压缩炸弹"), "{why}");
        // The same members split over two nested zips, whose sizes the outer
        // zip's headers do not show: the budget is shared by all levels.
        let split = zip_of(&[("a.zip", &fixtures::zip_bomb(150)), ("b.zip", &fixtures::zip_bomb(150))]);
        let why = unreadable("bomb.zip", &split);
        assert!(why.contains("压缩炸弹"), "{why}");
        const { assert!(MAX_INFLATED < 300 << 20) };
    }

    #[test]
    fn member_with_lying_size_is_unreadable() {
        // 1 MiB declared as 1000 bytes: the zip reader stops at the declared
        // size and reports the lie (the inflated-byte count is the second
        // line of defence, for readers that would not).
        let lying = fixtures::shrink_declared_sizes(&fixtures::zip_bomb(1));
        let why = unreadable("lying.zip", &lying);
        assert!(why.contains("0.bin") && why.contains("损坏"), "{why}");
    }

    #[test]
    fn zip_with_too_many_members_is_unreadable() {
        let names: Vec<String> = (0..=super::MAX_MEMBERS).map(|i| format!("{i}.txt")).collect();
        let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let why = unreadable("many.zip", &zip_of(&members));
        assert!(why.contains("超过 20000 个"), "{why}");
    }

    #[test]
    fn encrypted_member_is_unreadable() {
        let why = unreadable("a.zip", &fixtures::zip_encrypted());
        assert!(why.contains("设置了密码"), "{why}");
    }

    #[test]
    fn truncated_or_corrupt_zip_is_unreadable() {
        let zip = zip_of(&[("名单.csv", "张三,11010519491231002X\n".repeat(50).as_bytes())]);
        let why = unreadable("a.zip", &zip[..zip.len() / 2]);
        assert!(why.contains("损坏"), "{why}");
        let mut corrupt = zip.clone();
        // Flip bytes in the compressed data: the checksum or inflater fails.
        let mid = 60;
        for b in &mut corrupt[mid..mid + 8] {
            *b ^= 0x5A;
        }
        let why = unreadable("a.zip", &corrupt);
        assert!(why.contains("损坏") || why.contains("出错"), "{why}");
    }

    #[test]
    fn image_inside_a_plain_zip_makes_it_unreadable() {
        let zip = zip_of(&[("说明.txt", "说明".as_bytes()), ("扫描件.png", &fixtures::PNG_1X1)]);
        let why = unreadable("a.zip", &zip);
        assert!(why.contains("扫描件.png") && why.contains("图片"), "{why}");
    }
}
