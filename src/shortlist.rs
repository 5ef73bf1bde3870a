//! "Choose from three": each jobseeker's short, varied list of helpers,
//! fair to the helpers' capacity.
//!
//! # Method
//!
//! 1. **Exposure caps.** A helper of capacity `c` is shown to at most
//!    `ceil(exposure × c)` jobseekers (default exposure 3), so that whatever
//!    people choose can mostly be honoured.
//! 2. **First options: as many people as possible.** Every jobseeker's first
//!    option is chosen together, by an exact assignment over the candidate
//!    edges with the exposure caps as capacities: first the largest number
//!    of jobseekers who get an option at all, then the largest total score
//!    among those ([`crate::assign::IncrementalAssign`] with `max_matched`).
//!    Greedy first options would let early jobseekers use up the only helper
//!    a later one could reach. Jobseekers enter the assignment in the order
//!    the candidate search takes them ([`crate::candidates::search_order`]),
//!    so [`search_and_shortlist`] can solve it while the search runs, and
//!    gives the same lists as [`shortlists`] after the search.
//! 3. **Further options: good and varied.** Rounds 2 to k add one option per
//!    jobseeker by maximal marginal relevance: the candidate maximising
//!    `λ × score − (1 − λ) × similarity to options already listed`, where
//!    similarity is the share of {same employer, same kind of helper, same
//!    SIC division} the two helpers have in common (default λ = 0.7). Within a
//!    round, jobseekers with fewer candidates go first (they have fewer ways
//!    out), then by id.
//!
//! Options are listed best score first. A jobseeker left without options is
//! reported with the reason: no feasible helper at all (see
//! [`crate::candidates::no_candidate_reason`]), or every feasible helper
//! already at their exposure cap.

use rayon::prelude::*;

use crate::assign::{AssignOptions, IncrementalAssign};
use crate::candidates::{CandidateEdge, CandidateOptions, Candidates, candidates_streamed, search_order};
use crate::error::Result;
use crate::model::{Dataset, PersonIdx};
use crate::score::ScoreContext;
use crate::taxonomy::SicLevel;

/// Default number of options per jobseeker.
pub const DEFAULT_OPTIONS: usize = 3;
/// Default exposure factor.
pub const DEFAULT_EXPOSURE: f64 = 3.0;
/// Default relevance weight λ of maximal marginal relevance.
pub const DEFAULT_RELEVANCE: f64 = 0.7;
/// Jobseekers whose turns in a round are looked ahead together.
const LOOK_AHEAD: usize = 4096;
/// Scores are scaled by this once, for the exact integer assignment.
pub const SCORE_SCALE: f64 = 1_000_000.0;

/// Options for [`shortlists`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShortlistOptions {
    /// Options per jobseeker (`--k`).
    pub k: usize,
    /// A helper is shown to at most `ceil(exposure × capacity)` jobseekers.
    pub exposure: f64,
    /// λ in [0, 1]: 1 ranks by score alone, lower values favour variety.
    pub relevance: f64,
}

impl Default for ShortlistOptions {
    fn default() -> ShortlistOptions {
        ShortlistOptions { k: DEFAULT_OPTIONS, exposure: DEFAULT_EXPOSURE, relevance: DEFAULT_RELEVANCE }
    }
}

/// One jobseeker's shortlist.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortlist {
    /// The jobseeker.
    pub jobseeker: PersonIdx,
    /// Helpers offered, best score first, with their scores.
    pub options: Vec<(PersonIdx, f64)>,
    /// Why the list is empty, when it is.
    pub reason: Option<String>,
}

/// Every jobseeker's shortlist, and how often each helper is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortlists {
    /// One per jobseeker, in [`Candidates::jobseekers`] order.
    pub lists: Vec<Shortlist>,
    /// How many shortlists each person appears on (indexed by [`PersonIdx`]).
    pub exposure: Vec<u32>,
    /// Each person's exposure cap (0 for jobseekers).
    pub caps: Vec<u32>,
}

