//! `kaoping template`: one blank submission workbook per region.

use super::{load, Exit};
use crate::cli::SetupArgs;
use crate::pipeline::{self, Error};
use std::path::Path;

pub fn run(setup: &SetupArgs, quarter: &str, out: &Path) -> Result<Exit, Error> {
    let setup = load(setup)?;
    let quarter = quarter
        .parse()
        .map_err(|e: crate::quarter::QuarterError| Error::Usage(e.to_string()))?;
    let paths = pipeline::templates(&setup, quarter, out)?;
    say!(
        "已为{}个地区生成{}填报模板（指标体系{} 版本{}），并生成空白的{}（每个地区一行，由{}填写后放入报送文件夹），保存在 {}",
        paths.len().saturating_sub(1),
        quarter,
        setup.scheme.id,
        setup.scheme.version,
        crate::template::province::file_name(&setup.scheme),
        setup.scheme.office.short(),
        out.display()
    );
    Ok(Exit::Ok)
}
