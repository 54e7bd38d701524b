//! Checks made before calamine reads a file, against what calamine 0.38 does with what a file
//! declares rather than holds (DESIGN.md, "Known hazards of the stack"). Each follows calamine's
//! own reading closely enough to count what it would allocate, always counting at least as much,
//! and refuses a file over the limits, or one that calamine would never finish, before calamine
//! sees it. The hazards were found in calamine's code while writing the fuzz target (`fuzz/`),
//! and each was reproduced as an input to it; its seeds include them.

pub mod ods;
pub mod xls;
pub mod xlsx;

#[cfg(test)]
mod tests {
    use crate::ingest::workbook::{open, Format, Limits};
    use std::io::Write;
    use std::path::Path;

    fn data(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A sample submission saved by LibreOffice as .ods and .xls reads as it is.
    #[test]
    fn real_files_pass() {
        for (name, format) in [
            ("submission.ods", Format::Ods),
            ("submission.xls", Format::Xls),
        ] {
            let book = open(&data(name), format, &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let basic = book.sheet("基本情况").expect(name);
            assert!(basic.cells.len() > 10, "{name}");
        }
    }

    fn ods(content: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#).unwrap();
        zip.start_file("content.xml", stored).unwrap();
        write!(
            zip,
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>{content}"#
        )
        .unwrap();
        zip.finish().unwrap().into_inner()
    }

    const CELL: &str =
        r#"<table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell>"#;
    const END: &str = "</office:spreadsheet></office:body></office:document-content>";

    /// Files from the fuzz target that made calamine take gigabytes or never return.
    #[test]
    fn hostile_ods_files_are_refused() {
        let l = Limits::default();
        let cases = [
            // 5,000 repeats of a row 16,384 cells wide: 3 GB.
            (
                format!(
                    r#"<table:table table:name="基本情况"><table:table-row table:number-rows-repeated="5000">{CELL}<table:table-cell table:number-columns-repeated="16382"/>{CELL}</table:table-row></table:table>{END}"#
                ),
                "单元格数超过上限",
            ),
            // Two billion spaces, pushed one at a time.
            (
                format!(
                    r#"<table:table table:name="x"><table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>{END}"#
                ),
                "文字展开后超过",
            ),
            // The file ends inside a table: calamine loops for ever.
            (
                format!(
                    r#"<table:table table:name="x"><table:table-row>{CELL}</table:table-row>"#
                ),
                "不完整",
            ),
            // ... or inside an annotation.
            (
                r#"<table:table table:name="x"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>n</text:p>"#.to_string(),
                "不完整",
            ),
        ];
        for (content, message) in cases {
            let err = open(&ods(&content), Format::Ods, &l).unwrap_err();
            assert!(err.contains(message), "{err}");
        }
        // The same file, within the limits, is read.
        let fine = format!(
            r#"<table:table table:name="基本情况"><table:table-row table:number-rows-repeated="3">{CELL}<table:table-cell table:number-columns-repeated="3"/>{CELL}</table:table-row></table:table>{END}"#
        );
        let book = open(&ods(&fine), Format::Ods, &l).unwrap();
        assert_eq!(book.sheet("基本情况").unwrap().cells.len(), 6);
    }

    /// A sample submission whose shared strings declare four billion, in a way that the first
    /// check (only `xl/sharedStrings.xml`, only `uniqueCount="`, only its first 4 KiB) missed:
    /// calamine asks for 96 GB and aborts.
    #[test]
    fn xlsx_declaring_billions_of_strings_is_refused() {
        let sample =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2025Q1/440100_广州市_2025Q1.xlsx");
        let sample = std::fs::read(sample).unwrap();
        for sst in [
            "<sst uniqueCount='4000000000'>".to_string(),
            format!(
                r#"<?xml version="1.0"?><!--{}--><sst uniqueCount="4000000000">"#,
                "x".repeat(5000)
            ),
        ] {
            let mut base = zip::ZipArchive::new(std::io::Cursor::new(&sample[..])).unwrap();
            let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for i in 0..base.len() {
                let entry = base.by_index_raw(i).unwrap();
                if entry.name().unwrap() == "xl/sharedStrings.xml" {
                    out.start_file(
                        "xl/sharedStrings.xml",
                        zip::write::SimpleFileOptions::default(),
                    )
                    .unwrap();
                    out.write_all(sst.as_bytes()).unwrap();
                    out.write_all(b"<si><t>a</t></si></sst>").unwrap();
                } else {
                    out.raw_copy_file(entry).unwrap();
                }
            }
            let bytes = out.finish().unwrap().into_inner();
            let err = open(&bytes, Format::Xlsx, &Limits::default()).unwrap_err();
            assert!(err.contains("共享字符串"), "{err}");
        }
    }

    /// The .xls sample with one DIMENSIONS record claiming 2³² rows × 2¹⁶ columns: calamine asks
    /// for 11 PB and aborts.
    #[test]
    fn xls_claiming_huge_dimensions_is_refused() {
        let mut bytes = data("submission.xls");
        // The second DIMENSIONS record (the 基本情况 sheet's), in one piece in the file.
        let at = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == [0x00, 0x02, 0x0E, 0x00])
            .nth(1)
            .map(|(i, _)| i + 4)
            .unwrap();
        bytes[at..at + 12].copy_from_slice(&[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF]);
        let err = open(&bytes, Format::Xls, &Limits::default()).unwrap_err();
        assert!(err.contains("单元格数上限"), "{err}");
    }
}
