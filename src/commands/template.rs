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
        "已为{}个地区生成{}填报模板（指标体系{} 版本{}），保存在 {}",
        paths.len(),
        quarter,
        setup.scheme.id,
        setup.scheme.version,
        out.display()
    );
    Ok(Exit::Ok)
}
