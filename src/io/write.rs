//! Writing results as CSV (SPEC.md's columns, sorted by the first column,
//! then the second) and the JSON summary lines.
//!
//! Writers take any `io::Write`; the command line points them at stdout or
//! at an atomic file (see [`crate::io::atomic`]). Numbers are written with a
//! fixed number of decimals so that equal results are equal bytes.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::PersonIdx;
use crate::score::{ScoreContext, Scored};
use crate::shortlist::Shortlists;

/// Decimals written for scores and components.
pub const DECIMALS: usize = 4;

/// The header of `shortlist` output.
pub const SHORTLIST_HEADER: [&str; 11] = [
    "jobseeker",
    "rank",
    "candidate",
    "role",
    "score",
    "sector",
    "locality",
    "experience",
    "network",
    "availability",
    "explanation",
];

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io("<output>", e),
        other => Error::Argument(format!("cannot write CSV: {other:?}")),
    }
}

/// A CSV writer over `out` with the given header already written.
pub fn csv_writer<'w>(out: &'w mut dyn Write, header: &[&str]) -> Result<csv::Writer<&'w mut dyn Write>> {
    let mut writer = csv::WriterBuilder::new().from_writer(out);
    writer.write_record(header).map_err(csv_error)?;
    Ok(writer)
}

/// Items whose rows are formatted together by one thread in
/// [`write_rows_in_parallel`].
const ROWS_PER_TASK: usize = 2048;

/// Writes `header`, then the rows of every item in order: rows are formatted
/// (scores explained, fields quoted) in parallel, a slice of items per
/// task, and written out in item order, so the bytes are those of writing
/// one row after another. Memory holds a few tasks' rows at a time.
///
/// # Errors
///
/// Writing fails, or `rows` fails.
pub fn write_rows_in_parallel<T: Sync>(
    out: &mut dyn Write,
    header: &[&str],
    items: &[T],
    rows: impl Fn(&mut csv::Writer<&mut Vec<u8>>, &T) -> Result<()> + Sync,
) -> Result<()> {
    use rayon::prelude::*;
    let mut head = csv_writer(out, header)?;
    head.flush().map_err(|e| Error::io("<output>", e))?;
    drop(head);
    let per_round = ROWS_PER_TASK * 4 * rayon::current_num_threads().max(1);
    for round in items.chunks(per_round) {
        let parts: Vec<Result<Vec<u8>>> = round
            .par_chunks(ROWS_PER_TASK)
            .map(|task| {
                let mut bytes = Vec::new();
                let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(&mut bytes);
                for item in task {
                    rows(&mut writer, item)?;
                }
                writer.flush().map_err(|e| Error::io("<output>", e))?;
                drop(writer);
                Ok(bytes)
            })
            .collect();
        for part in parts {
            out.write_all(&part?).map_err(|e| Error::io("<output>", e))?;
        }
    }
    out.flush().map_err(|e| Error::io("<output>", e))
}

/// Formats a number in [0, 1] with [`DECIMALS`] decimals.
pub fn fixed(value: f64) -> String {
    // Adding +0.0 turns a -0.0 into 0.0, so zero always prints the same way.
    format!("{:.DECIMALS$}", value + 0.0)
}

/// The score columns of a scored pair: role, score, five components, explanation.
pub fn score_fields(ctx: &ScoreContext<'_>, scored: &Scored) -> [String; 8] {
    let c = &scored.components;
    [
        ctx.data.person(scored.candidate).role.as_str().to_string(),
        fixed(scored.score),
        fixed(c.sector),
        fixed(c.locality),
        fixed(c.experience),
        fixed(c.network),
        fixed(c.availability),
        ctx.explain(scored),
    ]
}

/// Jobseeker indices sorted by id.
pub fn by_id(ctx: &ScoreContext<'_>, people: impl Iterator<Item = (usize, PersonIdx)>) -> Vec<(usize, PersonIdx)> {
    let mut order: Vec<(usize, PersonIdx)> = people.collect();
    order.sort_by_key(|&(_, p)| ctx.id_rank[p.0 as usize]);
    order
}

