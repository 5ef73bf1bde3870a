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

/// A CSV file opened for checked reading.
pub struct Table {
    /// The file name used in problems.
    pub file: String,
    reader: csv::Reader<Box<dyn Read>>,
    /// For each declared column, its position in the file's rows.
    positions: Vec<Option<usize>>,
    record: csv::StringRecord,
    line: u64,
    /// Whether a read error stopped the file early.
    stopped: bool,
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
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).buffer_capacity(1 << 16).from_reader(input);
        let headers = match reader.headers() {
            Ok(headers) => headers.clone(),
            Err(e) => {
                log.push(problem_of_csv_error(file, &e, 1));
                return None;
            }
        };
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            log.push(Problem::file(file, "file is empty: expected a header row"));
            return None;
        }
        let mut positions = vec![None; columns.len()];
        let mut ok = true;
        for (at, name) in headers.iter().enumerate() {
            let name = name.trim_start_matches('\u{feff}');
            match columns.iter().position(|c| c.name == name) {
                Some(known) if positions[known].is_some() => {
                    log.push(Problem::field(file, 1, name, "column appears twice"));
                    ok = false;
                }
                Some(known) => positions[known] = Some(at),
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
        for (column, position) in columns.iter().zip(&positions) {
            if column.required && position.is_none() {
                log.push(Problem::field(file, 1, column.name, "required column is missing"));
                ok = false;
            }
        }
        ok.then(|| Table {
            file: file.to_string(),
            reader,
            positions,
            record: csv::StringRecord::new(),
            line: 1,
            stopped: false,
        })
    }

    /// Advances to the next row; `false` at the end of the file. Rows that
    /// cannot be split into fields are reported and skipped.
    pub fn next_row(&mut self, log: &mut ProblemLog) -> bool {
        while !self.stopped {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {
                    self.line = self.record.position().map_or(self.line + 1, |p| p.line());
                    if self.record.len() == 1 && self.record[0].is_empty() {
                        continue; // a blank line
                    }
                    return true;
                }
                Ok(false) => return false,
                Err(e) => {
                    let line = e.position().map_or(self.line + 1, |p| p.line());
                    self.line = line;
                    log.push(problem_of_csv_error(&self.file, &e, line));
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                        self.stopped = true;
                    }
                }
            }
        }
        false
    }

    /// The current row's line number (the header is line 1).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The current row's field for declared column number `column`; empty
    /// when the file has no such column.
    pub fn get(&self, column: usize) -> &str {
        self.positions[column].and_then(|at| self.record.get(at)).unwrap_or("")
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

fn problem_of_csv_error(file: &str, error: &csv::Error, line: u64) -> Problem {
    match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            Problem::line(file, line, format!("expected {expected_len} fields, found {len}"))
        }
        csv::ErrorKind::Utf8 { .. } => Problem::line(file, line, "not valid UTF-8"),
        csv::ErrorKind::Io(e) => Problem::file(file, format!("read failed: {e}")),
        _ => Problem::line(file, line, error.to_string()),
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
