//! The figures of `passiton report`: how each match mode did, caseloads,
//! who is left unmatched and why, fairness by lived-experience group and by
//! area, and what worked according to `outcomes.csv`.
//!
//! [`report`] computes a [`Report`], plain data that serialises to
//! `report.json`; `html` (feature `report-html`) draws the same figures as a
//! self-contained page with SVG charts. Every list is in a fixed order (mode
//! order, id order, or sorted names) and every fraction is rounded to
//! [`DECIMALS`] places, so the JSON is byte-identical for the same input
//! whatever the thread count.
//!
//! # Privacy
//!
//! Groups of fewer than [`MIN_GROUP_SIZE`] jobseekers, whether a
//! lived-experience tag or an area, are suppressed: they are counted as
//! suppressed groups and nothing else, neither their name nor their size nor
//! any figure about them. Only consented experience tags exist in a
//! [`Dataset`](crate::Dataset), so unconsented experiences can never reach a report.
//!
//! The outcome figures follow the same rule for pairs: a cell (a score band,
//! a component, a kind of helper, or all pairs) of fewer than
//! [`MIN_GROUP_SIZE`] pairs is marked [`Suppressed`] and gives no count,
//! rate or mean. Since the cells of a breakdown add up to all pairs, larger
//! cells are suppressed too where the total would otherwise give away the
//! small ones (see [`OutcomeCell`]).
//!
//! # Example
//!
//! ```
//! use passiton::{CandidateOptions, ScoreContext, Weights};
//!
//! let data = passiton::load_dataset(std::path::Path::new("fixtures/tiny"))?;
//! let ctx = ScoreContext::new(&data, Weights::default())?;
//! let found = passiton::candidates(&ctx, &CandidateOptions::default());
//! let report = passiton::report::report(&ctx, &found)?;
//! assert_eq!(report.modes.len(), 4);
//! // Six people: every lived-experience group is too small to show.
//! assert!(report.fairness.experience.groups.is_empty());
//! // Two pairs with outcomes: too few to show any outcome figure.
//! assert!(report.what_worked.unwrap().all.shown().is_none());
//! # Ok::<(), passiton::Error>(())
//! ```

#[cfg(feature = "report-html")]
pub mod html;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::candidates::{Candidates, Exclusions, check_pair};
use crate::error::Result;
use crate::matching::{Matching, Mode, compare_modes};
use crate::model::{OutcomeKind, PersonIdx, Role};
use crate::score::{HelperView, ScoreContext, Weights};
use crate::shortlist::SCORE_SCALE;

/// Groups (experience tags, areas) with fewer jobseekers than this are
/// suppressed: not named, not counted, no figure shown. Outcome cells with
/// fewer pairs than this are suppressed the same way (see [`OutcomeCell`]).
///
/// Ten is the smallest cell size that UK official statistics commonly
/// publish for counts about people; below it a reader who knows a few of
/// the people could work out who is who.
pub const MIN_GROUP_SIZE: usize = 10;

/// Width of a bin of the score histograms.
pub const SCORE_BIN_WIDTH: f64 = 0.05;

/// Number of bins of the score histograms: `[0, 0.05)`, `[0.05, 0.10)`, … `[0.95, 1]`.
pub const SCORE_BINS: usize = 20;

/// Width of a score band in the outcome figures: outcomes are far fewer
/// than matches, so the bands are wider than the histogram bins.
pub const OUTCOME_BAND_WIDTH: f64 = 0.2;

/// Number of score bands in the outcome figures.
pub const OUTCOME_BANDS: usize = 5;

/// Decimal places kept in every fraction and mean of the report.
pub const DECIMALS: i32 = 4;

/// The utilisation bands of the caseload figures, in order: the share of
/// a helper's own places that is used.
pub const UTILISATION_BANDS: [&str; 6] = ["none", "under 25%", "25-49%", "50-74%", "75-99%", "full"];

/// The load bins of the caseload figures, in order: jobseekers assigned to
/// one helper. The same bins serve mentors (a few places each) and coaches
/// (tens), so that the two compare and a coach's long tail stays short.
pub const LOAD_BINS: [&str; 8] = ["0", "1", "2", "3-4", "5-9", "10-19", "20-49", "50 or more"];

