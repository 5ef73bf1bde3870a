//! Warm introductions: for each jobseeker, the strongest chains of people
//! through the network to employers hiring in a sector they want.
//!
//! # What a chain is
//!
//! An introduction is a path `jobseeker > p₁ > … > pₙ > employer`:
//!
//! - each `pᵢ₋₁ > pᵢ` is a **hop**, one tie between two people: a connection
//!   from `connections.csv` or a mentoring relationship from `outcomes.csv`,
//!   the strongest one per pair ([`ScoreContext::ties`]);
//! - the last step `pₙ > employer` is employment (`pₙ`'s `employer` field)
//!   and is **not** counted as a hop, so `max_hops = 1` reaches the
//!   employers of the jobseeker's own contacts, and the default of 3 reaches
//!   a contact of a contact of a contact;
//! - the path is simple (nobody appears twice) and has at least one hop;
//! - the employer has vacancies and works in a sector the jobseeker wants:
//!   [`best_sector_match`] between the jobseeker's wanted codes and the
//!   employer's codes is above 0.
//!
//! Exclusions are hard rules here as everywhere: no person on the path is
//! an excluded pair with the jobseeker (nobody is asked to pass a jobseeker
//! on to, or through, someone they must never be put together with), and no
//! hop joins two people who are an excluded pair.
//!
//! # Strength
//!
//! `strength = t₁ × t₂ × … × tₙ × EMPLOYMENT_STRENGTH × similarity`, where
//! `tᵢ` is the value of hop `i` (its tie strength, in (0, 1]) and
//! `similarity` is the sector match of the end employer. Read the tie
//! strengths as the chance that each person passes the introduction on;
//! the product is then the chance it arrives, discounted by how well the
//! employer fits what the jobseeker wants. Products are taken from the
//! jobseeker outwards, in that order, so one path always gives the same bits.
//!
//! With [`IntroOptions::weak_ties`], each hop's value is instead
//! [`weak_tie_value`]: `max(4·t·(1 − t), WEAK_TIE_FLOOR)`, an inverted U that
//! peaks at a moderate tie strength of 0.5 and gives the strongest (t = 1)
//! and weakest ties only the floor. This follows the large-scale field study
//! of job mobility on LinkedIn by Rajkumar, Saint-Jacques, Bojinov,
//! Brynjolfsson and Aral, "A causal test of the strength of weak ties",
//! *Science* 377 (2022), doi:10.1126/science.abl4476: across randomised
//! experiments over 20 million people, the relation between tie strength and
//! job transmission was an inverted U, and moderately weak ties (measured by
//! mutual connections) did the most for job mobility. The employment step is
//! never transformed.
//!
//! # Which chains are listed
//!
//! A jobseeker gets the `k` strongest chains **to `k` different employers**:
//! for each employer the strongest chain to it, and of those the `k`
//! strongest. Several chains to one employer would be the same door, so a
//! list of different doors is more use. Equal strengths are ordered by the
//! path's people in id order (lexicographic on [`ScoreContext::id_rank`]),
//! so results depend on the data alone, never on row order or thread count.
//!
//! A jobseeker without any chain gets the reason instead ([`NoIntro`]).
//!
//! # Algorithm
//!
//! A best-first search over simple paths from the jobseeker with branch
//! and bound, in the manner of A*. Every hop value and the sector
//! similarity are at most 1, so a path's strength can only fall as it grows
//! (floating-point products are monotone too, so this holds for the computed
//! values). Two tables computed once for all jobseekers, by `max_hops`
//! rounds of relaxation over every tie, bound what a prefix ending at person
//! `u` with `r` hops left can still reach:
//!
//! - `reach[r][u]`: the SIC sections of hiring employers within `r` hops of
//!   `u`. A sector similarity is above 0 only for codes in the same section
//!   ([`crate::score::sector_similarity`]), so a prefix whose reachable
//!   sections miss every wanted section is dropped;
//! - `bound[r][u]`: the largest product of hop values over walks of at most
//!   `r` hops from `u` to anyone with a hiring employer, times
//!   `EMPLOYMENT_STRENGTH`. `strength × bound` bounds every completion of
//!   the prefix. It is computed in a different order of multiplication than
//!   path strengths, so it gets a relative slack of 10⁻⁹ (rounding over a
//!   few products is under 10⁻¹⁵).
//!
//! Both ignore exclusions and the simple-path rule, which only remove
//! chains, so they stay upper bounds. Prefixes come off a heap by their
//! bound. Once `k` employers have a chain, the k-th best strength is a
//! threshold: prefixes whose bound is below it are dropped, and the search
//! ends when the best bound on the heap falls below it. Prefixes whose bound
//! equals it are still extended, because an equal-strength chain with
//! smaller ids would win the tie. Paths are kept whole (no merging of
//! prefixes that reach the same person), which keeps the search exact under
//! the simple-path rule and the id tie-break; [`intros_brute_force`]
//! enumerates every simple path and is what the property tests compare with.
//!
//! Jobseekers are searched in parallel (indexed `par_iter` + `collect`),
//! each with its own scratch space, and results come back in jobseeker order.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fmt;

