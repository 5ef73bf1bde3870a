//! Peer pairs: jobseekers paired with each other for mutual support, with
//! the largest total peer score.
//!
//! # Peer score
//!
//! The peer score of two jobseekers is a number in [0, 1], the weighted sum
//! of five components, each in [0, 1] and each symmetric (the score of `a`
//! with `b` is bit-for-bit the score of `b` with `a`):
//!
//! | component | value |
//! |---|---|
//! | sector | the better of the two directions of [`crate::score::best_sector_match`] between the sectors they want: 1 for a shared class (or one code within the other), 0.75 a shared group, 0.5 a shared division, 0.25 a shared section |
//! | locality | as for mentoring ([`crate::score::locality`]): `0.75 × 2^(−km / 10) + 0.25 × [same area]` |
//! | experience | shared consented lived experience, weighted by rarity as in [`crate::score`] (`ln(1 + N / n_t)`): the mean of the two people's shares of their own experience weight that the other shares. 1 only when both list the same tags; 0 when either lists none |
//! | availability | shared weekly slots over the smaller of the two slot counts |
//! | skills | complementary skills: 1 when each has a skill the other lacks, 0.5 when only one does, 0 when neither does (the same skills, or none) |
//!
//! Default weights ([`PeerWeights::default`]): sector 0.25, locality 0.25,
//! experience 0.20, availability 0.20, skills 0.10. Peers meet often and
//! informally, so being close by and free at the same times weigh as much as
//! wanting the same kind of work; shared lived experience is the basis of
//! mutual trust; complementary skills are a small bonus, since each can
//! teach the other something. Only consented experience reaches this module
//! (unconsented tags are dropped in [`crate::io::read`]).
//!
//! # Hard rules
//!
//! The mentoring rules, applied to two jobseekers ([`check_peers`]): not an
//! excluded pair, a shared language, a shared weekly slot, and within both
//! people's `max_km` unless both are happy to meet online. The checks are
//! the predicates of [`mod@crate::candidates`] ([`Exclusions`], [`shares_language`],
//! [`within_reach`]), so the two kinds of pairing cannot drift apart.
//!
//! # Candidate peer edges
//!
//! Scoring every pair of jobseekers is quadratic, so [`peer_candidates`]
//! keeps, for each jobseeker, the `k` best-scoring feasible peers (ties by
//! id) among a *pool*: the `pool` nearest feasible peers, found with a k-d
//! tree over positions on the unit sphere (`nearest.rs`), which never
//! looks past the `pool`-th feasible peer found so far nor past the
//! jobseeker's own `max_km` (no one further can be feasible unless both meet
//! online). Jobseekers happy to meet online also
//! search a second tree holding only the others who are, nearest first, for
//! up to `pool` more feasible peers at any distance: remote peers are
//! preferred close by (locality still counts) but are found wherever they
//! live. When several peers lie at exactly the distance of the last one
//! kept, all of them are compared and the pool keeps the lower ids, so the
//! pool never depends on row order or the tree's shape.
//!
//! The candidate edges are the union of everyone's lists. When the pool
//! holds every feasible peer (small or sparse populations), each list is the
//! exact top `k` of [`peer_candidates_brute_force`]; in dense cities it is
//! the top `k` of the nearest `pool`, a deliberate trade of a little score
//! for linear time.
//!
//! # Pairing
//!
//! [`peer_pairs`] pairs jobseekers with the exact maximum-weight matching of
//! [`crate::pair::max_weight_pairing`] over the candidate edges, with scores
//! scaled once to integers (by [`SCORE_SCALE`]), and checks the optimality
//! certificate with [`crate::pair::verify`] before returning. Peer pairing is
//! therefore exact over the candidate peer edges: no pairing using those
//! edges has a larger total (scaled) score. Groups of three are not formed:
//! an odd one out, and anyone without a feasible peer, is listed as unpaired
//! with a reason.
//!
//! # Complexity
//!
//! Building the trees: O(J log J) for J jobseekers. Candidates: per
//! jobseeker, a walk of the tree near them until `pool` feasible peers are
//! found (O(pool + log J) nodes in a typical neighbourhood, more where many
//! nearby fail a hard rule), and `pool` scores; parallel over jobseekers,
//! neighbours one after another. Pairing: see
//! [`crate::pair`], on at most `J × k` edges.
//!
//! # Determinism
//!
//! Jobseekers are numbered by id, every list is ordered by (score, id), the
//! pool is cut by (distance, id) and the solver is a deterministic function
//! of the edge set, so the result depends on neither thread count nor row
//! order.

use rayon::prelude::*;

