//! An XLSX file is a zip archive, and a few compressed megabytes can inflate to gigabytes.
//! The workbook reader holds the shared strings in memory and reads every sheet it is
//! asked for, so before it opens the file, every part is inflated once here, counting
//! bytes, and the workbook is refused when a part is larger than a workbook of the
//! largest scale we serve would ever need (docs/limits.md, "CSV and XLSX imports").
//!
//! Sizes are counted while inflating, not taken from the archive's directory, which the
//! file itself declares and could understate.

use crate::i18n;
use std::io::{Read, Seek};

/// The shared-strings part, held in memory by the reader: every distinct text cell.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 96 << 20;
/// Any other part, a sheet above all (read row by row, but every byte costs time).
pub const MAX_PART_BYTES: u64 = 768 << 20;
/// Parts in the archive: a records workbook has about fifteen.
pub const MAX_PARTS: usize = 1000;

/// Why a workbook was refused, in both languages (the caller picks one).
pub type Refusal = (String, String);

/// How much each part may inflate to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub shared_strings: u64,
    pub part: u64,
    pub parts: usize,
}

/// The limits of every import.
pub const LIMITS: Limits = Limits {
    shared_strings: MAX_SHARED_STRINGS_BYTES,
    part: MAX_PART_BYTES,
    parts: MAX_PARTS,
};

/// Inflate every part of the archive, refusing it as soon as one exceeds its limit.
pub fn check<R: Read + Seek>(reader: R, shown: &str) -> Result<(), Refusal> {
    check_within(reader, shown, LIMITS)
}

/// [`check`] with other limits (tests use small ones).
pub fn check_within<R: Read + Seek>(reader: R, shown: &str, limits: Limits) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| i18n::pair(|l| i18n::xlsx_unreadable(l, shown, &e)))?;
    if zip.len() > limits.parts {
        return Err(i18n::pair(|l| {
            i18n::xlsx_too_many_parts(l, shown, zip.len(), limits.parts)
        }));
    }
    let mut sink = std::io::sink();
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| i18n::pair(|l| i18n::xlsx_part_unreadable(l, shown, i + 1, &e)))?;
        let name = crate::termsafe::escape(part.name()).into_owned();
        let limit = if part.name().eq_ignore_ascii_case("xl/sharedStrings.xml") {
            limits.shared_strings
        } else {
            limits.part
        };
        let read = std::io::copy(&mut (&mut part).take(limit + 1), &mut sink)
            .map_err(|e| i18n::pair(|l| i18n::xlsx_part_cannot_inflate(l, shown, &name, &e)))?;
        if read > limit {
            let mib = limit >> 20;
            return Err(i18n::pair(|l| {
                i18n::xlsx_part_too_large(l, shown, &name, mib)
            }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    const SMALL: Limits = Limits {
        shared_strings: 4 << 20,
        part: 8 << 20,
        parts: 3,
    };

    fn archive(parts: &[(&str, &[u8], usize)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, chunk, times) in parts {
                w.start_file(*name, opts).unwrap();
                for _ in 0..*times {
                    w.write_all(chunk).unwrap();
                }
            }
            w.finish().unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn xlsx_zip_bomb_in_shared_strings_is_refused_before_it_is_read() {
        // 5 MiB of one letter compresses to a few KiB.
        let bomb = archive(&[
            ("xl/workbook.xml", b"<workbook/>", 1),
            ("xl/sharedStrings.xml", &[b'A'; 1 << 20], 5),
        ]);
        assert!(bomb.len() < 64 << 10, "the bomb is small: {}", bomb.len());
        let (zh, en) = check_within(Cursor::new(bomb), "bomb.xlsx", SMALL).unwrap_err();
        assert!(
            zh.contains("xl/sharedStrings.xml") && zh.contains("4 MiB"),
            "{zh}"
        );
        assert!(
            en.contains("bomb.xlsx") && en.contains("inflates to more than"),
            "{en}"
        );
    }

    #[test]
    fn xlsx_parts_within_their_limits_pass() {
        let ok = archive(&[
            ("xl/workbook.xml", b"<workbook/>", 1),
            ("xl/sharedStrings.xml", &[b'A'; 1 << 20], 4),
            ("xl/worksheets/sheet1.xml", &[b'B'; 1 << 20], 8),
        ]);
        check_within(Cursor::new(ok), "ok.xlsx", SMALL).unwrap();
    }

    #[test]
    fn xlsx_zip_bomb_in_a_sheet_and_too_many_parts_are_refused() {
        let sheet = archive(&[("xl/worksheets/sheet1.xml", &[b'B'; 1 << 20], 9)]);
        let (_, en) = check_within(Cursor::new(sheet), "s.xlsx", SMALL).unwrap_err();
        assert!(
            en.contains("xl/worksheets/sheet1.xml") && en.contains("8 MiB"),
            "{en}"
        );
        let many = archive(&[
            ("a", b"1", 1),
            ("b", b"1", 1),
            ("c", b"1", 1),
            ("d", b"1", 1),
        ]);
        let (zh, _) = check_within(Cursor::new(many), "m.xlsx", SMALL).unwrap_err();
        assert!(zh.contains("4 个组成部分") && zh.contains("上限 3"), "{zh}");
    }

    #[test]
    fn not_a_zip_is_refused_as_unreadable() {
        let (zh, _) = check(Cursor::new(b"village_code,name\n".to_vec()), "x.xlsx").unwrap_err();
        assert!(zh.contains("不是可读的 .xlsx"), "{zh}");
    }
}
