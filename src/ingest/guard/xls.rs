//! `.xls`: calamine reads every sheet when it opens a workbook. For each sheet it reserves room
//! for as many cells as the `DIMENSIONS` record claims (up to 2³² rows × 2¹⁶ columns: an 18-byte
//! record makes it ask for petabytes and abort), then builds a dense grid from the first to the
//! last cell it found (`Range::from_sparse`). Its compound-file reader follows sector chains
//! without noticing a loop, growing a buffer until the length a directory entry claims (or for
//! ever, for the directory itself).
//!
//! So the `Workbook` stream is taken out of the compound file here first, the way calamine's
//! cfb.rs does it (a port of its code, with loops refused), and its records are read the way
//! xls.rs `parse_workbook` does, counting the cells reserved and the grids' areas.

use crate::ingest::workbook::Limits;
use std::io::{Cursor, Read};

const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;

/// Why the compound file could not be followed: calamine fails on it too (an error or a caught
/// panic), or would loop.
#[derive(Debug)]
struct Broken;

/// Refuses an `.xls` that would make calamine reserve or build more cells than the limits allow,
/// or whose compound-file structure it cannot follow. A file that is not a compound file at all
/// passes: calamine says what it is not.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    if bytes.len() < 512 || &bytes[..8] != SIGNATURE {
        return Ok(());
    }
    let stream = workbook_stream(bytes).map_err(|_| {
        "xls文件结构损坏或不完整，请用Excel、WPS或LibreOffice另存后重新报送".to_string()
    })?;
    let cells = cells(&stream, limits);
    if cells > limits.cells_per_sheet as u64 {
        return Err(format!(
            "工作表的数据范围（含声明的范围）超过单元格数上限{}，拒绝读取；请删除多余的行列后另存重新报送",
            limits.cells_per_sheet
        ));
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// calamine's `to_u32`, which asserts a length divisible by 4.
fn to_u32(b: &[u8]) -> Result<impl Iterator<Item = u32> + '_, Broken> {
    if !b.len().is_multiple_of(4) {
        return Err(Broken);
    }
    Ok(b.chunks_exact(4).map(|c| u32_at(c, 0)))
}

/// calamine's `Sectors`: sectors are read from the file in order as they are first needed.
struct Sectors {
    data: Vec<u8>,
    size: usize,
    maxid: u32,
}

impl Sectors {
    fn get(&mut self, id: u32, r: &mut Cursor<&[u8]>) -> Result<&[u8], Broken> {
        if self.maxid < id {
            return Err(Broken);
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        if end > self.data.len() {
            let mut len = self.data.len();
            self.data.resize(end, 0);
            while len < end {
                let read = r.read(&mut self.data[len..end]).map_err(|_| Broken)?;
                if read == 0 {
                    // calamine slices `start..len`, which panics when start > len.
                    return self.data.get(start..len).ok_or(Broken);
                }
                len += read;
            }
        }
        Ok(&self.data[start..end])
    }

    /// A chain of sectors, up to `len` bytes. calamine has no bound on the number of steps; a
    /// chain that visits more sectors than the file has loops, and is refused.
    fn chain(
        &mut self,
        mut id: u32,
        fats: &[u32],
        r: &mut Cursor<&[u8]>,
        len: usize,
    ) -> Result<Vec<u8>, Broken> {
        let mut chain = Vec::new();
        let mut steps: u64 = 0;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.maxid as u64 + 1 {
                return Err(Broken);
            }
            let sector = self.get(id, r)?;
            let to_copy = sector.len().min(len - chain.len());
            chain.extend_from_slice(&sector[..to_copy]);
            if chain.len() >= len {
                break;
            }
            id = *fats.get(id as usize).ok_or(Broken)?;
        }
        Ok(chain)
    }
}

