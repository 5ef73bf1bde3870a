//! The score of a jobseeker with a candidate helper: five components in
//! [0, 1], their weighted sum, and a plain-words explanation.
//!
//! # Components
//!
//! | component | value |
//! |---|---|
//! | sector | best match between a sector the jobseeker wants and one the helper worked in: 1 when the helper's code lies within the wanted one (or they share a class), 0.75 for a shared group, 0.5 a shared division, 0.25 a shared section, 0 otherwise |
//! | locality | `0.75 × 2^(−km / 10) + 0.25 × [same area]`: half the distance part is gone at 10 km; sharing a local area adds a quarter |
//! | experience | mentors: the share of the jobseeker's lived-experience weight that the mentor shares; coaches: the share met by the coach's specialisms. A tag's weight is its inverse document frequency `ln(1 + N / n_t)` over the N people who consented, so rarer shared experience counts more |
//! | network | `1 − (1 − closeness)(1 − hiring)`. Closeness is the chance a tie path carries, `1 − Π(1 − s)` over the direct tie (strength s) and every mutual contact (s₁·s₂); hiring is the sector match between what the jobseeker wants and the helper's employer, when it has vacancies |
//! | availability | shared weekly slots over the smaller of the two people's slot counts |
//!
//! The score is `Σ weight × component` with weights normalised to sum 1
//! (defaults in [`Weights::default`]), so it lies in [0, 1]. Only consented
//! experience reaches this module (see [`crate::io::read`]).

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::geo::great_circle_km;
use crate::model::{Dataset, EmployerIdx, Person, PersonIdx, Role, TagIdx};
use crate::taxonomy::{SicIdx, SicLevel, Taxonomy};

/// Distance in km at which the distance part of locality halves.
pub const LOCALITY_HALF_KM: f64 = 10.0;
/// Share of locality that comes from distance (the rest from sharing an area).
pub const LOCALITY_DISTANCE_SHARE: f64 = 0.75;

/// Most reasons an explanation gives.
pub const MAX_REASONS: usize = 4;

/// Relative importance of the five components.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Sector closeness.
    pub sector: f64,
    /// Locality.
    pub locality: f64,
    /// Shared lived experience.
    pub experience: f64,
    /// Network closeness.
    pub network: f64,
    /// Availability overlap.
    pub availability: f64,
}

impl Default for Weights {
    /// Sector 0.30, locality 0.25, experience 0.20, network 0.15, availability 0.10:
    /// what someone wants to do and where they live come first; shared
    /// experience is the next strongest basis for trust; network and time
    /// refine the choice among otherwise similar helpers.
    fn default() -> Weights {
        Weights { sector: 0.30, locality: 0.25, experience: 0.20, network: 0.15, availability: 0.10 }
    }
}

impl Weights {
    /// Component names in output order.
    pub const NAMES: [&'static str; 5] = ["sector", "locality", "experience", "network", "availability"];

    /// The weights as an array in [`Weights::NAMES`] order.
    pub fn as_array(&self) -> [f64; 5] {
        [self.sector, self.locality, self.experience, self.network, self.availability]
    }

    /// These weights scaled to sum 1.
    ///
    /// # Errors
    ///
    /// A weight is negative or not finite, or all are zero.
    pub fn normalised(self) -> Result<Weights> {
        let values = self.as_array();
        if let Some(i) = values.iter().position(|w| !w.is_finite() || *w < 0.0) {
            return Err(Error::Argument(format!("weight {} must be a non-negative number", Weights::NAMES[i])));
        }
        let total: f64 = values.iter().sum();
        if total <= 0.0 {
            return Err(Error::Argument("weights must not all be zero".into()));
        }
        let [sector, locality, experience, network, availability] = values.map(|w| w / total);
        Ok(Weights { sector, locality, experience, network, availability })
    }

    /// Reads a JSON object with any of the five keys; missing keys keep their
    /// default, and the result is normalised.
    ///
    /// # Errors
    ///
    /// Not a JSON object, an unknown key, a value that is not a non-negative
    /// number, or all weights zero; the message names `file`.
    ///
    /// # Examples
    ///
    /// ```
    /// let w = passiton::Weights::from_json(r#"{"sector": 2, "locality": 2, "experience": 0, "network": 0, "availability": 0}"#, "w.json")?;
    /// assert_eq!(w.sector, 0.5);
    /// # Ok::<(), passiton::Error>(())
    /// ```
    pub fn from_json(text: &str, file: &str) -> Result<Weights> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::Argument(format!("{file}: not valid JSON: {e}")))?;
        let object = value.as_object().ok_or_else(|| Error::Argument(format!("{file}: expected a JSON object")))?;
        let mut weights = Weights::default();
        for (key, value) in object {
            let slot = match key.as_str() {
                "sector" => &mut weights.sector,
                "locality" => &mut weights.locality,
                "experience" => &mut weights.experience,
                "network" => &mut weights.network,
                "availability" => &mut weights.availability,
                _ => {
                    return Err(Error::Argument(format!(
                        "{file}: unknown key {key:?} (expected sector, locality, experience, network, availability)"
                    )));
                }
            };
            *slot = value
                .as_f64()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| Error::Argument(format!("{file}: {key} must be a non-negative number, not {value}")))?;
        }
        weights.normalised().map_err(|e| Error::Argument(format!("{file}: {e}")))
    }
}

