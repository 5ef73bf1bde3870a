//! A batch job over a snapshot: make the snapshot once, then load it (fast)
//! and write every jobseeker's shortlist to a CSV file, atomically.
//!
//! ```text
//! cargo run --release --example batch_snapshot -- fixtures/sample /tmp/sample.snapshot /tmp/shortlist.csv
//! ```

use std::path::Path;

use passiton::{CandidateOptions, ScoreContext, ShortlistOptions, Weights};

fn main() -> Result<(), passiton::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data_dir, snapshot, out] = args.as_slice() else {
        return Err(passiton::Error::Argument("usage: batch_snapshot DATA_DIR SNAPSHOT OUT_CSV".into()));
    };
    let data = passiton::read_dataset(Path::new(data_dir))?;
    passiton::write_snapshot(&data, Path::new(snapshot))?;

    // A later job starts here: loading the snapshot skips CSV parsing and validation.
    let data = passiton::read_snapshot(Path::new(snapshot))?;
    let ctx = ScoreContext::new(&data, Weights::default())?;
    let found = passiton::candidates(&ctx, &CandidateOptions::default());
    let lists = passiton::shortlists(&ctx, &found, &ShortlistOptions::default())?;
    passiton::io::atomic::write_file(Path::new(out), |w| passiton::io::write::write_shortlists(&ctx, &lists, w))?;
    let offered = lists.lists.iter().filter(|l| !l.options.is_empty()).count();
    println!("wrote {out}: {offered} of {} jobseekers have options", lists.lists.len());
    Ok(())
}
