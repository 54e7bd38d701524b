//! Validation of a loaded scheme: every problem, each naming the key it is about, in the order
//! of the file (basics, fields, ledgers, indicators, bonus to flag rules, statistics).

use super::{DeductionSource, FunnelModel, LadderIssue, Rule, Scheme, ValueDef, ValueKind};
use crate::text::fmt_num;
use std::collections::{BTreeSet, HashMap};

/// The part of a scheme file a problem is in, in the order of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// id, version, deadline_day, decimals, per_unit, ledger_rows.
    Basics,
    /// `[[fields]]` and `[[work_items]]`.
    Fields,
    /// `[[ledgers]]`.
    Ledgers,
    /// `[[groups]]` and `[[indicators]]`.
    Indicators,
    /// `[bonus]`, `[deductions]`, `[veto]`, `[[grades]]`, `[feedback]`.
    Outcomes,
    /// `[[measures]]` and `[[rules]]` (the ladder).
    Ladder,
    /// `[statistics]`.
    Statistics,
}

/// One problem with a scheme: the part it is in, and a message naming its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeProblem {
    pub part: Part,
    pub message: String,
    /// What kind of ladder problem it is, for problems of `[[measures]]` and `[[rules]]`.
    pub issue: Option<LadderIssue>,
}

impl std::fmt::Display for SchemeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Scheme {
    /// Every problem with the scheme, each naming its key, in the order of the file.
    pub fn validate(&self) -> Vec<SchemeProblem> {
        let mut found: Vec<SchemeProblem> = Vec::new();
        let mut tag = |part: Part, messages: Vec<String>| {
            found.extend(messages.into_iter().map(|message| SchemeProblem {
                part,
                message,
                issue: None,
            }));
        };
        let mut p = Vec::new();
        self.validate_basics(&mut p);
        tag(Part::Basics, std::mem::take(&mut p));
        let codes = self.validate_fields(&mut p);
        tag(Part::Fields, std::mem::take(&mut p));
        self.validate_ledgers(&codes, &mut p);
        tag(Part::Ledgers, std::mem::take(&mut p));
        let province_cols: HashMap<&str, ValueKind> = self
            .province
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();
        self.validate_indicators(&codes, &province_cols, &mut p);
        tag(Part::Indicators, std::mem::take(&mut p));
        self.validate_outcomes(&codes, &province_cols, &mut p);
        tag(Part::Outcomes, std::mem::take(&mut p));
        let ladder: Vec<SchemeProblem> = self
            .validate_ladder()
            .into_iter()
            .map(|(issue, message)| SchemeProblem {
                part: Part::Ladder,
                message,
                issue: Some(issue),
            })
            .collect();
        self.validate_statistics(&mut p);
        tag(Part::Statistics, p);
        // In the order of the file: the ladder before the statistics.
        let at = found
            .iter()
            .position(|x| x.part > Part::Ladder)
            .unwrap_or(found.len());
        found.splice(at..at, ladder);
        found
    }

    /// id, version, deadline_day, decimals, per_unit and ledger_rows.
    fn validate_basics(&self, p: &mut Vec<String>) {
        if self.id.trim().is_empty() {
            p.push("id 不能为空".to_string());
        }
        if self.version.trim().is_empty() {
            p.push("version 不能为空".to_string());
        }
        if !(1..=28).contains(&self.deadline_day) {
            p.push(format!(
                "deadline_day 应在1至28之间，实际为{}",
                self.deadline_day
            ));
        }
        if self.decimals > 6 {
            p.push(format!("decimals 应在0至6之间，实际为{}", self.decimals));
        }
        if self.per_unit <= 0.0 || !self.per_unit.is_finite() {
            p.push("per_unit 应为正数".to_string());
        }
        if self.ledger_rows == 0 || self.ledger_rows > 100_000 {
            p.push("ledger_rows 应在1至100000之间".to_string());
        }
    }