/// What scoring reads of a helper: the fields of their [`Person`] and their
/// employer that a score depends on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HelperView<'a> {
    /// Sectors worked in, sorted.
    pub sectors: &'a [SicIdx],
    /// Experience tags (a mentor's consented experiences, a coach's specialisms), sorted.
    pub tags: &'a [TagIdx],
    /// The employer's sectors when it has vacancies; empty otherwise.
    pub hiring_sectors: &'a [SicIdx],
    /// Local area.
    pub area: crate::geo::AreaIdx,
    /// Weekly slots.
    pub availability: crate::model::Slots,
}

impl<'a> HelperView<'a> {
    /// The view of `helper` in `data`.
    pub fn of(data: &'a Dataset, helper: &'a Person) -> HelperView<'a> {
        let hiring_sectors = match helper.employer.map(|e| data.employer(e)) {
            Some(e) if e.vacancies > 0 => e.sectors.as_slice(),
            _ => &[],
        };
        HelperView {
            sectors: &helper.sectors,
            tags: if helper.role == Role::Coach { &helper.specialisms } else { &helper.experiences },
            hiring_sectors,
            area: helper.area,
            availability: helper.availability,
        }
    }
}

/// The five components of a score, each in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Components {
    /// Sector closeness.
    pub sector: f64,
    /// Locality.
    pub locality: f64,
    /// Shared lived experience.
    pub experience: f64,
    /// Network closeness.
    pub network: f64,
    /// Availability overlap.
    pub availability: f64,
}

impl Components {
    /// The components as an array in [`Weights::NAMES`] order.
    pub fn as_array(&self) -> [f64; 5] {
        [self.sector, self.locality, self.experience, self.network, self.availability]
    }

    /// The weighted sum.
    pub fn total(&self, weights: &Weights) -> f64 {
        // A fixed order of additions, so the same components always give the same bits.
        self.as_array().iter().zip(weights.as_array()).fold(0.0, |acc, (c, w)| acc + c * w)
    }
}

/// A scored pair: jobseeker, candidate helper, score and its parts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// The jobseeker.
    pub jobseeker: PersonIdx,
    /// The mentor or coach.
    pub candidate: PersonIdx,
    /// Weighted sum of the components, in [0, 1].
    pub score: f64,
    /// The components.
    pub components: Components,
    /// Great-circle distance in km.
    pub km: f64,
}

/// The rank of every person's id in sorted id order.
pub fn id_ranks(data: &Dataset) -> Vec<u32> {
    let mut order: Vec<u32> = (0..data.people.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| data.people[a as usize].id.cmp(&data.people[b as usize].id));
    let mut rank = vec![0; order.len()];
    for (r, &p) in order.iter().enumerate() {
        rank[p as usize] = r as u32;
    }
    rank
}

/// Sector similarity by the level of the deepest shared ancestor.
fn level_value(level: SicLevel) -> f64 {
    match level {
        SicLevel::Subclass | SicLevel::Class => 1.0,
        SicLevel::Group => 0.75,
        SicLevel::Division => 0.5,
        SicLevel::Section => 0.25,
    }
}

/// How well a helper's sector `have` serves a wanted sector `want`, and the
/// code that names what they share (for explanations).
pub fn sector_similarity(taxonomy: &Taxonomy, want: SicIdx, have: SicIdx) -> (f64, Option<SicIdx>) {
    if taxonomy.is_within(have, want) {
        return (1.0, Some(have));
    }
    match taxonomy.common_level(want, have) {
        Some(level) => (level_value(level), taxonomy.ancestor_at(want, level)),
        None => (0.0, None),
    }
}

