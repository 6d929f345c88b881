//! Reading a CSV file the way Excel, WPS and people save one, row by row in bounded
//! memory.
//!
//! - Only regular files, at most `MAX_CSV_BYTES` (a device such as `/dev/zero` or a FIFO
//!   is refused before it is opened).
//! - Encodings: UTF-8 (BOM or not), GB18030 (Excel on Chinese Windows), UTF-16 LE/BE with
//!   a BOM (Excel's "Unicode text", tab-separated). UTF-8 and GB18030 are told apart line
//!   by line: the first line with non-ASCII bytes decides, and a later line in the other
//!   encoding (a cell pasted from another file) refuses the file, naming that line.
//! - The separator is a tab when the header line has tabs and no commas, else a comma.
//! - Line numbers are physical lines of the file (CRLF or LF, blank lines counted), which
//!   the csv crate does not report reliably, so the decoder keeps its own line index.

use crate::i18n;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

/// The largest CSV file imported (docs/limits.md).
pub const MAX_CSV_BYTES: u64 = 1 << 30;
/// The longest row (a longer one is an unclosed quote).
pub const MAX_ROW_BYTES: u64 = 1 << 20;

/// A file to import: a regular file no larger than `max` bytes, opened for reading.
/// Bilingual reason on refusal.
pub fn open_regular(path: &Path, max: u64) -> Result<File, (String, String)> {
    let shown = crate::forms::value::sanitize_for_terminal(&path.display().to_string());
    let meta = std::fs::metadata(path)
        .map_err(|e| i18n::pair(|l| i18n::file_cannot_read(l, &shown, i18n::io_error(l, &e))))?;
    let not_regular = || i18n::pair(|l| i18n::file_not_regular(l, &shown));
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > max {
        let mb = |n: u64| n.div_ceil(1 << 20);
        return Err(i18n::pair(|l| {
            i18n::file_too_large(l, &shown, mb(meta.len()), mb(max))
        }));
    }
    let file = File::open(path)
        .map_err(|e| i18n::pair(|l| i18n::file_cannot_open(l, &shown, i18n::io_error(l, &e))))?;
    // The path may have been swapped between the two looks.
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        _ => Err(not_regular()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// Why the bytes of a file cannot be read as text (bilingual), with the line.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub line: usize,
    pub zh: String,
    pub en: String,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.line, self.en)
    }
}

impl std::error::Error for DecodeError {}

/// Start offsets (in the decoded UTF-8 stream) of physical lines not yet matched to a
/// record, shared between the decoder (which csv owns) and the row reader.
#[derive(Default)]
struct LineIndex {
    /// (decoded byte offset of the line start, 1-based line number, line is empty)
    pending: VecDeque<(u64, usize, bool)>,
    error: Option<DecodeError>,
}

/// Decodes the file to UTF-8 line by line (CRLF becomes LF) for the csv reader.
struct Decoder<R> {
    src: BufReader<R>,
    enc: Option<Encoding>,
    /// The first line with non-ASCII bytes, which decided UTF-8 or GB18030.
    decided_at: usize,
    utf16: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    line: usize,
    decoded: u64,
    index: Rc<RefCell<LineIndex>>,
    /// Bytes of UTF-16 output not yet split into lines.
    carry: String,
    eof: bool,
}

impl<R: Read> Decoder<R> {
    fn fail(&mut self, (zh, en): (String, String)) -> io::Error {
        let e = DecodeError {
            line: self.line,
            zh,
            en,
        };
        self.index.borrow_mut().error = Some(e.clone());
        io::Error::new(io::ErrorKind::InvalidData, e)
    }

