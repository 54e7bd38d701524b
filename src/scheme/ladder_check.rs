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
            for (m, at_least) in condition.needs_now() {
                let floor = self.measure(m).map(|d| d.severity);
                let seen = raised.contains(&m)
                    || (at_least
                        && raised
                            .iter()
                            .any(|r| self.measure(r).map(|d| d.severity) >= floor));
                if !seen && floor.is_some() {
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
            if r.years.is_some() {
                p.push((
                    Invalid,
                    format!("{at}.years：只用于年度规则（[[annual.rules]]）"),
                ));
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

#[cfg(test)]
mod tests {
    use crate::scheme::{LadderIssue, Scheme, SchemeError, BUILTIN_SCHEME};

    /// The kinds of ladder problem the builtin scheme with `from` replaced by `to` (once) has.
    fn issues(from: &str, to: &str) -> Vec<LadderIssue> {
        assert!(BUILTIN_SCHEME.contains(from), "{from}");
        let text = BUILTIN_SCHEME.replacen(from, to, 1);
        match Scheme::from_toml(&text) {
            Ok(_) => Vec::new(),
            Err(SchemeError::Invalid(ps)) => ps.iter().filter_map(|p| p.issue).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_builtin_ladder_has_no_problem() {
        assert_eq!(issues("", ""), []);
    }

    #[test]
    fn a_rule_raising_an_undefined_measure_is_refused() {
        assert_eq!(
            issues("measure = \"warn\"", "measure = \"warning\""),
            [LadderIssue::UnknownMeasure]
        );
        // And a condition naming one.
        assert_eq!(
            issues("after = \"interview\"", "after = \"talk\""),
            [LadderIssue::UnknownMeasure]
        );
    }

    #[test]
    fn a_condition_outside_the_vocabulary_is_refused() {
        assert_eq!(
            issues("when = { veto = true }", "when = { vetoed = true }"),
            [LadderIssue::UnknownCondition]
        );
    }

    #[test]
    fn a_share_outside_zero_to_one_is_refused() {
        for share in ["1.5", "0", "-0.1"] {
            assert_eq!(
                issues("bottom_share = 0.10", &format!("bottom_share = {share}")),
                [LadderIssue::ShareOutOfRange],
                "{share}"
            );
        }
        assert_eq!(issues("bottom_share = 0.10", "bottom_share = 1.0"), []);
    }

    #[test]
    fn more_times_than_quarters_is_refused() {
        assert_eq!(
            issues(
                "{ measure = \"notify\", quarters = 3 }",
                "{ measure = \"notify\", quarters = 3, of = 2 }"
            ),
            [LadderIssue::CountOutOfRange]
        );
        assert_eq!(
            issues(
                "{ limit = \"outer\", quarters = 2 }",
                "{ limit = \"outer\", quarters = 0 }"
            ),
            [LadderIssue::CountOutOfRange]
        );
    }

    #[test]
    fn a_rule_that_can_never_fire_is_refused() {
        // 约谈 on 挂牌督办 held this quarter, but 挂牌督办 is raised only by later rules.
        assert_eq!(
            issues(
                "{ measure = \"notify\", quarters = 2 }",
                "{ measure = \"supervise\", quarters = 2 }"
            ),
            [LadderIssue::NeverFires]
        );
        // With at_least, a more serious measure raised before will do: 一票否决 comes first.
        assert_eq!(
            issues(
                "{ measure = \"notify\", quarters = 2 }",
                "{ measure = \"supervise\", quarters = 2, at_least = true }"
            ),
            []
        );
        // A 等次 the scheme does not have.
        assert_eq!(
            issues("grade = [\"不合格\"]", "grade = [\"卓越\"]"),
            [LadderIssue::NeverFires]
        );
        // Unscored (未报送) and on the figures at once.
        assert_eq!(
            issues(
                "when = { veto = true }",
                "when = { all = [{ veto = true }, { status = [\"missing\"] }] }"
            ),
            [LadderIssue::NeverFires]
        );
    }

    #[test]
    fn two_measures_of_one_severity_are_refused() {
        assert_eq!(
            issues("severity = 30", "severity = 40"),
            [LadderIssue::EqualSeverity]
        );
    }

    #[test]
    fn a_placeholder_the_condition_does_not_supply_is_refused() {
        assert_eq!(
            issues(
                "reason = \"{position}，处于末位{k}名\"",
                "reason = \"{position}，连续{streak}个季度处于末位{k}名\""
            ),
            [LadderIssue::UnsupportedPlaceholder]
        );
        // {deadline} only where the measure carries one (通报 does not).
        assert_eq!(
            issues(
                "reason = \"{position}{and_grade}\"",
                "reason = \"{position}{and_grade}，限{deadline}前整改\""
            ),
            [LadderIssue::UnsupportedPlaceholder]
        );
    }

    /// A scheme of an earlier version, with `[flags]`, stops with a word on what replaced it.
    #[test]
    fn the_old_flags_table_is_refused_with_its_replacement_named() {
        let text = format!("{BUILTIN_SCHEME}\n[flags]\nwarn_share = 0.25\n");
        let Err(SchemeError::Invalid(ps)) = Scheme::from_toml(&text) else {
            panic!("accepted");
        };
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].issue, Some(LadderIssue::Invalid));
        assert!(ps[0].message.contains("[[measures]]"), "{}", ps[0].message);
    }

    /// Points rules are settled before measures: they cannot read this quarter's.
    #[test]
    fn a_points_rule_reading_this_quarters_measures_is_refused() {
        let rule = "\n[[rules]]\nid = \"x\"\npoints = -1\nname = \"x\"\nwhen = { held = { measure = \"notify\" } }\n";
        let text = format!("{BUILTIN_SCHEME}{rule}");
        let Err(SchemeError::Invalid(ps)) = Scheme::from_toml(&text) else {
            panic!("accepted");
        };
        assert!(ps.iter().any(|p| p.message.contains("current = false")));
        let ok = rule.replace(
            "measure = \"notify\" }",
            "measure = \"notify\", current = false }",
        );
        assert!(Scheme::from_toml(&format!("{BUILTIN_SCHEME}{ok}")).is_ok());
    }
}