/// The best sector similarity between two lists, with the shared code.
/// Ties go to the first pair in sorted order, so the named code is stable.
pub fn best_sector_match(taxonomy: &Taxonomy, wants: &[SicIdx], haves: &[SicIdx]) -> (f64, Option<SicIdx>) {
    let mut best = (0.0, None);
    for &want in wants {
        for &have in haves {
            let candidate = sector_similarity(taxonomy, want, have);
            if candidate.0 > best.0 {
                best = candidate;
            }
        }
    }
    best
}

/// The value of the better of the two directions of [`best_sector_match`]
/// between two lists (`a` wanting `b`'s codes, or `b` wanting `a`'s), in
/// one pass and without naming the code: a pair scores 1 when either code
/// lies within the other, else by the level of their deepest shared
/// ancestor.
pub fn best_sector_match_either_way(taxonomy: &Taxonomy, a: &[SicIdx], b: &[SicIdx]) -> f64 {
    let mut best: f64 = 0.0;
    for &x in a {
        for &y in b {
            let value = if taxonomy.is_within(x, y) || taxonomy.is_within(y, x) {
                1.0
            } else {
                taxonomy.common_level(x, y).map_or(0.0, level_value)
            };
            best = best.max(value);
        }
    }
    best
}

/// Locality from distance and whether the two share an area.
pub fn locality(km: f64, same_area: bool) -> f64 {
    LOCALITY_DISTANCE_SHARE * (-km / LOCALITY_HALF_KM).exp2()
        + if same_area { 1.0 - LOCALITY_DISTANCE_SHARE } else { 0.0 }
}

/// Everything scoring needs beyond the two people: weights, tag rarity,
/// the tie lists and which employers are hiring.
///
/// Built once per dataset; shared read-only by every parallel worker.
#[derive(Clone, Debug)]
pub struct ScoreContext<'a> {
    /// The dataset scored.
    pub data: &'a Dataset,
    /// Normalised weights.
    pub weights: Weights,
    /// Inverse document frequency of each experience tag, `ln(1 + N / n_t)`.
    pub tag_weight: Vec<f64>,
    /// The rank of each person's id in sorted id order: ties in score are
    /// broken by id, and comparing ranks is cheaper than comparing strings.
    pub id_rank: Vec<u32>,
    /// Each person's ties to other people as (id rank, person, strength),
    /// strongest tie per pair, sorted by id rank so that products over them
    /// never depend on row order.
    pub ties: Vec<Vec<(u32, PersonIdx, f64)>>,
}