use crate::candidates::{Exclusions, shares_language, within_reach};
use crate::error::{Error, Result};
use crate::geo::{Reach, chord_km, unit_vector};
use crate::model::{Dataset, Person, PersonIdx, Role};
use crate::nearest::PointTree;
use crate::pair::{PairEdge, PairProblem};
use crate::score::{ScoreContext, best_sector_match, best_sector_match_either_way, locality};
pub use crate::shortlist::SCORE_SCALE;
use crate::taxonomy::SicIdx;

/// Default number of candidate peers kept per jobseeker. The optimal
/// pairing rarely reaches far down anyone's list: on 30% of national scale
/// (223,500 jobseekers) 10 gives 99.9% of the total score of 20 with half
/// the edges and half the pairing time.
pub const DEFAULT_PEERS: usize = 10;
/// Default number of nearest feasible peers scored per jobseeker.
pub const DEFAULT_POOL: usize = 40;
/// Most reasons a peer explanation gives.
pub const MAX_PEER_REASONS: usize = 4;
/// Slack on distance cut-offs, so that the two ways of rounding a distance
/// (the tree's and [`chord_km`]) can never stop a search early.
const KM_SLACK: f64 = 1e-6;

/// Relative importance of the five peer components.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeerWeights {
    /// Closeness of the sectors both want.
    pub sector: f64,
    /// Locality.
    pub locality: f64,
    /// Shared lived experience.
    pub experience: f64,
    /// Availability overlap.
    pub availability: f64,
    /// Complementary skills.
    pub skills: f64,
}

impl Default for PeerWeights {
    /// Sector 0.25, locality 0.25, experience 0.20, availability 0.20,
    /// skills 0.10 (see the [module docs](self) for why).
    fn default() -> PeerWeights {
        PeerWeights { sector: 0.25, locality: 0.25, experience: 0.20, availability: 0.20, skills: 0.10 }
    }
}

impl PeerWeights {
    /// Component names in output order.
    pub const NAMES: [&'static str; 5] = ["sector", "locality", "experience", "availability", "skills"];

    /// The weights as an array in [`PeerWeights::NAMES`] order.
    pub fn as_array(&self) -> [f64; 5] {
        [self.sector, self.locality, self.experience, self.availability, self.skills]
    }

    /// These weights scaled to sum 1.
    ///
    /// # Errors
    ///
    /// A weight is negative or not finite, or all are zero.
    pub fn normalised(self) -> Result<PeerWeights> {
        let values = self.as_array();
        if let Some(i) = values.iter().position(|w| !w.is_finite() || *w < 0.0) {
            return Err(Error::Argument(format!(
                "peer weight {} must be a non-negative number",
                PeerWeights::NAMES[i]
            )));
        }
        let total = values.iter().fold(0.0, |acc, w| acc + w);
        if total <= 0.0 {
            return Err(Error::Argument("peer weights must not all be zero".into()));
        }
        let [sector, locality, experience, availability, skills] = values.map(|w| w / total);
        Ok(PeerWeights { sector, locality, experience, availability, skills })
    }
}

/// The five components of a peer score, each in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PeerComponents {
    /// Closeness of the sectors both want.
    pub sector: f64,
    /// Locality.
    pub locality: f64,
    /// Shared lived experience.
    pub experience: f64,
    /// Availability overlap.
    pub availability: f64,
    /// Complementary skills.
    pub skills: f64,
}

impl PeerComponents {
    /// The components as an array in [`PeerWeights::NAMES`] order.
    pub fn as_array(&self) -> [f64; 5] {
        [self.sector, self.locality, self.experience, self.availability, self.skills]
    }

    /// The weighted sum, added in a fixed order so equal components give equal bits.
    pub fn total(&self, weights: &PeerWeights) -> f64 {
        self.as_array().iter().zip(weights.as_array()).fold(0.0, |acc, (c, w)| acc + c * w)
    }
}

/// A scored pair of jobseekers, `a` before `b` in id order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeerScored {
    /// The jobseeker with the smaller id.
    pub a: PersonIdx,
    /// The jobseeker with the larger id.
    pub b: PersonIdx,
    /// Weighted sum of the components, in [0, 1].
    pub score: f64,
    /// The components.
    pub components: PeerComponents,
    /// Great-circle distance in km.
    pub km: f64,
}

/// Why two people may not be peers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeerRule {
    /// One of them is not a jobseeker.
    NotAJobseeker,
    /// Both are the same person.
    SamePerson,
    /// The pair is listed in `exclusions.csv`.
    Excluded,
    /// Too far apart for one of them, and not both happy to meet online.
    TooFar,
    /// No language in common.
    NoSharedLanguage,
    /// No weekly slot in common.
    NoSharedTime,
}

