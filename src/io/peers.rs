//! Writing `passiton peers` results: SPEC.md's `a,b,score,explanation` CSV
//! and the closing JSON line.
//!
//! Each pair is one row with `a < b` by id. A jobseeker left without a peer
//! is one row with their id in `a`, empty `b` and `score`, and the reason in
//! `explanation`. Rows are sorted by `a`, then `b` (an id appears in one row
//! only, so `a` alone orders them).

use std::io::Write;

use crate::error::{Error, Result};
use crate::io::write::{csv_writer, fixed};
use crate::peers::{PeerPairs, explain_peers};
use crate::score::ScoreContext;

/// The header of `peers` output.
pub const PEERS_HEADER: [&str; 4] = ["a", "b", "score", "explanation"];

/// Writes peer pairs, then unpaired jobseekers, merged in id order, as
/// SPEC.md's `peers` CSV.
///
/// # Errors
///
/// Writing fails.
pub fn write_peer_pairs(ctx: &ScoreContext<'_>, result: &PeerPairs, out: &mut dyn Write) -> Result<()> {
    let data = ctx.data;
    let mut rows: Vec<(u32, [String; 4])> = Vec::with_capacity(result.pairs.len() + result.unpaired.len());
    for pair in &result.pairs {
        rows.push((
            ctx.id_rank[pair.a.0 as usize],
            [
                data.person(pair.a).id.clone(),
                data.person(pair.b).id.clone(),
                fixed(pair.score),
                explain_peers(ctx, &result.weights, pair),
            ],
        ));
    }
    for (person, reason) in &result.unpaired {
        rows.push((
            ctx.id_rank[person.0 as usize],
            [data.person(*person).id.clone(), String::new(), String::new(), reason.clone()],
        ));
    }
    rows.sort_by_key(|(rank, _)| *rank);
    let mut writer = csv_writer(out, &PEERS_HEADER)?;
    for (_, row) in rows {
        writer.write_record(&row).map_err(|e| Error::Argument(format!("cannot write CSV: {e}")))?;
    }
    writer.flush().map_err(|e| Error::io("<output>", e))
}

/// The closing JSON line of `peers`: `matched` (pairs), `unpaired`,
/// `total_score` (sum of the pairs' scores at six decimals, the precision
/// they are paired at), `candidate_edges` and `pairs_scored`.
pub fn peers_summary(result: &PeerPairs) -> String {
    serde_json::json!({
        "matched": result.pairs.len(),
        "unpaired": result.unpaired.len(),
        "total_score": result.total_score(),
        "candidate_edges": result.candidate_edges,
        "pairs_scored": result.pairs_scored,
    })
    .to_string()
}
