//! The submission contract: the sheet names, header texts, 基本情况 rows and `_meta` keys that the
//! template writes and ingest reads back (DESIGN.md "The submission workbook"). This module is
//! their only spelling; `template`, `ingest` and scheme validation all take them from here, so a
//! change to the contract is a change in one place.
//!
//! It sits below the scheme and knows nothing of it: the template hash and the contract
//! fingerprint, computed from a scheme, are [`crate::fingerprint`]'s.

/// How to fill the workbook.
pub const GUIDE_SHEET: &str = "填报说明";
/// Region, quarter, who filled it and when.
pub const BASIC_SHEET: &str = "基本情况";
/// The summary fields (S..).
pub const SUMMARY_SHEET: &str = "汇总指标";
/// The work items (W..).
pub const WORK_SHEET: &str = "工作情况";
/// Hidden: scheme id and version, template hash, region code, quarter, contract fingerprint.
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
    /// The contract fingerprint (`fingerprint::contract_fingerprint`); absent from templates
    /// made before it was recorded.
    Contract,
}

impl MetaKey {
    /// Every key, in the template's order (rows 2–7).
    pub const ALL: [MetaKey; 6] = [
        MetaKey::SchemeId,
        MetaKey::SchemeVersion,
        MetaKey::TemplateHash,
        MetaKey::RegionCode,
        MetaKey::Quarter,
        MetaKey::Contract,
    ];