/// A directory entry: name, first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The `Workbook` (or `Book`) stream, as calamine's `Cfb::new` and `get_stream` find it.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Broken> {
    let mut r = Cursor::new(bytes);
    let mut head = [0u8; 512];
    r.read_exact(&mut head).map_err(|_| Broken)?;
    let version = u16_at(&head, 26);
    let large = match u16_at(&head, 30) {
        0x0009 => false,
        0x000C => {
            let mut rest = [0u8; 4096 - 512];
            r.read_exact(&mut rest).map_err(|_| Broken)?;
            true
        }
        _ => return Err(Broken),
    };
    if u16_at(&head, 32) != 0x0006 {
        return Err(Broken);
    }
    let size = if large { 4096 } else { 512 };
    let dir_start = u32_at(&head, 48);
    let mini_fat_start = u32_at(&head, 60);
    let mini_fat_len = u32_at(&head, 64) as usize;
    let difat_start = u32_at(&head, 68);
    let mut difat: Vec<u32> = to_u32(&head[76..512])?.collect();

    let maxid = bytes.len() / size;
    let mut sectors = Sectors {
        data: Vec::new(),
        size,
        maxid: maxid as u32,
    };
    let mut id = difat_start;
    let mut difat_sectors = 0usize;
    while id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > maxid.saturating_add(1) {
            return Err(Broken);
        }
        difat.extend(to_u32(sectors.get(id, &mut r)?)?);
        id = difat.pop().ok_or(Broken)?;
    }
    // calamine copies one sector into the FAT for every DIFAT entry, even a repeated one: more
    // FAT than file is no compound file that any program wrote.
    let fat_sectors = difat.iter().filter(|id| **id < DIFSECT).count();
    if fat_sectors.saturating_mul(size) > bytes.len() {
        return Err(Broken);
    }
    let mut fats = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        fats.extend(to_u32(sectors.get(id, &mut r)?)?);
    }

    let dirs = sectors.chain(dir_start, &fats, &mut r, usize::MAX)?;
    let dirs: Vec<Entry> = dirs
        .chunks_exact(128)
        .map(|c| {
            let mut name = encoding_rs::UTF_16LE.decode(&c[..64]).0.into_owned();
            if let Some(l) = name.as_bytes().iter().position(|b| *b == 0) {
                name.truncate(l);
            }
            let len = if large {
                u64::from_le_bytes(c[120..128].try_into().unwrap_or_default()) as usize
            } else {
                u32_at(c, 120) as usize
            };
            Entry {
                name,
                start: u32_at(c, 116),
                len,
            }
        })
        .collect();
    let Some(root) = dirs.first() else {
        return Err(Broken);
    };
    if version != 3 && root.start == ENDOFCHAIN {
        return Err(Broken);
    }
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let ministream = sectors.chain(root.start, &fats, &mut r, root.len)?;
        let minifat = sectors.chain(mini_fat_start, &fats, &mut r, mini_fat_len * size)?;
        let minifat: Vec<u32> = to_u32(&minifat)?.collect();
        (minifat, ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut minis = Sectors {
        data: ministream,
        size: 64,
        maxid: (maxid * 8) as u32,
    };
    let mut stream = |name: &str| -> Result<Vec<u8>, Broken> {
        let d = dirs
            .iter()
            .find(|d| d.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
            .ok_or(Broken)?;
        if d.len < 4096 {
            minis.chain(d.start, &mini_fats, &mut r, d.len)
        } else {
            sectors.chain(d.start, &fats, &mut r, d.len)
        }
    };
    let workbook = stream("Workbook");
    workbook.or_else(|_| stream("Book"))
}

/// calamine's `RecordIter`: records with their CONTINUE records skipped.
fn records(mut s: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if s.len() < 4 {
            return None;
        }
        let typ = u16_at(s, 0);
        let len = u16_at(s, 2) as usize;
        if s.len() < len + 4 {
            return None;
        }
        let (record, next) = s.split_at(len + 4);
        s = next;
        if s.len() > 4 && u16_at(s, 0) == 0x003C {
            while s.len() > 4 && u16_at(s, 0) == 0x003C {
                let len = u16_at(s, 2) as usize;
                if s.len() < len + 4 {
                    return None;
                }
                s = &s[len + 4..];
            }
        }
        Some((typ, &record[4..]))
    })
}

/// The smallest rectangle around a set of cells.
#[derive(Default)]
struct Extent(Option<(u32, u32, u32, u32)>);

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64
        })
    }
}

/// What calamine would hold for the sheets of a workbook stream: for each sheet the cells it
/// reserves or pushes, and the areas of its value and formula grids.
fn cells(stream: &[u8], limits: &Limits) -> u64 {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            // BoundSheet8: where the sheet's records start.
            0x0085 if data.len() >= 4 => sheets.push(u32_at(data, 0) as usize),
            0x000A => break,
            _ => {}
        }
    }
    let mut total: u64 = 0;
    for pos in sheets {
        let Some(sheet) = stream.get(pos..) else {
            continue;
        };
        let mut reserved: u64 = 0;
        let mut pushed: u64 = 0;
        let mut values = Extent::default();
        let mut formulas = Extent::default();
        let mut formula_at = (0u32, 0u32);
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (typ, data) in records(sheet) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let at = |data: &[u8]| (u16_at(data, 0) as u32, u16_at(data, 2) as u32);
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 => {
                    if let Some(n) = dimensions(data) {
                        reserved = reserved.max(pushed.saturating_add(n));
                    }
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if data.len() >= 4 => {
                    let (row, col) = at(data);
                    values.add(row, col);
                    pushed += 1;
                }
                0x0207 => {
                    values.add(formula_at.0, formula_at.1);
                    pushed += 1;
                }
                // MulRk: one row, columns first..=last, six bytes each.
                0x00BD if data.len() >= 6 => {
                    let (row, first) = at(data);
                    let last = u16_at(data, data.len() - 2);
                    let n = last.wrapping_sub(first as u16).wrapping_add(1) as usize;
                    if n > 0 && data.len() == 6 + 6 * n {
                        values.add(row, first);
                        values.add(row, first + (data.len() - 6) as u32 / 6 - 1);
                        pushed += n as u64;
                    }
                }
                0x0006 if data.len() >= 20 => {
                    formula_at = at(data);
                    values.add(formula_at.0, formula_at.1);
                    formulas.add(formula_at.0, formula_at.1);
                    pushed += 1;
                }
                0x000A => break,
                _ => {}
            }
        }
        let sheet_cells = reserved
            .max(pushed)
            .saturating_add(values.cells())
            .saturating_add(formulas.cells());
        total = total.saturating_add(sheet_cells);
        if total > limits.cells_per_sheet as u64 {
            break;
        }
    }
    total
}

