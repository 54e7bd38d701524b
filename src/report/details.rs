//! 指标明细: every region's raw figures for every indicator (numerator, denominator, value,
//! score), each traceable to the file, sheet and cell it came from.

use super::style::{page_setup, Fill, Grid, Kind, Layout, Styles};
use super::Assessment;
use crate::scheme::{Indicator, ValueDef, ValueKind};
use crate::score::IndicatorResult;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub(super) const NAME: &str = "指标明细";

const HEADERS: [&str; 9] = [
    "区划代码",
    "地区",
    "指标",
    "分子",
    "分母",
    "指标值",
    "得分",
    "说明",
    "数据来源",
];

pub(super) fn write(ws: &mut Worksheet, a: &Assessment, st: &Styles) -> Result<(), XlsxError> {
    let mut g = Grid::new(ws, st);
    g.header(0, &HEADERS, 40.0)?;
    let fill = Fill::None;
    let mut row = 1;
    for r in a.regions.iter().filter(|r| r.is_scored()) {
        for res in &r.indicators {
            let ind = a.scheme.indicators.iter().find(|i| i.id == res.id);
            g.text(row, 0, &r.code, fill)?;
            g.text(row, 1, &r.name, fill)?;
            let label = match ind {
                Some(i) => format!("{} {}", i.id, i.name),
                None => res.id.clone(),
            };
            g.text(row, 2, &label, fill)?;
            g.opt_num(row, 3, res.numerator, Kind::General, fill)?;
            g.opt_num(row, 4, res.denominator, Kind::General, fill)?;
            let kind = ind.map_or(Kind::General, |i| value_kind(a, i));
            g.opt_num(row, 5, res.value, kind, fill)?;
            g.num(row, 6, res.score, Kind::Score, fill)?;
            g.text(row, 7, res.empty.map_or("", |e| e.describe()), fill)?;
            g.text(row, 8, &sources(res), fill)?;
            row += 1;
        }
    }
    g.apply_widths()?;
    page_setup(g.ws, &Layout::table(row - 1, HEADERS.len() as u16 - 1, 3))
}

/// How an indicator's value is shown: rates as percentages, per-unit values with 4 decimals,
/// 是/否 fields as 是/否.
fn value_kind(a: &Assessment, ind: &Indicator) -> Kind {
    match &ind.value {
        ValueDef::Ratio { .. } | ValueDef::ShareNonzero { .. } => Kind::Percent,
        ValueDef::Province { divide_by, .. } if (*divide_by - 100.0).abs() < 1e-9 => Kind::Percent,
        ValueDef::Province { .. } | ValueDef::PerUnit { .. } => Kind::PerUnit,
        ValueDef::Field { field } => match a.scheme.field(field).map(|f| f.kind) {
            Some(ValueKind::YesNo) => Kind::YesNo,
            _ => Kind::General,
        },
    }
}

/// "县区A.xlsx 汇总指标!D2；县区A.xlsx 移送台账", the cells the figures came from.
fn sources(res: &IndicatorResult) -> String {
    res.sources
        .iter()
        .map(|s| {
            let addr = s.address();
            if addr.is_empty() {
                s.file.clone()
            } else {
                format!("{} {}", s.file, addr)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}
