//! Text extraction for the leak gate: whatever a file is, the text a reader
//! of the published copy could get out of it.
//!
//! [`extract`] looks at the bytes first and at the name only for the label:
//! a renamed workbook (`名单.csv.bak`), a file without an extension or a
//! `.csv` saved as UTF-16 are read for what they are.
//!
//! | content (by magic bytes) | read as |
//! |---|---|
//! | zip (`PK\x03\x04`) holding `[Content_Types].xml`, `mimetype` or `META-INF/manifest.xml` | an office package: xlsx/xlsm/xlsb cells of **every** sheet (hidden ones too, labelled `名称（隐藏）`) through calamine; the text of every other XML part (docx, pptx, odt, ods, odp, epub; headers, footers, notes, comments, charts, metadata such as the author; an xlsx's page headers, shared strings no cell shows, pivot caches); Word, PowerPoint and OpenDocument tables as [`Sheet`]s; embedded objects (`…/embeddings/…`) as files of their own |
//! | any other zip | each member as a file of its own, labelled `member › …`; GBK member names decoded |
//! | OLE2 (`D0 CF 11 E0`) | a legacy `.xls` through calamine, every sheet; a legacy `.doc`/`.ppt` or a password-protected office file is unreadable, with a hint |
//! | `%PDF` (anywhere in the first KiB) | the text layer of every page through `pdf-extract`, one piece per page |
//! | `{\rtf` | RTF: text, `\'xx` bytes in the font's or document's code page, `\uN` escapes; table rows as a [`Sheet`] |
//! | PNG, JPEG, GIF, WebP, BMP, TIFF, ICO, HEIF; WOFF, TTF, OTF; audio, video; gzip, 7z, RAR, tar … | unreadable |
//! | anything else | text in UTF-8 (BOM or not), UTF-16/32 (BOM, or UTF-16 told by its NUL bytes), else GB18030; bytes that are none of these are unreadable |
//!
//! Text also yields [`Sheet`]s: tab- or comma-delimited rows, Markdown
//! pipe tables, and (for markup not named as a web asset, such as a web
//! page or Excel 2003 XML saved as `名单.xls`) HTML and SpreadsheetML
//! tables. Files named as web assets (`.html .htm .css .js .json .xml
//! .svg .webmanifest .map`) are only decoded: their pieces are the text
//! as written, markup included.
//!
//! Limits against hostile files: a zip inflates to at most
//! [`MAX_INFLATED`] bytes in all (nested members and PDF streams
//! included) and nests at most [`MAX_DEPTH`] archives deep; a workbook or
//! document yields at most [`MAX_CELLS`] cells, and a legacy `.xls` whose
//! sheets calamine would lay out as more cells, or whose sector chains
//! loop, is refused before calamine sees it; a PDF whose structure would
//! make the reader recurse for ever (looping page tree, forms drawing
//! themselves) is refused. Third-party parsers run under `catch_unwind`: a
//! panic inside one makes the file unreadable, never the build crash.
//!
//! Known limits: pictures inside documents and on PDF pages that have text
//! are not read (a PDF page, or a document body, with pictures and no text
//! at all is unreadable: a scan); the object streams a PDF reader unpacks
//! while loading the file are not counted against the budget; an
//! OpenDocument sheet's hidden flag is not shown in its label (its cells
//! are read all the same); UTF-16 without a BOM is told by the NUL bytes of
//! its ASCII characters, so such a file with no ASCII at all (no digit, no
//! line break) is not recognised; a parser stuck in a loop without
//! allocating is not stopped (no time limit).

mod archive;
mod office;
mod ole;
mod pdf;
mod roster;
mod rtf;
mod sheet;
mod text;
mod xml;

#[cfg(test)]
mod fixtures;

pub use roster::looks_like_roster;

use std::cell::Cell;
use std::panic::AssertUnwindSafe;

/// Text found in one place inside a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Where inside the file: a sheet name (`Sheet1`, `原始数据（隐藏）`), a
    /// part (`word/document.xml`), a page (`第 2 页`), an archive path
    /// (`a.xlsx › Sheet1`); empty when the piece is the whole file.
    pub label: String,
    pub text: String,
}

/// A table found in a file: a worksheet, a table in a document, the rows of
/// delimited text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Labelled like [`Piece::label`].
    pub label: String,
    /// Cells as text, trimmed; rows with no text are left out.
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extracted {
    Readable {
        pieces: Vec<Piece>,
        sheets: Vec<Sheet>,
    },
    /// No text can be read (image, scanned PDF, unknown binary, encrypted
    /// office file, zip bomb): the caller refuses it unless reviewed.
    Unreadable {
        /// Why, in Chinese, without the file name (e.g. "扫描版 PDF，没有可读取的文字").
        why: String,
    },
}

/// Most bytes a zip container may inflate to, all members and nested
/// archives together.
pub const MAX_INFLATED: u64 = 256 << 20;
/// Most archives nested in one another (a zip in a zip in a zip).
pub const MAX_DEPTH: usize = 3;
/// Most non-empty cells read from one workbook or document.
pub const MAX_CELLS: usize = 5_000_000;

