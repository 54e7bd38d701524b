//! The submission template: the blank kept in `templates/` is current, and a filled workbook
//! reads back (with calamine, as ingest does) exactly as written.
//!
//! To regenerate `templates/blank-submission.xlsx` after changing the scheme or the layout:
//! `KAOPING_UPDATE_TEMPLATE=1 cargo test --release --test integration template::`.

use calamine::{open_workbook_auto, Data, Range, Reader};
use chrono::NaiveDate;
use kaoping::quarter::Quarter;
use kaoping::registry::Registry;
use kaoping::scheme::Scheme;
use kaoping::submission::Cell;
use kaoping::template::{self, Filled};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

const BLANK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/templates/blank-submission.xlsx"
);
const REGENERATE: &str =
    "KAOPING_UPDATE_TEMPLATE=1 cargo test --release --test integration template::";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Every part of an xlsx (a zip), by name, in archive order.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

#[test]
fn blank_template_in_templates_is_current() {
    let scheme = Scheme::builtin().unwrap();
    if std::env::var("KAOPING_UPDATE_TEMPLATE").as_deref() == Ok("1") {
        template::write(Path::new(BLANK), &scheme, None, None, None).unwrap();
        eprintln!("已重新生成 {BLANK}");
    }
    let fresh = template::build(&scheme, None, None, None)
        .unwrap()
        .save_to_buffer()
        .unwrap();
    let stored = std::fs::read(BLANK)
        .unwrap_or_else(|e| panic!("模板已过期：无法读取 {BLANK}（{e}）；请运行 {REGENERATE}"));
    let (fresh, stored) = (parts(&fresh), parts(&stored));
    let names = |p: &[(String, Vec<u8>)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&fresh),
        names(&stored),
        "模板已过期：templates/blank-submission.xlsx 的部件与当前生成的不同；请运行 {REGENERATE}"
    );
    for ((name, new), (_, old)) in fresh.iter().zip(&stored) {
        assert!(
            new == old,
            "模板已过期：templates/blank-submission.xlsx 的 {name} 与当前生成的不同；请运行 {REGENERATE}"
        );
    }
}

/// A workbook's zip parts: (name, bytes).
type Parts = Vec<(String, Vec<u8>)>;

/// The built-in scheme, its blank template as built now, and the template's zip parts.
fn blank() -> (Scheme, Vec<u8>, Parts) {
    let scheme = Scheme::builtin().unwrap();
    let bytes = template::build(&scheme, None, None, None)
        .unwrap()
        .save_to_buffer()
        .unwrap();
    let parts = parts(&bytes);
    (scheme, bytes, parts)
}

fn part_text(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, data) = parts.iter().find(|(n, _)| n == name).unwrap();
    String::from_utf8(data.clone()).unwrap()
}

