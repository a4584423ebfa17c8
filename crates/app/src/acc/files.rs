//! Uploaded files: content sniffing by magic bytes (PDF, DOCX, XLSX, JPEG, PNG only), zip
//! inspection that refuses zip bombs, and storage outside the database under the file's SHA-256.
//!
//! Office documents are zip archives; the central directory is read here directly (no zip crate): every entry
//! must be stored or deflated, unencrypted, not ZIP64; the declared uncompressed total is capped, and so is the
//! compression ratio; then every entry is actually inflated with a cap at its declared size, so that a
//! directory that lies about sizes is caught too. `[Content_Types].xml` says whether it is a Word or an Excel
//! document.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest total an archive may unpack to (declared and actual).
pub const MAX_UNCOMPRESSED: u64 = 100 * 1024 * 1024;
/// Largest compression ratio of the whole archive, and of any entry bigger than [`RATIO_FLOOR`].
pub const MAX_RATIO: u64 = 100;
/// Entries smaller than this may compress better than [`MAX_RATIO`] (short repetitive XML does).
pub const RATIO_FLOOR: u64 = 1024 * 1024;
/// Most entries an archive may have.
pub const MAX_ENTRIES: usize = 10_000;

/// The file types nintei accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Pdf,
    Docx,
    Xlsx,
    Jpeg,
    Png,
}

impl MediaKind {
    pub fn mime(self) -> &'static str {
        match self {
            MediaKind::Pdf => "application/pdf",
            MediaKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            MediaKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MediaKind::Pdf => "PDF",
            MediaKind::Docx => "Word (DOCX)",
            MediaKind::Xlsx => "Excel (XLSX)",
            MediaKind::Jpeg => "JPEG",
            MediaKind::Png => "PNG",
        }
    }

    fn from_extension(ext: &str) -> Option<MediaKind> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "pdf" => MediaKind::Pdf,
            "docx" => MediaKind::Docx,
            "xlsx" => MediaKind::Xlsx,
            "jpg" | "jpeg" => MediaKind::Jpeg,
            "png" => MediaKind::Png,
            _ => return None,
        })
    }

    fn accepts_declared(self, declared: &str) -> bool {
        let declared = declared
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        declared.is_empty()
            || declared == "application/octet-stream"
            || declared == self.mime()
            || (self == MediaKind::Jpeg && declared == "image/jpg")
    }
}

/// Why a file was refused (400, with this message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRejection {
    #[error(
        "ファイル名の拡張子は .pdf .docx .xlsx .jpg .jpeg .png のいずれかです (only PDF, DOCX, XLSX, JPEG, PNG)"
    )]
    Extension,
    #[error(
        "ファイルの中身がPDF・DOCX・XLSX・JPEG・PNGのいずれでもありません (the content is not an accepted type)"
    )]
    Unknown,
    #[error(
        "ファイルの中身（{found}）が拡張子・種類（{declared}）と一致しません (content does not match its name or type)"
    )]
    Mismatch { found: &'static str, declared: String },
    #[error("圧縮ファイルとして読めません: {0} (not a readable archive)")]
    BadArchive(String),
    #[error("展開後の大きさまたは圧縮率が上限を超えています (zip bomb refused): {0}")]
    Bomb(String),
    #[error("空のファイルです (the file is empty)")]
    Empty,
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 2)?;
    Some(u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
}

fn usize_of(v: u64) -> Result<usize, FileRejection> {
    usize::try_from(v).map_err(|_| FileRejection::BadArchive("size".into()))
}

struct Entry {
    name: String,
    method: u64,
    compressed: u64,
    uncompressed: u64,
    local_offset: u64,
}

fn bad(msg: &str) -> FileRejection {
    FileRejection::BadArchive(msg.to_owned())
}

