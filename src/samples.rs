//! Synthetic filled submissions for the demo, tests and benchmarks, reproducible from a seed.
//!
//! Each region has a hidden "quality" in 0–1 that drives its figures, with noise. The 21-city
//! Guangdong demo also scripts the outcomes a province must see: a vetoed region, a region that
//! goes 通报 → 约谈 → 挂牌督办, a late submission, a tie, a missing submission, a duplicate
//! submission and a submission with deliberate errors.

use crate::quarter::Quarter;
use crate::registry::{Calendar, Region, Registry};
use crate::scheme::{ColumnDef, Scheme, ValueKind};
use crate::submission::Cell;
use crate::template::{self, Filled};
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::path::Path;

/// A sample set that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SamplesError {
    #[error("{0}")]
    Template(#[from] template::TemplateError),
    #[error("无法写入样例文件 {path}：{message}")]
    Io { path: String, message: String },
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub quarters: Vec<Quarter>,
    pub seed: u64,
    /// Ledger rows are scaled so that no ledger exceeds this many rows (for benchmarks).
    pub max_ledger_rows: usize,
    /// Script the demo's outcomes (only applies to the Guangdong registry's regions).
    pub scripted: bool,
    /// Who writes the files.
    pub writer: Writer,
}

/// Who writes the sample files: the engine's template, or another program by the same contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Writer {
    /// The region's template, filled in (`template::write`).
    #[default]
    Template,
    /// Only the contract's sheets, headers and values (`template::plain`), as a provincial
    /// system exporting by the published contract would write them.
    OtherProgram,
}

/// Who plays which part in the scripted demo.
pub mod cast {
    /// 通报 (Q2) → 约谈 (Q3) → 挂牌督办 (Q4).
    pub const ESCALATES: &str = "445300";
    /// 一票否决 in Q4.
    pub const VETOED: &str = "445200";
    /// Files after the deadline in Q3.
    pub const LATE: &str = "441500";
    /// Identical figures (and equal 市场主体数) → equal totals every quarter.
    pub const TIE: [&str; 2] = ["440700", "440800"];
    /// Sends a file with deliberate errors in Q4.
    pub const ERRORS: &str = "445100";
    /// Sends nothing in Q2.
    pub const MISSING: &str = "440200";
    /// Sends two versions in Q4 (the later 填报日期 wins).
    pub const DUPLICATE: &str = "440100";
    /// Has no satisfaction survey result (G2 `exclude`).
    pub const NO_SURVEY: &str = "441600";
}

/// A synthetic registry of `n` regions (for national-scale runs), or the first `n` of `base`.
pub fn registry(base: &Registry, n: usize, seed: u64) -> Registry {
    if n <= base.regions.len() {
        return Registry {
            regions: base.regions.iter().take(n).cloned().collect(),
        };
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED);
    let regions = (0..n)
        .map(|i| {
            let province = 11 + (i / 100) as u32 % 89;
            Region {
                code: format!("{:02}{:04}", province, 100 + i % 100 * 10 + i / 8900),
                name: format!("样例县{:04}", i + 1),
                parent: format!("{province:02}0000"),
                population: (rng.gen_range(10.0..150.0_f64) * 10.0).round() / 10.0,
                entities: (rng.gen_range(2.0..40.0_f64) * 1000.0).round() * 10.0,
            }
        })
        .collect();
    Registry { regions }
}

/// Writes one folder per quarter (`DIR/2025Q1`, …) with every region's submission and the
/// province's `省级评定.csv`, plus `DIR/regions.csv` (the registry used).
pub fn write(
    dir: &Path,
    scheme: &Scheme,
    registry: &Registry,
    calendar: &Calendar,
    plan: &Plan,
) -> Result<usize, SamplesError> {
    let io = |p: &Path, e: &dyn std::fmt::Display| SamplesError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
    let reg_path = dir.join("regions.csv");
    crate::output::write_atomically(&reg_path, registry_csv(registry).as_bytes())
        .map_err(|e| io(&reg_path, &e))?;
    let mut written = 0;
    for &q in &plan.quarters {
        let qdir = dir.join(q.to_string());
        std::fs::create_dir_all(&qdir).map_err(|e| io(&qdir, &e))?;
        let files: Vec<(String, Filled, &Region)> = registry
            .regions
            .iter()
            .flat_map(|r| submissions(scheme, r, q, calendar, plan))
            .collect();
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|(name, filled, region)| match plan.writer {
                Writer::Template => template::write(
                    &qdir.join(name),
                    scheme,
                    Some(region),
                    Some(q),
                    Some(filled),
                ),
                Writer::OtherProgram => {
                    template::plain::write(&qdir.join(name), scheme, region, q, filled)
                }
            })
            .collect::<Result<Vec<()>, _>>()?;
        written += files.len();
        let csv_path = qdir.join(&scheme.province.file);
        crate::output::write_atomically(&csv_path, province_csv(registry, q, plan).as_bytes())
            .map_err(|e| io(&csv_path, &e))?;
    }
    Ok(written)
}