impl<'a> ScoreContext<'a> {
    /// Prepares scoring for `data` with `weights` (normalised here).
    ///
    /// # Errors
    ///
    /// Invalid weights (see [`Weights::normalised`]).
    pub fn new(data: &'a Dataset, weights: Weights) -> Result<ScoreContext<'a>> {
        let weights = weights.normalised()?;
        let consented = data.people.iter().filter(|p| p.consent).count();
        let mut holders = vec![0usize; data.experience_tags.len()];
        for person in &data.people {
            for tag in &person.experiences {
                holders[usize::from(tag.0)] += 1;
            }
        }
        let tag_weight =
            holders
                .iter()
                .map(|&n| {
                    if n == 0 { (1.0 + consented.max(1) as f64).ln() } else { (1.0 + consented as f64 / n as f64).ln() }
                })
                .collect();
        let mut strongest: HashMap<(PersonIdx, PersonIdx), f64> = HashMap::new();
        let mut add = |a: PersonIdx, b: PersonIdx, s: f64| {
            let slot = strongest.entry((a.min(b), a.max(b))).or_insert(0.0);
            *slot = slot.max(s);
        };
        for c in &data.connections {
            add(c.a, c.b, c.strength);
        }
        for o in &data.outcomes {
            add(o.mentee, o.mentor, crate::graph::MENTORING_STRENGTH);
        }
        let id_rank = id_ranks(data);
        let mut ties = vec![Vec::new(); data.people.len()];
        for (&(a, b), &s) in &strongest {
            ties[a.0 as usize].push((id_rank[b.0 as usize], b, s));
            ties[b.0 as usize].push((id_rank[a.0 as usize], a, s));
        }
        for list in &mut ties {
            list.sort_by_key(|&(rank, _, _)| rank);
        }
        Ok(ScoreContext { data, weights, tag_weight, id_rank, ties })
    }

    /// The direct tie strength between two people, if any.
    pub fn tie(&self, a: PersonIdx, b: PersonIdx) -> Option<f64> {
        let list = &self.ties[a.0 as usize];
        let rank = self.id_rank[b.0 as usize];
        list.binary_search_by_key(&rank, |&(r, _, _)| r).ok().map(|i| list[i].2)
    }

    /// Mutual contacts of two people: (contact, strength to a, strength to b), in id order.
    pub fn mutual_contacts(&self, a: PersonIdx, b: PersonIdx) -> Vec<(PersonIdx, f64, f64)> {
        let mut out = Vec::new();
        self.for_each_mutual_contact(a, b, |contact, sa, sb| out.push((contact, sa, sb)));
        out
    }

    /// Calls `f` with each mutual contact of two people, as
    /// [`ScoreContext::mutual_contacts`] lists them, without collecting them.
    fn for_each_mutual_contact(&self, a: PersonIdx, b: PersonIdx, mut f: impl FnMut(PersonIdx, f64, f64)) {
        let (xs, ys) = (&self.ties[a.0 as usize], &self.ties[b.0 as usize]);
        let (mut i, mut j) = (0, 0);
        while i < xs.len() && j < ys.len() {
            match xs[i].0.cmp(&ys[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    f(xs[i].1, xs[i].2, ys[j].2);
                    i += 1;
                    j += 1;
                }
            }
        }
    }

    /// Network closeness of two people through their ties, in [0, 1].
    pub fn closeness(&self, a: PersonIdx, b: PersonIdx) -> f64 {
        let mut miss = 1.0 - self.tie(a, b).unwrap_or(0.0);
        self.for_each_mutual_contact(a, b, |_, sa, sb| miss *= 1.0 - sa * sb);
        1.0 - miss
    }

    fn hiring_at(&self, jobseeker: &Person, employer: Option<EmployerIdx>) -> (f64, Option<SicIdx>) {
        match employer.map(|e| self.data.employer(e)) {
            Some(e) if e.vacancies > 0 => best_sector_match(&self.data.taxonomy, &jobseeker.sectors, &e.sectors),
            _ => (0.0, None),
        }
    }

    /// The share of the jobseeker's experience weight that `matched` covers.
    fn experience_share(&self, theirs: &[TagIdx], matched: impl Iterator<Item = TagIdx>) -> f64 {
        let total = theirs.iter().fold(0.0, |acc, t| acc + self.tag_weight[usize::from(t.0)]);
        if total <= 0.0 {
            return 0.0;
        }
        // Folding from +0.0: an empty `sum` of floats is -0.0, which would print as "-0.0000".
        let shared = matched.fold(0.0, |acc, t| acc + self.tag_weight[usize::from(t.0)]);
        (shared / total).min(1.0)
    }

    /// The tags of the jobseeker that the helper meets: shared experiences for
    /// a mentor, specialisms for a coach.
    pub fn shared_tags(&self, jobseeker: &Person, helper: &Person) -> Vec<TagIdx> {
        let theirs = if helper.role == Role::Coach { &helper.specialisms } else { &helper.experiences };
        jobseeker.experiences.iter().copied().filter(|t| theirs.binary_search(t).is_ok()).collect()
    }

    /// Scores a jobseeker with a helper, hard rules aside (see [`crate::candidates`](mod@crate::candidates)).
    pub fn score(&self, jobseeker: PersonIdx, candidate: PersonIdx) -> Scored {
        let (j, c) = (self.data.person(jobseeker), self.data.person(candidate));
        let km = great_circle_km(j.lat, j.lon, c.lat, c.lon);
        let view = HelperView::of(self.data, c);
        let components = self.components(j, &view, km, self.closeness(jobseeker, candidate));
        Scored { jobseeker, candidate, score: components.total(&self.weights), components, km }
    }

    /// The components of a jobseeker with a helper seen through `view`, at
    /// `km` apart with network `closeness`.
    ///
    /// Every score in passiton comes from here, whether the helper's fields
    /// are read from the dataset ([`ScoreContext::score`]) or from the
    /// candidate search's packed copy of them, so both give the same bits.
    pub(crate) fn components(&self, j: &Person, view: &HelperView<'_>, km: f64, closeness: f64) -> Components {
        let taxonomy = &self.data.taxonomy;
        let shared = j.experiences.iter().copied().filter(|t| view.tags.binary_search(t).is_ok());
        let hiring = best_sector_match(taxonomy, &j.sectors, view.hiring_sectors).0;
        let slots = j.availability.intersection(view.availability).len();
        let smaller = j.availability.len().min(view.availability.len());
        Components {
            sector: best_sector_match(taxonomy, &j.sectors, view.sectors).0,
            locality: locality(km, j.area == view.area),
            experience: self.experience_share(&j.experiences, shared),
            network: 1.0 - (1.0 - closeness) * (1.0 - hiring),
            availability: if smaller == 0 { 0.0 } else { f64::from(slots) / f64::from(smaller) },
        }
    }

    /// The one-line explanation of a scored pair: its strongest reasons first.
    pub fn explain(&self, scored: &Scored) -> String {
        let data = self.data;
        let (j, c) = (data.person(scored.jobseeker), data.person(scored.candidate));
        let weights = self.weights.as_array();
        let parts = scored.components.as_array();
        let mut order: Vec<usize> = (0..5).filter(|&i| parts[i] > 0.0).collect();
        order.sort_by(|&a, &b| (parts[b] * weights[b]).total_cmp(&(parts[a] * weights[a])).then(a.cmp(&b)));
        let mut reasons: Vec<String> = Vec::new();
        for i in order {
            let reason = match i {
                0 => {
                    let (_, code) = best_sector_match(&data.taxonomy, &j.sectors, &c.sectors);
                    code.map(|code| format!("both in {}", sector_words(&data.taxonomy, code)))
                }
                1 => Some(distance_words(scored.km, j, c, data)),
                2 => {
                    let tags: Vec<&str> = self
                        .shared_tags(j, c)
                        .iter()
                        .map(|t| data.experience_tags[usize::from(t.0)].as_str())
                        .collect();
                    (!tags.is_empty()).then(|| match c.role {
                        Role::Coach => {
                            let groups: Vec<String> = tags.iter().map(|t| tag_phrases(t).1).collect();
                            format!("specialises in supporting {}", join_words(&groups))
                        }
                        _ => {
                            let both: Vec<String> = tags.iter().map(|t| tag_phrases(t).0).collect();
                            format!("both {}", join_words(&both))
                        }
                    })
                }
                3 => Some(self.network_words(j, c, scored)),
                _ => {
                    let shared = j.availability.intersection(c.availability).len();
                    Some(format!("{shared} shared time{} a week", if shared == 1 { "" } else { "s" }))
                }
            };
            reasons.extend(reason);
        }
        // The strongest few say why; a longer list would bury them.
        reasons.truncate(MAX_REASONS);
        if reasons.is_empty() {
            "within reach, with a shared language and time".to_string()
        } else {
            reasons.join("; ")
        }
    }

    fn network_words(&self, j: &Person, c: &Person, scored: &Scored) -> String {
        let mut words = Vec::new();
        if self.tie(scored.jobseeker, scored.candidate).is_some() {
            words.push("already know each other".to_string());
        }
        let mutual = self.mutual_contacts(scored.jobseeker, scored.candidate).len();
        if mutual > 0 {
            words.push(format!("{mutual} mutual contact{}", if mutual == 1 { "" } else { "s" }));
        }
        if let (hiring, Some(code)) = self.hiring_at(j, c.employer) {
            if hiring > 0.0 {
                let employer = c.employer.map(|e| self.data.employer(e).name.as_str()).unwrap_or_default();
                words.push(format!("works at {employer}, hiring in {}", sector_words(&self.data.taxonomy, code)));
            }
        }
        words.join("; ")
    }
}

/// A sector's title in running text: the division's title for finer codes
/// (class titles are long and technical), lower-case first letter.
fn sector_words(taxonomy: &Taxonomy, code: SicIdx) -> String {
    let code = taxonomy.ancestor_at(code, SicLevel::Division).unwrap_or(code);
    let title = &taxonomy.node(code).description;
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => taxonomy.node(code).code.clone(),
    }
}

