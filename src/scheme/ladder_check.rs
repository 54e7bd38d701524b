//! Checks of `[[measures]]` and `[[rules]]` on load: each problem names its key and has a kind.

use super::ladder::{parse_rgb, placeholders, Condition, LadderIssue, ALWAYS};
use super::Scheme;
use std::collections::{BTreeSet, HashMap};

impl Scheme {
    /// Every problem of the ladder, in the order of the file.
    pub(super) fn validate_ladder(&self) -> Vec<(LadderIssue, String)> {
        use LadderIssue::*;
        let mut p: Vec<(LadderIssue, String)> = Vec::new();
        if self.flags.is_some() {
            p.push((
                Invalid,
                "flags：[flags] 已不再使用，预警与督办改由 [[measures]]（措施）与 [[rules]]（规则）规定，请参照 templates/scheme-2020.toml 改写"
                    .to_string(),
            ));
        }
        let mut ids = BTreeSet::new();
        let mut severities: HashMap<u32, &str> = HashMap::new();
        for (i, m) in self.measures.iter().enumerate() {
            let at = format!("measures[{i}]（{}）", m.id);
            if m.id.trim().is_empty() || !m.id.is_ascii() || m.id.contains([',', '=']) {
                p.push((
                    Invalid,
                    format!("{at}.id：应为不含逗号和等号的英文标识，如 \"notify\""),
                ));
            }
            if !ids.insert(m.id.as_str()) {
                p.push((Invalid, format!("{at}.id：措施 {} 重复", m.id)));
            }
            if m.label.trim().is_empty() {
                p.push((Invalid, format!("{at}.label：不能为空")));
            }
            if let Some(other) = severities.insert(m.severity, &m.id) {
                p.push((
                    EqualSeverity,
                    format!(
                        "{at}.severity：与措施 {other} 的严重程度同为{}，措施应按严重程度排出先后",
                        m.severity
                    ),
                ));
            }
            if parse_rgb(&m.colour).is_none() {
                p.push((
                    Invalid,
                    format!("{at}.colour：应为六位十六进制颜色，如 \"FF9999\""),
                ));
            }
        }
        let mut rule_ids = BTreeSet::new();
        // Measures the rules so far can raise: what a later `held` of this quarter can see.
        let mut raised: Vec<&str> = Vec::new();
        let grades: Vec<String> = self.grades.iter().map(|g| g.name.clone()).collect();
        let funnels: Vec<&str> = self
            .statistics
            .funnel
            .indicators
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        for (i, r) in self.rules.iter().enumerate() {
            let at = format!("rules[{i}]（{}）", r.id);
            if r.id.trim().is_empty() || r.id.contains([',', '=']) {
                p.push((Invalid, format!("{at}.id：不能为空，不能含逗号和等号")));
            }
            if !rule_ids.insert(r.id.as_str()) {
                p.push((Invalid, format!("{at}.id：规则 {} 重复", r.id)));
            }
            let measure = match (&r.measure, r.points) {
                (Some(m), None) => match self.measure(m) {
                    Some(def) => Some(def),
                    None => {
                        p.push((
                            UnknownMeasure,
                            format!("{at}.measure：措施 {m} 未在 [[measures]] 中定义"),
                        ));
                        None
                    }
                },
                (None, Some(pts)) => {
                    if !pts.is_finite() || pts == 0.0 {
                        p.push((Invalid, format!("{at}.points：应为非零的加减分值")));
                    }
                    None
                }
                _ => {
                    p.push((
                        Invalid,
                        format!("{at}：应写 measure（提出的措施）或 points（加减分）二者之一"),
                    ));
                    None
                }
            };
            let condition = match Condition::parse(&r.when, &format!("{at}.when")) {
                Ok(c) => c,
                Err(e) => {
                    p.push(e);
                    continue;
                }
            };
            for m in condition.measures() {
                if self.measure(m).is_none() {
                    p.push((
                        UnknownMeasure,
                        format!("{at}.when：措施 {m} 未在 [[measures]] 中定义"),
                    ));
                }
            }
            check_funnels(&condition, &funnels, &at, &mut p);
            if let Some(why) = condition.never(&grades) {
                p.push((NeverFires, format!("{at}.when：规则永远不会触发：{why}")));
            }
            for m in condition.needs_now() {
                if !raised.contains(&m) && self.measure(m).is_some() {
                    p.push((
                        NeverFires,
                        format!(
                            "{at}.when：规则永远不会触发：要求本季度已有措施 {m}，但前面没有规则提出它（规则按顺序判定，请把提出 {m} 的规则放在前面）"
                        ),
                    ));
                }
            }
            if r.points.is_some() && condition.reads_measures_now() {
                p.push((
                    Invalid,
                    format!(
                        "{at}.when：加减分规则在各项措施之前判定，不能看本季度的措施；请在 held 中写 current = false"
                    ),
                ));
            }
            let mut supplied: BTreeSet<&str> = condition.supplies();
            supplied.extend(ALWAYS);
            if measure.is_some_and(|m| m.deadline.is_some()) {
                supplied.insert("deadline");
            }
            for (key, text) in [("name", &r.name), ("reason", &r.reason)] {
                for ph in placeholders(text) {
                    if !supplied.contains(ph) {
                        p.push((
                            UnsupportedPlaceholder,
                            format!(
                                "{at}.{key}：占位符 {{{ph}}} 不是这条规则的条件所能提供的（可用：{}）",
                                supplied.iter().copied().collect::<Vec<_>>().join("、")
                            ),
                        ));
                    }
                }
            }
            if let Some(m) = &r.measure {
                raised.push(m);
            }
        }
        p
    }
}

/// A `funnel` condition names an indicator that has funnel limits.
fn check_funnels(c: &Condition, funnels: &[&str], at: &str, p: &mut Vec<(LadderIssue, String)>) {
    match c {
        Condition::Funnel {
            indicator: Some(id),
            ..
        } if !funnels.contains(&id.as_str()) => p.push((
            LadderIssue::Invalid,
            format!("{at}.when.funnel.indicator：指标 {id} 没有漏斗图（不在 statistics.funnel.indicators 中）"),
        )),
        Condition::Funnel { indicator: None, .. } if funnels.is_empty() => p.push((
            LadderIssue::NeverFires,
            format!("{at}.when.funnel：规则永远不会触发：statistics.funnel.indicators 为空"),
        )),
        Condition::All(cs) | Condition::Any(cs) => {
            for c in cs {
                check_funnels(c, funnels, at, p);
            }
        }
        Condition::Not(c) => check_funnels(c, funnels, at, p),
        _ => {}
    }
}