/// The smallest load of each of [`LOAD_BINS`].
const LOAD_BIN_STARTS: [u32; 8] = [0, 1, 2, 3, 5, 10, 20, 50];

/// Everything `passiton report` shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The suppression threshold in force ([`MIN_GROUP_SIZE`]).
    pub min_group_size: usize,
    /// Width of a score-histogram bin ([`SCORE_BIN_WIDTH`]).
    pub score_bin_width: f64,
    /// Who is in the data.
    pub counts: Counts,
    /// Each match mode, in [`Mode::ALL`] order.
    pub modes: Vec<ModeFigures>,
    /// Caseloads in the optimal matching.
    pub caseload: Caseload,
    /// Share matched and mean score by group, in the optimal matching.
    pub fairness: Fairness,
    /// Outcomes by score band, strongest component and kind of helper;
    /// `None` when the data has no `outcomes.csv` rows.
    pub what_worked: Option<WhatWorked>,
}

/// Who is in the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Jobseekers.
    pub jobseekers: usize,
    /// Mentors.
    pub mentors: usize,
    /// Coaches.
    pub coaches: usize,
    /// Places offered: the sum of every mentor's and coach's capacity.
    pub places: u64,
    /// Rows of `outcomes.csv`.
    pub outcomes: usize,
}

/// How one match mode did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModeFigures {
    /// The mode's command-line name.
    pub mode: &'static str,
    /// Jobseekers matched.
    pub matched: usize,
    /// Jobseekers left unmatched.
    pub unmatched: usize,
    /// Matched over all jobseekers (0 when there are none).
    pub share_matched: f64,
    /// Sum of the matched pairs' scores.
    pub total_score: f64,
    /// Mean score of the matched pairs (`None` when no one is matched).
    pub mean_score: Option<f64>,
    /// Matched pairs per score bin ([`SCORE_BINS`] bins of [`SCORE_BIN_WIDTH`]; a score of 1 falls in the last).
    pub score_histogram: Vec<usize>,
    /// Unmatched jobseekers by reason, most common first, then by reason.
    pub unmatched_reasons: Vec<ReasonCount>,
}

/// How many jobseekers were left unmatched for one reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The reason as the matching gives it, without any parenthesised
    /// detail (a person's own travel limit), so that equal reasons group.
    pub reason: String,
    /// Jobseekers left unmatched for it.
    pub jobseekers: usize,
}

/// Caseloads of the optimal matching.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Caseload {
    /// The names of the load bins ([`LOAD_BINS`]), which `load_bins` counts follow.
    pub load_bin_labels: [&'static str; 8],
    /// The names of the utilisation bands ([`UTILISATION_BANDS`]), which `utilisation_bands` counts follow.
    pub utilisation_band_labels: [&'static str; 6],
    /// Mentors with capacity.
    pub mentors: LoadSummary,
    /// Coaches with capacity.
    pub coaches: LoadSummary,
    /// Every mentor and coach with capacity, in id order.
    pub helpers: Vec<HelperLoad>,
}

/// Load of one kind of helper.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadSummary {
    /// Helpers of this kind with capacity.
    pub helpers: usize,
    /// Their places (sum of capacities).
    pub places: u64,
    /// Jobseekers assigned to them.
    pub assigned: u64,
    /// Assigned over places (0 when there are no places).
    pub utilisation: f64,
    /// Helpers per [`LOAD_BINS`] bin (jobseekers assigned to them).
    pub load_bins: Vec<usize>,
    /// Helpers per [`UTILISATION_BANDS`] band (assigned over their own capacity).
    pub utilisation_bands: Vec<usize>,
}

/// The load of one helper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HelperLoad {
    /// Their id.
    pub id: String,
    /// `mentor` or `coach`.
    pub role: &'static str,
    /// Jobseekers assigned in the optimal matching.
    pub assigned: u32,
    /// Their capacity.
    pub capacity: u32,
}

/// Share matched and mean score by group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fairness {
    /// Every jobseeker: the baseline each group compares with.
    pub all: GroupFigures,
    /// By consented lived-experience tag.
    pub experience: GroupTable,
    /// By local area.
    pub area: GroupTable,
}