    /// The fields of 汇总指标 and 工作情况; returns their codes.
    fn validate_fields(&self, p: &mut Vec<String>) -> BTreeSet<&str> {
        let mut codes = BTreeSet::new();
        for f in self.fields.iter().chain(self.work_items.iter()) {
            if !codes.insert(f.code.as_str()) {
                p.push(format!("字段编码 {} 重复", f.code));
            }
            if !matches!(
                f.kind,
                ValueKind::Count | ValueKind::Amount | ValueKind::YesNo
            ) {
                p.push(format!(
                    "字段 {} 的 kind 只能是 count、amount 或 yes_no",
                    f.code
                ));
            }
        }
        for f in self.fields.iter().chain(self.work_items.iter()) {
            if let Some(le) = &f.le {
                if !codes.contains(le.as_str()) {
                    p.push(format!("字段 {} 的 le 引用了不存在的字段 {}", f.code, le));
                }
            }
        }
        codes
    }

    /// The ledgers: ids, sheet names, columns and the summary fields they refer to.
    fn validate_ledgers(&self, codes: &BTreeSet<&str>, p: &mut Vec<String>) {
        let mut ledger_ids = BTreeSet::new();
        let mut sheet_names: BTreeSet<&str> = crate::contract::RESERVED_SHEETS.into();
        for l in &self.ledgers {
            if !ledger_ids.insert(l.id.as_str()) {
                p.push(format!("台账 id {} 重复", l.id));
            }
            if !sheet_names.insert(l.sheet.as_str()) {
                p.push(format!(
                    "台账 {} 的工作表名 {} 与其他工作表重名",
                    l.id, l.sheet
                ));
            }
            if l.columns.is_empty() {
                p.push(format!("台账 {} 没有列", l.id));
            }
            let mut names = BTreeSet::new();
            for c in &l.columns {
                if !names.insert(c.name.as_str()) {
                    p.push(format!("台账 {} 的列 {} 重复", l.id, c.name));
                }
                if c.kind == ValueKind::Choice && c.choices.is_empty() {
                    p.push(format!(
                        "台账 {} 的列 {} 为 choice 但没有 choices",
                        l.id, c.name
                    ));
                }
                if let Some(other) = &c.not_before {
                    let dates = |name: &str| {
                        l.columns
                            .iter()
                            .any(|x| x.name == name && x.kind == ValueKind::Date)
                    };
                    if !dates(&c.name) || !dates(other) {
                        p.push(format!(
                            "台账 {} 的列 {} 的 not_before：两列都应为日期列（{}）",
                            l.id, c.name, other
                        ));
                    }
                }
            }
            for (key, f) in [
                ("rows_equal", &l.rows_equal),
                ("rows_at_most", &l.rows_at_most),
            ] {
                if let Some(f) = f {
                    if !codes.contains(f.as_str()) {
                        p.push(format!("台账 {} 的 {key} 引用了不存在的字段 {}", l.id, f));
                    }
                }
            }
            for s in &l.sums_equal {
                if !codes.contains(s.field.as_str()) {
                    p.push(format!(
                        "台账 {} 的 sums_equal 引用了不存在的字段 {}",
                        l.id, s.field
                    ));
                }
                let numeric = l.columns.iter().any(|c| {
                    c.name == s.column && matches!(c.kind, ValueKind::Count | ValueKind::Amount)
                });
                if !numeric {
                    p.push(format!(
                        "台账 {} 的 sums_equal 引用的列 {} 不存在或不是数值列",
                        l.id, s.column
                    ));
                }
            }
        }
    }