/// The cells calamine reserves for a DIMENSIONS record (xls.rs `parse_dimensions`, with the
/// wrapping arithmetic of a release build); None for a record calamine rejects.
fn dimensions(r: &[u8]) -> Option<u64> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u16_at(r, 0) as u32,
            u16_at(r, 2) as u32,
            u16_at(r, 4) as u32,
            u16_at(r, 6) as u32,
        ),
        14 | 16 => (
            u32_at(r, 0),
            u32_at(r, 4),
            u16_at(r, 8) as u32,
            u16_at(r, 10) as u32,
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = end.0.wrapping_sub(start.0).wrapping_add(1) as u64;
    let cols = end.1.wrapping_sub(start.1).wrapping_add(1) as u64;
    Some(rows.saturating_mul(cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BIFF record.
    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    /// A workbook stream with one sheet made of the given records.
    fn stream(sheet: &[Vec<u8>]) -> Vec<u8> {
        let bof = rec(0x0809, &[0, 6, 0x10, 0, 0, 0, 0, 0]);
        let eof = rec(0x000A, &[]);
        let globals_len = bof.len() + rec(0x0085, &[0; 8]).len() + eof.len();
        let mut bound = (globals_len as u32).to_le_bytes().to_vec();
        bound.extend([0, 0, 1, 0]);
        let mut s = [bof.clone(), rec(0x0085, &bound), eof.clone(), bof].concat();
        for r in sheet {
            s.extend(r);
        }
        s.extend(eof);
        s
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        rec(0x0203, &d)
    }

    fn dims(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut d = rf.to_le_bytes().to_vec();
        d.extend(rl.to_le_bytes());
        d.extend(cf.to_le_bytes());
        d.extend(cl.to_le_bytes());
        d.extend([0, 0]);
        rec(0x0200, &d)
    }

    #[test]
    fn counts_a_small_sheet() {
        let s = stream(&[dims(0, 3, 0, 2), number(0, 0), number(2, 1)]);
        // 6 reserved, and a 3 × 2 grid of values.
        assert_eq!(cells(&s, &Limits::default()), 12);
    }

    #[test]
    fn counts_what_dimensions_and_far_cells_claim() {
        let limits = Limits::default();
        let s = stream(&[dims(0, u32::MAX, 0, u16::MAX)]);
        assert!(cells(&s, &limits) > 1 << 40);
        // rl < rf wraps around in a release build.
        let s = stream(&[dims(5, 3, 0, 2)]);
        assert!(cells(&s, &limits) > 1 << 31);
        let s = stream(&[number(0, 0), number(65_535, 255)]);
        assert_eq!(cells(&s, &limits), 2 + 65_536 * 256);
    }

    #[test]
    fn passes_what_is_not_a_compound_file() {
        assert_eq!(check(b"PK\x03\x04 not an xls", &Limits::default()), Ok(()));
    }

    #[test]
    fn refuses_a_sector_chain_that_loops() {
        // A header whose directory chain is sector 0, and a FAT in sector 1 where 0 points to 0.
        let mut f = vec![0u8; 512 * 3];
        f[..8].copy_from_slice(SIGNATURE);
        f[26] = 3;
        f[30] = 9;
        f[32] = 6;
        f[48..52].copy_from_slice(&0u32.to_le_bytes());
        f[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        f[76..80].copy_from_slice(&1u32.to_le_bytes());
        for i in 1..109 {
            f[76 + 4 * i..80 + 4 * i].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        // Sector 1 (the FAT) is at offset 1024: entry 0 → 0.
        f[1024..1028].copy_from_slice(&0u32.to_le_bytes());
        assert!(workbook_stream(&f).is_err());
        assert!(check(&f, &Limits::default())
            .unwrap_err()
            .contains("结构损坏"));
    }
}