/// The groups of one breakdown that are large enough to show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupTable {
    /// Groups of at least [`MIN_GROUP_SIZE`] jobseekers, by name.
    pub groups: Vec<GroupFigures>,
    /// How many groups were suppressed for being smaller; nothing else about them is given.
    pub suppressed_groups: usize,
}

/// How one group of jobseekers did in the optimal matching.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupFigures {
    /// The tag or area code.
    pub group: String,
    /// Plain-words name (the tag as a phrase, the area's name).
    pub label: String,
    /// Jobseekers in the group (one jobseeker may be in several experience groups).
    pub jobseekers: usize,
    /// Of them, matched.
    pub matched: usize,
    /// Matched over jobseekers.
    pub share_matched: f64,
    /// Mean score of their matched pairs (`None` when none is matched).
    pub mean_score: Option<f64>,
}

/// What came of past mentoring, from `outcomes.csv`.
///
/// The unit is a pair (mentee, helper): its outcome is the best of its rows,
/// so a pair counts as a job start if any row is `job_start` or
/// `sustained_job`, and as sustained if any row is `sustained_job`.
///
/// A pair's score is computed from the data as it is now, hard rules aside
/// (a past pair may no longer pass them: see `outside_hard_rules`), and
/// without any direct tie between the two people: the relationship itself
/// creates a `mentored` tie, and counting it would credit every past pair
/// with the network the mentoring built.
///
/// Every cell, `all` included, is suppressed if it holds fewer than
/// [`MIN_GROUP_SIZE`] pairs (see [`OutcomeCell`]); when `all` is,
/// `best_outcome` and `outside_hard_rules` are `None` as well.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatWorked {
    /// Every pair together: the distinct (mentee, helper) pairs with outcomes.
    pub all: OutcomeRates,
    /// Pairs by their best outcome, in [`OutcomeKind::ALL`] order.
    pub best_outcome: Option<Vec<OutcomeCount>>,
    /// Pairs that would fail a hard rule today (they are still counted).
    pub outside_hard_rules: Option<usize>,
    /// By score band ([`OUTCOME_BANDS`] bands of [`OUTCOME_BAND_WIDTH`]), lowest first.
    pub by_score_band: Vec<OutcomeRates>,
    /// By the component that contributes most to the pair's score (weight
    /// times value; ties go to the first in [`Weights::NAMES`] order), in that order.
    pub by_component: Vec<OutcomeRates>,
    /// By the helper's role: `mentor`, then `coach`.
    pub by_helper_role: Vec<OutcomeRates>,
}

/// How many pairs reached one best outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeCount {
    /// The outcome as written in `outcomes.csv`.
    pub outcome: &'static str,
    /// Pairs whose best outcome it is.
    pub pairs: usize,
}

/// One cell of the outcome figures: a group of pairs and what came of them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeRates {
    /// The group: a score band (`0.0-0.2`), a component name, a role, or `all`.
    pub group: String,
    /// Its figures, or why they are not shown.
    #[serde(flatten)]
    pub cell: OutcomeCell,
}

impl OutcomeRates {
    /// The cell's figures, unless it is suppressed.
    pub fn shown(&self) -> Option<&OutcomeFigures> {
        match &self.cell {
            OutcomeCell::Shown(figures) => Some(figures),
            OutcomeCell::Suppressed { .. } => None,
        }
    }
}

/// The figures of an outcome cell, or the mark that they are withheld.
///
/// In JSON a shown cell has its counts and rates beside `group`; a
/// suppressed one has only `"suppressed"`, saying why, and no count at all.
///
/// A cell is suppressed for holding fewer than [`MIN_GROUP_SIZE`] pairs
/// ([`Suppressed::Small`]), an empty one included, since a zero would tell
/// which of the other suppressed cells hold the rest. The cells of one
/// breakdown add up to `all`, so `all` minus the shown cells gives the
/// suppressed cells' combined counts; while those hold between 1 and
/// `MIN_GROUP_SIZE - 1` pairs, the smallest shown cell (the first on ties)
/// is suppressed as well ([`Suppressed::Complementary`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OutcomeCell {
    /// Large enough to show.
    Shown(OutcomeFigures),
    /// Not shown.
    Suppressed {
        /// Why.
        suppressed: Suppressed,
    },
}

