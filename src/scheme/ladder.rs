//! The ladder (预警与督办) as the province writes it: `[[measures]]`, the measures a scheme can
//! raise with their severity, colour and 整改期限, and `[[rules]]`, in order, each raising a
//! measure or adding or deducting points on a condition from a small vocabulary
//! ([`Condition`]). A rule's `when` is read here, by hand, so that every problem names its key
//! and carries a [`LadderIssue`] a test can match.

use crate::record::Status;
use serde::Deserialize;
use std::collections::BTreeSet;

/// A measure (措施) a rule can raise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureDef {
    /// Kept in the history; never reused for another measure.
    pub id: String,
    /// As printed: 通报, 约谈, 提醒谈话 ….
    pub label: String,
    /// Higher is more serious; no two measures share one.
    pub severity: u32,
    /// The fill of a region under this measure in the workbooks, "RRGGBB".
    pub colour: String,
    /// The colour in words, for the legends: "红色", "深红底白字".
    pub colour_name: String,
    /// Whether the 情况通报 names each region under it and 趋势 follows it (a 预警 is only
    /// counted).
    #[serde(default = "yes")]
    pub named: bool,
    /// Whether the terminal lists whom to call (填报人, 联系电话) for a region under it.
    #[serde(default)]
    pub contact: bool,
    /// Whether a region's sentence ends with the label; `false` when the rule's reason already
    /// starts with it ("一票否决：…").
    #[serde(default = "yes")]
    pub append_label: bool,
    /// 整改期限, when the measure carries one.
    #[serde(default)]
    pub deadline: Option<DeadlineDef>,
    /// A fixed consequence, told after the label: "取消本年度评先评优资格".
    #[serde(default)]
    pub consequence: Option<String>,
}

fn yes() -> bool {
    true
}

impl PartialEq for MeasureDef {
    fn eq(&self, other: &Self) -> bool {
        self.severity == other.severity && self.id == other.id
    }
}

impl Eq for MeasureDef {}

impl PartialOrd for MeasureDef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Most serious first: `min()` of a region's measures is the one it carries.
impl Ord for MeasureDef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .severity
            .cmp(&self.severity)
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl MeasureDef {
    /// The fill colour as 0xRRGGBB (checked on load).
    pub fn rgb(&self) -> u32 {
        parse_rgb(&self.colour).unwrap_or(0xFFFFFF)
    }
}

/// "FF9999" or "#FF9999" as 0xRRGGBB.
pub fn parse_rgb(s: &str) -> Option<u32> {
    let hex = s.trim().trim_start_matches('#');
    (hex.len() == 6)
        .then(|| u32::from_str_radix(hex, 16).ok())
        .flatten()
}

/// How a measure's 整改期限 is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DeadlineDef {
    /// Calendar days after the quarter's last day.
    DaysAfterQuarter(u32),
    /// Working days (by the holiday calendar) after the 制表日期.
    WorkingDaysAfterTabulation(u32),
}

/// A rule as written: what it raises (a measure, or points), its name, its condition and the
/// wording of its reason.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Kept in the history with the measures it raised.
    pub id: String,
    /// The measure raised; exactly one of `measure` and `points`.
    #[serde(default)]
    pub measure: Option<String>,
    /// Points added (positive) or deducted (negative) instead of a measure.
    #[serde(default)]
    pub points: Option<f64>,
    /// The rule briefly, with placeholders: "连续{quarters}个季度被通报".
    pub name: String,
    /// The condition, from the vocabulary of [`Condition`].
    pub when: toml::Value,
    /// The clause of the region's sentence, with placeholders.
    #[serde(default)]
    pub reason: String,
    /// For an annual rule (`[[annual.rules]]`): the condition holds this year and the
    /// `years − 1` years before (computed from the history's quarters).
    #[serde(default)]
    pub years: Option<u32>,
    /// `when`, read; set on load.
    #[serde(skip)]
    pub condition: Option<Condition>,
}

/// Which funnel limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Inner,
    Outer,
}

/// A status condition's value: a status, or 逾期报送 (scored, but sent after the deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    Is(Status),
    Late,
}