fn registry_csv(registry: &Registry) -> String {
    let mut s = String::from("区划代码,名称,上级代码,常住人口(万人),市场主体数(户)\n");
    for r in &registry.regions {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            r.code, r.name, r.parent, r.population, r.entities
        ));
    }
    s
}

fn rng_for(seed: u64, code: &str, q: Quarter, salt: u64) -> ChaCha8Rng {
    let mut h: u64 = seed ^ 0x9E37_79B9_7F4A_7C15 ^ salt;
    for b in code.bytes().chain(q.to_string().bytes()) {
        h = h.rotate_left(5) ^ u64::from(b);
        h = h.wrapping_mul(0x100_0000_01B3);
    }
    ChaCha8Rng::seed_from_u64(h)
}

/// The hidden quality of a region in a quarter.
fn quality(code: &str, q: Quarter, plan: &Plan) -> f64 {
    if plan.scripted && code == cast::ESCALATES && q.q >= 2 {
        return 0.05;
    }
    let base = rng_for(plan.seed, code, Quarter { year: 2000, q: 1 }, 1).gen_range(0.45..1.0);
    let drift = rng_for(plan.seed, code, q, 2).gen_range(-0.08..0.08);
    f64::clamp(base + drift, 0.0, 1.0)
}

/// The files a region sends in a quarter (none, one, or two for the duplicate).
fn submissions<'a>(
    scheme: &Scheme,
    region: &'a Region,
    q: Quarter,
    cal: &Calendar,
    plan: &Plan,
) -> Vec<(String, Filled, &'a Region)> {
    let name = template::file_name(region, q);
    // The tie partner copies the first region's figures.
    let twin = if plan.scripted && region.code == cast::TIE[1] {
        cast::TIE[0]
    } else {
        region.code.as_str()
    };
    if plan.scripted && region.code == cast::MISSING && q.q == 2 {
        return Vec::new();
    }
    let mut filled = fill(scheme, twin, region, q, cal, plan);
    if plan.scripted && region.code == cast::LATE && q.q == 3 {
        filled.filed_on = Some(q.deadline(scheme.deadline_day) + Duration::days(4));
    }
    if plan.scripted && region.code == cast::ERRORS && q.q == 4 {
        spoil(&mut filled);
    }
    let mut out = vec![(name.clone(), filled.clone(), region)];
    if plan.scripted && region.code == cast::DUPLICATE && q.q == 4 {
        // An earlier draft, filed two days before the final version.
        let mut draft = filled.clone();
        draft.filed_on = filled.filed_on.map(|d| d - Duration::days(2));
        if let Some(v) = draft.fields.get_mut("W11") {
            *v += 3.0;
        }
        out.push((name.replace(".xlsx", "_初稿.xlsx"), draft, region));
    }
    out
}

/// Deliberate errors: text in a number cell, a negative count, a date outside the quarter, and
/// a summary count that disagrees with its ledger.
fn spoil(f: &mut Filled) {
    f.field_text.insert("S05".to_string(), "约30".to_string());
    f.fields.insert("S18".to_string(), -3.0);
    if let Some(rows) = f.ledgers.get_mut("transfer") {
        if let Some(row) = rows.first_mut() {
            // 移送日期 is the fourth column of 移送台账.
            if let Some(c) = row.get_mut(3) {
                *c = Cell::Date(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default());
            }
        }
    }
    if let Some(v) = f.fields.get_mut("S01") {
        *v += 2.0;
    }
}

fn poisson_like(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    // Normal approximation with a floor at zero; exact for what samples need.
    let sd = mean.sqrt();
    let z: f64 = (0..12).map(|_| rng.gen::<f64>()).sum::<f64>() - 6.0;
    (mean + z * sd).round().max(0.0)
}

/// A value of a field the script does not fill: a count around `mean`, an amount, 是 or 否.
fn drawn(rng: &mut ChaCha8Rng, kind: ValueKind, mean: f64) -> f64 {
    match kind {
        ValueKind::YesNo => f64::from(u8::from(rng.gen_bool(0.7))),
        ValueKind::Amount => (rng.gen_range(0.0..mean.max(1.0) * 5.0) * 100.0).round() / 100.0,
        _ => poisson_like(rng, mean),
    }
}

