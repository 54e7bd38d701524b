//! `kaoping explain`: how one region's total was reached, in Chinese, for the terminal. Every
//! number is the one the ranking workbook shows (it is read from the same results): indicator
//! by indicator the figures, the rule and the score, with `when_empty` where it decided and
//! what the best region had; then bonus, deductions, veto, the total, rank and grade, and the
//! measure with the rules that led to it.

use super::details::value_kind;
use super::notes::values::describe_value;
use super::standing::{self, Province};
use super::style::Kind;
use crate::flag::{Flag, Measure};
use crate::problem::{Problem, Severity};
use crate::quarter::Quarter;
use crate::scheme::{Indicator, Scheme};
use crate::score::{IndicatorResult, Item, RegionResult};
use crate::stats::RankInterval;
use crate::text::fmt_num;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The results a region is explained from (those of one scoring run).
#[derive(Debug, Clone, Copy)]
pub struct Results<'a> {
    pub scheme: &'a Scheme,
    pub quarter: Quarter,
    /// Every region, in rank order.
    pub regions: &'a [RegionResult],
    pub flags: &'a BTreeMap<String, Vec<Flag>>,
    pub intervals: &'a BTreeMap<String, RankInterval>,
    /// What ingest found, for a region that was not scored.
    pub problems: &'a [Problem],
}

