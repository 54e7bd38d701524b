//! The two sheets that come first: 填报说明 (the guide) and 基本情况 (who files, for which
//! region and quarter).

use super::styles::{finish, fit, header, note, wrapped_height, Formats};
use super::validation::validation;
use super::{Filled, OnSheet, TemplateError};
use crate::contract::{
    BasicRow, BASIC_LABEL_HEADER, BASIC_SHEET, BASIC_VALUE_HEADER, GUIDE_HEADER, GUIDE_SHEET,
    SUMMARY_SHEET, SUMMARY_VALUE_HEADER, WORK_SHEET, WORK_VALUE_HEADER,
};
use crate::quarter::Quarter;
use crate::registry::Region;
use crate::scheme::{DeductionSource, Scheme, ValueKind};
use crate::text::fmt_num;
use chrono::NaiveDate;
use rust_xlsxwriter::Worksheet;

/// Widths (Excel units) of prose columns, which wrap instead of growing.
const GUIDE_TEXT_WIDTH: f64 = 100.0;

/// 填报说明: `事项 | 说明`.
pub(super) fn guide(
    ws: &mut Worksheet,
    scheme: &Scheme,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    hash: &str,
    f: &Formats,
) -> Result<(), TemplateError> {
    ws.set_name(GUIDE_SHEET).on(GUIDE_SHEET)?;
    header(ws, &GUIDE_HEADER, f)?;
    let late = scheme
        .deductions
        .items
        .iter()
        .find(|d| d.source == DeductionSource::Late)
        .map(|d| format!("每次扣{}分", fmt_num(d.points)))
        .unwrap_or_else(|| "按评分规则扣分".to_string());
    let ymd = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
    let mut rows: Vec<(String, String)> = vec![
        (
            "指标体系".into(),
            format!(
                "{}（编号：{}，版本：{}）",
                scheme.name, scheme.id, scheme.version
            ),
        ),
        (
            "填报地区".into(),
            match region {
                Some(r) => format!("{} {}", r.code, r.name),
                None => format!("通用空白模板：请在“{BASIC_SHEET}”中填写区划代码（6位数字）和地区名称"),
            },
        ),
        (
            "填报季度".into(),
            match quarter {
                Some(q) => format!(
                    "{}（{}），统计期间为{}至{}",
                    q.label(),
                    q,
                    ymd(q.first_day()),
                    ymd(q.last_day())
                ),
                None => format!("通用空白模板：请在“{BASIC_SHEET}”中填写季度，写作如 2025Q4"),
            },
        ),
        (
            "报送截止".into(),
            match quarter {
                Some(q) => format!(
                    "请于{}（含）前报送。填报日期晚于截止日期的为迟报，{late}。",
                    ymd(q.deadline(scheme.deadline_day))
                ),
                None => format!(
                    "每季度结束后次月{}日（含）前报送，如2025年第四季度的截止日期为{}。填报日期晚于截止日期的为迟报，{late}。",
                    scheme.deadline_day,
                    ymd(Quarter { year: 2025, q: 4 }.deadline(scheme.deadline_day))
                ),
            },
        ),
        (
            "填写方法".into(),
            "只填写浅黄色底纹的单元格（未锁定）；其他单元格已保护（无密码），请勿修改。\
             请勿增删或重命名工作表，勿修改表头、编码和列名：程序按编码和表头读取数据。\
             数值只填阿拉伯数字，不带单位、文字或公式，如无请填0；\
             日期填写为 yyyy-mm-dd（如 2026-01-08）；“是/否”和分类从下拉列表中选择。\
             鼠标停在指标名称或表头上可查看其定义（批注）。"
                .into(),
        ),
        (
            BASIC_SHEET.into(),
            if region.is_some() && quarter.is_some() {
                "区划代码、地区名称和季度已预先填写，请勿改动；请填写填报人、联系电话、填报日期（实际报送的日期）、审核人和单位负责人。打印后由填报人、审核人、单位负责人签字，并加盖公章。".into()
            } else {
                "填写区划代码、地区名称、季度、填报人、联系电话、填报日期（实际报送的日期）、审核人和单位负责人。打印后由填报人、审核人、单位负责人签字，并加盖公章。".into()
            },
        ),
        (
            SUMMARY_SHEET.into(),
            format!(
                "本季度各项汇总数，每个编码一行，填在“{SUMMARY_VALUE_HEADER}”列。“说明”列为指标定义；注明“不大于”某编码的，数值不得大于该编码的数值。"
            ),
        ),
        (
            WORK_SHEET.into(),
            format!(
                "每个编码一行，填在“{WORK_VALUE_HEADER}”列：是/否项目从下拉列表中选择“是”或“否”，次数项目填非负整数，如无请填0。"
            ),
        ),
    ];
    for l in &scheme.ledgers {
        let required: Vec<&str> = l
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name.as_str())
            .collect();
        let mut text = format!("{}。", l.note.trim_end_matches('。'));
        text.push_str(&format!(
            "自第2行起逐行连续填写，每行一条，最多{}行",
            scheme.ledger_rows
        ));
        if !required.is_empty() {
            text.push_str(&format!("；每行必填：{}", required.join("、")));
        }
        text.push('。');
        rows.push((l.sheet.clone(), text));
    }
    rows.push((
        "大案标准".into(),
        format!(
            "涉案货值达到{}万元（含）以上的行政处罚案件为大案。",
            fmt_num(scheme.big_case_threshold)
        ),
    ));
    rows.push(("联系方式".into(), scheme.office.contact_line()));
    rows.push((
        "模板校验码".into(),
        format!("{hash}（由程序生成，用于核对模板版本；请勿修改隐藏的工作表）"),
    ));

    for (i, (topic, text)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, topic, &f.label)
            .on(GUIDE_SHEET)?;
        ws.write_string_with_format(r, 1, text, &f.prose)
            .on(GUIDE_SHEET)?;
        ws.set_row_height(r, wrapped_height(text, GUIDE_TEXT_WIDTH))
            .on(GUIDE_SHEET)?;
    }
    let topics = fit(
        rows.iter()
            .map(|(t, _)| t.as_str())
            .chain([GUIDE_HEADER[0]]),
        10.0,
        30.0,
    );
    finish(ws, &[topics, GUIDE_TEXT_WIDTH])
}

