//! OLE2 compound files (legacy .xls, .doc, .ppt, password-protected OOXML)
//! read far enough to name their streams and to check a workbook before
//! calamine parses it.
//!
//! The checks stop what `catch_unwind` cannot: calamine follows sector
//! chains without noticing a loop (a damaged file makes it allocate until
//! the process is killed), and it allocates each sheet as a dense grid
//! spanning its outermost cells, or as large as a DIMENSIONS record says.
//! So every sector chain is checked for loops, and a workbook whose sheets
//! would span more than [`MAX_CELLS`] cells is refused.

use super::MAX_CELLS;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED: u32 = 0xFFFF_FFFA;

pub(super) struct Compound {
    /// Names of all directory entries (storages and streams).
    pub names: Vec<String>,
    /// The `Workbook` (or BIFF5 `Book`) stream, if any.
    pub workbook: Option<Vec<u8>>,
}

fn damaged() -> String {
    "Office 旧版文件（OLE 复合文档）已损坏，无法读取".to_string()
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2).map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
    /// Sectors are numbered from the one after the header.
    base: usize,
    max_id: usize,
}

impl Sectors<'_> {
    fn get(&self, id: u32) -> Result<&[u8], String> {
        if id as usize > self.max_id {
            return Err(damaged());
        }
        let start = self.base + id as usize * self.size;
        Ok(self.bytes.get(start..(start + self.size).min(self.bytes.len())).unwrap_or(&[]))
    }

    /// The bytes of a chain (already checked for loops), at most `len`.
    fn chain(&self, mut id: u32, table: &[u32], len: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut steps = 0;
        while id != ENDOFCHAIN && out.len() < len {
            let sector = self.get(id)?;
            out.extend_from_slice(&sector[..sector.len().min(len - out.len())]);
            steps += 1;
            match table.get(id as usize) {
                Some(&next) if steps <= table.len() => id = next,
                _ => break,
            }
        }
        Ok(out)
    }
}

/// For each entry of a sector table (a successor function), whether
/// following the chain from it loops for ever.
fn loops(table: &[u32]) -> Vec<bool> {
    // 0 not seen, 1 on the current path, 2 ends, 3 loops.
    let mut state = vec![0u8; table.len()];
    for start in 0..table.len() {
        let mut path = Vec::new();
        let mut cur = start;
        let verdict = loop {
            match state.get(cur) {
                None => break 2,
                Some(2) => break 2,
                Some(3) | Some(1) => break 3,
                _ => {
                    state[cur] = 1;
                    path.push(cur);
                    cur = table[cur] as usize;
                }
            }
        };
        for p in path {
            state[p] = verdict;
        }
    }
    state.into_iter().map(|s| s == 3).collect()
}

fn starts_loop(looping: &[bool], id: u32) -> bool {
    looping.get(id as usize).copied().unwrap_or(false)
}

pub(super) fn open(b: &[u8]) -> Result<Compound, String> {
    let size = sector_size(b)?;
    let sectors = Sectors { bytes: b, size, base: size, max_id: b.len() / size };
    let difat = read_difat(b, &sectors)?;
    let fat = read_fat(&difat, &sectors)?;
    let fat_loops = loops(&fat);
    let dir_start = u32_at(b, 0x30);
    if starts_loop(&fat_loops, dir_start) {
        return Err(damaged());
    }
    let dirs = sectors.chain(dir_start, &fat, usize::MAX)?;
    let entries = read_entries(&dirs, size);
    let Some(root) = entries.first() else { return Err(damaged()) };
    let (mini_stream, mini_fat) = read_mini_stream(b, root, &sectors, &fat, &fat_loops)?;
    let mini_loops = loops(&mini_fat);
    let mini = Sectors { bytes: &mini_stream, size: 64, base: 0, max_id: sectors.max_id * 8 };
    check_entry_chains(&entries, &mini_loops, &fat_loops)?;
    let stream = |wanted: &str| entries.iter().find(|e| e.name.eq_ignore_ascii_case(wanted));
    let workbook = match stream("Workbook").or_else(|| stream("Book")) {
        Some(e) if e.len < 4096 => Some(mini.chain(e.start, &mini_fat, e.len).unwrap_or_default()),
        Some(e) => Some(sectors.chain(e.start, &fat, e.len)?),
        None => None,
    };
    Ok(Compound { names: entries.into_iter().map(|e| e.name).collect(), workbook })
}