use ordered_float::OrderedFloat;
use rayon::prelude::*;

use crate::candidates::Exclusions;
use crate::error::{Error, Result};
use crate::graph::{EMPLOYMENT_STRENGTH, MENTORING_STRENGTH};
use crate::model::{ConnectionKind, Dataset, EmployerIdx, Person, PersonIdx, Role};
use crate::score::{ScoreContext, best_sector_match};
use crate::taxonomy::{SicIdx, SicLevel};

/// Default number of introductions per jobseeker (`--k`).
pub const DEFAULT_K: usize = 3;
/// Default most person-to-person hops in a chain (`--max-hops`).
pub const DEFAULT_MAX_HOPS: usize = 3;
/// Largest `max_hops` accepted: the number of paths grows as the degree to
/// this power, and a chain of more than six people is no longer warm.
pub const MAX_HOPS_LIMIT: usize = 6;
/// The smallest value [`weak_tie_value`] gives a tie, so that very strong
/// and very weak ties still carry a chain, just poorly.
pub const WEAK_TIE_FLOOR: f64 = 0.05;

/// Options for [`intros`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntroOptions {
    /// Introductions per jobseeker, each to a different employer (`--k`, at least 1).
    pub k: usize,
    /// Most person-to-person hops before the employment step (`--max-hops`, 1 to [`MAX_HOPS_LIMIT`]).
    pub max_hops: usize,
    /// Value hops by [`weak_tie_value`] ("moderately weak ties are best") instead of their strength.
    pub weak_ties: bool,
}

impl Default for IntroOptions {
    /// k = 3, max_hops = 3, weak_ties off.
    fn default() -> IntroOptions {
        IntroOptions { k: DEFAULT_K, max_hops: DEFAULT_MAX_HOPS, weak_ties: false }
    }
}

impl IntroOptions {
    /// Checks the options.
    ///
    /// # Errors
    ///
    /// `k` is 0, or `max_hops` is 0 or above [`MAX_HOPS_LIMIT`].
    pub fn validate(&self) -> Result<()> {
        if self.k == 0 {
            return Err(Error::Argument("k must be at least 1".into()));
        }
        if self.max_hops == 0 || self.max_hops > MAX_HOPS_LIMIT {
            return Err(Error::Argument(format!("max hops must lie between 1 and {MAX_HOPS_LIMIT}")));
        }
        Ok(())
    }

    /// The value of one hop with tie strength `strength`: the strength
    /// itself, or [`weak_tie_value`] with `weak_ties`; always in [0, 1].
    pub fn hop_value(&self, strength: f64) -> f64 {
        let value = if self.weak_ties { weak_tie_value(strength) } else { strength };
        // Strengths are checked to lie in (0, 1] when read; clamping keeps a
        // hand-built dataset from breaking the bound the search relies on.
        if value > 0.0 { value.min(1.0) } else { 0.0 }
    }
}

/// The "moderately weak tie is best" value of a tie of strength `strength`:
/// `max(4·s·(1 − s), WEAK_TIE_FLOOR)`, which is 1 at s = 0.5 and the floor
/// at s = 1 (where `4·s·(1 − s)` would be 0).
///
/// See the module docs for the study this follows.
///
/// # Examples
///
/// ```
/// use passiton::intros::{WEAK_TIE_FLOOR, weak_tie_value};
/// assert_eq!(weak_tie_value(0.5), 1.0);
/// assert_eq!(weak_tie_value(1.0), WEAK_TIE_FLOOR);
/// assert!(weak_tie_value(0.3) > weak_tie_value(0.9));
/// ```
pub fn weak_tie_value(strength: f64) -> f64 {
    (4.0 * strength * (1.0 - strength)).max(WEAK_TIE_FLOOR)
}

