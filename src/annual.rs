//! 年度考核: the year's result of each region from the four quarters the history holds, by the
//! scheme's `[annual]` rule. Plain data in, plain data out: the pipeline reads the history and
//! the report writes the workbook.

use crate::quarter::Quarter;
use crate::record::{QuarterRecord, Status};
use crate::scheme::annual::Missing;
use crate::scheme::{Condition, Scheme};
use std::collections::BTreeMap;
pub use table::How;

pub mod table;

/// One quarter of a region's year.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterPart {
    pub quarter: Quarter,
    /// The region's row of the quarter; `None` when the history does not hold the quarter
    /// (`--partial`) or the quarter's results have no row for the region.
    pub record: Option<QuarterRecord>,
    /// How the quarter is counted.
    pub how: How,
    /// The measure the region carried that quarter, as printed; "" when none.
    pub measure: String,
    /// Whether the quarter's 一票否决 applied.
    pub vetoed: bool,
    /// The figure the year counts for the quarter.
    pub counted: f64,
    /// How it was counted when the region was not scored that quarter: the rule in words.
    pub substituted: Option<String>,
    /// The quarter's weight in the year (after the quarters the history lacks are left out).
    pub weight: f64,
    /// `counted × weight`, rounded as published: the year's total is the sum of these.
    pub contribution: f64,
}

impl QuarterPart {
    /// What the quarter was for the region when it was not scored, in words: its status
    /// (未报送, 数据有误，退回修改), or why the history has nothing; "已评分" when it was.
    pub fn state(&self) -> &'static str {
        match (&self.record, self.how) {
            (Some(r), _) => r.status.label(),
            (None, How::QuarterMissing) => "（历史数据缺）",
            (None, _) => "历史数据中无该地区",
        }
    }
}

/// A figure of the 年度评定 file counted in the year.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemPart {
    pub label: String,
    pub value: f64,
    pub weight: f64,
    /// `value × weight`, rounded as published.
    pub contribution: f64,
    /// Its 事由, when the scheme names a column for it.
    pub reason: String,
}

/// A region's row of the 年度评定 file: each item's figure and 事由, and a 年度一票否决.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    pub values: Vec<f64>,
    pub reasons: Vec<String>,
    /// 否决事由, when the region is vetoed for the year.
    pub veto: Option<String>,
}

/// One region's year.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualResult {
    pub code: String,
    pub name: String,
    /// The year's quarters, first to fourth.
    pub quarters: Vec<QuarterPart>,
    /// The 年度评定 file's items, in the scheme's order.
    pub items: Vec<ItemPart>,
    /// 年度一票否决 with its 事由.
    pub annual_veto: Option<String>,
    pub total: f64,
    /// 1-based; equal totals share a rank; regions vetoed in the year after the others; regions
    /// scored in no quarter last, sharing the last rank.
    pub rank: u32,
    pub grade: String,
    /// Why the 等次 is not the band of the total (a veto, a measure held), in words.
    pub downgrade: Option<String>,
}

impl AnnualResult {
    /// Whether any quarter of the year was scored.
    pub fn scored(&self) -> bool {
        self.quarters
            .iter()
            .any(|q| q.record.as_ref().is_some_and(QuarterRecord::scored))
    }

    /// The quarters vetoed.
    pub fn vetoed_in(&self) -> Vec<Quarter> {
        self.quarters
            .iter()
            .filter(|q| q.vetoed)
            .map(|q| q.quarter)
            .collect()
    }

    /// The quarters counted by the missing-quarter rule.
    pub fn substituted(&self) -> Vec<&QuarterPart> {
        self.quarters
            .iter()
            .filter(|q| q.substituted.is_some())
            .collect()
    }
}

/// The year's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Year {
    pub year: i32,
    /// Quarters of the year the history does not hold (only with `--partial`).
    pub missing: Vec<Quarter>,
    /// In printed order: by rank, or with `publish_ranks = false` by 等次 and then by code.
    pub regions: Vec<AnnualResult>,
    /// The year's measures by region ([`measures`]), most serious first.
    pub flags: BTreeMap<String, Vec<crate::flag::Flag>>,
    /// Rules over several years that the history could not judge: which years it lacks.
    pub earlier_missing: Option<String>,
    /// Each quarter's mean total of the regions scored in it ([`table::province_means`]);
    /// `None` for a quarter in which none was.
    pub province_mean: Vec<Option<f64>>,
}

