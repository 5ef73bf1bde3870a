//! Hard rules, and the exact top-K search for each jobseeker's candidates.
//!
//! This module is the only gate for jobseeker–helper edges: everything
//! downstream (shortlists, assignment, stable matching) picks among the
//! edges it returns, so no output can break a pairwise hard rule.
//!
//! # Hard rules
//!
//! A jobseeker and a mentor or coach may be put together only if: they are
//! not an excluded pair; they share a language; they share a weekly slot;
//! they are within both people's `max_km` of each other, unless both are
//! happy to meet online; and the helper has capacity above zero (capacity
//! across many jobseekers is the solvers' job).
//!
//! # Search
//!
//! [`candidates`] returns, for every jobseeker, the `k` feasible helpers with
//! the highest score (ties broken by id), exactly as scoring every pair
//! would ([`candidates_brute_force`]) but without scoring most pairs. Helpers
//! sit in two trees whose nodes carry a summary of the helpers below them
//! (position box, languages, slots, sectors, experience tags, hiring
//! employers, travel limits, areas). The local tree holds every helper and
//! groups by place first; it answers for pairs within reach. Two online
//! people farther apart than 30 km and in different areas are "far online"
//! pairs: the best matches of a jobseeker happy to meet online are mostly
//! such: locality adds little to them, and place says little about their
//! score. Sector and hiring similarity are 0 unless the two share a SIC
//! section, so far online pairs are split by that. Those that share a
//! section are answered from section lists: each online helper listed under
//! every section they work or hire in, with what a bound needs side by side,
//! in blocks of like helpers (by codes, then tags) with a summary each, so
//! that a block of a wanted section is bounded as a whole and, once opened,
//! each of its helpers in a few instructions. The rest are answered by the
//! online tree, which holds helpers who meet online grouped by what they
//! can offer such a pair (experience tags, then slots): for them only
//! experience and availability can count, so few of its nodes are opened.
//! For a jobseeker, a node's or block's summary gives an upper bound on the
//! score of anyone in it, and the nodes of both trees, the blocks and the
//! listed helpers are opened from one queue, best bound first, until the
//! best unopened bound falls below the k-th best score found; a cheaper
//! per-helper bound then spares most helpers in a node the full score.
//! Helpers one or two ties away in the network are scored first, directly
//! from the local tree's packed fields, because only they can have a
//! network closeness above zero; for everyone else the network component
//! is bounded by the hiring part alone.
//!
//! A purpose-built tree is used rather than a general spatial index crate
//! because the pruning bound mixes distance with these per-node summaries,
//! which point indexes do not keep.
//!
//! # Complexity
//!
//! Building: O(H log H) for H helpers. Searching: O(k log k + visited nodes ×
//! log) per jobseeker; in practice a few hundred helpers are scored per
//! jobseeker, against H for brute force. Parallel over jobseekers with rayon;
//! the result does not depend on the thread count.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::Range;

use rayon::prelude::*;

use crate::geo::{Reach, box_chord2, chord, chord_km, chord_km_floor, chord_to_km, chord2, unit_vector};
use crate::model::{Dataset, Person, PersonIdx, Role};
use crate::score::ScoreContext;
use crate::taxonomy::{SicLevel, Taxonomy};

/// Default number of candidates kept per jobseeker.
pub const DEFAULT_K: usize = 50;
/// Helpers per leaf of the search tree.
const LEAF_SIZE: usize = 16;
const _: () = assert!(LEAF_SIZE <= 32, "a leaf's helpers are tested as the bits of a u32");
/// Nodes with at most this many helpers split by sector before space: above
/// it the tree splits by space alone, so a local search touches one region
/// before it fans out over sectors.
const SECTOR_SPLIT_BELOW: usize = 512;
/// Online helpers nearer than this to an online jobseeker are searched in
/// the local tree with everyone else nearby; past it, locality adds at most
/// `0.75 × 2^-3` and the section lists and the online tree, which group by
/// offer rather than place, prune well. Nearer, they would bound far
/// helpers too loosely; farther, the local tree opens many more nodes for
/// every online jobseeker (see BENCHMARKS.md for the distances measured).
const ONLINE_NEAR_KM: f64 = 30.0;
/// Where an [`Open`] entry comes from: the local tree, the section lists
/// (one helper each), the online tree or the section lists' blocks.
const LOCAL_TREE: u8 = 0;
/// See [`LOCAL_TREE`].
const SECTION_LISTS: u8 = 1;
/// See [`LOCAL_TREE`].
const ONLINE_TREE: u8 = 2;
/// See [`LOCAL_TREE`]: a block of the section lists.
const SECTION_BLOCKS: u8 = 3;
/// Listed helpers per block of a section's list ([`SectionLists`]).
const LIST_BLOCK: usize = 32;
const _: () = assert!(LIST_BLOCK <= 32, "a block's listings are tested as the bits of a u32");
/// Slack added to every bound so that rounding can never prune a true candidate.
const BOUND_SLACK: f64 = 1e-9;
/// Steps per km of [`LocalityCeiling`]'s table.
const CEILING_STEPS_PER_KM: f64 = 8.0;
/// Distance covered by [`LocalityCeiling`]'s table; farther, its last entry
/// (a distance part of `0.75 × 2^-12.8`, under 1e-4) stands for every distance.
const CEILING_KM: f64 = 128.0;

/// Why a jobseeker and a helper may not be put together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The second person is not a mentor or coach.
    NotAHelper,
    /// The helper has no capacity.
    NoCapacity,
    /// The pair is listed in `exclusions.csv`.
    Excluded,
    /// Too far apart for one of them, and not both happy to meet online.
    TooFar,
    /// No language in common.
    NoSharedLanguage,
    /// No weekly slot in common.
    NoSharedTime,
}

impl Rule {
    /// The rule in plain words.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::NotAHelper => "not a mentor or coach",
            Rule::NoCapacity => "no capacity",
            Rule::Excluded => "excluded pair",
            Rule::TooFar => "too far apart",
            Rule::NoSharedLanguage => "no shared language",
            Rule::NoSharedTime => "no shared time",
        }
    }
}

/// Excluded pairs, for logarithmic lookup by pair or by person.
#[derive(Clone, Debug, Default)]
pub struct Exclusions {
    /// Every excluded pair in both directions, sorted.
    pairs: Vec<(PersonIdx, PersonIdx)>,
}

impl Exclusions {
    /// The excluded pairs of `data`.
    pub fn of(data: &Dataset) -> Exclusions {
        let mut pairs: Vec<_> = data.exclusions.iter().flat_map(|x| [(x.a, x.b), (x.b, x.a)]).collect();
        pairs.sort_unstable();
        pairs.dedup();
        Exclusions { pairs }
    }

    /// Whether `a` and `b` must never be put together.
    pub fn contains(&self, a: PersonIdx, b: PersonIdx) -> bool {
        self.pairs.binary_search(&(a, b)).is_ok()
    }

    /// Everyone `person` must never be put together with, sorted.
    pub fn partners(&self, person: PersonIdx) -> impl Iterator<Item = PersonIdx> + '_ {
        let start = self.pairs.partition_point(|&(a, _)| a < person);
        self.pairs[start..].iter().take_while(move |&&(a, _)| a == person).map(|&(_, b)| b)
    }
}

/// Checks the pairwise hard rules for a jobseeker and a helper; `Ok` holds
/// the distance in km.
///
/// # Errors
///
/// The first rule broken, in the order of [`Rule`].
pub fn check_pair(
    data: &Dataset,
    exclusions: &Exclusions,
    jobseeker: PersonIdx,
    helper: PersonIdx,
) -> Result<f64, Rule> {
    let (j, h) = (data.person(jobseeker), data.person(helper));
    if !h.role.is_helper() {
        return Err(Rule::NotAHelper);
    }
    if h.capacity == 0 {
        return Err(Rule::NoCapacity);
    }
    if exclusions.contains(jobseeker, helper) {
        return Err(Rule::Excluded);
    }
    let km = crate::geo::great_circle_km(j.lat, j.lon, h.lat, h.lon);
    if !within_reach(j, h, km) {
        return Err(Rule::TooFar);
    }
    if !shares_language(j, h) {
        return Err(Rule::NoSharedLanguage);
    }
    if j.availability.intersection(h.availability).is_empty() {
        return Err(Rule::NoSharedTime);
    }
    Ok(km)
}

/// Whether two people at `km` apart may meet: within both limits, or both online.
pub fn within_reach(a: &Person, b: &Person, km: f64) -> bool {
    (a.remote && b.remote) || km <= a.max_km.min(b.max_km)
}

/// Whether two people share a language (both lists are sorted).
pub fn shares_language(a: &Person, b: &Person) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.languages.len() && j < b.languages.len() {
        match a.languages[i].cmp(&b.languages[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => return true,
        }
    }
    false
}

/// Options for [`candidates`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CandidateOptions {
    /// Candidates kept per jobseeker.
    pub k: usize,
}

impl Default for CandidateOptions {
    fn default() -> CandidateOptions {
        CandidateOptions { k: DEFAULT_K }
    }
}

/// One candidate of a jobseeker: the helper and the score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CandidateEdge {
    /// The mentor or coach.
    pub helper: PersonIdx,
    /// The pair's score.
    pub score: f64,
}

/// Every jobseeker's best feasible helpers, as a sparse edge list.
///
/// Each jobseeker's candidates are one contiguous run of [`Candidates::edges`],
/// found through [`Candidates::of`]. The runs lie in the order the search
/// filed them ([`search_order`] for [`candidates`]), not necessarily in
/// dataset order: filing each list as it comes saves copying every edge
/// once more at the end. Two values are equal when they hold the same
/// lists, whatever the layout.
#[derive(Clone, Debug)]
pub struct Candidates {
    /// Jobseekers in dataset order.
    pub jobseekers: Vec<PersonIdx>,
    /// `edges[ranges[i].clone()]` are jobseeker `i`'s candidates, best first
    /// (score descending, then helper id ascending).
    pub ranges: Vec<Range<usize>>,
    /// All candidate edges, one run per jobseeker.
    pub edges: Vec<CandidateEdge>,
    /// How many pairs were scored to find them (for reporting pruning).
    pub pairs_scored: u64,
    /// For each jobseeker without candidates, why no helper is feasible
    /// ([`no_candidate_reason`]); `None` for everyone else.
    pub no_candidate: Vec<Option<String>>,
}

impl Candidates {
    /// The candidates of the `i`-th jobseeker (in [`Candidates::jobseekers`] order).
    pub fn of(&self, i: usize) -> &[CandidateEdge] {
        &self.edges[self.ranges[i].clone()]
    }

    /// Every jobseeker's candidates, in [`Candidates::jobseekers`] order.
    pub fn lists(&self) -> impl ExactSizeIterator<Item = &[CandidateEdge]> + '_ {
        self.ranges.iter().map(|range| &self.edges[range.clone()])
    }

    /// Why the `i`-th jobseeker has no candidate, when they have none.
    pub fn reason(&self, i: usize) -> Option<&str> {
        self.no_candidate[i].as_deref()
    }
}