/// The exposure cap of a helper with `capacity`: `ceil(exposure × capacity)`.
pub fn exposure_cap(capacity: u32, exposure: f64) -> u32 {
    (exposure * f64::from(capacity)).ceil().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// Builds every jobseeker's shortlist from their candidates.
///
/// # Errors
///
/// `options` out of range (`exposure` negative or not finite, `relevance`
/// outside [0, 1]), or the assignment refusing its input.
pub fn shortlists(ctx: &ScoreContext<'_>, found: &Candidates, options: &ShortlistOptions) -> Result<Shortlists> {
    let caps = exposure_caps(ctx, options)?;
    let mut first = FirstRound::new(&caps, found.jobseekers.len())?;
    if options.k > 0 {
        for i in search_order(ctx.data, &found.jobseekers) {
            first.offer(i, found.of(i))?;
        }
    }
    let (shown, chosen) = first.finish(found);
    later_rounds(ctx, found, options, caps, shown, chosen)
}

/// Searches every jobseeker's candidates and builds their shortlists, as
/// [`crate::candidates()`] then [`shortlists`] would, with the same result.
/// The first round's assignment takes each stretch of jobseekers in while
/// the next stretch is searched ([`candidates_streamed`]), so that it runs
/// alongside the search rather than after it.
///
/// # Errors
///
/// As [`shortlists`].
pub fn search_and_shortlist(
    ctx: &ScoreContext<'_>,
    candidate_options: &CandidateOptions,
    options: &ShortlistOptions,
) -> Result<(Candidates, Shortlists)> {
    let caps = exposure_caps(ctx, options)?;
    let n = ctx.data.people_with_role(crate::model::Role::Jobseeker).count();
    let mut first = FirstRound::new(&caps, n)?;
    let mut refused = None;
    let found = candidates_streamed(ctx, candidate_options, |i, list| {
        if options.k > 0 && refused.is_none() {
            refused = first.offer(i, list).err();
        }
    });
    if let Some(error) = refused {
        return Err(error);
    }
    let (shown, chosen) = first.finish(&found);
    let lists = later_rounds(ctx, &found, options, caps, shown, chosen)?;
    Ok((found, lists))
}

/// Each person's exposure cap (0 for jobseekers), once `options` are checked.
fn exposure_caps(ctx: &ScoreContext<'_>, options: &ShortlistOptions) -> Result<Vec<u32>> {
    if !(options.exposure.is_finite() && options.exposure >= 0.0) {
        return Err(crate::Error::Argument("exposure must be a non-negative number".into()));
    }
    if !(0.0..=1.0).contains(&options.relevance) {
        return Err(crate::Error::Argument("relevance must lie between 0 and 1".into()));
    }
    Ok(ctx
        .data
        .people
        .iter()
        .map(|p| if p.role.is_helper() { exposure_cap(p.capacity, options.exposure) } else { 0 })
        .collect())
}

/// Rounds 2 to k after the first round's options (`chosen`, with `shown`
/// counting each person's appearances), and the lists with their reasons.
fn later_rounds(
    ctx: &ScoreContext<'_>,
    found: &Candidates,
    options: &ShortlistOptions,
    caps: Vec<u32>,
    mut shown: Vec<u32>,
    mut chosen: Vec<Vec<(PersonIdx, f64)>>,
) -> Result<Shortlists> {
    let picker = Picker { found, relevance: options.relevance, rank: &ctx.id_rank, likeness: Likeness::new(ctx.data) };
    // Later rounds: fewer candidates first, then id.
    let mut turn: Vec<usize> = (0..found.jobseekers.len()).collect();
    turn.sort_by_key(|&i| (found.of(i).len(), ctx.id_rank[found.jobseekers[i].0 as usize]));
    // Turns are taken one by one, but looked ahead in parallel, a batch at
    // a time, against the exposure left when the batch starts. Exposure only
    // ever runs out, so an option picked then whose helper can still be
    // shown at the jobseeker's turn is still their best; only the others are
    // picked again. The result is that of strict turns.
    for _round in 1..options.k {
        for batch in turn.chunks(LOOK_AHEAD) {
            let ahead: Vec<Option<(PersonIdx, f64)>> =
                batch.par_iter().map(|&i| picker.next_option(&shown, &caps, &chosen[i], i)).collect();
            for (&i, pick) in batch.iter().zip(ahead) {
                let pick = match pick {
                    Some((h, _)) if shown[h.0 as usize] >= caps[h.0 as usize] => {
                        picker.next_option(&shown, &caps, &chosen[i], i)
                    }
                    pick => pick,
                };
                if let Some((h, score)) = pick {
                    shown[h.0 as usize] += 1;
                    chosen[i].push((h, score));
                }
            }
        }
    }
    let lists = found
        .jobseekers
        .par_iter()
        .zip(chosen)
        .enumerate()
        .map(|(i, (&jobseeker, mut options))| {
            options.sort_by(|a, b| {
                b.1.total_cmp(&a.1).then(ctx.id_rank[a.0.0 as usize].cmp(&ctx.id_rank[b.0.0 as usize]))
            });
            let reason = if !options.is_empty() {
                None
            } else if found.of(i).is_empty() {
                found.reason(i).map(str::to_string)
            } else {
                Some("every mentor and coach within reach is already shown to as many people as they can take".into())
            };
            Shortlist { jobseeker, options, reason }
        })
        .collect();
    Ok(Shortlists { lists, exposure: shown, caps })
}

/// What later rounds pick options from, besides the exposure so far.
struct Picker<'a> {
    found: &'a Candidates,
    /// λ of maximal marginal relevance.
    relevance: f64,
    /// Each person's id rank, for ties.
    rank: &'a [u32],
    likeness: Likeness,
}