/// The central directory of a zip archive, with the bomb checks on declared sizes.
fn central_directory(b: &[u8]) -> Result<Vec<Entry>, FileRejection> {
    // The end-of-central-directory record: in the last 22 + 65535 bytes.
    let start = b.len().saturating_sub(22 + 65_535);
    let eocd = (start..b.len().saturating_sub(21))
        .rev()
        .find(|&i| b[i..].starts_with(&[0x50, 0x4b, 0x05, 0x06]))
        .ok_or_else(|| bad("no end of central directory"))?;
    let entries = u16_at(b, eocd + 10).ok_or_else(|| bad("truncated"))?;
    let cd_size = u32_at(b, eocd + 12).ok_or_else(|| bad("truncated"))?;
    let cd_offset = u32_at(b, eocd + 16).ok_or_else(|| bad("truncated"))?;
    if entries == 0xffff || cd_size == 0xffff_ffff || cd_offset == 0xffff_ffff {
        return Err(bad("ZIP64 archives are not accepted"));
    }
    if usize_of(entries)? > MAX_ENTRIES {
        return Err(FileRejection::Bomb(format!("{entries} entries")));
    }
    let mut at = usize_of(cd_offset)?;
    let mut out = Vec::new();
    let (mut total_in, mut total_out) = (0u64, 0u64);
    for _ in 0..entries {
        if !b
            .get(at..)
            .is_some_and(|s| s.starts_with(&[0x50, 0x4b, 0x01, 0x02]))
        {
            return Err(bad("broken central directory"));
        }
        let flags = u16_at(b, at + 8).ok_or_else(|| bad("truncated"))?;
        let method = u16_at(b, at + 10).ok_or_else(|| bad("truncated"))?;
        let compressed = u32_at(b, at + 20).ok_or_else(|| bad("truncated"))?;
        let uncompressed = u32_at(b, at + 24).ok_or_else(|| bad("truncated"))?;
        let name_len = usize_of(u16_at(b, at + 28).ok_or_else(|| bad("truncated"))?)?;
        let extra_len = usize_of(u16_at(b, at + 30).ok_or_else(|| bad("truncated"))?)?;
        let comment_len = usize_of(u16_at(b, at + 32).ok_or_else(|| bad("truncated"))?)?;
        let local_offset = u32_at(b, at + 42).ok_or_else(|| bad("truncated"))?;
        let name = b
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| bad("truncated"))?;
        if flags & 1 != 0 {
            return Err(bad("encrypted entries are not accepted"));
        }
        if method != 0 && method != 8 {
            return Err(bad("unsupported compression"));
        }
        if compressed == 0xffff_ffff || uncompressed == 0xffff_ffff {
            return Err(bad("ZIP64 archives are not accepted"));
        }
        if uncompressed > RATIO_FLOOR && uncompressed > compressed.max(1) * MAX_RATIO {
            return Err(FileRejection::Bomb(format!(
                "an entry expands {}x",
                uncompressed / compressed.max(1)
            )));
        }
        total_in += compressed;
        total_out += uncompressed;
        if total_out > MAX_UNCOMPRESSED {
            return Err(FileRejection::Bomb(format!(
                "more than {} MiB unpacked",
                MAX_UNCOMPRESSED / 1024 / 1024
            )));
        }
        out.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed,
            uncompressed,
            local_offset,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    if total_out > RATIO_FLOOR && total_out > total_in.max(1) * MAX_RATIO {
        return Err(FileRejection::Bomb(format!(
            "the archive expands {}x",
            total_out / total_in.max(1)
        )));
    }
    Ok(out)
}

/// Inflates one entry, refusing more output than it declared.
fn inflate(b: &[u8], e: &Entry) -> Result<Vec<u8>, FileRejection> {
    let at = usize_of(e.local_offset)?;
    if !b
        .get(at..)
        .is_some_and(|s| s.starts_with(&[0x50, 0x4b, 0x03, 0x04]))
    {
        return Err(bad("broken local header"));
    }
    let name_len = usize_of(u16_at(b, at + 26).ok_or_else(|| bad("truncated"))?)?;
    let extra_len = usize_of(u16_at(b, at + 28).ok_or_else(|| bad("truncated"))?)?;
    let start = at + 30 + name_len + extra_len;
    let data = b
        .get(start..start + usize_of(e.compressed)?)
        .ok_or_else(|| bad("truncated entry"))?;
    let mut out = Vec::new();
    let limit = e.uncompressed + 1;
    let read = if e.method == 0 {
        out.extend_from_slice(data);
        Ok(out.len())
    } else {
        flate2::read::DeflateDecoder::new(data)
            .take(limit)
            .read_to_end(&mut out)
    };
    read.map_err(|_| bad("corrupt compressed data"))?;
    if out.len() as u64 > e.uncompressed {
        return Err(FileRejection::Bomb(format!(
            "{} unpacks to more than it declares",
            e.name
        )));
    }
    Ok(out)
}