#[test]
fn blank_template_is_protected_and_hides_meta() {
    let (scheme, bytes, parts) = blank();
    let text = |name: &str| part_text(&parts, name);
    let sheets: Vec<&(String, Vec<u8>)> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/worksheets/sheet"))
        .collect();
    assert_eq!(sheets.len(), 8);
    for (name, data) in sheets {
        let xml = String::from_utf8_lossy(data);
        assert!(xml.contains("<sheetProtection"), "{name} is not protected");
        assert!(!xml.contains("<f>"), "{name} holds a formula");
    }
    let workbook = text("xl/workbook.xml");
    assert!(
        workbook.contains(r#"<sheet name="_meta" sheetId="8" state="hidden""#),
        "{workbook}"
    );
    // The blank has no region: 基本情况 B2 is an empty input cell.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("blank.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let mut book = open_workbook_auto(&path).unwrap();
    let basic = book.worksheet_range("基本情况").unwrap();
    assert_eq!(at(&basic, 1, 0), Data::String("区划代码".into()));
    assert_eq!(at(&basic, 1, 1), Data::Empty);
    let meta = book.worksheet_range("_meta").unwrap();
    assert_eq!(meta_value(&meta, "region_code"), "");
    assert_eq!(
        meta_value(&meta, "template_hash"),
        template::template_hash(&scheme)
    );
}

/// The cell at an absolute (0-based) position; `Empty` outside the range.
fn at(range: &Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

/// The row (0-based) whose column A is `code`.
fn row_of(range: &Range<Data>, code: &str) -> u32 {
    let (first, _) = range.start().unwrap();
    let (last, _) = range.end().unwrap();
    (first..=last)
        .find(|&r| at(range, r, 0) == Data::String(code.into()))
        .unwrap_or_else(|| panic!("no row {code}"))
}

fn meta_value(range: &Range<Data>, key: &str) -> String {
    match at(range, row_of(range, key), 1) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => panic!("_meta {key}: {other:?}"),
    }
}

fn date_of(data: &Data) -> NaiveDate {
    match data {
        Data::DateTime(dt) => dt.as_datetime().unwrap().date(),
        other => panic!("expected a date, got {other:?}"),
    }
}

fn header(range: &Range<Data>) -> Vec<String> {
    let (_, last) = range.end().unwrap();
    (0..=last)
        .map(|c| match at(range, 0, c) {
            Data::String(s) => s,
            other => panic!("header cell {c}: {other:?}"),
        })
        .collect()
}

fn filled() -> Filled {
    Filled {
        filled_by: "张三".into(),
        phone: "020-83123456".into(),
        filed_on: Some(d(2026, 1, 8)),
        fields: BTreeMap::from([
            ("S01".to_string(), 12.0),
            ("S03".to_string(), 123.45),
            ("S05".to_string(), 30.0),
            ("W01".to_string(), 1.0),
            ("W02".to_string(), 0.0),
            ("W11".to_string(), 2.0),
        ]),
        field_text: BTreeMap::new(),
        ledgers: BTreeMap::from([(
            "transfer".to_string(),
            vec![vec![
                Cell::Text("440100-2025Q4-Y0001".into()),
                Cell::Text("商标".into()),
                Cell::Date(d(2025, 9, 20)),
                Cell::Date(d(2025, 10, 15)),
                Cell::Text("广州市公安局".into()),
                Cell::YesNo(true),
                Cell::Empty,
            ]],
        )]),
    }
}

#[test]
fn filled_workbook_reads_back_exactly() {
    let scheme = Scheme::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    let region = registry.get("440100").unwrap();
    let q: Quarter = "2025Q4".parse().unwrap();
    let name = template::file_name(region, q);
    assert_eq!(name, "440100_广州市_2025Q4.xlsx");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(&name);
    template::write(&path, &scheme, Some(region), Some(q), Some(&filled())).unwrap();

    let mut book = open_workbook_auto(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "填报说明",
            "基本情况",
            "汇总指标",
            "工作情况",
            "移送台账",
            "信息公开台账",
            "销毁台账",
            "_meta"
        ]
    );

    let guide = book.worksheet_range("填报说明").unwrap();
    assert_eq!(header(&guide), ["事项", "说明"]);
    let deadline = at(&guide, row_of(&guide, "报送截止"), 1);
    assert!(
        matches!(&deadline, Data::String(s) if s.contains("2026年1月10日") && s.contains("迟报")),
        "{deadline:?}"
    );
    assert_eq!(
        at(&guide, row_of(&guide, "联系方式"), 1),
        Data::String("联系人：广东省打击侵权假冒工作领导小组办公室".into())
    );

    let basic = book.worksheet_range("基本情况").unwrap();
    assert_eq!(header(&basic), ["项目", "内容"]);
    let expect = [
        ("区划代码", "440100"),
        ("地区名称", "广州市"),
        ("季度", "2025Q4"),
        ("填报人", "张三"),
        ("联系电话", "020-83123456"),
    ];
    for (r, (label, value)) in expect.iter().enumerate() {
        let r = r as u32 + 1;
        assert_eq!(at(&basic, r, 0), Data::String(label.to_string()));
        assert_eq!(at(&basic, r, 1), Data::String(value.to_string()), "{label}");
    }
    assert_eq!(at(&basic, 6, 0), Data::String("填报日期".into()));
    assert_eq!(date_of(&at(&basic, 6, 1)), d(2026, 1, 8));

    let summary = book.worksheet_range("汇总指标").unwrap();
    assert_eq!(
        header(&summary),
        ["编码", "指标名称", "单位", "本季度数值", "说明"]
    );
    let codes: Vec<Data> = (1..=scheme.fields.len() as u32)
        .map(|r| at(&summary, r, 0))
        .collect();
    let expected: Vec<Data> = scheme
        .fields
        .iter()
        .map(|f| Data::String(f.code.clone()))
        .collect();
    assert_eq!(codes, expected);
    assert_eq!(at(&summary, row_of(&summary, "S01"), 3), Data::Float(12.0));
    assert_eq!(
        at(&summary, row_of(&summary, "S03"), 3),
        Data::Float(123.45)
    );
    assert_eq!(at(&summary, row_of(&summary, "S02"), 3), Data::Empty);
    assert_eq!(
        at(&summary, row_of(&summary, "S02"), 1),
        Data::String("其中：货值在大案标准以上的案件数".into())
    );

    let work = book.worksheet_range("工作情况").unwrap();
    assert_eq!(header(&work), ["编码", "项目", "填报值"]);
    assert_eq!(
        at(&work, row_of(&work, "W01"), 2),
        Data::String("是".into())
    );
    assert_eq!(
        at(&work, row_of(&work, "W02"), 2),
        Data::String("否".into())
    );
    assert_eq!(at(&work, row_of(&work, "W11"), 2), Data::Float(2.0));

    for l in &scheme.ledgers {
        let range = book.worksheet_range(&l.sheet).unwrap();
        let names: Vec<String> = l.columns.iter().map(|c| c.name.clone()).collect();
        assert_eq!(header(&range), names, "{}", l.sheet);
    }
    let transfer = book.worksheet_range("移送台账").unwrap();
    assert_eq!(
        at(&transfer, 1, 0),
        Data::String("440100-2025Q4-Y0001".into())
    );
    assert_eq!(at(&transfer, 1, 1), Data::String("商标".into()));
    assert_eq!(date_of(&at(&transfer, 1, 2)), d(2025, 9, 20));
    assert_eq!(date_of(&at(&transfer, 1, 3)), d(2025, 10, 15));
    assert_eq!(at(&transfer, 1, 5), Data::String("是".into()));
    assert_eq!(at(&transfer, 1, 6), Data::Empty);
    assert_eq!(at(&transfer, 2, 0), Data::Empty);

    let meta = book.worksheet_range("_meta").unwrap();
    assert_eq!(header(&meta), ["key", "value"]);
    assert_eq!(meta_value(&meta, "scheme_id"), scheme.id);
    assert_eq!(meta_value(&meta, "scheme_version"), scheme.version);
    assert_eq!(
        meta_value(&meta, "template_hash"),
        template::template_hash(&scheme)
    );
    assert_eq!(meta_value(&meta, "region_code"), "440100");
    assert_eq!(meta_value(&meta, "quarter"), "2025Q4");
}