/// One warm introduction.
#[derive(Clone, Debug, PartialEq)]
pub struct Intro {
    /// The jobseeker introduced.
    pub jobseeker: PersonIdx,
    /// The employer at the end of the chain.
    pub employer: EmployerIdx,
    /// The people from the jobseeker (first) to the one who works at the
    /// employer (last); `path.len() - 1` is the number of hops.
    pub path: Vec<PersonIdx>,
    /// Product of the hop values, the employment strength and the sector match, in (0, 1].
    pub strength: f64,
}

/// Why a jobseeker has no introduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoIntro {
    /// The jobseeker wants no sector, so no employer can be a match.
    NoWantedSector,
    /// The jobseeker has no tie to anyone.
    NoContacts,
    /// No hiring employer in a wanted sector is reachable within the hops allowed.
    NoneWithinReach {
        /// The hop limit searched.
        max_hops: usize,
    },
}

impl fmt::Display for NoIntro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoIntro::NoWantedSector => f.write_str("no wanted sector given"),
            NoIntro::NoContacts => f.write_str("no contacts in the network"),
            NoIntro::NoneWithinReach { max_hops } => write!(
                f,
                "no hiring employer in a wanted sector within {max_hops} hop{}",
                if *max_hops == 1 { "" } else { "s" }
            ),
        }
    }
}

/// One jobseeker's introductions.
#[derive(Clone, Debug, PartialEq)]
pub struct IntroList {
    /// The jobseeker.
    pub jobseeker: PersonIdx,
    /// Up to k introductions to different employers, strongest first.
    pub intros: Vec<Intro>,
    /// Why `intros` is empty, when it is.
    pub reason: Option<NoIntro>,
}

/// Marks a person with no hiring employer in [`SearchSpace::door_of`].
const NO_DOOR: u32 = u32::MAX;

/// Relative slack added to upper bounds computed in a different order of
/// multiplication than path strengths: a few ulps of rounding must never
/// prune a chain that ties the threshold.
const BOUND_SLACK: f64 = 1.0 + 1e-9;

/// Everything the searches share: exclusions, hiring employers, and per
/// person and hop budget, which sectors and how strong a door is reachable.
struct SearchSpace<'a> {
    ctx: &'a ScoreContext<'a>,
    options: IntroOptions,
    exclusions: Exclusions,
    /// Whether each person is in any excluded pair: most are not, and this
    /// spares them the lookup.
    has_exclusion: Vec<bool>,
    /// Each person's employer if it is hiring, else [`NO_DOOR`].
    door_of: Vec<u32>,
    /// The SIC sections, sorted: a section's position is its bit.
    sections: Vec<SicIdx>,
    /// Each employer's SIC sections as a bit set.
    employer_sections: Vec<u32>,
    /// `reach[r * n + u]`: the sections of hiring employers reachable from
    /// person `u` within `r` hops (its own employer included), over all
    /// ties, for r in 0..max_hops.
    reach: Vec<u32>,
    /// `bound[r * n + u]`: the largest product of hop values times
    /// `EMPLOYMENT_STRENGTH` over walks of at most `r` hops from `u` to a
    /// person with a hiring employer; 0 if there is none.
    bound: Vec<f64>,
}

/// The bit of a SIC section in a section set. SIC 2007 has 21 sections;
/// were there more than 32, sections would share bits, which only weakens
/// the filter, never breaks it.
fn section_bit(sections: &[SicIdx], section: SicIdx) -> u32 {
    let at = sections.binary_search(&section).unwrap_or_else(|i| i);
    1 << (at % 32)
}