/// How a lived-experience tag reads after "both …" and after "supporting …".
///
/// The tags SPEC.md names have natural phrases; any other tag is shown as its
/// words (`first_generation` → "first generation").
fn tag_phrases(tag: &str) -> (String, String) {
    let (both, group) = match tag {
        "disability" => ("disabled", "disabled people"),
        "mental_health" => ("living with mental health conditions", "people with mental health conditions"),
        "care_leaver" => ("care leavers", "care leavers"),
        "prison_leaver" => ("prison leavers", "prison leavers"),
        "lone_parent" => ("lone parents", "lone parents"),
        "carer" => ("carers", "carers"),
        "long_term_unemployed" => ("long-term unemployed", "long-term unemployed people"),
        "esol" => ("learning English", "people learning English"),
        "veteran" => ("veterans", "veterans"),
        "over_50" => ("over 50", "people over 50"),
        "young_person" => ("young people", "young people"),
        other => {
            let words = other.replace(['_', '-'], " ");
            return (format!("share lived experience of {words}"), format!("people with lived experience of {words}"));
        }
    };
    (both.to_string(), group.to_string())
}

/// A sector's title in running text, as explanations show it ("human
/// health activities"): the division's title for finer codes.
pub fn sector_title(taxonomy: &Taxonomy, code: SicIdx) -> String {
    sector_words(taxonomy, code)
}

