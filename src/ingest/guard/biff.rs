//! Guard for the BIFF records of an `.xls` workbook stream. calamine parses every sheet when it
//! opens the file: it reserves room for the cells a sheet's DIMENSIONS record claims, and builds
//! each sheet as a full grid from A1-relative bounds of its cells (`Range::from_sparse`). A
//! record claiming 4 billion rows, or one cell at column 65,536, makes it abort the process. This
//! pass walks the records as calamine does (xls.rs: the sheets' offsets from BoundSheet8
//! records, CONTINUE records joined, embedded substreams skipped) and measures both first.

use super::super::workbook::Limits;
use super::Refusal;

struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    /// The CONTINUE records' data after it.
    cont: Vec<&'a [u8]>,
}

/// calamine's record iterator: a record and the CONTINUE records after it; `None` at the end or
/// where calamine would stop with an error.
fn records(stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    let mut s = stream;
    std::iter::from_fn(move || {
        if s.len() < 4 {
            return None;
        }
        let typ = u16::from_le_bytes([s[0], s[1]]);
        let len = u16::from_le_bytes([s[2], s[3]]) as usize;
        if s.len() < len + 4 {
            return None;
        }
        let data = &s[4..4 + len];
        s = &s[4 + len..];
        let mut cont = Vec::new();
        while s.len() > 4 && u16::from_le_bytes([s[0], s[1]]) == 0x003C {
            let l = u16::from_le_bytes([s[2], s[3]]) as usize;
            if s.len() < l + 4 {
                return None;
            }
            cont.push(&s[4..4 + l]);
            s = &s[l + 4..];
        }
        Some(Record { typ, data, cont })
    })
}

fn u16_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]) as u32)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Checks every sheet of the workbook stream.
pub fn check(stream: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let mut sheets = Vec::new();
    let mut sst: Vec<u64> = Vec::new();
    for r in records(stream) {
        match r.typ {
            // FilePass: calamine refuses the file as encrypted before any sheet.
            0x002F if u16_at(r.data, 0) != 0 => return Ok(()),
            0x0085 if r.data.len() >= 6 => sheets.push(u32_at(r.data, 0) as usize),
            0x00FC => match sst_lengths(r) {
                Some(l) => sst = l,
                // calamine refuses the file at its shared strings, before any sheet.
                None => return Ok(()),
            },
            0x000A => break,
            _ => {}
        }
    }
    let mut text = 0u64;
    // calamine builds every sheet at open: the grids add up.
    let mut cells = 0u64;
    for (k, pos) in sheets.into_iter().enumerate() {
        let Some(sheet) = stream.get(pos..) else {
            continue;
        };
        let (t, c) = sheet_check(sheet, k + 1, &sst, limits)?;
        text = text.saturating_add(t);
        cells = cells.saturating_add(c);
        if cells > limits.grid_cells as u64 {
            return Err(Refusal::Hostile(format!(
                "各工作表的数据区域合计达{cells}个单元格，超过上限{}，疑似恶意构造，拒绝读取",
                limits.grid_cells
            )));
        }
        if text > limits.text_bytes {
            return Err(Refusal::Hostile(format!(
                "工作表中的文本总量（共享字符串被各单元格引用后）超过上限{}，疑似恶意构造，拒绝读取",
                super::super::workbook::human(limits.text_bytes)
            )));
        }
    }
    Ok(())
}