impl Submitted {
    /// The words a reason prints.
    pub fn label(self) -> &'static str {
        match self {
            Submitted::Is(s) => s.label(),
            Submitted::Late => "逾期报送",
        }
    }
}

/// The vocabulary of conditions. Decisions are made on the figures as printed.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The region's 等次 is one of these.
    Grade(Vec<String>),
    /// The total is below this value.
    TotalBelow(f64),
    /// Among the bottom k of the scored regions (ties at the boundary counted in).
    Bottom(u32),
    /// Among the bottom ⌈share × n⌉ (exact on the share's decimals).
    BottomShare(f64),
    /// Beyond a funnel limit on the bad side for an indicator (any funnel indicator when none is
    /// named, each one beyond telling its own clause), this quarter and the `quarters − 1`
    /// before.
    Funnel {
        indicator: Option<String>,
        limit: Limit,
        quarters: u32,
    },
    /// A measure held in `times` of the last `of` quarters (consecutive when `of` equals
    /// `times`), counting this quarter (the measures earlier rules raised) unless `current` is
    /// false; `at_least` counts any measure at least as severe.
    Held {
        measure: String,
        times: u32,
        of: u32,
        current: bool,
        at_least: bool,
    },
    /// The measure held last quarter (or one at least as severe) and a gain below `below`
    /// points since.
    Gain {
        after: String,
        below: f64,
    },
    /// Fallen at least this many places since last quarter.
    RankDown(u32),
    /// Risen at least this many places since last quarter.
    RankUp(u32),
    /// 一票否决 in 省级评定.
    Veto,
    /// A submission status this quarter, and in the `quarters − 1` before.
    Status {
        is: Vec<Submitted>,
        quarters: u32,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// The condition keys, for messages.
pub const CONDITIONS: [&str; 13] = [
    "grade",
    "total_below",
    "bottom",
    "bottom_share",
    "funnel",
    "held",
    "gain",
    "rank_down",
    "rank_up",
    "veto",
    "status",
    "all",
    "any",
];

/// What is wrong with a ladder, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LadderIssue {
    /// A rule or condition names a measure `[[measures]]` does not define.
    UnknownMeasure,
    /// A `when` key outside the vocabulary.
    UnknownCondition,
    /// A share outside (0, 1].
    ShareOutOfRange,
    /// m > n, or a count of quarters below 1.
    CountOutOfRange,
    /// A rule that can never fire.
    NeverFires,
    /// Two measures of equal severity.
    EqualSeverity,
    /// A placeholder its condition does not supply.
    UnsupportedPlaceholder,
    /// Anything else: a missing key, a bad value, a duplicate id.
    Invalid,
}

/// Placeholders every rule's wording may use.
pub const ALWAYS: [&str; 4] = ["quarter", "measure", "n", "points"];
/// Placeholders of a region that was scored (every condition on figures supplies them).
const SCORED: [&str; 5] = ["total", "rank", "grade", "position", "and_grade"];

