//! Random small populations for property tests, built directly as a
//! [`Dataset`] so every field can take awkward values.
#![allow(dead_code)]

use passiton::{
    Areas, Connection, ConnectionKind, Dataset, Employer, EmployerIdx, Exclusion, Language, Person, PersonIdx, Role,
    SkillIdx, Slots, TagIdx, Taxonomy,
};
use proptest::prelude::*;

const CODES: [&str; 8] = ["Q", "86", "86.21", "86.22", "87.10", "47.11", "47", "62.01"];
const TAGS: [&str; 4] = ["care_leaver", "carer", "disability", "veteran"];

/// A random person, as plain numbers, turned into a `Person` by [`build`].
#[derive(Clone, Debug)]
pub struct Spec {
    role: u8,
    dlat: f64,
    dlon: f64,
    area: u16,
    sectors: Vec<usize>,
    tags: Vec<usize>,
    consent: bool,
    languages: u8,
    slots: u32,
    remote: bool,
    max_km: f64,
    capacity: u32,
    employer: Option<u8>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (0u8..3, -0.3f64..0.3, -0.5f64..0.5, 0u16..3, prop::collection::vec(0..CODES.len(), 0..3)),
        (prop::collection::vec(0..TAGS.len(), 0..3), any::<bool>(), 1u8..4, 1u32..64, any::<bool>()),
        (1.0f64..40.0, 0u32..3, prop::option::of(0u8..3)),
    )
        .prop_map(
            |(
                (role, dlat, dlon, area, sectors),
                (tags, consent, languages, slots, remote),
                (max_km, capacity, employer),
            )| Spec {
                role,
                dlat,
                dlon,
                area,
                sectors,
                tags,
                consent,
                languages,
                slots,
                remote,
                max_km,
                capacity,
                employer,
            },
        )
}

pub fn build(specs: &[Spec], ties: &[(usize, usize, u8)], excluded: &[(usize, usize)], vacancies: [u32; 3]) -> Dataset {
    let taxonomy = Taxonomy::uk_sic_2007();
    let areas = Areas::uk_2025();
    let area_codes = ["E08000003", "E08000007", "E08000009"];
    let mut data = Dataset::empty(taxonomy, areas);
    data.experience_tags = TAGS.iter().map(|t| t.to_string()).collect();
    for (e, &v) in vacancies.iter().enumerate() {
        data.employers.push(Employer {
            id: format!("e{e}"),
            name: format!("Employer {e}"),
            sectors: vec![data.taxonomy.lookup(CODES[e * 2 + 1]).unwrap()],
            area: data.areas.lookup(area_codes[e]).unwrap(),
            lat: 53.4,
            lon: -2.2,
            vacancies: v,
        });
    }
    for (i, s) in specs.iter().enumerate() {
        let role = [Role::Jobseeker, Role::Mentor, Role::Coach][usize::from(s.role)];
        let mut sectors: Vec<_> = s.sectors.iter().map(|&c| data.taxonomy.lookup(CODES[c]).unwrap()).collect();
        sectors.sort();
        sectors.dedup();
        let mut tags: Vec<TagIdx> = s.tags.iter().map(|&t| TagIdx(t as u16)).collect();
        tags.sort();
        tags.dedup();
        let languages: Vec<Language> = [("cy", 1), ("en", 2), ("pl", 4)]
            .iter()
            .filter(|(_, bit)| s.languages & bit != 0)
            .map(|(code, _)| Language::parse(code).unwrap())
            .collect();
        // Slots spread over the week from a 6-bit pattern.
        let availability = Slots((0..6).filter(|b| s.slots & (1 << b) != 0).fold(0, |acc, b| acc | 1 << (b * 3)));
        data.people.push(Person {
            id: format!("p{:02}", (i * 7) % 100),
            role,
            area: data.areas.lookup(area_codes[usize::from(s.area)]).unwrap(),
            lat: 53.45 + s.dlat,
            lon: -2.25 + s.dlon,
            sectors,
            skills: vec![SkillIdx(0)],
            experiences: if s.consent { if role == Role::Coach { vec![] } else { tags.clone() } } else { vec![] },
            consent: s.consent,
            languages: if languages.is_empty() { vec![Language::ENGLISH] } else { languages },
            availability,
            remote: s.remote,
            max_km: s.max_km,
            capacity: if role == Role::Jobseeker { 0 } else { s.capacity },
            employer: if role == Role::Mentor { s.employer.map(|e| EmployerIdx(u32::from(e))) } else { None },
            specialisms: if role == Role::Coach { tags } else { vec![] },
            pass_it_on: false,
        });
    }
    data.skill_tags = vec!["any".to_string()];
    let n = specs.len();
    let kinds = [ConnectionKind::Knows, ConnectionKind::WorkedWith, ConnectionKind::Peer];
    let mut seen = std::collections::BTreeSet::new();
    for &(a, b, k) in ties {
        let (a, b) = (a % n, b % n);
        if a != b && seen.insert((a.min(b), a.max(b))) {
            data.connections.push(Connection {
                a: PersonIdx(a.min(b) as u32),
                b: PersonIdx(a.max(b) as u32),
                kind: kinds[usize::from(k % 3)],
                strength: 0.2 + f64::from(k % 5) * 0.2,
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for &(a, b) in excluded {
        let (a, b) = (a % n, b % n);
        if a != b && seen.insert((a.min(b), a.max(b))) {
            data.exclusions.push(Exclusion {
                a: PersonIdx(a.min(b) as u32),
                b: PersonIdx(a.max(b) as u32),
                reason: String::new(),
            });
        }
    }
    data
}

pub fn population() -> impl Strategy<Value = Dataset> {
    (
        prop::collection::vec(spec(), 2..60),
        prop::collection::vec((0usize..60, 0usize..60, any::<u8>()), 0..60),
        prop::collection::vec((0usize..60, 0usize..60), 0..10),
        [0u32..3, 0u32..3, 0u32..3],
    )
        .prop_map(|(specs, ties, excluded, vacancies)| build(&specs, &ties, &excluded, vacancies))
}

/// As [`population`], with at most `max_people` people: small enough for
/// brute-force oracles that enumerate pairings.
pub fn population_up_to(max_people: usize) -> impl Strategy<Value = Dataset> {
    (
        prop::collection::vec(spec(), 2..max_people.max(3)),
        prop::collection::vec((0usize..60, 0usize..60, any::<u8>()), 0..20),
        prop::collection::vec((0usize..60, 0usize..60), 0..6),
        [0u32..3, 0u32..3, 0u32..3],
    )
        .prop_map(|(specs, ties, excluded, vacancies)| build(&specs, &ties, &excluded, vacancies))
}

/// The population [`passiton::generate`] writes for `config`, read back.
pub fn generated(config: &passiton::GenerateConfig) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    passiton::generate(config, &dir.path().join("data"), false).unwrap();
    passiton::read_dataset(&dir.path().join("data")).unwrap()
}
