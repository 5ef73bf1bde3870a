//! Stable matching of mentees to mentors with capacities and incomplete
//! preference lists (the hospitals/residents problem).
//!
//! # Problem
//!
//! Every mentee ranks some of the mentors, best first; every mentor ranks
//! some of the mentees, best first, and can take up to `capacity` mentees
//! (zero allowed). A list need not name everyone: a (mentee, mentor) pair is
//! *acceptable* only if each names the other. A *matching* gives each mentee
//! at most one mentor, only in acceptable pairs, and no mentor more mentees
//! than its capacity.
//!
//! A mentee `i` and a mentor `j` *block* a matching when they are an
//! acceptable pair not matched together, `i` is unmatched or prefers `j` to
//! its mentor, and `j` has a free place or prefers `i` to the worst mentee it
//! holds. A matching with no blocking pair is *stable*: nobody has a reason
//! to go around it.
//!
//! # What [`stable_matching`] guarantees
//!
//! * The matching is stable ([`blocking_pairs`] returns nothing for it).
//! * It is **mentee-optimal**: every mentee gets the best mentor it has in
//!   any stable matching, so no stable matching is better for any mentee.
//!   (It is at the same time the worst stable matching for every mentor.)
//! * By the "rural hospitals" theorem, every stable matching matches the same
//!   mentees and fills each mentor to the same number of places, and a mentor
//!   left short of capacity gets the same mentees in all of them (Roth
//!   1986); so the count `matched` is not a choice the solver made.
//!
//! # Algorithm and complexity
//!
//! Mentee-proposing deferred acceptance (Gale & Shapley 1962, in Roth's
//! 1984 form for capacities). Each free mentee proposes to the next mentor on
//! its list; a mentor holds its best proposals up to its capacity and rejects
//! the rest, and a rejected mentee moves on down its list. Each mentor's held
//! mentees sit in a binary max-heap of its ranks, so the worst one is found
//! in O(1) and replaced in O(log c).
//!
//! With `L` the total length of all lists, `n` mentees and `m` mentors, the
//! run is O(n + m + L log c) time (`c` the largest capacity actually usable)
//! and O(n + m + L) memory. Mentor-side ranks are looked up in O(1) through
//! an array laid out parallel to the mentee lists and built in O(n + m + L)
//! by bucketing, with no hash map. [`blocking_pairs`] is O(n + m + L) plus
//! the sort of what it returns.
//!
//! # Determinism and tie-breaking
//!
//! Lists are strict rankings, so there are no ties to break in the solver.
//! Mentees start proposing in index order, and a mentee pushed out proposes
//! again at once (McVitie & Wilson's 1971 one-chain-at-a-time form). The
//! order cannot change the result: the proof that deferred acceptance ends
//! in the mentee-optimal stable matching holds for every order of proposals,
//! and that matching is unique. [`prefs_from_scores`] breaks equal scores by
//! the lower index.
//!
//! # Limits
//!
//! * Indices are `u32`: fewer than `u32::MAX` mentees and fewer than
//!   `u32::MAX` mentors (the top value marks "not ranked" inside).
//! * Memory while solving is about 4 bytes per mentee-list entry and 8 per
//!   mentor-list entry on top of the problem itself.
//! * Refused, never panicking: an index out of range, the same index twice
//!   in one list, `capacities` not one per mentor, and (for
//!   [`blocking_pairs`]) a matching whose size, pairs or loads do not fit the
//!   problem.
//! * Ties in preferences are not expressible; with ties, stable matchings can
//!   differ in size and finding a largest one is NP-hard (Manlove et al.
//!   2002); break ties before building the problem ([`prefs_from_scores`]
//!   does so by index).
//!
//! # References
//!
//! * D. Gale and L. S. Shapley, "College admissions and the stability of
//!   marriage", *American Mathematical Monthly* 69 (1962) 9–15.
//! * A. E. Roth, "The evolution of the labor market for medical interns and
//!   residents: a case study in game theory", *Journal of Political Economy*
//!   92 (1984) 991–1016.
//! * A. E. Roth, "On the allocation of residents to rural hospitals: a
//!   general property of two-sided matching markets", *Econometrica* 54
//!   (1986) 425–427.
//! * D. G. McVitie and L. B. Wilson, "The stable marriage problem",
//!   *Communications of the ACM* 14 (1971) 486–490.
//! * D. F. Manlove, R. W. Irving, K. Iwama, S. Miyazaki and Y. Morita,
//!   "Hard variants of stable marriage", *Theoretical Computer Science* 276
//!   (2002) 261–279.
//! * D. Gusfield and R. W. Irving, *The Stable Marriage Problem: Structure
//!   and Algorithms*, MIT Press, 1989.
//!
//! # Example
//!
//! ```
//! use passiton::stable::{StableProblem, blocking_pairs, stable_matching};
//!
//! // Two mentees both want mentor 0, which has one place and prefers mentee 1.
//! let problem = StableProblem {
//!     mentee_prefs: vec![vec![0, 1], vec![0]],
//!     mentor_prefs: vec![vec![1, 0], vec![0]],
//!     capacities: vec![1, 1],
//! };
//! let matching = stable_matching(&problem)?;
//! assert_eq!(matching.mentor_of, vec![Some(1), Some(0)]);
//! assert_eq!(matching.matched, 2);
//! assert!(blocking_pairs(&problem, &matching)?.is_empty());
//! # Ok::<(), passiton::Error>(())
//! ```

