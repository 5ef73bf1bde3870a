//! The one error type of the library, and input problems that carry their
//! position (file, line, column) the way `csv` errors carry a `Position`.

use std::fmt;
use std::path::PathBuf;

/// How many problems one refused input reports before it stops collecting.
///
/// A file with a systematic mistake (say, every row has a bad date) would
/// otherwise print a million lines; the first hundred say all there is to say.
pub const MAX_PROBLEMS: usize = 100;

/// One problem found in an input file, with where it was found.
///
/// Displays as SPEC.md's line: `people.csv:17: column max_km: "ten" is not a number`.
/// `line` is the 1-based line in the file (the header is line 1); a problem
/// with the file as a whole has no line, and a problem with a row as a whole
/// has no column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// File name as the user knows it (`people.csv`, or the path given on the command line).
    pub file: String,
    /// 1-based line number, if the problem belongs to one line.
    pub line: Option<u64>,
    /// Column name, if the problem belongs to one field.
    pub column: Option<String>,
    /// What is wrong, in lower case, without a final period.
    pub message: String,
}

impl Problem {
    /// A problem with one field of one line.
    pub fn field(file: &str, line: u64, column: &str, message: impl Into<String>) -> Problem {
        Problem { file: file.to_string(), line: Some(line), column: Some(column.to_string()), message: message.into() }
    }

    /// A problem with a whole line.
    pub fn line(file: &str, line: u64, message: impl Into<String>) -> Problem {
        Problem { file: file.to_string(), line: Some(line), column: None, message: message.into() }
    }

    /// A problem with the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Problem {
        Problem { file: file.to_string(), line: None, column: None, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a refused input, in file then line order.
///
/// Never empty. Displays as the first problem, followed by a count of the
/// rest, so that a one-line error stays one line; `problems` holds them all
/// (up to [`MAX_PROBLEMS`] per file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems {
    /// The problems, in the order they were found.
    pub problems: Vec<Problem>,
    /// Problems found beyond those kept in `problems`.
    pub more: usize,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.first() {
            Some(first) => write!(f, "{first}")?,
            None => write!(f, "invalid input")?,
        }
        let rest = self.problems.len().saturating_sub(1) + self.more;
        match rest {
            0 => Ok(()),
            1 => write!(f, " (and 1 more problem)"),
            n => write!(f, " (and {n} more problems)"),
        }
    }
}

/// The error type of every fallible function in passiton.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input was refused; every problem found is listed.
    #[error("{0}")]
    Input(Problems),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A snapshot file was refused (wrong magic, newer version, truncated, corrupted).
    #[error("{}: {problem}", path.display())]
    Snapshot {
        /// The snapshot file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// A solver was given input it cannot solve exactly (an index out of
    /// range, a weight that would overflow, an infeasible demand).
    #[error("{solver}: {problem}")]
    Solver {
        /// Which solver refused (`assign`, `stable`, `pair`, ...).
        solver: &'static str,
        /// What is wrong with its input.
        problem: String,
    },
    /// An argument or option is out of its range (weights, k, a target directory).
    #[error("{0}")]
    Argument(String),
}

impl Error {
    /// An input error holding a single problem.
    pub fn input(problem: Problem) -> Error {
        Error::Input(Problems { problems: vec![problem], more: 0 })
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    /// A solver refusing its input.
    pub fn solver(solver: &'static str, problem: impl Into<String>) -> Error {
        Error::Solver { solver, problem: problem.into() }
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_displays_as_spec_line() {
        let p = Problem::field("people.csv", 17, "max_km", "\"ten\" is not a number");
        assert_eq!(p.to_string(), "people.csv:17: column max_km: \"ten\" is not a number");
        assert_eq!(
            Problem::line("a.csv", 3, "expected 4 fields, found 2").to_string(),
            "a.csv:3: expected 4 fields, found 2"
        );
        assert_eq!(Problem::file("a.csv", "empty file").to_string(), "a.csv: empty file");
    }

    #[test]
    fn problems_display_first_and_count() {
        let p = Problems { problems: vec![Problem::line("a.csv", 2, "x"), Problem::line("a.csv", 3, "y")], more: 4 };
        assert_eq!(Error::Input(p).to_string(), "a.csv:2: x (and 5 more problems)");
    }
}