impl<'a> SearchSpace<'a> {
    fn new(ctx: &'a ScoreContext<'a>, options: IntroOptions) -> SearchSpace<'a> {
        let data = ctx.data;
        let n = data.people.len();
        let mut has_exclusion = vec![false; n];
        for x in &data.exclusions {
            for p in [x.a, x.b] {
                if let Some(flag) = has_exclusion.get_mut(p.0 as usize) {
                    *flag = true;
                }
            }
        }
        let mut sections: Vec<SicIdx> = data.taxonomy.codes_at(SicLevel::Section).collect();
        sections.sort_unstable();
        let sections_of = |codes: &[SicIdx]| {
            codes.iter().fold(0u32, |acc, &c| acc | section_bit(&sections, data.taxonomy.section_of(c)))
        };
        let employer_sections: Vec<u32> = data.employers.iter().map(|e| sections_of(&e.sectors)).collect();
        let door_of: Vec<u32> = data
            .people
            .iter()
            .map(|p| match p.employer {
                Some(e) if data.employers.get(e.0 as usize).is_some_and(|e| e.vacancies > 0) => e.0,
                _ => NO_DOOR,
            })
            .collect();
        // Hop by hop relaxation over every tie, ignoring exclusions and the
        // simple-path rule: both only remove chains, so these stay upper
        // bounds. Each entry is a fold over one tie list in its fixed order.
        let rounds = options.max_hops.max(1);
        let mut reach = Vec::with_capacity(rounds * n);
        let mut bound = Vec::with_capacity(rounds * n);
        reach.extend(door_of.iter().map(|&e| if e == NO_DOOR { 0 } else { employer_sections[e as usize] }));
        bound.extend(door_of.iter().map(|&e| if e == NO_DOOR { 0.0 } else { EMPLOYMENT_STRENGTH }));
        for r in 1..rounds {
            let (last_reach, last_bound) = (&reach[(r - 1) * n..r * n], &bound[(r - 1) * n..r * n]);
            let next: Vec<(u32, f64)> = (0..n)
                .into_par_iter()
                .map(|u| {
                    ctx.ties[u].iter().fold((last_reach[u], last_bound[u]), |(mask, best), &(_, v, tie)| {
                        let v = v.0 as usize;
                        (mask | last_reach[v], best.max(options.hop_value(tie) * last_bound[v]))
                    })
                })
                .collect();
            reach.extend(next.iter().map(|&(mask, _)| mask));
            bound.extend(next.iter().map(|&(_, best)| best));
        }
        SearchSpace {
            ctx,
            options,
            exclusions: Exclusions::of(data),
            has_exclusion,
            door_of,
            sections,
            employer_sections,
            reach,
            bound,
        }
    }

    fn excluded(&self, a: PersonIdx, b: PersonIdx) -> bool {
        self.has_exclusion[a.0 as usize] && self.has_exclusion[b.0 as usize] && self.exclusions.contains(a, b)
    }

    /// The wanted sections of a jobseeker as a bit set.
    fn wanted_sections(&self, jobseeker: &Person) -> u32 {
        let taxonomy = &self.ctx.data.taxonomy;
        jobseeker.sectors.iter().fold(0, |acc, &c| acc | section_bit(&self.sections, taxonomy.section_of(c)))
    }

    /// The employer a chain ending at `person` reaches, with the sector
    /// match for `jobseeker`, if it counts: hiring and similarity above 0.
    fn door(&self, jobseeker: &Person, person: PersonIdx) -> Option<(EmployerIdx, f64)> {
        let employer = self.ctx.data.people[person.0 as usize].employer?;
        if self.ctx.data.employers.get(employer.0 as usize).is_none_or(|e| e.vacancies == 0) {
            return None;
        }
        let similarity =
            best_sector_match(&self.ctx.data.taxonomy, &jobseeker.sectors, &self.ctx.data.employer(employer).sectors).0;
        (similarity > 0.0).then_some((employer, similarity))
    }

    /// Why `jobseeker` cannot have any introduction, before searching.
    fn hopeless(&self, jobseeker: PersonIdx) -> Option<NoIntro> {
        if self.ctx.data.person(jobseeker).sectors.is_empty() {
            Some(NoIntro::NoWantedSector)
        } else if self.ctx.ties[jobseeker.0 as usize].is_empty() {
            Some(NoIntro::NoContacts)
        } else {
            None
        }
    }
}

/// A path prefix in the search arena: its last person, the prefix it
/// extends, its hop count and its strength so far.
#[derive(Clone, Copy, Debug)]
struct Label {
    person: PersonIdx,
    parent: u32,
    hops: u32,
    strength: f64,
}

/// The best chain found so far to one employer.
#[derive(Clone, Copy, Debug)]
struct Door {
    employer: EmployerIdx,
    strength: f64,
    label: u32,
}

/// Per-worker buffers, reused from one jobseeker to the next.
#[derive(Default)]
struct Scratch {
    labels: Vec<Label>,
    heap: BinaryHeap<(OrderedFloat<f64>, Reverse<u32>)>,
    doors: Vec<Door>,
    strengths: Vec<f64>,
    ranks_a: Vec<u32>,
    ranks_b: Vec<u32>,
    similarities: Vec<(u32, f64)>,
}

