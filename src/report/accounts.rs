//! 账号分发: the 收表 page's new accounts with their initial passwords, one row each, to print
//! and hand out (each region's row cut from the sheet). Written once, when the accounts are made.

use super::style::{Fill, Grid, Page};
use super::{ReportError, TABLE_HEADER_ROW};
use std::path::Path;

const SHEET: &str = "账号分发";

/// One account: (地区或用途, 账号, 角色, 初始密码).
pub type Row<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Writes the sheet to `path` (atomically).
///
/// # Errors
///
/// [`ReportError`] when the workbook cannot be made or saved.
pub fn write(path: &Path, office: &str, rows: &[Row]) -> Result<(), ReportError> {
    let mut wb = crate::xlsx::workbook();
    super::add_sheet(&mut wb, SHEET, |ws| {
        let mut g = Grid::new();
        g.title(
            &format!("{office}　收表页面账号分发"),
            "初始密码仅此一份：第一次登录须修改密码；连续输错10次账号锁定，由办公室解锁",
            3,
        );
        g.header(
            TABLE_HEADER_ROW,
            &["地区（用途）", "账号", "角色", "初始密码"],
            30.0,
        );
        let mut row = TABLE_HEADER_ROW + 1;
        for (name, login, role, password) in rows {
            g.text(row, 0, name, Fill::None);
            g.text(row, 1, login, Fill::None);
            g.text(row, 2, role, Fill::None);
            g.text(row, 3, password, Fill::None);
            row += 1;
        }
        let last = row.saturating_sub(1);
        let page = Page {
            landscape: false,
            ..Page::table(office, "账号", TABLE_HEADER_ROW, last, 3, 0)
        };
        g.render(ws, &page)
    })?;
    crate::output::save_workbook(&mut wb, path)?;
    Ok(())
}
