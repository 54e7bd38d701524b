//! The measure rules and the colours in words, with the scheme's settings. 总排名 prints them as
//! its legend and 评分说明 as its rules, so both say the same thing.

use super::style::Fill;
use super::Assessment;
use crate::record::FlagKind;
use crate::scheme::Scheme;
use crate::text::fmt_num;
use chrono::Duration;

/// Each measure with the rules that lead to it, most serious first.
pub(super) fn measure_rules(a: &Assessment) -> Vec<(FlagKind, String)> {
    let s = a.scheme;
    let f = &s.flags;
    let share = |x: f64| format!("{}%", fmt_num(x * 100.0));
    let deadline = a.quarter.last_day() + Duration::days(f.rectify_days);
    vec![
        (
            FlagKind::Veto,
            format!(
                "{}中“{}”为“是”（发生重特大案（事）件），等次定为{}，不论得分，排在未被否决的地区之后",
                // The 省级评定 as leaders know it, not the name of a file.
                std::path::Path::new(&s.province.file)
                    .file_stem()
                    .map_or_else(|| s.province.file.clone(), |n| n.to_string_lossy().into_owned()),
                s.veto.column,
                s.veto.grade
            ),
        ),
        (
            FlagKind::Supervise,
            format!(
                "连续{}个季度（含本季度）被通报，或上季度被约谈且本季度总分提高不足{}分；限季度最后一日后{}日内整改（本季度限{}前）",
                f.supervise_after,
                fmt_num(f.supervise_min_gain),
                f.rectify_days,
                deadline.format("%Y年%-m月%-d日")
            ),
        ),
        (
            FlagKind::Interview,
            format!(
                "连续{}个季度（含本季度）被通报，或{}连续{}个季度超出漏斗图{}控制限的不利一侧（问题长期高发）",
                f.interview_after,
                funnel_ids(s),
                s.statistics.funnel.interview_after,
                share(s.statistics.funnel.levels[1])
            ),
        ),
        (
            FlagKind::Notify,
            format!(
                "等次为{}，或排名末位 ⌈{} × n⌉ 名",
                f.notify_grades
                    .iter()
                    .map(|g| format!("“{g}”"))
                    .collect::<Vec<_>>()
                    .join("或"),
                share(f.notify_share)
            ),
        ),
        (
            FlagKind::Warn,
            format!(
                "排名末位 ⌈{} × n⌉ 名且未被通报，或{}超出漏斗图{}控制限的不利一侧",
                share(f.warn_share),
                funnel_ids(s),
                share(s.statistics.funnel.levels[0])
            ),
        ),
    ]
}

/// The measure colours in one phrase, for the sheets that print them as a line.
pub(super) const COLOURS: &str =
    "深红底白字为一票否决，红色为挂牌督办，橙色为约谈，黄色为通报，浅黄色为预警，灰色为未评分";

/// The colours of 总排名 with what each means: one row per measure, then the statuses.
pub(super) fn fills(a: &Assessment) -> Vec<(Fill, String, String)> {
    let mut out: Vec<(Fill, String, String)> = measure_rules(a)
        .into_iter()
        .map(|(kind, rule)| {
            (
                Fill::for_measure(Some(kind)),
                kind.label().to_string(),
                rule,
            )
        })
        .collect();
    out.push((
        Fill::Grey,
        "未评分".to_string(),
        "数据有误，退回修改（报送文件有错误）或未报送：不评分，列于最后，名次并列；详见“数据质量”"
            .to_string(),
    ));
    out
}

/// "C1、D1、G1" (the funnel indicators), or "漏斗图指标" when there are none.
pub(super) fn funnel_ids(s: &Scheme) -> String {
    let ids: Vec<&str> = s
        .statistics
        .funnel
        .indicators
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    if ids.is_empty() {
        "漏斗图指标".to_string()
    } else {
        ids.join("、")
    }
}

/// The grades in words: "优秀 ≥ 90分（绿色粗体）、良好 ≥ 80分（绿色）、合格 ≥ 60分、不合格（红色粗体）".
pub(super) fn grades(s: &Scheme) -> String {
    let colour = |name: &str| match name {
        "优秀" => "（绿色粗体）",
        "良好" => "（绿色）",
        "不合格" => "（红色粗体）",
        _ => "",
    };
    let last = s.grades.len().saturating_sub(1);
    s.grades
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i < last {
                format!("{} ≥ {}分{}", g.name, fmt_num(g.min), colour(&g.name))
            } else {
                format!("{}{}", g.name, colour(&g.name))
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}