    /// The key as written in column A.
    pub const fn key(self) -> &'static str {
        match self {
            MetaKey::SchemeId => "scheme_id",
            MetaKey::SchemeVersion => "scheme_version",
            MetaKey::TemplateHash => "template_hash",
            MetaKey::RegionCode => "region_code",
            MetaKey::Quarter => "quarter",
            MetaKey::Contract => "contract",
        }
    }

    /// The key written as `key`, if any.
    pub fn parse(key: &str) -> Option<MetaKey> {
        MetaKey::ALL.into_iter().find(|k| k.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// The string literals of Rust source (`//` comments skipped), roughly: enough for this
    /// crate's code, which has no nested raw strings.
    fn string_literals(src: &str) -> Vec<String> {
        let chars: Vec<char> = src.chars().collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let rest = |k: usize| chars.get(i + k).copied();
            match chars[i] {
                '/' if rest(1) == Some('/') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '\'' if rest(1) == Some('"') && rest(2) == Some('\'') => i += 3,
                '\'' if rest(1) == Some('\\') && rest(3) == Some('\'') => i += 4,
                'r' if rest(1) == Some('#') || rest(1) == Some('"') => {
                    let hashes = (1..).take_while(|&k| rest(k) == Some('#')).count();
                    if rest(hashes + 1) != Some('"') {
                        i += 1;
                        continue;
                    }
                    let close: String = std::iter::once('"')
                        .chain(std::iter::repeat_n('#', hashes))
                        .collect();
                    let body: String = chars[i + hashes + 2..].iter().collect();
                    let end = body.find(&close).unwrap_or(body.len());
                    found.push(body[..end].to_string());
                    i += hashes + 2 + body[..end].chars().count() + close.chars().count();
                }
                '"' => {
                    let mut lit = String::new();
                    i += 1;
                    while i < chars.len() && chars[i] != '"' {
                        if chars[i] == '\\' {
                            i += 1;
                        }
                        if let Some(&c) = chars.get(i) {
                            lit.push(c);
                        }
                        i += 1;
                    }
                    found.push(lit);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        found
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn string_literals_are_found_outside_comments() {
        let src = "let a = \"基本情况\"; // \"汇总指标\"\nlet b = '\"'; let c = r#\"x\"y\"#; f(\"a\\\"b\");";
        assert_eq!(string_literals(src), ["基本情况", "x\"y", "a\"b"]);
    }

    /// What only this module may spell: the sheet names and the value columns' headers. Generic
    /// words (编码, 项目, 内容, 指标名称, which the guide uses in its sentences) and the `_meta`
    /// keys (`quarter`, `scheme_version`: also the ranking workbook's document properties) name
    /// other things too and are left out.
    fn spelled_here() -> Vec<&'static str> {
        let mut names = RESERVED_SHEETS.to_vec();
        names.extend([SUMMARY_VALUE_HEADER, WORK_VALUE_HEADER]);
        names
    }

    #[test]
    fn no_code_outside_the_contract_spells_a_sheet_name_or_header() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        files.sort();
        let mut offenders = Vec::new();
        for path in files {
            if path.ends_with("contract.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Test modules sit at the end of a file and may name sheets in their fixtures.
            let code = text.split("\n#[cfg(test)]").next().unwrap_or("");
            for lit in string_literals(code) {
                for name in spelled_here() {
                    if lit.contains(name) {
                        offenders.push(format!("{}: {name} in \"{lit}\"", path.display()));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }

    #[test]
    fn reserved_sheets_are_the_template_s_own_and_distinct() {
        let unique: std::collections::BTreeSet<_> = RESERVED_SHEETS.into_iter().collect();
        assert_eq!(unique.len(), RESERVED_SHEETS.len());
        assert!(RESERVED_SHEETS.contains(&LISTS_SHEET));
        let labels: std::collections::BTreeSet<_> =
            BasicRow::ALL.into_iter().map(BasicRow::label).collect();
        assert_eq!(labels.len(), BasicRow::ALL.len());
        for k in MetaKey::ALL {
            assert_eq!(MetaKey::parse(k.key()), Some(k));
        }
    }

    use proptest::prelude::*;

    /// One filled template, drawn by proptest: the region, the quarter, 基本情况 and a value for
    /// every field and work item (each within what its kind allows).
    fn filled_templates(
    ) -> impl Strategy<Value = (usize, i32, u32, usize, (u32, u32), u64, Vec<u32>)> {
        let scheme = crate::scheme::Scheme::builtin().unwrap();
        let n_fields = scheme.fields.len() + scheme.work_items.len();
        let n_regions = crate::registry::Registry::builtin().unwrap().regions.len();
        (
            0..n_regions,
            2021..=2025i32,
            1..=4u32,
            0..5usize,
            (20..=769u32, 1_000_000..=99_999_999u32),
            0..=90u64,
            proptest::collection::vec(0..=10_000_000u32, n_fields),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// A template filled with random valid values reads back through ingest with exactly
        /// those values.
        #[test]
        fn random_filled_templates_read_back_through_ingest(
            (region, year, q, name, (area, number), day, values) in filled_templates()
        ) {
            use crate::ingest::{self, Context, Limits};
            use crate::quarter::Quarter;
            use crate::registry::Registry;
            use crate::scheme::{Scheme, ValueKind};
            use crate::template::{self, Filled};

            let scheme = Scheme::builtin().unwrap();
            let registry = Registry::builtin().unwrap();
            let hash = template::template_hash(&scheme);
            let tmp = tempfile::tempdir().unwrap();
            let names = ["张三", "李四", "欧阳明", "王 五", "Zhao"];
            let region = &registry.regions[region];
            let quarter = Quarter { year, q };
            let mut filled = Filled {
                filled_by: names[name].to_string(),
                phone: format!("0{area}-{number}"),
                filed_on: Some(quarter.first_day() + chrono::Days::new(day)),
                ..Filled::default()
            };
            for (f, v) in scheme.fields.iter().chain(scheme.work_items.iter()).zip(&values) {
                let v = match f.kind {
                    ValueKind::YesNo => f64::from(v % 2),
                    ValueKind::Amount => f64::from(*v) / 100.0,
                    _ => f64::from(v % 100_001),
                };
                filled.fields.insert(f.code.clone(), v);
            }
            let path = tmp.path().join("filled.xlsx");
            template::write(&path, &scheme, Some(region), Some(quarter), Some(&filled)).unwrap();
            let ctx = Context {
                scheme: &scheme,
                registry: &registry,
                quarter,
                today: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                limits: Limits::default(),
            };
            let sub = ingest::read_file(&path, &ctx, &hash);
            let problems = format!("{:#?}", sub.problems);
            prop_assert_eq!(&sub.region_code, &region.code, "{}", problems);
            prop_assert_eq!(&sub.region_name, &region.name, "{}", problems);
            prop_assert_eq!(sub.quarter, Some(quarter), "{}", problems);
            prop_assert_eq!(&sub.filled_by, &filled.filled_by, "{}", problems);
            prop_assert_eq!(&sub.phone, &filled.phone, "{}", problems);
            prop_assert_eq!(sub.filed_on, filled.filed_on, "{}", problems);
            prop_assert_eq!(&sub.meta.template_hash, &hash, "{}", problems);
            prop_assert_eq!(&sub.meta.region_code, &region.code, "{}", problems);
            prop_assert_eq!(&sub.meta.quarter, &quarter.to_string(), "{}", problems);
            let read: std::collections::BTreeMap<String, f64> = sub
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.value))
                .collect();
            prop_assert_eq!(&read, &filled.fields, "{}", problems);
        }
    }
}
