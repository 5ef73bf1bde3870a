//! Peer pairs: the indexed candidate search against scoring every pair, the
//! exact pairing against enumeration, hard rules, determinism, and what
//! explanations may say.

mod common;

use std::collections::HashMap;
use std::path::Path;

use passiton::candidates::Exclusions;
use passiton::peers::{
    PeerCandidates, PeerOptions, check_peers, pair_candidates, peer_candidates, peer_candidates_brute_force, peer_pairs,
};
use passiton::{Dataset, ScoreContext, Weights};
use proptest::prelude::*;

/// The largest total (scaled) score of any pairing over the candidate edges,
/// by enumeration: the first free vertex either stays single or pairs with
/// one of its free neighbours. Memoised on the set of free vertices.
fn brute_force_total(found: &PeerCandidates) -> i64 {
    let problem = found.problem();
    let n = problem.n;
    let mut adjacent: Vec<Vec<(usize, i64)>> = vec![Vec::new(); n];
    for e in &problem.edges {
        adjacent[e.a as usize].push((e.b as usize, e.score));
        adjacent[e.b as usize].push((e.a as usize, e.score));
    }
    fn best(used: u64, n: usize, adjacent: &[Vec<(usize, i64)>], memo: &mut HashMap<u64, i64>) -> i64 {
        let Some(v) = (0..n).find(|&v| used & (1 << v) == 0) else { return 0 };
        if let Some(&known) = memo.get(&used) {
            return known;
        }
        let mut res = best(used | 1 << v, n, adjacent, memo);
        for &(w, score) in &adjacent[v] {
            if used & (1 << w) == 0 && score > 0 {
                res = res.max(score + best(used | 1 << v | 1 << w, n, adjacent, memo));
            }
        }
        memo.insert(used, res);
        res
    }
    best(0, n, &adjacent, &mut HashMap::new())
}

/// Checks one population: candidates, pairing and rules.
fn check(data: &Dataset) {
    let ctx = ScoreContext::new(data, Weights::default()).unwrap();
    // A pool larger than the population holds every feasible peer, so the
    // indexed search must equal scoring every pair.
    let options = PeerOptions { k: 3, pool: data.people.len() + 1, ..PeerOptions::default() };
    let found = peer_candidates(&ctx, &options).unwrap();
    let brute = peer_candidates_brute_force(&ctx, &options).unwrap();
    assert_eq!(found.edges, brute.edges);
    let exclusions = Exclusions::of(data);
    for e in &found.edges {
        let (a, b) = (found.jobseekers[e.a as usize], found.jobseekers[e.b as usize]);
        assert!(check_peers(data, &exclusions, a, b).is_ok(), "candidate edge breaks a hard rule");
    }
    let result = pair_candidates(&ctx, &options, &found).unwrap();
    if found.jobseekers.len() <= 40 {
        assert_eq!(result.total_micros, brute_force_total(&found));
    }
    let mut seen = std::collections::HashSet::new();
    for pair in &result.pairs {
        assert!(data.person(pair.a).id < data.person(pair.b).id);
        assert!(check_peers(data, &exclusions, pair.a, pair.b).is_ok(), "pair breaks a hard rule");
        assert!(seen.insert(pair.a) && seen.insert(pair.b), "someone is in two pairs");
    }
    assert_eq!(2 * result.pairs.len() + result.unpaired.len(), found.jobseekers.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn pairing_is_exact_over_candidate_edges(data in common::population_up_to(40)) {
        check(&data);
    }

    #[test]
    fn small_pools_keep_hard_rules(data in common::population()) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let options = PeerOptions { k: 2, pool: 3, ..PeerOptions::default() };
        let result = peer_pairs(&ctx, &options).unwrap();
        let exclusions = Exclusions::of(&data);
        for pair in &result.pairs {
            prop_assert!(check_peers(&data, &exclusions, pair.a, pair.b).is_ok());
        }
    }
}

/// The `peers` CSV and summary line for a data directory, as bytes.
fn peers_output(dir: &Path) -> Vec<u8> {
    let data = passiton::load_dataset(dir).unwrap();
    let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
    let result = peer_pairs(&ctx, &PeerOptions::default()).unwrap();
    let mut out = Vec::new();
    passiton::io::peers::write_peer_pairs(&ctx, &result, &mut out).unwrap();
    out.extend_from_slice(passiton::io::peers::peers_summary(&result).as_bytes());
    out
}

#[test]
fn output_is_the_same_for_any_thread_count() {
    let sample = Path::new("fixtures/sample");
    let run = |threads| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| peers_output(sample))
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn output_is_the_same_for_shuffled_rows() {
    let sample = Path::new("fixtures/sample");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(sample).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let people = std::fs::read_to_string(sample.join("people.csv")).unwrap();
    let mut lines: Vec<&str> = people.lines().collect();
    let header = lines.remove(0);
    // A fixed permutation: reversed, then every third row moved to the front.
    lines.reverse();
    let (thirds, rest): (Vec<_>, Vec<_>) = lines.iter().enumerate().partition(|(i, _)| i % 3 == 0);
    let shuffled: Vec<&str> = thirds.into_iter().chain(rest).map(|(_, l)| *l).collect();
    std::fs::write(dir.path().join("people.csv"), format!("{header}\n{}\n", shuffled.join("\n"))).unwrap();
    assert_eq!(peers_output(sample), peers_output(dir.path()));
}

#[test]
fn explanations_never_mention_unconsented_experience() {
    let write = |consent: &str| {
        let dir = tempfile::tempdir().unwrap();
        let people = format!(
            "id,role,area,lat,lon,sectors,skills,experiences,consent\n\
             a,jobseeker,E08000003,53.48,-2.24,86,cooking,prison_leaver;care_leaver,{consent}\n\
             b,jobseeker,E08000003,53.49,-2.25,86,driving,prison_leaver;care_leaver,{consent}\n"
        );
        std::fs::write(dir.path().join("people.csv"), people).unwrap();
        dir
    };
    let hidden = write("no");
    let text = String::from_utf8(peers_output(hidden.path())).unwrap();
    assert!(text.contains("a,b,"), "{text}");
    assert!(!text.contains("prison") && !text.contains("care leaver"), "{text}");
    // With consent the same tags are a reason, so the check above is not vacuous.
    let shown = write("yes");
    let text = String::from_utf8(peers_output(shown.path())).unwrap();
    assert!(text.contains("both care leavers and prison leavers"), "{text}");
}

#[test]
fn the_command_line_writes_rows_and_a_summary() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_passiton"))
        .args(["peers", "--data", "fixtures/sample"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("a,b,score,explanation\n"));
    let summary: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert!(summary["matched"].as_u64().unwrap() > 0);
    assert!(summary["total_score"].as_f64().unwrap() > 0.0);
}