/// Writes shortlists as SPEC.md's `shortlist` CSV.
///
/// A jobseeker without options gets one row with empty `rank` and
/// `candidate` and the reason in `explanation`.
///
/// # Errors
///
/// Writing fails.
pub fn write_shortlists(ctx: &ScoreContext<'_>, lists: &Shortlists, out: &mut dyn Write) -> Result<()> {
    let order = by_id(ctx, lists.lists.iter().enumerate().map(|(i, l)| (i, l.jobseeker)));
    write_rows_in_parallel(out, &SHORTLIST_HEADER, &order, |writer, &(i, jobseeker)| {
        let list = &lists.lists[i];
        let jobseeker_id = &ctx.data.person(jobseeker).id;
        if list.options.is_empty() {
            let reason = list.reason.as_deref().unwrap_or("no options");
            let mut row = vec![jobseeker_id.as_str(), "", "", "", "", "", "", "", "", ""];
            row.push(reason);
            return writer.write_record(&row).map_err(csv_error);
        }
        for (rank, &(helper, _)) in list.options.iter().enumerate() {
            let scored = ctx.score(jobseeker, helper);
            let rank = (rank + 1).to_string();
            let mut row = vec![jobseeker_id.clone(), rank, ctx.data.person(helper).id.clone()];
            row.extend(score_fields(ctx, &scored));
            writer.write_record(&row).map_err(csv_error)?;
        }
        Ok(())
    })
}

/// The header of `match` output.
pub const MATCH_HEADER: [&str; 10] = [
    "jobseeker",
    "candidate",
    "role",
    "score",
    "sector",
    "locality",
    "experience",
    "network",
    "availability",
    "explanation",
];

/// Writes a matching as SPEC.md's `match` CSV: one row per jobseeker, in id
/// order; an unmatched jobseeker has an empty `candidate` and the reason in
/// `explanation`.
///
/// # Errors
///
/// Writing fails.
pub fn write_matching(ctx: &ScoreContext<'_>, matching: &crate::matching::Matching, out: &mut dyn Write) -> Result<()> {
    write_rows_in_parallel(out, &MATCH_HEADER, &matching.rows, |writer, (jobseeker, helper)| {
        let jobseeker_id = ctx.data.person(*jobseeker).id.clone();
        let row = match helper {
            Ok(helper) => {
                let scored = ctx.score(*jobseeker, *helper);
                let mut row = vec![jobseeker_id, ctx.data.person(*helper).id.clone()];
                row.extend(score_fields(ctx, &scored));
                row
            }
            Err(reason) => {
                let mut row = vec![jobseeker_id];
                row.extend(std::iter::repeat_n(String::new(), 8));
                row.push(reason.clone());
                row
            }
        };
        writer.write_record(&row).map_err(csv_error)
    })
}

/// The closing JSON line of `match`: the chosen mode's figures, and every
/// mode's matched count and total score for comparison.
pub fn matching_summary(chosen: &crate::matching::Matching, all: &[crate::matching::Matching]) -> String {
    let figures = |m: &crate::matching::Matching| {
        serde_json::json!({
            "matched": m.matched,
            "unmatched": m.rows.len() - m.matched,
            "total_score": round6(m.total_score()),
        })
    };
    let mut modes = serde_json::Map::new();
    for m in all {
        modes.insert(m.mode.as_str().to_string(), figures(m));
    }
    serde_json::json!({
        "mode": chosen.mode.as_str(),
        "matched": chosen.matched,
        "unmatched": chosen.rows.len() - chosen.matched,
        "total_score": round6(chosen.total_score()),
        "modes": modes,
    })
    .to_string()
}