impl Year {
    /// "年度结果未完成（缺第二季度）", when a quarter is missing.
    pub fn incomplete(&self) -> Option<String> {
        if self.missing.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .missing
            .iter()
            .map(|q| format!("第{}季度", q.ordinal()))
            .collect();
        Some(format!("年度结果未完成（缺{}）", names.join("、")))
    }

    /// The year's four quarters.
    pub fn quarters(&self) -> Vec<Quarter> {
        quarters_of(self.year)
    }
}

/// The four quarters of `year`.
pub fn quarters_of(year: i32) -> Vec<Quarter> {
    (1..=4)
        .filter_map(|q| format!("{year}Q{q}").parse().ok())
        .collect()
}

/// The ids of the rules that raise a measure on a veto, and the measures they raise: how a
/// quarter's 一票否决 is read back from the history.
fn veto_marks(scheme: &Scheme) -> (Vec<&str>, Vec<&str>) {
    let rules: Vec<&crate::scheme::RuleDef> = scheme
        .rules
        .iter()
        .filter(|r| matches!(r.condition, Some(Condition::Veto)))
        .collect();
    (
        rules.iter().map(|r| r.id.as_str()).collect(),
        rules.iter().filter_map(|r| r.measure.as_deref()).collect(),
    )
}

/// Combines the year's quarters. `parts` holds each region's four quarters as counted
/// ([`table::parts`]); `records` the quarters of `year` the history has (any order), for what
/// each quarter shows; `missing` the quarters it lacks; `findings` the 年度评定 file by code.
pub fn combine(
    scheme: &Scheme,
    year: i32,
    parts: &table::YearParts,
    records: &[QuarterRecord],
    missing: &[Quarter],
    findings: &BTreeMap<String, Findings>,
) -> Year {
    let rule = &scheme.annual;
    let quarters = quarters_of(year);
    let (veto_rules, veto_measures) = veto_marks(scheme);
    let mut by_code: BTreeMap<&str, Vec<&QuarterRecord>> = BTreeMap::new();
    for r in records {
        by_code.entry(r.code.as_str()).or_default().push(r);
    }
    let cap_floor = rule
        .cap_after
        .as_deref()
        .and_then(|m| scheme.measure(m))
        .map(|m| m.severity);
    let grade_index = |g: &str| scheme.grades.iter().position(|x| x.name == g);
    let mut out: Vec<AnnualResult> = parts
        .iter()
        .map(|(code, counted)| {
            let recs = by_code.get(code.as_str()).map_or(&[][..], Vec::as_slice);
            let at = |q: Quarter| recs.iter().find(|r| r.quarter == q).copied();
            let name = recs
                .iter()
                .max_by_key(|r| r.quarter)
                .map_or_else(|| code.to_string(), |r| r.name.clone());
            let parts: Vec<QuarterPart> = quarters
                .iter()
                .zip(counted)
                .map(|(&q, part)| {
                    let rec = at(q);
                    let substituted = match part.how {
                        How::Scored | How::QuarterMissing => None,
                        How::Unscored | How::Absent => Some(match rule.missing {
                            Missing::Zero => "按0分计".to_string(),
                            Missing::Lowest => {
                                format!("按本年度最低分{}分计", scheme.fixed(part.counted))
                            }
                            Missing::MeanMinus => format!(
                                "按本年度已评分季度平均分减{}分计（{}分）",
                                crate::text::fmt_num(rule.missing_deduction),
                                scheme.fixed(part.counted)
                            ),
                        }),
                    };
                    let vetoed = rec.is_some_and(|r| {
                        r.scored()
                            && (r.rules.iter().any(|id| veto_rules.contains(&id.as_str()))
                                || r.flags
                                    .iter()
                                    .any(|h| veto_measures.contains(&h.id.as_str())))
                    });
                    QuarterPart {
                        quarter: q,
                        record: rec.cloned(),
                        how: part.how,
                        measure: rec.map_or_else(String::new, |r| {
                            if r.flags.is_empty() {
                                String::new()
                            } else {
                                scheme.held_label(&r.flags)
                            }
                        }),
                        vetoed,
                        counted: part.counted,
                        substituted,
                        weight: part.weight,
                        contribution: part.contribution,
                    }
                })
                .collect();
            let found = findings.get(code);
            let items: Vec<ItemPart> = rule
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let value = found.and_then(|f| f.values.get(i).copied()).unwrap_or(0.0);
                    ItemPart {
                        label: item.label.clone(),
                        value,
                        weight: item.weight,
                        contribution: scheme.round(value * item.weight),
                        reason: found
                            .and_then(|f| f.reasons.get(i).cloned())
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let annual_veto = found.and_then(|f| f.veto.clone());
            let total = scheme.round(
                parts.iter().map(|p| p.contribution).sum::<f64>()
                    + items.iter().map(|i| i.contribution).sum::<f64>(),
            );
            let mut grade = scheme.grade_for(total);
            let mut downgrade = None;
            let vetoed: Vec<Quarter> = parts
                .iter()
                .filter(|p| p.vetoed)
                .map(|p| p.quarter)
                .collect();
            if let Some(reason) = &annual_veto {
                grade = scheme.veto.grade.clone();
                downgrade = Some(format!("年度一票否决（{reason}），年度等次定为{grade}"));
            } else if rule.veto_downgrade && !vetoed.is_empty() {
                grade = scheme.veto.grade.clone();
                let qs: Vec<String> = vetoed.iter().map(|q| q.label()).collect();
                downgrade = Some(format!("{}被一票否决，年度等次定为{grade}", qs.join("、")));
            } else if let (Some(floor), Some(cap)) = (cap_floor, rule.cap_grade.as_deref()) {
                let held = parts.iter().find_map(|p| {
                    let r = p.record.as_ref()?;
                    let h = r.flags.iter().find(|h| {
                        scheme
                            .measure(&h.id)
                            .map(|m| m.severity)
                            .or(h.severity)
                            .unwrap_or(0)
                            >= floor
                    })?;
                    Some((p.quarter, scheme.held_label(std::slice::from_ref(h))))
                });
                if let (Some((q, label)), Some(now), Some(limit)) =
                    (held, grade_index(&grade), grade_index(cap))
                {
                    if now < limit {
                        grade = cap.to_string();
                        downgrade = Some(format!("{}被{label}，年度等次不高于{cap}", q.label()));
                    }
                }
            }
            AnnualResult {
                code: code.clone(),
                name,
                quarters: parts,
                items,
                annual_veto,
                total,
                rank: 0,
                grade,
                downgrade,
            }
        })
        .collect();
    rank(&mut out, rule.veto_downgrade);
    if !rule.quotas.is_empty() {
        by_quota(scheme, &mut out);
    }
    if !rule.publish_ranks {
        let index = |g: &str| {
            scheme
                .grades
                .iter()
                .position(|x| x.name == g)
                .unwrap_or(usize::MAX)
        };
        out.sort_by(|a, b| {
            (!a.scored(), index(&a.grade), &a.code).cmp(&(!b.scored(), index(&b.grade), &b.code))
        });
    }
    Year {
        year,
        missing: missing.to_vec(),
        regions: out,
        flags: BTreeMap::new(),
        earlier_missing: None,
        province_mean: Vec::new(),
    }
}

/// 等次 by rank quota: in rank order, the regions ranked (scored, not vetoed) and not otherwise
/// downgraded take the quotas' 等次, ties at a boundary counted in; the rest `rest_grade`, unless
/// their total is in the last band (不合格).
fn by_quota(scheme: &Scheme, out: &mut [AnnualResult]) {
    let rule = &scheme.annual;
    let index = |g: &str| scheme.grades.iter().position(|x| x.name == g);
    let ranked: Vec<usize> = (0..out.len())
        .filter(|&i| {
            let r = &out[i];
            r.scored()
                && r.downgrade.is_none()
                && r.annual_veto.is_none()
                && r.vetoed_in().is_empty()
        })
        .collect();
    let n = ranked.len();
    let mut taken = 0usize;
    let mut assigned: Vec<Option<String>> = vec![None; out.len()];
    for q in &rule.quotas {
        let until = (taken + q.count(n)).min(n);
        if until == taken {
            continue;
        }
        // The rank of the last region the quota takes: every region of that rank is in.
        let last_rank = out[ranked[until - 1]].rank;
        for &i in &ranked[taken..] {
            if out[i].rank <= last_rank && assigned[i].is_none() {
                assigned[i] = Some(q.grade.clone());
            }
        }
        taken = ranked.iter().filter(|&&i| assigned[i].is_some()).count();
    }
    for &i in &ranked {
        let band = out[i].grade.clone();
        let grade = assigned[i]
            .clone()
            .or_else(|| rule.rest_grade.clone())
            .unwrap_or_else(|| band.clone());
        // A total in the last band (不合格) stays there: a quota does not lift a failure.
        let failing = index(&band).is_some_and(|b| b + 1 == scheme.grades.len());
        out[i].grade = if failing && assigned[i].is_none() {
            band
        } else {
            grade
        };
    }
}

/// Ranks by annual total as the quarters are ranked: vetoed in the year after the others (when
/// the veto carries over), regions scored in no quarter last.
fn rank(out: &mut [AnnualResult], veto_last: bool) {
    use crate::score::rank::{competition_ranks, RANKED, UNRANKED, VETOED};
    let keys: Vec<(u8, f64)> = out
        .iter()
        .map(|r| {
            let class = if !r.scored() {
                UNRANKED
            } else if r.annual_veto.is_some() || (veto_last && !r.vetoed_in().is_empty()) {
                VETOED
            } else {
                RANKED
            };
            (class, r.total)
        })
        .collect();
    for (r, k) in out.iter_mut().zip(competition_ranks(&keys)) {
        r.rank = k;
    }
    out.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.code.cmp(&b.code)));
}