/// The sector size the header declares (512 or 4096 bytes).
fn sector_size(b: &[u8]) -> Result<usize, String> {
    if b.len() < 512 {
        return Err(damaged());
    }
    match u16_at(b, 0x1E) {
        9 => Ok(512),
        12 => Ok(4096),
        _ => Err(damaged()),
    }
}

/// The DIFAT: 109 entries in the header, then a chain of DIFAT sectors
/// whose last entry points to the next. A chain longer than the file has
/// sectors loops, and is refused.
fn read_difat(b: &[u8], sectors: &Sectors) -> Result<Vec<u32>, String> {
    let mut difat: Vec<u32> = (0..109).map(|i| u32_at(b, 0x4C + 4 * i)).collect();
    let mut id = u32_at(b, 0x44);
    let mut hops = 0;
    while id < RESERVED {
        hops += 1;
        if hops > sectors.max_id + 1 {
            return Err(damaged());
        }
        let sector = sectors.get(id)?;
        difat.extend(sector.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
        id = difat.pop().ok_or_else(damaged)?;
    }
    Ok(difat)
}

/// The FAT: the successor of each sector, read from the sectors the DIFAT lists.
fn read_fat(difat: &[u32], sectors: &Sectors) -> Result<Vec<u32>, String> {
    let mut fat = Vec::new();
    for &id in difat.iter().filter(|&&id| id < DIFSECT) {
        let sector = sectors.get(id)?;
        fat.extend(sector.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
    }
    Ok(fat)
}

/// A directory entry: a storage or a stream.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The directory's 128-byte entries; the first is the root storage.
fn read_entries(dirs: &[u8], size: usize) -> Vec<Entry> {
    dirs.chunks_exact(128)
        .map(|d| {
            let name = encoding_rs::UTF_16LE.decode_without_bom_handling(&d[..64]).0;
            let name = name.split('\0').next().unwrap_or("").to_string();
            let len = if size == 512 {
                u32_at(d, 120) as usize
            } else {
                u64::from_le_bytes(d[120..128].try_into().unwrap_or([0; 8])) as usize
            };
            Entry { name, start: u32_at(d, 116), len }
        })
        .collect()
}

/// The mini stream (held in the root entry's chain) and the mini FAT that
/// chains its 64-byte sectors; both empty when the file has no mini FAT.
/// Their chains are checked for loops before they are followed.
fn read_mini_stream(
    b: &[u8],
    root: &Entry,
    sectors: &Sectors,
    fat: &[u32],
    fat_loops: &[bool],
) -> Result<(Vec<u8>, Vec<u32>), String> {
    let mini_fat_len = u32_at(b, 0x40) as usize;
    let mini_fat_start = u32_at(b, 0x3C);
    if mini_fat_len == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    if starts_loop(fat_loops, root.start) || starts_loop(fat_loops, mini_fat_start) {
        return Err(damaged());
    }
    let stream = sectors.chain(root.start, fat, root.len)?;
    let table = sectors.chain(mini_fat_start, fat, mini_fat_len.saturating_mul(sectors.size))?;
    let table: Vec<u32> = table.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    Ok((stream, table))
}

/// Refuses the file if any named stream's chain loops (streams under 4096
/// bytes live in the mini stream, the others in the file's sectors).
fn check_entry_chains(entries: &[Entry], mini_loops: &[bool], fat_loops: &[bool]) -> Result<(), String> {
    for e in entries.iter().filter(|e| !e.name.is_empty()) {
        let looping = if e.len < 4096 { mini_loops } else { fat_loops };
        if starts_loop(looping, e.start) {
            return Err(damaged());
        }
    }
    Ok(())
}

/// BIFF records: (type, data) from `at` on, stopping at the first record
/// that does not fit.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at);
        let len = u16_at(stream, at + 2) as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// Refuses a workbook stream whose sheets calamine would lay out as more
/// than [`MAX_CELLS`] cells in all (by their outermost cells or by a
/// DIMENSIONS record), reading each sheet from where its BOUNDSHEET record
/// points, as calamine does.
pub(super) fn check_workbook(stream: &[u8]) -> Result<(), String> {
    let too_big = || format!("Excel 表格（.xls）的范围超过 {MAX_CELLS} 个单元格，无法读取");
    let mut positions = Vec::new();
    for (typ, data) in records(stream, 0) {
        match typ {
            0x0085 if data.len() >= 4 => positions.push(u32_at(data, 0) as usize),
            0x000A => break,
            _ => {}
        }
    }
    let mut total = 0u64;
    for pos in positions {
        let (mut rows, mut cols) = ((u32::MAX, 0u32), (u32::MAX, 0u32));
        let mut add = |r: u32, c: u32| {
            rows = (rows.0.min(r), rows.1.max(r));
            cols = (cols.0.min(c), cols.1.max(c));
        };
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (typ, data) in records(stream, pos) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => {
                    let (rf, rl, mut cf, cl) = match data.len() {
                        10 => (
                            u32::from(u16_at(data, 0)),
                            u32::from(u16_at(data, 2)),
                            u32::from(u16_at(data, 4)),
                            u32::from(u16_at(data, 6)),
                        ),
                        14 | 16 => {
                            (u32_at(data, 0), u32_at(data, 4), u32::from(u16_at(data, 8)), u32::from(u16_at(data, 10)))
                        }
                        _ => continue,
                    };
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    if rl >= 1 && cl >= 1 {
                        let (end_r, end_c) = (rl - 1, cl - 1);
                        if end_r < rf || end_c < cf {
                            return Err(too_big());
                        }
                        let area = u64::from(end_r - rf + 1) * u64::from(end_c - cf + 1);
                        if area > MAX_CELLS as u64 {
                            return Err(too_big());
                        }
                    }
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x0006 | 0x027E | 0x00FD if data.len() >= 4 => {
                    add(u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)));
                }
                0x00BD if data.len() >= 6 => {
                    let row = u32::from(u16_at(data, 0));
                    add(row, u32::from(u16_at(data, 2)));
                    add(row, u32::from(u16_at(data, data.len() - 2)));
                }
                _ => {}
            }
        }
        if rows.0 <= rows.1 {
            total += u64::from(rows.1 - rows.0 + 1) * u64::from(cols.1 - cols.0 + 1);
            if total > MAX_CELLS as u64 {
                return Err(too_big());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    #[test]
    fn stream_names_and_workbook_of_a_real_xls() {
        let c = open(&fixtures::committed("名单.xls")).unwrap();
        assert_eq!(c.names[0], "Root Entry");
        assert!(c.names.iter().any(|n| n == "Workbook"), "{:?}", c.names);
        let wb = c.workbook.unwrap();
        assert!(wb.len() > 100);
        check_workbook(&wb).unwrap();
    }

    #[test]
    fn looping_sector_chains_are_found() {
        assert_eq!(loops(&[1, 2, ENDOFCHAIN]), [false, false, false]);
        assert_eq!(loops(&[1, 0, ENDOFCHAIN, 1, 7]), [true, true, false, true, false]);
        assert_eq!(loops(&[0]), [true]);
    }

    #[test]
    fn a_directory_chain_that_loops_is_refused() {
        let mut xls = fixtures::committed("名单.xls");
        let c = open(&xls).unwrap();
        assert!(!c.names.is_empty());
        // Point the directory's FAT entry at itself.
        let dir_start = u32_at(&xls, 0x30) as usize;
        let fat_sector = u32_at(&xls, 0x4C) as usize;
        let at = 512 + fat_sector * 512 + dir_start * 4;
        xls[at..at + 4].copy_from_slice(&(dir_start as u32).to_le_bytes());
        assert_eq!(open(&xls).err(), Some(damaged()));
    }

    #[test]
    fn huge_sheet_extents_are_refused() {
        // Globals: one BOUNDSHEET at 20, EOF. Sheet: BOF, two numbers far apart, EOF.
        let record = |typ: u16, data: &[u8]| {
            let mut r = typ.to_le_bytes().to_vec();
            r.extend((data.len() as u16).to_le_bytes());
            r.extend(data);
            r
        };
        let number = |row: u16, col: u16| {
            let mut d = row.to_le_bytes().to_vec();
            d.extend(col.to_le_bytes());
            d.extend([0; 10]);
            record(0x0203, &d)
        };
        let mut stream = record(0x0085, &[20, 0, 0, 0, 0, 0]);
        stream.extend(record(0x000A, &[]));
        stream.resize(20, 0);
        stream.extend(record(0x0809, &[0; 16]));
        stream.extend(number(0, 0));
        let small = [stream.clone(), number(100, 20), record(0x000A, &[])].concat();
        check_workbook(&small).unwrap();
        let huge = [stream.clone(), number(65535, 255), record(0x000A, &[])].concat();
        assert!(check_workbook(&huge).unwrap_err().contains("超过"));
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(0x7FFF_FFFFu32.to_le_bytes());
        dims.extend([0, 0, 3, 0, 0, 0]);
        let by_dimensions = [stream, record(0x0200, &dims), record(0x000A, &[])].concat();
        assert!(check_workbook(&by_dimensions).is_err());
    }
}
