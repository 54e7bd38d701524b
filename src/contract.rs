//! The submission contract: the sheet names, header texts, 基本情况 rows and `_meta` keys that the
//! template writes and ingest reads back (DESIGN.md "The submission workbook"). This module is
//! their only spelling; `template`, `ingest` and scheme validation all take them from here, so a
//! change to the contract is a change in one place.
//!
//! The template hash, which changes whenever the contract for a scheme does, stays in
//! [`crate::template::template_hash`] and is re-exported here.

pub use crate::template::template_hash;

/// How to fill the workbook.
pub const GUIDE_SHEET: &str = "填报说明";
/// Region, quarter, who filled it and when.
pub const BASIC_SHEET: &str = "基本情况";
/// The summary fields (S..).
pub const SUMMARY_SHEET: &str = "汇总指标";
/// The work items (W..).
pub const WORK_SHEET: &str = "工作情况";
/// Hidden: scheme id and version, template hash, region code, quarter.
pub const META_SHEET: &str = "_meta";
/// Hidden: drop-down lists too long (or with commas) for a literal list.
pub const LISTS_SHEET: &str = "_lists";

/// The template's own sheets: no ledger may use one of these names.
pub const RESERVED_SHEETS: [&str; 6] = [
    GUIDE_SHEET,
    BASIC_SHEET,
    SUMMARY_SHEET,
    WORK_SHEET,
    META_SHEET,
    LISTS_SHEET,
];

/// Header of 填报说明.
pub const GUIDE_HEADER: [&str; 2] = ["事项", "说明"];

/// Label column of 基本情况; ingest finds the table by it.
pub const BASIC_LABEL_HEADER: &str = "项目";
/// Value column of 基本情况.
pub const BASIC_VALUE_HEADER: &str = "内容";

/// The code column of 汇总指标 and 工作情况; ingest finds fields by it, never by row.
pub const CODE_HEADER: &str = "编码";
/// The value column of 汇总指标.
pub const SUMMARY_VALUE_HEADER: &str = "本季度数值";
/// The value column of 工作情况.
pub const WORK_VALUE_HEADER: &str = "填报值";
/// Header of 汇总指标.
pub const SUMMARY_HEADER: [&str; 5] = [
    CODE_HEADER,
    "指标名称",
    "单位",
    SUMMARY_VALUE_HEADER,
    "说明",
];
/// Header of 工作情况.
pub const WORK_HEADER: [&str; 3] = [CODE_HEADER, "项目", WORK_VALUE_HEADER];

/// Header of `_meta`.
pub const META_HEADER: [&str; 2] = ["key", "value"];

/// A row of 基本情况, found by its label in the 项目 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasicRow {
    RegionCode,
    RegionName,
    Quarter,
    FilledBy,
    Phone,
    FiledOn,
}

impl BasicRow {
    /// Every row, in the template's order (rows 2–7).
    pub const ALL: [BasicRow; 6] = [
        BasicRow::RegionCode,
        BasicRow::RegionName,
        BasicRow::Quarter,
        BasicRow::FilledBy,
        BasicRow::Phone,
        BasicRow::FiledOn,
    ];

    /// The label in the 项目 column.
    pub const fn label(self) -> &'static str {
        match self {
            BasicRow::RegionCode => "区划代码",
            BasicRow::RegionName => "地区名称",
            BasicRow::Quarter => "季度",
            BasicRow::FilledBy => "填报人",
            BasicRow::Phone => "联系电话",
            BasicRow::FiledOn => "填报日期",
        }
    }
}

/// A key of the hidden `_meta` sheet (column A; its value is in column B).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    SchemeId,
    SchemeVersion,
    TemplateHash,
    RegionCode,
    Quarter,
}

impl MetaKey {
    /// Every key, in the template's order (rows 2–6).
    pub const ALL: [MetaKey; 5] = [
        MetaKey::SchemeId,
        MetaKey::SchemeVersion,
        MetaKey::TemplateHash,
        MetaKey::RegionCode,
        MetaKey::Quarter,
    ];

    /// The key as written in column A.
    pub const fn key(self) -> &'static str {
        match self {
            MetaKey::SchemeId => "scheme_id",
            MetaKey::SchemeVersion => "scheme_version",
            MetaKey::TemplateHash => "template_hash",
            MetaKey::RegionCode => "region_code",
            MetaKey::Quarter => "quarter",
        }
    }

    /// The key written as `key`, if any.
    pub fn parse(key: &str) -> Option<MetaKey> {
        MetaKey::ALL.into_iter().find(|k| k.key() == key)
    }
}
