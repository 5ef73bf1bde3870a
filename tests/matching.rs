//! Matching modes on random populations: capacity and hard rules hold in
//! every mode, optimal is never beaten on its own edges, and a rematch with
//! nothing changed changes nothing.

mod common;

use common::population;
use passiton::candidates::Exclusions;
use passiton::matching::{Mode, RematchOptions, compare_modes, rematch};
use passiton::{CandidateOptions, ScoreContext, Weights, candidates, check_pair};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn every_mode_respects_capacity_and_hard_rules(data in population()) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let found = candidates(&ctx, &CandidateOptions { k: 6 });
        let exclusions = Exclusions::of(&data);
        let all = compare_modes(&ctx, &found).unwrap();
        for m in &all {
            let mut load = vec![0u32; data.people.len()];
            for (j, helper) in &m.rows {
                if let Ok(h) = helper {
                    prop_assert!(check_pair(&data, &exclusions, *j, *h).is_ok(), "{:?} broke a hard rule", m.mode);
                    load[h.0 as usize] += 1;
                }
            }
            for (p, person) in data.people.iter().enumerate() {
                prop_assert!(load[p] <= person.capacity, "{:?} overloaded {}", m.mode, person.id);
            }
        }
        let total = |mode| all.iter().find(|m| m.mode == mode).unwrap().total_micros;
        prop_assert!(total(Mode::Optimal) >= total(Mode::Greedy));
        prop_assert!(total(Mode::Optimal) >= total(Mode::Stable));
    }

    #[test]
    fn first_free_is_strict_turns_to_the_nearest_with_room(data in population()) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let found = candidates(&ctx, &CandidateOptions { k: 3 });
        let exclusions = Exclusions::of(&data);
        let fast = passiton::matching::match_jobseekers(&ctx, &found, Mode::FirstFree).unwrap();
        // Rows come in id order: each takes the nearest feasible helper with
        // a place left (ties by id), looking at everyone.
        let mut room: Vec<u32> = data.people.iter().map(|p| p.capacity).collect();
        for (j, got) in &fast.rows {
            let nearest = (0..data.people.len())
                .map(|h| passiton::PersonIdx(h as u32))
                .filter(|h| room[h.0 as usize] > 0)
                .filter_map(|h| check_pair(&data, &exclusions, *j, h).ok().map(|km| (km, data.person(h).id.clone(), h)))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            prop_assert_eq!(got.as_ref().ok().copied(), nearest.as_ref().map(|n| n.2));
            if let Some((_, _, h)) = nearest {
                room[h.0 as usize] -= 1;
            }
        }
    }

    #[test]
    fn rematch_with_nothing_changed_changes_nothing(data in population()) {
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        let found = candidates(&ctx, &CandidateOptions { k: 6 });
        let optimal = compare_modes(&ctx, &found).unwrap().remove(0);
        prop_assert_eq!(optimal.mode, Mode::Optimal);
        let previous: Vec<_> = optimal.rows.iter().filter_map(|(j, h)| h.as_ref().ok().map(|h| (*j, *h))).collect();
        let (again, summary) = rematch(&ctx, &found, &previous, &RematchOptions::default()).unwrap();
        prop_assert_eq!(&again.rows, &optimal.rows);
        prop_assert_eq!(summary.kept, optimal.matched);
        prop_assert_eq!(summary.changed + summary.new + summary.ended, 0);
    }
}
