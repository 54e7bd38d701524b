//! TEMPORARY STUB (API only) — being replaced by the real template module.
use crate::ingest::Cell;
use crate::quarter::Quarter;
use crate::registry::Region;
use crate::scheme::Scheme;
use std::collections::BTreeMap;
use std::path::Path;
#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub filled_by: String,
    pub phone: String,
    pub filed_on: Option<chrono::NaiveDate>,
    pub fields: BTreeMap<String, f64>,
    pub field_text: BTreeMap<String, String>,
    pub ledgers: BTreeMap<String, Vec<Vec<Cell>>>,
}
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("stub")]
    Stub,
}
pub fn template_hash(_scheme: &Scheme) -> String {
    String::new()
}
pub fn write(
    _path: &Path,
    _scheme: &Scheme,
    _region: Option<&Region>,
    _quarter: Option<Quarter>,
    _filled: Option<&Filled>,
) -> Result<(), TemplateError> {
    Err(TemplateError::Stub)
}
pub fn file_name(region: &Region, quarter: Quarter) -> String {
    format!("{}_{}_{}.xlsx", region.code, region.name, quarter)
}
