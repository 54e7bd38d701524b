//! Writes a synthetic history folder of `N` regions × the quarters of `FIRST..=LAST` years (by
//! default 2,850 × 40, ten years of national history) for `scripts/bench.sh`'s 年度考核 line:
//! random totals, ranks and the odd measure, as `score` would have written them.
//!
//!   cargo run --release --example ten_year_history -- DIR [N=2850] [FIRST=2016] [LAST=2025]

use kaoping::quarter::Quarter;
use kaoping::record::{Held, QuarterRecord, Status};
use rand::{Rng, SeedableRng};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(
        args.get(1)
            .ok_or("usage: ten_year_history DIR [N] [FIRST] [LAST]")?,
    );
    let n: usize = args.get(2).map_or(Ok(2850), |s| s.parse())?;
    let first: i32 = args.get(3).map_or(Ok(2016), |s| s.parse())?;
    let last: i32 = args.get(4).map_or(Ok(2025), |s| s.parse())?;
    std::fs::create_dir_all(&dir)?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2016);
    for year in first..=last {
        for q in 1..=4 {
            let quarter: Quarter = format!("{year}Q{q}").parse()?;
            let mut totals: Vec<(usize, f64)> = (0..n)
                .map(|i| (i, (rng.gen_range(4000..9800) as f64) / 100.0))
                .collect();
            totals.sort_by(|a, b| b.1.total_cmp(&a.1));
            let records: Vec<QuarterRecord> = totals
                .iter()
                .enumerate()
                .map(|(place, &(i, total))| {
                    let missing = rng.gen_bool(0.01);
                    let flags = if place + 1 > n - n / 10 {
                        vec![Held {
                            id: "notify".to_string(),
                            severity: Some(20),
                        }]
                    } else {
                        Vec::new()
                    };
                    QuarterRecord {
                        quarter,
                        code: format!("{:06}", 100_000 + i),
                        name: format!("地区{i}"),
                        status: if missing {
                            Status::Missing
                        } else {
                            Status::Scored
                        },
                        total: if missing { 0.0 } else { total },
                        rank: u32::try_from(place + 1).unwrap_or(u32::MAX),
                        grade: if total >= 60.0 { "合格" } else { "不合格" }.to_string(),
                        flags,
                        rules: Vec::new(),
                        late: false,
                        indicators: Vec::new(),
                        funnel: Vec::new(),
                    }
                })
                .collect();
            kaoping::history::write(&dir, quarter, &records, None, false, "2026-01-01 00:00:00")?;
        }
    }
    println!(
        "{} 个季度 × {n} 个地区 → {}",
        (last - first + 1) * 4,
        dir.display()
    );
    Ok(())
}
