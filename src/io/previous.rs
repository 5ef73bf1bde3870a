//! Reading a previous `match` output for `match --previous`.
//!
//! The file is what `passiton match` wrote: its `jobseeker` and `candidate`
//! columns are read, every other match column is allowed and ignored, so an
//! earlier output can be passed back unchanged. People who are no longer in
//! the data are not an error (people leave programmes): their pairs are
//! counted as departed.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Problem, Result};
use crate::io::csv_table::{Column, ProblemLog, Table, optional, quoted, required};
use crate::model::{Dataset, PersonIdx};

const COLUMNS: [Column; 10] = [
    required("jobseeker"),
    required("candidate"),
    optional("role"),
    optional("score"),
    optional("sector"),
    optional("locality"),
    optional("experience"),
    optional("network"),
    optional("availability"),
    optional("explanation"),
];

/// The pairs of a previous matching, as far as they name people still in the data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviousMatches {
    /// (jobseeker, helper) pairs whose two people are both in the data.
    pub pairs: Vec<(PersonIdx, PersonIdx)>,
    /// Pairs naming someone who is no longer in the data.
    pub departed: usize,
}

/// Reads a previous `match` output.
///
/// # Errors
///
/// The file cannot be read, lacks the `jobseeker` or `candidate` column, or
/// names a jobseeker twice; problems carry file, line and column.
pub fn read_previous_matches(path: &Path, data: &Dataset) -> Result<PreviousMatches> {
    let file = path.display().to_string();
    let mut log = ProblemLog::default();
    let Some(mut table) = Table::open(path, &file, &COLUMNS, &mut log)? else {
        return log.into_result(PreviousMatches::default());
    };
    let ids: HashMap<&str, PersonIdx> =
        data.people.iter().enumerate().map(|(i, p)| (p.id.as_str(), PersonIdx(i as u32))).collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut previous = PreviousMatches::default();
    while table.next_row(&mut log) {
        let (jobseeker, candidate) = (table.get(0), table.get(1));
        if jobseeker.is_empty() {
            log.push(table.problem("jobseeker", "is empty"));
            continue;
        }
        if let Some(first) = seen.insert(jobseeker.to_string(), table.line()) {
            let message = format!("{} appears twice (first on line {first})", quoted(jobseeker));
            log.push(Problem::field(&file, table.line(), "jobseeker", message));
            continue;
        }
        if candidate.is_empty() {
            continue; // unmatched last time
        }
        match (ids.get(jobseeker), ids.get(candidate)) {
            (Some(&j), Some(&h)) => previous.pairs.push((j, h)),
            _ => previous.departed += 1,
        }
    }
    previous.pairs.sort_unstable();
    log.into_result(previous)
}