impl PeerRule {
    /// The rule in plain words.
    pub fn describe(self) -> &'static str {
        match self {
            PeerRule::NotAJobseeker => "not a jobseeker",
            PeerRule::SamePerson => "the same person",
            PeerRule::Excluded => "excluded pair",
            PeerRule::TooFar => "too far apart",
            PeerRule::NoSharedLanguage => "no shared language",
            PeerRule::NoSharedTime => "no shared time",
        }
    }
}

/// Checks the hard rules for two jobseekers as peers; `Ok` holds the
/// distance in km.
///
/// # Errors
///
/// The first rule broken, in the order of [`PeerRule`].
pub fn check_peers(data: &Dataset, exclusions: &Exclusions, a: PersonIdx, b: PersonIdx) -> Result<f64, PeerRule> {
    let (pa, pb) = (data.person(a), data.person(b));
    if pa.role != Role::Jobseeker || pb.role != Role::Jobseeker {
        return Err(PeerRule::NotAJobseeker);
    }
    if a == b {
        return Err(PeerRule::SamePerson);
    }
    if exclusions.contains(a, b) {
        return Err(PeerRule::Excluded);
    }
    let km = crate::geo::great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon);
    if !within_reach(pa, pb, km) {
        return Err(PeerRule::TooFar);
    }
    if !shares_language(pa, pb) {
        return Err(PeerRule::NoSharedLanguage);
    }
    if pa.availability.intersection(pb.availability).is_empty() {
        return Err(PeerRule::NoSharedTime);
    }
    Ok(km)
}

/// The peer score of two jobseekers, hard rules aside; `weights` are used
/// as given (normalise them first for a score in [0, 1]).
pub fn peer_score(ctx: &ScoreContext<'_>, weights: &PeerWeights, a: PersonIdx, b: PersonIdx) -> PeerScored {
    let (pa, pb) = (ctx.data.person(a), ctx.data.person(b));
    let km = crate::geo::great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon);
    peer_score_at(ctx, weights, a, b, km, |p| experience_total(ctx, ctx.data.person(p)))
}

/// [`peer_score`] with the distance and each person's total experience
/// weight ([`experience_total`]) already known.
fn peer_score_at(
    ctx: &ScoreContext<'_>,
    weights: &PeerWeights,
    a: PersonIdx,
    b: PersonIdx,
    km: f64,
    total_of: impl Fn(PersonIdx) -> f64,
) -> PeerScored {
    // Every component is computed in id order, so the score of (a, b) and
    // of (b, a) are the same bits.
    let (a, b) = if ctx.id_rank[a.0 as usize] <= ctx.id_rank[b.0 as usize] { (a, b) } else { (b, a) };
    let data = ctx.data;
    let (pa, pb) = (data.person(a), data.person(b));
    let sector = best_sector_match_either_way(&data.taxonomy, &pa.sectors, &pb.sectors);
    let (total_a, total_b) = (total_of(a), total_of(b));
    let experience = if total_a > 0.0 && total_b > 0.0 {
        let shared = shared_experience_weight(ctx, pa, pb);
        ((shared / total_a + shared / total_b) / 2.0).min(1.0)
    } else {
        0.0
    };
    let slots = pa.availability.intersection(pb.availability).len();
    let smaller = pa.availability.len().min(pb.availability.len());
    let skills = match (first_lacking(pa, pb), first_lacking(pb, pa)) {
        (Some(_), Some(_)) => 1.0,
        (None, None) => 0.0,
        _ => 0.5,
    };
    let components = PeerComponents {
        sector,
        locality: locality(km, pa.area == pb.area),
        experience,
        availability: if smaller == 0 { 0.0 } else { f64::from(slots) / f64::from(smaller) },
        skills,
    };
    PeerScored { a, b, score: components.total(weights), components, km }
}

/// The better direction of the sector match between what two jobseekers
/// want, with the code naming what they share.
fn shared_sector(ctx: &ScoreContext<'_>, a: &Person, b: &Person) -> (f64, Option<SicIdx>) {
    let forward = best_sector_match(&ctx.data.taxonomy, &a.sectors, &b.sectors);
    let backward = best_sector_match(&ctx.data.taxonomy, &b.sectors, &a.sectors);
    if backward.0 > forward.0 { backward } else { forward }
}

/// The rarity weight of one experience tag (0 for a tag the context lacks).
fn tag_weight(ctx: &ScoreContext<'_>, tag: &crate::model::TagIdx) -> f64 {
    ctx.tag_weight.get(usize::from(tag.0)).copied().unwrap_or(0.0)
}