/// Reads the text of one file that is about to be published. `file_name`
/// is used only for labels and to tell markup (whose tables are not
/// [`Sheet`]s) from other text; the content decides how it is read.
pub fn extract(file_name: &str, bytes: &[u8]) -> Extracted {
    let mut ctx = Ctx::new();
    match guarded("读取文件", || read_any(file_name, bytes, 0, &mut ctx)) {
        Ok(found) => Extracted::Readable { pieces: found.pieces, sheets: found.sheets },
        Err(why) => Extracted::Unreadable { why },
    }
}

/// What was read so far; an `Err` is the reason the file is unreadable.
type Outcome = Result<Found, String>;

#[derive(Debug, Default)]
struct Found {
    pieces: Vec<Piece>,
    sheets: Vec<Sheet>,
}

impl Found {
    fn text(label: impl Into<String>, text: String) -> Found {
        Found { pieces: vec![Piece { label: label.into(), text }], sheets: Vec::new() }
    }

    /// Appends `other` with its labels placed under `prefix`.
    fn absorb(&mut self, prefix: &str, other: Found) {
        self.pieces
            .extend(other.pieces.into_iter().map(|p| Piece { label: join_label(prefix, &p.label), text: p.text }));
        self.sheets
            .extend(other.sheets.into_iter().map(|s| Sheet { label: join_label(prefix, &s.label), rows: s.rows }));
    }

    fn has_text(&self) -> bool {
        self.pieces.iter().any(|p| !p.text.trim().is_empty()) || self.sheets.iter().any(|s| !s.rows.is_empty())
    }
}

fn join_label(prefix: &str, label: &str) -> String {
    match (prefix.is_empty(), label.is_empty()) {
        (true, _) => label.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix} › {label}"),
    }
}

/// State shared by one file's whole extraction: how many more bytes may be
/// inflated.
struct Ctx {
    inflate_left: u64,
}

impl Ctx {
    fn new() -> Ctx {
        Ctx { inflate_left: MAX_INFLATED }
    }

    /// Counts `n` more inflated bytes against the limit.
    fn spend(&mut self, n: u64) -> Result<(), String> {
        if n > self.inflate_left {
            self.inflate_left = 0;
            return Err(too_big());
        }
        self.inflate_left -= n;
        Ok(())
    }
}

fn too_big() -> String {
    format!("解压后超过 {} MiB（可能是压缩炸弹），无法全部读取", MAX_INFLATED >> 20)
}