/// The people of the path ending at `label`, from the jobseeker.
fn path_of(labels: &[Label], label: u32, out: &mut Vec<PersonIdx>) {
    out.clear();
    let mut at = label as usize;
    loop {
        out.push(labels[at].person);
        if labels[at].hops == 0 {
            break;
        }
        at = labels[at].parent as usize;
    }
    out.reverse();
}

/// The id ranks of the path ending at `label`, from the jobseeker.
fn ranks_of(id_rank: &[u32], labels: &[Label], label: u32, out: &mut Vec<u32>) {
    out.clear();
    let mut at = label as usize;
    loop {
        out.push(id_rank[labels[at].person.0 as usize]);
        if labels[at].hops == 0 {
            break;
        }
        at = labels[at].parent as usize;
    }
    out.reverse();
}

/// Whether `person` already lies on the path ending at `label`.
fn on_path(labels: &[Label], label: u32, person: PersonIdx) -> bool {
    let mut at = label as usize;
    loop {
        if labels[at].person == person {
            return true;
        }
        if labels[at].hops == 0 {
            return false;
        }
        at = labels[at].parent as usize;
    }
}

impl Scratch {
    /// Orders two labels' paths: stronger first, then smaller ids.
    fn order(&mut self, id_rank: &[u32], a: (f64, u32), b: (f64, u32)) -> Ordering {
        b.0.total_cmp(&a.0).then_with(|| {
            ranks_of(id_rank, &self.labels, a.1, &mut self.ranks_a);
            ranks_of(id_rank, &self.labels, b.1, &mut self.ranks_b);
            self.ranks_a.cmp(&self.ranks_b)
        })
    }

    /// The strength a new chain must reach to matter: the k-th best door's,
    /// once there are k doors.
    fn threshold(&mut self, k: usize) -> f64 {
        if self.doors.len() < k {
            return f64::NEG_INFINITY;
        }
        self.strengths.clear();
        self.strengths.extend(self.doors.iter().map(|d| d.strength));
        let (_, kth, _) = self.strengths.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        *kth
    }

    /// Records a chain to `employer`, keeping the best one per employer.
    fn offer(&mut self, id_rank: &[u32], employer: EmployerIdx, strength: f64, label: u32) {
        match self.doors.iter().position(|d| d.employer == employer) {
            Some(i) => {
                let old = self.doors[i];
                if self.order(id_rank, (strength, label), (old.strength, old.label)) == Ordering::Less {
                    self.doors[i] = Door { employer, strength, label };
                }
            }
            None => self.doors.push(Door { employer, strength, label }),
        }
    }

    /// The sector match of `employer` for the jobseeker, computed once per
    /// employer and search.
    fn similarity(&mut self, net: &SearchSpace<'_>, seeker: &Person, employer: u32) -> f64 {
        if let Some(&(_, sim)) = self.similarities.iter().find(|(e, _)| *e == employer) {
            return sim;
        }
        let data = net.ctx.data;
        let sim = best_sector_match(&data.taxonomy, &seeker.sectors, &data.employers[employer as usize].sectors).0;
        self.similarities.push((employer, sim));
        sim
    }