/// Why an outcome cell is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppressed {
    /// It holds fewer than [`MIN_GROUP_SIZE`] pairs.
    Small,
    /// It is large enough, but showing it would give away the combined
    /// figures of smaller cells suppressed beside it.
    Complementary,
}

/// Job starts and sustained jobs in a cell of at least [`MIN_GROUP_SIZE`] pairs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeFigures {
    /// Pairs in it.
    pub pairs: usize,
    /// Pairs where the mentee started a job (sustained or not).
    pub job_starts: usize,
    /// Pairs where the job was sustained.
    pub sustained_jobs: usize,
    /// Job starts over pairs.
    pub job_start_rate: f64,
    /// Sustained jobs over pairs.
    pub sustained_rate: f64,
    /// Mean score of the pairs.
    pub mean_score: f64,
}

/// Rounds to [`DECIMALS`] places, so that printed figures never show
/// floating-point noise.
pub fn rounded(x: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    let r = (x * scale).round() / scale;
    // -0.0 prints as "-0.0"; no figure here is negative.
    if r == 0.0 { 0.0 } else { r }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { rounded(part as f64 / whole as f64) }
}

fn mean_micros(total: i64, n: usize) -> Option<f64> {
    (n > 0).then(|| rounded(total as f64 / n as f64 / SCORE_SCALE))
}

fn micros(score: f64) -> i64 {
    (score * SCORE_SCALE).round() as i64
}

/// The histogram bin of a score in millionths.
fn score_bin(score_micros: i64) -> usize {
    let width = (SCORE_BIN_WIDTH * SCORE_SCALE).round() as i64;
    (score_micros.max(0) / width).min(SCORE_BINS as i64 - 1) as usize
}

/// The reason without its parenthesised detail.
fn reason_category(reason: &str) -> String {
    reason.split(" (").next().unwrap_or(reason).trim().to_string()
}

/// Computes every figure: runs the four match modes on the candidate edges
/// `found`, then [`report_from_matchings`].
///
/// # Errors
///
/// As [`compare_modes`].
pub fn report(ctx: &ScoreContext<'_>, found: &Candidates) -> Result<Report> {
    let matchings = compare_modes(ctx, found)?;
    Ok(report_from_matchings(ctx, &matchings))
}

/// Computes every figure from matchings already made. Caseloads and
/// fairness use the optimal matching (the first of `matchings` if none is
/// optimal); mode figures list `matchings` in their order.
pub fn report_from_matchings(ctx: &ScoreContext<'_>, matchings: &[Matching]) -> Report {
    let data = ctx.data;
    let (jobseekers, mentors, coaches) = data.role_counts();
    let counts = Counts {
        jobseekers,
        mentors,
        coaches,
        places: data.people.iter().filter(|p| p.role.is_helper()).map(|p| u64::from(p.capacity)).sum(),
        outcomes: data.outcomes.len(),
    };
    let modes = matchings.iter().map(|m| mode_figures(ctx, m)).collect();
    let main = matchings.iter().find(|m| m.mode == Mode::Optimal).or(matchings.first());
    // Each jobseeker's helper and score (millionths) in the main matching.
    let mut matched_to: Vec<Option<(PersonIdx, i64)>> = vec![None; data.people.len()];
    if let Some(m) = main {
        for (j, row) in &m.rows {
            if let Ok(h) = row {
                matched_to[j.0 as usize] = Some((*h, micros(ctx.score(*j, *h).score)));
            }
        }
    }
    Report {
        min_group_size: MIN_GROUP_SIZE,
        score_bin_width: SCORE_BIN_WIDTH,
        counts,
        modes,
        caseload: caseload(ctx, &matched_to),
        fairness: fairness(ctx, &matched_to),
        what_worked: what_worked(ctx),
    }
}