/// The weight of a person's experience tags, summed in tag order.
fn experience_total(ctx: &ScoreContext<'_>, person: &Person) -> f64 {
    person.experiences.iter().fold(0.0, |acc, t| acc + tag_weight(ctx, t))
}

/// The weight of the experience tags two people share, summed in `a`'s tag order.
fn shared_experience_weight(ctx: &ScoreContext<'_>, a: &Person, b: &Person) -> f64 {
    a.experiences.iter().filter(|t| b.experiences.binary_search(t).is_ok()).fold(0.0, |acc, t| acc + tag_weight(ctx, t))
}

/// The first skill (in name order) that `a` has and `b` lacks.
fn first_lacking(a: &Person, b: &Person) -> Option<crate::model::SkillIdx> {
    a.skills.iter().copied().find(|s| b.skills.binary_search(s).is_err())
}

/// The one-line explanation of a scored peer pair: its strongest reasons first.
///
/// Names only consented experience (nothing else reaches the dataset).
pub fn explain_peers(ctx: &ScoreContext<'_>, weights: &PeerWeights, scored: &PeerScored) -> String {
    let data = ctx.data;
    let (a, b) = (data.person(scored.a), data.person(scored.b));
    let parts = scored.components.as_array();
    let w = weights.as_array();
    let mut order: Vec<usize> = (0..5).filter(|&i| parts[i] > 0.0).collect();
    order.sort_by(|&x, &y| (parts[y] * w[y]).total_cmp(&(parts[x] * w[x])).then(x.cmp(&y)));
    let mut reasons: Vec<String> = Vec::new();
    for i in order {
        let reason = match i {
            0 => shared_sector(ctx, a, b)
                .1
                .map(|code| format!("both want work in {}", crate::score::sector_title(&data.taxonomy, code))),
            1 => Some(distance_words(scored.km, a, b, data)),
            2 => {
                let phrases: Vec<String> = a
                    .experiences
                    .iter()
                    .filter(|t| b.experiences.binary_search(t).is_ok())
                    .filter_map(|t| data.experience_tags.get(usize::from(t.0)))
                    .map(|tag| crate::score::experience_phrase(tag))
                    .collect();
                (!phrases.is_empty()).then(|| format!("both {}", join_words(&phrases)))
            }
            3 => {
                let shared = a.availability.intersection(b.availability).len();
                Some(format!("{shared} shared time{} a week", if shared == 1 { "" } else { "s" }))
            }
            _ => {
                let skill = |s: crate::model::SkillIdx| {
                    data.skill_tags.get(s.0 as usize).map(|n| n.replace(['_', '-'], " ")).unwrap_or_default()
                };
                match (first_lacking(a, b), first_lacking(b, a)) {
                    (Some(x), Some(y)) => Some(format!("complementary skills ({} and {})", skill(x), skill(y))),
                    (Some(x), None) | (None, Some(x)) => Some(format!("one brings {}", skill(x))),
                    (None, None) => None,
                }
            }
        };
        reasons.extend(reason);
    }
    reasons.truncate(MAX_PEER_REASONS);
    if reasons.is_empty() { "within reach, with a shared language and time".to_string() } else { reasons.join("; ") }
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn distance_words(km: f64, a: &Person, b: &Person, data: &Dataset) -> String {
    if km > a.max_km.min(b.max_km) {
        return format!("meet online ({km:.0} km apart)");
    }
    if a.area == b.area && km < 0.05 {
        format!("both in {}", data.areas.area(a.area).name)
    } else if a.area == b.area {
        format!("{km:.1} km apart, both in {}", data.areas.area(a.area).name)
    } else {
        format!("{km:.1} km apart")
    }
}

/// Options for [`peer_candidates`] and [`peer_pairs`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeerOptions {
    /// Candidate peers kept per jobseeker.
    pub k: usize,
    /// Nearest feasible peers scored per jobseeker (per tree searched).
    pub pool: usize,
    /// Component weights (normalised before use).
    pub weights: PeerWeights,
}

impl Default for PeerOptions {
    fn default() -> PeerOptions {
        PeerOptions { k: DEFAULT_PEERS, pool: DEFAULT_POOL, weights: PeerWeights::default() }
    }
}

/// One candidate peer edge between two jobseekers, by their index in
/// [`PeerCandidates::jobseekers`], `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeerEdge {
    /// The jobseeker with the smaller id.
    pub a: u32,
    /// The jobseeker with the larger id.
    pub b: u32,
    /// The peer score, in [0, 1].
    pub score: f64,
}

