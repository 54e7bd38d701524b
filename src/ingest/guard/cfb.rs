//! A bounded reading of the compound file (CFB) that holds an `.xls`, following the same chains
//! calamine's reader follows (cfb.rs): calamine follows a sector chain until it ends, so a chain
//! that loops back on itself makes it read forever and grow its buffer until memory runs out.
//! Here a chain longer than the file has sectors is refused, and so is a FAT that names more
//! sectors than the file has.

use super::Refusal;
/// Sector ids at and above this are markers, not sectors.
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// A directory entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    start: u32,
    len: usize,
}

/// The file's directory, FAT and mini stream.
#[derive(Debug)]
pub struct Cfb<'a> {
    bytes: &'a [u8],
    header: usize,
    size: usize,
    maxid: usize,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    mini: Vec<u8>,
    pub entries: Vec<Entry>,
}

const BROKEN: &str =
    "xls文件结构损坏（复合文档的扇区链越界或循环），文件不完整或被恶意构造，拒绝读取";

fn broken() -> Refusal {
    Refusal::Broken(BROKEN.to_string())
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Whether the bytes start like a compound file.
pub fn is_cfb(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

impl<'a> Cfb<'a> {
    /// Reads the header, FAT, directory and mini stream. `Ok(None)` when calamine would refuse
    /// the file itself at this stage (not a compound file, unknown sector size).
    pub fn open(bytes: &'a [u8]) -> Result<Option<Cfb<'a>>, Refusal> {
        if bytes.len() < 512 || !is_cfb(bytes) {
            return Ok(None);
        }
        let size = match u16_at(bytes, 30) {
            9 => 512,
            12 => 4096,
            _ => return Ok(None),
        };
        if u16_at(bytes, 32) != 6 {
            return Ok(None);
        }
        let mut cfb = Cfb {
            bytes,
            header: size,
            size,
            maxid: bytes.len() / size,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini: Vec::new(),
            entries: Vec::new(),
        };
        let mut difat: Vec<u32> = (0..109).map(|i| u32_at(bytes, 76 + 4 * i)).collect();
        let mut id = u32_at(bytes, 68);
        let mut steps = 0;
        while id < RESERVED {
            steps += 1;
            if steps > cfb.maxid + 1 {
                return Err(Refusal::Broken(BROKEN.to_string()));
            }
            difat.extend(cfb.sector(id)?.chunks(4).map(|c| u32_at(c, 0)));
            id = difat.pop().ok_or_else(broken)?;
        }
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
        if fat_sectors.len() > cfb.maxid + 1 {
            return Err(Refusal::Broken(BROKEN.to_string()));
        }
        for id in fat_sectors {
            let s = cfb.sector(id)?;
            cfb.fat.extend(s.chunks(4).map(|c| u32_at(c, 0)));
        }
        let dirs = cfb.chain(u32_at(bytes, 48), usize::MAX)?;
        cfb.entries = dirs
            .chunks(128)
            .filter(|c| c.len() == 128)
            .map(|c| {
                let units: Vec<u16> = (0..32).map(|i| u16_at(c, 2 * i)).collect();
                let name = String::from_utf16_lossy(&units);
                let name = name.split('\0').next().unwrap_or("").to_string();
                let len = if size == 512 {
                    u32_at(c, 120) as usize
                } else {
                    (u32_at(c, 120) as u64 | (u32_at(c, 124) as u64) << 32) as usize
                };
                Entry {
                    name,
                    start: u32_at(c, 116),
                    len,
                }
            })
            .collect();
        let Some(root) = cfb.entries.first().cloned() else {
            return Ok(None);
        };
        let mini_fat_len = u32_at(bytes, 64) as usize;
        if mini_fat_len > 0 {
            cfb.mini = cfb.chain(root.start, root.len)?;
            let mf = cfb.chain(u32_at(bytes, 60), mini_fat_len.saturating_mul(size))?;
            cfb.mini_fat = mf.chunks(4).map(|c| u32_at(c, 0)).collect();
        }
        Ok(Some(cfb))
    }

    fn sector(&self, id: u32) -> Result<&'a [u8], Refusal> {
        let id = id as usize;
        if id > self.maxid {
            return Err(Refusal::Broken(BROKEN.to_string()));
        }
        let start = (self.header + id * self.size).min(self.bytes.len());
        let end = (start + self.size).min(self.bytes.len());
        Ok(&self.bytes[start..end])
    }

    /// A chain of sectors up to `len` bytes; refused when it is longer than the file has
    /// sectors (it loops).
    fn chain(&self, mut id: u32, len: usize) -> Result<Vec<u8>, Refusal> {
        let mut out = Vec::new();
        let mut steps = 0;
        while id != END_OF_CHAIN {
            steps += 1;
            if steps > self.maxid + 1 {
                return Err(Refusal::Broken(BROKEN.to_string()));
            }
            let s = self.sector(id)?;
            let take = s.len().min(len - out.len());
            out.extend_from_slice(&s[..take]);
            if out.len() >= len {
                break;
            }
            id = *self.fat.get(id as usize).ok_or_else(broken)?;
        }
        Ok(out)
    }

    fn mini_chain(&self, mut id: u32, len: usize) -> Result<Vec<u8>, Refusal> {
        let mut out = Vec::new();
        let mut steps = 0;
        let max = (self.maxid + 1).saturating_mul(8);
        while id != END_OF_CHAIN {
            steps += 1;
            if steps > max || id as usize > max {
                return Err(Refusal::Broken(BROKEN.to_string()));
            }
            let start = (id as usize * 64).min(self.mini.len());
            let end = (start + 64).min(self.mini.len());
            let s = &self.mini[start..end];
            let take = s.len().min(len - out.len());
            out.extend_from_slice(&s[..take]);
            if out.len() >= len {
                break;
            }
            id = *self.mini_fat.get(id as usize).ok_or_else(broken)?;
        }
        Ok(out)
    }

    /// A stream by name (case-insensitive), as calamine reads it.
    pub fn stream(&self, name: &str) -> Result<Option<Vec<u8>>, Refusal> {
        let Some(e) = self
            .entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
        else {
            return Ok(None);
        };
        if e.len < 4096 {
            self.mini_chain(e.start, e.len).map(Some)
        } else {
            self.chain(e.start, e.len).map(Some)
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(name))
    }
}