impl Results<'_> {
    /// The region with this 区划代码 or name.
    pub fn find(&self, who: &str) -> Option<&RegionResult> {
        let who = who.trim();
        self.regions
            .iter()
            .find(|r| r.code == who)
            .or_else(|| self.regions.iter().find(|r| r.name == who))
    }

    /// The region's measure (its most serious flag, with the rules that fired).
    pub fn measure(&self, code: &str) -> Option<Measure> {
        self.flags.get(code).and_then(|f| Measure::of(f))
    }

    /// How the region's total was reached, as lines of text.
    pub fn explain(&self, r: &RegionResult) -> String {
        let s = self.scheme;
        let mut out = String::new();
        let _ = writeln!(out, "{}（{}）{}得分说明", r.name, r.code, self.quarter);
        if !r.is_scored() {
            let _ = writeln!(out, "状态：{}，未评分，不参加排名。", r.status.label());
            if let Some(file) = &r.file {
                let errors: Vec<&Problem> = self
                    .problems
                    .iter()
                    .filter(|p| p.source.file == *file && p.severity == Severity::Error)
                    .collect();
                let _ = writeln!(out, "报送文件{file}有{}处错误：", errors.len());
                for p in errors {
                    let _ = writeln!(out, "  {}：{}", p.source.located(), p.message);
                }
            }
            return out;
        }
        let _ = writeln!(out, "{}", self.headline(r));
        let _ = writeln!(out);
        let _ = writeln!(out, "一、指标得分");
        let province = Province::new(s, self.regions);
        for g in &s.groups {
            let subtotal = r.subtotal(&g.id).unwrap_or(0.0);
            let _ = writeln!(
                out,
                "{}（满分{}分）：得{}分",
                g.name,
                fmt_num(s.group_points(&g.id)),
                fmt_num(subtotal)
            );
            for ind in s.indicators.iter().filter(|i| i.group == g.id) {
                if let Some(res) = r.indicators.iter().find(|x| x.id == ind.id) {
                    self.indicator(&mut out, ind, res, &province);
                }
            }
        }
        let _ = writeln!(out);
        items(&mut out, "二、加分", r.bonus, &r.bonus_items, '+');
        items(&mut out, "三、扣分", r.deductions, &r.deduction_items, '-');
        let indicator_sum: f64 = r.groups.iter().map(|(_, v)| v).sum();
        let adjusted: f64 = s.round(r.adjustments.iter().map(|i| i.points).sum());
        let ladder = if r.adjustments.is_empty() {
            String::new()
        } else {
            format!(
                " {} 督办规则加减分{}",
                if adjusted < 0.0 { "−" } else { "+" },
                fmt_num(adjusted.abs())
            )
        };
        let _ = writeln!(
            out,
            "四、总分：指标得分{} + 加分{} − 扣分{}{ladder} = {}分",
            fmt_num(s.round(indicator_sum)),
            fmt_num(r.bonus),
            fmt_num(r.deductions),
            fmt_num(r.total)
        );
        // Each point rule of the ladder that applied, with its rule.
        for item in &r.adjustments {
            let _ = writeln!(
                out,
                "    督办规则加减分：{}（规则：{}）：{}分",
                item.detail,
                item.label,
                signed_points(item.points)
            );
        }
        match &r.veto {
            Some(reason) => {
                let _ = writeln!(
                    out,
                    "    一票否决（{reason}）：等次为{}，排在全部未被否决的地区之后。",
                    r.grade
                );
            }
            None => {
                let _ = writeln!(out, "    等次：{}（按总分对照等次标准）", r.grade);
            }
        }
        let rectify = self.rectifications(r);
        let _ = writeln!(
            out,
            "五、整改事项（失分超过{}分的指标，按失分从多到少）",
            fmt_num(s.feedback.rectify_above)
        );
        if rectify.is_empty() && r.veto.is_none() {
            let _ = writeln!(out, "  无");
        }
        let basis = |source: &str| {
            if source.is_empty() {
                String::new()
            } else {
                format!("；依据：{source}")
            }
        };
        // The veto first: it, not any indicator, is why the region is 不合格.
        let first = usize::from(r.veto.is_some());
        if let Some(incident) = &r.veto {
            let by = self
                .measure(&r.code)
                .and_then(|m| m.deadline)
                .map_or_else(String::new, |d| {
                    format!("，{}前完成", d.format("%Y年%-m月%-d日"))
                });
            let _ = writeln!(
                out,
                "  1. 一票否决：{incident}。整改要求：{}{by}{}",
                s.veto.action(),
                basis(&s.veto.source)
            );
        }
        for (k, (ind, lost)) in rectify.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} {}：失{}分（满分{}分）。整改要求：{}{}",
                k + 1 + first,
                ind.id,
                ind.name,
                fmt_num(*lost),
                fmt_num(ind.points),
                ind.action(),
                basis(&ind.source)
            );
        }
        let _ = writeln!(out, "六、预警与督办");
        match self.measure(&r.code) {
            Some(m) => {
                let _ = writeln!(out, "  措施：{}", m.measure.label);
                if let Some(d) = m.deadline {
                    let _ = writeln!(out, "  整改期限：{}", d.format("%Y年%-m月%-d日"));
                }
                let _ = writeln!(out, "  理由：{}", m.reason);
                let _ = writeln!(out, "  依据的规则：{}", m.rules.join("；"));
            }
            None => {
                let _ = writeln!(out, "  无");
            }
        }
        out
    }

    /// The region's 整改事项 (see [`standing::rectifications`]).
    pub fn rectifications(&self, r: &RegionResult) -> Vec<(&Indicator, f64)> {
        standing::rectifications(self.scheme, r)
    }

    /// "总分 63.54，第5名（排名区间 3–8），等次 良好，措施 约谈".
    fn headline(&self, r: &RegionResult) -> String {
        let scored = self.regions.iter().filter(|x| x.is_scored()).count();
        let mut line = format!(
            "总分{}分，第{}名（共{}个已评分地区）",
            fmt_num(r.total),
            r.rank,
            scored
        );
        if let Some(i) = self.intervals.get(&r.code) {
            let _ = write!(line, "，排名区间{}", i.label());
        }
        let _ = write!(line, "，等次{}", r.grade);
        let measure = self.measure(&r.code).map(|m| m.measure.label);
        let _ = write!(line, "，措施{}", measure.as_deref().unwrap_or("无"));
        line
    }

    /// One indicator: figures → rule → score, and what the best region had.
    fn indicator(
        &self,
        out: &mut String,
        ind: &Indicator,
        res: &IndicatorResult,
        province: &Province,
    ) {
        let s = self.scheme;
        let _ = writeln!(
            out,
            "  {} {}（{}分）：得{}分",
            ind.id,
            ind.name,
            fmt_num(ind.points),
            fmt_num(res.score)
        );
        let _ = writeln!(out, "    指标值 = {}", describe_value(s, &ind.value));
        let figures = match (res.numerator, res.denominator) {
            (Some(n), Some(d)) => format!("{} ÷ {} = ", fmt_num(n), fmt_num(d)),
            _ => String::new(),
        };
        match res.value {
            Some(v) => {
                let _ = writeln!(out, "    本地区：{figures}{}", self.show(ind, v));
            }
            None => {
                let _ = writeln!(out, "    本地区：{figures}无数据");
            }
        }
        match res.empty {
            Some(e) => {
                let _ = writeln!(out, "    计分：{}", e.describe());
            }
            None => {
                let _ = writeln!(out, "    计分：{}", ind.rule.describe());
            }
        }
        if (s.round(res.raw) - res.score).abs() > 1e-9 {
            let _ = writeln!(
                out,
                "    同组有不计分的指标，按比例折算：{} → {}分",
                fmt_num(res.raw),
                fmt_num(res.score)
            );
        } else if (res.raw - res.score).abs() > 1e-9 {
            let _ = writeln!(
                out,
                "    计算值{}，保留{}位小数为{}分",
                fmt_num(res.raw),
                s.decimals,
                fmt_num(res.score)
            );
        }
        if let Some((best, b)) = best(province, &ind.id) {
            let value = b.value.map_or("无数据".to_string(), |v| self.show(ind, v));
            const NAMED: usize = 5;
            let who = if best.len() > NAMED {
                format!("{}等{}个地区", best[..NAMED].join("、"), best.len())
            } else {
                best.join("、")
            };
            let _ = writeln!(
                out,
                "    {}最高：{who}，{}分（指标值{value}）",
                self.scheme.office.whole(),
                fmt_num(b.score)
            );
        }
    }

    /// A value as 指标明细 shows it (its number format; 是/否 for a yes/no field).
    fn show(&self, ind: &Indicator, v: f64) -> String {
        match value_kind(self.scheme, ind) {
            Kind::YesNo if v >= 0.5 => "是".to_string(),
            Kind::YesNo => "否".to_string(),
            kind => kind.shown(v),
        }
    }
}

/// A heading with its points, then each item with its sign.
fn items(out: &mut String, heading: &str, points: f64, items: &[Item], sign: char) {
    let _ = writeln!(out, "{heading}：{}分", fmt_num(points));
    for item in items {
        let _ = writeln!(
            out,
            "  {}{}：{sign}{}分",
            item.label,
            detail(&item.detail),
            fmt_num(item.points)
        );
    }
}

/// "+0.5" or "−1".
fn signed_points(v: f64) -> String {
    if v < 0.0 {
        format!("−{}", fmt_num(-v))
    } else {
        format!("+{}", fmt_num(v))
    }
}

/// "（2次）" after an item's label, when it has a figure.
fn detail(d: &str) -> String {
    if d.is_empty() {
        String::new()
    } else {
        format!("（{d}）")
    }
}

/// The scored regions with the highest score on an indicator, and one of their results.
fn best<'p>(province: &'p Province, id: &str) -> Option<(Vec<&'p str>, &'p IndicatorResult)> {
    let best = &province.on(id)?.best;
    let first = best.first()?.1;
    Some((best.iter().map(|(r, _)| r.name.as_str()).collect(), first))
}