impl PartialEq for Candidates {
    fn eq(&self, other: &Candidates) -> bool {
        self.jobseekers == other.jobseekers
            && self.pairs_scored == other.pairs_scored
            && self.no_candidate == other.no_candidate
            && self.lists().eq(other.lists())
    }
}

/// Candidate lists filed one jobseeker at a time, in any order, into one
/// edge list.
struct Filing {
    ranges: Vec<Range<usize>>,
    edges: Vec<CandidateEdge>,
    pairs_scored: u64,
}

impl Filing {
    fn new(jobseekers: usize) -> Filing {
        Filing { ranges: vec![0..0; jobseekers], edges: Vec::new(), pairs_scored: 0 }
    }

    /// Files the `i`-th jobseeker's `list`, found by scoring `scored` pairs.
    fn file(&mut self, i: usize, list: &[CandidateEdge], scored: u64) {
        let start = self.edges.len();
        self.edges.extend_from_slice(list);
        self.ranges[i] = start..self.edges.len();
        self.pairs_scored += scored;
    }

    /// The candidates, with a reason from `why_none` for each jobseeker who
    /// has none.
    fn finish(
        mut self,
        jobseekers: Vec<PersonIdx>,
        why_none: impl Fn(PersonIdx) -> Option<String> + Sync,
    ) -> Candidates {
        // Each reason may cost a pass over the helpers: in parallel, for the few who need one.
        let no_candidate =
            jobseekers.par_iter().zip(&self.ranges).map(|(&j, range)| range.is_empty().then(|| why_none(j))?).collect();
        self.edges.shrink_to_fit();
        let Filing { ranges, edges, pairs_scored } = self;
        Candidates { jobseekers, ranges, edges, pairs_scored, no_candidate }
    }
}

/// A bounded "best k" collection: score descending, then id rank ascending.
struct TopK<'r> {
    k: usize,
    rank: &'r [u32],
    /// A max-heap on "worse", so the worst kept candidate is on top.
    heap: BinaryHeap<Worst>,
}

#[derive(Clone, Copy, PartialEq)]
struct Worst {
    score: f64,
    rank: u32,
    helper: PersonIdx,
}

impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Worst) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    /// Greater means worse: lower score, then larger id rank.
    fn cmp(&self, other: &Worst) -> Ordering {
        other.score.total_cmp(&self.score).then(self.rank.cmp(&other.rank))
    }
}