use std::cmp::Reverse;

use crate::{Error, Result};

/// The solver name carried by every error of this module.
const SOLVER: &str = "stable";

/// Marks "this mentor does not list this mentee" (and "no one yet" in stamp
/// arrays). No real rank or index reaches it, since counts are below `u32::MAX`.
const UNRANKED: u32 = u32::MAX;

/// A stable-matching instance on dense indices.
///
/// Mentees are `0..mentee_prefs.len()`, mentors are `0..mentor_prefs.len()`.
/// Each list is a strict ranking, best first, and may leave people out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StableProblem {
    /// `mentee_prefs[i]`: the mentors mentee `i` accepts, best first.
    pub mentee_prefs: Vec<Vec<u32>>,
    /// `mentor_prefs[j]`: the mentees mentor `j` accepts, best first.
    pub mentor_prefs: Vec<Vec<u32>>,
    /// `capacities[j]`: how many mentees mentor `j` can take (zero allowed).
    pub capacities: Vec<u32>,
}

/// A matching of mentees to mentors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StableMatching {
    /// `mentor_of[i]`: mentee `i`'s mentor, or `None` if it is unmatched.
    pub mentor_of: Vec<Option<u32>>,
    /// How many mentees are matched (the number of `Some` in `mentor_of`).
    pub matched: usize,
}

fn refuse(problem: String) -> Error {
    Error::solver(SOLVER, problem)
}

/// A validated problem with the mentor-side ranks laid out for O(1) lookup.
struct Ranked {
    /// Mentee `i`'s entries in `mentor_rank` are `start[i]..start[i + 1]`.
    start: Vec<usize>,
    /// `mentor_rank[start[i] + p]` is the rank (0 = best) that mentor
    /// `mentee_prefs[i][p]` gives mentee `i`, or [`UNRANKED`] if it does not
    /// list `i`. Parallel to the mentee lists so a proposal reads it directly.
    mentor_rank: Vec<u32>,
}

impl Ranked {
    fn new(problem: &StableProblem) -> Result<Ranked> {
        let n_mentees = problem.mentee_prefs.len();
        let n_mentors = problem.mentor_prefs.len();
        if problem.capacities.len() != n_mentors {
            return Err(refuse(format!("{} capacities given for {} mentors", problem.capacities.len(), n_mentors)));
        }
        // Counts stay below u32::MAX so that every index and rank fits in a
        // u32 and UNRANKED is never a real value.
        if n_mentees >= UNRANKED as usize || n_mentors >= UNRANKED as usize {
            return Err(refuse(format!(
                "{n_mentees} mentees and {n_mentors} mentors: at most {} of each",
                UNRANKED - 1
            )));
        }

        // `stamp[j] == i` means mentor j was already seen in mentee i's list.
        let mut stamp = vec![UNRANKED; n_mentors];
        for (i, list) in problem.mentee_prefs.iter().enumerate() {
            for &j in list {
                let Some(seen) = stamp.get_mut(j as usize) else {
                    return Err(refuse(format!("mentee {i} lists mentor {j}, but there are {n_mentors} mentors")));
                };
                if *seen == i as u32 {
                    return Err(refuse(format!("mentee {i} lists mentor {j} twice")));
                }
                *seen = i as u32;
            }
        }

        // Same check on the mentor side, counting how often each mentee is
        // listed so the (mentor, rank) entries can be bucketed by mentee.
        let mut listed = vec![0usize; n_mentees + 1];
        {
            let mut stamp = vec![UNRANKED; n_mentees];
            for (j, list) in problem.mentor_prefs.iter().enumerate() {
                for &i in list {
                    let Some(seen) = stamp.get_mut(i as usize) else {
                        return Err(refuse(format!("mentor {j} lists mentee {i}, but there are {n_mentees} mentees")));
                    };
                    if *seen == j as u32 {
                        return Err(refuse(format!("mentor {j} lists mentee {i} twice")));
                    }
                    *seen = j as u32;
                    listed[i as usize + 1] += 1;
                }
            }
        }
        for i in 0..n_mentees {
            listed[i + 1] += listed[i];
        }

        // Bucket every (mentor, rank) by the mentee it concerns.
        let mut fill = listed.clone();
        let mut by_mentee = vec![(0u32, 0u32); listed[n_mentees]];
        for (j, list) in problem.mentor_prefs.iter().enumerate() {
            for (rank, &i) in list.iter().enumerate() {
                let slot = &mut fill[i as usize];
                by_mentee[*slot] = (j as u32, rank as u32);
                *slot += 1;
            }
        }

        // Per mentee: note the rank each mentor gives it, then read those
        // ranks off in the order of the mentee's own list.
        stamp.fill(UNRANKED);
        let mut rank_from = vec![0u32; n_mentors];
        let total: usize = problem.mentee_prefs.iter().map(Vec::len).sum();
        let mut start = Vec::with_capacity(n_mentees + 1);
        let mut mentor_rank = Vec::with_capacity(total);
        for (i, list) in problem.mentee_prefs.iter().enumerate() {
            start.push(mentor_rank.len());
            for &(j, rank) in &by_mentee[listed[i]..listed[i + 1]] {
                stamp[j as usize] = i as u32;
                rank_from[j as usize] = rank;
            }
            mentor_rank.extend(
                list.iter().map(|&j| if stamp[j as usize] == i as u32 { rank_from[j as usize] } else { UNRANKED }),
            );
        }
        start.push(mentor_rank.len());
        Ok(Ranked { start, mentor_rank })
    }

