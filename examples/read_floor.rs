//! The read floor of `scripts/bench.sh`: open every .xlsx in a folder with calamine and touch
//! every cell of every sheet with its streaming cell reader, in parallel on all cores; nothing
//! else. What no ingest can beat on the same files.
//!
//!   cargo run --release --example read_floor -- DIR
//!
//! Prints the files, sheets and cells read and the seconds taken. It uses the engine's allocator
//! and, as the engine does, no transparent huge pages, so that the two are compared on the same
//! footing.

use calamine::{open_workbook, Reader, Xlsx};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("用法：read_floor 文件夹");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
            .collect(),
        Err(e) => {
            eprintln!("无法读取 {}：{e}", dir.display());
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let (sheets, cells, failed) = files
        .par_iter()
        .map(|path| {
            let Ok(mut wb) = open_workbook::<Xlsx<_>, _>(path) else {
                return (0, 0, 1);
            };
            let (mut sheets, mut cells) = (0usize, 0usize);
            for name in wb.sheet_names() {
                let Ok(mut reader) = wb.worksheet_cells_reader(&name) else {
                    return (sheets, cells, 1);
                };
                sheets += 1;
                while let Ok(Some(cell)) = reader.next_cell() {
                    std::hint::black_box(cell.get_value());
                    cells += 1;
                }
            }
            (sheets, cells, 0)
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    println!(
        "read_floor: {} files, {sheets} sheets, {cells} cells, {failed} failed, {:.2} s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
}