/// The characters of each shared string, read as calamine reads them (xls.rs `parse_sst`,
/// `read_rich_extended_string`, `read_dbcs`: a string may continue in the next CONTINUE record,
/// which starts with a new flags byte); `None` where calamine fails.
fn sst_lengths(r: Record<'_>) -> Option<Vec<u64>> {
    let mut data = r.data.get(8..)?;
    let mut cont = r.cont.into_iter();
    let mut out = Vec::new();
    // Skips `n` bytes across records.
    fn skip<'a>(
        data: &mut &'a [u8],
        cont: &mut impl Iterator<Item = &'a [u8]>,
        mut n: usize,
    ) -> Option<()> {
        while n > 0 {
            if data.is_empty() {
                *data = cont.next()?;
            }
            let l = n.min(data.len());
            *data = &data[l..];
            n -= l;
        }
        Some(())
    }
    loop {
        if data.is_empty() {
            match cont.next() {
                Some(c) => data = c,
                None => return Some(out),
            }
            if data.is_empty() {
                out.push(0);
                continue;
            }
        }
        if data.len() < 3 {
            return None;
        }
        let mut left = u16_at(data, 0) as usize;
        let flags = data[2];
        data = &data[3..];
        let mut high = flags & 1 != 0;
        let mut runs = 0;
        let mut ext = 0;
        if flags & 0x8 != 0 {
            runs = u16_at(data, 0) as usize;
            data = data.get(2..)?;
        }
        if flags & 0x4 != 0 {
            ext = u32_at(data, 0) as i32 as isize as usize;
            data = data.get(4..)?;
        }
        let mut chars = 0u64;
        while left > 0 {
            let l = if high { data.len() / 2 } else { data.len() }.min(left);
            data = &data[if high { 2 * l } else { l }..];
            left -= l;
            chars += l as u64;
            if left > 0 {
                data = cont.next()?;
                high = *data.first()? & 1 != 0;
                data = &data[1..];
            }
        }
        out.push(chars);
        skip(&mut data, &mut cont, runs * 4)?;
        skip(&mut data, &mut cont, ext)?;
    }
}

/// Bounds of the cells seen so far.
#[derive(Default)]
struct Bounds {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Bounds {
    fn add(&mut self, row: u32, col: u32) {
        let (r0, r1) = self.rows.unwrap_or((row, row));
        self.rows = Some((r0.min(row), r1.max(row)));
        let (c0, c1) = self.cols.unwrap_or((col, col));
        self.cols = Some((c0.min(col), c1.max(col)));
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1),
            _ => 0,
        }
    }
}

