//! The exact candidate search timed against scoring every pair, in one run:
//! how long each takes, how many pairs each scores, and whether they agree.
//!
//! ```text
//! cargo run --release --example candidate_search -- DATA [--brute-force]
//! ```
//!
//! `DATA` is a data directory or a snapshot. Without `--brute-force` only
//! the indexed search (and shortlists after it) runs; brute force costs
//! time in proportion to jobseekers × helpers.

use std::path::Path;
use std::time::Instant;

use passiton::{CandidateOptions, ScoreContext, ShortlistOptions, Weights};

fn main() -> Result<(), passiton::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (data_path, brute_force) = match args.as_slice() {
        [data] => (data, false),
        [data, flag] if flag == "--brute-force" => (data, true),
        _ => return Err(passiton::Error::Argument("usage: candidate_search DATA [--brute-force]".into())),
    };
    let data = passiton::load_dataset(Path::new(data_path))?;
    let ctx = ScoreContext::new(&data, Weights::default())?;
    let (jobseekers, mentors, coaches) = data.role_counts();
    let all_pairs = jobseekers as u64 * (mentors + coaches) as u64;
    println!("{jobseekers} jobseekers, {mentors} mentors, {coaches} coaches: {all_pairs} pairs");
    let options = CandidateOptions::default();

    let start = Instant::now();
    let found = passiton::candidates(&ctx, &options);
    let indexed = start.elapsed().as_secs_f64();
    println!("indexed search: {indexed:.2} s, {} pairs scored, {} edges", found.pairs_scored, found.edges.len());

    let start = Instant::now();
    let lists = passiton::shortlists(&ctx, &found, &ShortlistOptions::default())?;
    let offered = lists.lists.iter().filter(|l| !l.options.is_empty()).count();
    println!("shortlists: {:.2} s, {offered} jobseekers with options", start.elapsed().as_secs_f64());

    if brute_force {
        let start = Instant::now();
        let every = passiton::candidates_brute_force(&ctx, &options);
        let brute = start.elapsed().as_secs_f64();
        let same = every.offsets == found.offsets && every.edges == found.edges;
        println!(
            "brute force: {brute:.2} s ({:.1}x the indexed search), {} pairs scored; same candidates: {}",
            brute / indexed.max(1e-9),
            every.pairs_scored,
            if same { "yes" } else { "NO" }
        );
        if !same {
            return Err(passiton::Error::Argument("the indexed search and brute force disagree".into()));
        }
    }
    Ok(())
}