    /// The groups and indicators: ids, points, values, rules and the total.
    fn validate_indicators(
        &self,
        codes: &BTreeSet<&str>,
        province_cols: &HashMap<&str, ValueKind>,
        p: &mut Vec<String>,
    ) {
        let mut group_ids = BTreeSet::new();
        for g in &self.groups {
            if !group_ids.insert(g.id.as_str()) {
                p.push(format!("指标组 {} 重复", g.id));
            }
        }
        let mut ids = BTreeSet::new();
        let mut total = 0.0;
        for ind in &self.indicators {
            let key = format!("indicators.{}", ind.id);
            if !ids.insert(ind.id.as_str()) {
                p.push(format!("{key}：指标编号重复"));
            }
            if !group_ids.contains(ind.group.as_str()) {
                p.push(format!("{key}.group：指标组 {} 不存在", ind.group));
            }
            if !(ind.points.is_finite() && ind.points >= 0.0) {
                p.push(format!("{key}.points：分值应为非负数"));
            }
            total += ind.points;
            self.validate_value(&key, &ind.value, codes, province_cols, p);
            match &ind.rule {
                Rule::Checklist => {
                    let yes_no = matches!(&ind.value, ValueDef::Field { field }
                        if self.field(field).is_some_and(|f| f.kind == ValueKind::YesNo));
                    if !yes_no {
                        p.push(format!("{key}.rule：checklist 只能用于是/否字段"));
                    }
                }
                Rule::Target { target, per_point } => {
                    if !(0.0..=1.0).contains(target) {
                        p.push(format!("{key}.rule.target：目标值应在0至1之间"));
                    }
                    if !(per_point.is_finite() && *per_point >= 0.0) {
                        p.push(format!("{key}.rule.per_point：应为非负数"));
                    }
                }
                _ => {}
            }
            let can_be_empty = matches!(
                &ind.value,
                ValueDef::Ratio { .. } | ValueDef::Province { .. } | ValueDef::PerUnit { .. }
            );
            if can_be_empty && ind.when_empty.is_none() && !ind.rule.is_relative() {
                p.push(format!(
                    "{key}.when_empty：该指标可能无分母或无数据，须指定 full、zero 或 exclude"
                ));
            }
        }
        if (total - self.total_points).abs() > 1e-6 {
            p.push(format!(
                "indicators：各指标分值之和为{}，与 total_points（{}）不一致",
                fmt_num(total),
                fmt_num(self.total_points)
            ));
        }
        for g in &self.groups {
            if !self.indicators.iter().any(|i| i.group == g.id) {
                p.push(format!("groups.{}：该组没有指标", g.id));
            }
        }
    }

    /// Bonus, deductions, veto, grades and flag rules.
    fn validate_outcomes(
        &self,
        codes: &BTreeSet<&str>,
        province_cols: &HashMap<&str, ValueKind>,
        p: &mut Vec<String>,
    ) {
        if !self.bonus.cap.is_finite() || self.bonus.cap < 0.0 {
            p.push("bonus.cap：应为非负数".to_string());
        }
        for b in &self.bonus.items {
            if !codes.contains(b.field.as_str()) {
                p.push(format!("bonus.items：字段 {} 不存在", b.field));
            }
        }
        for d in &self.deductions.items {
            match (d.source, &d.column) {
                (DeductionSource::Province, Some(c)) => match province_cols.get(c.as_str()) {
                    Some(ValueKind::Count | ValueKind::YesNo) => {}
                    Some(_) => p.push(format!("deductions.items：省级评定列 {c} 应为次数或是/否")),
                    None => p.push(format!("deductions.items：省级评定.csv 没有列 {c}")),
                },
                (DeductionSource::Province, None) => {
                    p.push(format!("deductions.items：{} 缺少 column", d.label))
                }
                (DeductionSource::Late, _) => {}
            }
        }
        if province_cols.get(self.veto.column.as_str()) != Some(&ValueKind::YesNo) {
            p.push(format!(
                "veto.column：省级评定.csv 没有是/否列 {}",
                self.veto.column
            ));
        }
        if !province_cols.contains_key(self.veto.reason_column.as_str()) {
            p.push(format!(
                "veto.reason_column：省级评定.csv 没有列 {}",
                self.veto.reason_column
            ));
        }
        for g in &self.grades {
            if g.colour
                .as_deref()
                .is_some_and(|c| super::ladder::parse_rgb(c).is_none())
            {
                p.push(format!(
                    "grades.{}.colour：应为六位十六进制颜色，如 \"006100\"",
                    g.name
                ));
            }
        }
        if self.grades.is_empty() {
            p.push("grades：至少需要一个等次".to_string());
        }
        if self.grades.windows(2).any(|w| w[0].min <= w[1].min) {
            p.push("grades：等次应按 min 从高到低排列".to_string());
        }
        if !self.grades.iter().any(|g| g.name == self.veto.grade) {
            p.push(format!("veto.grade：等次 {} 不存在", self.veto.grade));
        }
        let grades: Vec<String> = self.grades.iter().map(|g| g.name.clone()).collect();
        let measures: Vec<&str> = self.measures.iter().map(|m| m.id.as_str()).collect();
        p.extend(self.annual.problems(&grades, &measures));
        let fb = &self.feedback;
        if !fb.rectify_above.is_finite() || fb.rectify_above < 0.0 {
            p.push("feedback.rectify_above：应为非负数".to_string());
        }
        if !(1..=60).contains(&fb.resubmit_days) {
            p.push("feedback.resubmit_days：应在1至60之间".to_string());
        }
    }

