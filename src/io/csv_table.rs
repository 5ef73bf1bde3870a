//! A checked CSV table reader: header validation, per-field problems with
//! their position, and a cap on how many problems one file reports.
//!
//! Every file of a data directory, and every edge or ranking file the solver
//! commands take, is read through [`Table`], so that all of them name
//! problems the same way (`file:line: column c: problem`).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, MAX_PROBLEMS, Problem, Problems, Result};

/// One column a file may have.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// Whether the header must be present.
    pub required: bool,
}

/// A required column.
pub const fn required(name: &'static str) -> Column {
    Column { name, required: true }
}

/// An optional column (absent means every field takes its default).
pub const fn optional(name: &'static str) -> Column {
    Column { name, required: false }
}

/// Problems collected while reading one or more files.
#[derive(Debug, Default)]
pub struct ProblemLog {
    problems: Vec<Problem>,
    more: usize,
    /// Problems per file, to cap each file separately.
    current_file_count: usize,
}

impl ProblemLog {
    /// Records a problem, unless the current file already reported [`MAX_PROBLEMS`].
    pub fn push(&mut self, problem: Problem) {
        self.current_file_count += 1;
        if self.current_file_count <= MAX_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.more += 1;
        }
    }

    /// Starts counting for a new file.
    pub fn start_file(&mut self) {
        self.current_file_count = 0;
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, otherwise every problem as one error.
    pub fn into_result<T>(self, value: T) -> Result<T> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(Error::Input(Problems { problems: self.problems, more: self.more }))
        }
    }
}

/// Size of the input buffer: large enough that reads are few, small enough
/// to stay in cache.
const BUFFER: usize = 1 << 16;

/// A CSV file opened for checked reading.
///
/// Rows are split by `csv_core` straight from an input buffer into one
/// reused byte record, so reading allocates nothing per row or field.
/// Line numbers are counted here rather than taken from the `csv` crate's
/// record positions, which name the first of any blank lines before a
/// record instead of the record's own line (BurntSushi/rust-csv#208).
pub struct Table {
    /// The file name used in problems.
    pub file: String,
    input: Box<dyn Read>,
    core: csv_core::Reader,
    buffer: Vec<u8>,
    /// The unread part of `buffer` is `buffer[start..end]`.
    start: usize,
    end: usize,
    /// Whether `input` reported its end.
    eof: bool,
    /// The current row's fields, concatenated (the byte record).
    fields: Vec<u8>,
    /// Where each field of the current row ends in `fields`.
    ends: Vec<usize>,
    /// Number of fields in the current row.
    n_fields: usize,
    /// Number of fields in the header; every row must have as many.
    width: usize,
    /// For each declared column, its position in the file's rows.
    positions: Vec<Option<usize>>,
    line: u64,
    /// Whether a read error stopped the file early.
    stopped: bool,
}

/// Whether `byte` is an ASCII character `str::trim` removes.
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

impl Table {
    /// Opens `path`, naming it `file` in problems, and checks its header
    /// against `columns` (unknown, duplicate and missing required columns are
    /// problems). Returns `Ok(None)` when the header was refused; the
    /// problems are in `log`.
    ///
    /// # Errors
    ///
    /// The file cannot be opened.
    pub fn open(path: &Path, file: &str, columns: &[Column], log: &mut ProblemLog) -> Result<Option<Table>> {
        let handle = File::open(path).map_err(|e| Error::io(path, e))?;
        Ok(Table::from_reader(Box::new(handle), file, columns, log))
    }

