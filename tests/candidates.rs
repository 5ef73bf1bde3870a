//! Candidate search: the indexed search equals brute force exactly, and no
//! candidate breaks a hard rule.

mod common;

use common::population;
use passiton::{CandidateOptions, PersonIdx, ScoreContext, Weights, candidates, candidates_brute_force, check_pair};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn indexed_search_equals_brute_force(data in population(), k in 1usize..6) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let options = CandidateOptions { k };
        let fast = candidates(&ctx, &options);
        let slow = candidates_brute_force(&ctx, &options);
        prop_assert_eq!(fast.lists().collect::<Vec<_>>(), slow.lists().collect::<Vec<_>>());
        prop_assert_eq!(&fast.no_candidate, &slow.no_candidate);
        prop_assert!(fast.pairs_scored <= slow.pairs_scored);
    }

    #[test]
    fn indexed_search_equals_brute_force_when_spread_out(data in population(), k in 1usize..6, spread in 2.0f64..8.0) {
        // Up to a few hundred km apart, so that online pairs fall on both
        // sides of the line between the local and the online tree.
        let mut data = data;
        for p in &mut data.people {
            p.lat = 53.45 + (p.lat - 53.45) * spread;
            p.lon = -2.25 + (p.lon + 2.25) * spread;
        }
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let options = CandidateOptions { k };
        let fast = candidates(&ctx, &options);
        let slow = candidates_brute_force(&ctx, &options);
        prop_assert_eq!(fast.lists().collect::<Vec<_>>(), slow.lists().collect::<Vec<_>>());
        prop_assert_eq!(&fast.no_candidate, &slow.no_candidate);
    }

    #[test]
    fn no_candidate_breaks_a_hard_rule(data in population()) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let found = candidates(&ctx, &CandidateOptions { k: 10 });
        let exclusions = passiton::candidates::Exclusions::of(&data);
        for (i, &j) in found.jobseekers.iter().enumerate() {
            for edge in found.of(i) {
                prop_assert!(check_pair(&data, &exclusions, j, edge.helper).is_ok());
                prop_assert!((0.0..=1.0).contains(&edge.score));
            }
            if found.of(i).is_empty() {
                prop_assert!(passiton::candidates::no_candidate_reason(&data, &exclusions, j).is_some());
            }
        }
    }
}

#[test]
fn unconsented_experience_never_changes_a_score() {
    let tiny =
        passiton::read_dataset(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tiny"))).unwrap();
    let ctx = ScoreContext::new(&tiny, Weights::default()).unwrap();
    // js2 listed prison_leaver without consent; the coach specialises in it.
    let js2 = PersonIdx(tiny.people.iter().position(|p| p.id == "js2").unwrap() as u32);
    let c1 = PersonIdx(tiny.people.iter().position(|p| p.id == "c1").unwrap() as u32);
    let scored = ctx.score(js2, c1);
    assert_eq!(scored.components.experience, 0.0);
    assert!(!ctx.explain(&scored).contains("prison"), "{}", ctx.explain(&scored));
}

#[test]
fn indexed_search_equals_brute_force_on_a_generated_population() {
    // Deep trees: hundreds of helpers, online pairs across the country, and
    // k large enough that leaves are bounded against a low k-th score.
    let data = common::generated(&passiton::GenerateConfig {
        jobseekers: 2_000,
        mentors: 500,
        coaches: 60,
        employers: 100,
        seed: 7,
        region: None,
    });
    let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
    for k in [3, 50] {
        let options = CandidateOptions { k };
        let fast = candidates(&ctx, &options);
        let slow = candidates_brute_force(&ctx, &options);
        assert!(fast.lists().eq(slow.lists()), "k = {k}");
        assert_eq!(fast.no_candidate, slow.no_candidate, "k = {k}");
        assert!(fast.pairs_scored < slow.pairs_scored, "k = {k}");
    }
}
