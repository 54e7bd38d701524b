//! `kaoping samples`: synthetic filled submissions.

use super::Exit;
use crate::pipeline::{Error, Setup};
use crate::registry::Registry;
use crate::samples::{self, Plan, Writer};
use std::path::Path;

pub fn run(
    regions: usize,
    quarters: &str,
    seed: u64,
    max_rows: usize,
    out: &Path,
    registry: Option<&Path>,
    writer: Writer,
) -> Result<Exit, Error> {
    let setup = Setup::load(None, registry)?;
    let quarters =
        crate::quarter::parse_range(quarters).map_err(|e| Error::Usage(e.to_string()))?;
    if regions == 0 {
        return Err(Error::Usage("--regions 应至少为1".to_string()));
    }
    let registry: Registry = samples::registry(&setup.registry, regions, seed);
    let scripted = registry.regions.len() == Registry::builtin()?.regions.len()
        && registry.regions.iter().all(|r| r.code.starts_with("44"));
    let plan = Plan {
        quarters: quarters.clone(),
        seed,
        max_ledger_rows: max_rows,
        scripted,
        writer,
    };
    let n = samples::write(out, &setup.scheme, &registry, &setup.calendar, &plan)?;
    say!(
        "已生成{}个地区、{}个季度（{}至{}）的模拟报送共{}份，保存在 {}",
        registry.regions.len(),
        quarters.len(),
        quarters.first().map(|q| q.to_string()).unwrap_or_default(),
        quarters.last().map(|q| q.to_string()).unwrap_or_default(),
        n,
        out.display()
    );
    Ok(Exit::Ok)
}