    /// The search for one jobseeker; see the module docs.
    fn search(&mut self, net: &SearchSpace<'_>, jobseeker: PersonIdx) -> IntroList {
        if let Some(reason) = net.hopeless(jobseeker) {
            return IntroList { jobseeker, intros: Vec::new(), reason: Some(reason) };
        }
        let ctx = net.ctx;
        let n = ctx.data.people.len();
        let (k, max_hops) = (net.options.k, net.options.max_hops as u32);
        let seeker = ctx.data.person(jobseeker);
        let wanted = net.wanted_sections(seeker);
        self.labels.clear();
        self.heap.clear();
        self.doors.clear();
        self.similarities.clear();
        self.labels.push(Label { person: jobseeker, parent: 0, hops: 0, strength: 1.0 });
        self.heap.push((OrderedFloat(f64::INFINITY), Reverse(0)));
        let mut threshold = f64::NEG_INFINITY;
        // Labels come off the heap by the bound on their completions, so
        // the first one below the threshold ends the search.
        while let Some((OrderedFloat(key), Reverse(at))) = self.heap.pop() {
            if key < threshold {
                break;
            }
            let from = self.labels[at as usize];
            let hops = from.hops + 1;
            // Hops left after stepping to the next person.
            let left = (max_hops - hops) as usize;
            for &(_, next, tie) in &ctx.ties[from.person.0 as usize] {
                let slot = left * n + next.0 as usize;
                if net.reach[slot] & wanted == 0 {
                    continue;
                }
                let reached = from.strength * net.options.hop_value(tie);
                let key = reached * net.bound[slot] * BOUND_SLACK;
                if reached <= 0.0 || reached.is_nan() || key < threshold {
                    continue;
                }
                if net.excluded(jobseeker, next) || net.excluded(from.person, next) || on_path(&self.labels, at, next) {
                    continue;
                }
                let label = self.labels.len() as u32;
                self.labels.push(Label { person: next, parent: at, hops, strength: reached });
                let door = net.door_of[next.0 as usize];
                if door != NO_DOOR && net.employer_sections[door as usize] & wanted != 0 {
                    let similarity = self.similarity(net, seeker, door);
                    let total = reached * EMPLOYMENT_STRENGTH * similarity;
                    if total > 0.0 && total >= threshold {
                        self.offer(&ctx.id_rank, EmployerIdx(door), total, label);
                        threshold = self.threshold(k);
                    }
                }
                if left > 0 {
                    self.heap.push((OrderedFloat(key), Reverse(label)));
                }
            }
        }
        let mut doors = std::mem::take(&mut self.doors);
        doors.sort_by(|a, b| self.order(&ctx.id_rank, (a.strength, a.label), (b.strength, b.label)));
        doors.truncate(k);
        let intros: Vec<Intro> = doors
            .iter()
            .map(|d| {
                let mut path = Vec::new();
                path_of(&self.labels, d.label, &mut path);
                Intro { jobseeker, employer: d.employer, path, strength: d.strength }
            })
            .collect();
        self.doors = doors;
        let reason = intros.is_empty().then_some(NoIntro::NoneWithinReach { max_hops: net.options.max_hops });
        IntroList { jobseeker, intros, reason }
    }
}

/// Every jobseeker's warm introductions: the `k` strongest chains of
/// people to `k` different employers hiring in a sector they want.
///
/// See the module docs for what a chain, a hop and a chain's strength are,
/// and for the exclusion rules.
///
/// # Arguments
///
/// * `ctx`: the dataset with its tie lists and id ranks.
/// * `options`: `k`, `max_hops` and whether to value ties as weak ties.
///
/// # Returns
///
/// One [`IntroList`] per jobseeker, in file order: up to `k` introductions,
/// strongest first (equal strengths by the path's ids), or the reason there
/// is none.
///
/// # Complexity
///
/// With V people, E ties and h = `max_hops`: O(h·(V + E)) time and O(h·V)
/// memory for the bound tables. Then per jobseeker, with Δ the most ties
/// anyone has: at most O(Δ^h) simple paths are looked at, each costing
/// O(h) for the simple-path check and O(log Δ^h) on the heap, plus a sector
/// match (O(wanted × employer codes)) once per employer met. The bounds cut
/// most of this: on the generated national population (745,000 jobseekers,
/// about 5 ties per person) the search takes about a second on two cores.
/// Memory is O(Δ^(h−1)) per worker thread, plus the output.
///
/// # Errors
///
/// Invalid options (see [`IntroOptions::validate`]).
///
/// # Examples
///
/// ```
/// use passiton::intros::{IntroOptions, intros};
/// let data = passiton::load_dataset(std::path::Path::new("fixtures/tiny"))?;
/// let ctx = passiton::ScoreContext::new(&data, passiton::Weights::default())?;
/// let lists = intros(&ctx, &IntroOptions::default())?;
/// for list in &lists {
///     for intro in &list.intros {
///         println!("{}", passiton::intros::explain_intro(&ctx, intro));
///     }
/// }
/// # Ok::<(), passiton::Error>(())
/// ```
pub fn intros(ctx: &ScoreContext<'_>, options: &IntroOptions) -> Result<Vec<IntroList>> {
    options.validate()?;
    let net = SearchSpace::new(ctx, *options);
    let jobseekers: Vec<PersonIdx> = ctx.data.people_with_role(Role::Jobseeker).collect();
    Ok(jobseekers.par_iter().map_init(Scratch::default, |scratch, &j| scratch.search(&net, j)).collect())
}