/// An Office Open XML document: a zip whose `[Content_Types].xml` names the main part of Word or Excel.
fn office_kind(b: &[u8]) -> Result<MediaKind, FileRejection> {
    let entries = central_directory(b)?;
    let mut content_types = None;
    for e in &entries {
        let data = inflate(b, e)?;
        if e.name == "[Content_Types].xml" {
            content_types = Some(data);
        }
    }
    let types = content_types.ok_or(FileRejection::Unknown)?;
    let types = String::from_utf8_lossy(&types);
    let has = |name: &str| entries.iter().any(|e| e.name == name);
    if types.contains("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
        && has("word/document.xml")
    {
        Ok(MediaKind::Docx)
    } else if types.contains("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
        && has("xl/workbook.xml")
    {
        Ok(MediaKind::Xlsx)
    } else {
        Err(FileRejection::Unknown)
    }
}

/// What the bytes are, by their content alone.
pub fn sniff(b: &[u8]) -> Result<MediaKind, FileRejection> {
    if b.is_empty() {
        return Err(FileRejection::Empty);
    }
    if b.starts_with(b"%PDF-") {
        return Ok(MediaKind::Pdf);
    }
    if b.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok(MediaKind::Jpeg);
    }
    if b.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        return Ok(MediaKind::Png);
    }
    if b.starts_with(&[0x50, 0x4b, 0x03, 0x04]) {
        return office_kind(b);
    }
    Err(FileRejection::Unknown)
}

/// Checks an upload: its content must be an accepted type, and its name's extension and the type the client
/// declared (when it declared one) must say the same.
pub fn check(b: &[u8], file_name: &str, declared_type: Option<&str>) -> Result<MediaKind, FileRejection> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let by_name = MediaKind::from_extension(ext).ok_or(FileRejection::Extension)?;
    let found = sniff(b)?;
    if found != by_name {
        return Err(FileRejection::Mismatch {
            found: found.label(),
            declared: format!(".{ext}"),
        });
    }
    if let Some(d) = declared_type
        && !found.accepts_declared(d)
    {
        return Err(FileRejection::Mismatch {
            found: found.label(),
            declared: d.chars().take(100).collect(),
        });
    }
    Ok(found)
}

/// The name the user gave, without any folder part, control characters or bidirectional controls (U+202E would
/// show `…gnp.pdf` as `…fdp.png`), at most 200 characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    base.chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The Unicode bidirectional formatting characters (embeddings, overrides, isolates, marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Where a file with this SHA-256 lives: `<dir>/ab/abcdef…`.
pub fn path_of(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256.get(..2).unwrap_or("xx")).join(sha256)
}

