//! The `kaoping` binary: parse the command line, run the command, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

/// glibc's allocator keeps the buffers ingest frees between files as fragmented heap: a run over
/// 2,850 submissions held about four times its live data. mimalloc gives them back.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Transparent huge pages off for this process. mimalloc asks the kernel for them, and the kernel
/// zeroes a whole 2 MiB page the first time any byte of it is touched: reading 2,850 submissions
/// zeroed about 1.4 GB (732 faults) for a run that never held more than 130 MiB, about a tenth of
/// its CPU time. With 4 KiB pages it zeroes 107 MB, and the peak is 14 MiB lower
/// (`perf stat -e page-faults`, scripts/bench.sh). Nothing is lost where the call fails.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    kaoping::interrupt::install();
    no_huge_pages();
    let cli = match kaoping::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::CommandFactory;
            let commands = kaoping::cli::Cli::command();
            let typed = std::env::args().skip(1).find(|a| {
                commands
                    .get_subcommands()
                    .any(|c| c.get_name() == a.as_str())
            });
            match kaoping::cli::mistake(&e, typed.as_deref()) {
                Some(words) => eprint!("{words}"),
                None => {
                    let _ = e.print();
                }
            }
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let outcome = kaoping::commands::run(cli);
    if kaoping::interrupt::requested() {
        // Ctrl-C arrived while the results were being written: they were written in full.
        eprintln!("已按中断请求结束：本次结果已完整写入。");
        return ExitCode::from(kaoping::interrupt::EXIT_CODE as u8);
    }
    match outcome {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(kaoping::commands::Exit::Usage as u8)
        }
    }
}
