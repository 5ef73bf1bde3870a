//! Matching jobseekers to mentors and coaches within capacity, four ways.
//!
//! | mode | what it does |
//! |---|---|
//! | `optimal` | the largest total score over all candidate edges ([`crate::assign`]) |
//! | `stable` | the jobseeker-optimal stable matching ([`crate::stable`]): jobseekers rank helpers by their `preferences.csv` choices first (feasible ones, in their order), then by score; helpers rank jobseekers by score |
//! | `greedy` | baseline: the highest-scoring remaining pair first |
//! | `first-free` | baseline, as people are assigned today: each jobseeker in id order goes to the nearest feasible helper with room |
//!
//! Every mode picks only among edges that pass the hard rules (the
//! candidate edges of [`crate::candidates`](mod@crate::candidates), plus any feasible pair a
//! jobseeker chose in `preferences.csv`), so no mode breaks a hard rule, and
//! each respects every helper's capacity.
//!
//! Dense solver indices follow id order (jobseekers and helpers each sorted
//! by id), so the solvers' "lower index first" tie-breaking is "lower id
//! first" here, and results never depend on row order.

use rayon::prelude::*;

use crate::assign::{AssignOptions, AssignProblem, Edge, assign, greedy};
use crate::candidates::{Candidates, Exclusions, check_pair};
use crate::error::Result;
use crate::model::{PersonIdx, Role};
use crate::score::ScoreContext;
use crate::shortlist::SCORE_SCALE;
use crate::stable::{StableProblem, stable_matching};

/// How to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Largest total score.
    Optimal,
    /// Jobseeker-optimal stable matching.
    Stable,
    /// Highest score first.
    Greedy,
    /// Nearest helper with room, jobseekers in id order.
    FirstFree,
}