    /// As [`Table::open`], over any reader.
    pub fn from_reader(input: Box<dyn Read>, file: &str, columns: &[Column], log: &mut ProblemLog) -> Option<Table> {
        log.start_file();
        let mut table = Table {
            file: file.to_string(),
            input,
            core: csv_core::Reader::new(),
            buffer: vec![0; BUFFER],
            start: 0,
            end: 0,
            eof: false,
            fields: vec![0; 1024],
            ends: vec![0; 32],
            n_fields: 0,
            width: 0,
            positions: vec![None; columns.len()],
            line: 1,
            stopped: false,
        };
        if let Err(e) = table.skip_bom() {
            log.push(Problem::file(file, format!("read failed: {e}")));
            return None;
        }
        match table.read_record() {
            Ok(true) => {}
            Ok(false) => table.n_fields = 0,
            Err(e) => {
                log.push(Problem::file(file, format!("read failed: {e}")));
                return None;
            }
        }
        if table.row_is_invalid_utf8() {
            log.push(Problem::line(file, 1, "not valid UTF-8"));
            return None;
        }
        table.width = table.n_fields;
        if table.width == 0 || (table.width == 1 && table.field(0).is_empty()) {
            log.push(Problem::file(file, "file is empty: expected a header row"));
            return None;
        }
        let names: Vec<String> =
            (0..table.width).map(|at| table.field(at).trim_start_matches('\u{feff}').to_string()).collect();
        let mut ok = true;
        for (at, name) in names.iter().enumerate() {
            let name = name.as_str();
            match columns.iter().position(|c| c.name == name) {
                Some(known) if table.positions[known].is_some() => {
                    log.push(Problem::field(file, 1, name, "column appears twice"));
                    ok = false;
                }
                Some(known) => table.positions[known] = Some(at),
                None => {
                    let expected: Vec<&str> = columns.iter().map(|c| c.name).collect();
                    log.push(Problem::field(
                        file,
                        1,
                        name,
                        format!("unknown column (expected some of: {})", expected.join(", ")),
                    ));
                    ok = false;
                }
            }
        }
        for (column, position) in columns.iter().zip(&table.positions) {
            if column.required && position.is_none() {
                log.push(Problem::field(file, 1, column.name, "required column is missing"));
                ok = false;
            }
        }
        table.line = 1;
        ok.then_some(table)
    }

    /// Drops a UTF-8 byte order mark at the start of the input, which some
    /// spreadsheet programs write and which would otherwise stick to the
    /// first column's name.
    fn skip_bom(&mut self) -> std::io::Result<()> {
        while self.end < 3 && !self.eof {
            self.fill_at_end()?;
        }
        if self.buffer[..self.end].starts_with(b"\xef\xbb\xbf") {
            self.start = 3;
        }
        Ok(())
    }