fn mode_figures(ctx: &ScoreContext<'_>, m: &Matching) -> ModeFigures {
    let mut histogram = vec![0; SCORE_BINS];
    let mut total = 0i64;
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for (j, row) in &m.rows {
        match row {
            Ok(h) => {
                let s = micros(ctx.score(*j, *h).score);
                total += s;
                histogram[score_bin(s)] += 1;
            }
            Err(reason) => *reasons.entry(reason_category(reason)).or_insert(0) += 1,
        }
    }
    let mut unmatched_reasons: Vec<ReasonCount> =
        reasons.into_iter().map(|(reason, jobseekers)| ReasonCount { reason, jobseekers }).collect();
    unmatched_reasons.sort_by(|a, b| b.jobseekers.cmp(&a.jobseekers).then_with(|| a.reason.cmp(&b.reason)));
    let matched = m.rows.iter().filter(|(_, r)| r.is_ok()).count();
    ModeFigures {
        mode: m.mode.as_str(),
        matched,
        unmatched: m.rows.len() - matched,
        share_matched: share(matched, m.rows.len()),
        total_score: rounded(total as f64 / SCORE_SCALE),
        mean_score: mean_micros(total, matched),
        score_histogram: histogram,
        unmatched_reasons,
    }
}

fn utilisation_band(assigned: u32, capacity: u32) -> usize {
    if assigned == 0 {
        0
    } else if assigned >= capacity {
        5
    } else {
        // Quarters of capacity, in integers: 1 + floor(4 * assigned / capacity).
        1 + (4 * u64::from(assigned) / u64::from(capacity)) as usize
    }
}

fn load_bin(assigned: u32) -> usize {
    LOAD_BIN_STARTS.iter().rposition(|&start| assigned >= start).unwrap_or(0)
}

fn caseload(ctx: &ScoreContext<'_>, matched_to: &[Option<(PersonIdx, i64)>]) -> Caseload {
    let data = ctx.data;
    let mut assigned = vec![0u32; data.people.len()];
    for (h, _) in matched_to.iter().flatten() {
        assigned[h.0 as usize] += 1;
    }
    let mut helpers = data.helpers_with_capacity();
    helpers.sort_by_key(|h| ctx.id_rank[h.0 as usize]);
    let summary = |role: Role| {
        let of_role: Vec<PersonIdx> = helpers.iter().copied().filter(|&h| data.person(h).role == role).collect();
        let mut load_bins = vec![0; LOAD_BINS.len()];
        let mut utilisation_bands = vec![0; UTILISATION_BANDS.len()];
        let (mut places, mut total) = (0u64, 0u64);
        for &h in &of_role {
            let (a, c) = (assigned[h.0 as usize], data.person(h).capacity);
            load_bins[load_bin(a)] += 1;
            utilisation_bands[utilisation_band(a, c)] += 1;
            places += u64::from(c);
            total += u64::from(a);
        }
        LoadSummary {
            helpers: of_role.len(),
            places,
            assigned: total,
            utilisation: if places == 0 { 0.0 } else { rounded(total as f64 / places as f64) },
            load_bins,
            utilisation_bands,
        }
    };
    Caseload {
        load_bin_labels: LOAD_BINS,
        utilisation_band_labels: UTILISATION_BANDS,
        mentors: summary(Role::Mentor),
        coaches: summary(Role::Coach),
        helpers: helpers
            .iter()
            .map(|&h| {
                let p = data.person(h);
                HelperLoad {
                    id: p.id.clone(),
                    role: p.role.as_str(),
                    assigned: assigned[h.0 as usize],
                    capacity: p.capacity,
                }
            })
            .collect(),
    }
}

/// Tallies of one group: jobseekers, matched, and the matched score total.
#[derive(Clone, Copy, Default)]
struct Tally {
    jobseekers: usize,
    matched: usize,
    score_micros: i64,
}

impl Tally {
    fn add(&mut self, matched: Option<(PersonIdx, i64)>) {
        self.jobseekers += 1;
        if let Some((_, s)) = matched {
            self.matched += 1;
            self.score_micros += s;
        }
    }

    fn figures(self, group: String, label: String) -> GroupFigures {
        GroupFigures {
            group,
            label,
            jobseekers: self.jobseekers,
            matched: self.matched,
            share_matched: share(self.matched, self.jobseekers),
            mean_score: mean_micros(self.score_micros, self.matched),
        }
    }
}