/// Stores the bytes under their hash (written to a temporary name, synced, then renamed, so a crash never
/// leaves half a file under a real name). The same content twice is stored once.
pub fn store(dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let path = path_of(dir, sha256);
    if path.exists() {
        return Ok(());
    }
    let folder = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(folder)?;
    let tmp = folder.join(format!(".{sha256}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, &path)
}

pub fn load(dir: &Path, sha256: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(path_of(dir, sha256))
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A minimal zip with the given `(name, content, deflate?)` entries (for the tests here and the
    /// integration tests, which carry their own copy).
    pub fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::new();
        let mut cd = Vec::new();
        for (name, content, deflate) in entries {
            let data = if *deflate {
                let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
                e.write_all(content).unwrap();
                e.finish().unwrap()
            } else {
                content.to_vec()
            };
            let offset = out.len() as u32;
            let method: u16 = if *deflate { 8 } else { 0 };
            out.extend_from_slice(&[0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&data);
            cd.extend_from_slice(&[0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0]);
            cd.extend_from_slice(&method.to_le_bytes());
            cd.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
            cd.extend_from_slice(&(data.len() as u32).to_le_bytes());
            cd.extend_from_slice(&(content.len() as u32).to_le_bytes());
            cd.extend_from_slice(&(name.len() as u16).to_le_bytes());
            cd.extend_from_slice(&[0; 12]);
            cd.extend_from_slice(&offset.to_le_bytes());
            cd.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&cd);
        out.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0]);
        let n = entries.len() as u16;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    const DOCX_TYPES: &[u8] = br#"<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    const XLSX_TYPES: &[u8] = br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;

    #[test]
    fn magic_bytes_decide_and_must_match_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(MediaKind::Pdf));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Ok(MediaKind::Jpeg));
        assert_eq!(
            check(b"%PDF-1.4", "a.pdf", Some("application/pdf")),
            Ok(MediaKind::Pdf)
        );
        assert!(matches!(
            check(b"%PDF-1.4", "a.png", None),
            Err(FileRejection::Mismatch { .. })
        ));
        assert!(matches!(
            check(b"%PDF-1.4", "a.pdf", Some("image/png")),
            Err(FileRejection::Mismatch { .. })
        ));
        assert_eq!(check(b"MZ\x90\x00", "a.pdf", None), Err(FileRejection::Unknown));
        assert_eq!(check(b"%PDF-1.4", "a.exe", None), Err(FileRejection::Extension));
        assert_eq!(check(b"", "a.pdf", None), Err(FileRejection::Empty));
    }

    #[test]
    fn office_documents_by_their_content_types() {
        let docx = zip(&[
            ("[Content_Types].xml", DOCX_TYPES, true),
            ("word/document.xml", b"<w/>", true),
        ]);
        assert_eq!(check(&docx, "申請書.docx", None), Ok(MediaKind::Docx));
        assert!(matches!(
            check(&docx, "表.xlsx", None),
            Err(FileRejection::Mismatch { .. })
        ));
        let xlsx = zip(&[
            ("[Content_Types].xml", XLSX_TYPES, false),
            ("xl/workbook.xml", b"<x/>", false),
        ]);
        assert_eq!(sniff(&xlsx), Ok(MediaKind::Xlsx));
        // A plain zip is not an Office document.
        let plain = zip(&[("readme.txt", b"hello", false)]);
        assert_eq!(sniff(&plain), Err(FileRejection::Unknown));
    }

    #[test]
    fn zip_bombs_are_refused() {
        let zeros = vec![0u8; 50 * 1024 * 1024];
        let bomb = zip(&[
            ("[Content_Types].xml", DOCX_TYPES, true),
            ("word/document.xml", &zeros, true),
        ]);
        assert!(bomb.len() < 1024 * 1024);
        assert!(matches!(sniff(&bomb), Err(FileRejection::Bomb(_))));
        // A directory that understates the size is caught while inflating.
        let mut liar = zip(&[
            ("[Content_Types].xml", DOCX_TYPES, true),
            ("word/document.xml", &zeros[..4000], true),
        ]);
        let cd = liar
            .windows(4)
            .rposition(|w| w == [0x50, 0x4b, 0x01, 0x02])
            .unwrap();
        liar[cd + 24..cd + 28].copy_from_slice(&10u32.to_le_bytes());
        assert!(matches!(sniff(&liar), Err(FileRejection::Bomb(_))));
    }

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\a\\規程.pdf"), "規程.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b.pdf"), "ab.pdf");
        assert_eq!(clean_name("report\u{202E}gnp.pdf"), "reportgnp.pdf");
        assert_eq!(clean_name("\u{2067}a\u{200F}b\u{2069}.pdf"), "ab.pdf");
    }
}