    /// Appends what `input` has to the buffer (which must have room);
    /// notes the end of the input.
    fn fill_at_end(&mut self) -> std::io::Result<()> {
        loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next record into `fields` and `ends`, setting `line` to
    /// the line it starts on; `false` at the end of the input.
    fn read_record(&mut self) -> std::io::Result<bool> {
        use csv_core::ReadRecordResult;
        let (mut n_out, mut n_ends) = (0, 0);
        let mut started = false;
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = 0;
                self.fill_at_end()?;
            }
            let input = &self.buffer[self.start..self.end];
            let line_before = self.core.line();
            let (res, n_in, out, ends) =
                self.core.read_record(input, &mut self.fields[n_out..], &mut self.ends[n_ends..]);
            if !started {
                // `csv_core` skips blank lines before a record as part of
                // reading it: the record starts at the first byte of this
                // call that is not a line break.
                let consumed = &input[..n_in];
                if let Some(first) = consumed.iter().position(|&b| b != b'\n' && b != b'\r') {
                    started = true;
                    let blank = consumed[..first].iter().filter(|&&b| b == b'\n').count();
                    self.line = line_before + blank as u64;
                }
            }
            self.start += n_in;
            n_out += out;
            n_ends += ends;
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let doubled = self.fields.len() * 2;
                    self.fields.resize(doubled, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let doubled = self.ends.len() * 2;
                    self.ends.resize(doubled, 0);
                }
                ReadRecordResult::Record => {
                    if !started {
                        self.line = self.core.line();
                    }
                    self.n_fields = n_ends;
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }

    /// Field `at` of the current row, untrimmed.
    fn raw(&self, at: usize) -> &[u8] {
        let begin = if at == 0 { 0 } else { self.ends[at - 1] };
        &self.fields[begin..self.ends[at]]
    }

    /// Field `at` of the current row, trimmed; empty if the row is not
    /// valid UTF-8 (such rows are refused before their fields are read).
    fn field(&self, at: usize) -> &str {
        std::str::from_utf8(self.raw(at)).map_or("", str::trim)
    }

    /// Whether some field of the current row is not valid UTF-8. Fields are
    /// checked one by one, as a character split across two fields is no
    /// character; the common all-ASCII row costs one scan.
    fn row_is_invalid_utf8(&self) -> bool {
        let end = if self.n_fields == 0 { 0 } else { self.ends[self.n_fields - 1] };
        // OR-ing the bytes together vectorises, where `is_ascii` stops at
        // each word to test it.
        let all_ascii = self.fields[..end].iter().fold(0u8, |acc, &b| acc | b) < 0x80;
        !all_ascii && (0..self.n_fields).any(|at| std::str::from_utf8(self.raw(at)).is_err())
    }

    /// Advances to the next row; `false` at the end of the file. Rows that
    /// cannot be split into fields are reported and skipped.
    pub fn next_row(&mut self, log: &mut ProblemLog) -> bool {
        while !self.stopped {
            match self.read_record() {
                Ok(true) => {
                    if self.n_fields != self.width {
                        let message = format!("expected {} fields, found {}", self.width, self.n_fields);
                        log.push(Problem::line(&self.file, self.line, message));
                        continue;
                    }
                    if self.row_is_invalid_utf8() {
                        log.push(Problem::line(&self.file, self.line, "not valid UTF-8"));
                        continue;
                    }
                    if self.width == 1 && self.field(0).is_empty() {
                        continue; // a blank line
                    }
                    return true;
                }
                Ok(false) => return false,
                Err(e) => {
                    log.push(Problem::file(&self.file, format!("read failed: {e}")));
                    self.stopped = true;
                }
            }
        }
        false
    }

    /// The current row's line number (the header is line 1).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The current row's field for declared column number `column`,
    /// trimmed; empty when the file has no such column.
    pub fn get(&self, column: usize) -> &str {
        self.positions[column].map_or("", |at| self.field(at))
    }

    /// As [`Table::get`], as bytes, for fields parsed as numbers or looked
    /// up as ids: a field that starts and ends with a visible ASCII
    /// character needs no UTF-8 check or trimming.
    pub fn get_bytes(&self, column: usize) -> &[u8] {
        let Some(at) = self.positions[column] else { return b"" };
        let raw = self.raw(at);
        match (raw.first(), raw.last()) {
            (Some(&first), Some(&last))
                if first.is_ascii() && last.is_ascii() && !is_ascii_space(first) && !is_ascii_space(last) =>
            {
                raw
            }
            _ => self.field(at).as_bytes(),
        }
    }

    /// Whether the file has declared column number `column`.
    pub fn has(&self, column: usize) -> bool {
        self.positions[column].is_some()
    }

    /// A problem with column `name` of the current row.
    pub fn problem(&self, name: &str, message: impl Into<String>) -> Problem {
        Problem::field(&self.file, self.line, name, message)
    }
}

/// Splits a `;`-separated list field, trimming items and skipping empty ones.
pub fn list_items(field: &str) -> impl Iterator<Item = &str> {
    field.split(';').map(str::trim).filter(|item| !item.is_empty())
}

/// Quotes a field value for a problem message, shortening very long ones.
pub fn quoted(value: &str) -> String {
    const LIMIT: usize = 40;
    if value.chars().count() > LIMIT {
        let head: String = value.chars().take(LIMIT).collect();
        format!("{head:?}…")
    } else {
        format!("{value:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &'static str, log: &mut ProblemLog) -> Option<Table> {
        Table::from_reader(Box::new(text.as_bytes()), "t.csv", &[required("id"), optional("x")], log)
    }

    #[test]
    fn header_problems_are_all_reported() {
        let mut log = ProblemLog::default();
        assert!(table("x,y,x\n1,2,3\n", &mut log).is_none());
        let msgs: Vec<String> = log.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "t.csv:1: column y: unknown column (expected some of: id, x)",
                "t.csv:1: column x: column appears twice",
                "t.csv:1: column id: required column is missing",
            ]
        );
    }