impl Picker<'_> {
    /// The `i`-th jobseeker's next option by maximal marginal relevance
    /// among candidates not yet on their `list` whose helper has been
    /// `shown` fewer times than their cap (ties by id); `None` when there is
    /// none.
    fn next_option(
        &self,
        shown: &[u32],
        caps: &[u32],
        list: &[(PersonIdx, f64)],
        i: usize,
    ) -> Option<(PersonIdx, f64)> {
        let Picker { found, relevance, rank, likeness } = self;
        let mut best: Option<(f64, u32, PersonIdx, f64)> = None;
        for edge in found.of(i) {
            let h = edge.helper;
            if shown[h.0 as usize] >= caps[h.0 as usize] || list.iter().any(|&(c, _)| c == h) {
                continue;
            }
            let similarity = list.iter().map(|&(c, _)| likeness.similarity(h, c)).fold(0.0, f64::max);
            let value = relevance * edge.score - (1.0 - relevance) * similarity;
            let rank = rank[h.0 as usize];
            let better = match best {
                None => true,
                Some((v, r, _, _)) => value > v || (value == v && rank < r),
            };
            if better {
                best = Some((value, rank, h, edge.score));
            }
        }
        best.map(|(_, _, h, score)| (h, score))
    }
}

/// Round one: the most jobseekers with an option, then the best total
/// score, by an exact assignment that takes jobseekers in one at a time in
/// [`search_order`], whether they come from a finished search or one still
/// running, so that both give the same result.
struct FirstRound<'c> {
    solver: IncrementalAssign,
    /// Each person's exposure cap (0 for jobseekers).
    caps: &'c [u32],
    /// Each helper's mentor index in the assignment, `u32::MAX` until they
    /// first appear: deterministic, and only helpers that appear take part.
    helper_slot: Vec<u32>,
    helpers: Vec<PersonIdx>,
    /// The jobseeker (index in [`Candidates::jobseekers`]) of each mentee,
    /// in order of entry.
    entered: Vec<u32>,
    row: Vec<(u32, i64)>,
}