impl<'r> TopK<'r> {
    fn new(k: usize, rank: &'r [u32]) -> TopK<'r> {
        TopK::reusing(k, rank, Vec::with_capacity(k + 1))
    }

    /// An empty collection kept in `buffer`'s memory.
    fn reusing(k: usize, rank: &'r [u32], mut buffer: Vec<Worst>) -> TopK<'r> {
        buffer.clear();
        TopK { k, rank, heap: BinaryHeap::from(buffer) }
    }

    fn offer(&mut self, helper: PersonIdx, score: f64) {
        if self.k == 0 {
            return;
        }
        let entry = Worst { score, rank: self.rank[helper.0 as usize], helper };
        if self.heap.len() < self.k {
            self.heap.push(entry);
        } else if let Some(worst) = self.heap.peek() {
            if entry < *worst {
                self.heap.pop();
                self.heap.push(entry);
            }
        }
    }

    /// The score below which nothing can enter, once full.
    fn threshold(&self) -> Option<f64> {
        (self.heap.len() == self.k).then(|| self.heap.peek().map_or(f64::INFINITY, |w| w.score))
    }

    fn into_sorted(self) -> Vec<CandidateEdge> {
        self.into_sorted_and_buffer().0
    }

    /// The candidates, best first, and the emptied buffer for reuse.
    fn into_sorted_and_buffer(self) -> (Vec<CandidateEdge>, Vec<Worst>) {
        let mut all = self.heap.into_vec();
        all.sort();
        let sorted = all.iter().map(|w| CandidateEdge { helper: w.helper, score: w.score }).collect();
        all.clear();
        (sorted, all)
    }
}

/// Every jobseeker's top `k` feasible helpers, by scoring every pair.
///
/// The reference the indexed search is tested against, and the baseline of
/// its benchmark. O(J × H) scores.
pub fn candidates_brute_force(ctx: &ScoreContext<'_>, options: &CandidateOptions) -> Candidates {
    let data = ctx.data;
    let exclusions = Exclusions::of(data);
    let rank = &ctx.id_rank;
    let jobseekers: Vec<PersonIdx> = data.people_with_role(Role::Jobseeker).collect();
    let helpers: Vec<PersonIdx> =
        data.people.iter().enumerate().filter(|(_, p)| p.role.is_helper()).map(|(i, _)| PersonIdx(i as u32)).collect();
    let lists: Vec<(Vec<CandidateEdge>, u64)> = jobseekers
        .par_iter()
        .map(|&j| {
            let mut top = TopK::new(options.k, rank);
            let mut scored = 0;
            for &h in &helpers {
                if check_pair(data, &exclusions, j, h).is_ok() {
                    scored += 1;
                    top.offer(h, ctx.score(j, h).score);
                }
            }
            (top.into_sorted(), scored)
        })
        .collect();
    let mut filing = Filing::new(jobseekers.len());
    for (i, (list, scored)) in lists.into_iter().enumerate() {
        filing.file(i, &list, scored);
    }
    filing.finish(jobseekers, |j| no_candidate_reason(data, &exclusions, j))
}

/// Jobseekers searched together before their lists are handed on: large
/// enough that both threads stay busy, small enough that lists reach a
/// consumer of [`candidates_streamed`] while the search goes on.
const SEARCH_STRETCH: usize = 4096;

/// Every jobseeker's top `k` feasible helpers, exactly as
/// [`candidates_brute_force`] finds them, without scoring most pairs.
///
/// See the module docs for the method.
///
/// # Examples
///
/// ```
/// use passiton::{CandidateOptions, ScoreContext, Weights, candidates, read_dataset};
/// let data = read_dataset(std::path::Path::new("fixtures/tiny"))?;
/// let ctx = ScoreContext::new(&data, Weights::default())?;
/// let found = candidates(&ctx, &CandidateOptions { k: 2 });
/// assert_eq!(found.jobseekers.len(), 3);
/// assert!(found.of(0).len() <= 2);
/// # Ok::<(), passiton::Error>(())
/// ```
pub fn candidates(ctx: &ScoreContext<'_>, options: &CandidateOptions) -> Candidates {
    candidates_streamed(ctx, options, |_, _| {})
}

/// [`candidates`], also handing each jobseeker's list to `each` (with the
/// jobseeker's index in [`Candidates::jobseekers`]) soon after it is found.
/// The search runs in stretches of [`search_order`]; `each` meets a
/// stretch's jobseekers one at a time, in that order, on one of rayon's
/// threads while the others search the next stretch, whatever the number of
/// threads.
pub fn candidates_streamed<F>(ctx: &ScoreContext<'_>, options: &CandidateOptions, mut each: F) -> Candidates
where
    F: FnMut(usize, &[CandidateEdge]) + Send,
{
    let data = ctx.data;
    let online = HelperIndex::build_online(ctx);
    let local = HelperIndex::build(ctx);
    let mut local_position = vec![u32::MAX; data.people.len()];
    for (at, h) in local.order.iter().enumerate() {
        local_position[h.0 as usize] = at as u32;
    }
    let index = SearchIndex { local, lists: SectionLists::of(&online), online, local_position };
    let exclusions = Exclusions::of(data);
    let rank = &ctx.id_rank;
    let jobseekers: Vec<PersonIdx> = data.people_with_role(Role::Jobseeker).collect();
    let order = search_order(data, &jobseekers);
    let n = jobseekers.len();
    // The search runs a stretch of the order at a time. While rayon's
    // threads search one stretch, one of them first hands the lists of the
    // stretch before to `each`, in order, and files them; no thread waits on
    // another beyond the end of a stretch. Lists are filed in search order,
    // and a stretch's own allocations are freed once filed, so that the
    // next stretch reuses their memory.
    let search = |stretch: &[usize]| -> Vec<(Vec<CandidateEdge>, u64)> {
        stretch
            .par_iter()
            .map_init(Scratch::default, |scratch, &i| {
                index.search(ctx, &exclusions, rank, jobseekers[i], options.k, scratch)
            })
            .collect()
    };
    let mut filing = Filing::new(n);
    let mut file = |stretch: &[usize], found: Vec<(Vec<CandidateEdge>, u64)>| {
        for (&i, (list, scored)) in stretch.iter().zip(found) {
            each(i, &list);
            filing.file(i, &list, scored);
        }
    };
    let mut stretches = order.chunks(SEARCH_STRETCH);
    let mut pending = stretches.next().map(|stretch| (stretch, search(stretch)));
    while let Some((done, found)) = pending.take() {
        let next = stretches.next();
        let (ahead, ()) = rayon::join(|| next.map(|stretch| (stretch, search(stretch))), || file(done, found));
        pending = ahead;
    }
    filing.finish(jobseekers, |j| index.local.no_candidate_reason(data, &exclusions, j))
}

/// The order in which [`candidates`] searches for `jobseekers` (indices into
/// the slice): by area, then by latitude in bands of a hundredth of a degree,
/// then by index. Searching neighbours one after another keeps the same tree
/// nodes in cache; [`Candidates::jobseekers`] stays in dataset order, and
/// each list's edges are filed in this order.
pub fn search_order(data: &Dataset, jobseekers: &[PersonIdx]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..jobseekers.len()).collect();
    order.sort_by_key(|&i| {
        let p = data.person(jobseekers[i]);
        (p.area, (p.lat * 100.0) as i32, i)
    });
    order
}

/// Why a jobseeker has no feasible helper at all, in plain words; `None`
/// when they have one.
///
/// Rules are applied as a person would ask: who has room, who is within
/// reach, who of those shares a language, then a free time, and finally who
/// is not an excluded pair; the reason is the step at which the last helper
/// dropped out. O(helpers); meant for the few who have no candidate.
pub fn no_candidate_reason(data: &Dataset, exclusions: &Exclusions, jobseeker: PersonIdx) -> Option<String> {
    let j = data.person(jobseeker);
    let mut deepest = 0;
    for (i, h) in data.people.iter().enumerate() {
        let stages = [
            h.role.is_helper(),
            h.capacity > 0,
            within_reach(j, h, crate::geo::great_circle_km(j.lat, j.lon, h.lat, h.lon)),
            shares_language(j, h),
            !j.availability.intersection(h.availability).is_empty(),
            !exclusions.contains(jobseeker, PersonIdx(i as u32)),
        ];
        deepest = deepest.max(stages.iter().take_while(|&&passed| passed).count());
    }
    why_none(j, deepest)
}

/// The words of [`no_candidate_reason`], from the most rules in a row that
/// any one helper passes; `None` when one passes all six.
fn why_none(j: &Person, deepest: usize) -> Option<String> {
    let reason = match deepest {
        0 => "no mentors or coaches in the data".to_string(),
        1 => "every mentor and coach is full".to_string(),
        2 => {
            format!("no mentor or coach within reach ({:.0} km{})", j.max_km, if j.remote { ", or online" } else { "" })
        }
        3 => "no one within reach shares a language".to_string(),
        4 => "no one within reach shares a free time".to_string(),
        5 => "everyone within reach is an excluded pair".to_string(),
        _ => return None,
    };
    Some(reason)
}

/// A fixed-size bit set over the codes of one SIC level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bits<const WORDS: usize>([u64; WORDS]);

impl<const WORDS: usize> Default for Bits<WORDS> {
    fn default() -> Bits<WORDS> {
        Bits([0; WORDS])
    }
}

impl<const WORDS: usize> Bits<WORDS> {
    fn set(&mut self, bit: usize) {
        self.0[bit / 64] |= 1 << (bit % 64);
    }
    fn union(self, other: Bits<WORDS>) -> Bits<WORDS> {
        let mut out = self;
        for (a, b) in out.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        out
    }
    fn contains(&self, bit: usize) -> bool {
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// The SIC classes (615), groups (272), divisions (88) and sections (21)
/// that a set of codes reaches. A code reaches its own ancestors and, when it
/// is broader than a class, every class, group and division below it.
/// One run of bits, level after level (see [`SectorMask::LEVEL_WORD`]), so a
/// test of one word is one load.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct SectorMask(Bits<18>);

impl SectorMask {
    /// The first word of each level: classes take 10 words, groups 5,
    /// divisions 2 and sections 1.
    const LEVEL_WORD: [usize; 4] = [0, 10, 15, 17];

    /// The bit of the code at position `at` of `level` (0 = classes … 3 = sections).
    fn bit(level: usize, at: usize) -> usize {
        SectorMask::LEVEL_WORD[level] * 64 + at
    }

    /// Sets the code at position `at` of `level`.
    fn set(&mut self, level: usize, at: usize) {
        self.0.set(SectorMask::bit(level, at));
    }

    fn union(self, other: SectorMask) -> SectorMask {
        SectorMask(self.0.union(other.0))
    }
}

/// The non-zero words of a [`SectorMask`] as (level, word, bits), deepest level first.
#[derive(Clone, Debug, Default)]
struct SparseMask {
    words: Vec<(u8, u8, u64)>,
}

impl SparseMask {
    fn of(mask: &SectorMask) -> SparseMask {
        let mut words = Vec::new();
        for (word, &bits) in mask.0.0.iter().enumerate() {
            if bits != 0 {
                let level = SectorMask::LEVEL_WORD.iter().rposition(|&first| first <= word).unwrap_or(0);
                words.push((level as u8, word as u8, bits));
            }
        }
        SparseMask { words }
    }

    /// An upper bound on the sector similarity of any wanted code in `self`
    /// with any helper code in `other`. A pair scoring 1 shares a class in
    /// these masks (the helper's code lies within the wanted one, or both
    /// share a class), a pair scoring 0.75 shares a group, and so on down to
    /// sections; so the deepest level at which the masks meet bounds the score.
    /// Words are held deepest level first, so the first that meets decides.
    fn bound(&self, other: &SectorMask) -> f64 {
        for &(level, word, bits) in &self.words {
            if bits & other.0.0[usize::from(word)] != 0 {
                return SECTOR_VALUES[usize::from(level)];
            }
        }
        0.0
    }
}

/// Sector similarity by the deepest level two codes meet at (0 = class …
/// 3 = section, 4 = not at all).
const SECTOR_VALUES: [f64; 5] = [1.0, 0.75, 0.5, 0.25, 0.0];

/// Masks for every code of the taxonomy.
struct SectorMasks {
    of_code: Vec<SectorMask>,
    /// For each code, its own level (0 = class or subclass … 3 = section)
    /// and the bits ([`SectorMask::bit`]) of itself and its ancestors, from
    /// that level up.
    levels: Vec<(u8, [u16; 4])>,
}

impl SectorMasks {
    fn new(taxonomy: &Taxonomy) -> SectorMasks {
        let n = taxonomy.nodes.len();
        // The position of each code within its own level.
        let mut position = vec![0usize; n];
        for level in [SicLevel::Section, SicLevel::Division, SicLevel::Group, SicLevel::Class] {
            for (at, code) in taxonomy.codes_at(level).enumerate() {
                position[usize::from(code.0)] = at;
            }
        }
        // Each code's position at every level, from its own up: itself and its ancestors.
        let found: Vec<[Option<usize>; 4]> = (0..n)
            .map(|i| {
                let idx = crate::taxonomy::SicIdx(i as u16);
                let at = |level| taxonomy.ancestor_at(idx, level).map(|a| position[usize::from(a.0)]);
                let section = Some(position[usize::from(taxonomy.section_of(idx).0)]);
                [at(SicLevel::Class), at(SicLevel::Group), at(SicLevel::Division), section]
            })
            .collect();
        // Every code reaches its ancestors at each level...
        let mut of_code: Vec<SectorMask> = found
            .iter()
            .map(|found| {
                let mut mask = SectorMask::default();
                for (level, at) in found.iter().enumerate() {
                    if let Some(at) = *at {
                        mask.set(level, at);
                    }
                }
                mask
            })
            .collect();
        // ...and everything below it: children come after parents in tree
        // order, so walking backwards folds each code into its parent.
        for i in (0..n).rev() {
            if let Some(parent) = taxonomy.nodes[i].parent {
                let child = of_code[i];
                let parent = &mut of_code[usize::from(parent.0)];
                *parent = parent.union(child);
            }
        }
        let levels = found
            .iter()
            .map(|found| {
                let own = found.iter().position(Option::is_some).unwrap_or(3);
                let bits = std::array::from_fn(|level| SectorMask::bit(level, found[level].unwrap_or(0)) as u16);
                (own as u8, bits)
            })
            .collect();
        SectorMasks { of_code, levels }
    }

    /// An upper bound, no larger than [`SparseMask::bound`], on the sector
    /// similarity of a wanted mask with one helper code, as an index into
    /// [`SECTOR_VALUES`], read from the code's own levels rather than a
    /// merged mask. A code's mask reaches its ancestors and the codes below
    /// it; `wanted` reaches a code below a helper's code only if it also
    /// reaches that code itself, so when it misses the code's own level the
    /// deepest ancestor it reaches bounds the similarity, and when it reaches
    /// the code's own level 1 does.
    fn code_bound(&self, wanted: &SectorMask, code: crate::taxonomy::SicIdx) -> u8 {
        let (own, bits) = self.levels[usize::from(code.0)];
        let reached = (usize::from(own)..4).find(|&level| wanted.0.contains(usize::from(bits[level])));
        match reached {
            Some(level) if level == usize::from(own) => 0,
            Some(level) => level as u8,
            None => 4,
        }
    }

    /// The largest [`SectorMasks::code_bound`] over `codes`, as a similarity.
    fn bound(&self, wanted: &SectorMask, codes: &[crate::taxonomy::SicIdx]) -> f64 {
        let deepest = codes.iter().map(|&code| self.code_bound(wanted, code)).min().unwrap_or(4);
        SECTOR_VALUES[usize::from(deepest)]
    }

    fn of(&self, codes: &[crate::taxonomy::SicIdx]) -> SectorMask {
        codes.iter().fold(SectorMask::default(), |acc, c| acc.union(self.of_code[usize::from(c.0)]))
    }
}

/// Languages as bits of a 64-bit mask. When the data holds at most 64
/// distinct languages (the usual case) each has its own bit and a mask test
/// is exact; otherwise languages share bits and the mask only rules pairs
/// out, with an exact check after it.
struct LanguageBits {
    /// Every language spoken in the data, sorted.
    known: Vec<crate::model::Language>,
    exact: bool,
}

impl LanguageBits {
    fn new(data: &Dataset) -> LanguageBits {
        let mut known: Vec<crate::model::Language> =
            data.people.iter().flat_map(|p| p.languages.iter().copied()).collect();
        known.sort_unstable();
        known.dedup();
        let exact = known.len() <= 64;
        LanguageBits { known, exact }
    }

    fn mask(&self, languages: &[crate::model::Language]) -> u64 {
        languages.iter().fold(0, |acc, language| {
            let at = self.known.binary_search(language).unwrap_or(0);
            acc | 1 << (at % 64)
        })
    }
}

fn tag_bit(tag: crate::model::TagIdx) -> u64 {
    1 << (tag.0 % 64)
}

/// The bits of a helper's tags ([`tag_bit`]).
fn tag_bits(tags: &[crate::model::TagIdx]) -> u64 {
    tags.iter().fold(0, |acc, &t| acc | tag_bit(t))
}

/// SIC sections as bits of a `u32`. Two codes are alike at all (a sector
/// similarity above 0) only if they lie in one section, so a jobseeker and a
/// helper who share no section bit have sector and hiring similarity 0.
/// (SIC 2007 has 21 sections. Were there more than 32, sections would share
/// bits: some pairs from different sections would then be taken as sharing
/// one, which costs a little pruning and nothing else.)
struct Sections {
    /// The bit of each code's section, by code index.
    bit: Vec<u32>,
    /// The codes of each section, by bit position.
    codes: Vec<Vec<crate::taxonomy::SicIdx>>,
}

impl Sections {
    fn new(taxonomy: &Taxonomy) -> Sections {
        let mut number = vec![0u32; taxonomy.nodes.len()];
        for (at, code) in taxonomy.codes_at(SicLevel::Section).enumerate() {
            number[usize::from(code.0)] = at as u32 % 32;
        }
        let mut codes = vec![Vec::new(); 32];
        let bit = (0..taxonomy.nodes.len())
            .map(|i| {
                let code = crate::taxonomy::SicIdx(i as u16);
                let at = number[usize::from(taxonomy.section_of(code).0)];
                codes[at as usize].push(code);
                1 << at
            })
            .collect();
        Sections { bit, codes }
    }

    /// The sections of `codes`, as bits.
    fn of(&self, codes: &[crate::taxonomy::SicIdx]) -> u32 {
        codes.iter().fold(0, |acc, c| acc | self.bit[usize::from(c.0)])
    }

    /// The sections a helper works or hires in.
    fn of_helper(&self, view: &crate::score::HelperView<'_>) -> u32 {
        self.of(view.sectors) | self.of(view.hiring_sectors)
    }
}

/// The helpers of the online tree listed under every section they work or
/// hire in, with what a bound needs of them side by side, for the far online
/// pairs that share a section: there the best matches of a jobseeker happy
/// to meet online mostly are, and a flat list is far cheaper to bound per
/// helper than a tree whose bounds must hold for every section at once.
///
/// Each section's list is sorted by the helper's first code in the
/// section, then their employer's, then experience tags, and cut into
/// blocks of [`LIST_BLOCK`] with a summary each, so that a search bounds
/// the blocks of the sections a jobseeker wants and bounds helper by helper
/// only in the blocks it opens: a block's helpers mostly share their codes,
/// which carry the largest weights a far pair can score on, and the blocks
/// of a code the jobseeker wants lie together.
struct SectionLists {
    /// `blocks[start[bit]..start[bit + 1]]` are the blocks of section `bit`.
    start: Vec<usize>,
    blocks: Vec<ListBlock>,
    listed: Vec<Listed>,
    /// What scoring each listed helper needs besides their listing, parallel
    /// to `listed`: read only for the few helpers a search scores.
    far: Vec<FarHelper>,
    /// The codes of every [`Listed`] helper and [`ListBlock`], in list order.
    codes: Vec<crate::taxonomy::SicIdx>,
    /// The experience tags or specialisms of every [`FarHelper`], in list order.
    tags: Vec<crate::model::TagIdx>,
    /// Whether language masks tell shared languages exactly ([`LanguageBits`]).
    exact_languages: bool,
}

/// A run of one section's list and what every helper in it may offer.
#[derive(Clone, Copy, Debug)]
struct ListBlock {
    /// The listings, a range of [`SectionLists::listed`].
    listed: (u32, u32),
    /// The section's bit.
    section: u32,
    tag_bits: u64,
    languages: u64,
    slots: u32,
    /// The fewest slots any helper in the block offers.
    min_slots: u32,
    /// Every code the helpers work in and their employers hire in, each
    /// once, as ranges of [`SectionLists::codes`].
    sectors: (u32, u32),
    hiring: (u32, u32),
}

/// One helper listed under one section.
#[derive(Clone, Copy, Debug)]
struct Listed {
    tag_bits: u64,
    languages: u64,
    /// Every section the helper works or hires in.
    sections: u32,
    slots: u32,
    slot_count: u32,
    /// The helper's codes and their employer's hiring codes, as ranges of
    /// [`SectionLists::codes`] (while the lists are built, of the online
    /// tree's arena, as in [`Compact`]).
    sectors: (u32, u32),
    hiring: (u32, u32),
}

/// What scoring a listed helper needs besides their [`Listed`] entry (codes
/// and slots), on one cache line: a search scores a helper read from here,
/// from their listing and from the lists' arenas, none of which lie far
/// from what bounding the helper's block has just read.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
struct FarHelper {
    point: [f64; 3],
    /// The helper's travel limit.
    reach: Reach,
    person: PersonIdx,
    area: crate::geo::AreaIdx,
    /// A range of [`SectionLists::tags`].
    tags: (u32, u32),
}

impl SectionLists {
    /// The lists over the helpers of `online`.
    fn of(online: &HelperIndex) -> SectionLists {
        // Each listing with its helper's position in the online tree.
        let mut by_section: Vec<Vec<(Listed, usize)>> = vec![Vec::new(); 32];
        for (at, c) in online.compact.iter().enumerate() {
            let listing = Listed {
                tag_bits: c.tag_bits,
                languages: c.languages,
                sections: c.sections,
                slots: c.slots,
                slot_count: c.slot_count,
                sectors: c.sectors,
                hiring: c.hiring,
            };
            for_each_bit(c.sections, |bit| by_section[bit].push((listing, at)));
        }
        let arena = |(a, b): (u32, u32)| &online.arenas.sectors[a as usize..b as usize];
        let mut lists = SectionLists {
            start: vec![0],
            blocks: Vec::new(),
            listed: Vec::new(),
            far: Vec::new(),
            codes: Vec::new(),
            tags: Vec::new(),
            exact_languages: online.languages.exact,
        };
        for (bit, mut list) in by_section.into_iter().enumerate() {
            // The first code in this section, or none (sorting last).
            let first_in_section = |codes: &[crate::taxonomy::SicIdx]| {
                codes.iter().find(|c| online.sections.bit[usize::from(c.0)] == 1 << bit).map_or(u16::MAX, |c| c.0)
            };
            list.sort_by_key(|&(l, at)| {
                (first_in_section(arena(l.sectors)), first_in_section(arena(l.hiring)), l.tag_bits, at)
            });
            for run in list.chunks(LIST_BLOCK) {
                let first = lists.listed.len() as u32;
                // Each listing's codes next to the others of its block, so
                // that opening a block reads one run of memory.
                for &(l, at) in run {
                    let sectors = append(&mut lists.codes, arena(l.sectors).iter().copied());
                    let hiring = append(&mut lists.codes, arena(l.hiring).iter().copied());
                    lists.listed.push(Listed { sectors, hiring, ..l });
                    let c = &online.compact[at];
                    let tags =
                        append(&mut lists.tags, online.arenas.tags[c.tags.0 as usize..c.tags.1 as usize].to_vec());
                    lists.far.push(FarHelper {
                        point: c.point,
                        reach: c.reach,
                        person: online.order[at],
                        area: c.area,
                        tags,
                    });
                }
                let mut block = ListBlock {
                    listed: (first, lists.listed.len() as u32),
                    section: bit as u32,
                    tag_bits: 0,
                    languages: 0,
                    slots: 0,
                    min_slots: u32::MAX,
                    sectors: (0, 0),
                    hiring: (0, 0),
                };
                for (l, _) in run {
                    block.tag_bits |= l.tag_bits;
                    block.languages |= l.languages;
                    block.slots |= l.slots;
                    block.min_slots = block.min_slots.min(l.slot_count);
                }
                let distinct = |pick: fn(&Listed) -> (u32, u32)| {
                    let mut codes: Vec<_> = run.iter().flat_map(|(l, _)| arena(pick(l)).iter().copied()).collect();
                    codes.sort_unstable();
                    codes.dedup();
                    codes
                };
                block.sectors = append(&mut lists.codes, distinct(|l| l.sectors));
                block.hiring = append(&mut lists.codes, distinct(|l| l.hiring));
                lists.blocks.push(block);
            }
            lists.start.push(lists.blocks.len());
        }
        lists
    }

    /// Queues, as [`SECTION_BLOCKS`] entries of `waiting`, every block of a
    /// section wanted by the jobseeker of `probe` whose helpers may pass the
    /// slot and language rules and whose bound can still enter the top k.
    fn bound_blocks(&self, ctx: &ScoreContext<'_>, probe: &Probe, threshold: Option<f64>, waiting: &mut Vec<Open>) {
        if probe.sections == 0 || self.blocks.is_empty() {
            return;
        }
        // Everyone listed here is answered only when farther than `ONLINE_NEAR_KM`.
        let locality = probe.far_locality;
        let codes = |(a, b): (u32, u32)| &self.codes[a as usize..b as usize];
        for_each_bit(probe.sections, |bit| {
            for at in self.start[bit]..self.start[bit + 1] {
                let b = &self.blocks[at];
                if b.slots & probe.slots == 0 || b.languages & probe.languages == 0 {
                    continue;
                }
                let network = if ctx.weights.network > 0.0 { probe.far_sector(codes(b.hiring)) } else { 0.0 };
                let availability = probe.availability_at_most(b.slots, b.min_slots);
                let parts =
                    [probe.far_sector(codes(b.sectors)), locality, probe.experience(b.tag_bits), network, availability];
                let bound = weighted_bound(ctx, parts);
                if !threshold.is_some_and(|t| bound < t) {
                    waiting.push(Open::new(bound, SECTION_BLOCKS, at as u32));
                }
            }
        });
    }

    /// Opens block `at` for the jobseeker of `search`: queues, as
    /// [`SECTION_LISTS`] entries, each of its helpers who passes the slot and
    /// language masks and whose bound can still enter the top k. A helper is
    /// queued only under the lowest section they share with the jobseeker.
    fn open_block(&self, at: u32, search: &Search<'_, '_>, queue: &mut BinaryHeap<Open>) {
        let Search { ctx, probe, top, .. } = search;
        let block = &self.blocks[at as usize];
        let codes = |(a, b): (u32, u32)| &self.codes[a as usize..b as usize];
        let threshold = top.threshold();
        // First the section, slot and language masks of every listing, one
        // bit each (`bits_where`), as in a leaf of a tree.
        let first = block.listed.0 as usize;
        let pass = bits_where(&self.listed[first..block.listed.1 as usize], |l| {
            let lowest_shared = (l.sections & probe.sections).trailing_zeros() == block.section;
            lowest_shared & (l.slots & probe.slots != 0) & (l.languages & probe.languages != 0)
        });
        for_each_bit(pass, |bit| {
            let at = first + bit;
            let l = &self.listed[at];
            let network = if ctx.weights.network > 0.0 { probe.far_sector(codes(l.hiring)) } else { 0.0 };
            let availability = probe.availability(l.slots, l.slot_count);
            let parts = [
                probe.far_sector(codes(l.sectors)),
                probe.far_locality,
                probe.experience(l.tag_bits),
                network,
                availability,
            ];
            let bound = weighted_bound(ctx, parts);
            if !threshold.is_some_and(|t| bound < t) {
                queue.push(Open::new(bound, SECTION_LISTS, at as u32));
            }
        });
    }

    /// Offers the helper of listing `at` to the jobseeker of `search` when
    /// the pair is far, feasible and not already scored; returns how many
    /// pairs were scored (0 or 1).
    fn offer(&self, at: u32, search: &mut Search<'_, '_>) -> u64 {
        let Search { ctx, jobseeker, skip, probe, top } = search;
        let data = ctx.data;
        let j = data.person(*jobseeker);
        let (l, far) = (&self.listed[at as usize], &self.far[at as usize]);
        if !self.exact_languages && !shares_language(j, data.person(far.person)) {
            return 0;
        }
        let chord = chord(&probe.point, &far.point);
        if answered_locally(probe, far.area, &far.reach, chord) || skip.binary_search(&far.person).is_ok() {
            return 0;
        }
        let range = |(a, b): (u32, u32)| a as usize..b as usize;
        let view = crate::score::HelperView {
            sectors: &self.codes[range(l.sectors)],
            tags: &self.tags[range(far.tags)],
            hiring_sectors: &self.codes[range(l.hiring)],
            area: far.area,
            availability: crate::model::Slots(l.slots),
        };
        // Not within two ties: closeness is exactly 0.
        let components = ctx.components(j, &view, chord_to_km(chord), 0.0);
        top.offer(far.person, components.total(&ctx.weights));
        1
    }
}

/// One bit per item of `items` (at most 32, as in a leaf or a block), set
/// where `passes` holds. Every item is tested, without a branch per item:
/// the first pass over a leaf's helpers or a block's listings, whose tests
/// fail at random, so that branches would often guess wrong. The items that
/// pass are then met by [`for_each_bit`].
fn bits_where<T>(items: &[T], passes: impl Fn(&T) -> bool) -> u32 {
    debug_assert!(items.len() <= 32);
    items.iter().enumerate().fold(0, |bits, (bit, item)| bits | u32::from(passes(item)) << bit)
}

/// Calls `f` with the position of every set bit of `bits`, lowest first.
fn for_each_bit(mut bits: u32, mut f: impl FnMut(usize)) {
    while bits != 0 {
        f(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

/// Appends `items` to an arena of lists ([`Arenas`], [`SectionLists::codes`])
/// and returns their range in it.
fn append<T>(arena: &mut Vec<T>, items: impl IntoIterator<Item = T>) -> (u32, u32) {
    let start = arena.len() as u32;
    arena.extend(items);
    (start, arena.len() as u32)
}

/// What a tree node knows about the helpers below it.
///
/// Laid out in this order, on a cache line of its own ([`Node`]), so that
/// the fields every bound reads first (languages, the box, slots) share
/// one line and a node ruled out by them costs one read from memory.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
struct Summary {
    languages: u64,
    lo: [f64; 3],
    hi: [f64; 3],
    slots: u32,
    /// The fewest slots any helper below has (availability divides by it).
    min_slots: u32,
    tags: u64,
    max_km: f64,
    /// The SIC sections ([`Sections`]) that every helper below works or
    /// hires in: a node where one of them is wanted holds no pair the
    /// online tree answers for.
    common_sections: u32,
    any_remote: bool,
    /// Local areas of the helpers below (361 areas fit in 6 words).
    areas: Bits<6>,
    sectors: SectorMask,
    hiring: SectorMask,
}

impl Summary {
    fn empty() -> Summary {
        Summary {
            lo: [f64::INFINITY; 3],
            hi: [f64::NEG_INFINITY; 3],
            languages: 0,
            slots: 0,
            min_slots: u32::MAX,
            sectors: SectorMask::default(),
            hiring: SectorMask::default(),
            tags: 0,
            any_remote: false,
            max_km: 0.0,
            areas: Bits::default(),
            common_sections: u32::MAX,
        }
    }

    fn merge(&mut self, other: &Summary) {
        for axis in 0..3 {
            self.lo[axis] = self.lo[axis].min(other.lo[axis]);
            self.hi[axis] = self.hi[axis].max(other.hi[axis]);
        }
        self.languages |= other.languages;
        self.slots |= other.slots;
        self.min_slots = self.min_slots.min(other.min_slots);
        self.sectors = self.sectors.union(other.sectors);
        self.hiring = self.hiring.union(other.hiring);
        self.tags |= other.tags;
        self.any_remote |= other.any_remote;
        self.max_km = self.max_km.max(other.max_km);
        self.areas = self.areas.union(other.areas);
        self.common_sections &= other.common_sections;
    }

    /// A lower bound on the great-circle km from `point` (unit vector) to
    /// anything in the box: the box's nearest chord, as [`chord_km_floor`].
    fn min_km(&self, point: &[f64; 3]) -> f64 {
        chord_km_floor(box_chord2(&self.lo, &self.hi, point).sqrt())
    }
}

/// Locality at least as large as [`crate::score::locality`] at any distance
/// from a given one on, read from a table at steps of an eighth of a km: a
/// bound needs no exponential per node or per helper, for a ceiling within
/// 1% of the exact value up to [`CEILING_KM`].
struct LocalityCeiling {
    /// Locality at each step, in another area and in the same one.
    at_step: [Vec<f64>; 2],
}

impl LocalityCeiling {
    fn new() -> LocalityCeiling {
        let steps = (CEILING_KM * CEILING_STEPS_PER_KM) as usize;
        let table = |same_area| {
            (0..=steps).map(|k| crate::score::locality(k as f64 / CEILING_STEPS_PER_KM, same_area)).collect()
        };
        LocalityCeiling { at_step: [table(false), table(true)] }
    }

    /// At least `locality(x, same_area)` for every `x >= km`: locality
    /// falls with distance, so the value at the step at or below `km` bounds it.
    fn at(&self, km: f64, same_area: bool) -> f64 {
        let table = &self.at_step[usize::from(same_area)];
        // The cast takes negative and NaN distances to step 0, the largest value.
        let step = (km * CEILING_STEPS_PER_KM) as usize;
        table[step.min(table.len() - 1)]
    }
}

/// A node of the helper tree: a range of `HelperIndex::order`, its summary
/// and its two children (none for a leaf), which lie side by side.
#[repr(C, align(64))]
struct Node {
    summary: Summary,
    start: u32,
    end: u32,
    children: Option<(u32, u32)>,
}

impl Node {
    /// A node not yet built ([`Tree::build_node`] fills it in).
    fn placeholder() -> Node {
        Node { summary: Summary::empty(), start: 0, end: 0, children: None }
    }
}

/// How a [`HelperIndex`] groups its helpers, and which pairs it answers for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Every helper with capacity, grouped by place first: answers for
    /// pairs within both people's reach. Top levels split space down to
    /// regions of [`SECTOR_SPLIT_BELOW`] helpers, which split by SIC division.
    Local,
    /// Helpers happy to meet online, grouped by what they offer (experience
    /// tags, then slots) before place: answers for pairs of two online
    /// people that [`answered_locally`] leaves to it and that share no SIC
    /// section ([`SectionLists`] answers for those that do), whom distance
    /// never rules out. For them the best helpers are mostly far away,
    /// where locality adds almost nothing, so a grouping by place gives no
    /// bound that prunes.
    Online,
}

/// The k-d tree over helpers with capacity, with per-node summaries.
pub(crate) struct HelperIndex {
    layout: Layout,
    order: Vec<PersonIdx>,
    /// What the hard rules need of each helper, parallel to `order`, so that
    /// a leaf is checked from one contiguous run of memory.
    compact: Vec<Compact>,
    arenas: Arenas,
    nodes: Vec<Node>,
    sector_masks: SectorMasks,
    sections: Sections,
    languages: LanguageBits,
    locality: LocalityCeiling,
}

/// A helper's hard-rule and score fields, packed; lists live in
/// [`Arenas`], in the same order, so a leaf reads contiguous memory.
#[derive(Clone, Copy, Debug)]
struct Compact {
    point: [f64; 3],
    /// The helper's travel limit.
    reach: Reach,
    languages: u64,
    slots: u32,
    /// How many slots the helper offers.
    slot_count: u32,
    remote: bool,
    area: crate::geo::AreaIdx,
    sectors: (u32, u32),
    tags: (u32, u32),
    /// The tags as bits (see [`tag_bit`]), for bounds.
    tag_bits: u64,
    hiring: (u32, u32),
    /// The SIC sections the helper works or hires in ([`Sections`]).
    sections: u32,
}

/// The list fields of [`Compact`] helpers, end to end in tree order.
#[derive(Default)]
struct Arenas {
    sectors: Vec<crate::taxonomy::SicIdx>,
    tags: Vec<crate::model::TagIdx>,
}

impl Arenas {
    fn view(&self, c: &Compact) -> crate::score::HelperView<'_> {
        let range = |(a, b): (u32, u32)| a as usize..b as usize;
        crate::score::HelperView {
            sectors: &self.sectors[range(c.sectors)],
            tags: &self.tags[range(c.tags)],
            hiring_sectors: &self.sectors[range(c.hiring)],
            area: c.area,
            availability: crate::model::Slots(c.slots),
        }
    }
}

/// What one jobseeker brings to bound computations.
struct Probe {
    point: [f64; 3],
    languages: u64,
    slots: u32,
    /// How many slots the jobseeker offers.
    slot_count: u32,
    /// The non-zero words of the jobseeker's sector mask: a jobseeker wants a
    /// few codes, so testing only these words is much cheaper than the whole mask.
    sectors: SparseMask,
    /// The jobseeker's whole sector mask, for bounds on single helpers.
    sector_mask: SectorMask,
    /// The SIC sections the jobseeker wants ([`Sections`]).
    sections: u32,
    tag_weights: Vec<(u64, f64)>,
    tag_total: f64,
    remote: bool,
    /// The jobseeker's travel limit.
    reach: Reach,
    /// [`ONLINE_NEAR_KM`].
    online_near: Reach,
    area: u16,
    /// For a jobseeker happy to meet online, the sector bound of each code
    /// ([`HelperIndex::far_levels`]); empty otherwise.
    far_levels: Vec<u8>,
    /// Locality at most, for a far online pair.
    far_locality: f64,
}

impl Probe {
    /// Experience at most, with a helper whose tags are among `bits` ([`tag_bit`]).
    fn experience(&self, bits: u64) -> f64 {
        if self.tag_total > 0.0 {
            let shared = self.tag_weights.iter().filter(|(bit, _)| bits & bit != 0).fold(0.0, |acc, (_, w)| acc + w);
            (shared / self.tag_total).min(1.0)
        } else {
            0.0
        }
    }

    /// Sector similarity at most, with a helper whose codes are `codes`, for
    /// a jobseeker happy to meet online.
    fn far_sector(&self, codes: &[crate::taxonomy::SicIdx]) -> f64 {
        let deepest = codes.iter().map(|c| self.far_levels[usize::from(c.0)]).min().unwrap_or(4);
        SECTOR_VALUES[usize::from(deepest)]
    }

    /// Availability at most, with any of several helpers who together offer
    /// `slots` and each at least `min_slots` of them: shared slots can be no
    /// more than those offered at all, and the divisor no less than the
    /// smaller of the two slot counts.
    fn availability_at_most(&self, slots: u32, min_slots: u32) -> f64 {
        let shared = (self.slots & slots).count_ones();
        let divisor = self.slot_count.min(min_slots).max(1);
        (f64::from(shared) / f64::from(divisor)).min(1.0)
    }

    /// Availability exactly, with a helper offering `slots`, `slot_count` of them.
    fn availability(&self, slots: u32, slot_count: u32) -> f64 {
        let shared = (self.slots & slots).count_ones();
        let smaller = self.slot_count.min(slot_count);
        if smaller == 0 { 0.0 } else { f64::from(shared) / f64::from(smaller) }
    }
}

/// Component bounds in [`crate::score::Weights::NAMES`] order, weighted and
/// summed by [`crate::score::Components::total`], as a score is, plus
/// [`BOUND_SLACK`]: from terms no smaller than a score's, never below it.
fn weighted_bound(ctx: &ScoreContext<'_>, [sector, locality, experience, network, availability]: [f64; 5]) -> f64 {
    crate::score::Components { sector, locality, experience, network, availability }.total(&ctx.weights) + BOUND_SLACK
}

impl HelperIndex {
    /// The tree over every helper with capacity, grouped by place.
    pub(crate) fn build(ctx: &ScoreContext<'_>) -> HelperIndex {
        HelperIndex::build_over(ctx, ctx.data.helpers_with_capacity(), Layout::Local)
    }

    /// The tree over helpers with capacity who meet online, grouped by what they offer.
    fn build_online(ctx: &ScoreContext<'_>) -> HelperIndex {
        let mut helpers = ctx.data.helpers_with_capacity();
        helpers.retain(|&h| ctx.data.person(h).remote);
        HelperIndex::build_over(ctx, helpers, Layout::Online)
    }

    fn build_over(ctx: &ScoreContext<'_>, mut order: Vec<PersonIdx>, layout: Layout) -> HelperIndex {
        let data = ctx.data;
        let sector_masks = SectorMasks::new(&data.taxonomy);
        let sections = Sections::new(&data.taxonomy);
        let languages = LanguageBits::new(data);
        let mut points: Vec<[f64; 3]> = vec![[0.0; 3]; data.people.len()];
        for &h in &order {
            let p = data.person(h);
            points[h.0 as usize] = unit_vector(p.lat, p.lon);
        }
        let leaf_summary = |h: PersonIdx| -> Summary {
            let p = data.person(h);
            let point = points[h.0 as usize];
            let view = crate::score::HelperView::of(data, p);
            Summary {
                lo: point,
                hi: point,
                languages: languages.mask(&p.languages),
                slots: p.availability.0,
                min_slots: p.availability.len(),
                sectors: sector_masks.of(&p.sectors),
                hiring: sector_masks.of(view.hiring_sectors),
                tags: tag_bits(view.tags),
                any_remote: p.remote,
                max_km: p.max_km,
                areas: {
                    let mut areas = Bits::default();
                    areas.set(usize::from(p.area.0) % 384);
                    areas
                },
                common_sections: sections.of_helper(&view),
            }
        };
        let mut nodes = Vec::new();
        if !order.is_empty() {
            // Deterministic: the input order is dataset order and every split
            // breaks coordinate ties by person index.
            let len = order.len();
            let mut keys = vec![0; data.people.len()];
            for &h in &order {
                keys[h.0 as usize] = match layout {
                    Layout::Local => u128::from(sector_key(data, h)),
                    Layout::Online => offer_key(data, h),
                };
            }
            let group_below = match layout {
                Layout::Local => SECTOR_SPLIT_BELOW,
                Layout::Online => usize::MAX,
            };
            let tree = Tree { points: &points, keys: &keys, group_below, leaf_summary: &leaf_summary };
            nodes.push(Node::placeholder());
            tree.build_node(&mut nodes, &mut order, 0, 0, len);
        }
        let mut arenas = Arenas::default();
        let compact = order
            .iter()
            .map(|&h| {
                let p = data.person(h);
                let view = crate::score::HelperView::of(data, p);
                let sectors = append(&mut arenas.sectors, view.sectors.iter().copied());
                let hiring = append(&mut arenas.sectors, view.hiring_sectors.iter().copied());
                let tags = append(&mut arenas.tags, view.tags.iter().copied());
                Compact {
                    point: points[h.0 as usize],
                    reach: Reach::new(p.max_km),
                    languages: languages.mask(&p.languages),
                    slots: p.availability.0,
                    slot_count: p.availability.len(),
                    remote: p.remote,
                    area: p.area,
                    sectors,
                    tags,
                    tag_bits: tag_bits(view.tags),
                    hiring,
                    sections: sections.of_helper(&view),
                }
            })
            .collect();
        HelperIndex {
            layout,
            order,
            compact,
            arenas,
            nodes,
            sector_masks,
            sections,
            languages,
            locality: LocalityCeiling::new(),
        }
    }

    fn probe(&self, ctx: &ScoreContext<'_>, j: &Person) -> Probe {
        let tag_weights: Vec<(u64, f64)> =
            j.experiences.iter().map(|&t| (tag_bit(t), ctx.tag_weight[usize::from(t.0)])).collect();
        let sector_mask = self.sector_masks.of(&j.sectors);
        let sections = self.sections.of(&j.sectors);
        Probe {
            point: unit_vector(j.lat, j.lon),
            languages: self.languages.mask(&j.languages),
            slots: j.availability.0,
            slot_count: j.availability.len(),
            sectors: SparseMask::of(&sector_mask),
            sector_mask,
            sections,
            tag_total: tag_weights.iter().fold(0.0, |acc, (_, w)| acc + w),
            tag_weights,
            remote: j.remote,
            reach: Reach::new(j.max_km),
            online_near: Reach::new(ONLINE_NEAR_KM),
            area: j.area.0,
            far_levels: if j.remote { self.far_levels(&sector_mask, sections) } else { Vec::new() },
            far_locality: self.locality.at(ONLINE_NEAR_KM, false),
        }
    }

    /// For every code of a section in `sections`, the sector bound of a
    /// helper in that code for a jobseeker wanting `wanted`, as an index into
    /// [`SECTOR_VALUES`] ([`SectorMasks::code_bound`]); 4 (not alike at all)
    /// for codes of other sections.
    fn far_levels(&self, wanted: &SectorMask, sections: u32) -> Vec<u8> {
        let mut levels = vec![4u8; self.sections.bit.len()];
        for_each_bit(sections, |bit| {
            for &code in &self.sections.codes[bit] {
                levels[usize::from(code.0)] = self.sector_masks.code_bound(wanted, code);
            }
        });
        levels
    }

    /// An upper bound on the score of any feasible helper in a node (with
    /// no tie to the jobseeker), or `None` when none can be feasible.
    fn bound(&self, ctx: &ScoreContext<'_>, probe: &Probe, s: &Summary) -> Option<f64> {
        if probe.languages & s.languages == 0 || probe.slots & s.slots == 0 {
            return None;
        }
        let km = s.min_km(&probe.point);
        let same_area = s.areas.contains(usize::from(probe.area) % 384);
        let locality = match self.layout {
            Layout::Local => {
                let in_reach = km <= probe.reach.km().min(s.max_km);
                let online_near = probe.remote && s.any_remote && (km <= ONLINE_NEAR_KM || same_area);
                if !in_reach && !online_near {
                    return None;
                }
                self.locality.at(km, same_area)
            }
            // Everyone the online tree answers for is farther than
            // `ONLINE_NEAR_KM`, in another area and in no wanted section.
            Layout::Online if s.common_sections & probe.sections != 0 => return None,
            Layout::Online => self.locality.at(km.max(ONLINE_NEAR_KM), false),
        };
        let experience = probe.experience(s.tags);
        let availability = probe.availability_at_most(s.slots, s.min_slots);
        let (sector, network) = match self.layout {
            // No wanted section: sector and hiring similarity are 0.
            Layout::Online => (0.0, 0.0),
            Layout::Local => {
                let network = if ctx.weights.network > 0.0 { probe.sectors.bound(&s.hiring) } else { 0.0 };
                (probe.sectors.bound(&s.sectors), network)
            }
        };
        Some(weighted_bound(ctx, [sector, locality, experience, network, availability]))
    }

    /// An upper bound on the score of one feasible helper `c` (with no tie
    /// to the jobseeker) a `chord` apart: availability exactly, locality's
    /// ceiling at [`chord_km_floor`], experience from tag bits, sector and
    /// hiring from each code's levels.
    /// Far cheaper than scoring, so the many far helpers of an online
    /// jobseeker that cannot enter the top k are never scored. Summed in the
    /// order of [`crate::score::Components::total`] from terms no smaller
    /// than the score's, so it is never below the score.
    fn helper_bound(&self, ctx: &ScoreContext<'_>, probe: &Probe, c: &Compact, chord: f64) -> f64 {
        let range = |(a, b): (u32, u32)| a as usize..b as usize;
        let sector = self.sector_masks.bound(&probe.sector_mask, &self.arenas.sectors[range(c.sectors)]);
        let locality = self.locality.at(chord_km_floor(chord), probe.area == c.area.0);
        let experience = probe.experience(c.tag_bits);
        let network = if ctx.weights.network > 0.0 {
            self.sector_masks.bound(&probe.sector_mask, &self.arenas.sectors[range(c.hiring)])
        } else {
            0.0
        };
        let availability = probe.availability(c.slots, c.slot_count);
        weighted_bound(ctx, [sector, locality, experience, network, availability])
    }

    /// Whether helper `h`, packed as `c`, shares a weekly slot and a language
    /// with `j`, whose slot bits and language mask are given: two hard rules
    /// on packed fields, with the exact language check only when the mask
    /// cannot tell.
    fn shares_time_and_language(
        &self,
        data: &Dataset,
        j: &Person,
        slots: u32,
        languages: u64,
        h: PersonIdx,
        c: &Compact,
    ) -> bool {
        c.slots & slots != 0 && c.languages & languages != 0 && self.shares_language_given_masks(data, j, h)
    }

    /// Whether `j` and helper `h` share a language, given that their
    /// language masks meet: exact masks already say so; otherwise the
    /// records are compared.
    fn shares_language_given_masks(&self, data: &Dataset, j: &Person, h: PersonIdx) -> bool {
        self.languages.exact || shares_language(j, data.person(h))
    }

    /// Opens one node: queues its children whose bound can still reach the
    /// top k, or offers its helpers who pass the hard rules to `top`.
    /// Returns how many pairs it scored, and the child to open next when
    /// nothing queued beats it.
    fn open(&self, at: Open, search: &mut Search<'_, '_>, queue: &mut BinaryHeap<Open>) -> (u64, Option<Open>) {
        let Search { ctx, jobseeker, skip, probe, top } = search;
        let node = &self.nodes[at.node() as usize];
        if let Some((left, right)) = node.children {
            let [a, b] = [left, right].map(|child| {
                let bound = self.bound(ctx, probe, &self.nodes[child as usize].summary)?;
                (!top.threshold().is_some_and(|t| bound < t)).then_some(Open::new(bound, at.tree(), child))
            });
            // The better child is opened next unless the queue holds
            // something better, which saves a push and a pop per level
            // without changing the order nodes are opened in.
            let (better, worse) = if a > b { (a, b) } else { (b, a) };
            if let Some(worse) = worse {
                queue.push(worse);
            }
            return match better {
                Some(child) if queue.peek().is_none_or(|top| *top < child) => (0, Some(child)),
                Some(child) => {
                    queue.push(child);
                    (0, None)
                }
                None => (0, None),
            };
        }
        let data = ctx.data;
        let j = data.person(*jobseeker);
        let mut scored = 0;
        let range = node.start as usize..node.end as usize;
        // First the slot and language masks of every helper in the leaf and,
        // where both travel limits apply, a squared distance no pair within
        // them exceeds, one bit per helper (`bits_where`): most fail one of
        // these at random.
        let both_limits = self.layout == Layout::Local && !probe.remote;
        let probe_chord2 = probe.reach.max_chord2();
        let pass = bits_where(&self.compact[range.clone()], |c| {
            let near = !both_limits | (chord2(&probe.point, &c.point) <= probe_chord2.min(c.reach.max_chord2()));
            (c.slots & probe.slots != 0) & (c.languages & probe.languages != 0) & near
        });
        for_each_bit(pass, |bit| {
            let at = range.start + bit;
            let (h, c) = (self.order[at], &self.compact[at]);
            // The other hard rules of `check_pair`, cheapest first, on packed fields.
            if !self.shares_language_given_masks(data, j, h) {
                return;
            }
            let chord = chord(&probe.point, &c.point);
            let answered_here = match self.layout {
                Layout::Local if probe.remote && c.remote => answered_locally(probe, c.area, &c.reach, chord),
                Layout::Local => within_both(&probe.reach, &c.reach, chord),
                // Pairs that share a section are the section lists'.
                Layout::Online => c.sections & probe.sections == 0 && !answered_locally(probe, c.area, &c.reach, chord),
            };
            if !answered_here
                || top.threshold().is_some_and(|t| self.helper_bound(ctx, probe, c, chord) < t)
                || skip.binary_search(&h).is_ok()
            {
                return;
            }
            scored += 1;
            // Not within two ties (those were scored first): closeness is
            // exactly 0. The km is bit for bit the one `check_pair` computes.
            let components = ctx.components(j, &self.arenas.view(c), chord_to_km(chord), 0.0);
            top.offer(h, components.total(&ctx.weights));
        });
        (scored, None)
    }
}

/// Whether the local tree, rather than the online tree, answers for an
/// online jobseeker and an online helper a `chord` apart, in `area` with
/// travel limit `reach`: when they are within reach anyway, within
/// [`ONLINE_NEAR_KM`], or in the same area. The online tree answers for
/// every other online pair, so that its bounds may take locality as almost
/// nothing.
fn answered_locally(probe: &Probe, area: crate::geo::AreaIdx, reach: &Reach, chord: f64) -> bool {
    area.0 == probe.area || probe.online_near.admits(chord) || within_both(&probe.reach, reach, chord)
}

/// Whether two people a `chord` apart are within both their travel limits:
/// the distance rule for a pair that does not both meet online.
fn within_both(a: &Reach, b: &Reach, chord: f64) -> bool {
    a.admits(chord) && b.admits(chord)
}

/// One jobseeker's search in progress.
struct Search<'c, 'r> {
    ctx: &'c ScoreContext<'c>,
    jobseeker: PersonIdx,
    /// Helpers the trees must pass over, sorted: those within two ties,
    /// already scored, and those excluded from the pair.
    skip: Vec<PersonIdx>,
    probe: Probe,
    top: TopK<'r>,
}

/// Buffers that one thread's searches reuse, one after another, so that a
/// search allocates little besides its result. Each search empties them
/// first: what it finds never depends on the search before.
#[derive(Default)]
struct Scratch {
    /// Helpers the trees pass over ([`Search::skip`]).
    skip: Vec<PersonIdx>,
    /// The entries of the best-first queue.
    queue: Vec<Open>,
    /// The k best so far ([`TopK`]).
    top: Vec<Worst>,
}

/// Everything a search reads besides the jobseeker: the two trees and the
/// section lists over the online tree's helpers.
struct SearchIndex {
    local: HelperIndex,
    online: HelperIndex,
    lists: SectionLists,
    /// Each person's position in the local tree's order, `u32::MAX` for
    /// people it does not hold (everyone but helpers with capacity).
    local_position: Vec<u32>,
}

impl SearchIndex {
    /// The `k` best feasible helpers of one jobseeker and how many pairs were scored.
    ///
    /// Helpers within two ties are scored first, directly. Then the nodes of
    /// the local tree (pairs within reach) and, for a jobseeker who meets
    /// online, the blocks of the section lists and their helpers one by one
    /// (far online helpers who share a wanted section) and the nodes of the
    /// online tree (far online helpers who do not) are opened from one
    /// queue, best bound first, until no bound can beat the k-th best score.
    fn search(
        &self,
        ctx: &ScoreContext<'_>,
        exclusions: &Exclusions,
        rank: &[u32],
        jobseeker: PersonIdx,
        k: usize,
        scratch: &mut Scratch,
    ) -> (Vec<CandidateEdge>, u64) {
        let SearchIndex { local, online, lists, local_position } = self;
        let data = ctx.data;
        let j = data.person(jobseeker);
        let probe = local.probe(ctx, j);
        let partners: Vec<PersonIdx> = exclusions.partners(jobseeker).collect();
        let mut top = TopK::reusing(k, rank, std::mem::take(&mut scratch.top));
        let mut scored = 0u64;
        // Helpers within two ties: the only ones whose closeness can be above zero.
        let mut near = std::mem::take(&mut scratch.skip);
        near.clear();
        for &(_, first, _) in &ctx.ties[jobseeker.0 as usize] {
            near.push(first);
            near.extend(ctx.ties[first.0 as usize].iter().map(|&(_, second, _)| second));
        }
        near.sort_unstable();
        near.dedup();
        for &h in &near {
            // The rules of `check_pair`, on the local tree's packed fields: it
            // holds every helper with capacity, and only them.
            let at = local_position[h.0 as usize];
            if at == u32::MAX || partners.binary_search(&h).is_ok() {
                continue;
            }
            let c = &local.compact[at as usize];
            if !local.shares_time_and_language(data, j, probe.slots, probe.languages, h, c) {
                continue;
            }
            let chord = chord(&probe.point, &c.point);
            let in_reach = (probe.remote && c.remote) || within_both(&probe.reach, &c.reach, chord);
            if !in_reach {
                continue;
            }
            scored += 1;
            let components = ctx.components(j, &local.arenas.view(c), chord_to_km(chord), ctx.closeness(jobseeker, h));
            top.offer(h, components.total(&ctx.weights));
        }
        if k == 0 {
            scratch.skip = near;
            return (top.into_sorted(), scored);
        }
        let mut skip = near;
        skip.extend(partners);
        skip.sort_unstable();
        let mut search = Search { ctx, jobseeker, skip, probe, top };
        let root = |index: &HelperIndex, tree| {
            let bound = index.nodes.first().and_then(|root| index.bound(ctx, &search.probe, &root.summary));
            bound.map(|bound| Open::new(bound, tree, 0))
        };
        let mut waiting = std::mem::take(&mut scratch.queue);
        waiting.clear();
        waiting.extend(root(local, LOCAL_TREE));
        if j.remote {
            waiting.extend(root(online, ONLINE_TREE));
            lists.bound_blocks(ctx, &search.probe, search.top.threshold(), &mut waiting);
        }
        // Built at once from every block, rather than pushed one by one.
        let mut queue = BinaryHeap::from(waiting);
        let mut next = queue.pop();
        while let Some(at) = next {
            if search.top.threshold().is_some_and(|t| at.bound() < t) {
                break;
            }
            let (count, child) = match at.tree() {
                LOCAL_TREE => local.open(at, &mut search, &mut queue),
                SECTION_LISTS => (lists.offer(at.node(), &mut search), None),
                SECTION_BLOCKS => {
                    lists.open_block(at.node(), &search, &mut queue);
                    (0, None)
                }
                _ => online.open(at, &mut search, &mut queue),
            };
            scored += count;
            next = child.or_else(|| queue.pop());
        }
        let (sorted, buffer) = search.top.into_sorted_and_buffer();
        *scratch = Scratch { skip: search.skip, queue: queue.into_vec(), top: buffer };
        (sorted, scored)
    }
}

impl HelperIndex {
    /// [`no_candidate_reason`] for the tree's helpers (every helper with
    /// capacity), the same words without a pass over everyone: nodes whose
    /// helpers cannot get further through the rules than some helper already
    /// has are skipped whole.
    fn no_candidate_reason(&self, data: &Dataset, exclusions: &Exclusions, jobseeker: PersonIdx) -> Option<String> {
        let j = data.person(jobseeker);
        if self.nodes.is_empty() {
            let any_helper = data.people.iter().any(|p| p.role.is_helper());
            return why_none(j, usize::from(any_helper));
        }
        let point = unit_vector(j.lat, j.lon);
        let (languages, slots) = (self.languages.mask(&j.languages), j.availability.0);
        // Every helper here is one with capacity: two rules passed.
        let mut deepest = 2;
        let mut stack = vec![0u32];
        while let Some(at) = stack.pop() {
            let node = &self.nodes[at as usize];
            let s = &node.summary;
            let reachable = (j.remote && s.any_remote) || s.min_km(&point) <= j.max_km.min(s.max_km);
            if !reachable || (deepest >= 3 && languages & s.languages == 0) || (deepest >= 4 && slots & s.slots == 0) {
                continue;
            }
            if let Some((left, right)) = node.children {
                stack.extend([right, left]);
                continue;
            }
            let range = node.start as usize..node.end as usize;
            for (&h, c) in self.order[range.clone()].iter().zip(&self.compact[range]) {
                let helper = data.person(h);
                let stages = [
                    within_reach(j, helper, chord_km(&point, &c.point)),
                    shares_language(j, helper),
                    slots & c.slots != 0,
                    !exclusions.contains(jobseeker, h),
                ];
                deepest = deepest.max(2 + stages.iter().take_while(|&&passed| passed).count());
                if deepest == 6 {
                    return None;
                }
            }
        }
        why_none(j, deepest)
    }
}

/// Places left with each helper of a [`HelperIndex`], with a count per tree
/// node of the helpers below it who still have room, so that a search for
/// someone with room never opens a node whose helpers are all full.
pub(crate) struct Vacancies {
    /// Places left, by position in the index's order.
    room: Vec<u32>,
    /// Helpers with room below each node.
    open_below: Vec<u32>,
    /// Each person's position in the index's order (`u32::MAX`: not in it).
    position: Vec<u32>,
}

impl Vacancies {
    /// Every helper of `index` with their full capacity.
    pub(crate) fn new(index: &HelperIndex, data: &Dataset) -> Vacancies {
        let room: Vec<u32> = index.order.iter().map(|&h| data.person(h).capacity).collect();
        let mut position = vec![u32::MAX; data.people.len()];
        for (at, h) in index.order.iter().enumerate() {
            position[h.0 as usize] = at as u32;
        }
        let open_below = index
            .nodes
            .iter()
            .map(|node| room[node.start as usize..node.end as usize].iter().filter(|&&r| r > 0).count() as u32)
            .collect();
        Vacancies { room, open_below, position }
    }

    /// Whether `helper` has a place left.
    pub(crate) fn has_room(&self, helper: PersonIdx) -> bool {
        self.position.get(helper.0 as usize).is_some_and(|&at| at != u32::MAX && self.room[at as usize] > 0)
    }

    /// Takes one of `helper`'s places; when it was the last, every node
    /// above the helper counts one fewer helper with room. O(tree depth).
    pub(crate) fn take(&mut self, index: &HelperIndex, helper: PersonIdx) {
        let at = self.position[helper.0 as usize];
        let room = &mut self.room[at as usize];
        *room -= 1;
        if *room > 0 {
            return;
        }
        let mut node = 0;
        loop {
            self.open_below[node] -= 1;
            match index.nodes[node].children {
                Some((left, right)) => {
                    node = if at < index.nodes[right as usize].start { left as usize } else { right as usize };
                }
                None => break,
            }
        }
    }
}

impl HelperIndex {
    /// The nearest feasible helper with room in `vacancies`, ties by id;
    /// `None` when there is none. Opens nodes nearest first and never a
    /// node whose helpers are all full.
    pub(crate) fn nearest(
        &self,
        ctx: &ScoreContext<'_>,
        exclusions: &Exclusions,
        jobseeker: PersonIdx,
        vacancies: &Vacancies,
    ) -> Option<PersonIdx> {
        let data = ctx.data;
        if self.nodes.is_empty() {
            return None;
        }
        let j = data.person(jobseeker);
        let (point, languages) = (unit_vector(j.lat, j.lon), self.languages.mask(&j.languages));
        let reach = Reach::new(j.max_km);
        let reachable = |s: &Summary| {
            languages & s.languages != 0
                && j.availability.0 & s.slots != 0
                && (s.min_km(&point) <= j.max_km.min(s.max_km) || (j.remote && s.any_remote))
        };
        // A min-heap on distance: `Open` is a max-heap on bound, so negate.
        let mut queue: BinaryHeap<Open> = BinaryHeap::new();
        queue.push(Open::new(-self.nodes[0].summary.min_km(&point), 0, 0));
        let mut best: Option<(f64, u32, PersonIdx)> = None;
        while let Some(open) = queue.pop() {
            let (bound, at) = (open.bound(), open.node());
            if best.is_some_and(|(km, _, _)| -bound > km) {
                break;
            }
            let node = &self.nodes[at as usize];
            if vacancies.open_below[at as usize] == 0 || !reachable(&node.summary) {
                continue;
            }
            match node.children {
                Some((left, right)) => {
                    for child in [left, right] {
                        queue.push(Open::new(-self.nodes[child as usize].summary.min_km(&point), 0, child));
                    }
                }
                None => {
                    let range = node.start as usize..node.end as usize;
                    let helpers = self.order[range.clone()].iter().zip(&self.compact[range.clone()]);
                    for ((&h, c), &room) in helpers.zip(&vacancies.room[range]) {
                        // The hard rules of `check_pair` on packed fields, cheapest
                        // first; every helper in the tree has capacity.
                        if room == 0 || !self.shares_time_and_language(data, j, j.availability.0, languages, h, c) {
                            continue;
                        }
                        let chord = chord(&point, &c.point);
                        if !((j.remote && c.remote) || within_both(&reach, &c.reach, chord))
                            || exclusions.contains(jobseeker, h)
                        {
                            continue;
                        }
                        // The bits of `great_circle_km`, as `check_pair` computes them.
                        let km = chord_to_km(chord);
                        debug_assert!(check_pair(data, exclusions, jobseeker, h) == Ok(km));
                        let rank = ctx.id_rank[h.0 as usize];
                        if best.is_none_or(|(best_km, best_rank, _)| (km, rank) < (best_km, best_rank)) {
                            best = Some((km, rank, h));
                        }
                    }
                }
            }
        }
        best.map(|(_, _, h)| h)
    }
}

/// A node, block or listed helper waiting to be opened, best bound first
/// (ties: lower source, [`LOCAL_TREE`] first, then lower node, block or
/// listing index).
///
/// The order is one integer: the bound's bits mapped so that integer order
/// is [`f64::total_cmp`]'s, above the inverted tree and node, so the heap
/// compares one number instead of a float and two tie-breaks.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Open(u128);

impl Open {
    fn new(bound: f64, tree: u8, node: u32) -> Open {
        let bits = bound.to_bits();
        let rank = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
        let tie = !((u64::from(tree) << 32) | u64::from(node));
        Open((u128::from(rank) << 64) | u128::from(tie))
    }

    fn bound(self) -> f64 {
        let rank = (self.0 >> 64) as u64;
        f64::from_bits(if rank >> 63 == 1 { rank & !(1 << 63) } else { !rank })
    }

    fn tree(self) -> u8 {
        (!(self.0 as u64) >> 32) as u8
    }

    fn node(self) -> u32 {
        !(self.0 as u64) as u32
    }
}

/// Where a helper sits in a [`Layout::Local`] tree before space: the SIC
/// division of their first sector (a section-only code sorts after every
/// division of its section; no sector sorts last).
fn sector_key(data: &Dataset, helper: PersonIdx) -> u64 {
    let taxonomy = &data.taxonomy;
    match data.person(helper).sectors.first() {
        Some(&code) => match taxonomy.ancestor_at(code, SicLevel::Division) {
            Some(division) => u64::from(division.0),
            None => u64::from(code.0) + u64::from(u16::MAX),
        },
        None => u64::MAX,
    }
}

/// Where a helper sits in a [`Layout::Online`] tree before space: what
/// they offer to a far jobseeker with whom they share no SIC section, the
/// pairs that tree answers for. Sector and hiring similarity are 0 there, so
/// only experience and availability can count: first the helper's
/// experience tags or specialisms as bits, then their slots.
fn offer_key(data: &Dataset, helper: PersonIdx) -> u128 {
    let p = data.person(helper);
    let tags = tag_bits(crate::score::HelperView::of(data, p).tags);
    (u128::from(tags) << 32) | u128::from(p.availability.0)
}

/// What building a tree needs besides the helpers themselves.
struct Tree<'a> {
    points: &'a [[f64; 3]],
    /// Each helper's group key ([`sector_key`] or [`offer_key`]), by person index.
    keys: &'a [u128],
    /// Nodes with at most this many helpers split between groups before space.
    group_below: usize,
    leaf_summary: &'a dyn Fn(PersonIdx) -> Summary,
}

impl Tree<'_> {
    /// Builds the subtree over `order[start..end]` into node `id`, already
    /// in `nodes`. A node's two children are pushed side by side, since a
    /// search always reads both summaries together.
    ///
    /// Nodes above `group_below` helpers split space (the widest axis at the
    /// median); nodes below split between groups of equal key, so that a
    /// node holds one group and its summary can rule out whole sectors; and
    /// nodes within one group split space again, so that they are local.
    /// Each makes bounds tight; none affects correctness, since every bound
    /// holds for any grouping. Deterministic: ties break by person index.
    fn build_node(&self, nodes: &mut Vec<Node>, order: &mut [PersonIdx], id: u32, start: usize, end: usize) {
        let mut children = None;
        let mut summary = Summary::empty();
        if end - start <= LEAF_SIZE {
            for &h in &order[start..end] {
                summary.merge(&(self.leaf_summary)(h));
            }
        } else {
            let slice = &mut order[start..end];
            let key = |h: &PersonIdx| self.keys[h.0 as usize];
            let mixed = slice.len() <= self.group_below && slice.iter().any(|h| key(h) != key(&slice[0]));
            let mid = if mixed {
                // Split between two groups, at the boundary nearest the middle.
                slice.sort_unstable_by_key(|h| (key(h), *h));
                let half = slice.len() / 2;
                let boundaries = (1..slice.len()).filter(|&i| key(&slice[i]) != key(&slice[i - 1]));
                boundaries.min_by_key(|&i| (i.abs_diff(half), i)).unwrap_or(half)
            } else {
                let points = self.points;
                let mut lo = [f64::INFINITY; 3];
                let mut hi = [f64::NEG_INFINITY; 3];
                for h in slice.iter() {
                    let p = points[h.0 as usize];
                    for axis in 0..3 {
                        lo[axis] = lo[axis].min(p[axis]);
                        hi[axis] = hi[axis].max(p[axis]);
                    }
                }
                let axis =
                    (0..3).max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])).then(b.cmp(&a))).unwrap_or(0);
                let half = slice.len() / 2;
                slice.select_nth_unstable_by(half, |a, b| {
                    points[a.0 as usize][axis].total_cmp(&points[b.0 as usize][axis]).then(a.cmp(b))
                });
                half
            };
            let (left, right) = (nodes.len() as u32, nodes.len() as u32 + 1);
            nodes.extend([Node::placeholder(), Node::placeholder()]);
            self.build_node(nodes, order, left, start, start + mid);
            self.build_node(nodes, order, right, start + mid, end);
            summary.merge(&nodes[left as usize].summary.clone());
            summary.merge(&nodes[right as usize].summary.clone());
            children = Some((left, right));
        }
        nodes[id as usize] = Node { summary, start: start as u32, end: end as u32, children };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every block's bound is at least the bound of each helper it queues,
    /// and each such bound at least the helper's score whenever the section
    /// lists answer for the pair (far, and not within two ties): the two steps between a block and a score
    /// never understate, on a population with several blocks per section.
    #[test]
    fn section_list_bounds_never_understate() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::GenerateConfig {
            jobseekers: 400,
            mentors: 800,
            coaches: 80,
            employers: 100,
            seed: 11,
            region: None,
        };
        crate::generate(&config, &dir.path().join("data"), false).unwrap();
        let data = crate::read_dataset(&dir.path().join("data")).unwrap();
        let ctx = ScoreContext::new(&data, crate::Weights::default()).unwrap();
        let online = HelperIndex::build_online(&ctx);
        let lists = SectionLists::of(&online);
        let most_blocks = lists.start.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        assert!(most_blocks >= 3, "the population should fill several blocks of a section, not {most_blocks}");
        let (mut blocks_checked, mut listings_checked, mut scores_checked) = (0, 0, 0);
        for jobseeker in data.people_with_role(Role::Jobseeker) {
            let j = data.person(jobseeker);
            if !j.remote {
                continue;
            }
            let probe = online.probe(&ctx, j);
            let mut waiting = Vec::new();
            lists.bound_blocks(&ctx, &probe, None, &mut waiting);
            let search = Search { ctx: &ctx, jobseeker, skip: Vec::new(), probe, top: TopK::new(50, &ctx.id_rank) };
            for block in waiting {
                let mut queue = BinaryHeap::new();
                lists.open_block(block.node(), &search, &mut queue);
                blocks_checked += 1;
                for listing in queue.into_vec() {
                    assert!(listing.bound() <= block.bound(), "a listing's bound above its block's");
                    listings_checked += 1;
                    let far = &lists.far[listing.node() as usize];
                    let h = far.person;
                    let chord = chord(&search.probe.point, &far.point);
                    // Near pairs are the local tree's, and pairs within two
                    // ties are scored before any list is read.
                    let near = answered_locally(&search.probe, far.area, &far.reach, chord);
                    if near || ctx.closeness(jobseeker, h) > 0.0 {
                        continue;
                    }
                    let score = ctx.score(jobseeker, h).score;
                    assert!(score <= listing.bound(), "score {score} above its listing's bound {}", listing.bound());
                    scores_checked += 1;
                }
            }
        }
        assert!(blocks_checked > 100 && listings_checked > 1000 && scores_checked > 1000);
    }

    #[test]
    fn open_orders_by_bound_then_lower_tree_and_node() {
        let bounds = [f64::NEG_INFINITY, -3.5, -1e-300, -0.0, 0.0, 1e-300, 0.25, 0.75, 1.0, f64::INFINITY];
        let mut all = Vec::new();
        for &bound in &bounds {
            for tree in [0u8, 1] {
                for node in [0u32, 7, u32::MAX] {
                    let open = Open::new(bound, tree, node);
                    assert_eq!((open.bound().to_bits(), open.tree(), open.node()), (bound.to_bits(), tree, node));
                    all.push(open);
                }
            }
        }
        for a in &all {
            for b in &all {
                let expected =
                    a.bound().total_cmp(&b.bound()).then(b.tree().cmp(&a.tree())).then(b.node().cmp(&a.node()));
                assert_eq!(a.cmp(b), expected);
            }
        }
    }

    #[test]
    fn locality_ceiling_never_falls_below_locality() {
        let ceiling = LocalityCeiling::new();
        for same_area in [false, true] {
            // Every distance from 0 to past the table's end, in steps that
            // fall between the table's own.
            for k in 0..20_000 {
                let km = f64::from(k) * 0.0137;
                let exact = crate::score::locality(km, same_area);
                let bound = ceiling.at(km, same_area);
                assert!(bound >= exact, "{km} km: {bound} < {exact}");
                let slack = 0.01 * crate::score::LOCALITY_DISTANCE_SHARE;
                assert!(bound - exact <= slack, "{km} km: ceiling {bound} too far above {exact}");
            }
            for km in [-1.0, f64::NAN] {
                assert_eq!(ceiling.at(km, same_area), crate::score::locality(0.0, same_area));
            }
            assert!(ceiling.at(1e9, same_area) >= crate::score::locality(1e9, same_area));
        }
    }
}