/// How a lived-experience tag reads after "both …" ("carers", "care leavers").
pub fn experience_phrase(tag: &str) -> String {
    tag_phrases(tag).0
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn distance_words(km: f64, j: &Person, c: &Person, data: &Dataset) -> String {
    let beyond = km > j.max_km.min(c.max_km);
    if beyond {
        return format!("meet online ({km:.0} km apart)");
    }
    if j.area == c.area && km < 0.05 {
        format!("both in {}", data.areas.area(j.area).name)
    } else if j.area == c.area {
        format!("{km:.1} km apart, both in {}", data.areas.area(j.area).name)
    } else {
        format!("{km:.1} km apart")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sector_levels_follow_the_hierarchy() {
        let t = Taxonomy::uk_sic_2007();
        let idx = |c| t.lookup(c).unwrap();
        assert_eq!(sector_similarity(&t, idx("86.21"), idx("86210")).0, 1.0);
        assert_eq!(sector_similarity(&t, idx("Q"), idx("86.21")).0, 1.0, "a helper within the wanted section");
        assert_eq!(sector_similarity(&t, idx("86.21"), idx("86.22")).0, 0.75);
        assert_eq!(sector_similarity(&t, idx("86.21"), idx("86.10")).0, 0.5);
        assert_eq!(sector_similarity(&t, idx("86.21"), idx("87")).0, 0.25);
        assert_eq!(sector_similarity(&t, idx("86.21"), idx("Q")).0, 0.25, "a broad helper matches loosely");
        assert_eq!(sector_similarity(&t, idx("86.21"), idx("47")).0, 0.0);
    }

    #[test]
    fn either_way_is_the_better_of_both_directions() {
        let t = Taxonomy::uk_sic_2007();
        let levels = [SicLevel::Section, SicLevel::Division, SicLevel::Group, SicLevel::Class, SicLevel::Subclass];
        let codes: Vec<SicIdx> = levels.into_iter().flat_map(|level| t.codes_at(level)).collect();
        let both = |a: &[SicIdx], b: &[SicIdx]| best_sector_match(&t, a, b).0.max(best_sector_match(&t, b, a).0);
        // Every pair of single codes, at every level.
        for &x in &codes {
            for &y in &codes {
                assert_eq!(best_sector_match_either_way(&t, &[x], &[y]), both(&[x], &[y]));
            }
        }
        // Lists of several codes, spread over the hierarchy.
        for (i, window) in codes.windows(3).enumerate().step_by(7) {
            let other = [codes[(i * 31) % codes.len()], codes[(i * 97 + 5) % codes.len()]];
            assert_eq!(best_sector_match_either_way(&t, window, &other), both(window, &other));
            assert_eq!(best_sector_match_either_way(&t, &[], &other), 0.0);
        }
    }

    #[test]
    fn locality_decays_and_rewards_the_same_area() {
        assert_eq!(locality(0.0, true), 1.0);
        assert!((locality(10.0, false) - 0.375).abs() < 1e-12);
        assert!(locality(5.0, true) > locality(5.0, false));
        assert!(locality(200.0, false) < 0.001);
    }

    #[test]
    fn weights_are_validated_and_normalised() {
        assert!((Weights::default().normalised().unwrap().as_array().iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(Weights::from_json(r#"{"sector": -1}"#, "w.json").unwrap_err().to_string().contains("w.json"));
        assert!(Weights::from_json(r#"{"colour": 1}"#, "w.json").unwrap_err().to_string().contains("unknown key"));
        assert!(Weights::from_json("[1]", "w.json").is_err());
        let zero = r#"{"sector":0,"locality":0,"experience":0,"network":0,"availability":0}"#;
        assert!(Weights::from_json(zero, "w.json").is_err());
    }

    #[test]
    fn words_read_naturally() {
        assert_eq!(join_words(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        assert_eq!(tag_phrases("care_leaver").0, "care leavers");
        assert_eq!(tag_phrases("first_generation").1, "people with lived experience of first generation");
    }
}