/// A cell of a required ledger column the script does not fill, by the column's kind.
fn drawn_cell(
    rng: &mut ChaCha8Rng,
    column: &ColumnDef,
    day_in_q: &impl Fn(&mut ChaCha8Rng) -> NaiveDate,
) -> Cell {
    match column.kind {
        ValueKind::Date => Cell::Date(day_in_q(rng)),
        ValueKind::Choice if !column.choices.is_empty() => {
            Cell::Text(column.choices[rng.gen_range(0..column.choices.len())].clone())
        }
        ValueKind::Text | ValueKind::Choice => {
            Cell::Text(format!("{}{}", column.name, rng.gen_range(1..1000)))
        }
        kind => Cell::Number(drawn(rng, kind, 3.0)),
    }
}

fn add_working_days(cal: &Calendar, from: NaiveDate, days: i64) -> NaiveDate {
    let mut d = from;
    let mut left = days;
    let mut guard = 0;
    while left > 0 && guard < 1000 {
        d += Duration::days(1);
        guard += 1;
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

fn fill(
    scheme: &Scheme,
    key: &str,
    region: &Region,
    q: Quarter,
    cal: &Calendar,
    plan: &Plan,
) -> Filled {
    let mut rng = rng_for(plan.seed, key, q, 3);
    let qual = quality(key, q, plan);
    let units = region.entities / 10_000.0;
    let days = (q.last_day() - q.first_day()).num_days();
    let day_in_q = |rng: &mut ChaCha8Rng| q.first_day() + Duration::days(rng.gen_range(0..=days));
    let deadline = q.deadline(scheme.deadline_day);
    let filed_on = deadline - Duration::days(rng.gen_range(1..9));
    let cap = plan.max_ledger_rows.max(1) as f64;

    let mut fields: BTreeMap<String, f64> = BTreeMap::new();
    let mut set = |k: &str, v: f64| {
        fields.insert(k.to_string(), v);
    };
    for (i, w) in ["W01", "W02", "W03", "W04"].iter().enumerate() {
        let p = 0.55 + 0.45 * qual - 0.05 * i as f64;
        set(w, f64::from(u8::from(rng.gen_bool(p.clamp(0.05, 1.0)))));
    }
    let s01 = poisson_like(&mut rng, units * (0.2 + 0.8 * qual)).min(cap);
    set("S01", s01);
    set("S02", (s01 * rng.gen_range(0.03..0.15)).round());
    set(
        "S03",
        (s01 * rng.gen_range(2.0..12.0) * 100.0).round() / 100.0,
    );
    set(
        "S04",
        (s01 * rng.gen_range(1.0..6.0) * 100.0).round() / 100.0,
    );
    for k in 5..=16 {
        let on = rng.gen_bool((0.35 + 0.6 * qual).clamp(0.0, 1.0));
        let v = if on && s01 > 0.0 {
            (s01 * rng.gen_range(0.02..0.4)).round().max(1.0).min(s01)
        } else {
            0.0
        };
        set(&format!("S{k:02}"), v);
    }
    let s17 = poisson_like(&mut rng, units * 0.05 * (0.3 + qual));
    set("S17", s17);
    set("S18", (s17 * rng.gen_range(1.0..3.0)).round());
    let s20 = (s01 * rng.gen_range(0.03..0.08)).round().min(cap);
    set("S20", s20);
    let transfer_rate = if qual < 0.2 {
        0.5
    } else {
        (0.75 + 0.3 * qual).min(1.0)
    };
    let transfers = (s20 * transfer_rate).round();
    set("S21", (s01 * (0.6 + 0.4 * qual)).round().min(s01));
    let intensity = rng.gen_range(1.0..4.0);
    let s30 = poisson_like(&mut rng, units * intensity * (1.6 - qual));
    set("S30", s30);
    set("S31", (s30 * (0.6 + 0.4 * qual)).round().min(s30));
    set("S32", (s01 * (0.5 + 0.5 * qual)).round().min(s01));
    for (w, p) in [
        ("W11", 0.05),
        ("W12", 0.15),
        ("W13", 0.05),
        ("W14", 0.15),
        ("W15", 0.2),
    ] {
        set(w, if rng.gen_bool(p * qual) { 1.0 } else { 0.0 });
    }

    let mut ledgers: BTreeMap<String, Vec<BTreeMap<&str, Cell>>> = BTreeMap::new();
    let text = |s: String| Cell::Text(s);
    let prefix = format!("{}-{}", region.code, q);
    // 移送台账
    let domains = [
        "互联网",
        "商标",
        "药品医疗器械",
        "农资",
        "版权",
        "专利",
        "寄递",
        "车用燃油",
    ];
    let rows = (0..transfers as usize)
        .map(|i| {
            let sent = day_in_q(&mut rng);
            let accepted = rng.gen_bool(0.6 + 0.35 * qual);
            let mut m = BTreeMap::new();
            m.insert("案件编号", text(format!("{prefix}-Y{:04}", i + 1)));
            m.insert(
                "领域",
                text(domains[rng.gen_range(0..domains.len())].to_string()),
            );
            m.insert(
                "发现日期",
                Cell::Date(sent - Duration::days(rng.gen_range(5..60))),
            );
            m.insert("移送日期", Cell::Date(sent));
            m.insert("接收公安机关", text(format!("{}公安局", region.name)));
            m.insert("是否立案", Cell::YesNo(accepted));
            if accepted {
                m.insert(
                    "立案日期",
                    Cell::Date((sent + Duration::days(rng.gen_range(3..20))).min(filed_on)),
                );
            }
            m
        })
        .collect();
    ledgers.insert("transfer".to_string(), rows);
    // 信息公开台账: one row per case of S01.
    let disclose_p = if qual < 0.2 { 0.6 } else { 0.8 + 0.2 * qual };
    let rows = (0..s01 as usize)
        .map(|i| {
            let decided = day_in_q(&mut rng);
            let mut m = BTreeMap::new();
            m.insert("案件编号", text(format!("{prefix}-C{:05}", i + 1)));
            m.insert("决定日期", Cell::Date(decided));
            if rng.gen_bool(disclose_p.clamp(0.0, 1.0)) {
                let slow = rng.gen_bool((0.35 - 0.3 * qual).clamp(0.0, 1.0));
                let wd = if slow {
                    rng.gen_range(21..40)
                } else {
                    rng.gen_range(1..=20)
                };
                let published = add_working_days(cal, decided, wd);
                if published <= filed_on {
                    m.insert("公开日期", Cell::Date(published));
                    m.insert(
                        "公开网址",
                        text(format!("https://www.gsxt.gov.cn/{prefix}-C{:05}", i + 1)),
                    );
                }
            }
            m
        })
        .collect();
    ledgers.insert("disclosure".to_string(), rows);
    // 销毁台账
    let batches = rng.gen_range(2..12usize).min(cap as usize);
    let kinds = ["服装鞋帽", "食品", "化妆品", "电子产品", "烟草制品", "药品"];
    let rows = (0..batches)
        .map(|i| {
            let due = day_in_q(&mut rng) - Duration::days(rng.gen_range(0..60));
            let mut m = BTreeMap::new();
            m.insert("批次编号", text(format!("{prefix}-X{:03}", i + 1)));
            m.insert(
                "物品类别",
                text(kinds[rng.gen_range(0..kinds.len())].to_string()),
            );
            m.insert("数量", Cell::Number(f64::from(rng.gen_range(50..5000))));
            m.insert("计量单位", text("件".to_string()));
            m.insert(
                "重量（千克）",
                Cell::Number(f64::from(rng.gen_range(20..3000))),
            );
            m.insert(
                "货值（万元）",
                Cell::Number(f64::from(rng.gen_range(1..300))),
            );
            m.insert("应销毁日期", Cell::Date(due.min(q.last_day())));
            if rng.gen_bool((0.55 + 0.45 * qual).clamp(0.0, 1.0)) {
                m.insert("销毁日期", Cell::Date(day_in_q(&mut rng)));
                m.insert(
                    "销毁方式",
                    text(["焚烧", "粉碎", "资源化利用"][rng.gen_range(0..3)].to_string()),
                );
                m.insert("处置单位", text(format!("{}环保处置有限公司", region.name)));
                m.insert(
                    "处置单位在名录内",
                    Cell::YesNo(rng.gen_bool((0.7 + 0.3 * qual).min(1.0))),
                );
                m.insert(
                    "程序完备",
                    Cell::YesNo(rng.gen_bool((0.7 + 0.3 * qual).min(1.0))),
                );
            }
            m
        })
        .collect();
    ledgers.insert("destruction".to_string(), rows);

    // What the script above does not know (a scheme with other fields or columns) is drawn
    // from the scheme, on a stream of its own so that the scripted figures stay as they are.
    let mut extra = rng_for(plan.seed, key, q, 4);
    for def in &scheme.fields {
        if !fields.contains_key(&def.code) {
            let v = drawn(&mut extra, def.kind, units * (0.2 + 0.8 * qual));
            fields.insert(def.code.clone(), v);
        }
    }
    let ledgers = scheme
        .ledgers
        .iter()
        .map(|def| {
            let rows = ledgers
                .remove(&def.id)
                .unwrap_or_default()
                .into_iter()
                .map(|mut m| {
                    def.columns
                        .iter()
                        .map(|c| match m.remove(c.name.as_str()) {
                            Some(cell) => cell,
                            None if c.required => drawn_cell(&mut extra, c, &day_in_q),
                            None => Cell::Empty,
                        })
                        .collect()
                })
                .collect();
            (def.id.clone(), rows)
        })
        .collect();
    Filled {
        filled_by: "张三".to_string(),
        phone: "020-12345678".to_string(),
        filed_on: Some(filed_on),
        fields,
        field_text: BTreeMap::new(),
        ledgers,
    }
}

/// 省级评定.csv for a quarter.
fn province_csv(registry: &Registry, q: Quarter, plan: &Plan) -> String {
    let mut s = String::from("区划代码,群众满意度,国家通报批评次数,省通报批评次数,中央媒体曝光次数,数据严重失实,一票否决,否决事由\n");
    for r in &registry.regions {
        let key = if plan.scripted && r.code == cast::TIE[1] {
            cast::TIE[0]
        } else {
            r.code.as_str()
        };
        let mut rng = rng_for(plan.seed, key, q, 4);
        let qual = quality(key, q, plan);
        let survey = if plan.scripted && r.code == cast::NO_SURVEY {
            String::new()
        } else {
            format!(
                "{:.1}",
                (70.0 + 25.0 * qual + rng.gen_range(-3.0..3.0_f64)).clamp(0.0, 100.0)
            )
        };
        let province_crit = u8::from(rng.gen_bool((0.12 * (1.0 - qual)).clamp(0.0, 1.0)));
        let media = u8::from(rng.gen_bool(0.02));
        let (veto, reason) = if plan.scripted && r.code == cast::VETOED && q.q == 4 {
            (
                "是",
                "辖区内发生重大假冒伪劣食品致人伤亡事件，整治无效、工作不力",
            )
        } else {
            ("否", "")
        };
        s.push_str(&format!(
            "{},{survey},0,{province_crit},{media},否,{veto},{reason}\n",
            r.code
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Samples are made for the scheme they are given: a field and a required ledger column the
    /// script does not know are filled from their kinds, and the scripted figures stay as they
    /// are.
    #[test]
    fn samples_fill_what_a_revised_scheme_adds() {
        let text = crate::scheme::BUILTIN_SCHEME
            .replacen(
                "[[fields]]\ncode = \"S01\"",
                "[[fields]]\ncode = \"S99\"\nname = \"新增字段\"\nunit = \"件\"\nkind = \"count\"\n\n[[fields]]\ncode = \"S01\"",
                1,
            )
            .replacen(
                "  { name = \"接收公安机关\"",
                "  { name = \"承办人\", kind = \"text\", required = true },\n  { name = \"接收公安机关\"",
                1,
            );
        let revised = Scheme::from_toml(&text).unwrap();
        let builtin = Scheme::builtin().unwrap();
        let registry = Registry::builtin().unwrap();
        let region = &registry.regions[0];
        let q: Quarter = "2025Q4".parse().unwrap();
        let cal = Calendar::builtin().unwrap();
        let plan = Plan {
            quarters: vec![q],
            seed: 2025,
            max_ledger_rows: 50,
            scripted: true,
            writer: Writer::Template,
        };
        let a = fill(&revised, &region.code, region, q, &cal, &plan);
        let b = fill(&builtin, &region.code, region, q, &cal, &plan);
        assert!(a.fields.contains_key("S99"));
        for (code, v) in &b.fields {
            assert_eq!(a.fields.get(code), Some(v), "{code}");
        }
        let def = revised.ledgers.iter().find(|l| l.id == "transfer").unwrap();
        let col = def.columns.iter().position(|c| c.name == "承办人").unwrap();
        let rows = &a.ledgers["transfer"];
        assert!(!rows.is_empty());
        assert!(rows
            .iter()
            .all(|r| matches!(&r[col], Cell::Text(t) if !t.is_empty())));
    }
}