impl Mode {
    /// Every mode, in the order reports list them.
    pub const ALL: [Mode; 4] = [Mode::Optimal, Mode::Stable, Mode::Greedy, Mode::FirstFree];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Optimal => "optimal",
            Mode::Stable => "stable",
            Mode::Greedy => "greedy",
            Mode::FirstFree => "first-free",
        }
    }

    /// Parses a command-line name.
    pub fn parse(text: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// The result of one matching.
#[derive(Clone, Debug, PartialEq)]
pub struct Matching {
    /// The mode that made it.
    pub mode: Mode,
    /// Jobseekers in id order, each with their helper or the reason they have none.
    pub rows: Vec<(PersonIdx, Result<PersonIdx, String>)>,
    /// Matched jobseekers.
    pub matched: usize,
    /// Sum of matched scores, in millionths (scores are scaled once, exactly as the solvers see them).
    pub total_micros: i64,
}

impl Matching {
    /// Total score of matched pairs.
    pub fn total_score(&self) -> f64 {
        self.total_micros as f64 / SCORE_SCALE
    }
}

/// What every mode matches over: the candidate edges with their scores
/// scaled once, helpers with capacity, and the reason each jobseeker without
/// a feasible helper has none. Build it once to run several modes.
pub struct Instance {
    jobseekers: Vec<PersonIdx>,
    helpers: Vec<PersonIdx>,
    /// Per jobseeker (dense, id order): (helper slot, scaled score), helper slots in id order.
    edges: Vec<Vec<(u32, i64)>>,
    /// Why each jobseeker without an edge has none (`None` for the others),
    /// as the candidate search found it.
    no_candidate: Vec<Option<String>>,
}

fn scaled(score: f64) -> i64 {
    (score * SCORE_SCALE).round() as i64
}

impl Instance {
    /// The instance of `found`, plus every feasible pair that a jobseeker
    /// chose in `preferences.csv`.
    pub fn of(ctx: &ScoreContext<'_>, found: &Candidates) -> Instance {
        Instance::new(ctx, found, &[])
    }

    /// Matches every jobseeker in `mode`.
    ///
    /// # Errors
    ///
    /// As [`match_jobseekers`].
    pub fn solve(&self, ctx: &ScoreContext<'_>, mode: Mode) -> Result<Matching> {
        solve(ctx, self, mode)
    }

    /// The candidate edges, plus every feasible pair that a jobseeker chose
    /// in `preferences.csv` or that is in `extra` (previous matches).
    fn new(ctx: &ScoreContext<'_>, found: &Candidates, extra: &[(PersonIdx, PersonIdx)]) -> Instance {
        let data = ctx.data;
        let rank = &ctx.id_rank;
        let mut helpers = data.helpers_with_capacity();
        helpers.sort_by_key(|p| rank[p.0 as usize]);
        let mut slot_of = vec![u32::MAX; data.people.len()];
        for (slot, h) in helpers.iter().enumerate() {
            slot_of[h.0 as usize] = slot as u32;
        }
        let mut order: Vec<usize> = (0..found.jobseekers.len()).collect();
        order.sort_by_key(|&i| rank[found.jobseekers[i].0 as usize]);
        let exclusions = Exclusions::of(data);
        // Chosen helpers from preferences.csv join the candidate edges when feasible.
        let mut chosen: Vec<Vec<PersonIdx>> = vec![Vec::new(); data.people.len()];
        for pref in &data.preferences {
            chosen[pref.person.0 as usize].push(pref.choice);
        }
        for &(jobseeker, helper) in extra {
            chosen[jobseeker.0 as usize].push(helper);
        }
        let edges: Vec<Vec<(u32, i64)>> = order
            .par_iter()
            .map(|&i| {
                let j = found.jobseekers[i];
                let mut list: Vec<(u32, i64)> =
                    found.of(i).iter().map(|e| (slot_of[e.helper.0 as usize], scaled(e.score))).collect();
                for &h in &chosen[j.0 as usize] {
                    let slot = slot_of[h.0 as usize];
                    if slot != u32::MAX
                        && !list.iter().any(|&(s, _)| s == slot)
                        && check_pair(data, &exclusions, j, h).is_ok()
                    {
                        list.push((slot, scaled(ctx.score(j, h).score)));
                    }
                }
                list.sort_unstable();
                list
            })
            .collect();
        let jobseekers: Vec<PersonIdx> = order.iter().map(|&i| found.jobseekers[i]).collect();
        let no_candidate = order
            .iter()
            .zip(&edges)
            .map(|(&i, list)| {
                list.is_empty().then(|| found.reason(i).unwrap_or("no feasible mentor or coach").to_string())
            })
            .collect();
        Instance { jobseekers, helpers, edges, no_candidate }
    }

    fn problem(&self, ctx: &ScoreContext<'_>) -> AssignProblem {
        AssignProblem {
            n_mentees: self.jobseekers.len(),
            capacities: self.helpers.iter().map(|&h| ctx.data.person(h).capacity).collect(),
            edges: self
                .edges
                .iter()
                .enumerate()
                .flat_map(|(i, list)| list.iter().map(move |&(mentor, score)| Edge { mentee: i as u32, mentor, score }))
                .collect(),
        }
    }

    fn score_of(&self, mentee: usize, slot: u32) -> i64 {
        let list = &self.edges[mentee];
        list.binary_search_by_key(&slot, |&(s, _)| s).map_or(0, |at| list[at].1)
    }

    /// Turns "helper slot per mentee" into a [`Matching`] with reasons.
    fn finish(&self, mode: Mode, mentor_of: &[Option<u32>], unmatched_reason: &str) -> Matching {
        let mut total_micros = 0;
        let mut matched = 0;
        let rows = self
            .jobseekers
            .iter()
            .enumerate()
            .map(|(i, &j)| match mentor_of[i] {
                Some(slot) => {
                    matched += 1;
                    total_micros += self.score_of(i, slot);
                    (j, Ok(self.helpers[slot as usize]))
                }
                None => (j, Err(self.no_candidate[i].clone().unwrap_or_else(|| unmatched_reason.to_string()))),
            })
            .collect();
        Matching { mode, rows, matched, total_micros }
    }
}

/// Jobseekers whose first-free turns are searched ahead together.
const FIRST_FREE_BATCH: usize = 4096;

/// Matches jobseekers to helpers in `mode`, over the candidate edges `found`.
///
/// # Errors
///
/// A solver refusing its input (only possible for overflowing instances far
/// beyond national scale).
pub fn match_jobseekers(ctx: &ScoreContext<'_>, found: &Candidates, mode: Mode) -> Result<Matching> {
    Instance::of(ctx, found).solve(ctx, mode)
}

/// Solves one mode on an instance already built.
fn solve(ctx: &ScoreContext<'_>, instance: &Instance, mode: Mode) -> Result<Matching> {
    match mode {
        Mode::Optimal => {
            let solution = assign(&instance.problem(ctx), &AssignOptions::default())?;
            Ok(instance.finish(mode, &solution.mentor_of, "every candidate's places went to a better overall fit"))
        }
        Mode::Greedy => {
            let solution = greedy(&instance.problem(ctx))?;
            Ok(instance.finish(mode, &solution.mentor_of, "every candidate was full when their turn came"))
        }
        Mode::Stable => {
            let problem = stable_problem(ctx, instance);
            let solution = stable_matching(&problem)?;
            Ok(instance.finish(mode, &solution.mentor_of, "every candidate's places went to people they rank higher"))
        }
        Mode::FirstFree => {
            let mentor_of = first_free(ctx, instance);
            Ok(instance.finish(mode, &mentor_of, "every candidate within reach was full when their turn came"))
        }
    }
}

/// Rankings for stable matching: jobseekers by their stated choices, then by
/// score; helpers by score; ties by id.
fn stable_problem(ctx: &ScoreContext<'_>, instance: &Instance) -> StableProblem {
    let data = ctx.data;
    let mut slot_of = vec![u32::MAX; data.people.len()];
    for (slot, h) in instance.helpers.iter().enumerate() {
        slot_of[h.0 as usize] = slot as u32;
    }
    let mut stated: Vec<Vec<u32>> = vec![Vec::new(); instance.jobseekers.len()];
    let mut dense_of = vec![u32::MAX; data.people.len()];
    for (i, j) in instance.jobseekers.iter().enumerate() {
        dense_of[j.0 as usize] = i as u32;
    }
    // preferences are sorted by (person, rank): pushing keeps rank order.
    for pref in &data.preferences {
        let (i, slot) = (dense_of[pref.person.0 as usize], slot_of[pref.choice.0 as usize]);
        if i != u32::MAX && slot != u32::MAX && instance.edges[i as usize].iter().any(|&(s, _)| s == slot) {
            stated[i as usize].push(slot);
        }
    }
    let mentee_prefs: Vec<Vec<u32>> = instance
        .edges
        .iter()
        .zip(stated)
        .map(|(list, mut prefs)| {
            let mut rest: Vec<(u32, i64)> = list.iter().copied().filter(|(s, _)| !prefs.contains(s)).collect();
            rest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            prefs.extend(rest.into_iter().map(|(s, _)| s));
            prefs
        })
        .collect();
    let mut by_helper: Vec<Vec<(i64, u32)>> = vec![Vec::new(); instance.helpers.len()];
    for (i, list) in instance.edges.iter().enumerate() {
        for &(slot, score) in list {
            by_helper[slot as usize].push((score, i as u32));
        }
    }
    let mentor_prefs = by_helper
        .into_iter()
        .map(|mut list| {
            list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            list.into_iter().map(|(_, i)| i).collect()
        })
        .collect();
    let capacities = instance.helpers.iter().map(|&h| data.person(h).capacity).collect();
    StableProblem { mentee_prefs, mentor_prefs, capacities }
}

/// Each jobseeker in id order to the nearest feasible helper with room
/// (ties by id), over every feasible helper, not only the top candidates:
/// this is the baseline of today's practice.
fn first_free(ctx: &ScoreContext<'_>, instance: &Instance) -> Vec<Option<u32>> {
    let data = ctx.data;
    let exclusions = Exclusions::of(data);
    let mut slot_of = vec![u32::MAX; data.people.len()];
    for (slot, h) in instance.helpers.iter().enumerate() {
        slot_of[h.0 as usize] = slot as u32;
    }
    let index = crate::candidates::HelperIndex::build(ctx);
    let mut vacancies = crate::candidates::Vacancies::new(&index, data);
    let mut mentor_of = Vec::with_capacity(instance.jobseekers.len());
    // Turns are taken one by one, but searched ahead in parallel, a batch at
    // a time, against the places left when the batch starts. Places only
    // ever run out, so a helper found then who still has room at the
    // jobseeker's turn is still the nearest with room; only the others are
    // searched again. The result is that of strict turns.
    for batch in instance.jobseekers.chunks(FIRST_FREE_BATCH) {
        let ahead: Vec<Option<PersonIdx>> =
            batch.par_iter().map(|&j| index.nearest(ctx, &exclusions, j, &vacancies)).collect();
        for (&j, found) in batch.iter().zip(ahead) {
            let found = match found {
                Some(h) if !vacancies.has_room(h) => index.nearest(ctx, &exclusions, j, &vacancies),
                found => found,
            };
            mentor_of.push(found.map(|h| {
                vacancies.take(&index, h);
                slot_of[h.0 as usize]
            }));
        }
    }
    mentor_of
}

/// Matched count and total score of every mode, for comparisons.
///
/// # Errors
///
/// As [`match_jobseekers`].
pub fn compare_modes(ctx: &ScoreContext<'_>, found: &Candidates) -> Result<Vec<Matching>> {
    let instance = Instance::of(ctx, found);
    Mode::ALL.iter().map(|&mode| instance.solve(ctx, mode)).collect()
}

/// Options for [`rematch`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RematchOptions {
    /// The score a kept pair is worth on top of its own: a working pair is
    /// broken only when moving gains the others more than this, in score
    /// units (default 0.1, a tenth of the largest possible score).
    pub keep_bonus: f64,
}