/// Rounds to six decimals, the precision scores are matched at.
fn round6(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// The header of `assign` output.
pub const ASSIGN_HEADER: [&str; 3] = ["mentee", "mentor", "score"];
/// The header of `stable` output.
pub const STABLE_HEADER: [&str; 2] = ["mentee", "mentor"];
/// The header of `pair` output.
pub const PAIR_HEADER: [&str; 3] = ["a", "b", "score"];

/// Writes an assignment as SPEC.md's `assign` CSV: one row per matched
/// mentee with the score of its edge. Indices follow sorted ids, so rows
/// come out sorted by mentee (each has one mentor).
///
/// # Errors
///
/// Writing fails.
pub fn write_assignment(
    input: &crate::io::solver_input::AssignInput,
    assignment: &crate::assign::Assignment,
    out: &mut dyn Write,
) -> Result<()> {
    let mut score_of = vec![0i64; input.problem.n_mentees];
    for e in &input.problem.edges {
        if assignment.mentor_of.get(e.mentee as usize) == Some(&Some(e.mentor)) {
            score_of[e.mentee as usize] = e.score;
        }
    }
    let mut writer = csv_writer(out, &ASSIGN_HEADER)?;
    for (mentee, mentor) in assignment.mentor_of.iter().enumerate() {
        if let Some(mentor) = mentor {
            let score = score_of[mentee].to_string();
            let row = [input.mentees[mentee].as_str(), input.mentors[*mentor as usize].as_str(), score.as_str()];
            writer.write_record(row).map_err(csv_error)?;
        }
    }
    writer.flush().map_err(|e| Error::io("<output>", e))
}

/// The closing JSON line of `assign`: `matched`, `unmatched` (mentees with
/// no mentor) and the exact integer `total_score`.
pub fn assignment_summary(
    input: &crate::io::solver_input::AssignInput,
    assignment: &crate::assign::Assignment,
) -> String {
    serde_json::json!({
        "matched": assignment.matched,
        "unmatched": input.problem.n_mentees - assignment.matched,
        "total_score": assignment.total_score,
    })
    .to_string()
}

/// Writes a stable matching as SPEC.md's `stable` CSV, sorted by mentee.
///
/// # Errors
///
/// Writing fails.
pub fn write_stable_matching(
    input: &crate::io::solver_input::StableInput,
    matching: &crate::stable::StableMatching,
    out: &mut dyn Write,
) -> Result<()> {
    let mut writer = csv_writer(out, &STABLE_HEADER)?;
    for (mentee, mentor) in matching.mentor_of.iter().enumerate() {
        if let Some(mentor) = mentor {
            let row = [input.mentees[mentee].as_str(), input.mentors[*mentor as usize].as_str()];
            writer.write_record(row).map_err(csv_error)?;
        }
    }
    writer.flush().map_err(|e| Error::io("<output>", e))
}

/// The sum over matched mentees of the rank (1 = first choice) each gave
/// its mentor: lower is better.
pub fn mentee_rank_sum(input: &crate::io::solver_input::StableInput, matching: &crate::stable::StableMatching) -> u64 {
    let mut sum = 0u64;
    for (list, mentor) in input.problem.mentee_prefs.iter().zip(&matching.mentor_of) {
        if let Some(mentor) = mentor {
            sum += list.iter().position(|m| m == mentor).map_or(0, |at| at as u64 + 1);
        }
    }
    sum
}

/// The closing JSON line of `stable`. Rankings carry no scores, so
/// `total_score` is the [`mentee_rank_sum`] (lower is better), also given
/// under that name; `blocking_pairs` is the recounted number of blocking
/// pairs (0 for a stable matching).
pub fn stable_summary(
    input: &crate::io::solver_input::StableInput,
    matching: &crate::stable::StableMatching,
    blocking_pairs: usize,
) -> String {
    let rank_sum = mentee_rank_sum(input, matching);
    serde_json::json!({
        "matched": matching.matched,
        "unmatched": input.mentees.len() - matching.matched,
        "total_score": rank_sum,
        "mentee_rank_sum": rank_sum,
        "blocking_pairs": blocking_pairs,
    })
    .to_string()
}

/// Writes a pairing as SPEC.md's `pair` CSV: `a < b` by id, rows sorted by
/// `a` (each id is in at most one pair).
///
/// # Errors
///
/// Writing fails.
pub fn write_pairing(
    input: &crate::io::solver_input::PairInput,
    pairing: &crate::pair::Pairing,
    out: &mut dyn Write,
) -> Result<()> {
    // The score of each pair, kept at its smaller index.
    let mut score_of = vec![0i64; input.problem.n];
    for e in &input.problem.edges {
        if pairing.mate.get(e.a as usize) == Some(&Some(e.b)) {
            score_of[e.a.min(e.b) as usize] = e.score;
        }
    }
    let mut writer = csv_writer(out, &PAIR_HEADER)?;
    for (v, mate) in pairing.mate.iter().enumerate() {
        // Indices follow sorted ids, so `v < mate` means id(v) < id(mate).
        if let Some(mate) = mate.filter(|&m| v < m as usize) {
            let score = score_of[v].to_string();
            let row = [input.ids[v].as_str(), input.ids[mate as usize].as_str(), score.as_str()];
            writer.write_record(row).map_err(csv_error)?;
        }
    }
    writer.flush().map_err(|e| Error::io("<output>", e))
}

/// The closing JSON line of `pair`: `matched` (pairs), `unpaired` (ids in
/// no pair) and the exact integer `total_score`.
pub fn pairing_summary(input: &crate::io::solver_input::PairInput, pairing: &crate::pair::Pairing) -> String {
    serde_json::json!({
        "matched": pairing.pairs,
        "unpaired": input.problem.n - 2 * pairing.pairs,
        "total_score": pairing.total_score,
    })
    .to_string()
}