    fn validate_statistics(&self, p: &mut Vec<String>) {
        let s = &self.statistics;
        let [inner, outer] = s.funnel.levels;
        if !(0.5 < inner && inner < outer && outer < 1.0) {
            p.push(
                "statistics.funnel.levels：应为两个0.5至1之间、由小到大的覆盖率，如 [0.95, 0.998]"
                    .to_string(),
            );
        }
        if !(0.0..0.5).contains(&s.funnel.winsorise) {
            p.push("statistics.funnel.winsorise：应在0至0.5之间".to_string());
        }
        if s.funnel.interview_after.is_some() {
            p.push(
                "statistics.funnel.interview_after：已不再使用，漏斗图连续超限的约谈改由 [[rules]] 中的 funnel 条件规定（quarters = 连续季度数），请参照 templates/scheme-2020.toml 改写"
                    .to_string(),
            );
        }
        let mut seen = BTreeSet::new();
        for f in &s.funnel.indicators {
            if !seen.insert(f.id.as_str()) {
                p.push(format!("statistics.funnel.indicators：指标 {} 重复", f.id));
            }
            let Some(ind) = self.indicators.iter().find(|i| i.id == f.id) else {
                p.push(format!(
                    "statistics.funnel.indicators：指标 {} 不存在",
                    f.id
                ));
                continue;
            };
            let fits = match f.model {
                FunnelModel::Binomial => matches!(ind.value, ValueDef::Ratio { .. }),
                FunnelModel::Poisson => matches!(ind.value, ValueDef::PerUnit { .. }),
            };
            if !fits {
                p.push(format!(
                    "statistics.funnel.indicators：指标 {} 的 model 应与取值方式相符（binomial 对应 ratio，poisson 对应 per_unit）",
                    f.id
                ));
            }
        }
        if !(s.anomaly.threshold > 0.0 && s.anomaly.threshold.is_finite()) {
            p.push("statistics.anomaly.threshold：应为正数".to_string());
        }
        let r = &s.rank_interval;
        if !(1..=100_000).contains(&r.draws) {
            p.push("statistics.rank_interval.draws：应在1至100000之间".to_string());
        }
        if !(0.0..1.0).contains(&r.spread) {
            p.push("statistics.rank_interval.spread：应在0至1之间".to_string());
        }
        let [lo, hi] = r.percentiles;
        if !(0.0 < lo && lo <= hi && hi <= 100.0) {
            p.push(
                "statistics.rank_interval.percentiles：应为0至100之间、由小到大的两个百分位"
                    .to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Part;
    use crate::scheme::{Scheme, SchemeError, BUILTIN_SCHEME};

    #[test]
    fn weights_that_do_not_add_up_are_named() {
        let text = BUILTIN_SCHEME.replacen("points = 10.0", "points = 11.0", 1);
        let err = Scheme::from_toml(&text).unwrap_err();
        let SchemeError::Invalid(problems) = &err else {
            panic!("{err}");
        };
        assert!(
            problems.iter().all(|p| p.part == Part::Indicators),
            "{problems:?}"
        );
        assert!(err.to_string().contains("各指标分值之和为101"), "{err}");
    }

    #[test]
    fn regression_a_ledger_named_lists_is_refused_by_the_scheme() {
        // `_lists` is the template's hidden sheet for long drop-down lists; validation used to
        // miss it, so the scheme loaded and the template then failed.
        let text = BUILTIN_SCHEME.replacen("sheet = \"销毁台账\"", "sheet = \"_lists\"", 1);
        assert_ne!(text, BUILTIN_SCHEME);
        let err = Scheme::from_toml(&text).unwrap_err();
        let SchemeError::Invalid(problems) = &err else {
            panic!("{err}");
        };
        assert_eq!(problems[0].part, Part::Ledgers, "{problems:?}");
        let err = err.to_string();
        assert!(err.contains("的工作表名 _lists 与其他工作表重名"), "{err}");
    }
}