/// [`intros`] by enumerating every simple path of at most `max_hops` hops
/// from each jobseeker, with the same rules and the same arithmetic: the
/// reference the property tests compare the search with.
///
/// # Complexity
///
/// O(Δ^h · h) per jobseeker, with no pruning; for small data only.
///
/// # Errors
///
/// Invalid options (see [`IntroOptions::validate`]).
pub fn intros_brute_force(ctx: &ScoreContext<'_>, options: &IntroOptions) -> Result<Vec<IntroList>> {
    options.validate()?;
    let net = SearchSpace::new(ctx, *options);
    let mut lists = Vec::new();
    for jobseeker in ctx.data.people_with_role(Role::Jobseeker) {
        if let Some(reason) = net.hopeless(jobseeker) {
            lists.push(IntroList { jobseeker, intros: Vec::new(), reason: Some(reason) });
            continue;
        }
        // Every chain as (strength, id ranks of its people, employer, people).
        let mut chains: Vec<(f64, Vec<u32>, EmployerIdx, Vec<PersonIdx>)> = Vec::new();
        let mut path = vec![jobseeker];
        enumerate(&net, &mut path, 1.0, &mut chains);
        chains.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut intros: Vec<Intro> = Vec::new();
        for (strength, _, employer, people) in chains {
            if intros.len() < options.k && intros.iter().all(|i| i.employer != employer) {
                intros.push(Intro { jobseeker, employer, path: people, strength });
            }
        }
        let reason = intros.is_empty().then_some(NoIntro::NoneWithinReach { max_hops: options.max_hops });
        lists.push(IntroList { jobseeker, intros, reason });
    }
    Ok(lists)
}

fn enumerate(
    net: &SearchSpace<'_>,
    path: &mut Vec<PersonIdx>,
    strength: f64,
    out: &mut Vec<(f64, Vec<u32>, EmployerIdx, Vec<PersonIdx>)>,
) {
    let (jobseeker, last) = (path[0], path[path.len() - 1]);
    if path.len() > 1 {
        if let Some((employer, similarity)) = net.door(net.ctx.data.person(jobseeker), last) {
            let total = strength * EMPLOYMENT_STRENGTH * similarity;
            if total > 0.0 {
                let ranks = path.iter().map(|p| net.ctx.id_rank[p.0 as usize]).collect();
                out.push((total, ranks, employer, path.clone()));
            }
        }
    }
    if path.len() > net.options.max_hops {
        return;
    }
    for &(_, next, tie) in &net.ctx.ties[last.0 as usize] {
        if path.contains(&next) || net.exclusions.contains(jobseeker, next) || net.exclusions.contains(last, next) {
            continue;
        }
        path.push(next);
        enumerate(net, path, strength * net.options.hop_value(tie), out);
        path.pop();
    }
}

/// How two consecutive people on a chain know each other, for explanations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopKind {
    /// A tie from `connections.csv`.
    Connection(ConnectionKind),
    /// A mentoring relationship from `outcomes.csv`: whether the earlier
    /// person on the chain was the mentor.
    Mentoring {
        /// The earlier person mentored the later one.
        earlier_mentored: bool,
    },
}

/// What kind of tie joins `a` and `b`: the kind of the strongest record
/// between them (the one [`ScoreContext::ties`] keeps), a connection before
/// a mentoring outcome of equal strength; `None` if they have no tie.
///
/// # Complexity
///
/// O(log C + outcomes of `a` and `b`) with C connections.
pub fn hop_kind(data: &Dataset, a: PersonIdx, b: PersonIdx) -> Option<HopKind> {
    let (lo, hi) = (a.min(b), a.max(b));
    let start = data.connections.partition_point(|c| (c.a, c.b) < (lo, hi));
    let mut best: Option<(f64, ConnectionKind)> = None;
    for c in data.connections[start..].iter().take_while(|c| (c.a, c.b) == (lo, hi)) {
        if best.is_none_or(|(s, _)| c.strength > s) {
            best = Some((c.strength, c.kind));
        }
    }
    let mentored = |mentee: PersonIdx, mentor: PersonIdx| {
        let from = data.outcomes.partition_point(|o| o.mentee < mentee);
        data.outcomes[from..].iter().take_while(|o| o.mentee == mentee).any(|o| o.mentor == mentor)
    };
    if best.is_none_or(|(s, _)| MENTORING_STRENGTH > s) {
        if mentored(b, a) {
            return Some(HopKind::Mentoring { earlier_mentored: true });
        }
        if mentored(a, b) {
            return Some(HopKind::Mentoring { earlier_mentored: false });
        }
    }
    best.map(|(_, kind)| HopKind::Connection(kind))
}