#[test]
fn field_text_is_written_instead_of_the_number() {
    let scheme = Scheme::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    let region = registry.get("440100").unwrap();
    let q: Quarter = "2025Q4".parse().unwrap();
    let mut f = filled();
    f.field_text.insert("S05".into(), "约30".into());
    f.field_text.insert("W03".into(), "不详".into());
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(template::file_name(region, q));
    template::write(&path, &scheme, Some(region), Some(q), Some(&f)).unwrap();

    let mut book = open_workbook_auto(&path).unwrap();
    let summary = book.worksheet_range("汇总指标").unwrap();
    assert_eq!(
        at(&summary, row_of(&summary, "S05"), 3),
        Data::String("约30".into())
    );
    assert_eq!(at(&summary, row_of(&summary, "S01"), 3), Data::Float(12.0));
    let work = book.worksheet_range("工作情况").unwrap();
    assert_eq!(
        at(&work, row_of(&work, "W03"), 2),
        Data::String("不详".into())
    );
}

/// For each cell style (cellXfs, in order): whether it is unlocked (protection locked="0").
fn unlocked_styles(parts: &[(String, Vec<u8>)]) -> Vec<bool> {
    let styles = part_text(parts, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    xfs.split("<xf ")
        .skip(1)
        .map(|xf| {
            let end = xf.find("</xf>").or_else(|| xf.find("/>")).unwrap();
            xf[..end].contains(r#"locked="0""#)
        })
        .collect()
}

/// The style index (`s`) of a cell in a sheet's XML; 0 when the cell has none.
fn style_of(xml: &str, cell: &str) -> usize {
    let at = xml
        .find(&format!(r#"<c r="{cell}""#))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let c = &xml[at..at + xml[at..].find('>').unwrap()];
    match c.find(r#" s=""#) {
        Some(i) => {
            let v = &c[i + 4..];
            v[..v.find('"').unwrap()].parse().unwrap()
        }
        None => 0,
    }
}

/// The `<dataValidation …>…</dataValidation>` of a sheet whose sqref is exactly `sqref`.
fn validation_at<'a>(xml: &'a str, sqref: &str) -> &'a str {
    let key = format!(r#"sqref="{sqref}""#);
    xml.split("<dataValidation ")
        .skip(1)
        .map(|v| &v[..v.find("</dataValidation>").unwrap()])
        .find(|v| v.contains(&key))
        .unwrap_or_else(|| panic!("no validation over {sqref}"))
}

/// 广州市's template for 2025Q4, unfilled, and its zip parts.
fn region_parts() -> (Scheme, Parts) {
    let scheme = Scheme::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    let region = registry.get("440100").unwrap();
    let q: Quarter = "2025Q4".parse().unwrap();
    let bytes = template::build(&scheme, Some(region), Some(q), None)
        .unwrap()
        .save_to_buffer()
        .unwrap();
    (scheme, parts(&bytes))
}

/// The page header and footer of a sheet, as stored (`&` escaped as `&amp;`).
fn header_footer(xml: &str) -> Option<&str> {
    let at = xml.find("<headerFooter")?;
    Some(&xml[at..at + xml[at..].find("</headerFooter>").unwrap()])
}

/// Issue 12: every visible sheet prints the region, the sheet and the quarter at the top and the
/// page number at the bottom; the hidden `_meta` prints nothing.
#[test]
fn every_visible_sheet_prints_region_and_quarter() {
    let (scheme, parts) = region_parts();
    let names = template::sheet_names(&scheme);
    for (i, name) in names.iter().enumerate() {
        let xml = part_text(&parts, &format!("xl/worksheets/sheet{}.xml", i + 1));
        let hf = header_footer(&xml);
        if name.starts_with('_') {
            assert_eq!(hf, None, "{name}");
            continue;
        }
        let hf = hf.unwrap_or_else(|| panic!("{name} has no page header"));
        let header = format!(
            "<oddHeader>&amp;L广州市（440100）&amp;C&amp;\"-,Bold\"{name}&amp;R2025年第四季度</oddHeader>"
        );
        assert!(hf.contains(&header), "{name}: {hf}");
        assert!(
            hf.contains("<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"),
            "{name}: {hf}"
        );
    }
    // The generic blank leaves the region and the quarter to be written in by hand.
    let (_, _, blank) = blank();
    let xml = part_text(&blank, "xl/worksheets/sheet3.xml");
    assert!(
        header_footer(&xml).unwrap().contains(
            "<oddHeader>&amp;L地区：__________&amp;C&amp;\"-,Bold\"汇总指标&amp;R季度：__________</oddHeader>"
        ),
        "{xml}"
    );
}

/// Issue 12: 基本情况 ends with 审核人 and 单位负责人 as unlocked input cells (after the rows
/// ingest reads, which keep their places) and a remark for the printout.
#[test]
fn basic_sheet_has_sign_off_rows_to_fill() {
    let (_, bytes, parts) = blank();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("blank.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let mut book = open_workbook_auto(&path).unwrap();
    let basic = book.worksheet_range("基本情况").unwrap();
    let labels: Vec<Data> = (1..=9).map(|r| at(&basic, r, 0)).collect();
    let expected: Vec<Data> = [
        "区划代码",
        "地区名称",
        "季度",
        "填报人",
        "联系电话",
        "填报日期",
        "审核人",
        "单位负责人",
    ]
    .iter()
    .map(|s| Data::String(s.to_string()))
    .collect();
    assert_eq!(labels[..8], expected[..]);
    assert!(
        matches!(&labels[8], Data::String(s) if s.contains("签字") && s.contains("公章")),
        "{:?}",
        labels[8]
    );
    let unlocked = unlocked_styles(&parts);
    let xml = part_text(&parts, "xl/worksheets/sheet2.xml");
    for cell in ["B8", "B9"] {
        assert!(unlocked[style_of(&xml, cell)], "基本情况!{cell} is locked");
    }
    for cell in ["A8", "A9", "A10"] {
        assert!(
            !unlocked[style_of(&xml, cell)],
            "基本情况!{cell} is unlocked"
        );
    }
    assert_eq!(
        style_of(&xml, "B8"),
        style_of(&xml, "B5"),
        "填报人 and 审核人 differ"
    );
}

/// Issue 12: number inputs say what to enter, with the field's unit, when selected.
#[test]
fn number_inputs_prompt_what_to_enter() {
    let (scheme, _, parts) = blank();
    let summary = part_text(&parts, "xl/worksheets/sheet3.xml");
    // S01 in row 2, S03 (万元) in row 4.
    let s01 = validation_at(&summary, "D2");
    assert!(s01.contains(r#"type="whole""#), "{s01}");
    assert!(
        s01.contains(r#"promptTitle="填写整数" prompt="请填写非负整数（单位：件），如无请填0。""#),
        "{s01}"
    );
    let s03 = validation_at(&summary, "D4");
    assert!(s03.contains(r#"type="decimal""#), "{s03}");
    assert!(
        s03.contains(
            r#"promptTitle="填写数值" prompt="请填写非负数，可有小数（单位：万元），如无请填0。""#
        ),
        "{s03}"
    );
    // Every input cell of 汇总指标 and 工作情况 has a prompt.
    let work = part_text(&parts, "xl/worksheets/sheet4.xml");
    for (xml, col, defs) in [
        (&summary, 'D', &scheme.fields),
        (&work, 'C', &scheme.work_items),
    ] {
        for (i, def) in defs.iter().enumerate() {
            let v = validation_at(xml, &format!("{col}{}", i + 2));
            assert!(v.contains(r#"showInputMessage="1""#), "{}: {v}", def.code);
            assert!(v.contains(r#" prompt="请"#), "{}: {v}", def.code);
        }
    }
    let w01 = validation_at(&work, &format!("C{}", row_in(&scheme.work_items, "W01")));
    assert!(w01.contains(r#"promptTitle="选择是或否""#), "{w01}");
    // A ledger number column takes its unit from the header: 销毁台账 重量（千克） is column E.
    let last = scheme.ledger_rows + 1;
    let destroy = part_text(&parts, "xl/worksheets/sheet7.xml");
    let weight = validation_at(&destroy, &format!("E2:E{last}"));
    assert!(
        weight.contains(r#"prompt="请填写非负数，可有小数（单位：千克）。""#),
        "{weight}"
    );
}

/// The 1-based row of a field or work item on its sheet.
fn row_in(defs: &[kaoping::scheme::FieldDef], code: &str) -> usize {
    defs.iter().position(|d| d.code == code).unwrap() + 2
}

/// Issue 12: a part may not exceed its whole (`le` in the scheme). The part's one validation
/// holds both its own check and the comparison with the whole's cell; a blank whole (or one
/// that is not a number) does not make the part invalid.
#[test]
fn parts_are_validated_against_their_whole() {
    let (scheme, _, parts) = blank();
    let summary = part_text(&parts, "xl/worksheets/sheet3.xml");
    let s02 = validation_at(&summary, "D3");
    assert!(s02.contains(r#"type="custom" allowBlank="1""#), "{s02}");
    assert!(
        s02.contains(
            "<formula1>AND(ISNUMBER(D3),D3&gt;=0,D3=INT(D3),OR(NOT(ISNUMBER(D2)),D3&lt;=D2))</formula1>"
        ),
        "{s02}"
    );
    assert!(
        s02.contains(
            r#"error="S02（其中：货值在大案标准以上的案件数）应填非负整数，且不能大于S01（侵权假冒行政处罚案件数）。""#
        ),
        "{s02}"
    );
    assert!(s02.contains("不得大于S01"), "{s02}");
    // Every field with a whole, by the rows the generator writes (S31 ≤ S30 among them).
    let mut checked = 0;
    for def in &scheme.fields {
        let Some(le) = &def.le else { continue };
        let (x, y) = (
            format!("D{}", row_in(&scheme.fields, &def.code)),
            format!("D{}", row_in(&scheme.fields, le)),
        );
        let v = validation_at(&summary, &x);
        let compare = format!("OR(NOT(ISNUMBER({y})),{x}&lt;={y})");
        assert!(v.contains(&compare), "{}: {v}", def.code);
        assert!(v.contains(&format!("不能大于{le}（")), "{}: {v}", def.code);
        checked += 1;
    }
    assert_eq!(
        checked, 16,
        "the built-in scheme has 16 fields with a whole"
    );
    let (s31, s30) = ("D23", "D22");
    assert_eq!(
        (row_in(&scheme.fields, "S31"), row_in(&scheme.fields, "S30")),
        (23, 22)
    );
    let v = validation_at(&summary, s31);
    assert!(
        v.contains(&format!(
            "<formula1>AND(ISNUMBER({s31}),{s31}&gt;=0,{s31}=INT({s31}),\
             OR(NOT(ISNUMBER({s30})),{s31}&lt;={s30}))</formula1>"
        )),
        "{v}"
    );
    // A field without a whole keeps its plain whole-number validation.
    let s30v = validation_at(&summary, s30);
    assert!(s30v.contains(r#"type="whole""#), "{s30v}");
}

/// Issue 12's lean template: a ledger sheet holds its header row and nothing else; every input
/// column is formatted and unlocked as a whole (`<col style>` of an unlocked format) and
/// validated over rows 2..=ledger_rows+1, so an empty row looks, locks and validates as before
/// without 1,000 pre-formatted empty cells per column.
#[test]
fn ledger_sheets_are_formatted_by_column_not_by_empty_cell() {
    let (scheme, _, parts) = blank();
    let text = |name: &str| part_text(&parts, name);
    let unlocked = unlocked_styles(&parts);
    // Sheets 1–4 are 填报说明, 基本情况, 汇总指标, 工作情况; the ledgers follow in scheme order.
    let last = scheme.ledger_rows + 1;
    for (i, def) in scheme.ledgers.iter().enumerate() {
        let xml = text(&format!("xl/worksheets/sheet{}.xml", i + 5));
        assert_eq!(
            xml.matches("<c ").count(),
            def.columns.len(),
            "{}: only the header row has cells",
            def.sheet
        );
        let cols = &xml[xml.find("<cols>").unwrap()..xml.find("</cols>").unwrap()];
        let mut covered = 0;
        for col in cols.split("<col ").skip(1) {
            let attr = |name: &str| -> usize {
                let at = col.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                col[at..at + col[at..].find('"').unwrap()].parse().unwrap()
            };
            let style = attr("style");
            assert!(
                unlocked[style],
                "{}: column style {style} is locked",
                def.sheet
            );
            covered += attr("max") - attr("min") + 1;
        }
        assert_eq!(covered, def.columns.len(), "{}", def.sheet);
        for (c, col) in def.columns.iter().enumerate() {
            let letter = (b'A' + c as u8) as char;
            let range = format!(r#"sqref="{letter}2:{letter}{last}""#);
            if matches!(col.kind, kaoping::scheme::ValueKind::Text) && col.max.is_none() {
                continue;
            }
            assert!(
                xml.contains(&range),
                "{}: {} not validated over {range}",
                def.sheet,
                col.name
            );
        }
    }
}

/// The width rust_xlsxwriter records for a 1-based column of a sheet's XML.
fn column_width(xml: &str, col: u32) -> f64 {
    let tag = format!(r#"<col min="{col}" max="{col}" width=""#);
    let at = xml
        .find(&tag)
        .unwrap_or_else(|| panic!("no width for column {col}"))
        + tag.len();
    xml[at..].split('"').next().unwrap().parse().unwrap()
}

/// Regression (seen on the rendered 信息公开台账 of a filled sample): case numbers and URLs were
/// cut at the header's width. A key text column is at least 24 wide; a column is as wide as the
/// text filled into it, up to 40.
#[test]
fn ledger_columns_are_wide_enough_for_case_numbers_and_filled_text() {
    let (_, _, blank) = blank();
    let disclosure = part_text(&blank, "xl/worksheets/sheet6.xml");
    assert!(column_width(&disclosure, 1) >= 24.0, "{disclosure}");
    let scheme = Scheme::builtin().unwrap();
    let mut f = Filled::default();
    let url = "https://www.gsxt.gov.cn/440100-2025Q4-C00001";
    f.ledgers.insert(
        "disclosure".to_string(),
        vec![vec![
            Cell::Text("440100-2025Q4-C00001".into()),
            Cell::Date(d(2025, 12, 25)),
            Cell::Date(d(2025, 12, 30)),
            Cell::Text(url.into()),
        ]],
    );
    let bytes = template::build(&scheme, None, None, Some(&f))
        .unwrap()
        .save_to_buffer()
        .unwrap();
    let filled = part_text(&parts(&bytes), "xl/worksheets/sheet6.xml");
    let blank_url = column_width(&disclosure, 4);
    let filled_url = column_width(&filled, 4);
    assert!(blank_url < 20.0, "{blank_url}");
    assert!(filled_url >= 40.0, "{filled_url}");
}

/// Issue 23, item 4: `template` also writes the blank 省级评定 the office fills, with the exact
/// headers the engine reads, one row per region (nothing found: 0 and 否), which reads back with
/// no problem and scores; a filled one is not replaced.
#[test]
fn the_blank_province_form_reads_back_with_every_region() {
    use kaoping::ingest::province;
    let tmp = tempfile::tempdir().unwrap();
    let o = crate::util::kaoping(
        tmp.path(),
        &["template", "--quarter", "2025Q4", "--out", "模板"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("21个地区"));
    let path = tmp.path().join("模板/省级评定.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let scheme = Scheme::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    let (data, problems) = province::parse("省级评定.xlsx", &bytes, &scheme, &registry);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(data.rows.len(), registry.regions.len());
    assert_eq!(data.cell("445300", "一票否决"), &Cell::YesNo(false));
    assert_eq!(data.cell("445300", "国家通报批评次数"), &Cell::Number(0.0));
    assert_eq!(data.cell("445300", "群众满意度"), &Cell::Empty);
    // Its 是/否 columns have drop-downs.
    let sheet = parts(&bytes)
        .into_iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .unwrap()
        .1;
    let xml = String::from_utf8(sheet).unwrap();
    assert!(
        xml.contains("<dataValidations") && xml.contains("\"是,否\""),
        "{xml}"
    );
    // Filled in (here: another file in its place), it is not replaced.
    std::fs::write(&path, b"filled by the office").unwrap();
    let o = crate::util::kaoping(
        tmp.path(),
        &["template", "--quarter", "2025Q4", "--out", "模板"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&path).unwrap(), b"filled by the office");
}
