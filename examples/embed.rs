//! Embedding passiton: load a data directory, score, shortlist and match,
//! then print one jobseeker's options with the reasons behind them.
//!
//! ```text
//! cargo run --example embed -- fixtures/sample
//! ```

use std::path::PathBuf;

use passiton::matching::{Mode, match_jobseekers};
use passiton::{CandidateOptions, ScoreContext, ShortlistOptions, Weights};

fn main() -> Result<(), passiton::Error> {
    let dir = std::env::args().nth(1).map_or_else(|| PathBuf::from("fixtures/sample"), PathBuf::from);
    let data = passiton::load_dataset(&dir)?;
    let ctx = ScoreContext::new(&data, Weights::default())?;
    let found = passiton::candidates(&ctx, &CandidateOptions::default());
    let lists = passiton::shortlists(&ctx, &found, &ShortlistOptions::default())?;
    let matching = match_jobseekers(&ctx, &found, Mode::Optimal)?;

    let Some(list) = lists.lists.iter().find(|l| !l.options.is_empty()) else {
        println!("no jobseeker in {} has a feasible mentor or coach", dir.display());
        return Ok(());
    };
    println!("{} can choose from:", data.person(list.jobseeker).id);
    for &(helper, _) in &list.options {
        let scored = ctx.score(list.jobseeker, helper);
        println!("  {} ({:.2}): {}", data.person(helper).id, scored.score, ctx.explain(&scored));
    }
    println!(
        "optimal matching: {} of {} jobseekers matched, total score {:.3}",
        matching.matched,
        matching.rows.len(),
        matching.total_score()
    );
    Ok(())
}