    /// The mentor-side ranks parallel to mentee `i`'s list.
    fn ranks_of(&self, i: usize) -> &[u32] {
        &self.mentor_rank[self.start[i]..self.start[i + 1]]
    }
}

/// Restores the max-heap after `heap[i]` was appended at the end.
fn sift_up(heap: &mut [u32], mut i: usize) {
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent] >= heap[i] {
            break;
        }
        heap.swap(parent, i);
        i = parent;
    }
}

/// Restores the max-heap after the root was replaced.
fn sift_down(heap: &mut [u32]) {
    let mut i = 0;
    loop {
        let left = 2 * i + 1;
        if left >= heap.len() {
            break;
        }
        let right = left + 1;
        let child = if right < heap.len() && heap[right] > heap[left] { right } else { left };
        if heap[i] >= heap[child] {
            break;
        }
        heap.swap(i, child);
        i = child;
    }
}

/// Computes the mentee-optimal stable matching by mentee-proposing deferred
/// acceptance.
///
/// The result is stable and every mentee gets its best mentor among all
/// stable matchings (see the [module documentation](self) for the
/// definitions, complexity and references). It does not depend on the order
/// of proposals; mentees are processed in index order all the same.
///
/// # Errors
///
/// [`Error::Solver`] (solver `"stable"`) if `capacities` is not one per
/// mentor, an index is out of range, an index appears twice in one list, or
/// there are `u32::MAX` or more mentees or mentors.
///
/// # Complexity
///
/// O(n + m + L log c) time and O(n + m + L) memory for `n` mentees, `m`
/// mentors, total list length `L` and largest usable capacity `c`.
pub fn stable_matching(problem: &StableProblem) -> Result<StableMatching> {
    let ranked = Ranked::new(problem)?;
    let n_mentees = problem.mentee_prefs.len();
    let n_mentors = problem.mentor_prefs.len();

    // Mentor j's held ranks live in held[heap_start[j]..heap_start[j + 1]],
    // a max-heap whose root is its worst held mentee. A mentor can never
    // hold more mentees than it lists, which bounds the memory even for
    // capacities like u32::MAX meaning "no limit".
    let mut heap_start = Vec::with_capacity(n_mentors + 1);
    heap_start.push(0usize);
    for (list, &capacity) in problem.mentor_prefs.iter().zip(&problem.capacities) {
        let places = list.len().min(capacity as usize);
        heap_start.push(heap_start[heap_start.len() - 1] + places);
    }
    let mut held = vec![0u32; heap_start[n_mentors]];
    let mut held_len = vec![0usize; n_mentors];
    // Next position to propose to in each mentee's list.
    let mut next = vec![0usize; n_mentees];

    for first in 0..n_mentees {
        let mut mentee = first;
        // A mentee pushed out of a full mentor proposes again straight away,
        // so this chain ends when someone is held without displacing anyone
        // or runs out of list.
        loop {
            let list = &problem.mentee_prefs[mentee];
            let ranks = ranked.ranks_of(mentee);
            let mut p = next[mentee];
            let mut displaced = None;
            while p < list.len() {
                let j = list[p] as usize;
                let rank = ranks[p];
                p += 1;
                if rank == UNRANKED {
                    continue;
                }
                let heap = &mut held[heap_start[j]..heap_start[j + 1]];
                let len = held_len[j];
                if len < heap.len() {
                    heap[len] = rank;
                    sift_up(&mut heap[..=len], len);
                    held_len[j] = len + 1;
                    break;
                }
                // Full (or zero places): only a better proposal gets in,
                // and it pushes out the worst held mentee.
                if let Some(&worst) = heap.first() {
                    if rank < worst {
                        heap[0] = rank;
                        sift_down(heap);
                        displaced = Some(problem.mentor_prefs[j][worst as usize] as usize);
                        break;
                    }
                }
            }
            next[mentee] = p;
            match displaced {
                Some(other) => mentee = other,
                None => break,
            }
        }
    }

    let mut mentor_of = vec![None; n_mentees];
    let mut matched = 0;
    for (j, list) in problem.mentor_prefs.iter().enumerate() {
        for &rank in &held[heap_start[j]..heap_start[j] + held_len[j]] {
            mentor_of[list[rank as usize] as usize] = Some(j as u32);
            matched += 1;
        }
    }
    Ok(StableMatching { mentor_of, matched })
}