/// Checks one sheet; returns the bytes of text calamine makes for its cells (at most 3 bytes of
/// UTF-8 per character read) and the cells of its grid.
fn sheet_check(
    sheet: &[u8],
    n: usize,
    sst: &[u64],
    limits: &Limits,
) -> Result<(u64, u64), Refusal> {
    let refuse = |what: String| {
        Err(Refusal::Hostile(format!(
            "第{n}个工作表{what}，疑似恶意构造，拒绝读取"
        )))
    };
    let mut bounds = Bounds::default();
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut formula_pos = (0, 0);
    let mut text = 0u64;
    for r in records(sheet) {
        if depth > 0 {
            match r.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let d = r.data;
        match r.typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => {
                let claimed = dimensions(d);
                if claimed > limits.grid_cells as u64 {
                    return refuse(format!(
                        "的尺寸记录声明{claimed}个单元格，超过上限{}",
                        limits.grid_cells
                    ));
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if d.len() >= 4 => {
                bounds.add(u16_at(d, 0), u16_at(d, 2));
                text = text.saturating_add(match r.typ {
                    0x00FD => 3 * sst.get(u32_at(d, 6) as usize).copied().unwrap_or(0),
                    0x0204 | 0x00D6 => 3 * d.len() as u64,
                    _ => 0,
                });
            }
            0x0006 if d.len() >= 4 => {
                formula_pos = (u16_at(d, 0), u16_at(d, 2));
                bounds.add(formula_pos.0, formula_pos.1);
            }
            0x0207 => {
                bounds.add(formula_pos.0, formula_pos.1);
                text = text.saturating_add(3 * d.len() as u64);
            }
            // MulRk: row, first column, …, last column.
            0x00BD if d.len() >= 6 => {
                let row = u16_at(d, 0);
                bounds.add(row, u16_at(d, 2));
                bounds.add(row, u16_at(d, d.len() - 2));
            }
            _ => {}
        }
    }
    if let Some((_, last)) = bounds.rows {
        if last >= limits.rows {
            return refuse(format!(
                "第{}行有数据，超过行数上限{}",
                u64::from(last) + 1,
                limits.rows
            ));
        }
    }
    if bounds.cells() > limits.grid_cells as u64 {
        return refuse(format!(
            "的数据区域达{}个单元格，超过上限{}",
            bounds.cells(),
            limits.grid_cells
        ));
    }
    Ok((text, bounds.cells()))
}

/// The number of cells calamine reserves for a DIMENSIONS record (xls.rs `parse_dimensions`,
/// with its wrapping arithmetic); 0 where calamine would refuse the record.
fn dimensions(r: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(r, 0), u16_at(r, 2), u16_at(r, 4), u16_at(r, 6)),
        14 | 16 => (u32_at(r, 0), u32_at(r, 4), u16_at(r, 8), u16_at(r, 10)),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = end.0.wrapping_sub(start.0).wrapping_add(1) as u64;
    let cols = end.1.wrapping_sub(start.1).wrapping_add(1) as u64;
    rows.saturating_mul(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    fn book(sheet: Vec<u8>) -> Vec<u8> {
        let mut globals = rec(0x0809, &[0; 16]);
        let bound_len = 4 + 8; // the BoundSheet8 record below
        let eof_len = 4;
        let pos = (globals.len() + bound_len + eof_len) as u32;
        let mut bs = pos.to_le_bytes().to_vec();
        bs.extend([0, 0, 1, 0]);
        globals.extend(rec(0x0085, &bs));
        globals.extend(rec(0x000A, &[]));
        globals.extend(sheet);
        globals
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        rec(0x0203, &d)
    }

    #[test]
    fn measures_claimed_and_real_extent() {
        let l = Limits::default();
        let mut ok = rec(0x0809, &[0; 16]);
        ok.extend(number(0, 0));
        ok.extend(number(999, 11));
        ok.extend(rec(0x000A, &[]));
        assert_eq!(check(&book(ok), &l), Ok(()));

        let mut far = rec(0x0809, &[0; 16]);
        far.extend(number(0, 0));
        far.extend(number(0xFFFF, 0xFFFF));
        far.extend(rec(0x000A, &[]));
        let far = check(&book(far), &l).unwrap_err();
        assert!(
            matches!(&far, Refusal::Hostile(m) if m.contains("4294967296")),
            "{far:?}"
        );

        let mut dims = rec(0x0809, &[0; 16]);
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend(u32::MAX.to_le_bytes());
        d.extend([0, 0, 0xFF, 0xFF, 0, 0]);
        dims.extend(rec(0x0200, &d));
        dims.extend(rec(0x000A, &[]));
        assert!(check(&book(dims), &l)
            .unwrap_err()
            .to_string()
            .contains("尺寸记录"));
    }

    #[test]
    fn counts_shared_strings_per_referencing_cell() {
        // One 8,000-character string (split over a CONTINUE record), referenced by 5,000 cells:
        // 120 MB of text.
        let mut sst = vec![0u8; 8];
        sst.extend(8000u16.to_le_bytes());
        sst.push(0);
        sst.extend(vec![b'x'; 5000]);
        let mut cont = vec![0u8];
        cont.extend(vec![b'x'; 3000]);
        let r = Record {
            typ: 0x00FC,
            data: &sst,
            cont: vec![&cont],
        };
        assert_eq!(sst_lengths(r), Some(vec![8000]));
        let mut globals = rec(0x0809, &[0; 16]);
        globals.extend(rec(0x00FC, &sst));
        globals.extend(rec(0x003C, &cont));
        let pos = (globals.len() + 12 + 4) as u32;
        let mut bs = pos.to_le_bytes().to_vec();
        bs.extend([0, 0, 1, 0]);
        globals.extend(rec(0x0085, &bs));
        globals.extend(rec(0x000A, &[]));
        globals.extend(rec(0x0809, &[0; 16]));
        for i in 0..5000u16 {
            let mut d = (i / 10).to_le_bytes().to_vec();
            d.extend((i % 10).to_le_bytes());
            d.extend([0, 0, 0, 0, 0, 0]);
            globals.extend(rec(0x00FD, &d));
        }
        globals.extend(rec(0x000A, &[]));
        let l = Limits::default();
        assert!(check(&globals, &l)
            .unwrap_err()
            .to_string()
            .contains("文本总量"));
    }
}