/// Keeps the groups large enough to show, sorted by `group`.
fn group_table(tallies: Vec<(String, String, Tally)>) -> GroupTable {
    let mut groups = Vec::new();
    let mut suppressed_groups = 0;
    for (group, label, tally) in tallies {
        if tally.jobseekers >= MIN_GROUP_SIZE {
            groups.push(tally.figures(group, label));
        } else if tally.jobseekers > 0 {
            suppressed_groups += 1;
        }
    }
    groups.sort_by(|a, b| a.group.cmp(&b.group));
    GroupTable { groups, suppressed_groups }
}

fn fairness(ctx: &ScoreContext<'_>, matched_to: &[Option<(PersonIdx, i64)>]) -> Fairness {
    let data = ctx.data;
    let mut all = Tally::default();
    let mut by_tag = vec![Tally::default(); data.experience_tags.len()];
    let mut by_area = vec![Tally::default(); data.areas.areas.len()];
    for (i, p) in data.people.iter().enumerate() {
        if p.role != Role::Jobseeker {
            continue;
        }
        let matched = matched_to[i];
        all.add(matched);
        // Only consented tags are in `experiences`; the loader drops the rest.
        for t in &p.experiences {
            by_tag[usize::from(t.0)].add(matched);
        }
        if let Some(tally) = by_area.get_mut(usize::from(p.area.0)) {
            tally.add(matched);
        }
    }
    let experience = group_table(
        by_tag
            .into_iter()
            .enumerate()
            .map(|(t, tally)| {
                let tag = data.experience_tags[t].clone();
                (tag.clone(), crate::score::experience_phrase(&tag), tally)
            })
            .collect(),
    );
    let area = group_table(
        by_area
            .into_iter()
            .enumerate()
            .map(|(a, tally)| {
                let area = &data.areas.areas[a];
                (area.code.clone(), area.name.clone(), tally)
            })
            .collect(),
    );
    Fairness { all: all.figures("all".into(), "all jobseekers".into()), experience, area }
}

/// Outcome tallies of one group of pairs.
#[derive(Clone, Copy, Default)]
struct OutcomeTally {
    pairs: usize,
    job_starts: usize,
    sustained: usize,
    score_micros: i64,
}

impl OutcomeTally {
    fn add(&mut self, best: OutcomeKind, score_micros: i64) {
        self.pairs += 1;
        self.job_starts += usize::from(best.is_job());
        self.sustained += usize::from(best == OutcomeKind::SustainedJob);
        self.score_micros += score_micros;
    }

    fn rates(self, group: String, suppressed: Option<Suppressed>) -> OutcomeRates {
        let cell = match suppressed {
            Some(suppressed) => OutcomeCell::Suppressed { suppressed },
            None => OutcomeCell::Shown(OutcomeFigures {
                pairs: self.pairs,
                job_starts: self.job_starts,
                sustained_jobs: self.sustained,
                job_start_rate: share(self.job_starts, self.pairs),
                sustained_rate: share(self.sustained, self.pairs),
                mean_score: mean_micros(self.score_micros, self.pairs).unwrap_or(0.0),
            }),
        };
        OutcomeRates { group, cell }
    }
}

/// Which cells of one breakdown to suppress, and why (see [`OutcomeCell`]).
fn suppression(cells: &[OutcomeTally]) -> Vec<Option<Suppressed>> {
    let mut res: Vec<Option<Suppressed>> =
        cells.iter().map(|c| (c.pairs < MIN_GROUP_SIZE).then_some(Suppressed::Small)).collect();
    loop {
        let hidden: usize = cells.iter().zip(&res).filter(|(_, s)| s.is_some()).map(|(c, _)| c.pairs).sum();
        if hidden == 0 || hidden >= MIN_GROUP_SIZE {
            return res;
        }
        // The smallest shown cell, the first on ties.
        let smallest = (0..cells.len()).filter(|&i| res[i].is_none()).min_by_key(|&i| (cells[i].pairs, i));
        match smallest {
            Some(i) => res[i] = Some(Suppressed::Complementary),
            None => return res,
        }
    }
}