/// The candidate peer edges of a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerCandidates {
    /// Jobseekers sorted by id: the vertices of the pairing problem.
    pub jobseekers: Vec<PersonIdx>,
    /// Edges with `a < b`, sorted by `(a, b)`, each pair once.
    pub edges: Vec<PeerEdge>,
    /// How many pairs were scored to find them.
    pub pairs_scored: u64,
}

impl PeerCandidates {
    /// The pairing problem on these edges, scores scaled by [`SCORE_SCALE`].
    pub fn problem(&self) -> PairProblem {
        let edges = self
            .edges
            .iter()
            .map(|e| PairEdge { a: e.a, b: e.b, score: (e.score * SCORE_SCALE).round() as i64 })
            .collect();
        PairProblem { n: self.jobseekers.len(), edges }
    }
}

/// A jobseeker's hard-rule fields, packed into the tree so that checking a
/// neighbour touches no `Person` (the search is bound by memory, not arithmetic).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    person: u32,
    slots: u32,
    languages: u64,
    max_km: f64,
    remote: bool,
}

/// Bit 63 of a language mask: "some language outside the 63 commonest",
/// which needs the exact check when it is all two people share.
const OTHER_LANGUAGES: u64 = 1 << 63;

/// The two search trees: every jobseeker, and those happy to meet online.
struct PeerIndex {
    all: PointTree<Entry>,
    remote: PointTree<Entry>,
    /// The 63 commonest languages among jobseekers, most common first (ties by code).
    common: Vec<crate::model::Language>,
}

impl PeerIndex {
    fn build(data: &Dataset, jobseekers: &[PersonIdx]) -> PeerIndex {
        let mut counts: std::collections::BTreeMap<crate::model::Language, usize> = Default::default();
        for &j in jobseekers {
            for &l in &data.person(j).languages {
                *counts.entry(l).or_default() += 1;
            }
        }
        let mut common: Vec<(crate::model::Language, usize)> = counts.into_iter().collect();
        common.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        let common: Vec<crate::model::Language> = common.into_iter().take(63).map(|(l, _)| l).collect();
        let mut index = PeerIndex { all: PointTree::build([]), remote: PointTree::build([]), common };
        let point = |&j: &PersonIdx| {
            let p = data.person(j);
            let entry = Entry {
                person: j.0,
                slots: p.availability.0,
                languages: index.language_mask(p),
                max_km: p.max_km,
                remote: p.remote,
            };
            (unit_vector(p.lat, p.lon), entry)
        };
        let all = PointTree::build(jobseekers.iter().map(point).collect::<Vec<_>>());
        let remote =
            PointTree::build(jobseekers.iter().filter(|&&j| data.person(j).remote).map(point).collect::<Vec<_>>());
        index.all = all;
        index.remote = remote;
        index
    }

    fn language_mask(&self, person: &Person) -> u64 {
        person
            .languages
            .iter()
            .fold(0, |acc, l| acc | self.common.iter().position(|c| c == l).map_or(OTHER_LANGUAGES, |bit| 1 << bit))
    }
}

/// Feasible peers of one jobseeker from one tree, nearest first: at most
/// `pool`, cut by (distance, id rank) so equal distances never depend on the
/// tree's shape. Stops beyond `limit_km` when given. The checks are those of
/// [`check_peers`], on the packed fields.
fn nearest_feasible(
    ctx: &ScoreContext<'_>,
    exclusions: &Exclusions,
    index: &PeerIndex,
    tree: &PointTree<Entry>,
    jobseeker: PersonIdx,
    limit_km: Option<f64>,
    pool: usize,
) -> Vec<(PersonIdx, f64)> {
    let data = ctx.data;
    let me = data.person(jobseeker);
    let here = unit_vector(me.lat, me.lon);
    let my_languages = index.language_mask(me);
    let limit = limit_km.map(|km| Reach::new(km + KM_SLACK));
    let max_d2 = limit.map_or(f64::INFINITY, |reach| reach.max_chord2());
    let found = tree.nearest(&here, pool, max_d2, |e, point, d2| {
        if limit.is_some_and(|reach| !reach.admits(d2.sqrt())) {
            return None;
        }
        if e.person == jobseeker.0 || e.slots & me.availability.0 == 0 {
            return None;
        }
        let shared = e.languages & my_languages;
        if shared == 0 || (shared == OTHER_LANGUAGES && !shares_language(me, data.person(PersonIdx(e.person)))) {
            return None;
        }
        let km = chord_km(&here, point);
        let other = PersonIdx(e.person);
        if !((me.remote && e.remote) || km <= me.max_km.min(e.max_km)) || exclusions.contains(jobseeker, other) {
            return None;
        }
        Some(ctx.id_rank[other.0 as usize])
    });
    found.into_iter().map(|f| (PersonIdx(f.data.person), chord_km(&here, &f.point))).collect()
}

