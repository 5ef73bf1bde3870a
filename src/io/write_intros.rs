//! Writing warm introductions as SPEC.md's `intros` CSV:
//! `jobseeker,rank,employer,path,strength,explanation`, sorted by jobseeker
//! id, then rank.

use std::io::Write;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::intros::{IntroList, explain_intro};
use crate::io::write::{by_id, csv_writer};
use crate::score::ScoreContext;

/// The header of `intros` output.
pub const INTROS_HEADER: [&str; 6] = ["jobseeker", "rank", "employer", "path", "strength", "explanation"];

/// Decimals written for a chain's strength: products of several ties get
/// small, and four decimals would round many apart-ranked chains to equal.
pub const STRENGTH_DECIMALS: usize = 6;

/// Separator between the ids of `path`.
pub const PATH_SEPARATOR: &str = ">";

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io("<output>", e),
        other => Error::Argument(format!("cannot write CSV: {other:?}")),
    }
}

/// Writes introductions as SPEC.md's `intros` CSV.
///
/// Each introduction is a row with its rank (1 = strongest), the employer's
/// id, the path of ids from jobseeker to employer joined by `>`, the
/// strength with [`STRENGTH_DECIMALS`] decimals and a plain-words
/// explanation ([`explain_intro`]). A jobseeker without introductions gets
/// one row with empty `rank`, `employer`, `path` and `strength` and the
/// reason in `explanation`.
///
/// # Errors
///
/// Writing fails.
pub fn write_intros(ctx: &ScoreContext<'_>, lists: &[IntroList], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv_writer(out, &INTROS_HEADER)?;
    let order = by_id(ctx, lists.iter().enumerate().map(|(i, l)| (i, l.jobseeker)));
    // Explanations are the costly part, so rows are formatted in parallel a
    // chunk at a time (indexed `par_iter` + `collect` keeps their order) and
    // written in order; a chunk bounds the memory held in formatted rows.
    for chunk in order.chunks(ROWS_PER_CHUNK) {
        let rows: Vec<Vec<[String; 6]>> = chunk.par_iter().map(|&(i, _)| rows_of(ctx, &lists[i])).collect();
        for row in rows.iter().flatten() {
            writer.write_record(row).map_err(csv_error)?;
        }
    }
    writer.flush().map_err(|e| Error::io("<output>", e))
}

/// Jobseekers whose rows are formatted together.
const ROWS_PER_CHUNK: usize = 16_384;

/// The CSV rows of one jobseeker's introductions.
fn rows_of(ctx: &ScoreContext<'_>, list: &IntroList) -> Vec<[String; 6]> {
    let data = ctx.data;
    let jobseeker_id = &data.person(list.jobseeker).id;
    if list.intros.is_empty() {
        let reason = list.reason.map(|r| r.to_string()).unwrap_or_default();
        return vec![[jobseeker_id.clone(), String::new(), String::new(), String::new(), String::new(), reason]];
    }
    list.intros
        .iter()
        .enumerate()
        .map(|(rank, intro)| {
            let employer_id = &data.employer(intro.employer).id;
            let mut path = String::new();
            for person in &intro.path {
                path.push_str(&data.person(*person).id);
                path.push_str(PATH_SEPARATOR);
            }
            path.push_str(employer_id);
            [
                jobseeker_id.clone(),
                (rank + 1).to_string(),
                employer_id.clone(),
                path,
                // Adding +0.0 turns a -0.0 into 0.0, so zero always prints the same way.
                format!("{:.STRENGTH_DECIMALS$}", intro.strength + 0.0),
                explain_intro(ctx, intro),
            ]
        })
        .collect()
}