impl Condition {
    /// Reads a `when` value; `key` is where it is ("rules[3].when").
    pub fn parse(v: &toml::Value, key: &str) -> Result<Condition, (LadderIssue, String)> {
        let invalid = |m: String| (LadderIssue::Invalid, m);
        let table = v
            .as_table()
            .ok_or_else(|| invalid(format!("{key}：应为一个条件，如 {{ bottom = 2 }}")))?;
        let mut keys = table.keys();
        let (Some(name), None) = (keys.next(), keys.next()) else {
            return Err(invalid(format!(
                "{key}：应恰有一个条件（{}），多个条件请用 all 或 any 组合",
                CONDITIONS.join("、")
            )));
        };
        let value = &table[name];
        let at = format!("{key}.{name}");
        let int = |v: &toml::Value, at: &str| -> Result<u32, (LadderIssue, String)> {
            v.as_integer()
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| invalid(format!("{at}：应为非负整数")))
        };
        let num = |v: &toml::Value, at: &str| -> Result<f64, (LadderIssue, String)> {
            v.as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .filter(|x| x.is_finite())
                .ok_or_else(|| invalid(format!("{at}：应为数值")))
        };
        let list = |v: &toml::Value, at: &str| -> Result<Vec<String>, (LadderIssue, String)> {
            match v {
                toml::Value::String(s) => Ok(vec![s.clone()]),
                toml::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| invalid(format!("{at}：应为文字列表"))),
                _ => Err(invalid(format!("{at}：应为文字列表"))),
            }
        };
        let sub = |v: &toml::Value, at: &str| -> Result<Vec<Condition>, (LadderIssue, String)> {
            let items = v.as_array().filter(|a| !a.is_empty()).ok_or_else(|| {
                invalid(format!(
                    "{at}：应为条件列表，如 [{{ bottom = 2 }}, {{ veto = true }}]"
                ))
            })?;
            items
                .iter()
                .enumerate()
                .map(|(i, c)| Condition::parse(c, &format!("{at}[{i}]")))
                .collect()
        };
        let fields =
            |v: &toml::Value,
             allowed: &[&str]|
             -> Result<toml::map::Map<String, toml::Value>, (LadderIssue, String)> {
                let t = v.as_table().ok_or_else(|| {
                    invalid(format!("{at}：应为表，可用的键：{}", allowed.join("、")))
                })?;
                if let Some(k) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
                    return Err(invalid(format!(
                        "{at}.{k}：无此键，可用的键：{}",
                        allowed.join("、")
                    )));
                }
                Ok(t.clone())
            };
        let quarters =
            |t: &toml::map::Map<String, toml::Value>| -> Result<u32, (LadderIssue, String)> {
                match t.get("quarters") {
                    None => Ok(1),
                    Some(q) => {
                        let m = int(q, &format!("{at}.quarters"))?;
                        if m == 0 {
                            Err((
                                LadderIssue::CountOutOfRange,
                                format!("{at}.quarters：应不小于1"),
                            ))
                        } else {
                            Ok(m)
                        }
                    }
                }
            };
        let measure_of = |t: &toml::map::Map<String, toml::Value>, k: &str| {
            t.get(k)
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .ok_or_else(|| invalid(format!("{at}.{k}：缺少措施 id")))
        };
        Ok(match name.as_str() {
            "grade" => Condition::Grade(list(value, &at)?),
            "total_below" => Condition::TotalBelow(num(value, &at)?),
            "bottom" => Condition::Bottom(int(value, &at)?),
            "bottom_share" => {
                let (share, within) = match value {
                    toml::Value::Table(_) => {
                        let t = fields(value, &["share", "within"])?;
                        let share = t
                            .get("share")
                            .ok_or_else(|| invalid(format!("{at}.share：缺少比例")))?;
                        (
                            num(share, &format!("{at}.share"))?,
                            t.get("within").cloned(),
                        )
                    }
                    v => (num(v, &at)?, None),
                };
                if let Some(w) = within {
                    if w.as_str() != Some("all") {
                        return Err(invalid(format!(
                            "{at}.within：目前只能是 \"all\"（全部参评地区），地区分类与上级地区尚未设置"
                        )));
                    }
                }
                if !(share > 0.0 && share <= 1.0) {
                    return Err((
                        LadderIssue::ShareOutOfRange,
                        format!("{at}：比例应大于0且不超过1，实际为{share}"),
                    ));
                }
                Condition::BottomShare(share)
            }
            "funnel" => {
                let t = fields(value, &["indicator", "limit", "quarters"])?;
                let limit = match t.get("limit").and_then(|l| l.as_str()) {
                    Some("inner") => Limit::Inner,
                    Some("outer") => Limit::Outer,
                    _ => {
                        return Err(invalid(format!(
                            "{at}.limit：应为 \"inner\"（内限）或 \"outer\"（外限）"
                        )))
                    }
                };
                let indicator = match t.get("indicator") {
                    None => None,
                    Some(i) => Some(
                        i.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| invalid(format!("{at}.indicator：应为指标 id")))?,
                    ),
                };
                Condition::Funnel {
                    indicator,
                    limit,
                    quarters: quarters(&t)?,
                }
            }
            "held" => {
                let t = fields(value, &["measure", "quarters", "of", "current", "at_least"])?;
                let times = quarters(&t)?;
                let of = match t.get("of") {
                    None => times,
                    Some(n) => int(n, &format!("{at}.of"))?,
                };
                if times > of {
                    return Err((
                        LadderIssue::CountOutOfRange,
                        format!("{at}：quarters（{times}）不能大于 of（{of}）"),
                    ));
                }
                let flag = |k: &str, default: bool| match t.get(k) {
                    None => Ok(default),
                    Some(b) => b
                        .as_bool()
                        .ok_or_else(|| invalid(format!("{at}.{k}：应为 true 或 false"))),
                };
                Condition::Held {
                    measure: measure_of(&t, "measure")?,
                    times,
                    of,
                    current: flag("current", true)?,
                    at_least: flag("at_least", false)?,
                }
            }
            "gain" => {
                let t = fields(value, &["after", "below"])?;
                let below = t
                    .get("below")
                    .ok_or_else(|| invalid(format!("{at}.below：缺少分值")))?;
                Condition::Gain {
                    after: measure_of(&t, "after")?,
                    below: num(below, &format!("{at}.below"))?,
                }
            }
            "rank_down" | "rank_up" => {
                let d = int(value, &at)?;
                if d == 0 {
                    return Err((
                        LadderIssue::CountOutOfRange,
                        format!("{at}：名次变化应不小于1"),
                    ));
                }
                if name == "rank_down" {
                    Condition::RankDown(d)
                } else {
                    Condition::RankUp(d)
                }
            }
            "veto" => match value.as_bool() {
                Some(true) => Condition::Veto,
                _ => return Err(invalid(format!("{at}：只能写 veto = true"))),
            },
            "status" => {
                let (names, quarters) = match value {
                    toml::Value::Table(_) => {
                        let t = fields(value, &["is", "quarters"])?;
                        let is = t
                            .get("is")
                            .ok_or_else(|| invalid(format!("{at}.is：缺少状态")))?;
                        (list(is, &format!("{at}.is"))?, quarters(&t)?)
                    }
                    v => (list(v, &at)?, 1),
                };
                let is = names
                    .iter()
                    .map(|s| match s.as_str() {
                        "late" | "逾期报送" => Ok(Submitted::Late),
                        other => match Status::parse(other) {
                            Some(Status::Scored) | None => Err(invalid(format!(
                                "{at}：状态 {other} 无法识别，可用 missing（未报送）、invalid（数据有误，退回修改）、unreadable（已收到，无法读取）、late（逾期报送）"
                            ))),
                            Some(st) => Ok(Submitted::Is(st)),
                        },
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Condition::Status { is, quarters }
            }
            "all" => Condition::All(sub(value, &at)?),
            "any" => Condition::Any(sub(value, &at)?),
            "not" => Condition::Not(Box::new(Condition::parse(value, &at)?)),
            other => {
                return Err((
                    LadderIssue::UnknownCondition,
                    format!(
                        "{key}.{other}：无此条件，可用的条件：{}、not",
                        CONDITIONS.join("、")
                    ),
                ))
            }
        })
    }

    /// Whether the condition needs a scored region (and so supplies its figures).
    fn on_figures(&self) -> bool {
        match self {
            Condition::Grade(_)
            | Condition::TotalBelow(_)
            | Condition::Bottom(_)
            | Condition::BottomShare(_)
            | Condition::Funnel { .. }
            | Condition::Gain { .. }
            | Condition::RankDown(_)
            | Condition::RankUp(_)
            | Condition::Veto => true,
            Condition::Held { .. } | Condition::Status { .. } | Condition::Not(_) => false,
            Condition::All(cs) => cs.iter().any(Condition::on_figures),
            Condition::Any(cs) => cs.iter().all(Condition::on_figures),
        }
    }

    /// The placeholders the condition supplies to a rule's wording (besides [`ALWAYS`]).
    pub fn supplies(&self) -> BTreeSet<&'static str> {
        let own: &[&str] = match self {
            Condition::Grade(_) => &[],
            Condition::TotalBelow(_) => &["threshold"],
            Condition::Bottom(_) | Condition::BottomShare(_) => &["k", "share"],
            Condition::Funnel { .. } => &[
                "indicator",
                "value",
                "figures",
                "side",
                "level",
                "bound",
                "limit",
                "whole",
                "target",
                "tag",
                "quarters",
                "span",
            ],
            Condition::Held { .. } => &["quarters", "of", "streak", "span", "held"],
            Condition::Gain { .. } => &[
                "held",
                "below",
                "gain",
                "change",
                "last_total",
                "last_quarter",
            ],
            Condition::RankDown(_) | Condition::RankUp(_) => &["places", "last_rank", "moved"],
            Condition::Veto => &["veto"],
            Condition::Status { .. } => &["status", "quarters", "span"],
            Condition::All(cs) => {
                let mut out = BTreeSet::new();
                for c in cs {
                    out.extend(c.supplies());
                }
                return self.with_figures(out);
            }
            Condition::Any(cs) => {
                let mut sets = cs.iter().map(Condition::supplies);
                let first = sets.next().unwrap_or_default();
                let out = sets.fold(first, |acc, s| acc.intersection(&s).copied().collect());
                return self.with_figures(out);
            }
            Condition::Not(_) => &[],
        };
        let out: BTreeSet<&'static str> = own.iter().copied().collect();
        self.with_figures(out)
    }

    fn with_figures(&self, mut out: BTreeSet<&'static str>) -> BTreeSet<&'static str> {
        if self.on_figures() {
            out.extend(SCORED);
        }
        out
    }

    /// Every measure id the condition names.
    pub fn measures(&self) -> Vec<&str> {
        match self {
            Condition::Held { measure, .. } => vec![measure.as_str()],
            Condition::Gain { after, .. } => vec![after.as_str()],
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().flat_map(Condition::measures).collect()
            }
            Condition::Not(c) => c.measures(),
            _ => Vec::new(),
        }
    }

    /// The measures this quarter's earlier rules must have raised for the condition to hold
    /// (a `held` counting the current quarter in every one of its quarters).
    /// With `at_least`, one at least as severe does.
    pub fn needs_now(&self) -> Vec<(&str, bool)> {
        match self {
            Condition::Held {
                measure,
                times,
                of,
                current: true,
                at_least,
            } if times == of => vec![(measure.as_str(), *at_least)],
            Condition::All(cs) => cs.iter().flat_map(Condition::needs_now).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the condition reads this quarter's measures (a `held` counting the current
    /// quarter), which a rule that changes points cannot: points are settled before measures.
    pub fn reads_measures_now(&self) -> bool {
        match self {
            Condition::Held { current, .. } => *current,
            Condition::All(cs) | Condition::Any(cs) => cs.iter().any(Condition::reads_measures_now),
            Condition::Not(c) => c.reads_measures_now(),
            _ => false,
        }
    }

    /// A reason the condition can never hold, if there is one visible in the condition itself.
    pub fn never(&self, grades: &[String]) -> Option<String> {
        match self {
            Condition::Grade(gs) if gs.is_empty() => Some("等次列表为空".to_string()),
            Condition::Grade(gs) => gs
                .iter()
                .find(|g| !grades.contains(g))
                .map(|g| format!("等次 {g} 不存在")),
            Condition::Bottom(0) => Some("末位0名".to_string()),
            Condition::Status { is, .. } if is.is_empty() => Some("状态列表为空".to_string()),
            Condition::All(cs) => {
                if let Some(r) = cs.iter().find_map(|c| c.never(grades)) {
                    return Some(r);
                }
                let figures = cs.iter().any(Condition::on_figures);
                let unscored = cs.iter().any(|c| {
                    matches!(c, Condition::Status { is, .. }
                        if is.iter().all(|s| matches!(s, Submitted::Is(_))))
                });
                (figures && unscored)
                    .then(|| "要求地区既已评分又未评分（status 与得分条件同时要求）".to_string())
            }
            Condition::Any(cs) => cs
                .iter()
                .map(|c| c.never(grades))
                .collect::<Option<Vec<_>>>()
                .map(|rs| rs.join("；")),
            _ => None,
        }
    }
}

/// The placeholders of a wording, in order: `{name}`.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// A wording with its placeholders filled; an unknown one is left as written.
pub fn fill(text: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        match value(name) {
            Some(v) => out.push_str(&v),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
