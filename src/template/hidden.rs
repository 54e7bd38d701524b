//! The hidden sheets: `_meta` (what the template was made from, read back by ingest) and
//! `_lists` (the long drop-down lists).

use super::styles::{fit, header, Formats};
use super::validation::Lists;
use super::{OnSheet, TemplateError};
use crate::contract::{MetaKey, LISTS_SHEET, META_HEADER, META_SHEET};
use crate::quarter::Quarter;
use crate::registry::Region;
use crate::scheme::Scheme;
use rust_xlsxwriter::Worksheet;

/// `_meta` (hidden): `key | value`.
pub(super) fn meta(
    ws: &mut Worksheet,
    scheme: &Scheme,
    hash: &str,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = META_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &META_HEADER, f)?;
    let rows = [
        (MetaKey::SchemeId, scheme.id.clone()),
        (MetaKey::SchemeVersion, scheme.version.clone()),
        (MetaKey::TemplateHash, hash.to_string()),
        (
            MetaKey::RegionCode,
            region.map(|r| r.code.clone()).unwrap_or_default(),
        ),
        (
            MetaKey::Quarter,
            quarter.map(|q| q.to_string()).unwrap_or_default(),
        ),
        (
            MetaKey::Contract,
            crate::fingerprint::contract_fingerprint(scheme),
        ),
    ];
    for (i, (key, value)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, key.key(), &f.hidden)
            .on(S)?;
        if !value.is_empty() {
            ws.write_string_with_format(r, 1, value, &f.hidden).on(S)?;
        }
    }
    ws.set_column_width(0, 18).on(S)?;
    ws.set_column_width(1, 24).on(S)?;
    ws.set_hidden(true);
    ws.protect();
    Ok(())
}

/// `_lists` (hidden): one column per long drop-down list, header in row 1.
pub(super) fn list_sheet(
    ws: &mut Worksheet,
    lists: &Lists,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = LISTS_SHEET;
    ws.set_name(S).on(S)?;
    for (c, l) in lists.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, &l.header, &f.hidden)
            .on(S)?;
        for (r, choice) in l.choices.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write_string_with_format(r, c, choice, &f.hidden).on(S)?;
        }
        let width = fit(
            l.choices
                .iter()
                .map(String::as_str)
                .chain([l.header.as_str()]),
            8.0,
            60.0,
        );
        ws.set_column_width(c, width).on(S)?;
    }
    ws.set_hidden(true);
    ws.protect();
    Ok(())
}
