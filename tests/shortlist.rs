//! Shortlists: options come from the candidates, respect exposure caps, are
//! distinct and ordered, and everyone without options has a reason; built
//! during the search or after it, on any number of threads, they are the
//! same.

mod common;

use common::population;
use passiton::{
    CandidateOptions, ScoreContext, ShortlistOptions, Weights, candidates, search_and_shortlist, shortlists,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn shortlists_respect_caps_and_come_from_candidates(
        data in population(),
        k in 1usize..5,
        exposure in 0.0f64..4.0,
        relevance in 0.0f64..=1.0,
    ) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let found = candidates(&ctx, &CandidateOptions { k: 8 });
        let lists = shortlists(&ctx, &found, &ShortlistOptions { k, exposure, relevance }).unwrap();
        let mut shown = vec![0u32; data.people.len()];
        for (i, list) in lists.lists.iter().enumerate() {
            prop_assert!(list.options.len() <= k);
            prop_assert_eq!(list.options.is_empty(), list.reason.is_some());
            for w in list.options.windows(2) {
                prop_assert!(w[0].1 >= w[1].1, "options sorted by score");
                prop_assert!(w[0].0 != w[1].0);
            }
            for &(helper, score) in &list.options {
                let edge = found.of(i).iter().find(|e| e.helper == helper);
                prop_assert!(edge.is_some_and(|e| e.score == score), "an option is a candidate with its score");
                shown[helper.0 as usize] += 1;
            }
        }
        for (p, person) in data.people.iter().enumerate() {
            let cap = passiton::shortlist::exposure_cap(person.capacity, exposure);
            let limit = if person.role.is_helper() { cap } else { 0 };
            prop_assert!(shown[p] <= limit);
            prop_assert_eq!(shown[p], lists.exposure[p]);
        }
    }

    /// With no exposure limit to speak of, everyone with a candidate gets an option.
    #[test]
    fn everyone_with_a_candidate_gets_an_option_when_caps_allow(data in population()) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let found = candidates(&ctx, &CandidateOptions { k: 8 });
        let lists = shortlists(&ctx, &found, &ShortlistOptions { k: 3, exposure: 100.0, relevance: 0.7 }).unwrap();
        for (i, list) in lists.lists.iter().enumerate() {
            prop_assert_eq!(list.options.is_empty(), found.of(i).is_empty());
        }
    }

    /// The first round chosen while the search runs gives what the search
    /// then the shortlists give.
    #[test]
    fn shortlists_during_the_search_equal_shortlists_after_it(data in population(), k in 0usize..4) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let candidate_options = CandidateOptions { k: 8 };
        let options = ShortlistOptions { k, ..ShortlistOptions::default() };
        let found = candidates(&ctx, &candidate_options);
        let after = shortlists(&ctx, &found, &options).unwrap();
        let (streamed, during) = search_and_shortlist(&ctx, &candidate_options, &options).unwrap();
        prop_assert_eq!(&streamed, &found);
        prop_assert_eq!(during, after);
    }
}

/// On a population searched in several stretches, shortlists are the same
/// during the search or after it, on one thread or two.
#[test]
fn shortlists_are_the_same_however_they_are_run() {
    let data = common::generated(&passiton::GenerateConfig {
        jobseekers: 10_000,
        mentors: 1_300,
        coaches: 150,
        employers: 270,
        seed: 11,
        region: None,
    });
    let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
    let (candidate_options, options) = (CandidateOptions::default(), ShortlistOptions::default());
    let run = |threads: usize, during: bool| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            if during {
                search_and_shortlist(&ctx, &candidate_options, &options).unwrap().1
            } else {
                shortlists(&ctx, &candidates(&ctx, &candidate_options), &options).unwrap()
            }
        })
    };
    let reference = run(1, false);
    assert!(reference.lists.iter().filter(|l| !l.options.is_empty()).count() > 9_000);
    for (threads, during) in [(1, true), (2, true), (2, false)] {
        assert!(run(threads, during) == reference, "{threads} threads, during the search: {during}");
    }
}
