//! The exact candidate search and shortlists timed end to end, and the
//! search timed against scoring every pair, in one run: how long each
//! takes, how many pairs each scores, and whether they agree.
//!
//! ```text
//! cargo run --release --example candidate_search -- DATA [--apart] [--brute-force]
//! ```
//!
//! `DATA` is a data directory or a snapshot. The search and shortlists
//! first run together ([`passiton::search_and_shortlist`], which chooses
//! first options while the search runs). `--apart` then runs them one after
//! the other ([`passiton::candidates`], then [`passiton::shortlists`]) and
//! checks that the lists are the same. `--brute-force` times the indexed
//! search alone against scoring every pair; it costs time in proportion to
//! jobseekers × helpers.

use std::path::Path;
use std::time::Instant;

use passiton::{CandidateOptions, ScoreContext, ShortlistOptions, Weights};

fn main() -> Result<(), passiton::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || passiton::Error::Argument("usage: candidate_search DATA [--apart] [--brute-force]".into());
    let (data_path, flags) = args.split_first().ok_or_else(usage)?;
    let (mut apart, mut brute_force) = (false, false);
    for flag in flags {
        match flag.as_str() {
            "--apart" => apart = true,
            "--brute-force" => brute_force = true,
            _ => return Err(usage()),
        }
    }
    let data = passiton::load_dataset(Path::new(data_path))?;
    let ctx = ScoreContext::new(&data, Weights::default())?;
    let (jobseekers, mentors, coaches) = data.role_counts();
    let all_pairs = jobseekers as u64 * (mentors + coaches) as u64;
    println!("{jobseekers} jobseekers, {mentors} mentors, {coaches} coaches: {all_pairs} pairs");
    let options = CandidateOptions::default();
    let shortlist_options = ShortlistOptions::default();

    let start = Instant::now();
    let (found, lists) = passiton::search_and_shortlist(&ctx, &options, &shortlist_options)?;
    let together = start.elapsed().as_secs_f64();
    let offered = lists.lists.iter().filter(|l| !l.options.is_empty()).count();
    println!(
        "search and shortlists together: {together:.2} s, {} pairs scored, {} edges, {offered} jobseekers with options",
        found.pairs_scored,
        found.edges.len()
    );

    if apart {
        drop(found);
        let start = Instant::now();
        let found = passiton::candidates(&ctx, &options);
        let search = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let apart_lists = passiton::shortlists(&ctx, &found, &shortlist_options)?;
        let shortlists = start.elapsed().as_secs_f64();
        println!(
            "apart: search {search:.2} s, shortlists {shortlists:.2} s, {:.2} s in all; same lists: {}",
            search + shortlists,
            if apart_lists == lists { "yes" } else { "NO" }
        );
        if apart_lists != lists {
            return Err(passiton::Error::Argument("shortlists differ when built apart".into()));
        }
    }

    if brute_force {
        let start = Instant::now();
        let found = passiton::candidates(&ctx, &options);
        let indexed = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let every = passiton::candidates_brute_force(&ctx, &options);
        let brute = start.elapsed().as_secs_f64();
        let same = every.lists().eq(found.lists());
        println!(
            "indexed search {indexed:.2} s, {} pairs scored; brute force {brute:.2} s ({:.1}x), {} pairs scored; \
             same candidates: {}",
            found.pairs_scored,
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