/// Jobseekers sorted by id, and each person's position in that order.
fn jobseekers_by_id(ctx: &ScoreContext<'_>) -> (Vec<PersonIdx>, Vec<u32>) {
    let mut jobseekers: Vec<PersonIdx> = ctx.data.people_with_role(Role::Jobseeker).collect();
    jobseekers.sort_by_key(|p| ctx.id_rank[p.0 as usize]);
    let mut vertex = vec![u32::MAX; ctx.data.people.len()];
    for (i, p) in jobseekers.iter().enumerate() {
        vertex[p.0 as usize] = i as u32;
    }
    (jobseekers, vertex)
}

/// The best `k` of scored peers (score descending, then id), as edges.
fn top_edges(
    ctx: &ScoreContext<'_>,
    weights: &PeerWeights,
    vertex: &[u32],
    experience_totals: &[f64],
    jobseeker: PersonIdx,
    peers: &[(PersonIdx, f64)],
    k: usize,
) -> Vec<PeerEdge> {
    let total = |p: PersonIdx| experience_totals[p.0 as usize];
    let mut scored: Vec<(f64, u32, PersonIdx)> = peers
        .iter()
        .map(|&(p, km)| (peer_score_at(ctx, weights, jobseeker, p, km, total).score, ctx.id_rank[p.0 as usize], p))
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    scored.truncate(k);
    let me = vertex[jobseeker.0 as usize];
    scored
        .into_iter()
        .map(|(score, _, p)| {
            let other = vertex[p.0 as usize];
            PeerEdge { a: me.min(other), b: me.max(other), score }
        })
        .collect()
}

/// Merges per-jobseeker lists into one sorted edge list, each pair once.
fn union_edges(lists: Vec<Vec<PeerEdge>>) -> Vec<PeerEdge> {
    let mut edges: Vec<PeerEdge> = lists.into_iter().flatten().collect();
    edges.sort_by_key(|e| (e.a, e.b));
    edges.dedup_by(|x, y| (x.a, x.b) == (y.a, y.b));
    edges
}

/// Every jobseeker's `k` best feasible peers from its nearest `pool` (see the
/// [module docs](self)), merged into one edge list.
///
/// # Errors
///
/// Invalid weights (see [`PeerWeights::normalised`]).
///
/// # Examples
///
/// ```
/// use passiton::peers::{PeerOptions, peer_candidates};
/// let data = passiton::read_dataset(std::path::Path::new("fixtures/sample"))?;
/// let ctx = passiton::ScoreContext::new(&data, passiton::Weights::default())?;
/// let found = peer_candidates(&ctx, &PeerOptions::default())?;
/// assert!(found.edges.iter().all(|e| e.a < e.b && e.score > 0.0 && e.score <= 1.0));
/// # Ok::<(), passiton::Error>(())
/// ```
pub fn peer_candidates(ctx: &ScoreContext<'_>, options: &PeerOptions) -> Result<PeerCandidates> {
    let weights = options.weights.normalised()?;
    let data = ctx.data;
    let exclusions = Exclusions::of(data);
    let (jobseekers, vertex) = jobseekers_by_id(ctx);
    let experience_totals: Vec<f64> = data.people.par_iter().map(|p| experience_total(ctx, p)).collect();
    let index = PeerIndex::build(data, &jobseekers);
    // Searching neighbours one after another keeps the same tree nodes in
    // cache; each list is a function of its jobseeker alone, and the union
    // below sorts the edges, so the order of work never shows.
    let mut by_place = jobseekers.clone();
    by_place.sort_by_key(|&j| {
        let p = data.person(j);
        (p.area, (p.lat * 100.0) as i32, j)
    });
    let lists: Vec<(Vec<PeerEdge>, u64)> = by_place
        .par_iter()
        .map(|&j| {
            let me = data.person(j);
            let mut peers = nearest_feasible(ctx, &exclusions, &index, &index.all, j, Some(me.max_km), options.pool);
            if me.remote {
                peers.extend(nearest_feasible(ctx, &exclusions, &index, &index.remote, j, None, options.pool));
                peers.sort_by_key(|&(p, _)| p);
                peers.dedup_by_key(|&mut (p, _)| p);
            }
            let scored = peers.len() as u64;
            (top_edges(ctx, &weights, &vertex, &experience_totals, j, &peers, options.k), scored)
        })
        .collect();
    let pairs_scored = lists.iter().map(|(_, n)| n).sum();
    let edges = union_edges(lists.into_iter().map(|(l, _)| l).collect());
    Ok(PeerCandidates { jobseekers, edges, pairs_scored })
}

