//! A region that was not scored gets a notice instead of a 反馈单: a 退回修改通知 listing every
//! error (and warning) in its file, or a 补报通知 when nothing was received; both give the date
//! by which to send the file again.

use super::super::style::{Fill, Grid, Kind, Tone};
use super::super::Assessment;
use super::Form;
use crate::problem::Severity;
use crate::score::RegionResult;
use chrono::NaiveDate;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// 位置, 说明 (merged over four columns), 级别.
const WIDTHS: [f64; 6] = [24.0, 16.0, 16.0, 16.0, 13.0, 8.0];
const LAST_COL: u16 = 5;

pub(super) fn write(
    ws: &mut Worksheet,
    a: &Assessment,
    r: &RegionResult,
    form: Form,
    resubmit_by: NaiveDate,
) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    for (col, w) in (0u16..).zip(WIDTHS) {
        g.set_width(col, w);
    }
    let title = format!("{}{}考核评价{}", r.name, a.quarter.label(), form.label());
    g.title(&title, &a.subtitle_narrow(), LAST_COL);
    let deadline = resubmit_by.format("%Y年%-m月%-d日");
    let days = a.scheme.feedback.resubmit_days;
    let mut row = 3;
    g.para(row, 0, LAST_COL, &format!("{}（{}）：", r.name, r.code));
    row += 1;
    let found = a.problems_of(&r.code);
    let errors = found
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let reasons: Vec<&str> = found
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.message.as_str())
        .collect();
    let body = match (form, &r.file) {
        (Form::Returned, Some(file)) if r.status == crate::record::Status::Unreadable => format!(
            "　　已收到你单位报送的{}考核评价填报文件“{file}”，但无法读取，原因：{}。本季度暂不予评分、不参加排名。请在Excel、WPS或LibreOffice中打开本季度填报模板填写（或将原文件另存为xlsx），于{deadline}前（{}后{days}个工作日内）重新报送。逾期未重新报送的，按未报送处理。",
            a.quarter.label(),
            reasons.join("；"),
            a.made_on(),
        ),
        (Form::Returned, Some(file)) => format!(
            "　　你单位报送的{}考核评价填报文件“{file}”经校验发现{errors}处错误，本季度暂不予评分、不参加排名。请对照下表逐项改正{}，于{deadline}前（{}后{days}个工作日内）重新报送。逾期未重新报送的，按未报送处理。",
            a.quarter.label(),
            // Only when the table lists warnings.
            if found.len() > errors { "（警告项请一并核实）" } else { "" },
            a.made_on(),
        ),
        (Form::Returned, None) => format!(
            "　　你单位报送的{}考核评价填报文件经校验发现{errors}处错误，本季度暂不予评分、不参加排名。请对照下表逐项改正，于{deadline}前（{}后{days}个工作日内）重新报送。",
            a.quarter.label(),
            a.made_on(),
        ),
        _ => format!(
            "　　截至{}，未收到你单位{}考核评价填报文件，本季度不予评分、列于排名最后。请使用本季度填报模板，于{deadline}前（{days}个工作日内）补报。",
            a.made_on(),
            a.quarter.label(),
        ),
    };
    g.para(row, 0, LAST_COL, &body);
    row += 2;
    g.section(row, "需要改正的问题");
    row += 1;
    if found.is_empty() {
        let none = match form {
            Form::Missing => "未收到报送文件。".to_string(),
            _ => format!("（未记录到具体问题，请与{}联系）", a.scheme.office.name),
        };
        g.para(row, 0, LAST_COL, &none);
        row += 1;
    } else {
        g.header_span(row, 0, 1, "位置（文件、工作表!单元格）");
        g.header_span(row, 1, 4, "问题说明");
        g.header_span(row, 5, 1, "级别");
        row += 1;
        for p in &found {
            let place = match (p.source.sheet.is_empty(), p.source.cell.is_empty()) {
                (true, _) => p.source.file.clone(),
                (false, true) => format!("{}\n{}", p.source.file, p.source.sheet),
                (false, false) => {
                    format!("{}\n{}!{}", p.source.file, p.source.sheet, p.source.cell)
                }
            };
            g.text(row, 0, &place, Fill::None);
            g.styled_span(row, 1, 4, &p.message, Kind::Text, Fill::None);
            let fill = match p.severity {
                Severity::Error => Fill::Red,
                Severity::Warning => Fill::PaleYellow,
            };
            g.styled(row, 5, p.severity.label(), Kind::Label, fill, Tone::Normal);
            row += 1;
        }
    }
    row += 1;
    g.section(row, "重新报送");
    row += 1;
    g.para(
        row,
        0,
        LAST_COL,
        &format!(
            "截止日期：{deadline}。{}{}",
            match form {
                Form::Missing => format!(
                    "请将填好的本季度填报模板报送{}，填报日期填写实际报送日期。",
                    a.scheme.office.name
                ),
                _ => format!(
                    "请将改正后的文件报送{}，文件名与原文件一致，填报日期填写实际报送日期。",
                    a.scheme.office.name
                ),
            },
            a.scheme
                .office
                .contact_note()
                .map_or_else(String::new, |c| format!("{c}。"))
        ),
    );
    row += 1;
    g.para_right(row + 1, 0, LAST_COL, &a.scheme.office.name);
    g.para_right(row + 2, 0, LAST_COL, &a.made_on());
    g.render(ws, &super::page(a, row + 2, LAST_COL))
}