/// Whether a record's status means the region was not scored that quarter (for words).
pub fn unscored_label(r: &QuarterRecord) -> Option<&'static str> {
    (r.status != Status::Scored).then(|| r.status.label())
}

/// Reads the 年度评定 file (`table`, named `file`) for the scheme's `[annual]` items and veto:
/// one row per region by 区划代码. Every problem names the file, row and column; a region of
/// `regions` (code, name) without a row, or a row for a region not among them, is a problem too.
///
/// # Errors
///
/// Every problem found, in Chinese.
pub fn read_findings(
    scheme: &Scheme,
    table: &crate::tablefile::Table,
    file: &str,
    regions: &[(String, String)],
) -> Result<BTreeMap<String, Findings>, Vec<String>> {
    use crate::tablefile::text;
    let rule = &scheme.annual;
    let headers = table.headers();
    let mut problems = Vec::new();
    let mut col = |name: &str| -> Option<usize> {
        let found = headers.iter().position(|h| h == name);
        if found.is_none() {
            problems.push(format!("{file}：表头缺少“{name}”列"));
        }
        found
    };
    let code_col = col("区划代码");
    let item_cols: Vec<(Option<usize>, Option<usize>)> = rule
        .items
        .iter()
        .map(|i| {
            (
                col(&i.column),
                i.reason_column.as_deref().and_then(&mut col),
            )
        })
        .collect();
    let veto_cols = rule
        .veto
        .as_ref()
        .map(|v| (col(&v.column), col(&v.reason_column)));
    let Some(code_col) = code_col else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let cell = |row: &[calamine::Data], c: Option<usize>| -> String {
        c.and_then(|c| row.get(c)).map(text).unwrap_or_default()
    };
    let mut out = BTreeMap::new();
    for (i, row) in table.rows.iter().enumerate().skip(1) {
        if row.iter().all(|d| text(d).is_empty()) {
            continue;
        }
        let code = cell(row, Some(code_col));
        let line = u32::try_from(i).unwrap_or(u32::MAX);
        let at = |c: usize| {
            format!(
                "{file} 第{}行“{}”列（{}）",
                i + 1,
                headers.get(c).map_or("", String::as_str),
                crate::problem::a1(line, u32::try_from(c).unwrap_or(0))
            )
        };
        if !regions.iter().any(|(c, _)| *c == code) {
            problems.push(format!("{}：区划代码“{code}”不在地区名录中", at(code_col)));
            continue;
        }
        let mut f = Findings::default();
        for (item, (vc, rc)) in rule.items.iter().zip(&item_cols) {
            let raw = cell(row, *vc);
            let c = vc.unwrap_or(0);
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => f.values.push(v),
                _ if raw.is_empty() => {
                    problems.push(format!(
                        "{}：{}为空，应填写数值（没有时填0）",
                        at(c),
                        item.label
                    ));
                    f.values.push(0.0);
                }
                _ => {
                    problems.push(format!("{}：“{raw}”不是数值", at(c)));
                    f.values.push(0.0);
                }
            }
            f.reasons.push(cell(row, *rc));
        }
        if let Some((Some(vc), rc)) = veto_cols {
            match cell(row, Some(vc)).as_str() {
                "是" => {
                    let reason = cell(row, rc);
                    if reason.is_empty() {
                        problems.push(format!(
                            "{}：年度一票否决为“是”，应写明否决事由",
                            at(rc.unwrap_or(vc))
                        ));
                    }
                    f.veto = Some(reason);
                }
                "否" | "" => {}
                other => problems.push(format!("{}：“{other}”应为“是”或“否”", at(vc))),
            }
        }
        if out.insert(code.clone(), f).is_some() {
            problems.push(format!("{}：区划代码“{code}”重复", at(code_col)));
        }
    }
    let absent: Vec<String> = regions
        .iter()
        .filter(|(c, _)| !out.contains_key(c))
        .map(|(c, n)| format!("{n}（{c}）"))
        .collect();
    if !absent.is_empty() {
        problems.push(format!(
            "{file}：缺少{}个地区的年度评定：{}",
            absent.len(),
            absent.join("、")
        ));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// How a region's year was made, in words, with the figures of the annual workbook:
/// `kaoping explain --year`.
pub fn explain(scheme: &Scheme, year: &Year, a: &AnnualResult) -> String {
    use std::fmt::Write as _;
    let s = scheme;
    let mut out = String::new();
    let scored = year.regions.iter().filter(|r| r.scored()).count();
    let place = if s.annual.publish_ranks && a.scored() {
        format!("第{}名（共{scored}个地区）", a.rank)
    } else {
        "排名不分前后".to_string()
    };
    let _ = writeln!(
        out,
        "{}（{}）{}年度：年度总分{}分，{place}，等次{}",
        a.name,
        a.code,
        year.year,
        s.fixed(a.total),
        a.grade
    );
    if let Some(w) = year.incomplete() {
        let _ = writeln!(out, "注意：{w}，不是正式的年度结果");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "一、各季度（{}）", s.annual.describe_missing());
    for p in &a.quarters {
        let head = format!("  第{}季度：", p.quarter.ordinal());
        let line = match &p.record {
            None if p.how == How::QuarterMissing => "历史数据中没有该季度，不计入".to_string(),
            Some(r) if r.scored() => {
                let measure = if p.measure.is_empty() {
                    String::new()
                } else {
                    format!("，{}", p.measure)
                };
                // A vetoed quarter's measure is the veto's; said once.
                let veto = if p.vetoed && p.measure.is_empty() {
                    "，一票否决"
                } else {
                    ""
                };
                format!(
                    "总分{}分，第{}名{measure}{veto}；{} × {} = {}分",
                    s.fixed(r.total),
                    r.rank,
                    s.fixed(p.counted),
                    weight_words(p.weight),
                    s.fixed(p.contribution)
                )
            }
            _ => format!(
                "{}，{}；{} × {} = {}分",
                p.state(),
                p.substituted.as_deref().unwrap_or(""),
                s.fixed(p.counted),
                weight_words(p.weight),
                s.fixed(p.contribution)
            ),
        };
        let _ = writeln!(out, "{head}{line}");
    }
    if !a.items.is_empty() {
        let _ = writeln!(out, "二、年度评定");
        for i in &a.items {
            let why = if i.reason.is_empty() {
                String::new()
            } else {
                format!("（{}）", i.reason)
            };
            let _ = writeln!(
                out,
                "  {}{why}：{} × {} = {}分",
                i.label,
                crate::text::fmt_num(i.value),
                crate::text::fmt_num(i.weight),
                s.fixed(i.contribution)
            );
        }
    }
    let parts: Vec<String> = a
        .quarters
        .iter()
        .map(|p| s.fixed(p.contribution))
        .chain(a.items.iter().map(|i| s.fixed(i.contribution)))
        .collect();
    let head = if a.items.is_empty() { "二" } else { "三" };
    let _ = writeln!(
        out,
        "{head}、年度总分：{} = {}分",
        parts.join(" + "),
        s.fixed(a.total)
    );
    let head = if a.items.is_empty() { "三" } else { "四" };
    let measure_head = if a.items.is_empty() { "四" } else { "五" };
    let band = s.grade_for(a.total);
    match &a.downgrade {
        Some(d) => {
            let _ = writeln!(out, "{head}、等次：按年度总分为{band}；{d}");
        }
        None if band != a.grade => {
            let _ = writeln!(
                out,
                "{head}、等次：{}（按名额定等次；按年度总分为{band}）",
                a.grade
            );
        }
        None => {
            let _ = writeln!(out, "{head}、等次：{}（按年度总分对照等次标准）", a.grade);
        }
    }
    if !s.annual.rules.is_empty() {
        match year
            .flags
            .get(&a.code)
            .and_then(|f| crate::flag::Measure::of(f))
        {
            Some(m) => {
                let _ = writeln!(out, "{measure_head}、年度督办：{}", m.measure.label);
                let _ = writeln!(out, "  理由：{}", m.reason);
                let _ = writeln!(out, "  依据的规则：{}", m.rules.join("；"));
            }
            None => {
                let _ = writeln!(out, "{measure_head}、年度督办：无");
            }
        }
    }
    out
}

/// "25%" or "17.5%".
fn weight_words(w: f64) -> String {
    format!("{}%", crate::text::fmt_num(w * 100.0))
}

/// The year's measures (`[[annual.rules]]`), by region: each rule that fired as a
/// [`crate::flag::Flag`], so that [`crate::flag::Measure::of`] tells them as the quarters'
/// are told. `earlier` holds the years before, newest first, for rules with `years = m`; a rule
/// whose earlier years the history lacks does not fire. `deadline` dates a measure's 整改期限.
pub fn measures(
    scheme: &Scheme,
    year: &Year,
    earlier: &[Year],
    deadline: &dyn Fn(&crate::scheme::DeadlineDef) -> chrono::NaiveDate,
) -> BTreeMap<String, Vec<crate::flag::Flag>> {
    let mut out: BTreeMap<String, Vec<crate::flag::Flag>> = BTreeMap::new();
    for (order, rule) in scheme.annual.rules.iter().enumerate() {
        let (Some(c), Some(def)) = (
            &rule.condition,
            rule.measure.as_deref().and_then(|m| scheme.measure(m)),
        ) else {
            continue;
        };
        let years = rule.years.unwrap_or(1).max(1);
        for a in &year.regions {
            let Some(mut b) = holds(scheme, year, a, c) else {
                continue;
            };
            let back = (1..years).all(|k| {
                earlier
                    .get(k as usize - 1)
                    .filter(|y| y.year == year.year - k as i32)
                    .and_then(|y| y.regions.iter().find(|r| r.code == a.code).map(|r| (y, r)))
                    .is_some_and(|(y, r)| holds(scheme, y, r, c).is_some())
            });
            if !back {
                continue;
            }
            b.push(("years", years.to_string()));
            let due = def.deadline.as_ref().map(deadline);
            if let Some(d) = due {
                b.push(("deadline", d.format("%Y年%-m月%-d日").to_string()));
            }
            b.push(("measure", def.label.clone()));
            let value = |name: &str| b.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
            out.entry(a.code.clone())
                .or_default()
                .push(crate::flag::Flag {
                    measure: def.clone(),
                    rule_id: rule.id.clone(),
                    order,
                    rule: crate::scheme::ladder::fill(&rule.name, &value),
                    reason: crate::scheme::ladder::fill(&rule.reason, &value),
                    deadline: due,
                });
        }
    }
    for flags in out.values_mut() {
        flags.sort_by(|a, b| a.measure.cmp(&b.measure));
    }
    out
}

/// The placeholder values when `c` holds for region `a` in `year`; `None` when it does not.
fn holds(
    scheme: &Scheme,
    year: &Year,
    a: &AnnualResult,
    c: &Condition,
) -> Option<Vec<(&'static str, String)>> {
    let s = scheme;
    let mut ranks: Vec<u32> = year
        .regions
        .iter()
        .filter(|r| r.scored())
        .map(|r| r.rank)
        .collect();
    ranks.sort_unstable();
    let n = ranks.len();
    let mut base = vec![("year", format!("{}年", year.year)), ("n", n.to_string())];
    if a.scored() {
        base.extend([
            ("total", s.fixed(a.total)),
            ("rank", a.rank.to_string()),
            ("grade", a.grade.clone()),
            (
                "position",
                format!("年度总分{}分，排名第{}名", s.fixed(a.total), a.rank),
            ),
        ]);
    }
    let below = n - ranks.partition_point(|&k| k <= a.rank);
    let bottom =
        |k: usize| (a.scored() && k > 0 && below < k).then_some(vec![("k", k.to_string())]);
    let found: Vec<(&'static str, String)> = match c {
        Condition::Grade(gs) => (a.scored() && gs.contains(&a.grade)).then(Vec::new)?,
        Condition::TotalBelow(t) => (a.scored() && s.units(a.total) < s.units(*t))
            .then(|| vec![("threshold", crate::text::fmt_num(*t))])?,
        Condition::Bottom(k) => bottom(*k as usize)?,
        Condition::BottomShare(share) => {
            let mut b = bottom(crate::decimal::share_ceil(*share, n))?;
            b.push(("share", format!("{}%", crate::text::fmt_num(share * 100.0))));
            b
        }
        Condition::Veto => {
            let why = match (&a.annual_veto, a.vetoed_in().first()) {
                (Some(r), _) => format!("年度一票否决（{r}）"),
                (None, Some(q)) => format!("{}被一票否决", q.label()),
                (None, None) => return None,
            };
            vec![("veto", why)]
        }
        Condition::Held {
            measure,
            times,
            at_least,
            ..
        } => {
            let floor = s.measure(measure).map_or(u32::MAX, |m| m.severity);
            let count = a
                .quarters
                .iter()
                .filter_map(|p| p.record.as_ref())
                .filter(|r| {
                    r.flags.iter().any(|h| {
                        h.id == *measure
                            || (*at_least
                                && s.measure(&h.id)
                                    .map(|m| m.severity)
                                    .or(h.severity)
                                    .unwrap_or(0)
                                    >= floor)
                    })
                })
                .count();
            (count >= *times as usize && count > 0).then(|| {
                vec![
                    ("quarters", count.to_string()),
                    (
                        "held",
                        s.measure(measure)
                            .map_or_else(|| measure.clone(), |m| m.label.clone()),
                    ),
                ]
            })?
        }
        Condition::Status { is, quarters } => {
            use crate::scheme::ladder::Submitted;
            let hit: Vec<&QuarterRecord> = a
                .quarters
                .iter()
                .filter_map(|p| p.record.as_ref())
                .filter(|r| {
                    is.iter().any(|x| match x {
                        Submitted::Is(st) => r.status == *st,
                        Submitted::Late => r.late && r.scored(),
                    })
                })
                .collect();
            (!hit.is_empty() && hit.len() >= *quarters as usize).then(|| {
                vec![
                    ("quarters", hit.len().to_string()),
                    (
                        "status",
                        hit.first().map_or("", |r| r.status.label()).to_string(),
                    ),
                ]
            })?
        }
        Condition::All(cs) => {
            let mut all = Vec::new();
            for c in cs {
                all.extend(holds(s, year, a, c)?);
            }
            all
        }
        Condition::Any(cs) => cs.iter().find_map(|c| holds(s, year, a, c))?,
        Condition::Not(c) => match holds(s, year, a, c) {
            Some(_) => return None,
            None => Vec::new(),
        },
        _ => return None,
    };
    base.extend(found);
    Some(base)
}