/// Lists every pair `(mentee, mentor)` that blocks `matching`, sorted.
///
/// A pair blocks when both list each other, they are not matched together,
/// the mentee is unmatched or prefers this mentor to its own, and the mentor
/// has a free place or prefers this mentee to the worst one it holds. An
/// empty result means `matching` is stable. Runs in O(n + m + L) plus the
/// sort of the result (`L` the total list length), so it suits large
/// instances.
///
/// # Errors
///
/// [`Error::Solver`] (solver `"stable"`) for any problem [`stable_matching`]
/// refuses, and for a matching that is not one of this problem: `mentor_of`
/// not one per mentee, `matched` not its number of `Some`, a mentor index out
/// of range, a pair that is not acceptable to both, or a mentor over its
/// capacity.
pub fn blocking_pairs(problem: &StableProblem, matching: &StableMatching) -> Result<Vec<(u32, u32)>> {
    let ranked = Ranked::new(problem)?;
    let n_mentees = problem.mentee_prefs.len();
    let n_mentors = problem.mentor_prefs.len();
    if matching.mentor_of.len() != n_mentees {
        return Err(refuse(format!("matching has {} mentees, problem has {n_mentees}", matching.mentor_of.len())));
    }

    // Each mentor's load and the rank of its worst held mentee; and for each
    // mentee, how far down its list the mentors it prefers to its own go.
    let mut load = vec![0u32; n_mentors];
    let mut worst = vec![0u32; n_mentors];
    let mut better_than_own = Vec::with_capacity(n_mentees);
    let mut matched = 0usize;
    for (i, (&assigned, list)) in matching.mentor_of.iter().zip(&problem.mentee_prefs).enumerate() {
        let Some(j) = assigned else {
            better_than_own.push(list.len());
            continue;
        };
        if j as usize >= n_mentors {
            return Err(refuse(format!("mentee {i} is matched to mentor {j}, but there are {n_mentors} mentors")));
        }
        let ranks = ranked.ranks_of(i);
        let position = list.iter().position(|&listed| listed == j);
        let Some(p) = position.filter(|&p| ranks[p] != UNRANKED) else {
            return Err(refuse(format!("mentee {i} is matched to mentor {j}, which is not an acceptable pair")));
        };
        let j = j as usize;
        load[j] += 1;
        worst[j] = worst[j].max(ranks[p]);
        better_than_own.push(p);
        matched += 1;
    }
    if matched != matching.matched {
        return Err(refuse(format!("matching says {} mentees are matched, but {matched} are", matching.matched)));
    }
    if let Some(j) = (0..n_mentors).find(|&j| load[j] > problem.capacities[j]) {
        return Err(refuse(format!(
            "mentor {j} holds {} mentees, over its capacity of {}",
            load[j], problem.capacities[j]
        )));
    }

    let mut pairs = Vec::new();
    for (i, list) in problem.mentee_prefs.iter().enumerate() {
        let ranks = ranked.ranks_of(i);
        for (&j, &rank) in list.iter().zip(ranks).take(better_than_own[i]) {
            let j = j as usize;
            if rank != UNRANKED && (load[j] < problem.capacities[j] || rank < worst[j]) {
                pairs.push((i as u32, j as u32));
            }
        }
    }
    pairs.sort_unstable();
    Ok(pairs)
}

/// Builds a [`StableProblem`] whose rankings follow scores.
///
/// `edges` holds `(mentee, mentor, score)` triples; each is an acceptable
/// pair, and pairs not in `edges` are not acceptable. Each mentee ranks its
/// mentors by score, highest first, equal scores by lower mentor index; each
/// mentor ranks its mentees the same way, equal scores by lower mentee
/// index. There are `n_mentees` mentees and one mentor per entry of
/// `capacities`. Runs in O(n + m + E log d) for `E` edges and `d` the
/// longest list (edges are bucketed per person, then each list is sorted).
///
/// # Errors
///
/// [`Error::Solver`] (solver `"stable"`) if an index is out of range, a pair
/// appears twice, or there are `u32::MAX` or more mentees or mentors.
pub fn prefs_from_scores(n_mentees: usize, capacities: Vec<u32>, edges: &[(u32, u32, i64)]) -> Result<StableProblem> {
    let n_mentors = capacities.len();
    if n_mentees >= UNRANKED as usize || n_mentors >= UNRANKED as usize {
        return Err(refuse(format!("{n_mentees} mentees and {n_mentors} mentors: at most {} of each", UNRANKED - 1)));
    }
    for &(i, j, _) in edges {
        if i as usize >= n_mentees {
            return Err(refuse(format!("edge names mentee {i}, but there are {n_mentees} mentees")));
        }
        if j as usize >= n_mentors {
            return Err(refuse(format!("edge names mentor {j}, but there are {n_mentors} mentors")));
        }
    }

    let mentee_prefs = rank_by_score(n_mentees, edges.iter().map(|&(i, j, score)| (i, j, score)));
    // Each pair must appear once; a repeat would be a mentor listed twice.
    let mut stamp = vec![UNRANKED; n_mentors];
    for (i, list) in mentee_prefs.iter().enumerate() {
        for &j in list {
            if stamp[j as usize] == i as u32 {
                return Err(refuse(format!("edge (mentee {i}, mentor {j}) appears twice")));
            }
            stamp[j as usize] = i as u32;
        }
    }
    let mentor_prefs = rank_by_score(n_mentors, edges.iter().map(|&(i, j, score)| (j, i, score)));
    Ok(StableProblem { mentee_prefs, mentor_prefs, capacities })
}