/// The cells of one breakdown, named by `names`, with small cells and their complements suppressed.
fn breakdown(cells: Vec<OutcomeTally>, names: impl IntoIterator<Item = String>) -> Vec<OutcomeRates> {
    let suppressed = suppression(&cells);
    cells.into_iter().zip(names).zip(suppressed).map(|((t, name), s)| t.rates(name, s)).collect()
}

/// The label of score band `band`, such as `0.2-0.4`.
pub fn band_label(band: usize) -> String {
    let low = band as f64 * OUTCOME_BAND_WIDTH;
    format!("{:.1}-{:.1}", low, low + OUTCOME_BAND_WIDTH)
}

fn what_worked(ctx: &ScoreContext<'_>) -> Option<WhatWorked> {
    let data = ctx.data;
    if data.outcomes.is_empty() {
        return None;
    }
    // Best outcome per pair; a BTreeMap keyed by the pair's ids keeps id order.
    let mut best: BTreeMap<(&str, &str), (PersonIdx, PersonIdx, OutcomeKind)> = BTreeMap::new();
    for o in &data.outcomes {
        let key = (data.person(o.mentee).id.as_str(), data.person(o.mentor).id.as_str());
        let slot = best.entry(key).or_insert((o.mentee, o.mentor, o.outcome));
        slot.2 = slot.2.max(o.outcome);
    }
    let exclusions = Exclusions::of(data);
    let weights: [f64; 5] = ctx.weights.as_array();
    let mut all = OutcomeTally::default();
    let mut by_band = vec![OutcomeTally::default(); OUTCOME_BANDS];
    let mut by_component = vec![OutcomeTally::default(); Weights::NAMES.len()];
    let mut by_role = [OutcomeTally::default(); 2];
    let mut best_outcome = vec![0; OutcomeKind::ALL.len()];
    let mut outside_hard_rules = 0;
    for &(mentee, helper, outcome) in best.values() {
        let (j, h) = (data.person(mentee), data.person(helper));
        let km = crate::geo::great_circle_km(j.lat, j.lon, h.lat, h.lon);
        let components = ctx.components(j, &HelperView::of(data, h), km, closeness_through_others(ctx, mentee, helper));
        let s = micros(components.total(&ctx.weights));
        let values = components.as_array();
        let mut strongest = 0;
        for c in 1..values.len() {
            if weights[c] * values[c] > weights[strongest] * values[strongest] {
                strongest = c;
            }
        }
        let band_width = (OUTCOME_BAND_WIDTH * SCORE_SCALE).round() as i64;
        let band = (s.max(0) / band_width).min(OUTCOME_BANDS as i64 - 1) as usize;
        all.add(outcome, s);
        by_band[band].add(outcome, s);
        by_component[strongest].add(outcome, s);
        by_role[usize::from(h.role == Role::Coach)].add(outcome, s);
        if let Some(at) = OutcomeKind::ALL.iter().position(|&k| k == outcome) {
            best_outcome[at] += 1;
        }
        if check_pair(data, &exclusions, mentee, helper).is_err() {
            outside_hard_rules += 1;
        }
    }
    // Counts over all pairs are shown only when all pairs form a cell large enough to show.
    let all_shown = all.pairs >= MIN_GROUP_SIZE;
    Some(WhatWorked {
        all: all.rates("all".into(), (!all_shown).then_some(Suppressed::Small)),
        best_outcome: all_shown.then(|| {
            OutcomeKind::ALL
                .iter()
                .zip(best_outcome)
                .map(|(k, pairs)| OutcomeCount { outcome: k.as_str(), pairs })
                .collect()
        }),
        outside_hard_rules: all_shown.then_some(outside_hard_rules),
        by_score_band: breakdown(by_band, (0..OUTCOME_BANDS).map(band_label)),
        by_component: breakdown(by_component, Weights::NAMES.iter().map(|name| name.to_string())),
        by_helper_role: breakdown(by_role.to_vec(), ["mentor".to_string(), "coach".to_string()]),
    })
}

/// Network closeness of two people through mutual contacts only, leaving
/// out any direct tie between them (see [`WhatWorked`]).
fn closeness_through_others(ctx: &ScoreContext<'_>, a: PersonIdx, b: PersonIdx) -> f64 {
    let mut miss = 1.0;
    for (_, sa, sb) in ctx.mutual_contacts(a, b) {
        miss *= 1.0 - sa * sb;
    }
    1.0 - miss
}

