//! The ladder and the colours in words, from the scheme's `[[measures]]` and `[[rules]]`. 总排名
//! prints them as its legend and 评分说明 as its rules, so both say the same thing.

use super::style::Fill;
use super::Assessment;
use crate::scheme::ladder::{Condition, DeadlineDef, Limit, Submitted};
use crate::scheme::{MeasureDef, RuleDef, Scheme};
use crate::text::fmt_num;

/// Each measure with the rules that lead to it, most serious first.
pub(super) fn measure_rules(a: &Assessment) -> Vec<(MeasureDef, String)> {
    let s = a.scheme;
    s.measures_by_severity()
        .into_iter()
        .map(|m| {
            let rules: Vec<String> = s
                .rules
                .iter()
                .filter(|r| r.measure.as_deref() == Some(m.id.as_str()))
                .filter_map(|r| rule_words(s, r))
                .collect();
            let mut text = if rules.is_empty() {
                "（无规则提出此措施）".to_string()
            } else {
                rules.join("，或")
            };
            if let Some(c) = m.consequence.as_deref().filter(|c| !c.trim().is_empty()) {
                text.push_str(&format!("；{c}"));
            }
            if let (Some(d), Some(now)) = (&m.deadline, a.deadline_of(m)) {
                let rule = match d {
                    DeadlineDef::DaysAfterQuarter(n) => format!("限季度最后一日后{n}日内整改"),
                    DeadlineDef::WorkingDaysAfterTabulation(n) => {
                        format!("限制表日期后{n}个工作日内整改")
                    }
                };
                text.push_str(&format!(
                    "；{rule}（本季度限{}前）",
                    now.format("%Y年%-m月%-d日")
                ));
            }
            (m.clone(), text)
        })
        .collect()
}

/// What a total is made of: "各指标得分之和 + 加分 − 扣分", and the ladder's points when the scheme
/// has rules that give them.
pub(super) fn total_formula(s: &Scheme) -> &'static str {
    if s.rules.iter().any(|r| r.points.is_some()) {
        "各指标得分之和 + 加分 − 扣分 ± 督办规则加减分"
    } else {
        "各指标得分之和 + 加分 − 扣分"
    }
}

/// The rules that add or deduct points, in words.
pub(super) fn point_rules(s: &Scheme) -> Vec<String> {
    s.rules
        .iter()
        .filter_map(|r| {
            let p = r.points?;
            let what = if p > 0.0 { "加" } else { "扣" };
            Some(format!(
                "{}，{what}{}分",
                rule_words(s, r)?,
                fmt_num(p.abs())
            ))
        })
        .collect()
}

/// One rule's condition in words; the condition "not already raised this measure" (what keeps
/// a lesser rule from telling a second clause) says nothing a reader needs.
fn rule_words(s: &Scheme, r: &RuleDef) -> Option<String> {
    let c = r.condition.as_ref()?;
    Some(words(s, c, r.measure.as_deref()))
}

fn words(s: &Scheme, c: &Condition, raising: Option<&str>) -> String {
    let pct = |x: f64| format!("{}%", fmt_num(x * 100.0));
    let label = |id: &str| {
        s.measure(id)
            .map_or_else(|| id.to_string(), |m| m.label.clone())
    };
    match c {
        Condition::Grade(gs) => format!(
            "等次为{}",
            gs.iter()
                .map(|g| format!("“{g}”"))
                .collect::<Vec<_>>()
                .join("或")
        ),
        Condition::TotalBelow(t) => format!("总分低于{}分", fmt_num(*t)),
        Condition::Bottom(k) => format!("排名末位{k}名"),
        Condition::BottomShare(x) => format!("排名末位 ⌈{} × n⌉ 名", pct(*x)),
        Condition::Funnel {
            indicator,
            limit,
            quarters,
        } => {
            let f = &s.statistics.funnel;
            let ids: Vec<&str> = f
                .indicators
                .iter()
                .filter(|i| indicator.as_ref().is_none_or(|id| *id == i.id))
                .map(|i| i.id.as_str())
                .collect();
            let tags: Vec<String> = f
                .indicators
                .iter()
                .filter(|i| indicator.as_ref().is_none_or(|id| *id == i.id))
                .filter(|i| !i.label.is_empty())
                .map(|i| format!("（{}）", i.label))
                .collect();
            let level = match limit {
                Limit::Inner => f.levels[0],
                Limit::Outer => f.levels[1],
            };
            let times = if *quarters > 1 {
                format!("连续{quarters}个季度")
            } else {
                String::new()
            };
            let tag = if *quarters > 1 {
                tags.join("")
            } else {
                String::new()
            };
            format!(
                "{}{times}超出漏斗图{}控制限的不利一侧{tag}",
                ids.join("、"),
                pct(level)
            )
        }
        Condition::Held {
            measure,
            times,
            of,
            current,
            at_least,
        } => {
            let what = if *at_least {
                format!("被{}或更严重的措施", label(measure))
            } else {
                format!("被{}", label(measure))
            };
            let counting = if *current {
                "含本季度"
            } else {
                "不含本季度"
            };
            if times == of && *times == 1 {
                if *current {
                    format!("本季度{what}")
                } else {
                    format!("上季度{what}")
                }
            } else if times == of {
                format!("连续{times}个季度（{counting}）{what}")
            } else {
                format!("最近{of}个季度（{counting}）中有{times}个季度{what}")
            }
        }
        Condition::Gain { after, below } => format!(
            "上季度被{}且本季度总分提高不足{}分",
            label(after),
            fmt_num(*below)
        ),
        Condition::RankDown(d) => format!("排名比上季度下降{d}名及以上"),
        Condition::RankUp(d) => format!("排名比上季度上升{d}名及以上"),
        Condition::Veto => {
            format!(
            "{}中“{}”为“是”（发生重特大案（事）件），等次定为{}，不论得分，排在未被否决的地区之后",
            // The 省级评定 as leaders know it, not the name of a file.
            std::path::Path::new(&s.province.file)
                .file_stem()
                .map_or_else(|| s.province.file.clone(), |n| n.to_string_lossy().into_owned()),
            s.veto.column,
            s.veto.grade
        )
        }
        Condition::Status { is, quarters } => {
            let names: Vec<&str> = is.iter().map(|x: &Submitted| x.label()).collect();
            if *quarters > 1 {
                format!("连续{quarters}个季度{}", names.join("或"))
            } else {
                format!("本季度{}", names.join("或"))
            }
        }
        Condition::All(cs) => {
            let parts: Vec<String> = cs
                .iter()
                .filter(|c| !already_raising(c, raising))
                .map(|c| words(s, c, raising))
                .collect();
            parts.join("且")
        }
        Condition::Any(cs) => cs
            .iter()
            .map(|c| words(s, c, raising))
            .collect::<Vec<_>>()
            .join("或"),
        Condition::Not(inner) => match inner.as_ref() {
            Condition::Held {
                measure,
                times: 1,
                of: 1,
                current: true,
                ..
            } => format!("未被{}", label(measure)),
            Condition::Veto => "未被一票否决".to_string(),
            other => format!("不满足“{}”", words(s, other, raising)),
        },
    }
}