/// Every jobseeker's `k` best feasible peers among all jobseekers, by
/// scoring every pair: the reference [`peer_candidates`] is tested against.
/// O(J²) scores.
///
/// # Errors
///
/// Invalid weights (see [`PeerWeights::normalised`]).
pub fn peer_candidates_brute_force(ctx: &ScoreContext<'_>, options: &PeerOptions) -> Result<PeerCandidates> {
    let weights = options.weights.normalised()?;
    let data = ctx.data;
    let exclusions = Exclusions::of(data);
    let (jobseekers, vertex) = jobseekers_by_id(ctx);
    let experience_totals: Vec<f64> = data.people.par_iter().map(|p| experience_total(ctx, p)).collect();
    let lists: Vec<(Vec<PeerEdge>, u64)> = jobseekers
        .par_iter()
        .map(|&j| {
            let peers: Vec<(PersonIdx, f64)> = jobseekers
                .iter()
                .filter_map(|&p| check_peers(data, &exclusions, j, p).ok().map(|km| (p, km)))
                .collect();
            let scored = peers.len() as u64;
            (top_edges(ctx, &weights, &vertex, &experience_totals, j, &peers, options.k), scored)
        })
        .collect();
    let pairs_scored = lists.iter().map(|(_, n)| n).sum();
    let edges = union_edges(lists.into_iter().map(|(l, _)| l).collect());
    Ok(PeerCandidates { jobseekers, edges, pairs_scored })
}

/// Jobseekers paired for mutual support.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerPairs {
    /// The pairs, `a` before `b` in id order, sorted by `a`'s id.
    pub pairs: Vec<PeerScored>,
    /// Jobseekers left without a peer, sorted by id, with the reason in plain words.
    pub unpaired: Vec<(PersonIdx, String)>,
    /// Sum of the pairs' scores scaled by [`SCORE_SCALE`] (exact).
    pub total_micros: i64,
    /// Number of candidate peer edges the pairing chose from.
    pub candidate_edges: usize,
    /// Number of pairs scored while finding candidates.
    pub pairs_scored: u64,
    /// The normalised weights used.
    pub weights: PeerWeights,
}

impl PeerPairs {
    /// The total score as a number (sum of the pairs' rounded scores).
    pub fn total_score(&self) -> f64 {
        self.total_micros as f64 / SCORE_SCALE
    }
}

/// Finds candidate peer edges ([`peer_candidates`]) and pairs jobseekers
/// with the largest total peer score over them.
///
/// # Errors
///
/// Invalid weights, or a refusal from the pairing solver (not expected for
/// scores in [0, 1]).
///
/// # Examples
///
/// ```
/// use passiton::peers::{PeerOptions, peer_pairs};
/// let data = passiton::read_dataset(std::path::Path::new("fixtures/sample"))?;
/// let ctx = passiton::ScoreContext::new(&data, passiton::Weights::default())?;
/// let result = peer_pairs(&ctx, &PeerOptions::default())?;
/// let (jobseekers, _, _) = data.role_counts();
/// assert_eq!(2 * result.pairs.len() + result.unpaired.len(), jobseekers);
/// # Ok::<(), passiton::Error>(())
/// ```
pub fn peer_pairs(ctx: &ScoreContext<'_>, options: &PeerOptions) -> Result<PeerPairs> {
    let found = peer_candidates(ctx, options)?;
    pair_candidates(ctx, options, &found)
}

/// Pairs jobseekers with the largest total peer score over given candidate
/// edges, checking the solver's optimality certificate.
///
/// # Errors
///
/// Invalid weights, or a refusal from the pairing solver.
pub fn pair_candidates(ctx: &ScoreContext<'_>, options: &PeerOptions, found: &PeerCandidates) -> Result<PeerPairs> {
    let weights = options.weights.normalised()?;
    let problem = found.problem();
    let pairing = crate::pair::max_weight_pairing(&problem)?;
    // The solver checks its certificate already; checking again here keeps
    // an unproven pairing from ever reaching output, whatever the solver does.
    crate::pair::verify(&problem, &pairing)?;
    let data = ctx.data;
    let exclusions = Exclusions::of(data);
    let mut has_edge = vec![false; found.jobseekers.len()];
    for e in &found.edges {
        has_edge[e.a as usize] = true;
        has_edge[e.b as usize] = true;
    }
    let mut pairs = Vec::with_capacity(pairing.pairs);
    let mut unpaired = Vec::new();
    let index = PeerIndex::build(data, &found.jobseekers);
    for (v, mate) in pairing.mate.iter().enumerate() {
        let me = found.jobseekers[v];
        match mate {
            Some(m) if (v as u32) < *m => {
                pairs.push(peer_score(ctx, &weights, me, found.jobseekers[*m as usize]));
            }
            Some(_) => {}
            None => {
                let reason = if has_edge[v] {
                    "every candidate peer is paired with someone else (largest total score)".to_string()
                } else {
                    no_peer_reason(ctx, &exclusions, &index, me)
                };
                unpaired.push((me, reason));
            }
        }
    }
    Ok(PeerPairs {
        pairs,
        unpaired,
        total_micros: pairing.total_score,
        candidate_edges: found.edges.len(),
        pairs_scored: found.pairs_scored,
        weights,
    })
}