    /// Decode one physical line into `out`; false at the end of the file.
    fn next_line(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        let text: String = match self.enc {
            Some(Encoding::Utf16Le) | Some(Encoding::Utf16Be) => match self.next_utf16_line()? {
                Some(t) => t,
                None => return Ok(false),
            },
            _ => {
                self.raw.clear();
                if self.src.read_until(b'\n', &mut self.raw)? == 0 {
                    return Ok(false);
                }
                self.line += 1;
                let raw = std::mem::take(&mut self.raw);
                let t = self.decode_byte_line(&raw);
                self.raw = raw;
                t?
            }
        };
        let body = text
            .strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t));
        let line_text = body.unwrap_or(&text);
        self.index
            .borrow_mut()
            .pending
            .push_back((self.decoded, self.line, line_text.is_empty()));
        self.out.extend_from_slice(line_text.as_bytes());
        if body.is_some() {
            self.out.push(b'\n');
        }
        self.decoded += self.out.len() as u64;
        // A record csv has not finished after MAX_ROW_BYTES is an open quote swallowing
        // the file: stop before it fills memory.
        let open_since = {
            let mut index = self.index.borrow_mut();
            while index.pending.len() > 1 && index.pending.front().is_some_and(|p| p.2) {
                index.pending.pop_front();
            }
            index
                .pending
                .front()
                .filter(|p| self.decoded - p.0 > MAX_ROW_BYTES)
                .map(|p| p.1)
        };
        if let Some(start) = open_since {
            self.line = start;
            return Err(self.fail(i18n::pair(|l| {
                i18n::csv_row_too_long(l, start, MAX_ROW_BYTES / 1024)
            })));
        }
        Ok(true)
    }

    fn decode_byte_line(&mut self, raw: &[u8]) -> io::Result<String> {
        if raw.is_ascii() {
            return Ok(String::from_utf8_lossy(raw).into_owned());
        }
        let utf8 = std::str::from_utf8(raw).ok();
        match self.enc {
            None | Some(Encoding::Utf8) if self.enc.is_some() || utf8.is_some() => {
                if self.enc.is_none() {
                    self.enc = Some(Encoding::Utf8);
                    self.decided_at = self.line;
                }
                match utf8 {
                    Some(s) => Ok(s.to_string()),
                    None => {
                        let (line, first) = (self.line, self.decided_at);
                        Err(self.fail(i18n::pair(|l| {
                            i18n::csv_not_utf8_after_utf8(l, line, first)
                        })))
                    }
                }
            }
            _ => {
                // Genuine GB18030 lines are practically never valid UTF-8 with a three-byte
                // sequence (every Chinese character in UTF-8 is one).
                let line = self.line;
                if self.enc == Some(Encoding::Gb18030)
                    && let Some(s) = utf8
                    && s.chars().any(|c| c.len_utf8() == 3)
                {
                    let first = self.decided_at;
                    return Err(
                        self.fail(i18n::pair(|l| i18n::csv_utf8_after_gb18030(l, line, first)))
                    );
                }
                match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(raw)
                {
                    Some(s) => {
                        if self.enc.is_none() {
                            self.enc = Some(Encoding::Gb18030);
                            self.decided_at = line;
                        }
                        Ok(s.into_owned())
                    }
                    None => Err(self.fail(i18n::pair(|l| i18n::csv_not_text(l, line)))),
                }
            }
        }
    }

    fn next_utf16_line(&mut self) -> io::Result<Option<String>> {
        loop {
            if let Some(i) = self.carry.find('\n') {
                let rest = self.carry.split_off(i + 1);
                self.line += 1;
                return Ok(Some(std::mem::replace(&mut self.carry, rest)));
            }
            if self.eof {
                if self.carry.is_empty() {
                    return Ok(None);
                }
                self.line += 1;
                return Ok(Some(std::mem::take(&mut self.carry)));
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = self.src.read(&mut chunk)?;
            let last = n == 0;
            self.eof = last;
            let Some(dec) = self.utf16.as_mut() else {
                return Ok(None);
            };
            let mut out = String::with_capacity(
                dec.max_utf8_buffer_length_without_replacement(n)
                    .unwrap_or(n * 3 + 16),
            );
            let (result, _read) =
                dec.decode_to_string_without_replacement(&chunk[..n], &mut out, last);
            self.carry.push_str(&out);
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                let line = self.line + 1 + self.carry.matches('\n').count();
                self.line = line;
                return Err(self.fail(i18n::pair(|l| i18n::csv_not_utf16(l, line))));
            }
        }
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if !self.next_line()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// One row of the file: its first physical line and its cells.
pub struct CsvRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A CSV file read row by row.
pub struct CsvRows {
    reader: csv::Reader<Decoder<io::Take<File>>>,
    index: Rc<RefCell<LineIndex>>,
    record: csv::StringRecord,
    pub encoding: Encoding,
    pub delimiter: u8,
}

/// Why a CSV file cannot be read further (bilingual, with the line where known).
#[derive(Debug, Clone)]
pub struct ReadError {
    pub line: Option<usize>,
    pub zh: String,
    pub en: String,
}

impl CsvRows {
    /// Open a file: refuses non-regular and oversized files; sniffs the BOM and the
    /// separator.
    pub fn open(path: &Path) -> Result<CsvRows, ReadError> {
        let file = open_regular(path, MAX_CSV_BYTES).map_err(|(zh, en)| ReadError {
            line: None,
            zh,
            en,
        })?;
        let mut src = BufReader::with_capacity(64 * 1024, file.take(MAX_CSV_BYTES));
        let head = src.fill_buf().map_err(|e| {
            let (zh, en) = i18n::pair(|l| i18n::csv_cannot_read(l, i18n::io_error(l, &e)));
            ReadError { line: None, zh, en }
        })?;
        let (enc, bom) = if head.starts_with(b"\xEF\xBB\xBF") {
            (Some(Encoding::Utf8), 3)
        } else if head.starts_with(b"\xFF\xFE") {
            (Some(Encoding::Utf16Le), 2)
        } else if head.starts_with(b"\xFE\xFF") {
            (Some(Encoding::Utf16Be), 2)
        } else {
            (None, 0)
        };
        // The separator, from the first line of the file.
        let delimiter = match enc {
            Some(Encoding::Utf16Le) | Some(Encoding::Utf16Be) => {
                let unit = |i: usize| -> Option<u16> {
                    let b = head.get(i..i + 2)?;
                    Some(if enc == Some(Encoding::Utf16Le) {
                        u16::from_le_bytes([b[0], b[1]])
                    } else {
                        u16::from_be_bytes([b[0], b[1]])
                    })
                };
                let mut units = Vec::new();
                let mut i = 2;
                while let Some(u) = unit(i) {
                    if u == u16::from(b'\n') {
                        break;
                    }
                    units.push(u);
                    i += 2;
                }
                sniff_delimiter(units.iter().map(|&u| u as u32))
            }
            _ => sniff_delimiter(
                head[bom..]
                    .iter()
                    .take_while(|&&b| b != b'\n')
                    .map(|&b| b as u32),
            ),
        };
        src.consume(bom);
        let utf16 = match enc {
            Some(Encoding::Utf16Le) => {
                Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling())
            }
            Some(Encoding::Utf16Be) => {
                Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling())
            }
            _ => None,
        };
        let index = Rc::new(RefCell::new(LineIndex::default()));
        let decoder = Decoder {
            src,
            enc,
            decided_at: 1,
            utf16,
            raw: Vec::new(),
            out: Vec::new(),
            pos: 0,
            line: 0,
            decoded: 0,
            index: index.clone(),
            carry: String::new(),
            eof: false,
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(decoder);
        Ok(CsvRows {
            reader,
            index,
            record: csv::StringRecord::new(),
            encoding: enc.unwrap_or(Encoding::Utf8),
            delimiter,
        })
    }

    /// The next row (empty lines skipped), or None at the end.
    pub fn next_row(&mut self) -> Result<Option<CsvRow>, ReadError> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let byte = self.record.position().map(|p| p.byte()).unwrap_or(0);
                let mut index = self.index.borrow_mut();
                // csv reports where the previous record ended; this one starts on the first
                // non-empty line at or after that offset.
                let mut line = 0;
                while let Some(&(start, l, empty)) = index.pending.front() {
                    if start < byte || empty {
                        index.pending.pop_front();
                        continue;
                    }
                    line = l;
                    index.pending.pop_front();
                    break;
                }
                // Drop the lines of a multi-line record (they lie before the next one).
                Ok(Some(CsvRow {
                    line,
                    cells: self.record.iter().map(str::to_string).collect(),
                }))
            }
            Err(e) => {
                if let Some(d) = self.index.borrow().error.clone() {
                    return Err(ReadError {
                        line: Some(d.line),
                        zh: d.zh,
                        en: d.en,
                    });
                }
                let (zh, en) = i18n::pair(|l| i18n::csv_malformed(l, &e));
                Err(ReadError {
                    line: e.position().map(|p| p.line() as usize),
                    zh,
                    en,
                })
            }
        }
    }
}