    #[test]
    fn ragged_rows_are_reported_and_skipped() {
        let mut log = ProblemLog::default();
        let mut t = table("id,x\na,1\nb\n\nc,3\n", &mut log).unwrap();
        let mut seen = Vec::new();
        while t.next_row(&mut log) {
            seen.push((t.line(), t.get(0).to_string()));
        }
        assert_eq!(seen, [(2, "a".to_string()), (5, "c".to_string())]);
        assert_eq!(log.problems[0].to_string(), "t.csv:3: expected 2 fields, found 1");
    }

    /// Reads `text` as an `id,x` file: each accepted row as `(line, id, x)`,
    /// and every problem.
    fn rows(text: &'static [u8]) -> (Vec<(u64, String, String)>, Vec<String>) {
        let mut log = ProblemLog::default();
        let mut t = Table::from_reader(Box::new(text), "t.csv", &[required("id"), optional("x")], &mut log).unwrap();
        let mut seen = Vec::new();
        while t.next_row(&mut log) {
            seen.push((t.line(), t.get(0).to_string(), t.get(1).to_string()));
        }
        (seen, log.problems.iter().map(|p| p.to_string()).collect())
    }

    fn check(text: &'static [u8], lines: &[(u64, &str)], problems: &[&str]) {
        let (seen, found) = rows(text);
        let seen: Vec<(u64, &str)> = seen.iter().map(|(line, id, _)| (*line, id.as_str())).collect();
        assert_eq!(seen, lines);
        assert_eq!(found, problems);
    }

    /// BurntSushi/rust-csv#208: the `csv` crate names the blank line before
    /// a record as the record's line.
    #[test]
    fn rust_csv_208_lines_after_blank_lines() {
        check(
            b"id,x\na,1\n\n\nb,2\n\nc\nd,4\n\n",
            &[(2, "a"), (5, "b"), (8, "d")],
            &["t.csv:7: expected 2 fields, found 1"],
        );
        check(b"\n\nid,x\n\na,1\n", &[(5, "a")], &[]);
    }

    #[test]
    fn crlf_line_endings() {
        check(
            b"id,x\r\na,1\r\n\r\nb\r\nc,3\r\n\r\n\r\nd,4",
            &[(2, "a"), (5, "c"), (8, "d")],
            &["t.csv:4: expected 2 fields, found 1"],
        );
        let (seen, _) = rows(b"id,x\r\na,1\r\n");
        assert_eq!(seen[0].2, "1");
    }

    #[test]
    fn quoted_line_breaks_stay_in_their_record() {
        let text = b"id,x\na,\"two\nlines\"\nb,2\n\n\"c\nc\",\"x\r\ny\"\ne\n\"f\n\nf\"\n";
        check(
            text,
            &[(2, "a"), (4, "b"), (6, "c\nc")],
            &["t.csv:9: expected 2 fields, found 1", "t.csv:10: expected 2 fields, found 1"],
        );
        let (seen, _) = rows(text);
        assert_eq!(seen[0].2, "two\nlines");
        assert_eq!(seen[2].2, "x\r\ny");
    }

    #[test]
    fn utf8_byte_order_mark_is_skipped() {
        check(b"\xef\xbb\xbfid,x\na,1\n\nb\n", &[(2, "a")], &["t.csv:4: expected 2 fields, found 1"]);
        check(b"\xef\xbb\xbf\"id\",x\na,1\n", &[(2, "a")], &[]);
    }