/// Why a jobseeker has no candidate peer, in plain words.
///
/// Rules are applied as a person would ask: who is within reach, who of
/// those shares a language, then a free time, and finally who is not an
/// excluded pair; the reason is the step at which the last peer dropped out.
/// Walks the jobseekers within reach (and, for someone happy to meet online,
/// every other such jobseeker); meant for the few without a candidate.
fn no_peer_reason(ctx: &ScoreContext<'_>, exclusions: &Exclusions, index: &PeerIndex, jobseeker: PersonIdx) -> String {
    let data = ctx.data;
    let me = data.person(jobseeker);
    let here = unit_vector(me.lat, me.lon);
    let mut left = [0usize; 4];
    let mut count = |other: PersonIdx, km: f64| {
        let them = data.person(other);
        let stages = [
            within_reach(me, them, km),
            shares_language(me, them),
            !me.availability.intersection(them.availability).is_empty(),
            !exclusions.contains(jobseeker, other),
        ];
        for (n, _) in left.iter_mut().zip(stages).take_while(|(_, passed)| *passed) {
            *n += 1;
        }
    };
    let limit = Reach::new(me.max_km + KM_SLACK);
    index.all.within(&here, limit.max_chord2(), |e, point, d2| {
        if limit.admits(d2.sqrt()) && e.person != jobseeker.0 {
            count(PersonIdx(e.person), chord_km(&here, point));
        }
    });
    if me.remote {
        for (point, e) in index.remote.iter() {
            let km = chord_km(&here, point);
            // Those within the jobseeker's own limit were counted above.
            if e.person != jobseeker.0 && km > me.max_km + KM_SLACK {
                count(PersonIdx(e.person), km);
            }
        }
    }
    match left.iter().position(|&n| n == 0) {
        Some(0) if index.all.len() <= 1 => "no other jobseekers in the data".to_string(),
        Some(0) => format!(
            "no other jobseeker within reach ({:.0} km{})",
            me.max_km,
            if me.remote { ", or online" } else { "" }
        ),
        Some(1) => "no jobseeker within reach shares a language".to_string(),
        Some(2) => "no jobseeker within reach shares a free time".to_string(),
        Some(_) => "every jobseeker within reach is an excluded pair".to_string(),
        None => "no candidate peer kept".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_normalise_and_refuse_bad_values() {
        let w = PeerWeights::default().normalised().unwrap();
        assert!((w.as_array().iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(PeerWeights { sector: -1.0, ..PeerWeights::default() }.normalised().is_err());
        let zero = PeerWeights { sector: 0.0, locality: 0.0, experience: 0.0, availability: 0.0, skills: 0.0 };
        assert!(zero.normalised().is_err());
    }

    #[test]
    fn scores_are_symmetric_and_bounded() {
        let data = crate::io::read_dataset(std::path::Path::new("fixtures/sample")).unwrap();
        let ctx = ScoreContext::new(&data, crate::score::Weights::default()).unwrap();
        let w = PeerWeights::default().normalised().unwrap();
        let jobseekers: Vec<PersonIdx> = data.people_with_role(Role::Jobseeker).take(40).collect();
        for &a in &jobseekers {
            for &b in &jobseekers {
                let (x, y) = (peer_score(&ctx, &w, a, b), peer_score(&ctx, &w, b, a));
                assert_eq!(x.score.to_bits(), y.score.to_bits());
                assert!((0.0..=1.0 + 1e-12).contains(&x.score));
                for c in x.components.as_array() {
                    assert!((0.0..=1.0).contains(&c), "{c}");
                }
            }
        }
    }

    #[test]
    fn words_join_naturally() {
        assert_eq!(join_words(&["carers".into(), "veterans".into()]), "carers and veterans");
    }
}
