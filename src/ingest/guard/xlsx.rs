//! `.xlsx`/`.xlsm`: calamine reserves room for as many shared strings as the `uniqueCount` of the
//! first `sst` element claims (24 bytes each: 4,000,000,000 asks for 96 GB and aborts). It finds
//! the part by the workbook's folder (`{folder}sharedStrings.xml`), reads the attribute in either
//! quote style, and the element can come after any amount of XML; so every part whose name ends
//! in `sharedStrings.xml` (in any case) is read here up to its `sst` element, and every
//! `uniqueCount` in it counts.

use crate::ingest::workbook::Limits;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::{BufRead, BufReader, Cursor};

/// Refuses a workbook whose shared-strings part declares more strings than the limit.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        // The name from the directory first, so that only these parts are decompressed.
        let shared = zip.by_index_raw(i).is_ok_and(|e| {
            e.name()
                .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        });
        if !shared {
            continue;
        }
        let Ok(entry) = zip.by_index(i) else {
            continue;
        };
        if let Some(n) = unique_count(BufReader::new(entry)) {
            if n > limits.shared_strings {
                return Err(format!(
                    "共享字符串声明数量{n}超过上限{}，拒绝读取",
                    limits.shared_strings
                ));
            }
        }
    }
    Ok(())
}

/// The largest `uniqueCount` on the first `sst` element (any prefix), if any.
fn unique_count<R: BufRead>(xml: R) -> Option<u64> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                return declared(e.attributes_raw(), "uniqueCount");
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// The largest number given to `key` in raw attribute text (`key="12"`, `key = '12'`, …),
/// saturating; read as calamine reads it, digits only after an optional sign.
fn declared(attrs: &str, key: &str) -> Option<u64> {
    attrs
        .match_indices(key)
        .filter_map(|(at, _)| {
            let rest = attrs[at + key.len()..].trim_start();
            let rest = rest.strip_prefix('=')?.trim_start();
            let rest = rest.trim_start_matches(['"', '\'']).trim_start_matches('+');
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            (!digits.is_empty()).then(|| digits.parse::<u64>().unwrap_or(u64::MAX))
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(xml: &str) -> Option<u64> {
        unique_count(xml.as_bytes())
    }

    #[test]
    fn reads_unique_count_as_calamine_does() {
        assert_eq!(
            count(r#"<sst count="9" uniqueCount="7"><si/></sst>"#),
            Some(7)
        );
        // What the first check (`uniqueCount="` in the first 4 KiB) let through.
        assert_eq!(count("<sst uniqueCount='4000000000'>"), Some(4_000_000_000));
        let late = format!(
            r#"<?xml version="1.0"?><!--{}--><x:sst xmlns:x="ns" uniqueCount = "4000000000">"#,
            "x".repeat(5000)
        );
        assert_eq!(count(&late), Some(4_000_000_000));
        assert_eq!(
            count(r#"<sst uniqueCount="99999999999999999999999">"#),
            Some(u64::MAX)
        );
        assert_eq!(count(r#"<sst count="3">"#), None);
        assert_eq!(count("<other/>"), None);
    }
}