/// The kinds of content told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zip,
    Ole,
    Pdf,
    Rtf,
    Image(&'static str),
    Font(&'static str),
    Media(&'static str),
    OtherArchive(&'static str),
    /// Not recognised by magic bytes: text, or an unknown binary.
    Other,
}

/// Tells a file's kind by its first bytes. The order matters: the
/// containers that hold text come first, then the formats refused outright.
fn sniff(b: &[u8]) -> Kind {
    if let Some(kind) = text_container(b) {
        return kind;
    }
    if let Some(name) = image_format(b) {
        return Kind::Image(name);
    }
    if let Some(name) = font_format(b) {
        return Kind::Font(name);
    }
    if let Some(name) = archive_format(b) {
        return Kind::OtherArchive(name);
    }
    if let Some(name) = media_format(b) {
        return Kind::Media(name);
    }
    Kind::Other
}

/// Whether `magic` is at `offset` in `b`.
fn magic_at(b: &[u8], offset: usize, magic: &[u8]) -> bool {
    b.get(offset..offset + magic.len()) == Some(magic)
}

/// The brand of an ISO media file (`ftyp` box), shared by HEIF/AVIF
/// pictures and MP4/MOV video.
fn ftyp_brand(b: &[u8]) -> Option<&[u8]> {
    if magic_at(b, 4, b"ftyp") {
        b.get(8..12)
    } else {
        None
    }
}

/// Zip, OLE2, PDF and RTF: the kinds whose text can be read.
fn text_container(b: &[u8]) -> Option<Kind> {
    let start = |magic: &[u8]| magic_at(b, 0, magic);
    if start(b"PK\x03\x04") || start(b"PK\x05\x06") || start(b"PK\x07\x08PK\x03\x04") {
        return Some(Kind::Zip);
    }
    if start(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Kind::Ole);
    }
    // A PDF reader accepts the header anywhere in the first kilobyte; a
    // text that merely mentions "%PDF-" does not also end with "%%EOF".
    let tail = &b[b.len().saturating_sub(1024)..];
    if start(b"%PDF-")
        || (b[..b.len().min(1024)].windows(5).any(|w| w == b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF"))
    {
        return Some(Kind::Pdf);
    }
    let text_start = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let text_start = &text_start[text_start.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    if text_start.starts_with(b"{\\rtf") {
        return Some(Kind::Rtf);
    }
    None
}

fn image_format(b: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| magic_at(b, offset, magic);
    let start = |magic: &[u8]| at(0, magic);
    if start(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else if start(&[0xFF, 0xD8, 0xFF]) {
        Some("JPEG")
    } else if start(b"GIF87a") || start(b"GIF89a") {
        Some("GIF")
    } else if start(b"RIFF") && at(8, b"WEBP") {
        Some("WebP")
    } else if start(b"II*\0") || start(b"MM\0*") {
        Some("TIFF")
    } else if start(b"BM") && is_bmp(b) {
        Some("BMP")
    } else if (start(&[0, 0, 1, 0]) || start(&[0, 0, 2, 0])) && b.get(4).is_some_and(|&n| n > 0) && b.get(5) == Some(&0)
    {
        Some("ICO")
    } else if matches!(ftyp_brand(b), Some(b"avif" | b"avis" | b"heic" | b"heix" | b"mif1" | b"msf1")) {
        Some("HEIF/AVIF")
    } else if start(b"8BPS") {
        Some("PSD")
    } else if start(b"\0\0\0\x0CjP  ") {
        Some("JPEG 2000")
    } else {
        None
    }
}

fn font_format(b: &[u8]) -> Option<&'static str> {
    let start = |magic: &[u8]| magic_at(b, 0, magic);
    if start(b"wOFF")
        || start(b"wOF2")
        || start(b"OTTO")
        || start(b"ttcf")
        || start(&[0, 1, 0, 0, 0])
        || start(b"true\0")
    {
        return Some(if start(b"wOFF") || start(b"wOF2") { "WOFF" } else { "TrueType/OpenType" });
    }
    None
}

/// Archives other than zip, which are not read.
fn archive_format(b: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| magic_at(b, offset, magic);
    let start = |magic: &[u8]| at(0, magic);
    if start(&[0x1F, 0x8B]) {
        Some("gzip")
    } else if start(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
        Some("7z")
    } else if start(b"Rar!\x1A\x07") {
        Some("RAR")
    } else if start(b"BZh") && at(4, b"1AY&SY") {
        Some("bzip2")
    } else if start(&[0xFD, b'7', b'z', b'X', b'Z', 0]) {
        Some("xz")
    } else if start(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Some("zstd")
    } else if at(257, b"ustar") {
        Some("tar")
    } else if start(b"MSCF") {
        Some("CAB")
    } else {
        None
    }
}

fn media_format(b: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| magic_at(b, offset, magic);
    let start = |magic: &[u8]| at(0, magic);
    if start(b"ID3") || (b.len() > 2 && b[0] == 0xFF && matches!(b[1], 0xFB | 0xF3 | 0xF2)) {
        Some("MP3")
    } else if start(b"OggS") {
        Some("Ogg")
    } else if start(b"fLaC") {
        Some("FLAC")
    } else if start(b"RIFF") && (at(8, b"WAVE") || at(8, b"AVI ")) {
        Some("WAV/AVI")
    } else if ftyp_brand(b).is_some() {
        Some("MP4/MOV")
    } else if start(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("MKV/WebM")
    } else if start(b"FLV\x01") {
        Some("FLV")
    } else {
        None
    }
}

/// A BMP header: the declared file size is near the real one and the
/// info header has a known size (so a text file starting "BM" stays text).
fn is_bmp(b: &[u8]) -> bool {
    let u32_at = |i: usize| b.get(i..i + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]));
    let size_ok = u32_at(2).is_some_and(|n| n as usize >= b.len().min(26) && n as usize <= b.len().saturating_mul(2));
    size_ok && u32_at(14).is_some_and(|n| matches!(n, 12 | 40 | 52 | 56 | 64 | 108 | 124))
}

/// Reads one file or archive member. `depth` counts the archives it sits in.
/// Only third-party parsers are guarded here: a panic in this module's own
/// code is a bug the tests must see.
fn read_any(name: &str, bytes: &[u8], depth: usize, ctx: &mut Ctx) -> Outcome {
    match sniff(bytes) {
        Kind::Zip => archive::read(bytes, depth, ctx),
        Kind::Ole => sheet::read_ole(bytes),
        Kind::Pdf => pdf::read(bytes, ctx),
        Kind::Rtf => Ok(rtf::read(bytes)),
        Kind::Image(f) => Err(format!("图片文件（{f}），无法读取其中的文字")),
        Kind::Font(f) => Err(format!("字体文件（{f}），不是可读取的文字")),
        Kind::Media(f) => Err(format!("音频或视频文件（{f}），无法读取其中的文字")),
        Kind::OtherArchive(f) => Err(format!("{f} 压缩文件无法读取；请改用 zip 格式，或解压后只放入需要公开的文件")),
        Kind::Other => text::read(name, bytes),
    }
}

thread_local! {
    /// Non-zero while a guarded parser runs on this thread: its panic
    /// message is not printed (the file is reported unreadable instead).
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

#[cfg(test)]
static CAUGHT_PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs a third-party parser; a panic inside it becomes the reason the file
/// is unreadable ("`what`时出错…").
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.try_with(Cell::get).unwrap_or(0) == 0 {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(q.get() + 1));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get() - 1));
    result.unwrap_or_else(|_| {
        #[cfg(test)]
        CAUGHT_PANICS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Err(format!("{what}时出错，文件可能已损坏"))
    })
}

#[cfg(test)]
mod tests;