/// One list per owner of the `(owner, other, score)` triples: others by
/// score, highest first, equal scores by lower index. Owners must be in
/// range. Buckets by owner first so only each owner's short list is sorted.
fn rank_by_score(n_owners: usize, triples: impl Iterator<Item = (u32, u32, i64)> + Clone) -> Vec<Vec<u32>> {
    let mut start = vec![0usize; n_owners + 1];
    for (owner, _, _) in triples.clone() {
        start[owner as usize + 1] += 1;
    }
    for k in 0..n_owners {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut flat = vec![(Reverse(0i64), 0u32); start[n_owners]];
    for (owner, other, score) in triples {
        let slot = &mut fill[owner as usize];
        flat[*slot] = (Reverse(score), other);
        *slot += 1;
    }
    (0..n_owners)
        .map(|k| {
            let bucket = &mut flat[start[k]..start[k + 1]];
            bucket.sort_unstable();
            bucket.iter().map(|&(_, other)| other).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problem(mentee_prefs: Vec<Vec<u32>>, mentor_prefs: Vec<Vec<u32>>, capacities: Vec<u32>) -> StableProblem {
        StableProblem { mentee_prefs, mentor_prefs, capacities }
    }

    fn matching_of(mentor_of: Vec<Option<u32>>) -> StableMatching {
        let matched = mentor_of.iter().flatten().count();
        StableMatching { mentor_of, matched }
    }

    /// Gale & Shapley (1962), Example 1: men α, β, γ (mentees 0, 1, 2) and
    /// women A, B, C (mentors 0, 1, 2) with the ranking matrix
    ///
    /// ```text
    ///        A       B       C
    ///   α  (1,3)   (2,2)   (3,1)
    ///   β  (3,1)   (1,3)   (2,2)
    ///   γ  (2,2)   (3,1)   (1,3)
    /// ```
    ///
    /// (first number: the man's rank of the woman; second: hers of him).
    /// The paper notes three stable sets: every man with his first choice,
    /// every woman with her first choice, and everyone with their second.
    fn gale_shapley_example_1() -> StableProblem {
        problem(
            vec![vec![0, 1, 2], vec![1, 2, 0], vec![2, 0, 1]],
            vec![vec![1, 2, 0], vec![2, 0, 1], vec![0, 1, 2]],
            vec![1, 1, 1],
        )
    }

    #[test]
    fn gale_shapley_1962_example_1_men_propose() {
        let p = gale_shapley_example_1();
        let m = stable_matching(&p).unwrap();
        // Men propose: each gets his first choice (α–A, β–B, γ–C).
        assert_eq!(m, matching_of(vec![Some(0), Some(1), Some(2)]));
        assert!(blocking_pairs(&p, &m).unwrap().is_empty());
        // The other two stable sets of the paper are stable here too...
        let women_first = matching_of(vec![Some(2), Some(0), Some(1)]);
        let all_second = matching_of(vec![Some(1), Some(2), Some(0)]);
        assert!(blocking_pairs(&p, &women_first).unwrap().is_empty());
        assert!(blocking_pairs(&p, &all_second).unwrap().is_empty());
        // ...and the other three of the six complete matchings are not.
        for unstable in [[0, 2, 1], [1, 0, 2], [2, 1, 0]] {
            let m = matching_of(unstable.iter().map(|&j| Some(j)).collect());
            assert!(!blocking_pairs(&p, &m).unwrap().is_empty(), "{unstable:?}");
        }
    }

    #[test]
    fn gale_shapley_1962_example_1_women_propose() {
        // Swapping the roles, the proposing side again gets its first
        // choices: A–β, B–γ, C–α.
        let p = gale_shapley_example_1();
        let swapped = problem(p.mentor_prefs.clone(), p.mentee_prefs.clone(), vec![1, 1, 1]);
        let m = stable_matching(&swapped).unwrap();
        assert_eq!(m, matching_of(vec![Some(1), Some(2), Some(0)]));
    }

    #[test]
    fn capacities_hold_the_best_proposals() {
        // Mentor 0 (two places) is everyone's first choice and prefers 3, 1, 0, 2.
        let p = problem(
            vec![vec![0, 1], vec![0, 1], vec![0, 1], vec![0]],
            vec![vec![3, 1, 0, 2], vec![2, 0, 1]],
            vec![2, 1],
        );
        let m = stable_matching(&p).unwrap();
        // 3 and 1 keep mentor 0; 0 and 2 fall back to mentor 1, which takes 2.
        assert_eq!(m, matching_of(vec![None, Some(0), Some(1), Some(0)]));
        assert!(blocking_pairs(&p, &m).unwrap().is_empty());
    }

    #[test]
    fn zero_capacity_and_one_sided_lists_match_nobody() {
        let p = problem(vec![vec![0, 1], vec![1]], vec![vec![0], vec![]], vec![0, 5]);
        let m = stable_matching(&p).unwrap();
        assert_eq!(m, matching_of(vec![None, None]));
        assert!(blocking_pairs(&p, &m).unwrap().is_empty());
    }

    #[test]
    fn huge_capacity_costs_no_memory() {
        let p = problem(vec![vec![0]; 3], vec![vec![2, 1, 0]], vec![u32::MAX]);
        let m = stable_matching(&p).unwrap();
        assert_eq!(m.matched, 3);
    }

    #[test]
    fn empty_problem() {
        let m = stable_matching(&StableProblem::default()).unwrap();
        assert_eq!(m, StableMatching::default());
    }

    #[test]
    fn blocking_pairs_are_found_and_sorted() {
        let p = gale_shapley_example_1();
        // α–C, β–B, γ–A is not stable; the result must follow the definition.
        let m = matching_of(vec![Some(2), Some(1), Some(0)]);
        assert_eq!(blocking_pairs(&p, &m).unwrap(), naive_blocking_pairs(&p, &m.mentor_of));
        let empty = matching_of(vec![None, None, None]);
        let all: Vec<(u32, u32)> = (0..3).flat_map(|i| (0..3).map(move |j| (i, j))).collect();
        assert_eq!(blocking_pairs(&p, &empty).unwrap(), all);
    }

    fn refusal(result: Result<impl std::fmt::Debug>) -> String {
        match result {
            Err(e @ Error::Solver { solver: "stable", .. }) => e.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn bad_problems_are_refused() {
        let cases = [
            (problem(vec![vec![2]], vec![vec![0]], vec![1]), "mentee 0 lists mentor 2"),
            (problem(vec![vec![0, 0]], vec![vec![0]], vec![1]), "mentee 0 lists mentor 0 twice"),
            (problem(vec![vec![0]], vec![vec![1]], vec![1]), "mentor 0 lists mentee 1"),
            (problem(vec![vec![0]], vec![vec![0, 0]], vec![1]), "mentor 0 lists mentee 0 twice"),
            (problem(vec![vec![0]], vec![vec![0]], vec![]), "0 capacities given for 1 mentors"),
        ];
        for (p, expected) in cases {
            let message = refusal(stable_matching(&p));
            assert!(message.starts_with("stable: "), "{message}");
            assert!(message.contains(expected), "{message} should say {expected}");
            refusal(blocking_pairs(&p, &StableMatching::default()));
        }
    }

    #[test]
    fn bad_matchings_are_refused() {
        let p = problem(vec![vec![0], vec![0, 1]], vec![vec![0, 1], vec![]], vec![1, 1]);
        let cases = [
            (matching_of(vec![Some(0)]), "matching has 1 mentees"),
            (matching_of(vec![Some(3), None]), "mentee 0 is matched to mentor 3"),
            (matching_of(vec![None, Some(1)]), "not an acceptable pair"),
            (matching_of(vec![Some(0), Some(0)]), "over its capacity"),
            (StableMatching { mentor_of: vec![Some(0), None], matched: 2 }, "says 2 mentees"),
        ];
        for (m, expected) in cases {
            let message = refusal(blocking_pairs(&p, &m));
            assert!(message.contains(expected), "{message} should say {expected}");
        }
    }

    #[test]
    fn scores_rank_highest_first_ties_by_index() {
        let edges = [(0, 1, 5), (0, 0, 5), (0, 2, 9), (1, 1, 7), (2, 1, 7), (1, 0, -3)];
        let p = prefs_from_scores(3, vec![1, 2, 1], &edges).unwrap();
        assert_eq!(p.mentee_prefs, vec![vec![2, 0, 1], vec![1, 0], vec![1]]);
        assert_eq!(p.mentor_prefs, vec![vec![0, 1], vec![1, 2, 0], vec![0]]);
        assert_eq!(p.capacities, vec![1, 2, 1]);
        assert!(refusal(prefs_from_scores(3, vec![1], &[(0, 0, 1), (0, 0, 2)])).contains("twice"));
        assert!(refusal(prefs_from_scores(3, vec![1], &[(3, 0, 1)])).contains("mentee 3"));
        assert!(refusal(prefs_from_scores(3, vec![1], &[(0, 1, 1)])).contains("mentor 1"));
    }

    // ---- Brute-force oracle ----

    /// Position of `x` in `list`, if listed.
    fn position(list: &[u32], x: u32) -> Option<usize> {
        list.iter().position(|&y| y == x)
    }

    /// Blocking pairs straight from the definition, with no precomputation.
    fn naive_blocking_pairs(p: &StableProblem, mentor_of: &[Option<u32>]) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        for (i, list) in p.mentee_prefs.iter().enumerate() {
            for (pos, &j) in list.iter().enumerate() {
                let Some(rank) = position(&p.mentor_prefs[j as usize], i as u32) else { continue };
                let mentee_wants = match mentor_of[i] {
                    None => true,
                    Some(own) => position(list, own).is_some_and(|own_pos| pos < own_pos),
                };
                let held: Vec<usize> = (0..mentor_of.len())
                    .filter(|&k| mentor_of[k] == Some(j))
                    .map(|k| position(&p.mentor_prefs[j as usize], k as u32).unwrap())
                    .collect();
                let mentor_wants = (held.len() as u32) < p.capacities[j as usize] || held.iter().any(|&h| rank < h);
                if mentee_wants && mentor_wants && mentor_of[i] != Some(j) {
                    pairs.push((i as u32, j));
                }
            }
        }
        pairs
    }

    /// Every matching of `p` (acceptable pairs, capacities respected).
    fn all_matchings(p: &StableProblem) -> Vec<Vec<Option<u32>>> {
        let options: Vec<Vec<Option<u32>>> = p
            .mentee_prefs
            .iter()
            .enumerate()
            .map(|(i, list)| {
                let mut o = vec![None];
                o.extend(
                    list.iter()
                        .filter(|&&j| position(&p.mentor_prefs[j as usize], i as u32).is_some())
                        .map(|&j| Some(j)),
                );
                o
            })
            .collect();
        let mut out = Vec::new();
        let mut current = Vec::new();
        let mut load = vec![0u32; p.capacities.len()];
        fn go(
            p: &StableProblem,
            options: &[Vec<Option<u32>>],
            current: &mut Vec<Option<u32>>,
            load: &mut [u32],
            out: &mut Vec<Vec<Option<u32>>>,
        ) {
            let i = current.len();
            if i == options.len() {
                out.push(current.clone());
                return;
            }
            for &o in &options[i] {
                if let Some(j) = o {
                    if load[j as usize] >= p.capacities[j as usize] {
                        continue;
                    }
                    load[j as usize] += 1;
                }
                current.push(o);
                go(p, options, current, load, out);
                current.pop();
                if let Some(j) = o {
                    load[j as usize] -= 1;
                }
            }
        }
        go(p, &options, &mut current, &mut load, &mut out);
        out
    }

    /// A random ranking of a random subset of `0..n`, usually a long one so
    /// that small instances still have many acceptable pairs.
    fn ranking(n: u32) -> impl Strategy<Value = Vec<u32>> {
        let all: Vec<u32> = (0..n).collect();
        let n = n as usize;
        prop_oneof![
            3 => proptest::sample::subsequence(all.clone(), n.div_ceil(2)..=n).prop_shuffle(),
            1 => proptest::sample::subsequence(all, 0..=n).prop_shuffle(),
        ]
    }

    fn small_problem() -> impl Strategy<Value = StableProblem> {
        (prop_oneof![1 => 0u32..=6, 3 => 4u32..=6], prop_oneof![1 => 0u32..=4, 3 => 2u32..=4]).prop_flat_map(
            |(n, m)| {
                (
                    proptest::collection::vec(ranking(m), n as usize),
                    proptest::collection::vec(ranking(n), m as usize),
                    proptest::collection::vec(0u32..=3, m as usize),
                )
                    .prop_map(|(mentee_prefs, mentor_prefs, capacities)| StableProblem {
                        mentee_prefs,
                        mentor_prefs,
                        capacities,
                    })
            },
        )
    }

    /// Instances where mentors like best the mentees who like them least
    /// (up to some noise), as in Gale & Shapley's Example 1: these have many
    /// stable matchings, so mentee-optimality is really put to the test.
    fn opposed_problem() -> impl Strategy<Value = StableProblem> {
        (2usize..=6, 2usize..=4).prop_flat_map(|(n, m)| {
            (
                proptest::collection::vec(proptest::collection::vec(0u8..=20, m), n),
                proptest::collection::vec(proptest::collection::vec(0u8..=3, n), m),
                proptest::collection::vec(prop_oneof![1 => Just(0u32), 4 => 1u32..=2, 1 => Just(3u32)], m),
            )
                .prop_map(move |(like, noise, capacities)| {
                    // A liking of 0 means "not on my list"; mentors list everyone.
                    let mentee_prefs = like
                        .iter()
                        .map(|row| {
                            let mut list: Vec<u32> = (0..m as u32).filter(|&j| row[j as usize] > 0).collect();
                            list.sort_by_key(|&j| (Reverse(row[j as usize]), j));
                            list
                        })
                        .collect();
                    let mentor_prefs = (0..m)
                        .map(|j| {
                            let mut list: Vec<u32> = (0..n as u32).collect();
                            list.sort_by_key(|&i| (like[i as usize][j] + noise[j][i as usize], i));
                            list
                        })
                        .collect();
                    StableProblem { mentee_prefs, mentor_prefs, capacities }
                })
        })
    }

    fn larger_problem() -> impl Strategy<Value = StableProblem> {
        (1u32..=60, 1u32..=12).prop_flat_map(|(n, m)| {
            (
                proptest::collection::vec(ranking(m), n as usize),
                proptest::collection::vec(ranking(n), m as usize),
                proptest::collection::vec(0u32..=8, m as usize),
            )
                .prop_map(|(mentee_prefs, mentor_prefs, capacities)| StableProblem {
                    mentee_prefs,
                    mentor_prefs,
                    capacities,
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Against every matching: ours is stable, mentee-optimal, and all
        /// stable matchings match the same mentees (rural hospitals theorem).
        #[test]
        fn stable_and_mentee_optimal_by_brute_force(p in prop_oneof![1 => small_problem(), 2 => opposed_problem()]) {
            let ours = stable_matching(&p).unwrap();
            prop_assert_eq!(ours.matched, ours.mentor_of.iter().flatten().count());
            prop_assert!(naive_blocking_pairs(&p, &ours.mentor_of).is_empty());
            prop_assert!(blocking_pairs(&p, &ours).unwrap().is_empty());

            let stable: Vec<_> = all_matchings(&p)
                .into_iter()
                .filter(|m| naive_blocking_pairs(&p, m).is_empty())
                .collect();
            prop_assert!(stable.contains(&ours.mentor_of));
            // Position in the mentee's list; unmatched is worst of all.
            let worth = |i: usize, m: Option<u32>| m.map_or(usize::MAX, |j| position(&p.mentee_prefs[i], j).unwrap());
            for other in &stable {
                for i in 0..p.mentee_prefs.len() {
                    prop_assert!(worth(i, ours.mentor_of[i]) <= worth(i, other[i]),
                        "mentee {} does better in {:?} than in {:?}", i, other, ours.mentor_of);
                }
                let matched_here: Vec<bool> = other.iter().map(Option::is_some).collect();
                let matched_ours: Vec<bool> = ours.mentor_of.iter().map(Option::is_some).collect();
                prop_assert_eq!(matched_here, matched_ours);
            }
        }

        /// The fast blocking-pair check agrees with the definition on any matching.
        #[test]
        fn blocking_pairs_match_the_definition(p in small_problem(), pick in proptest::collection::vec(any::<u32>(), 6)) {
            let all = all_matchings(&p);
            let m = &all[pick[0] as usize % all.len()];
            let fast = blocking_pairs(&p, &matching_of(m.clone())).unwrap();
            let mut naive = naive_blocking_pairs(&p, m);
            naive.sort_unstable();
            prop_assert_eq!(fast, naive);
        }
    }

    proptest! {
        /// Bucketed ranking agrees with filtering and sorting each list.
        #[test]
        fn prefs_from_scores_sorts_each_list(
            pairs in proptest::collection::btree_map((0u32..8, 0u32..5), -3i64..3, 0..40),
        ) {
            let edges: Vec<(u32, u32, i64)> = pairs.iter().map(|(&(i, j), &s)| (i, j, s)).collect();
            let p = prefs_from_scores(8, vec![1; 5], &edges).unwrap();
            for i in 0..8u32 {
                let mut want: Vec<(Reverse<i64>, u32)> =
                    edges.iter().filter(|e| e.0 == i).map(|e| (Reverse(e.2), e.1)).collect();
                want.sort();
                let want: Vec<u32> = want.into_iter().map(|w| w.1).collect();
                prop_assert_eq!(&p.mentee_prefs[i as usize], &want);
            }
            for j in 0..5u32 {
                let mut want: Vec<(Reverse<i64>, u32)> =
                    edges.iter().filter(|e| e.1 == j).map(|e| (Reverse(e.2), e.0)).collect();
                want.sort();
                let want: Vec<u32> = want.into_iter().map(|w| w.1).collect();
                prop_assert_eq!(&p.mentor_prefs[j as usize], &want);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Renumbering the mentees (so they propose in another order) gives
        /// the same matching, renumbered; and it is always stable.
        #[test]
        fn proposal_order_does_not_matter(p in larger_problem(), seed in any::<u64>()) {
            let ours = stable_matching(&p).unwrap();
            prop_assert!(blocking_pairs(&p, &ours).unwrap().is_empty());

            let n = p.mentee_prefs.len();
            // new_of[old] = new index; reversed plus rotated by the seed.
            let shift = (seed % n as u64) as usize;
            let new_of: Vec<u32> = (0..n).map(|i| ((n - 1 - i + shift) % n) as u32).collect();
            let mut mentee_prefs = vec![Vec::new(); n];
            for (old, list) in p.mentee_prefs.iter().enumerate() {
                mentee_prefs[new_of[old] as usize] = list.clone();
            }
            let mentor_prefs = p.mentor_prefs.iter().map(|l| l.iter().map(|&i| new_of[i as usize]).collect()).collect();
            let renumbered = StableProblem { mentee_prefs, mentor_prefs, capacities: p.capacities.clone() };
            let theirs = stable_matching(&renumbered).unwrap();
            for (old, &new) in new_of.iter().enumerate() {
                prop_assert_eq!(ours.mentor_of[old], theirs.mentor_of[new as usize]);
            }
        }
    }
}