/// The one-line explanation of an introduction, in plain words: who passes
/// the jobseeker on to whom, and where the last of them works.
///
/// Only roles, ids, kinds of tie, the employer's name and sectors are
/// named; lived experience never is.
///
/// # Panics
///
/// If `intro` holds indices that did not come from `ctx`'s dataset.
///
/// # Example: output
///
/// "via mentor m000011 (knows you), who worked with mentor m000042, who
/// works at Smith Care Ltd, hiring in human health activities"
pub fn explain_intro(ctx: &ScoreContext<'_>, intro: &Intro) -> String {
    let data = ctx.data;
    let mut words = String::new();
    for (i, pair) in intro.path.windows(2).enumerate() {
        let (earlier, later) = (pair[0], pair[1]);
        let person = data.person(later);
        let who = format!("{} {}", person.role.as_str(), person.id);
        let kind = hop_kind(data, earlier, later);
        if i == 0 {
            let relation = match kind {
                Some(HopKind::Connection(ConnectionKind::Knows)) => "knows you",
                Some(HopKind::Connection(ConnectionKind::WorkedWith)) => "worked with you",
                Some(HopKind::Connection(ConnectionKind::Mentored)) => "in a mentoring pair with you",
                Some(HopKind::Connection(ConnectionKind::Peer)) => "your peer",
                Some(HopKind::Mentoring { earlier_mentored: true }) => "mentored by you",
                Some(HopKind::Mentoring { earlier_mentored: false }) => "mentored you",
                None => "a contact of yours",
            };
            words.push_str(&format!("via {who} ({relation})"));
        } else {
            let verb = match kind {
                Some(HopKind::Connection(ConnectionKind::Knows)) => "knows",
                Some(HopKind::Connection(ConnectionKind::WorkedWith)) => "worked with",
                Some(HopKind::Connection(ConnectionKind::Mentored)) => "was in a mentoring pair with",
                Some(HopKind::Connection(ConnectionKind::Peer)) => "is a peer of",
                Some(HopKind::Mentoring { earlier_mentored: true }) => "mentored",
                Some(HopKind::Mentoring { earlier_mentored: false }) => "was mentored by",
                None => "knows",
            };
            words.push_str(&format!(", who {verb} {who}"));
        }
    }
    let employer = data.employer(intro.employer);
    words.push_str(&format!(", who works at {}", employer.name));
    let jobseeker = data.person(intro.jobseeker);
    if let (_, Some(code)) = best_sector_match(&data.taxonomy, &jobseeker.sectors, &employer.sectors) {
        words.push_str(&format!(", hiring in {}", sector_title(data, code)));
    }
    words
}

/// A sector's title in running text: the division's title for finer codes,
/// lower-case first letter.
fn sector_title(data: &Dataset, code: SicIdx) -> String {
    let code = data.taxonomy.ancestor_at(code, SicLevel::Division).unwrap_or(code);
    let node = data.taxonomy.node(code);
    let mut chars = node.description.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => node.code.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_ties_peak_in_the_middle() {
        assert_eq!(weak_tie_value(0.5), 1.0);
        assert_eq!(weak_tie_value(1.0), WEAK_TIE_FLOOR);
        assert!(weak_tie_value(0.3) > weak_tie_value(0.1));
        assert!(weak_tie_value(0.3) > weak_tie_value(0.9));
        let options = IntroOptions { weak_ties: true, ..IntroOptions::default() };
        assert_eq!(options.hop_value(1.0), WEAK_TIE_FLOOR);
        assert_eq!(IntroOptions::default().hop_value(f64::NAN), 0.0);
        assert_eq!(IntroOptions::default().hop_value(2.0), 1.0);
    }

    #[test]
    fn options_are_checked() {
        assert!(IntroOptions::default().validate().is_ok());
        assert!(IntroOptions { k: 0, ..IntroOptions::default() }.validate().is_err());
        assert!(IntroOptions { max_hops: 0, ..IntroOptions::default() }.validate().is_err());
        assert!(IntroOptions { max_hops: MAX_HOPS_LIMIT + 1, ..IntroOptions::default() }.validate().is_err());
    }

    #[test]
    fn reasons_read_naturally() {
        assert_eq!(
            NoIntro::NoneWithinReach { max_hops: 1 }.to_string(),
            "no hiring employer in a wanted sector within 1 hop"
        );
        assert_eq!(
            NoIntro::NoneWithinReach { max_hops: 3 }.to_string(),
            "no hiring employer in a wanted sector within 3 hops"
        );
    }
}
