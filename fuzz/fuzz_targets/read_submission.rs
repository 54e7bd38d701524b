//! Fuzzes reading one submission: `kaoping::ingest::read_file` with the built-in scheme and
//! region list, exactly as `check` and `score` read each file of a folder.
//!
//! An input is one selector byte followed by data:
//!
//! - selector 0–127: the data is the whole file, and the selector picks the file name's extension
//!   (`.xlsx`, `.xls`, `.ods`, `.xlsm`, by its value modulo 4), so that every reader also sees
//!   files whose content does not match their name. To open such an input in Excel or to turn it
//!   into a test, drop its first byte (`tail -c +2 crash-… > file.xlsx`).
//! - selector 128–140: the data is one part of `fuzz/base.xlsx` (a valid submission), picked from
//!   `SPLICE_PARTS` by the selector, written into a copy of that workbook as a well-formed zip
//!   entry. Mutations then reach the XML and the cell values instead of dying in the zip layer.
//! - selector 141–255: the same with `content.xml` of `tests/data/submission.ods` (the sample
//!   saved by LibreOffice), read as an `.ods`.
//!
//! The seeds in `corpus/read_submission/` are made by `fuzz/make_seeds.py`.
//!
//! A panic that kaoping catches (around the third-party readers) is part of normal operation;
//! one that escapes `read_file` would take a whole run down and is reported as a crash. Set
//! `KAOPING_FUZZ_ANY_PANIC=1` to report every panic, caught or not (to find upstream bugs).
//! An allocation over `-rss_limit_mb` (or `-malloc_limit_mb`) is reported as an OOM: calamine
//! aborts the process on a failed allocation, which nothing can catch.
#![no_main]

use kaoping::ingest::{self, Context, Limits};
use kaoping::pipeline::Setup;
use kaoping::quarter::Quarter;
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};
use std::panic::{self, AssertUnwindSafe};
use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

const EXTENSIONS: [&str; 4] = ["xlsx", "xls", "ods", "xlsm"];

/// A valid submission (the 广州市 2025Q1 sample with short ledgers) that splice inputs go into.
const BASE: &[u8] = include_bytes!("../base.xlsx");

/// The same submission saved as `.ods` by LibreOffice.
const BASE_ODS: &[u8] = include_bytes!("../../tests/data/submission.ods");

/// The parts a splice input can replace; the same list is in `fuzz/make_seeds.py`.
const SPLICE_PARTS: [&str; 13] = [
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
    "xl/workbook.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet4.xml",
    "xl/worksheets/sheet5.xml",
    "xl/worksheets/sheet6.xml",
    "xl/worksheets/sheet7.xml",
    "xl/worksheets/sheet8.xml",
];

/// A copy of the zip `base` with the part `name` replaced by `data` (stored, with a correct CRC).
fn splice(base: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(base.len() + data.len())));
    let mut base = ZipArchive::new(Cursor::new(base)).expect("a splice base is a zip");
    for i in 0..base.len() {
        let entry = base.by_index_raw(i).expect("a splice base entry");
        if entry.name().is_ok_and(|n| n == name) {
            let options =
                SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
            out.start_file(name, options).expect("start a zip entry");
            out.write_all(data).expect("write a zip entry");
        } else {
            out.raw_copy_file(entry).expect("copy a zip entry");
        }
    }
    out.finish().expect("finish the zip").into_inner()
}

struct Fixture {
    setup: Setup,
    template_hash: String,
    dir: PathBuf,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

/// The last panic's message and location, shown when a panic escapes `read_file`.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let setup = Setup::load(None, None).expect("built-in scheme and regions load");
        let template_hash = kaoping::template::template_hash(&setup.scheme);
        // One folder per process, so that `-fork`/`-jobs` workers do not share a file; the file
        // is removed after each input (`rm -r $TMPDIR/kaoping-fuzz` clears the folders).
        let dir = std::env::temp_dir()
            .join("kaoping-fuzz")
            .join(std::process::id().to_string());
        std::fs::create_dir_all(&dir).expect("temporary folder");
        Fixture {
            setup,
            template_hash,
            dir,
        }
    })
}

fuzz_target!(
    init: {
        if std::env::var_os("KAOPING_FUZZ_ANY_PANIC").is_none() {
            // libfuzzer-sys aborts on every panic, even one that is caught; kaoping catches the
            // readers' panics on purpose, so only panics that escape `read_file` count (below).
            panic::set_hook(Box::new(|info| {
                if let Ok(mut last) = LAST_PANIC.lock() {
                    *last = info.to_string();
                }
            }));
        }
        fixture();
    },
    |data: &[u8]| {
        let Some((&selector, bytes)) = data.split_first() else {
            return;
        };
        let f = fixture();
        let (extension, file) = if selector < 128 {
            (EXTENSIONS[selector as usize % 4], bytes.to_vec())
        } else if let Some(part) = SPLICE_PARTS.get(selector as usize - 128) {
            ("xlsx", splice(BASE, part, bytes))
        } else {
            ("ods", splice(BASE_ODS, "content.xml", bytes))
        };
        let path = f.dir.join(format!("submission.{extension}"));
        std::fs::write(&path, &file).expect("write the input to a temporary file");
        let quarter = Quarter::new(2025, 1).expect("a valid quarter");
        let ctx = Context {
            scheme: &f.setup.scheme,
            registry: &f.setup.registry,
            quarter,
            // A fixed day, so that a finding replays the same way on any date.
            today: quarter.last_day(),
            limits: Limits::default(),
        };
        let read = panic::catch_unwind(AssertUnwindSafe(|| {
            ingest::read_file(&path, &ctx, &f.template_hash)
        }));
        let _ = std::fs::remove_file(&path);
        match read {
            Ok(sub) => {
                // What a run does next with a submission: its problems are listed by source.
                for p in &sub.problems {
                    std::hint::black_box((p.to_string(), p.source.address()));
                }
            }
            Err(_) => {
                let last = LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default();
                eprintln!("a panic escaped ingest::read_file: {last}");
                std::process::abort();
            }
        }
    }
);