impl<'c> FirstRound<'c> {
    fn new(caps: &'c [u32], jobseekers: usize) -> Result<FirstRound<'c>> {
        let options = AssignOptions { max_matched: true };
        Ok(FirstRound {
            solver: IncrementalAssign::new(options, jobseekers, SCORE_SCALE as i64)?,
            caps,
            helper_slot: vec![u32::MAX; caps.len()],
            helpers: Vec::new(),
            entered: Vec::with_capacity(jobseekers),
            row: Vec::new(),
        })
    }

    /// Takes in the `i`-th jobseeker with their candidates.
    fn offer(&mut self, i: usize, list: &[CandidateEdge]) -> Result<()> {
        self.row.clear();
        for edge in list {
            let h = edge.helper.0 as usize;
            if self.helper_slot[h] == u32::MAX {
                self.helper_slot[h] = self.solver.add_mentor(self.caps[h])?;
                self.helpers.push(edge.helper);
            }
            self.row.push((self.helper_slot[h], scaled(edge.score)));
        }
        self.solver.enter(&self.row)?;
        self.entered.push(i as u32);
        Ok(())
    }

    /// Each jobseeker's first option, if matched, and how many lists each
    /// person is shown on so far.
    fn finish(self, found: &Candidates) -> (Vec<u32>, Vec<Vec<(PersonIdx, f64)>>) {
        let mut shown = vec![0u32; self.caps.len()];
        let mut chosen: Vec<Vec<(PersonIdx, f64)>> = vec![Vec::new(); found.jobseekers.len()];
        let solution = self.solver.finish();
        for (&i, slot) in self.entered.iter().zip(&solution.mentor_of) {
            if let Some(slot) = *slot {
                let (i, h) = (i as usize, self.helpers[slot as usize]);
                let score = found.of(i).iter().find(|e| e.helper == h).map_or(0.0, |e| e.score);
                shown[h.0 as usize] += 1;
                chosen[i].push((h, score));
            }
        }
        (shown, chosen)
    }
}

/// A score in [0, 1] as the assignment's integer.
fn scaled(score: f64) -> i64 {
    (score.clamp(0.0, 1.0) * SCORE_SCALE).round() as i64
}

/// How alike two helpers are as options, in [0, 1]: the share of {same
/// employer, same kind of helper, a shared SIC division} that holds.
pub fn helper_similarity(data: &Dataset, a: PersonIdx, b: PersonIdx) -> f64 {
    let (x, y) = (data.person(a), data.person(b));
    let same_employer = x.employer.is_some() && x.employer == y.employer;
    let same_kind = x.role == y.role;
    let taxonomy = &data.taxonomy;
    let shared_division = x.sectors.iter().any(|&s| {
        y.sectors.iter().any(|&t| taxonomy.common_level(s, t).is_some_and(|level| level >= SicLevel::Division))
    });
    f64::from(u8::from(same_employer) + u8::from(same_kind) + u8::from(shared_division)) / 3.0
}

/// [`helper_similarity`] from one small record per person (employer, kind
/// and SIC divisions as bits) rather than from people's records and sector
/// lists: later rounds compare every candidate with every option listed,
/// and the records they would read are scattered across memory.
struct Likeness {
    /// Indexed by [`PersonIdx`].
    traits: Vec<Traits>,
}

/// What [`helper_similarity`] compares of one person.
#[derive(Clone, Copy)]
struct Traits {
    /// The employer's index, `u32::MAX` for none.
    employer: u32,
    role: crate::model::Role,
    /// The SIC divisions of the person's sectors, by position among the
    /// taxonomy's divisions (88 in UK SIC 2007).
    divisions: [u64; 2],
}

impl Likeness {
    fn new(data: &Dataset) -> Likeness {
        let taxonomy = &data.taxonomy;
        let mut position = vec![usize::MAX; taxonomy.nodes.len()];
        for (at, division) in taxonomy.codes_at(SicLevel::Division).enumerate() {
            position[usize::from(division.0)] = at;
        }
        let traits = data
            .people
            .par_iter()
            .map(|p| {
                let mut divisions = [0u64; 2];
                for &code in &p.sectors {
                    if let Some(division) = taxonomy.ancestor_at(code, SicLevel::Division) {
                        let at = position[usize::from(division.0)];
                        divisions[at / 64] |= 1 << (at % 64);
                    }
                }
                Traits { employer: p.employer.map_or(u32::MAX, |e| e.0), role: p.role, divisions }
            })
            .collect();
        Likeness { traits }
    }

    /// [`helper_similarity`] of `a` and `b`, the same value.
    fn similarity(&self, a: PersonIdx, b: PersonIdx) -> f64 {
        let (x, y) = (&self.traits[a.0 as usize], &self.traits[b.0 as usize]);
        let same_employer = x.employer != u32::MAX && x.employer == y.employer;
        let same_kind = x.role == y.role;
        let shared_division = x.divisions[0] & y.divisions[0] != 0 || x.divisions[1] & y.divisions[1] != 0;
        f64::from(u8::from(same_employer) + u8::from(same_kind) + u8::from(shared_division)) / 3.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packed similarity equals [`helper_similarity`] on every pair of
    /// people in the sample data.
    #[test]
    fn likeness_equals_helper_similarity() {
        let data = crate::read_dataset(std::path::Path::new("fixtures/sample")).unwrap();
        assert!(data.taxonomy.codes_at(SicLevel::Division).count() <= 128);
        let likeness = Likeness::new(&data);
        let people: Vec<PersonIdx> = (0..data.people.len() as u32).map(PersonIdx).collect();
        let mut alike = 0;
        for &a in &people {
            for &b in &people {
                let expected = helper_similarity(&data, a, b);
                assert_eq!(likeness.similarity(a, b), expected, "{a:?} {b:?}");
                alike += usize::from(expected > 0.5);
            }
        }
        assert!(alike > people.len(), "the sample should hold alike pairs besides each person with itself");
    }
}
