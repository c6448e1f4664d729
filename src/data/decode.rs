//! Text encodings of CSV files: BOM first, then strict UTF-8, then
//! GB18030 (a superset of the GBK that Excel on Chinese Windows writes).

use std::borrow::Cow;

pub struct Decoded<'a> {
    /// Borrowed from the file's bytes when they are already UTF-8.
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, String> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(format!("文件开头标明是 {} 编码，但内容中有无法识别的字节", enc.name()));
        }
        return Ok(Decoded { text, encoding: enc.name() });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded { text: Cow::Borrowed(text), encoding: "UTF-8" });
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Decoded { text, encoding: "GB18030" }),
        None => Err("无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding_without_mojibake() {
        let text = "姓名,班级\n张三,高一（1）班\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for (bytes, enc) in
            [(text.as_bytes().to_vec(), "UTF-8"), (bom, "UTF-8"), (gbk.into_owned(), "GB18030"), (utf16, "UTF-16LE")]
        {
            let d = decode(&bytes).unwrap();
            assert_eq!(d.text, text, "{enc}");
            assert_eq!(d.encoding, enc);
        }
    }

    #[test]
    fn rejects_undecodable_bytes() {
        assert!(decode(&[0x81, 0x20, 0xFF, 0xFF]).is_err());
    }
}
