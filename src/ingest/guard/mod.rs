//! Guards that run before any reader sees a file's bytes: what the file really is (whatever its
//! name says), and, for each format, the sizes and counts a reader would allocate by. calamine
//! can abort the whole process on small hostile files (DESIGN.md, "Known hazards of the stack"),
//! and an abort cannot be caught, so every check here must come first.

mod biff;
mod cfb;
mod ods;
pub mod xml;
mod zip;

use super::workbook::{Format, Limits};

/// Why a file is refused before any reader sees it; the text is the reason shown in 数据质量.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// It has an opening password.
    #[error("{}", super::workbook::ENCRYPTED)]
    Encrypted,
    /// Not a workbook of a format read here, or not the one its name says.
    #[error("{0}")]
    NotAWorkbook(String),
    /// Its structure is broken (a damaged zip, compound-file chains out of bounds).
    #[error("{0}")]
    Broken(String),
    /// Sizes or counts a reader would allocate or loop by, beyond the limits: suspected hostile.
    #[error("{0}")]
    Hostile(String),
}

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The format to read it as.
    pub format: Format,
    /// Set when the content does not match the file name's extension (a warning for the file).
    pub renamed: Option<String>,
    /// The package to read instead of the file's bytes, when a guard rewrote a part of it: an ods
    /// whose content.xml is indented (Gnumeric), without that whitespace ([`ods::repack`]).
    pub package: Option<Vec<u8>>,
}

/// Finds what the bytes are and checks them.
pub fn check(bytes: &[u8], named: Format, limits: &Limits) -> Result<Checked, Refusal> {
    let format = sniff(bytes, named)?;
    if format == Format::Ods && ods_encrypted(bytes) {
        // Its content.xml is ciphertext: say so, rather than what the scan makes of it.
        return Err(Refusal::Encrypted);
    }
    let package = match format {
        Format::Xls => {
            xls(bytes, limits)?;
            None
        }
        _ => zip::check(bytes, format, limits)?,
    };
    let renamed = (format != named).then(|| {
        format!(
            "文件扩展名为{}，但内容是{}格式，已按{}读取",
            label(named),
            label(format),
            label(format)
        )
    });
    Ok(Checked {
        format,
        renamed,
        package,
    })
}

fn label(f: Format) -> &'static str {
    match f {
        Format::Xlsx => "xlsx",
        Format::Xls => "xls",
        Format::Ods => "ods",
    }
}

/// The format the bytes hold.
fn sniff(bytes: &[u8], named: Format) -> Result<Format, Refusal> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // An ods names its type in the first entry, stored: "mimetype" then the media type.
        let ods = bytes.len() > 80
            && &bytes[30..38] == b"mimetype"
            && bytes[38..80.min(bytes.len())]
                .windows(11)
                .any(|w| w == b"opendocumen");
        return Ok(match (ods, named) {
            (true, _) => Format::Ods,
            (false, Format::Ods) if has_part(bytes, "content.xml") => Format::Ods,
            (false, _) => Format::Xlsx,
        });
    }
    if cfb::is_cfb(bytes) {
        let cfb = cfb::Cfb::open(bytes)?;
        if let Some(c) = &cfb {
            if c.has("EncryptedPackage") || c.has("EncryptionInfo") {
                return Err(Refusal::Encrypted);
            }
        }
        if named != Format::Xls {
            return Err(Refusal::NotAWorkbook(format!(
                "不是有效的{}文件（可能是已加密的文件或改了扩展名的旧版xls文件），请用Excel、WPS或LibreOffice另存为xlsx后重新报送",
                label(named)
            )));
        }
        return Ok(Format::Xls);
    }
    let head: Vec<u8> = bytes
        .iter()
        .copied()
        .skip_while(|b| b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF)
        .take(64)
        .collect();
    if head.first() == Some(&b'<') {
        return Err(Refusal::NotAWorkbook(
            "文件内容是网页（HTML）或XML文本，不是Excel工作簿，请用Excel或WPS打开后另存为xlsx再报送"
                .to_string(),
        ));
    }
    Err(Refusal::NotAWorkbook(
        match named {
            Format::Xls => "不是有效的xls文件（文件损坏或不是Excel工作簿）",
            Format::Ods => "不是有效的ods文件（文件损坏或不完整）",
            Format::Xlsx => "不是有效的xlsx文件（文件损坏、不完整或已加密）",
        }
        .to_string(),
    ))
}

/// Whether an ods's manifest declares encrypted parts (the first 1 MiB of it is enough).
fn ods_encrypted(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut z) = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    let Ok(part) = z.by_name("META-INF/manifest.xml") else {
        return false;
    };
    let mut text = Vec::new();
    if part.take(1 << 20).read_to_end(&mut text).is_err() {
        return false;
    }
    text.windows(b"encryption-data".len())
        .any(|w| w == b"encryption-data")
}

fn has_part(bytes: &[u8], name: &str) -> bool {
    ::zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|z| z.index_for_name(name).is_some())
        .unwrap_or(false)
}

/// An xls: bounded compound-file chains, then the workbook stream's records.
fn xls(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let Some(cfb) = cfb::Cfb::open(bytes)? else {
        return Ok(());
    };
    let stream = match cfb.stream("Workbook")? {
        Some(s) => Some(s),
        None => cfb.stream("Book")?,
    };
    match stream {
        Some(s) => biff::check(&s, limits),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the guards cost next to reading: `cargo test --release --lib guard_cost -- --ignored
    /// --nocapture` prints both for the committed samples (not asserted: timing is not tested).
    #[test]
    #[ignore]
    fn guard_cost() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2025Q4");
        let files: Vec<Vec<u8>> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        let l = Limits::default();
        let time = |f: &dyn Fn(&[u8])| {
            let start = std::time::Instant::now();
            for _ in 0..20 {
                for b in &files {
                    f(b);
                }
            }
            start.elapsed()
        };
        let guard = time(&|b| {
            check(b, Format::Xlsx, &l).unwrap();
        });
        let open = time(&|b| {
            super::super::workbook::open(b, Format::Xlsx, &l, &|_| false).unwrap();
        });
        println!(
            "{} files × 20: guards {guard:?}, open (guards included) {open:?}",
            files.len()
        );
    }
}