    #[test]
    fn invalid_utf8_rows_are_reported_and_skipped() {
        check(b"id,x\na,\xff\n\nb,2\n", &[(4, "b")], &["t.csv:2: not valid UTF-8"]);
        // A character split across two fields is no character.
        check(b"id,x\na\xc3,\xa9\nb,2\n", &[(3, "b")], &["t.csv:2: not valid UTF-8"]);
        let mut log = ProblemLog::default();
        assert!(table_bytes(b"id,\xff\n", &mut log).is_none());
        assert_eq!(log.problems[0].to_string(), "t.csv:1: not valid UTF-8");
    }

    fn table_bytes(text: &'static [u8], log: &mut ProblemLog) -> Option<Table> {
        Table::from_reader(Box::new(text), "t.csv", &[required("id"), optional("x")], log)
    }

    #[test]
    fn fields_are_trimmed_like_str_trim() {
        let mut log = ProblemLog::default();
        let mut t = table_bytes(" id ,\u{a0}x\n a\u{3000},\x0b7\t\nb,c d\n".as_bytes(), &mut log).unwrap();
        assert!(t.next_row(&mut log));
        assert_eq!((t.get(0), t.get(1)), ("a", "7"));
        assert_eq!((t.get_bytes(0), t.get_bytes(1)), (&b"a"[..], &b"7"[..]));
        assert!(t.next_row(&mut log));
        assert_eq!((t.get_bytes(0), t.get_bytes(1)), (&b"b"[..], &b"c d"[..]));
        assert!(!t.next_row(&mut log));
        assert!(log.is_empty());
    }

    #[test]
    fn whitespace_lines_are_blank_only_in_one_column_files() {
        let mut log = ProblemLog::default();
        let mut t = Table::from_reader(Box::new(&b"id\na\n  \nb\n"[..]), "t.csv", &[required("id")], &mut log).unwrap();
        let mut seen = Vec::new();
        while t.next_row(&mut log) {
            seen.push((t.line(), t.get(0).to_string()));
        }
        assert_eq!(seen, [(2, "a".to_string()), (4, "b".to_string())]);
        check(b"id,x\na,1\n  \n", &[(2, "a")], &["t.csv:3: expected 2 fields, found 1"]);
    }

    #[test]
    fn empty_files_are_refused() {
        for text in [&b""[..], b"\n\n", b"  \n", b"\xef\xbb\xbf"] {
            let mut log = ProblemLog::default();
            assert!(table_bytes(text, &mut log).is_none());
            assert_eq!(log.problems[0].to_string(), "t.csv: file is empty: expected a header row");
        }
    }

    #[test]
    fn long_rows_and_small_reads() {
        // A reader that hands out one byte at a time exercises every
        // buffer boundary; a long field exercises the record growing.
        struct Trickle(Vec<u8>, usize);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.1 == self.0.len() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[self.1];
                self.1 += 1;
                Ok(1)
            }
        }
        let long = "y".repeat(5000);
        let text = format!("id,x\r\n\r\na,\"{long}\"\r\n\nb,\"1\n2\"\r\nc,3");
        let mut log = ProblemLog::default();
        let columns = [required("id"), optional("x")];
        let mut t = Table::from_reader(Box::new(Trickle(text.into_bytes(), 0)), "t.csv", &columns, &mut log).unwrap();
        let mut seen = Vec::new();
        while t.next_row(&mut log) {
            seen.push((t.line(), t.get(0).to_string(), t.get(1).len()));
        }
        assert_eq!(seen, [(3, "a".to_string(), 5000), (5, "b".to_string(), 3), (7, "c".to_string(), 1)]);
        assert!(log.is_empty());
    }

    #[test]
    fn problems_are_capped_per_file() {
        let mut log = ProblemLog::default();
        for i in 0..(MAX_PROBLEMS + 5) {
            log.push(Problem::line("a.csv", i as u64, "x"));
        }
        log.start_file();
        log.push(Problem::line("b.csv", 1, "y"));
        let err = log.into_result(()).unwrap_err();
        let Error::Input(p) = err else { panic!("expected input error") };
        assert_eq!(p.problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(p.more, 5);
    }
}