/// 基本情况: `项目 | 内容`, rows 2–7 (read by ingest), then the sign-off rows 8–9 and a remark.
pub(super) fn basic(
    ws: &mut Worksheet,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = BASIC_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &[BASIC_LABEL_HEADER, BASIC_VALUE_HEADER], f)?;
    let fixed_or_input = |value: Option<String>| -> (String, bool) {
        match value {
            Some(v) => (v, false),
            None => (String::new(), true),
        }
    };
    let rows: [(&str, (String, bool), &str); 5] = [
        (
            BasicRow::RegionCode.label(),
            fixed_or_input(region.map(|r| r.code.clone())),
            "GB/T 2260 六位行政区划代码，如 440100",
        ),
        (
            BasicRow::RegionName.label(),
            fixed_or_input(region.map(|r| r.name.clone())),
            "填报地区的名称，如 广州市",
        ),
        (
            BasicRow::Quarter.label(),
            fixed_or_input(quarter.map(|q| q.to_string())),
            "填报的季度，写作如 2025Q4",
        ),
        (
            BasicRow::FilledBy.label(),
            (filled.filled_by.clone(), true),
            "填报人姓名",
        ),
        (
            BasicRow::Phone.label(),
            (filled.phone.clone(), true),
            "填报人的联系电话",
        ),
    ];
    let mut texts = vec![BASIC_VALUE_HEADER.to_string()];
    for (i, (label, (value, input), definition)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, *label, &f.label).on(S)?;
        ws.insert_note(r, 0, &note(definition)).on(S)?;
        let fmt = if *input { &f.input_text } else { &f.fixed };
        if value.is_empty() {
            ws.write_blank(r, 1, fmt).on(S)?;
        } else {
            ws.write_string_with_format(r, 1, value, fmt).on(S)?;
        }
        texts.push(value.clone());
    }
    let r = 6;
    ws.write_string_with_format(r, 0, BasicRow::FiledOn.label(), &f.label)
        .on(S)?;
    ws.insert_note(
        r,
        0,
        &note("实际报送的日期，格式 yyyy-mm-dd；晚于报送截止日期的为迟报"),
    )
    .on(S)?;
    match filled.filed_on {
        Some(d) => ws.write_date_with_format(r, 1, d, &f.input_date).on(S)?,
        None => ws.write_blank(r, 1, &f.input_date).on(S)?,
    };
    if let Some(dv) = validation(
        ValueKind::Date,
        BasicRow::FiledOn.label(),
        "",
        None,
        &Vec::new(),
        "",
    )
    .on(S)?
    {
        ws.add_data_validation(r, 1, r, 1, &dv).on(S)?;
    }
    for r in 1..=6 {
        ws.set_row_height(r, BASIC_ROW_HEIGHT).on(S)?;
    }
    sign_off(ws, 7, f)?;
    let widths = [
        fit(
            [BasicRow::Phone.label()]
                .into_iter()
                .chain(SIGN_OFF.iter().map(|(l, _)| *l)),
            12.0,
            20.0,
        ),
        fit(texts.iter().map(String::as_str), 24.0, 50.0),
    ];
    finish(ws, &widths)
}

/// The sign-off rows of 基本情况, below the rows ingest reads (and with labels of their own, so
/// ingest, which finds its rows by label, passes over them): who checked the figures and who
/// answers for them. Typed in, and signed on the printout.
pub(super) const SIGN_OFF: [(&str, &str); 2] = [
    ("审核人", "审核本表数据的人员姓名；打印后由其签字"),
    ("单位负责人", "填报单位负责人姓名；打印后由其签字"),
];

/// The line under the sign-off rows, for the printout.
pub(super) const SIGN_OFF_REMARK: &str =
    "注：本表打印后，由填报人、审核人、单位负责人签字，并加盖填报单位公章。";

/// Row height (points) of every row of 基本情况's table: room for a signature on paper, and
/// one look for the rows above the sign-off and the sign-off itself.
const BASIC_ROW_HEIGHT: f64 = 26.0;

/// Writes [`SIGN_OFF`] from row `first` (0-based) as unlocked text inputs, then the remark
/// across both columns.
fn sign_off(ws: &mut Worksheet, first: u32, f: &Formats) -> Result<(), TemplateError> {
    const S: &str = BASIC_SHEET;
    let mut r = first;
    for (label, definition) in SIGN_OFF {
        ws.write_string_with_format(r, 0, label, &f.label).on(S)?;
        ws.insert_note(r, 0, &note(definition)).on(S)?;
        ws.write_blank(r, 1, &f.input_text).on(S)?;
        ws.set_row_height(r, BASIC_ROW_HEIGHT).on(S)?;
        r += 1;
    }
    ws.merge_range(r, 0, r, 1, SIGN_OFF_REMARK, &f.remark)
        .on(S)?;
    ws.set_row_height(r, 33.0).on(S)?;
    Ok(())
}
