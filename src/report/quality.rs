//! 数据质量: every problem ingest found, with file, sheet, cell and a plain message (errors
//! first), then every region that was not scored: 未报送, or 数据有误，退回修改.

use super::style::Fill;
use super::{Assessment, Regions};
use crate::problem::{Problem, Severity};
use crate::record::Status;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::HashMap;

pub(super) const NAME: &str = "数据质量";

const HEADERS: [&str; 6] = ["级别", "地区", "文件", "工作表", "单元格", "问题说明"];

const HEADER_ROW: u32 = super::TABLE_HEADER_ROW;
const LAST_COL: u16 = HEADERS.len() as u16 - 1;
const MESSAGE_WIDTH: f64 = 56.0;
const FILE_WIDTH: f64 = 24.0;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let mut g = a.table_grid(NAME, &HEADERS, 40.0, &[(2, FILE_WIDTH), (5, MESSAGE_WIDTH)]);
    let mut problems: Vec<&Problem> = a.problems.iter().collect();
    // Errors first; otherwise the order ingest gave (stable sort).
    problems.sort_by_key(|p| p.severity);
    let regions = Regions::new(&a.regions);
    let mut file_region: HashMap<&str, &str> = HashMap::new();
    for f in &a.files {
        if let Some(code) = &f.region_code {
            file_region.entry(f.file.as_str()).or_insert(code.as_str());
        }
    }
    let mut row = HEADER_ROW + 1;
    for p in problems {
        let level_fill = match p.severity {
            Severity::Error => Fill::Red,
            Severity::Warning => Fill::PaleYellow,
        };
        g.text(row, 0, p.severity.label(), level_fill);
        // The region ingest named, or else the one the file belongs to.
        let code = p
            .region
            .as_deref()
            .or_else(|| file_region.get(p.source.file.as_str()).copied());
        let region = code.map(|c| regions.label(c)).unwrap_or_default();
        g.text(row, 1, &region, Fill::None);
        g.text(row, 2, &p.source.file, Fill::None);
        g.text(row, 3, &p.source.sheet, Fill::None);
        g.text(row, 4, &p.source.cell, Fill::None);
        g.text(row, 5, &p.message, Fill::None);
        row += 1;
    }
    for r in a.regions.iter().filter(|r| !r.is_scored()) {
        let message = match r.status {
            Status::Missing => "未报送：本季度未收到该地区的有效填报文件，不参与评分".to_string(),
            Status::Unreadable => format!(
                "{}：已收到该地区的文件{}，但无法读取（原因见上列错误），未予评分，请按要求另存后重新报送",
                r.status.label(),
                r.file.as_deref().unwrap_or("")
            ),
            _ => format!(
                "{}：填报文件有错误，未予评分，请按上列错误修改后重新报送",
                r.status.label()
            ),
        };
        g.text(row, 0, Severity::Error.label(), Fill::Red);
        g.text(row, 1, &format!("{} {}", r.code, r.name), Fill::None);
        g.text(row, 2, r.file.as_deref().unwrap_or(""), Fill::None);
        g.blank(row, 3, Fill::None);
        g.blank(row, 4, Fill::None);
        g.text(row, 5, &message, Fill::None);
        row += 1;
    }
    let last_row = row.saturating_sub(1);
    row += 1;
    g.para(
        row,
        0,
        LAST_COL,
        "级别：“错误”（红色）使该份报送不能评分，须修改后重新报送；“警告”（浅黄色）照常评分，请核实。单元格为报送文件中的位置。",
    );
    let mut page = a.table_page(HEADER_ROW, last_row, LAST_COL, 0);
    page.print_area = Some((row, LAST_COL));
    g.render(ws, &page)
}