/// The report as pretty-printed JSON, ending with a newline.
pub fn to_json(report: &Report) -> String {
    // Serialising plain structs of numbers, strings and vectors cannot fail.
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_zero_to_one() {
        assert_eq!(score_bin(0), 0);
        assert_eq!(score_bin(49_999), 0);
        assert_eq!(score_bin(50_000), 1);
        assert_eq!(score_bin(999_999), 19);
        assert_eq!(score_bin(1_000_000), 19);
        assert_eq!(score_bin(-5), 0);
    }

    #[test]
    fn utilisation_bands_split_by_quarters() {
        assert_eq!(utilisation_band(0, 4), 0);
        assert_eq!(utilisation_band(1, 100), 1);
        assert_eq!(utilisation_band(25, 100), 2);
        assert_eq!(utilisation_band(74, 100), 3);
        assert_eq!(utilisation_band(99, 100), 4);
        assert_eq!(utilisation_band(100, 100), 5);
        assert_eq!(utilisation_band(1, 1), 5);
    }

    #[test]
    fn load_bins_are_the_same_for_every_helper() {
        let bins: Vec<usize> = [0, 1, 2, 3, 4, 5, 9, 10, 19, 20, 49, 50, 500].into_iter().map(load_bin).collect();
        assert_eq!(bins, [0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]);
    }

    fn tallies(pairs: &[usize]) -> Vec<OutcomeTally> {
        pairs.iter().map(|&pairs| OutcomeTally { pairs, ..OutcomeTally::default() }).collect()
    }

    #[test]
    fn small_cells_and_their_complements_are_suppressed() {
        use Suppressed::{Complementary, Small};
        // 3 + 0 + 0 suppressed would follow from the total; 16 goes too.
        assert_eq!(
            suppression(&tallies(&[16, 47, 3, 0, 0])),
            [Some(Complementary), None, Some(Small), Some(Small), Some(Small)]
        );
        // Suppressed cells already hold 10 pairs together: nothing more to hide.
        assert_eq!(suppression(&tallies(&[5, 5, 30])), [Some(Small), Some(Small), None]);
        // Empty cells alone give nothing away.
        assert_eq!(suppression(&tallies(&[0, 12, 20])), [Some(Small), None, None]);
        // One small cell beside one large one: both go.
        assert_eq!(suppression(&tallies(&[46, 1])), [Some(Complementary), Some(Small)]);
        // Ties go to the first.
        assert_eq!(suppression(&tallies(&[2, 12, 12])), [Some(Small), Some(Complementary), None]);
        assert_eq!(suppression(&tallies(&[10, 20])), [None, None]);
    }

    #[test]
    fn a_suppressed_cell_has_no_figures_in_json() {
        let cell = OutcomeTally { pairs: 3, job_starts: 1, sustained: 1, score_micros: 900_000 };
        let shown = OutcomeTally { pairs: 10, job_starts: 4, sustained: 2, score_micros: 3_000_000 };
        let json = serde_json::to_string(&[
            cell.rates("coach".into(), Some(Suppressed::Small)),
            shown.rates("mentor".into(), None),
        ])
        .unwrap();
        assert_eq!(
            json,
            r#"[{"group":"coach","suppressed":"small"},{"group":"mentor","pairs":10,"job_starts":4,"sustained_jobs":2,"job_start_rate":0.4,"sustained_rate":0.2,"mean_score":0.3}]"#
        );
    }

    #[test]
    fn reasons_group_without_their_detail() {
        assert_eq!(reason_category("no mentor or coach within reach (15 km)"), "no mentor or coach within reach");
        assert_eq!(reason_category("every mentor and coach is full"), "every mentor and coach is full");
    }

    #[test]
    fn rounding_is_to_four_places_and_never_negative_zero() {
        assert_eq!(rounded(0.123_456), 0.1235);
        assert_eq!(rounded(-0.000_01).to_string(), "0");
        assert_eq!(band_label(1), "0.2-0.4");
    }
}