fn sniff_delimiter(first_line: impl Iterator<Item = u32>) -> u8 {
    let (mut tabs, mut commas) = (0, 0);
    for c in first_line {
        if c == u32::from(b'\t') {
            tabs += 1;
        } else if c == u32::from(b',') {
            commas += 1;
        }
    }
    if tabs > 0 && commas == 0 { b'\t' } else { b',' }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ReadError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, bytes).unwrap();
        let mut r = CsvRows::open(&p)?;
        let mut out = Vec::new();
        while let Some(row) = r.next_row()? {
            out.push((row.line, row.cells));
        }
        Ok(out)
    }

    fn lines(rows: &[(usize, Vec<String>)]) -> Vec<usize> {
        rows.iter().map(|r| r.0).collect()
    }

    #[test]
    fn line_numbers_are_right_for_crlf_and_blank_lines() {
        let lf = rows_of(b"h1,h2\na,b\nc,d\n\ne,f\n").unwrap();
        let crlf = rows_of(b"h1,h2\r\na,b\r\nc,d\r\n\r\ne,f\r\n").unwrap();
        assert_eq!(lines(&lf), vec![1, 2, 3, 5]);
        assert_eq!(lines(&crlf), vec![1, 2, 3, 5]);
        assert_eq!(crlf[3].1, vec!["e", "f"], "no stray carriage returns");
        let quoted = rows_of(b"h1,h2\r\na,\"b\r\nx\"\r\nc,d\r\n").unwrap();
        assert_eq!(lines(&quoted), vec![1, 2, 4]);
        assert_eq!(quoted[1].1[1], "b\nx");
    }

    #[test]
    fn line_numbers_survive_the_readers_buffer() {
        let mut text = String::from("h\n");
        for i in 0..5000 {
            text.push_str(&format!("{i}\n"));
            if i % 7 == 0 {
                text.push('\n');
            }
        }
        let rows = rows_of(text.as_bytes()).unwrap();
        // Physical line of row i: 2 + i + blank lines before it.
        for (i, (line, cells)) in rows.iter().skip(1).enumerate() {
            assert_eq!(cells[0], i.to_string());
            assert_eq!(*line, 2 + i + i.div_ceil(7), "row {i}");
        }
    }

    #[test]
    fn utf8_file_with_one_gb18030_cell_is_refused_naming_the_line() {
        let mut bytes = "village_code,surveyor\n411003003204,王建国\n"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(b"411003003205,");
        bytes.extend_from_slice(&encoding_rs::GB18030.encode("李秀英").0);
        bytes.extend_from_slice(b"\n411003003206,ok\n");
        let e = rows_of(&bytes).expect_err("refused");
        assert_eq!(e.line, Some(3));
        assert!(e.en.contains("mixes encodings"), "{}", e.en);
    }

    #[test]
    fn gb18030_file_with_one_utf8_cell_is_refused_too() {
        let mut bytes = encoding_rs::GB18030
            .encode("village_code,surveyor\n411003003204,王建国\n")
            .0
            .to_vec();
        bytes.extend_from_slice("411003003205,李秀英\n".as_bytes());
        let e = rows_of(&bytes).expect_err("refused");
        assert_eq!(e.line, Some(3));
        assert!(e.en.contains("UTF-8"), "{}", e.en);
    }

    #[test]
    fn gb18030_and_utf16_with_bom_are_read() {
        let text = "village_code,surveyor\r\n411003003204,王建国\r\n";
        let gb = rows_of(&encoding_rs::GB18030.encode(text).0).unwrap();
        assert_eq!(gb[1].1, vec!["411003003204", "王建国"]);
        let tsv = text.replace(',', "\t");
        let mut le = vec![0xFF, 0xFE];
        le.extend(tsv.encode_utf16().flat_map(u16::to_le_bytes));
        let rows = rows_of(&le).unwrap();
        assert_eq!(rows[1].1, vec!["411003003204", "王建国"]);
        assert_eq!(lines(&rows), vec![1, 2]);
        let mut be = vec![0xFE, 0xFF];
        be.extend(tsv.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(rows_of(&be).unwrap()[1].1, vec!["411003003204", "王建国"]);
    }

    #[test]
    fn non_regular_files_are_refused_before_reading() {
        let e = CsvRows::open(Path::new("/dev/zero"))
            .err()
            .expect("refused");
        assert!(e.en.contains("not a regular file"), "{}", e.en);
        #[cfg(unix)]
        {
            let dir = tempfile::tempdir().unwrap();
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: mkfifo with a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            let e = CsvRows::open(&fifo).err().expect("refused, not hung");
            assert!(e.en.contains("not a regular file"), "{}", e.en);
        }
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.csv");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_CSV_BYTES + 1).unwrap();
        let e = CsvRows::open(&big).err().expect("refused");
        assert!(e.en.contains("split it"), "{}", e.en);
    }
}
