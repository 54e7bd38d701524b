//! The annual 反馈单: one workbook per region telling its year — the result, each quarter with
//! what it counted for, the annual items, the measure and why — with the annual workbook's
//! figures. Written all or nothing (a staging folder moved in when every form is made).

use super::annual::AnnualReport;
use super::style::{Fill, Grid, Kind, Page, Tone};
use super::ReportError;
use crate::annual::AnnualResult;
use crate::flag::Measure;
use std::path::{Path, PathBuf};

const NAME: &str = "年度反馈单";
const LAST_COL: u16 = 6;

/// `440100_广州市_2025年度_反馈单.xlsx`.
pub fn file_name(a: &AnnualResult, year: i32) -> String {
    format!("{}_{}_{year}年度_反馈单.xlsx", a.code, a.name)
}

/// Writes every region's annual 反馈单 into `dir`; the files, in printed order.
///
/// # Errors
///
/// The first form that could not be made or saved, or a folder that cannot be written.
pub fn write_all(r: &AnnualReport, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let write_err = |path: &Path, source: std::io::Error| {
        ReportError::Output(crate::output::OutputError::Write {
            path: path.display().to_string(),
            source,
        })
    };
    std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
    let (staging, _cleanup) =
        crate::interrupt::staging_folder(dir).map_err(|e| write_err(dir, e))?;
    let mut made = Vec::new();
    for a in &r.year.regions {
        let name = file_name(a, r.year.year);
        let staged = staging.path().join(&name);
        let mut wb = crate::xlsx::workbook();
        super::add_sheet(&mut wb, NAME, |ws| form(ws, r, a))?;
        crate::output::save_workbook(&mut wb, &staged)?;
        made.push((staged, dir.join(name)));
    }
    let mut out = Vec::with_capacity(made.len());
    for (staged, path) in made {
        std::fs::rename(&staged, &path).map_err(|e| write_err(&path, e))?;
        out.push(path);
    }
    Ok(out)
}

fn form(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: &AnnualReport,
    a: &AnnualResult,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let s = r.scheme;
    let year = r.year.year;
    let mut g = Grid::new();
    let mut subtitle = format!(
        "指标体系：{}（版本{}）\n制表日期：{}",
        s.name,
        s.version,
        super::made_on(&r.run_time)
    );
    if let Some(w) = r.year.incomplete() {
        subtitle.push_str(&format!("\n【{w}：不是正式的年度结果】"));
    }
    g.title(
        &format!("{}{year}年度打击侵权假冒工作考核评价反馈单", a.name),
        &subtitle,
        LAST_COL,
    );
    for (c, w) in [12.0, 10.0, 8.0, 12.0, 10.0, 8.0, 10.0].iter().enumerate() {
        g.set_width(c as u16, *w);
    }
    g.set_fitting(false);
    let measure = r.year.flags.get(&a.code).and_then(|f| Measure::of(f));
    let mut row = super::TABLE_HEADER_ROW;
    g.section(row, "一、年度结果");
    row += 1;
    let scored = r.year.regions.iter().filter(|x| x.scored()).count();
    let place = if s.annual.publish_ranks && a.scored() {
        format!("第{}名（共{scored}个地区）", a.rank)
    } else {
        "排名不分前后".to_string()
    };
    let lines = [
        ("年度总分", format!("{}分", s.fixed(a.total))),
        ("名次", place),
        ("等次", a.grade.clone()),
        (
            "年度督办",
            measure
                .as_ref()
                .map_or_else(|| "无".to_string(), |m| m.measure.label.clone()),
        ),
    ];
    for (k, v) in lines {
        g.styled(row, 0, k, Kind::Label, Fill::None, Tone::Bold);
        g.styled_span(row, 1, LAST_COL, &v, Kind::Text, Fill::None);
        row += 1;
    }
    row += 1;
    g.section(row, "二、年度总分的构成");
    row += 1;
    let head = ["季度", "总分", "名次", "措施", "计入分", "权重", "折算分"];
    for (c, h) in head.iter().enumerate() {
        g.header_span(row, c as u16, 1, h);
    }
    row += 1;
    for p in &a.quarters {
        g.text(
            row,
            0,
            &format!("第{}季度", p.quarter.ordinal()),
            Fill::None,
        );
        match &p.record {
            Some(rec) if rec.scored() => {
                g.num(row, 1, rec.total, Kind::Score, Fill::None);
                g.num(row, 2, f64::from(rec.rank), Kind::Int, Fill::None);
                let fill = s
                    .measures
                    .iter()
                    .find(|m| m.label == p.measure)
                    .map_or(Fill::None, |m| Fill::for_measure(Some(m)));
                g.styled(row, 3, &p.measure, Kind::Label, fill, Tone::Normal);
            }
            _ => g.styled_span(row, 1, 3, p.state(), Kind::Label, Fill::Grey),
        }
        g.num(row, 4, p.counted, Kind::Score, Fill::None);
        g.num(row, 5, p.weight, Kind::Percent, Fill::None);
        g.num(row, 6, p.contribution, Kind::Score, Fill::None);
        row += 1;
    }
    for i in &a.items {
        g.text(row, 0, &i.label, Fill::None);
        g.styled_span(row, 1, 3, &i.reason, Kind::Text, Fill::None);
        g.num(row, 4, i.value, Kind::General, Fill::None);
        g.num(row, 5, i.weight, Kind::General, Fill::None);
        g.num(row, 6, i.contribution, Kind::Score, Fill::None);
        row += 1;
    }
    g.styled(row, 0, "年度总分", Kind::Text, Fill::None, Tone::Bold);
    let parts: Vec<String> = a
        .quarters
        .iter()
        .map(|p| s.fixed(p.contribution))
        .chain(a.items.iter().map(|i| s.fixed(i.contribution)))
        .collect();
    g.styled_span(
        row,
        1,
        5,
        &format!("{} =", parts.join(" + ")),
        Kind::Text,
        Fill::None,
    );
    g.num_toned(row, 6, a.total, Kind::Score, Fill::None, Tone::Bold);
    row += 2;
    g.section(row, "三、说明");
    row += 1;
    let mut notes = vec![format!(
        "年度总分 = {}；{}。",
        s.annual.describe(),
        s.annual.describe_missing()
    )];
    if let Some(d) = &a.downgrade {
        notes.push(format!("{d}。"));
    }
    for p in a.substituted() {
        let status = p.state();
        notes.push(format!(
            "{}{status}，{}。",
            p.quarter.label(),
            p.substituted.as_deref().unwrap_or("")
        ));
    }
    if let Some(m) = &measure {
        let by = m.deadline.map_or_else(String::new, |d| {
            format!("请于{}前书面报送整改情况。", d.format("%Y年%-m月%-d日"))
        });
        notes.push(format!("年度督办：{}。{by}", m.reason));
    }
    for n in notes {
        g.para(row, 0, LAST_COL, &n);
        row += 1;
    }
    row += 1;
    g.para_right(
        row,
        0,
        LAST_COL,
        &format!("{}　{}", s.office.name, super::made_on(&r.run_time)),
    );
    let page = Page {
        landscape: false,
        print_area: Some((row, LAST_COL)),
        ..Page::document(&s.office.name, &format!("{year}年度"))
    };
    g.render(ws, &page)
}