/// `not held <the measure this rule raises>` this quarter: a guard against telling it twice.
fn already_raising(c: &Condition, raising: Option<&str>) -> bool {
    matches!(c, Condition::Not(inner) if matches!(inner.as_ref(),
        Condition::Held { measure, times: 1, of: 1, current: true, .. }
            if Some(measure.as_str()) == raising))
}

/// The measure colours in one phrase, for the sheets that print them as a line:
/// "深红色底白字为一票否决，红色为挂牌督办，…，灰色为未评分" (white text said on a dark fill).
pub(super) fn colours(s: &Scheme) -> String {
    let mut parts: Vec<String> = s
        .measures_by_severity()
        .into_iter()
        .map(|m| {
            let white = if Fill::for_measure(Some(m)).font().is_some() {
                "底白字"
            } else {
                ""
            };
            format!("{}{white}为{}", m.colour_name, m.label)
        })
        .collect();
    parts.push("灰色为未评分".to_string());
    parts.join("，")
}

/// The bar colours of 总分图, least serious first: "蓝色为无督办措施，浅黄色为预警，…"; the
/// measure a veto raises says why its regions come last.
pub(super) fn bar_colours(s: &Scheme) -> String {
    let vetoes: Vec<&str> = s
        .rules
        .iter()
        .filter(|r| matches!(r.condition, Some(Condition::Veto)))
        .filter_map(|r| r.measure.as_deref())
        .collect();
    let mut parts = vec!["蓝色为无督办措施".to_string()];
    parts.extend(s.measures_by_severity().into_iter().rev().map(|m| {
        let last = if vetoes.contains(&m.id.as_str()) {
            "（按规定排在未被否决的地区之后，故列于最后）"
        } else {
            ""
        };
        // A colour named as a fill ("深红") is a colour of a bar ("深红色").
        let colour = if m.colour_name.ends_with('色') {
            m.colour_name.clone()
        } else {
            format!("{}色", m.colour_name)
        };
        format!("{colour}为{}{last}", m.label)
    }));
    parts.join("，")
}

/// The measures in words joined by "或": every one least serious first ("预警、通报、约谈、挂牌督办或
/// 一票否决"), or the named ones most serious first ("一票否决、挂牌督办、约谈或通报").
pub(super) fn measures_or(s: &Scheme, named_only: bool) -> String {
    let mut labels: Vec<&str> = s
        .measures_by_severity()
        .into_iter()
        .rev()
        .filter(|m| m.named || !named_only)
        .map(|m| m.label.as_str())
        .collect();
    if named_only {
        labels.reverse();
    }
    match labels.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{}或{last}", rest.join("、")),
    }
}

/// The colours of 总排名 with what each means: one row per measure, then the statuses.
pub(super) fn fills(a: &Assessment) -> Vec<(Fill, String, String)> {
    let mut out: Vec<(Fill, String, String)> = measure_rules(a)
        .into_iter()
        .map(|(m, rule)| (Fill::for_measure(Some(&m)), m.label.clone(), rule))
        .collect();
    out.push((
        Fill::Grey,
        "未评分".to_string(),
        "数据有误，退回修改（报送文件有错误）或未报送：不评分，列于最后，名次并列；详见“数据质量”"
            .to_string(),
    ));
    out
}

/// The grades in words: "优秀 ≥ 90分（绿色粗体）、良好 ≥ 80分（绿色）、合格 ≥ 60分、不合格（红色粗体）".
pub(super) fn grades(s: &Scheme) -> String {
    let colour = |g: &crate::scheme::Grade| {
        g.colour_name
            .as_deref()
            .map_or_else(String::new, |c| format!("（{c}）"))
    };
    let last = s.grades.len().saturating_sub(1);
    s.grades
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i < last {
                format!("{} ≥ {}分{}", g.name, fmt_num(g.min), colour(g))
            } else {
                format!("{}{}", g.name, colour(g))
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}