impl Default for RematchOptions {
    fn default() -> RematchOptions {
        RematchOptions { keep_bonus: 0.1 }
    }
}

/// How a rematch relates to the previous matching.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RematchSummary {
    /// Previous pairs kept.
    pub kept: usize,
    /// Jobseekers previously matched who now have a different helper.
    pub changed: usize,
    /// Jobseekers matched now who were not matched before.
    pub new: usize,
    /// Previous pairs that ended: a person left, a hard rule now fails, or
    /// the jobseeker could not be placed again.
    pub ended: usize,
}

/// Rematches with minimal disruption: the optimal matching of the current
/// data where each still-feasible pair of `previous` is worth
/// `keep_bonus` more than its score.
///
/// Exact: among all matchings within the hard rules and capacities, it
/// maximises total score plus `keep_bonus` per kept pair, so a working pair
/// is broken only when that gains the others more than `keep_bonus`. With
/// unchanged data and a previous optimal matching, nothing changes (the
/// previous matching is still the unique best, now by a margin).
///
/// # Errors
///
/// `keep_bonus` negative or not finite; a solver refusing its input.
pub fn rematch(
    ctx: &ScoreContext<'_>,
    found: &Candidates,
    previous: &[(PersonIdx, PersonIdx)],
    options: &RematchOptions,
) -> Result<(Matching, RematchSummary)> {
    if !(options.keep_bonus.is_finite() && options.keep_bonus >= 0.0) {
        return Err(crate::Error::Argument("keep bonus must be a non-negative number".into()));
    }
    let data = ctx.data;
    let exclusions = Exclusions::of(data);
    let still: Vec<(PersonIdx, PersonIdx)> = previous
        .iter()
        .copied()
        .filter(|&(j, h)| data.person(j).role == Role::Jobseeker && check_pair(data, &exclusions, j, h).is_ok())
        .collect();
    let instance = Instance::new(ctx, found, &still);
    let mut problem = instance.problem(ctx);
    let mut dense_of = vec![u32::MAX; data.people.len()];
    for (i, j) in instance.jobseekers.iter().enumerate() {
        dense_of[j.0 as usize] = i as u32;
    }
    let mut slot_of = vec![u32::MAX; data.people.len()];
    for (slot, h) in instance.helpers.iter().enumerate() {
        slot_of[h.0 as usize] = slot as u32;
    }
    let mut kept_edges: Vec<(u32, u32)> =
        still.iter().map(|&(j, h)| (dense_of[j.0 as usize], slot_of[h.0 as usize])).collect();
    kept_edges.sort_unstable();
    let bonus = scaled(options.keep_bonus);
    for edge in &mut problem.edges {
        if kept_edges.binary_search(&(edge.mentee, edge.mentor)).is_ok() {
            edge.score += bonus;
        }
    }
    let solution = assign(&problem, &AssignOptions::default())?;
    let matching =
        instance.finish(Mode::Optimal, &solution.mentor_of, "every candidate's places went to a better overall fit");
    let mut before: Vec<(PersonIdx, PersonIdx)> = previous.to_vec();
    before.sort_unstable();
    let mut summary = RematchSummary::default();
    for (j, now) in &matching.rows {
        let was = before.binary_search_by_key(j, |&(p, _)| p).ok().map(|at| before[at].1);
        match (was, now) {
            (Some(h), Ok(now)) if h == *now => summary.kept += 1,
            (Some(_), Ok(_)) => summary.changed += 1,
            (None, Ok(_)) => summary.new += 1,
            (Some(_), Err(_)) => summary.ended += 1,
            (None, Err(_)) => {}
        }
    }
    // Pairs whose jobseeker is no longer a jobseeker in the data ended too.
    summary.ended += before.iter().filter(|&&(j, _)| dense_of[j.0 as usize] == u32::MAX).count();
    Ok((matching, summary))
}
