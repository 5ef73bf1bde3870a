//! Seeded synthetic populations in the data-directory format.
//!
//! [`generate`] writes a whole data directory (`people.csv`, `employers.csv`,
//! `connections.csv`, `exclusions.csv`, `preferences.csv`, `outcomes.csv`)
//! for a [`GenerateConfig`]: how many jobseekers, mentors, coaches and
//! employers, a seed, and optionally one ONS region or nation. The same
//! config always gives byte-identical files, whatever the number of threads.
//!
//! # How the population is made
//!
//! **Geography.** A home is placed in three steps. First a local area (ONS
//! LAD) is drawn: each region or nation gets its published population, and
//! shares it among its areas by their live postcode units (`postcodes` in
//! `data/areas.csv`, the bundled density proxy; people per postcode differ
//! too much between regions, London above all, to use postcodes alone).
//! GeoNames populations are not used for this step because they overlap
//! (`London` sits beside its own boroughs and would count twice); postcodes
//! count every address once. Northern Ireland has no postcode counts in the
//! bundled data, so its 11 districts share its population equally. Second,
//! a town is drawn within that area, weighted by its GeoNames population;
//! there the overlap is harmless, since `London` lies in one borough and
//! only competes with that borough's other entries. The 23 areas with no
//! town of 15,000 people use their centroid instead. Third, the point is
//! jittered by a random offset whose distance is uniform up to a radius
//! that grows with the town (see the table), and the person's `area` is the
//! town's area (a jittered point may in truth lie just over a boundary; the
//! bundled data has no boundaries to check against).
//!
//! **Sectors** come from the real SIC 2007 table: a section is drawn by an
//! employment weight, then a class within it uniformly, then written as the
//! class, one of its subclasses or its group. Jobseekers want one to three
//! codes, sometimes a whole section or division; further codes are usually
//! siblings in the same division. Employers have a main code and sometimes
//! a sibling; employed mentors take their employer's main code and sometimes
//! a sibling; coaches list broad codes (sections and divisions).
//!
//! **Employers** are placed like homes. Their size band follows the UK
//! business population; vacancies follow the vacancy ratio. Mentors work
//! for an employer in their own area when there is one (drawn by size), or
//! else in the nearest area with one within `FALLBACK_KM`.
//!
//! **Connections** form a small world. Everyone in the same town (or the
//! same centroid-placed area) is put on a ring in random order and knows
//! the next `RING_NEIGHBOURS` people on each side (a Watts–Strogatz
//! lattice); each of those ties is rewired with probability `REWIRE` to
//! anyone in the population, which gives the short long-range paths.
//! Colleagues at one employer have strong `worked_with` ties (all pairs up
//! to `CLIQUE_MAX` mentors, a ring of two each side above that); some
//! jobseekers once worked with a mentor employed in their area; some
//! jobseekers are peers of another jobseeker in their town; and every
//! mentoring relationship that got as far as a meeting in `outcomes.csv` is
//! a `mentored` tie.
//!
//! **Relations.** Preferences rank one to three helpers (mentors and
//! coaches) of the jobseeker's own area, or the nearest area with any,
//! nearest first. Outcomes tell a short history: a first meeting (or a no
//! show), maybe a job start some weeks later with a local employer in a
//! wanted sector, maybe the job sustained 26 weeks on; records that would
//! fall after 2025-12-31 have not happened yet and are left out. Some
//! mentors are alumni with their own history, ending in their current job.
//!
//! # Rates
//!
//! *Published* rates give the figure and its source. *Illustrative* rates
//! are plausible choices made for this generator, not measurements; they
//! are the constants named here, so a study that needs other values can
//! see exactly what it would change.
//!
//! | what | rate | basis |
//! |---|---|---|
//! | region of a home, employer (`REGION_POPULATION`) | ∝ population, millions: North East 2.68, North West 7.52, Yorkshire and The Humber 5.54, East Midlands 4.93, West Midlands 6.02, East of England 6.40, London 8.87, South East 9.38, South West 5.76, Wales 3.13, Scotland 5.45, Northern Ireland 1.91 | published: ONS mid-2022 population estimates (rounded to 10,000) |
//! | area within a region | ∝ live postcode units per area; Northern Ireland's 11 districts equal | postcodes published (ONS postcode directory, see `data/README.md`) but only a density proxy; equal split illustrative |
//! | town within an area | ∝ GeoNames population | published: GeoNames (relative weights only) |
//! | jitter radius (`JITTER_KM`) | 2.5 km (town < 50k), 4 km (< 200k), 6 km (< 1M), 10 km (larger); 8 km around an area centroid | illustrative |
//! | section of a sector (`SECTION_WEIGHTS`) | health 13.5%, retail 13.5%, professional 8.5%, administrative 8.5%, education 8.5%, manufacturing 7.5%, hospitality 7.5%, construction 6.5%, … | illustrative, shaped like UK jobs by industry (the bundled data has no employment table) |
//! | level of a specific code (`CODE_LEVEL`) | class 50%, subclass 40%, group 10% | illustrative |
//! | jobseeker sectors (`JOBSEEKER_SECTOR_COUNT`) | 1: 45%, 2: 35%, 3: 20%; first code a whole section 5%, a division 10% (`BROAD_WANT`); later codes a sibling in the same division 60% (`RELATED_WANT`) | illustrative |
//! | employer second sector (`EMPLOYER_SECOND_SECTOR`) | 25% | illustrative |
//! | mentor second sector (`MENTOR_SECOND_SECTOR`) | 30% | illustrative |
//! | coach sectors | 1–3 codes, section 60%, division 40% (`COACH_SECTION`) | illustrative |
//! | employer size band (`SIZE_BANDS`) | 1–9: 89%, 10–49: 9%, 50–249: 1.6%, 250–2,999: 0.4% | illustrative, shaped like the DBT Business population estimates 2023 (5.51 million businesses of 0–49 employees, 36,900 of 50–249, 8,000 of 250 or more, most with no employees); the 2,999 cap is illustrative |
//! | vacancies per employee (`VACANCY_RATE`) | 0.03 (3 per 100 jobs) | published, rounded: about 900,000 vacancies (SPEC.md, ONS) over about 30 million employee jobs |
//! | mentors employed (`MENTOR_EMPLOYED`) | 85% (the rest between jobs, self-employed or retired) | illustrative |
//! | employer search radius (`FALLBACK_KM`) | 60 km between area centroids | illustrative |
//! | lived experience, jobseekers (`EXPERIENCE_RATES`) | disability 30%, mental_health 25%, long_term_unemployed 30%, lone_parent 10%, carer 8%, prison_leaver 4%, care_leaver 3%, veteran 3% | illustrative |
//! | age band (`YOUNG_PERSON`, `OVER_50`) | young_person 15%, over_50 25% (exclusive) | illustrative |
//! | experience rates of mentors, coaches (`MENTOR_EXPERIENCE_FACTOR`, `COACH_EXPERIENCE_FACTOR`) | 0.5×, 0.3× the jobseeker rates | illustrative |
//! | consent (`CONSENT`) | jobseekers 75%, mentors 85%, coaches 90% | illustrative |
//! | main language not English (`OTHER_LANGUAGE`) | 8.9% | published: Census 2021 (England and Wales), 91.1% had English (Welsh in Wales) as main language; applied UK-wide |
//! | which other language (`OTHER_LANGUAGES`) | pl 1.1, ro 0.8, pa 0.5, ur 0.5, pt 0.4, es 0.4, ar 0.4, bn 0.4, gu 0.3, it 0.3; so, lt, tr, fr, zh, ta 0.1–0.2 | first ten published, rounded (Census 2021, % of residents by main language); the rest illustrative |
//! | also lists English (`ALSO_ENGLISH`) | 80% of those with another main language | illustrative |
//! | Welsh in Wales (`WELSH_IN_WALES`) | 17.8% also list `cy` | published: Census 2021, 17.8% of Wales residents aged 3+ can speak Welsh |
//! | esol | jobseekers without English, and `ESOL_WITH_ENGLISH` = 25% of the rest with another main language | illustrative |
//! | availability (`SLOT_COUNT`) | jobseekers 3–8 slots (weekday daytime favoured), mentors 2–5 (evenings and weekends), coaches 6–10 (weekday daytime) | illustrative |
//! | remote (`REMOTE`) | jobseekers 40%, mentors 60%, coaches 50% | illustrative |
//! | max_km (`MAX_KM`) | jobseekers 5/10/15/25/40 km at 15/30/30/15/10%; mentors 10/15/25/40 at 25/35/25/15%; coaches 20/30/50 at 30/40/30% | illustrative (15 km is SPEC's default) |
//! | mentor capacity (`MENTOR_CAPACITY`) | 1: 70%, 2: 20%, 3: 10% | illustrative |
//! | coach capacity (`COACH_CAPACITY`) | uniform 80–120 | published: about 100 claimants per work coach (SPEC.md) |
//! | coach specialisms (`SPECIALISM_COUNT`, `SPECIALISM_WEIGHTS`) | none 20%, one 50%, two 30%; health (disability, mental_health) most common, then convictions, long-term unemployment, caring, young people | illustrative |
//! | pass_it_on (`PASS_IT_ON`) | 35% of jobseekers | illustrative |
//! | skills (`SKILL_COUNT`) | jobseekers 1–4, mentors 2–5, coaches 2–4; 60% tied to an own sector (`SECTOR_SKILL`) | illustrative |
//! | knows ring (`RING_NEIGHBOURS`, `REWIRE`) | 2 each side in a town, 10% rewired to anyone; strength 0.100–0.500 | illustrative (Watts–Strogatz small world) |
//! | colleagues (`CLIQUE_MAX`) | all pairs up to 5 mentors, else ring of 2 each side; strength 0.600–0.950 | illustrative |
//! | former colleague (`FORMER_COLLEAGUE`) | 10% of jobseekers; strength 0.300–0.700 | illustrative |
//! | peer (`PEER`) | 10% of jobseekers; strength 0.300–0.700 | illustrative |
//! | mentored | one per mentoring relationship that met; strength 0.500–1.000 | illustrative |
//! | preferences (`PREFERENCES`, `PREFERENCE_COUNT`) | 20% of jobseekers rank 1 (30%), 2 (30%) or 3 (40%) helpers | illustrative |
//! | exclusions (`EXCLUSION`) | 0.5% of jobseekers, with a local helper | illustrative |
//! | jobseeker history (`HISTORY`) | 15% of jobseekers; first record no_show 25% (`NO_SHOW`), else met; job_start 35% of meetings (`JOB_START`) 2–17 weeks later; sustained_job 60% of starts (`SUSTAINED`) 26 weeks later; employer named on 90% of job records (`JOB_EMPLOYER_KNOWN`) | illustrative (26 weeks is a common sustainment period in UK employment programmes) |
//! | mentor alumni (`ALUMNI`) | 20% of mentors: met, then job_start at their employer, then sustained_job | illustrative |
//! | outcome dates | uniform over 2023-01-01 to 2025-12-31 for first records | illustrative |
//!
//! # Determinism
//!
//! Randomness is ChaCha8 ([`rand_chacha::ChaCha8Rng`], value-stable across
//! releases), keyed by `seed_from_u64(seed)`. Every entity draws from its own
//! stream, numbered by what it is and its index (jobseeker 17, employer 3,
//! the town ring of place 12, ...), so work can be spread over threads and
//! still give the same bytes. Sampling is done here on top of `next_u64`
//! (integers by Lemire's multiply-shift with rejection, floats from 53 bits,
//! weighted choice by cumulative table and binary search), not with
//! `rand`'s distributions, which do not promise the same values across
//! releases; it uses only IEEE-exact arithmetic (`+ - * /`, `sqrt`), not
//! library transcendental functions, so the output is the same on every
//! platform. Streams are per role, so adding mentors does not change the
//! jobseekers' own rows (their connections and relations may change).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::geo::{Areas, Place, uk_places};
use crate::model::{DAYS, PARTS, Role};
use crate::taxonomy::{SicIdx, SicLevel, Taxonomy};

/// What to generate.
///
/// # Examples
///
/// ```
/// let config = passiton::generate::GenerateConfig {
///     jobseekers: 300,
///     mentors: 60,
///     coaches: 5,
///     employers: 20,
///     seed: 7,
///     region: Some("Wales".to_string()),
/// };
/// let dir = tempfile::tempdir()?;
/// let summary = passiton::generate::generate(&config, &dir.path().join("data"), false)?;
/// assert_eq!(summary.people, 365);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateConfig {
    /// Number of jobseekers (ids `js0000001` ...; at most 9,999,999).
    pub jobseekers: usize,
    /// Number of mentors (ids `m000001` ...; at most 999,999).
    pub mentors: usize,
    /// Number of coaches (ids `c00001` ...; at most 99,999).
    pub coaches: usize,
    /// Number of employers (ids `e000001` ...; at most 999,999).
    pub employers: usize,
    /// The seed: the same seed and counts give byte-identical files.
    pub seed: u64,
    /// Restrict everyone to one ONS region (`North West`, `London`, ...) or
    /// nation (`England`, `Wales`, `Scotland`, `Northern Ireland`); case is ignored.
    pub region: Option<String>,
}

/// How many rows [`generate`] wrote to each file (headers not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Rows of `people.csv`.
    pub people: usize,
    /// Rows of `employers.csv`.
    pub employers: usize,
    /// Rows of `connections.csv`.
    pub connections: usize,
    /// Rows of `exclusions.csv`.
    pub exclusions: usize,
    /// Rows of `preferences.csv`.
    pub preferences: usize,
    /// Rows of `outcomes.csv`.
    pub outcomes: usize,
}

/// Generates a synthetic population and writes it as a data directory at `out`.
///
/// The directory appears whole or not at all (see
/// [`crate::io::atomic::write_dir`]); an existing non-empty `out` is
/// replaced only if `overwrite` is set. Zero counts are fine: files then
/// hold just their header. Work is spread over the current rayon thread
/// pool; the bytes written do not depend on its size.
///
/// # Errors
///
/// [`Error::Argument`] if a count is too large for its ids (see the fields
/// of [`GenerateConfig`]), if `region` names no ONS region or nation, or if
/// `out` is a non-empty directory and `overwrite` is not set;
/// [`Error::Io`] if writing fails. Nothing is left at `out` on error.
///
/// # Complexity
///
/// Time and memory linear in the number of people, employers and rows
/// written, plus sorting the connections.
pub fn generate(config: &GenerateConfig, out: &Path, overwrite: bool) -> Result<GenerateSummary> {
    let population = Population::build(config)?;
    let summary = population.summary();
    crate::io::atomic::write_dir(out, overwrite, |dir| population.write(dir, out))?;
    Ok(summary)
}

// ---------------------------------------------------------------------------
// Rates. Each is documented in the module table above.

/// Population of each region and nation in millions (ONS mid-2022 estimates, rounded).
const REGION_POPULATION: [(&str, f64); 12] = [
    ("North East", 2.68),
    ("North West", 7.52),
    ("Yorkshire and The Humber", 5.54),
    ("East Midlands", 4.93),
    ("West Midlands", 6.02),
    ("East of England", 6.40),
    ("London", 8.87),
    ("South East", 9.38),
    ("South West", 5.76),
    ("Wales", 3.13),
    ("Scotland", 5.45),
    ("Northern Ireland", 1.91),
];
/// Jitter radius in km by town population: (population below, radius); the last is for larger towns.
const JITTER_KM: [(u32, f64); 4] = [(50_000, 2.5), (200_000, 4.0), (1_000_000, 6.0), (u32::MAX, 10.0)];
/// Jitter radius in km around the centroid of an area with no town.
const CENTROID_JITTER_KM: f64 = 8.0;
/// Employment weight of each SIC section (illustrative; per cent, need not sum to 100).
const SECTION_WEIGHTS: [(&str, f64); 21] = [
    ("A", 1.0),
    ("B", 0.2),
    ("C", 7.5),
    ("D", 0.5),
    ("E", 0.7),
    ("F", 6.5),
    ("G", 13.5),
    ("H", 5.0),
    ("I", 7.5),
    ("J", 4.5),
    ("K", 3.3),
    ("L", 1.7),
    ("M", 8.5),
    ("N", 8.5),
    ("O", 4.3),
    ("P", 8.5),
    ("Q", 13.5),
    ("R", 2.7),
    ("S", 2.3),
    ("T", 0.2),
    ("U", 0.05),
];
/// Level a specific sector code is written at: class, subclass, group.
const CODE_LEVEL: [(SicLevel, f64); 3] = [(SicLevel::Class, 0.5), (SicLevel::Subclass, 0.4), (SicLevel::Group, 0.1)];
/// How many sectors a jobseeker wants.
const JOBSEEKER_SECTOR_COUNT: [(usize, f64); 3] = [(1, 0.45), (2, 0.35), (3, 0.20)];
/// Chance a jobseeker's first sector is a whole section, then a whole division.
const BROAD_WANT: (f64, f64) = (0.05, 0.10);
/// Chance a jobseeker's further sector is a sibling of the first in the same division.
const RELATED_WANT: f64 = 0.6;
/// Chance an employer has a second, sibling sector.
const EMPLOYER_SECOND_SECTOR: f64 = 0.25;
/// Chance a mentor lists a second, sibling sector.
const MENTOR_SECOND_SECTOR: f64 = 0.30;
/// Chance a coach's sector code is a section rather than a division.
const COACH_SECTION: f64 = 0.6;
/// Employer size bands: (smallest, largest, share), after the UK business population.
const SIZE_BANDS: [(u32, u32, f64); 4] = [(1, 9, 0.89), (10, 49, 0.09), (50, 249, 0.016), (250, 2_999, 0.004)];
/// Vacancies per employee.
const VACANCY_RATE: f64 = 0.03;
/// Chance a mentor has an employer.
const MENTOR_EMPLOYED: f64 = 0.85;
/// Furthest, between area centroids, that an employer or helper is looked for outside one's own area.
const FALLBACK_KM: f64 = 60.0;
/// Jobseekers' lived-experience rates, by tag (age bands and esol are separate).
const EXPERIENCE_RATES: [(&str, f64); 8] = [
    ("disability", 0.30),
    ("mental_health", 0.25),
    ("long_term_unemployed", 0.30),
    ("lone_parent", 0.10),
    ("carer", 0.08),
    ("prison_leaver", 0.04),
    ("care_leaver", 0.03),
    ("veteran", 0.03),
];
/// Share of jobseekers aged 16 to 24.
const YOUNG_PERSON: f64 = 0.15;
/// Share of jobseekers aged over 50.
const OVER_50: f64 = 0.25;
/// Mentors' experience rates relative to jobseekers'.
const MENTOR_EXPERIENCE_FACTOR: f64 = 0.5;
/// Coaches' experience rates relative to jobseekers'.
const COACH_EXPERIENCE_FACTOR: f64 = 0.3;
/// Chance of consent to use experiences: jobseekers, mentors, coaches.
const CONSENT: [f64; 3] = [0.75, 0.85, 0.90];
/// Share whose main language is not English (Census 2021, England and Wales).
const OTHER_LANGUAGE: f64 = 0.089;
/// Other main languages and their weights (per cent of residents, Census 2021; the last six illustrative).
const OTHER_LANGUAGES: [(&str, f64); 16] = [
    ("pl", 1.1),
    ("ro", 0.8),
    ("pa", 0.5),
    ("ur", 0.5),
    ("pt", 0.4),
    ("es", 0.4),
    ("ar", 0.4),
    ("bn", 0.4),
    ("gu", 0.3),
    ("it", 0.3),
    ("so", 0.2),
    ("lt", 0.2),
    ("tr", 0.1),
    ("fr", 0.2),
    ("zh", 0.2),
    ("ta", 0.1),
];
/// Chance someone with another main language also lists English.
const ALSO_ENGLISH: f64 = 0.8;
/// Share of people in Wales who also list Welsh (Census 2021).
const WELSH_IN_WALES: f64 = 0.178;
/// Chance a jobseeker with another main language who lists English is still tagged `esol`.
const ESOL_WITH_ENGLISH: f64 = 0.25;
/// Weekly slots: inclusive (fewest, most) for jobseekers, mentors, coaches.
const SLOT_COUNT: [(u64, u64); 3] = [(3, 8), (2, 5), (6, 10)];
/// Chance meeting online is fine: jobseekers, mentors, coaches.
const REMOTE: [f64; 3] = [0.40, 0.60, 0.50];
/// Travel limits in km and their shares: jobseekers, mentors, coaches.
const MAX_KM: [&[(u8, f64)]; 3] = [
    &[(5, 0.15), (10, 0.30), (15, 0.30), (25, 0.15), (40, 0.10)],
    &[(10, 0.25), (15, 0.35), (25, 0.25), (40, 0.15)],
    &[(20, 0.30), (30, 0.40), (50, 0.30)],
];
/// Mentor capacity and its shares.
const MENTOR_CAPACITY: [(u8, f64); 3] = [(1, 0.7), (2, 0.2), (3, 0.1)];
/// Coach capacity, inclusive range.
const COACH_CAPACITY: (u64, u64) = (80, 120);
/// How many specialisms a coach has.
const SPECIALISM_COUNT: [(usize, f64); 3] = [(0, 0.2), (1, 0.5), (2, 0.3)];
/// Weights of coach specialisms.
const SPECIALISM_WEIGHTS: [(&str, f64); 11] = [
    ("disability", 3.0),
    ("mental_health", 3.0),
    ("prison_leaver", 2.0),
    ("long_term_unemployed", 1.5),
    ("carer", 1.5),
    ("lone_parent", 1.5),
    ("young_person", 1.5),
    ("care_leaver", 1.0),
    ("esol", 1.0),
    ("over_50", 1.0),
    ("veteran", 0.5),
];
/// Share of jobseekers who will mentor once in work.
const PASS_IT_ON: f64 = 0.35;
/// Skills per person, inclusive (fewest, most): jobseekers, mentors, coaches.
const SKILL_COUNT: [(u64, u64); 3] = [(1, 4), (2, 5), (2, 4)];
/// Chance a skill is tied to one of the person's sectors rather than general.
const SECTOR_SKILL: f64 = 0.6;
/// Ring neighbours on each side in a town's `knows` lattice.
const RING_NEIGHBOURS: usize = 2;
/// Chance a `knows` tie is rewired to anyone in the population.
const REWIRE: f64 = 0.1;
/// Employers with at most this many mentors connect them all pairwise.
const CLIQUE_MAX: usize = 5;
/// Share of jobseekers who once worked with a mentor employed in their area.
const FORMER_COLLEAGUE: f64 = 0.10;
/// Share of jobseekers with a peer tie to another jobseeker in their town.
const PEER: f64 = 0.10;
/// Share of jobseekers who rank helpers in `preferences.csv`.
const PREFERENCES: f64 = 0.20;
/// How many helpers a ranking jobseeker ranks.
const PREFERENCE_COUNT: [(usize, f64); 3] = [(1, 0.3), (2, 0.3), (3, 0.4)];
/// Share of jobseekers with an exclusion.
const EXCLUSION: f64 = 0.005;
/// Share of jobseekers with an outcome history.
const HISTORY: f64 = 0.15;
/// Chance a history starts with a no show.
const NO_SHOW: f64 = 0.25;
/// Chance a meeting leads to a job start.
const JOB_START: f64 = 0.35;
/// Chance a job start is sustained.
const SUSTAINED: f64 = 0.6;
/// Chance the employer of a job record is named.
const JOB_EMPLOYER_KNOWN: f64 = 0.9;
/// Share of mentors who are alumni with their own outcome history.
const ALUMNI: f64 = 0.20;

const EXCLUSION_REASONS: [&str; 4] =
    ["conflict of interest", "family member", "previous complaint", "asked not to be matched"];

/// Every experience tag, in the order written.
const EXPERIENCE_TAGS: [&str; 11] = [
    "disability",
    "mental_health",
    "care_leaver",
    "prison_leaver",
    "lone_parent",
    "carer",
    "long_term_unemployed",
    "esol",
    "veteran",
    "over_50",
    "young_person",
];

const GENERAL_SKILLS: &[&str] = &[
    "communication",
    "teamwork",
    "customer_service",
    "time_management",
    "driving_licence",
    "first_aid",
    "ms_office",
    "numeracy",
    "problem_solving",
];
const COACH_SKILLS: &[&str] = &["coaching", "advice_guidance", "cv_writing", "interview_practice", "benefits_advice"];
/// Skills tied to each section.
const SECTION_SKILLS: [(&str, &[&str]); 21] = [
    ("A", &["animal_care", "horticulture", "machinery", "forklift"]),
    ("B", &["machinery", "health_and_safety", "heavy_plant"]),
    ("C", &["machine_operation", "quality_control", "assembly", "welding", "forklift"]),
    ("D", &["electrical", "engineering", "health_and_safety"]),
    ("E", &["recycling", "driving_hgv", "health_and_safety"]),
    ("F", &["carpentry", "bricklaying", "plumbing", "electrical", "painting", "cscs_card"]),
    ("G", &["retail", "cash_handling", "stock_control", "sales", "merchandising"]),
    ("H", &["driving_hgv", "warehouse", "forklift", "logistics", "delivery"]),
    ("I", &["cooking", "food_hygiene", "bar_work", "housekeeping", "barista"]),
    ("J", &["programming", "it_support", "web_design", "data_analysis", "social_media"]),
    ("K", &["bookkeeping", "data_entry", "compliance"]),
    ("L", &["lettings", "property_maintenance", "sales"]),
    ("M", &["bookkeeping", "research", "data_analysis", "project_management", "design"]),
    ("N", &["cleaning", "security", "admin", "call_centre", "recruitment"]),
    ("O", &["admin", "data_entry", "case_work"]),
    ("P", &["teaching", "tutoring", "childcare", "safeguarding"]),
    ("Q", &["care_work", "nursing", "safeguarding", "manual_handling", "medication"]),
    ("R", &["coaching", "event_staffing", "lifeguard"]),
    ("S", &["hairdressing", "beauty", "repairs", "community_work"]),
    ("T", &["childcare", "cleaning", "cooking"]),
    ("U", &["languages", "admin"]),
];
/// Words used in employer names, by section.
const SECTION_NOUNS: [&str; 21] = [
    "Farms",
    "Quarrying",
    "Manufacturing",
    "Energy",
    "Recycling",
    "Construction",
    "Retail",
    "Logistics",
    "Hospitality",
    "Digital",
    "Financial",
    "Property",
    "Consulting",
    "Support Services",
    "Public Services",
    "Learning",
    "Care",
    "Leisure",
    "Services",
    "Household Services",
    "Mission Services",
];
const SURNAMES: [&str; 32] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson", "Wood",
    "Harris", "Edwards", "Khan", "Lewis", "Hughes", "Murphy", "Campbell", "Kaur", "Ahmed", "Morgan",
];
const SUFFIXES: [&str; 6] = ["Ltd", "Limited", "plc", "Group", "& Co", "LLP"];

/// Largest index a role's ids can hold, and the digits they are padded to.
const ID_FORMATS: [(&str, usize); 4] = [("js", 7), ("m", 6), ("c", 5), ("e", 6)];
/// Outcomes fall from 1 January of this year for `OUTCOME_DAYS` days (to
/// 2025-12-31): a history of three full years, all in the past.
const OUTCOME_FIRST_YEAR: i32 = 2023;
const OUTCOME_DAYS: u32 = 365 + 366 + 365;
/// Weeks a job must last to count as sustained.
const SUSTAIN_DAYS: u32 = 182;
/// Km per degree of latitude on the mean Earth sphere.
const KM_PER_DEGREE: f64 = 111.195;
const NONE: u32 = u32::MAX;

// Stream kinds: the top byte of a stream number.
const STREAM_EMPLOYER: u64 = 1;
const STREAM_JOBSEEKER: u64 = 2;
const STREAM_MENTOR: u64 = 3;
const STREAM_COACH: u64 = 4;
const STREAM_TOWN_RING: u64 = 5;
const STREAM_COLLEAGUES: u64 = 6;
const STREAM_JOBSEEKER_RELATIONS: u64 = 7;
const STREAM_MENTOR_RELATIONS: u64 = 8;

// ---------------------------------------------------------------------------
// Randomness.

/// One entity's random stream, with the sampling helpers built on `next_u64`.
struct Stream(ChaCha8Rng);

impl Stream {
    fn new(key: &[u8; 32], kind: u64, index: usize) -> Stream {
        let mut rng = ChaCha8Rng::from_seed(*key);
        rng.set_stream((kind << 56) | index as u64);
        Stream(rng)
    }

    /// Uniform in `0..n` (0 when `n` is 0), by Lemire's multiply-shift with
    /// rejection of the few low products that would bias it.
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let mut product = u128::from(self.0.next_u64()) * u128::from(n);
        if (product as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (product as u64) < threshold {
                product = u128::from(self.0.next_u64()) * u128::from(n);
            }
        }
        (product >> 64) as u64
    }

    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, (lo, hi): (u64, u64)) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// Uniform in [0, 1) from the top 53 bits.
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.index(items.len())])
    }

    /// A value from a short table of (value, weight), by linear scan.
    fn weighted<T: Copy>(&mut self, table: &[(T, f64)]) -> T {
        let total: f64 = table.iter().map(|(_, w)| w).sum();
        let mut u = self.unit() * total;
        for &(value, weight) in table {
            if u < weight {
                return value;
            }
            u -= weight;
        }
        table[table.len() - 1].0
    }
}

/// A cumulative weight table for drawing among many items by binary search.
#[derive(Default)]
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut acc = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                acc += w.max(0.0);
                acc
            })
            .collect();
        Weighted { cumulative }
    }

    fn sample(&self, s: &mut Stream) -> Option<usize> {
        let total = *self.cumulative.last()?;
        if total <= 0.0 {
            return None;
        }
        let u = s.unit() * total;
        let i = self.cumulative.partition_point(|&c| c <= u);
        // Rounding can put `u` on the total itself; fall back to the last item with weight.
        Some(if i < self.cumulative.len() { i } else { self.cumulative.partition_point(|&c| c < total) })
    }
}

// ---------------------------------------------------------------------------
// Small containers.

/// Items grouped by a dense key, each group in ascending item order (compressed rows).
struct Groups {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups `item` under `key` for every (key, item) pair; `key` must be below `n_groups`.
    fn build(n_groups: usize, pairs: impl Iterator<Item = (usize, u32)> + Clone) -> Groups {
        let mut start = vec![0u32; n_groups + 1];
        for (key, _) in pairs.clone() {
            start[key + 1] += 1;
        }
        for i in 0..n_groups {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[n_groups] as usize];
        for (key, item) in pairs {
            items[fill[key] as usize] = item;
            fill[key] += 1;
        }
        Groups { start, items }
    }

    fn group(&self, key: usize) -> &[u32] {
        &self.items[self.start[key] as usize..self.start[key + 1] as usize]
    }
}

/// Up to `N` distinct values, in insertion order, without allocating.
#[derive(Clone, Copy, Debug)]
struct Few<T, const N: usize> {
    items: [T; N],
    len: u8,
}

impl<T: Copy + Default + PartialEq, const N: usize> Few<T, N> {
    fn new() -> Self {
        Few { items: [T::default(); N], len: 0 }
    }

    /// Adds `value` unless it is already there or the list is full.
    fn add(&mut self, value: T) {
        if usize::from(self.len) < N && !self.as_slice().contains(&value) {
            self.items[usize::from(self.len)] = value;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[T] {
        &self.items[..usize::from(self.len)]
    }
}

// ---------------------------------------------------------------------------
// Reference data, prepared once per run.

/// A point in 1e-5 degrees, the precision written.
#[derive(Clone, Copy, Debug, Default)]
struct Point {
    lat: i32,
    lon: i32,
}

impl Point {
    fn from_degrees(lat: f64, lon: f64) -> Point {
        Point {
            lat: (lat.clamp(-90.0, 90.0) * 1e5).round() as i32,
            lon: (lon.clamp(-180.0, 180.0) * 1e5).round() as i32,
        }
    }

    /// Squared planar distance in km², good for ranking nearby points.
    fn distance2(self, other: Point) -> f64 {
        planar_km2(
            f64::from(self.lat) * 1e-5,
            f64::from(self.lon) * 1e-5,
            f64::from(other.lat) * 1e-5,
            f64::from(other.lon) * 1e-5,
        )
    }
}

/// Cosine of an angle in degrees by its Taylor series, exact to 1e-7 up to 60°.
///
/// Library `cos` may differ in its last bit between platforms; this uses
/// only IEEE-exact arithmetic, so generated coordinates are the same everywhere.
fn cos_degrees(degrees: f64) -> f64 {
    let x = degrees.clamp(-90.0, 90.0) * (std::f64::consts::PI / 180.0);
    let x2 = x * x;
    1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0 * (1.0 - x2 / 90.0))))
}

/// Squared equirectangular distance in km², accurate enough at the scale of a region.
fn planar_km2(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let dy = (lat2 - lat1) * KM_PER_DEGREE;
    let dx = (lon2 - lon1) * KM_PER_DEGREE * cos_degrees((lat1 + lat2) / 2.0);
    dx * dx + dy * dy
}

/// Where people and employers can be put.
struct Geography {
    areas: Areas,
    places: Vec<Place>,
    area_weights: Weighted,
    /// Per area: its places (indices into `places`) and their population weights.
    places_by_area: Vec<(Vec<u32>, Weighted)>,
    /// Per area in the region: areas in the region within `FALLBACK_KM`, nearest first (itself first).
    neighbours: Vec<Vec<u16>>,
}

/// Where one home or employer is.
#[derive(Clone, Copy, Debug, Default)]
struct Location {
    point: Point,
    area: u16,
    /// The town (index into places), or `places.len() + area` when placed at an area centroid.
    cell: u32,
}

impl Geography {
    fn new(region: Option<&str>) -> Result<Geography> {
        let areas = Areas::uk_2025();
        let places = uk_places(&areas);
        let in_region: Vec<bool> = match region {
            None => vec![true; areas.areas.len()],
            Some(name) => {
                let wanted = name.trim();
                let flags: Vec<bool> = areas
                    .areas
                    .iter()
                    .map(|a| a.region.eq_ignore_ascii_case(wanted) || a.country.eq_ignore_ascii_case(wanted))
                    .collect();
                if !flags.contains(&true) {
                    let mut names: Vec<&str> = areas.areas.iter().map(|a| a.region.as_str()).collect();
                    names.extend(["England", "Scotland", "Wales", "Northern Ireland"]);
                    names.sort_unstable();
                    names.dedup();
                    return Err(Error::Argument(format!(
                        "unknown region \"{name}\": expected one of {}",
                        names.join(", ")
                    )));
                }
                flags
            }
        };
        // Postcode units are a density proxy within a region, but people per
        // postcode differ between regions (London has more), so each region's
        // total is scaled to its published population. Northern Ireland has no
        // postcode counts: its districts share its population equally.
        let mut region_postcodes: Vec<(f64, usize)> = vec![(0.0, 0); REGION_POPULATION.len()];
        let region_of = |name: &str| REGION_POPULATION.iter().position(|(r, _)| *r == name);
        for a in &areas.areas {
            if let Some(r) = region_of(&a.region) {
                region_postcodes[r].0 += f64::from(a.postcodes);
                region_postcodes[r].1 += 1;
            }
        }
        let area_weights = Weighted::new(areas.areas.iter().zip(&in_region).map(|(a, &inside)| {
            let Some(r) = region_of(&a.region).filter(|_| inside) else { return 0.0 };
            let (postcodes, n_areas) = region_postcodes[r];
            let population = REGION_POPULATION[r].1;
            if postcodes > 0.0 { population * f64::from(a.postcodes) / postcodes } else { population / n_areas as f64 }
        }));
        let mut by_area: Vec<Vec<u32>> = vec![Vec::new(); areas.areas.len()];
        for (i, place) in places.iter().enumerate() {
            by_area[usize::from(place.area.0)].push(i as u32);
        }
        let places_by_area = by_area
            .into_iter()
            .map(|list| {
                let weights = Weighted::new(list.iter().map(|&p| f64::from(places[p as usize].population)));
                (list, weights)
            })
            .collect();
        let neighbours = (0..areas.areas.len())
            .map(|i| {
                if !in_region[i] {
                    return Vec::new();
                }
                let here = &areas.areas[i];
                let mut near: Vec<(f64, u16)> = (0..areas.areas.len())
                    .filter(|&j| in_region[j])
                    .map(|j| (planar_km2(here.lat, here.lon, areas.areas[j].lat, areas.areas[j].lon), j as u16))
                    .filter(|&(d2, j)| usize::from(j) == i || d2 <= FALLBACK_KM * FALLBACK_KM)
                    .collect();
                near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                // Keep the area itself first even if another centroid coincides with it.
                near.sort_by_key(|&(_, j)| usize::from(j) != i);
                near.into_iter().map(|(_, j)| j).collect()
            })
            .collect();
        Ok(Geography { areas, places, area_weights, places_by_area, neighbours })
    }

    fn n_cells(&self) -> usize {
        self.places.len() + self.areas.areas.len()
    }

    /// A home or workplace: an area by postcodes, a town in it by population, jittered.
    fn locate(&self, s: &mut Stream) -> Location {
        let area = self.area_weights.sample(s).unwrap_or(0);
        let (list, weights) = &self.places_by_area[area];
        let (lat, lon, radius, cell) = match weights.sample(s) {
            Some(k) => {
                let place_idx = list[k] as usize;
                let place = &self.places[place_idx];
                let radius = JITTER_KM.iter().find(|(below, _)| place.population < *below).map_or(10.0, |(_, r)| *r);
                (place.lat, place.lon, radius, place_idx)
            }
            None => {
                let a = &self.areas.areas[area];
                (a.lat, a.lon, CENTROID_JITTER_KM, self.places.len() + area)
            }
        };
        // A point uniform in the unit disc, scaled by its own length, lies at a
        // distance uniform in [0, 1): dense near the town centre, thinning out.
        let (x, y, q) = loop {
            let x = 2.0 * s.unit() - 1.0;
            let y = 2.0 * s.unit() - 1.0;
            let q = x * x + y * y;
            if q <= 1.0 {
                break (x, y, q);
            }
        };
        let scale = q.sqrt() * radius;
        let (dx, dy) = (x * scale, y * scale);
        let lat2 = lat + dy / KM_PER_DEGREE;
        let lon2 = lon + dx / (KM_PER_DEGREE * cos_degrees(lat).max(0.01));
        Location { point: Point::from_degrees(lat2, lon2), area: area as u16, cell: cell as u32 }
    }
}

/// The SIC 2007 table prepared for drawing codes.
struct Sectors {
    taxonomy: Taxonomy,
    /// Sections in tree order, and their weights.
    sections: Vec<SicIdx>,
    section_weights: Weighted,
    /// Per node: its children in tree order.
    children: Vec<Vec<SicIdx>>,
    /// Per node: the position of its section in `sections`.
    section_pos: Vec<u8>,
    /// Per section position: its classes.
    classes_of_section: Vec<Vec<SicIdx>>,
    /// Per node: the classes of its division (filled for divisions only).
    classes_of_division: Vec<Vec<SicIdx>>,
}

impl Sectors {
    fn new() -> Sectors {
        let taxonomy = Taxonomy::uk_sic_2007();
        let n = taxonomy.nodes.len();
        let sections: Vec<SicIdx> = taxonomy.codes_at(SicLevel::Section).collect();
        let section_weights = Weighted::new(sections.iter().map(|&s| {
            let code = &taxonomy.node(s).code;
            SECTION_WEIGHTS.iter().find(|(c, _)| c == code).map_or(0.0, |(_, w)| *w)
        }));
        let mut children = vec![Vec::new(); n];
        let mut section_pos = vec![0u8; n];
        let mut classes_of_section = vec![Vec::new(); sections.len()];
        let mut classes_of_division = vec![Vec::new(); n];
        for (i, pos_slot) in section_pos.iter_mut().enumerate() {
            let idx = SicIdx(i as u16);
            let node = taxonomy.node(idx);
            if let Some(parent) = node.parent {
                children[usize::from(parent.0)].push(idx);
            }
            let pos = sections.iter().position(|&s| s == taxonomy.section_of(idx)).unwrap_or(0);
            *pos_slot = pos as u8;
            if node.level == SicLevel::Class {
                classes_of_section[pos].push(idx);
                if let Some(division) = taxonomy.ancestor_at(idx, SicLevel::Division) {
                    classes_of_division[usize::from(division.0)].push(idx);
                }
            }
        }
        Sectors { taxonomy, sections, section_weights, children, section_pos, classes_of_section, classes_of_division }
    }

    fn section(&self, s: &mut Stream) -> usize {
        self.section_weights.sample(s).unwrap_or(0)
    }

    /// A class written at class, subclass or group level.
    fn written(&self, class: SicIdx, s: &mut Stream) -> SicIdx {
        match s.weighted(&CODE_LEVEL) {
            SicLevel::Subclass => s.pick(&self.children[usize::from(class.0)]).unwrap_or(class),
            SicLevel::Group => self.taxonomy.node(class).parent.unwrap_or(class),
            _ => class,
        }
    }

    /// A specific code (class, subclass or group) in a section drawn by employment weight.
    fn specific(&self, s: &mut Stream) -> SicIdx {
        let section = self.section(s);
        match s.pick(&self.classes_of_section[section]) {
            Some(class) => self.written(class, s),
            None => self.sections[section],
        }
    }

    /// A specific code in the same division as `code`, or any specific code if `code` is broader.
    fn sibling(&self, code: SicIdx, s: &mut Stream) -> SicIdx {
        let classes = match self.taxonomy.ancestor_at(code, SicLevel::Division) {
            Some(division) => &self.classes_of_division[usize::from(division.0)],
            None => return self.specific(s),
        };
        match s.pick(classes) {
            Some(class) => self.written(class, s),
            None => self.specific(s),
        }
    }

    /// A section or a division in it.
    fn broad(&self, s: &mut Stream, section_chance: f64) -> SicIdx {
        let section = self.sections[self.section(s)];
        if s.chance(section_chance) {
            return section;
        }
        s.pick(&self.children[usize::from(section.0)]).unwrap_or(section)
    }

    fn section_of(&self, code: SicIdx) -> usize {
        usize::from(self.section_pos[usize::from(code.0)])
    }
}

/// Skill tags, interned.
struct Skills {
    tags: Vec<&'static str>,
    general: Vec<u8>,
    coach: Vec<u8>,
    by_section: Vec<Vec<u8>>,
}

impl Skills {
    fn new(sectors: &Sectors) -> Skills {
        let mut tags: Vec<&'static str> = Vec::new();
        let mut intern = |list: &[&'static str]| -> Vec<u8> {
            list.iter()
                .map(|tag| match tags.iter().position(|t| t == tag) {
                    Some(i) => i as u8,
                    None => {
                        tags.push(tag);
                        (tags.len() - 1) as u8
                    }
                })
                .collect()
        };
        let general = intern(GENERAL_SKILLS);
        let coach = intern(COACH_SKILLS);
        let by_section = sectors
            .sections
            .iter()
            .map(|&sec| {
                let code = &sectors.taxonomy.node(sec).code;
                let list = SECTION_SKILLS.iter().find(|(c, _)| c == code).map_or(&[][..], |(_, l)| *l);
                intern(list)
            })
            .collect();
        Skills { tags, general, coach, by_section }
    }
}

// ---------------------------------------------------------------------------
// The population.

const CONSENT_FLAG: u8 = 1;
const REMOTE_FLAG: u8 = 2;
const PASS_IT_ON_FLAG: u8 = 4;

/// One person, compactly: every field of a `people.csv` row.
#[derive(Clone, Copy, Debug)]
struct Person {
    home: Location,
    employer: u32,
    availability: u32,
    sectors: Few<u16, 3>,
    skills: Few<u8, 5>,
    languages: Few<u8, 3>,
    experiences: u16,
    specialisms: u16,
    capacity: u16,
    max_km: u8,
    flags: u8,
}

/// One employer.
#[derive(Clone, Copy, Debug)]
struct Employer {
    site: Location,
    /// Placed at a town (not an area centroid), so the town can name it.
    at_town: bool,
    sectors: Few<u16, 2>,
    size: u32,
    vacancies: u32,
    name: [u8; 4],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Knows,
    WorkedWith,
    Mentored,
    Peer,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Knows => "knows",
            Kind::WorkedWith => "worked_with",
            Kind::Mentored => "mentored",
            Kind::Peer => "peer",
        }
    }
}

/// A connection; `strength` in thousandths, 1 to 1000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    a: u32,
    b: u32,
    kind: Kind,
    strength: u16,
}

impl Edge {
    fn new(a: u32, b: u32, kind: Kind, strength: u64) -> Edge {
        Edge { a: a.min(b), b: a.max(b), kind, strength: strength.clamp(1, 1000) as u16 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OutcomeKind {
    NoShow,
    Met,
    JobStart,
    SustainedJob,
}

impl OutcomeKind {
    fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::NoShow => "no_show",
            OutcomeKind::Met => "met",
            OutcomeKind::JobStart => "job_start",
            OutcomeKind::SustainedJob => "sustained_job",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Outcome {
    mentee: u32,
    mentor: u32,
    kind: OutcomeKind,
    /// Days after the first day of the outcome window.
    day: u32,
    employer: u32,
}

/// Relations drawn per person, concatenated in person order.
#[derive(Default)]
struct Relations {
    edges: Vec<Edge>,
    preferences: Vec<(u32, u8, u32)>,
    exclusions: Vec<(u32, u32, u8)>,
    outcomes: Vec<Outcome>,
}

impl Relations {
    fn append(&mut self, mut other: Relations) {
        self.edges.append(&mut other.edges);
        self.preferences.append(&mut other.preferences);
        self.exclusions.append(&mut other.exclusions);
        self.outcomes.append(&mut other.outcomes);
    }
}

/// Everything generated, ready to write.
struct Population {
    geography: Geography,
    sectors: Sectors,
    skills: Skills,
    n_jobseekers: usize,
    n_mentors: usize,
    people: Vec<Person>,
    employers: Vec<Employer>,
    connections: Vec<Edge>,
    exclusions: Vec<(u32, u32, u8)>,
    preferences: Vec<(u32, u8, u32)>,
    outcomes: Vec<Outcome>,
}

/// Runs `f` over `0..n` in fixed chunks on the rayon pool and concatenates
/// the results in index order, so the output is independent of thread count.
fn par_relations(n: usize, f: impl Fn(usize, &mut Relations) + Sync) -> Relations {
    const CHUNK: usize = 4096;
    let parts: Vec<Relations> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut out = Relations::default();
            for i in c * CHUNK..n.min((c + 1) * CHUNK) {
                f(i, &mut out);
            }
            out
        })
        .collect();
    let mut all = Relations::default();
    for part in parts {
        all.append(part);
    }
    all
}

/// Lookups built once the people exist.
struct Index {
    /// People by town cell.
    cells: Groups,
    /// Mentors by employer.
    staff: Groups,
    /// Employed mentors by their employer's area.
    staff_by_area: Groups,
    /// Mentors and coaches by home area.
    helpers: Groups,
    /// Coaches by home area.
    coaches: Groups,
}

/// Employers by area, with size weights, for drawing a nearby employer.
struct EmployerIndex {
    by_area: Groups,
    weights: Vec<Weighted>,
}

impl Population {
    fn build(config: &GenerateConfig) -> Result<Population> {
        let counts = [config.jobseekers, config.mentors, config.coaches, config.employers];
        for (&count, (prefix, digits)) in counts.iter().zip(ID_FORMATS) {
            let limit = 10usize.pow(digits as u32) - 1;
            if count > limit {
                return Err(Error::Argument(format!(
                    "{count} is too many for ids {prefix}{}: at most {limit}",
                    "0".repeat(digits)
                )));
            }
        }
        let geography = Geography::new(config.region.as_deref())?;
        let sectors = Sectors::new();
        let skills = Skills::new(&sectors);
        let key = ChaCha8Rng::seed_from_u64(config.seed).get_seed();
        let mut pop = Population {
            geography,
            sectors,
            skills,
            n_jobseekers: config.jobseekers,
            n_mentors: config.mentors,
            people: Vec::new(),
            employers: Vec::new(),
            connections: Vec::new(),
            exclusions: Vec::new(),
            preferences: Vec::new(),
            outcomes: Vec::new(),
        };
        pop.employers = (0..config.employers).into_par_iter().map(|i| pop.employer(&key, i)).collect();
        let employer_index = pop.employer_index();
        let mut people = Vec::with_capacity(config.jobseekers + config.mentors + config.coaches);
        (0..config.jobseekers)
            .into_par_iter()
            .map(|i| pop.person(&key, Role::Jobseeker, i, &employer_index))
            .collect_into_vec(&mut people);
        let mut more = Vec::new();
        (0..config.mentors)
            .into_par_iter()
            .map(|i| pop.person(&key, Role::Mentor, i, &employer_index))
            .collect_into_vec(&mut more);
        people.append(&mut more);
        (0..config.coaches)
            .into_par_iter()
            .map(|i| pop.person(&key, Role::Coach, i, &employer_index))
            .collect_into_vec(&mut more);
        people.append(&mut more);
        pop.people = people;

        let index = pop.index();
        let mut relations =
            par_relations(config.jobseekers, |i, out| pop.jobseeker_relations(&key, i, &index, &employer_index, out));
        relations.append(par_relations(config.mentors, |i, out| pop.mentor_relations(&key, i, &index, out)));
        let n_cells = pop.geography.n_cells();
        let rings: Vec<Vec<Edge>> = (0..n_cells).into_par_iter().map(|c| pop.town_ring(&key, c, &index)).collect();
        let colleagues: Vec<Vec<Edge>> =
            (0..pop.employers.len()).into_par_iter().map(|e| pop.colleagues(&key, e, &index)).collect();
        let mut edges = relations.edges;
        edges.extend(rings.into_iter().flatten());
        edges.extend(colleagues.into_iter().flatten());
        // Sorting by the whole edge is a total order on values, so the unstable
        // parallel sort still gives one result; duplicates keep the weakest tie.
        edges.par_sort_unstable();
        edges.dedup_by(|later, kept| (later.a, later.b, later.kind) == (kept.a, kept.b, kept.kind));
        pop.connections = edges;
        pop.preferences = relations.preferences;
        pop.exclusions = relations.exclusions;
        pop.outcomes = relations.outcomes;
        Ok(pop)
    }

    fn summary(&self) -> GenerateSummary {
        GenerateSummary {
            people: self.people.len(),
            employers: self.employers.len(),
            connections: self.connections.len(),
            exclusions: self.exclusions.len(),
            preferences: self.preferences.len(),
            outcomes: self.outcomes.len(),
        }
    }

    fn role(&self, p: usize) -> Role {
        if p < self.n_jobseekers {
            Role::Jobseeker
        } else if p < self.n_jobseekers + self.n_mentors {
            Role::Mentor
        } else {
            Role::Coach
        }
    }

    fn employer(&self, key: &[u8; 32], i: usize) -> Employer {
        let mut s = Stream::new(key, STREAM_EMPLOYER, i);
        let site = self.geography.locate(&mut s);
        let at_town = (site.cell as usize) < self.geography.places.len();
        let mut sectors = Few::new();
        let main = self.sectors.specific(&mut s);
        sectors.add(main.0);
        if s.chance(EMPLOYER_SECOND_SECTOR) {
            sectors.add(self.sectors.sibling(main, &mut s).0);
        }
        let (lo, hi) = s.weighted(&SIZE_BANDS.map(|(lo, hi, share)| ((lo, hi), share)));
        let size = s.between((u64::from(lo), u64::from(hi))) as u32;
        // Rounding down after adding a uniform [0, 1) keeps the mean at size × rate.
        let vacancies = (f64::from(size) * VACANCY_RATE + s.unit()) as u32;
        let style = if at_town { s.below(3) as u8 } else { 1 + s.below(2) as u8 };
        let name = [style, s.index(SURNAMES.len()) as u8, s.index(SURNAMES.len()) as u8, s.index(SUFFIXES.len()) as u8];
        Employer { site, at_town, sectors, size, vacancies, name }
    }

    fn employer_index(&self) -> EmployerIndex {
        let n_areas = self.geography.areas.areas.len();
        let by_area = Groups::build(
            n_areas,
            self.employers.iter().enumerate().map(|(i, e)| (usize::from(e.site.area), i as u32)),
        );
        let weights = (0..n_areas)
            .map(|a| Weighted::new(by_area.group(a).iter().map(|&e| f64::from(self.employers[e as usize].size))))
            .collect();
        EmployerIndex { by_area, weights }
    }

    /// An employer in `area`, or in the nearest area with one, drawn by size.
    fn employer_near(&self, area: u16, employers: &EmployerIndex, s: &mut Stream) -> Option<u32> {
        let near = self.geography.neighbours[usize::from(area)]
            .iter()
            .find(|&&a| !employers.by_area.group(usize::from(a)).is_empty())?;
        let k = employers.weights[usize::from(*near)].sample(s)?;
        Some(employers.by_area.group(usize::from(*near))[k])
    }

    fn person(&self, key: &[u8; 32], role: Role, i: usize, employers: &EmployerIndex) -> Person {
        let (kind, r) = match role {
            Role::Jobseeker => (STREAM_JOBSEEKER, 0),
            Role::Mentor => (STREAM_MENTOR, 1),
            Role::Coach => (STREAM_COACH, 2),
        };
        let mut s = Stream::new(key, kind, i);
        let s = &mut s;
        let home = self.geography.locate(s);
        let mut employer = NONE;
        let mut sectors = Few::new();
        match role {
            Role::Jobseeker => {
                let n = s.weighted(&JOBSEEKER_SECTOR_COUNT);
                let u = s.unit();
                let first = if u < BROAD_WANT.0 {
                    self.sectors.broad(s, 1.0)
                } else if u < BROAD_WANT.0 + BROAD_WANT.1 {
                    self.sectors.broad(s, 0.0)
                } else {
                    self.sectors.specific(s)
                };
                sectors.add(first.0);
                for _ in 1..n {
                    let next =
                        if s.chance(RELATED_WANT) { self.sectors.sibling(first, s) } else { self.sectors.specific(s) };
                    sectors.add(next.0);
                }
            }
            Role::Mentor => {
                let main =
                    match s.chance(MENTOR_EMPLOYED).then(|| self.employer_near(home.area, employers, s)).flatten() {
                        Some(e) => {
                            employer = e;
                            SicIdx(self.employers[e as usize].sectors.as_slice()[0])
                        }
                        None => self.sectors.specific(s),
                    };
                sectors.add(main.0);
                if s.chance(MENTOR_SECOND_SECTOR) {
                    sectors.add(self.sectors.sibling(main, s).0);
                }
            }
            Role::Coach => {
                for _ in 0..s.between((1, 3)) {
                    sectors.add(self.sectors.broad(s, COACH_SECTION).0);
                }
            }
        }

        let mut skills = Few::new();
        for _ in 0..s.between(SKILL_COUNT[r]) {
            let list = if role == Role::Coach && s.chance(0.5) {
                &self.skills.coach
            } else if s.chance(SECTOR_SKILL) {
                let code = s.pick(sectors.as_slice()).unwrap_or_default();
                &self.skills.by_section[self.sectors.section_of(SicIdx(code))]
            } else {
                &self.skills.general
            };
            if let Some(skill) = s.pick(list) {
                skills.add(skill);
            }
        }

        let factor = [1.0, MENTOR_EXPERIENCE_FACTOR, COACH_EXPERIENCE_FACTOR][r];
        let mut experiences = 0u16;
        for (tag, rate) in EXPERIENCE_RATES {
            if s.chance(rate * factor) {
                experiences |= experience_bit(tag);
            }
        }
        let age = s.unit();
        if age < YOUNG_PERSON * factor {
            experiences |= experience_bit("young_person");
        } else if age < (YOUNG_PERSON + OVER_50) * factor {
            experiences |= experience_bit("over_50");
        }

        // Languages: `LANGUAGE_CODES[0]` is English, `[1]` Welsh, the rest `OTHER_LANGUAGES`.
        let mut languages = Few::new();
        let other = s.chance(OTHER_LANGUAGE).then(|| 2 + weighted_position(&OTHER_LANGUAGES, s.unit()) as u8);
        let english = other.is_none() || s.chance(ALSO_ENGLISH);
        if let Some(lang) = other {
            languages.add(lang);
        }
        if english {
            languages.add(0);
        }
        if self.geography.areas.areas[usize::from(home.area)].country == "Wales" && s.chance(WELSH_IN_WALES) {
            languages.add(1);
        }
        if role == Role::Jobseeker && other.is_some() && (!english || s.chance(ESOL_WITH_ENGLISH)) {
            experiences |= experience_bit("esol");
        }

        let mut availability = 0u32;
        let mut weights = [0.0f64; 21];
        for (bit, w) in weights.iter_mut().enumerate() {
            *w = slot_weight(role, bit / 3, bit % 3);
        }
        for _ in 0..s.between(SLOT_COUNT[r]) {
            let total: f64 = weights.iter().sum();
            if total <= 0.0 {
                break;
            }
            let mut u = s.unit() * total;
            let mut chosen = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0);
            for (bit, &w) in weights.iter().enumerate() {
                if w > 0.0 && u < w {
                    chosen = bit;
                    break;
                }
                u -= w;
            }
            availability |= 1 << chosen;
            weights[chosen] = 0.0;
        }

        let mut flags = 0;
        if s.chance(CONSENT[r]) {
            flags |= CONSENT_FLAG;
        }
        if s.chance(REMOTE[r]) {
            flags |= REMOTE_FLAG;
        }
        let max_km = s.weighted(MAX_KM[r]);
        let (capacity, mut specialisms) = match role {
            Role::Jobseeker => {
                if s.chance(PASS_IT_ON) {
                    flags |= PASS_IT_ON_FLAG;
                }
                (0, 0)
            }
            Role::Mentor => (u16::from(s.weighted(&MENTOR_CAPACITY)), 0),
            Role::Coach => (s.between(COACH_CAPACITY) as u16, 0u16),
        };
        if role == Role::Coach {
            for _ in 0..s.weighted(&SPECIALISM_COUNT) {
                specialisms |= experience_bit(s.weighted(&SPECIALISM_WEIGHTS));
            }
        }
        Person {
            home,
            employer,
            availability,
            sectors,
            skills,
            languages,
            experiences,
            specialisms,
            capacity,
            max_km,
            flags,
        }
    }

    fn index(&self) -> Index {
        let people = || self.people.iter().enumerate();
        let n_areas = self.geography.areas.areas.len();
        let helper_start = self.n_jobseekers;
        let coach_start = self.n_jobseekers + self.n_mentors;
        Index {
            cells: Groups::build(self.geography.n_cells(), people().map(|(i, p)| (p.home.cell as usize, i as u32))),
            staff: Groups::build(
                self.employers.len(),
                people().filter(|(_, p)| p.employer != NONE).map(|(i, p)| (p.employer as usize, i as u32)),
            ),
            staff_by_area: Groups::build(
                n_areas,
                people()
                    .filter(|(_, p)| p.employer != NONE)
                    .map(|(i, p)| (usize::from(self.employers[p.employer as usize].site.area), i as u32)),
            ),
            helpers: Groups::build(
                n_areas,
                people().skip(helper_start).map(|(i, p)| (usize::from(p.home.area), i as u32)),
            ),
            coaches: Groups::build(
                n_areas,
                people().skip(coach_start).map(|(i, p)| (usize::from(p.home.area), i as u32)),
            ),
        }
    }

    /// The first non-empty group of `area` and its neighbours, nearest first.
    fn nearest<'a>(&self, groups: &'a Groups, area: u16) -> &'a [u32] {
        self.geography.neighbours[usize::from(area)]
            .iter()
            .map(|&a| groups.group(usize::from(a)))
            .find(|g| !g.is_empty())
            .unwrap_or(&[])
    }

    /// An employer near the jobseeker, preferring one in a section they want.
    fn job_employer(&self, person: &Person, employers: &EmployerIndex, s: &mut Stream) -> u32 {
        let wanted: Few<usize, 3> = {
            let mut f = Few::new();
            for &code in person.sectors.as_slice() {
                f.add(self.sectors.section_of(SicIdx(code)));
            }
            f
        };
        let mut found = NONE;
        for _ in 0..8 {
            match self.employer_near(person.home.area, employers, s) {
                None => return NONE,
                Some(e) => {
                    found = e;
                    let main = self.employers[e as usize].sectors.as_slice()[0];
                    if wanted.as_slice().contains(&self.sectors.section_of(SicIdx(main))) {
                        break;
                    }
                }
            }
        }
        found
    }

    fn jobseeker_relations(
        &self,
        key: &[u8; 32],
        i: usize,
        index: &Index,
        employers: &EmployerIndex,
        out: &mut Relations,
    ) {
        let mut s = Stream::new(key, STREAM_JOBSEEKER_RELATIONS, i);
        let s = &mut s;
        let me = &self.people[i];
        let p = i as u32;
        let helpers = self.nearest(&index.helpers, me.home.area);

        let mut chosen: Few<u32, 3> = Few::new();
        if s.chance(PREFERENCES) && !helpers.is_empty() {
            let k = s.weighted(&PREFERENCE_COUNT).min(helpers.len());
            // Floyd's algorithm: k distinct positions with exactly k draws.
            let mut picks: Few<usize, 3> = Few::new();
            for j in helpers.len() - k..helpers.len() {
                let t = s.index(j + 1);
                picks.add(if picks.as_slice().contains(&t) { j } else { t });
            }
            let mut ranked: Vec<(f64, u32)> = picks
                .as_slice()
                .iter()
                .map(|&t| (me.home.point.distance2(self.people[helpers[t] as usize].home.point), helpers[t]))
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (rank, (_, h)) in ranked.into_iter().enumerate() {
                chosen.add(h);
                out.preferences.push((p, rank as u8 + 1, h));
            }
        }
        if s.chance(EXCLUSION) {
            let h = s.pick(helpers);
            if let Some(h) = h.filter(|h| !chosen.as_slice().contains(h)) {
                out.exclusions.push((p, h, s.index(EXCLUSION_REASONS.len()) as u8));
            }
        }
        let history = if s.chance(HISTORY) { s.pick(helpers) } else { None };
        if let Some(h) = history {
            let first = s.below(u64::from(OUTCOME_DAYS)) as u32;
            let met = !s.chance(NO_SHOW);
            let kind = if met { OutcomeKind::Met } else { OutcomeKind::NoShow };
            out.outcomes.push(Outcome { mentee: p, mentor: h, kind, day: first, employer: NONE });
            if met {
                out.edges.push(Edge::new(p, h, Kind::Mentored, s.between((500, 1000))));
                if s.chance(JOB_START) {
                    let start = first + s.between((14, 119)) as u32;
                    let employer =
                        if s.chance(JOB_EMPLOYER_KNOWN) { self.job_employer(me, employers, s) } else { NONE };
                    if start < OUTCOME_DAYS {
                        out.outcomes.push(Outcome {
                            mentee: p,
                            mentor: h,
                            kind: OutcomeKind::JobStart,
                            day: start,
                            employer,
                        });
                        if s.chance(SUSTAINED) && start + SUSTAIN_DAYS < OUTCOME_DAYS {
                            let day = start + SUSTAIN_DAYS;
                            out.outcomes.push(Outcome {
                                mentee: p,
                                mentor: h,
                                kind: OutcomeKind::SustainedJob,
                                day,
                                employer,
                            });
                        }
                    }
                }
            }
        }
        let former = if s.chance(FORMER_COLLEAGUE) {
            s.pick(index.staff_by_area.group(usize::from(me.home.area)))
        } else {
            None
        };
        if let Some(m) = former {
            out.edges.push(Edge::new(p, m, Kind::WorkedWith, s.between((300, 700))));
        }
        if s.chance(PEER) {
            let town = index.cells.group(me.home.cell as usize);
            for _ in 0..4 {
                match s.pick(town) {
                    Some(other) if other != p && (other as usize) < self.n_jobseekers => {
                        out.edges.push(Edge::new(p, other, Kind::Peer, s.between((300, 700))));
                        break;
                    }
                    _ => {}
                }
            }
        }
    }

    fn mentor_relations(&self, key: &[u8; 32], i: usize, index: &Index, out: &mut Relations) {
        let mut s = Stream::new(key, STREAM_MENTOR_RELATIONS, i);
        let s = &mut s;
        let p = (self.n_jobseekers + i) as u32;
        let me = &self.people[p as usize];
        if !s.chance(ALUMNI) {
            return;
        }
        let mut candidates = self.nearest(&index.coaches, me.home.area);
        if candidates.is_empty() {
            candidates = self.nearest(&index.helpers, me.home.area);
        }
        let helper = (0..4).map(|_| s.pick(candidates)).find(|h| *h != Some(p)).flatten();
        let Some(h) = helper.filter(|&h| h != p) else { return };
        let first = s.below(u64::from(OUTCOME_DAYS)) as u32;
        out.outcomes.push(Outcome { mentee: p, mentor: h, kind: OutcomeKind::Met, day: first, employer: NONE });
        out.edges.push(Edge::new(p, h, Kind::Mentored, s.between((500, 1000))));
        let start = first + s.between((14, 119)) as u32;
        if start < OUTCOME_DAYS {
            out.outcomes.push(Outcome {
                mentee: p,
                mentor: h,
                kind: OutcomeKind::JobStart,
                day: start,
                employer: me.employer,
            });
            if start + SUSTAIN_DAYS < OUTCOME_DAYS {
                let day = start + SUSTAIN_DAYS;
                out.outcomes.push(Outcome {
                    mentee: p,
                    mentor: h,
                    kind: OutcomeKind::SustainedJob,
                    day,
                    employer: me.employer,
                });
            }
        }
    }

    /// The Watts–Strogatz ring of one town: shuffled, each person tied to the
    /// next `RING_NEIGHBOURS`, some ties rewired to anyone.
    fn town_ring(&self, key: &[u8; 32], cell: usize, index: &Index) -> Vec<Edge> {
        let members = index.cells.group(cell);
        let n = members.len();
        if n < 2 {
            return Vec::new();
        }
        let mut s = Stream::new(key, STREAM_TOWN_RING, cell);
        let mut order = members.to_vec();
        for j in (1..n).rev() {
            order.swap(j, s.index(j + 1));
        }
        let reach = RING_NEIGHBOURS.min((n - 1) / 2).max(1);
        let mut edges = Vec::with_capacity(n * reach);
        for i in 0..n {
            for j in 1..=reach {
                let mut other = order[(i + j) % n];
                if s.chance(REWIRE) {
                    other = s.index(self.people.len()) as u32;
                }
                let strength = s.between((100, 500));
                if other != order[i] {
                    edges.push(Edge::new(order[i], other, Kind::Knows, strength));
                }
            }
        }
        edges
    }

    /// `worked_with` ties among the mentors of one employer.
    fn colleagues(&self, key: &[u8; 32], employer: usize, index: &Index) -> Vec<Edge> {
        let staff = index.staff.group(employer);
        let n = staff.len();
        if n < 2 {
            return Vec::new();
        }
        let mut s = Stream::new(key, STREAM_COLLEAGUES, employer);
        let mut edges = Vec::new();
        if n <= CLIQUE_MAX {
            for a in 0..n {
                for b in a + 1..n {
                    edges.push(Edge::new(staff[a], staff[b], Kind::WorkedWith, s.between((600, 950))));
                }
            }
        } else {
            for a in 0..n {
                for j in 1..=2 {
                    edges.push(Edge::new(staff[a], staff[(a + j) % n], Kind::WorkedWith, s.between((600, 950))));
                }
            }
        }
        edges
    }

    // -----------------------------------------------------------------------
    // Writing.

    fn write(&self, dir: &Path, out: &Path) -> Result<()> {
        write_csv(dir, out, "people.csv", PEOPLE_HEADER, self.people.len(), |i, buf| self.person_row(i, buf))?;
        write_csv(
            dir,
            out,
            "employers.csv",
            "id,name,sectors,area,lat,lon,vacancies",
            self.employers.len(),
            |i, buf| self.employer_row(i, buf),
        )?;
        write_csv(dir, out, "connections.csv", "a,b,kind,strength", self.connections.len(), |i, buf| {
            let e = self.connections[i];
            self.person_id(e.a, buf);
            buf.push(b',');
            self.person_id(e.b, buf);
            buf.push(b',');
            buf.extend_from_slice(e.kind.as_str().as_bytes());
            buf.push(b',');
            push_fixed(buf, i64::from(e.strength), 3);
            buf.push(b'\n');
        })?;
        write_csv(dir, out, "exclusions.csv", "a,b,reason", self.exclusions.len(), |i, buf| {
            let (a, b, reason) = self.exclusions[i];
            self.person_id(a, buf);
            buf.push(b',');
            self.person_id(b, buf);
            buf.push(b',');
            push_field(buf, EXCLUSION_REASONS[usize::from(reason)]);
            buf.push(b'\n');
        })?;
        write_csv(dir, out, "preferences.csv", "person,rank,choice", self.preferences.len(), |i, buf| {
            let (person, rank, choice) = self.preferences[i];
            self.person_id(person, buf);
            buf.push(b',');
            push_uint(buf, u64::from(rank));
            buf.push(b',');
            self.person_id(choice, buf);
            buf.push(b'\n');
        })?;
        write_csv(dir, out, "outcomes.csv", "mentee,mentor,outcome,date,employer", self.outcomes.len(), |i, buf| {
            let o = self.outcomes[i];
            self.person_id(o.mentee, buf);
            buf.push(b',');
            self.person_id(o.mentor, buf);
            buf.push(b',');
            buf.extend_from_slice(o.kind.as_str().as_bytes());
            buf.push(b',');
            push_date(buf, o.day);
            buf.push(b',');
            if o.employer != NONE {
                push_id(buf, 3, o.employer as usize);
            }
            buf.push(b'\n');
        })?;
        Ok(())
    }

    fn person_id(&self, p: u32, buf: &mut Vec<u8>) {
        let p = p as usize;
        match self.role(p) {
            Role::Jobseeker => push_id(buf, 0, p),
            Role::Mentor => push_id(buf, 1, p - self.n_jobseekers),
            Role::Coach => push_id(buf, 2, p - self.n_jobseekers - self.n_mentors),
        }
    }

    fn push_sectors(&self, codes: &[u16], buf: &mut Vec<u8>) {
        for (k, &code) in codes.iter().enumerate() {
            if k > 0 {
                buf.push(b';');
            }
            buf.extend_from_slice(self.sectors.taxonomy.node(SicIdx(code)).code.as_bytes());
        }
    }

    fn person_row(&self, i: usize, buf: &mut Vec<u8>) {
        let p = &self.people[i];
        let role = self.role(i);
        let yes_no = |flag: u8| if p.flags & flag != 0 { "yes" } else { "no" };
        self.person_id(i as u32, buf);
        buf.push(b',');
        buf.extend_from_slice(role.as_str().as_bytes());
        buf.push(b',');
        buf.extend_from_slice(self.geography.areas.areas[usize::from(p.home.area)].code.as_bytes());
        buf.push(b',');
        push_fixed(buf, i64::from(p.home.point.lat), 5);
        buf.push(b',');
        push_fixed(buf, i64::from(p.home.point.lon), 5);
        buf.push(b',');
        self.push_sectors(p.sectors.as_slice(), buf);
        buf.push(b',');
        for (k, &skill) in p.skills.as_slice().iter().enumerate() {
            if k > 0 {
                buf.push(b';');
            }
            buf.extend_from_slice(self.skills.tags[usize::from(skill)].as_bytes());
        }
        buf.push(b',');
        push_tags(buf, p.experiences);
        buf.push(b',');
        buf.extend_from_slice(yes_no(CONSENT_FLAG).as_bytes());
        buf.push(b',');
        for (k, &lang) in p.languages.as_slice().iter().enumerate() {
            if k > 0 {
                buf.push(b';');
            }
            buf.extend_from_slice(language_code(lang).as_bytes());
        }
        buf.push(b',');
        let mut first = true;
        for bit in 0..21 {
            if p.availability & (1 << bit) != 0 {
                if !first {
                    buf.push(b';');
                }
                first = false;
                buf.extend_from_slice(DAYS[bit / 3].as_bytes());
                buf.push(b'_');
                buf.extend_from_slice(PARTS[bit % 3].as_bytes());
            }
        }
        buf.push(b',');
        buf.extend_from_slice(yes_no(REMOTE_FLAG).as_bytes());
        buf.push(b',');
        push_uint(buf, u64::from(p.max_km));
        buf.push(b',');
        if role != Role::Jobseeker {
            push_uint(buf, u64::from(p.capacity));
        }
        buf.push(b',');
        if p.employer != NONE {
            push_id(buf, 3, p.employer as usize);
        }
        buf.push(b',');
        push_tags(buf, p.specialisms);
        buf.push(b',');
        if role == Role::Jobseeker {
            buf.extend_from_slice(yes_no(PASS_IT_ON_FLAG).as_bytes());
        }
        buf.push(b'\n');
    }

    fn employer_row(&self, i: usize, buf: &mut Vec<u8>) {
        let e = &self.employers[i];
        push_id(buf, 3, i);
        buf.push(b',');
        let [style, first, second, suffix] = e.name.map(usize::from);
        let noun = SECTION_NOUNS[self.sectors.section_of(SicIdx(e.sectors.as_slice()[0]))];
        let name = match style {
            0 if e.at_town => {
                let town = &self.geography.places[e.site.cell as usize].name;
                format!("{town} {noun} {}", SUFFIXES[suffix])
            }
            1 => format!("{} {noun} {}", SURNAMES[first], SUFFIXES[suffix]),
            _ => format!("{} & {} {}", SURNAMES[first], SURNAMES[second], SUFFIXES[suffix].trim_start_matches("& ")),
        };
        push_field(buf, &name);
        buf.push(b',');
        self.push_sectors(e.sectors.as_slice(), buf);
        buf.push(b',');
        buf.extend_from_slice(self.geography.areas.areas[usize::from(e.site.area)].code.as_bytes());
        buf.push(b',');
        push_fixed(buf, i64::from(e.site.point.lat), 5);
        buf.push(b',');
        push_fixed(buf, i64::from(e.site.point.lon), 5);
        buf.push(b',');
        push_uint(buf, u64::from(e.vacancies));
        buf.push(b'\n');
    }
}

const PEOPLE_HEADER: &str = "id,role,area,lat,lon,sectors,skills,experiences,consent,languages,availability,remote,max_km,capacity,employer,specialisms,pass_it_on";

/// The weekly-slot weight of `role` on day `day` (0 = Monday), part `part` (0 am, 1 pm, 2 eve).
fn slot_weight(role: Role, day: usize, part: usize) -> f64 {
    let weekend = day >= 5;
    let evening = part == 2;
    match (role, weekend, evening) {
        (Role::Jobseeker, false, false) => 3.0,
        (Role::Jobseeker, false, true) => 1.0,
        (Role::Jobseeker, true, false) => 1.0,
        (Role::Jobseeker, true, true) => 0.5,
        (Role::Mentor, false, false) => 0.7,
        (Role::Mentor, false, true) => 3.0,
        (Role::Mentor, true, false) => 2.0,
        (Role::Mentor, true, true) => 0.5,
        (Role::Coach, false, false) => 4.0,
        (Role::Coach, true, false) if day == 5 && part == 0 => 0.5,
        (Role::Coach, _, _) => 0.0,
    }
}

fn experience_bit(tag: &str) -> u16 {
    EXPERIENCE_TAGS.iter().position(|t| *t == tag).map_or(0, |i| 1 << i)
}

/// Position in a weight table for a uniform draw `u` in [0, 1).
fn weighted_position(table: &[(&str, f64)], u: f64) -> usize {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut left = u * total;
    for (i, (_, w)) in table.iter().enumerate() {
        if left < *w {
            return i;
        }
        left -= w;
    }
    table.len() - 1
}

fn language_code(lang: u8) -> &'static str {
    match lang {
        0 => "en",
        1 => "cy",
        n => OTHER_LANGUAGES.get(usize::from(n) - 2).map_or("en", |(code, _)| code),
    }
}

// ---------------------------------------------------------------------------
// Formatting without allocation.

fn push_uint(buf: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    loop {
        n -= 1;
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[n..]);
}

/// `prefix` then `index + 1` zero-padded to the role's width (`js0000001`).
fn push_id(buf: &mut Vec<u8>, format: usize, index: usize) {
    let (prefix, width) = ID_FORMATS[format];
    buf.extend_from_slice(prefix.as_bytes());
    push_padded(buf, (index + 1) as u64, width);
}

fn push_padded(buf: &mut Vec<u8>, v: u64, width: usize) {
    let start = buf.len();
    push_uint(buf, v);
    let len = buf.len() - start;
    if len < width {
        buf.splice(start..start, std::iter::repeat_n(b'0', width - len));
    }
}

/// `v / 10^decimals` written with exactly `decimals` decimals.
fn push_fixed(buf: &mut Vec<u8>, v: i64, decimals: usize) {
    if v < 0 {
        buf.push(b'-');
    }
    let v = v.unsigned_abs();
    let scale = 10u64.pow(decimals as u32);
    push_uint(buf, v / scale);
    buf.push(b'.');
    push_padded(buf, v % scale, decimals);
}

/// A date `day` days after the start of the outcome window, as `YYYY-MM-DD`.
fn push_date(buf: &mut Vec<u8>, day: u32) {
    let (mut year, mut left) = (OUTCOME_FIRST_YEAR, day);
    loop {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = if leap { 366 } else { 365 };
        if left < days {
            break;
        }
        left -= days;
        year += 1;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let lengths = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 0;
    while left >= lengths[month] {
        left -= lengths[month];
        month += 1;
    }
    push_padded(buf, year as u64, 4);
    buf.push(b'-');
    push_padded(buf, month as u64 + 1, 2);
    buf.push(b'-');
    push_padded(buf, u64::from(left) + 1, 2);
}

/// Experience tags of a bit set, in `EXPERIENCE_TAGS` order.
fn push_tags(buf: &mut Vec<u8>, bits: u16) {
    let mut first = true;
    for (i, tag) in EXPERIENCE_TAGS.iter().enumerate() {
        if bits & (1 << i) != 0 {
            if !first {
                buf.push(b';');
            }
            first = false;
            buf.extend_from_slice(tag.as_bytes());
        }
    }
}

/// A CSV field, quoted only when it needs to be.
fn push_field(buf: &mut Vec<u8>, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        buf.push(b'"');
        for c in text.bytes() {
            if c == b'"' {
                buf.push(b'"');
            }
            buf.push(c);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(text.as_bytes());
    }
}

/// Writes `dir/name`: the header, then `n` rows formatted by `row` in
/// parallel batches of fixed size (so memory stays bounded and the bytes do
/// not depend on the thread count), then syncs it. Errors name `out/name`.
fn write_csv(
    dir: &Path,
    out: &Path,
    name: &str,
    header: &str,
    n: usize,
    row: impl Fn(usize, &mut Vec<u8>) + Sync,
) -> Result<()> {
    const ROWS_PER_CHUNK: usize = 4096;
    const CHUNKS_PER_BATCH: usize = 32;
    let io_err = |e| Error::io(out.join(name), e);
    let file = File::create(dir.join(name)).map_err(io_err)?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    writer.write_all(header.as_bytes()).map_err(io_err)?;
    writer.write_all(b"\n").map_err(io_err)?;
    let n_chunks = n.div_ceil(ROWS_PER_CHUNK);
    for batch in (0..n_chunks).step_by(CHUNKS_PER_BATCH) {
        let texts: Vec<Vec<u8>> = (batch..n_chunks.min(batch + CHUNKS_PER_BATCH))
            .into_par_iter()
            .map(|c| {
                let mut buf = Vec::with_capacity(ROWS_PER_CHUNK * 64);
                for i in c * ROWS_PER_CHUNK..n.min((c + 1) * ROWS_PER_CHUNK) {
                    row(i, &mut buf);
                }
                buf
            })
            .collect();
        for text in texts {
            writer.write_all(&text).map_err(io_err)?;
        }
    }
    let file = writer.into_inner().map_err(|e| io_err(e.into_error()))?;
    file.sync_all().map_err(io_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::fs;

    use super::*;
    use crate::model::{Date, Language, Slots};

    fn config(jobseekers: usize, mentors: usize, coaches: usize, employers: usize, seed: u64) -> GenerateConfig {
        GenerateConfig { jobseekers, mentors, coaches, employers, seed, region: None }
    }

    /// Every file of a generated directory, by name.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                (entry.file_name().to_string_lossy().into_owned(), fs::read(entry.path()).unwrap())
            })
            .collect()
    }

    /// Rows of one file as header-keyed maps, after checking its header.
    fn rows(dir: &Path, name: &str, header: &str) -> Vec<HashMap<String, String>> {
        let mut reader = csv::Reader::from_path(dir.join(name)).unwrap();
        let head: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(head.join(","), header, "{name}: header");
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                assert_eq!(r.len(), head.len(), "{name}: field count");
                head.iter().cloned().zip(r.iter().map(str::to_string)).collect()
            })
            .collect()
    }

    /// What a checked directory holds, for rate and region checks.
    struct Checked {
        people: Vec<HashMap<String, String>>,
        employers: Vec<HashMap<String, String>>,
        connections: Vec<HashMap<String, String>>,
        exclusions: usize,
        preferences: Vec<HashMap<String, String>>,
        outcomes: Vec<HashMap<String, String>>,
    }

    fn is_tag(text: &str) -> bool {
        !text.is_empty() && text.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    }

    fn list(text: &str) -> Vec<&str> {
        if text.is_empty() { Vec::new() } else { text.split(';').collect() }
    }

    /// Generates `config` and checks every row against the data-directory rules.
    fn check(config: &GenerateConfig) -> Checked {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        let summary = generate(config, &dir, false).unwrap();
        let areas = Areas::uk_2025();
        let taxonomy = Taxonomy::uk_sic_2007();
        let yes_no = |v: &str| v == "yes" || v == "no";

        let employers = rows(&dir, "employers.csv", "id,name,sectors,area,lat,lon,vacancies");
        let mut employer_ids = HashSet::new();
        for e in &employers {
            assert!(employer_ids.insert(e["id"].clone()), "duplicate employer {}", e["id"]);
            assert!(!e["name"].is_empty());
            assert!(
                !e["sectors"].is_empty() && list(&e["sectors"]).iter().all(|c| taxonomy.lookup(c).is_some()),
                "{e:?}"
            );
            assert!(areas.lookup(&e["area"]).is_some(), "{e:?}");
            let lat: f64 = e["lat"].parse().unwrap();
            let lon: f64 = e["lon"].parse().unwrap();
            assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
            assert_eq!(e["lat"].split('.').nth(1).map(str::len), Some(5));
            e["vacancies"].parse::<u32>().unwrap();
        }

        let people = rows(&dir, "people.csv", PEOPLE_HEADER);
        let mut roles = HashMap::new();
        for p in &people {
            let role = Role::parse(&p["role"]).unwrap_or_else(|| panic!("role {p:?}"));
            assert!(roles.insert(p["id"].clone(), role).is_none(), "duplicate person {}", p["id"]);
            assert!(areas.lookup(&p["area"]).is_some(), "{p:?}");
            let lat: f64 = p["lat"].parse().unwrap();
            let lon: f64 = p["lon"].parse().unwrap();
            assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
            assert_eq!(p["lat"].split('.').nth(1).map(str::len), Some(5));
            assert_eq!(p["lon"].split('.').nth(1).map(str::len), Some(5));
            let sectors = list(&p["sectors"]);
            assert!(!sectors.is_empty() && sectors.iter().all(|c| taxonomy.lookup(c).is_some()), "{p:?}");
            assert!(list(&p["skills"]).iter().all(|t| is_tag(t)), "{p:?}");
            assert!(list(&p["experiences"]).iter().all(|t| EXPERIENCE_TAGS.contains(t)), "{p:?}");
            assert!(yes_no(&p["consent"]) && yes_no(&p["remote"]), "{p:?}");
            let languages = list(&p["languages"]);
            assert!(!languages.is_empty() && languages.iter().all(|l| Language::parse(l).is_some()), "{p:?}");
            let slots = list(&p["availability"]);
            assert!(!slots.is_empty() && slots.iter().all(|s| Slots::parse_one(s).is_some()), "{p:?}");
            assert!(p["max_km"].parse::<f64>().unwrap() >= 0.0);
            match role {
                Role::Jobseeker => {
                    assert!(p["capacity"].is_empty() && p["employer"].is_empty() && p["specialisms"].is_empty());
                    assert!(yes_no(&p["pass_it_on"]), "{p:?}");
                }
                Role::Mentor => {
                    assert!(p["capacity"].parse::<u32>().unwrap() > 0);
                    assert!(p["employer"].is_empty() || employer_ids.contains(&p["employer"]), "{p:?}");
                    assert!(p["specialisms"].is_empty() && p["pass_it_on"].is_empty());
                }
                Role::Coach => {
                    assert!(p["capacity"].parse::<u32>().unwrap() > 0);
                    assert!(p["employer"].is_empty() && p["pass_it_on"].is_empty());
                    assert!(list(&p["specialisms"]).iter().all(|t| EXPERIENCE_TAGS.contains(t)), "{p:?}");
                }
            }
        }

        let connections = rows(&dir, "connections.csv", "a,b,kind,strength");
        let mut seen = HashSet::new();
        for c in &connections {
            assert!(roles.contains_key(&c["a"]) && roles.contains_key(&c["b"]) && c["a"] != c["b"], "{c:?}");
            assert!(["knows", "worked_with", "mentored", "peer"].contains(&c["kind"].as_str()), "{c:?}");
            let strength: f64 = c["strength"].parse().unwrap();
            assert!(strength > 0.0 && strength <= 1.0 && c["strength"].split('.').nth(1).map(str::len) == Some(3));
            let pair = if c["a"] < c["b"] { (&c["a"], &c["b"]) } else { (&c["b"], &c["a"]) };
            assert!(seen.insert((pair.0.clone(), pair.1.clone(), c["kind"].clone())), "duplicate {c:?}");
        }

        let exclusions = rows(&dir, "exclusions.csv", "a,b,reason");
        let mut seen = HashSet::new();
        for x in &exclusions {
            assert!(roles.contains_key(&x["a"]) && roles.contains_key(&x["b"]) && x["a"] != x["b"], "{x:?}");
            let pair = if x["a"] < x["b"] { (&x["a"], &x["b"]) } else { (&x["b"], &x["a"]) };
            assert!(seen.insert((pair.0.clone(), pair.1.clone())), "duplicate {x:?}");
        }

        let preferences = rows(&dir, "preferences.csv", "person,rank,choice");
        let mut ranks: HashMap<String, Vec<(u32, String)>> = HashMap::new();
        for r in &preferences {
            assert_eq!(roles.get(&r["person"]), Some(&Role::Jobseeker), "{r:?}");
            assert!(roles.get(&r["choice"]).is_some_and(|role| role.is_helper()), "{r:?}");
            ranks.entry(r["person"].clone()).or_default().push((r["rank"].parse().unwrap(), r["choice"].clone()));
        }
        for list in ranks.values_mut() {
            list.sort();
            assert!(list.iter().enumerate().all(|(i, (rank, _))| *rank as usize == i + 1), "{list:?}");
            let choices: HashSet<_> = list.iter().map(|(_, c)| c).collect();
            assert_eq!(choices.len(), list.len(), "{list:?}");
        }

        let outcomes = rows(&dir, "outcomes.csv", "mentee,mentor,outcome,date,employer");
        for o in &outcomes {
            assert!(roles.contains_key(&o["mentee"]) && o["mentee"] != o["mentor"], "{o:?}");
            assert!(roles.get(&o["mentor"]).is_some_and(|role| role.is_helper()), "{o:?}");
            assert!(["no_show", "met", "job_start", "sustained_job"].contains(&o["outcome"].as_str()), "{o:?}");
            let date = Date::parse(&o["date"]).unwrap_or_else(|| panic!("date {o:?}"));
            assert!((2023..=2025).contains(&date.year), "{o:?}");
            assert!(o["employer"].is_empty() || employer_ids.contains(&o["employer"]), "{o:?}");
        }

        assert_eq!(
            summary,
            GenerateSummary {
                people: people.len(),
                employers: employers.len(),
                connections: connections.len(),
                exclusions: exclusions.len(),
                preferences: preferences.len(),
                outcomes: outcomes.len(),
            }
        );
        assert_eq!(people.len(), config.jobseekers + config.mentors + config.coaches);
        assert_eq!(employers.len(), config.employers);
        Checked { people, employers, connections, exclusions: exclusions.len(), preferences, outcomes }
    }

    fn generated_bytes(config: &GenerateConfig) -> BTreeMap<String, Vec<u8>> {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        generate(config, &dir, false).unwrap();
        files(&dir)
    }

    #[test]
    fn every_row_follows_the_data_directory_rules() {
        check(&config(3000, 500, 40, 150, 1));
        check(&config(200, 3, 1, 1, 2));
        check(&config(0, 50, 0, 0, 3));
    }

    #[test]
    fn same_seed_gives_same_bytes_and_another_seed_differs() {
        let first = generated_bytes(&config(2000, 300, 20, 80, 11));
        assert_eq!(first.len(), 6);
        assert_eq!(first, generated_bytes(&config(2000, 300, 20, 80, 11)));
        let other = generated_bytes(&config(2000, 300, 20, 80, 12));
        for (name, bytes) in &first {
            assert_ne!(bytes, &other[name], "{name} did not change with the seed");
        }
    }

    #[test]
    fn output_does_not_depend_on_thread_count() {
        // Enough rows for several parallel chunks in every stage.
        let config = config(12_000, 1500, 100, 400, 5);
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| generated_bytes(&config))
        };
        assert_eq!(run(1), run(2));
    }

    #[test]
    fn region_restricts_every_place() {
        let areas = Areas::uk_2025();
        for region in ["North West", "wales", "Northern Ireland"] {
            let mut config = config(1500, 200, 10, 60, 4);
            config.region = Some(region.to_string());
            let checked = check(&config);
            let in_region = |code: &str| {
                let area = areas.area(areas.lookup(code).unwrap());
                area.region.eq_ignore_ascii_case(region) || area.country.eq_ignore_ascii_case(region)
            };
            assert!(checked.people.iter().all(|p| in_region(&p["area"])), "{region}");
            assert!(checked.employers.iter().all(|e| in_region(&e["area"])), "{region}");
        }
        let mut bad = config(10, 0, 0, 0, 1);
        bad.region = Some("Atlantis".to_string());
        let err = generate(&bad, &tempfile::tempdir().unwrap().path().join("x"), false).unwrap_err();
        assert!(err.to_string().contains("unknown region \"Atlantis\""), "{err}");
    }

    #[test]
    fn zero_counts_write_headers_and_too_many_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("empty");
        let summary = generate(&GenerateConfig::default(), &dir, false).unwrap();
        assert_eq!(summary, GenerateSummary::default());
        let written = files(&dir);
        assert_eq!(written["people.csv"], format!("{PEOPLE_HEADER}\n").into_bytes());
        assert_eq!(written["outcomes.csv"], b"mentee,mentor,outcome,date,employer\n");

        let err = generate(&config(0, 0, 100_000, 0, 1), &root.path().join("big"), false).unwrap_err();
        assert!(matches!(err, Error::Argument(_)), "{err}");
        assert!(!root.path().join("big").exists());
        // An existing non-empty directory needs `overwrite`.
        assert!(generate(&GenerateConfig::default(), &dir, false).is_err());
        generate(&config(5, 1, 1, 1, 1), &dir, true).unwrap();
    }

    #[test]
    fn formatting_helpers() {
        let text = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut buf = Vec::new();
            f(&mut buf);
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(text(&|b| push_fixed(b, -12_345, 5)), "-0.12345");
        assert_eq!(text(&|b| push_fixed(b, 5_348_095, 5)), "53.48095");
        assert_eq!(text(&|b| push_fixed(b, 1000, 3)), "1.000");
        assert_eq!(text(&|b| push_id(b, 0, 122)), "js0000123");
        assert_eq!(text(&|b| push_id(b, 2, 99_998)), "c99999");
        assert_eq!(text(&|b| push_date(b, 0)), "2023-01-01");
        assert_eq!(text(&|b| push_date(b, 365 + 59)), "2024-02-29");
        assert_eq!(text(&|b| push_date(b, OUTCOME_DAYS - 1)), "2025-12-31");
        assert_eq!(text(&|b| push_field(b, "a, \"b\"")), "\"a, \"\"b\"\"\"");
        assert!((cos_degrees(60.0) - 0.5).abs() < 1e-7);
    }

    #[test]
    fn sampling_helpers_are_uniform_enough() {
        let key = [7u8; 32];
        let mut s = Stream::new(&key, 99, 0);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[s.index(6)] += 1;
        }
        assert!(counts.iter().all(|&c| (9_500..10_500).contains(&c)), "{counts:?}");
        let table = Weighted::new([0.0, 1.0, 0.0, 3.0]);
        let mut hits = [0u32; 4];
        for _ in 0..40_000 {
            hits[table.sample(&mut s).unwrap()] += 1;
        }
        assert_eq!((hits[0], hits[2]), (0, 0));
        assert!((9_300..10_700).contains(&hits[1]), "{hits:?}");
        assert_eq!(Weighted::new([0.0]).sample(&mut s), None);
        assert_eq!(s.below(0), 0);
    }

    #[test]
    fn rates_are_as_documented() {
        let checked = check(&config(15_000, 4_000, 300, 700, 2024));
        let jobseekers: Vec<_> = checked.people.iter().filter(|p| p["role"] == "jobseeker").collect();
        let mentors: Vec<_> = checked.people.iter().filter(|p| p["role"] == "mentor").collect();
        let coaches: Vec<_> = checked.people.iter().filter(|p| p["role"] == "coach").collect();
        let share = |rows: &[&HashMap<String, String>], f: &dyn Fn(&HashMap<String, String>) -> bool| {
            rows.iter().filter(|r| f(r)).count() as f64 / rows.len() as f64
        };
        let near = |what: &str, got: f64, want: f64, tolerance: f64| {
            assert!((got - want).abs() <= tolerance, "{what}: got {got:.4}, want {want} ± {tolerance}");
        };
        let has =
            |field: &'static str, tag: &'static str| move |r: &HashMap<String, String>| list(&r[field]).contains(&tag);
        near("pass_it_on", share(&jobseekers, &|r| r["pass_it_on"] == "yes"), PASS_IT_ON, 0.02);
        near("jobseeker consent", share(&jobseekers, &|r| r["consent"] == "yes"), CONSENT[0], 0.02);
        near("mentor consent", share(&mentors, &|r| r["consent"] == "yes"), CONSENT[1], 0.03);
        near("jobseeker remote", share(&jobseekers, &|r| r["remote"] == "yes"), REMOTE[0], 0.02);
        near("mentor remote", share(&mentors, &|r| r["remote"] == "yes"), REMOTE[1], 0.03);
        for (tag, rate) in EXPERIENCE_RATES {
            near(tag, share(&jobseekers, &has("experiences", tag)), rate, 0.02);
            near(tag, share(&mentors, &has("experiences", tag)), rate * MENTOR_EXPERIENCE_FACTOR, 0.025);
        }
        near("young_person", share(&jobseekers, &has("experiences", "young_person")), YOUNG_PERSON, 0.02);
        near("over_50", share(&jobseekers, &has("experiences", "over_50")), OVER_50, 0.02);
        let english = share(&jobseekers, &has("languages", "en"));
        near("english", english, 1.0 - OTHER_LANGUAGE * (1.0 - ALSO_ENGLISH), 0.01);
        near(
            "other language",
            share(&jobseekers, &|r| list(&r["languages"]).iter().any(|l| *l != "en" && *l != "cy")),
            OTHER_LANGUAGE,
            0.015,
        );
        near("mentors employed", share(&mentors, &|r| !r["employer"].is_empty()), MENTOR_EMPLOYED, 0.03);
        let slots = |rows: &[&HashMap<String, String>]| {
            rows.iter().map(|r| list(&r["availability"]).len() as f64).sum::<f64>() / rows.len() as f64
        };
        near("jobseeker slots", slots(&jobseekers), 5.5, 0.2);
        near("mentor slots", slots(&mentors), 3.5, 0.2);
        let sectors =
            jobseekers.iter().map(|r| list(&r["sectors"]).len() as f64).sum::<f64>() / jobseekers.len() as f64;
        assert!((1.5..=1.8).contains(&sectors), "jobseeker sectors {sectors}");
        near("coach generalists", share(&coaches, &|r| r["specialisms"].is_empty()), SPECIALISM_COUNT[0].1, 0.06);
        let capacity =
            coaches.iter().map(|r| r["capacity"].parse::<f64>().unwrap()).sum::<f64>() / coaches.len() as f64;
        near("coach capacity", capacity, 100.0, 3.0);
        let areas = Areas::uk_2025();
        let in_london = |r: &HashMap<String, String>| areas.area(areas.lookup(&r["area"]).unwrap()).region == "London";
        let all: Vec<_> = checked.people.iter().collect();
        near("London share", share(&all, &in_london), 8.87 / 67.59, 0.01);
        // In health (section Q) about 13.5% of specific codes; the taxonomy lookup rolls codes up.
        let taxonomy = Taxonomy::uk_sic_2007();
        let q = taxonomy.lookup("Q").unwrap();
        let in_q =
            |r: &HashMap<String, String>| taxonomy.section_of(taxonomy.lookup(list(&r["sectors"])[0]).unwrap()) == q;
        near("health sector", share(&jobseekers, &in_q), 0.135, 0.02);

        let ranking: HashSet<&str> = checked.preferences.iter().map(|r| r["person"].as_str()).collect();
        near("preferences", ranking.len() as f64 / jobseekers.len() as f64, PREFERENCES, 0.02);
        let with_history: HashSet<&str> =
            checked.outcomes.iter().filter(|o| o["mentee"].starts_with("js")).map(|o| o["mentee"].as_str()).collect();
        near("history", with_history.len() as f64 / jobseekers.len() as f64, HISTORY, 0.02);
        let alumni: HashSet<&str> =
            checked.outcomes.iter().filter(|o| o["mentee"].starts_with('m')).map(|o| o["mentee"].as_str()).collect();
        near("alumni", alumni.len() as f64 / mentors.len() as f64, ALUMNI, 0.03);
        // Alumni histories start with a meeting too, so they dilute the no-show share.
        let first_records = checked.outcomes.iter().filter(|o| o["outcome"] == "met" || o["outcome"] == "no_show");
        let (met, no_show) =
            first_records.fold((0, 0), |(m, n), o| if o["outcome"] == "met" { (m + 1, n) } else { (m, n + 1) });
        near(
            "no_show",
            no_show as f64 / (met + no_show) as f64,
            NO_SHOW * HISTORY / (HISTORY + ALUMNI * 4_000.0 / 15_000.0),
            0.03,
        );
        let jobs: Vec<_> =
            checked.outcomes.iter().filter(|o| o["outcome"] == "job_start" && o["mentee"].starts_with("js")).collect();
        near(
            "job employer known",
            jobs.iter().filter(|o| !o["employer"].is_empty()).count() as f64 / jobs.len() as f64,
            JOB_EMPLOYER_KNOWN,
            0.04,
        );
        assert!(
            (0.002..0.009).contains(&(checked.exclusions as f64 / jobseekers.len() as f64)),
            "exclusions {}",
            checked.exclusions
        );

        let kinds = |kind: &str| checked.connections.iter().filter(|c| c["kind"] == kind).count() as f64;
        let people = checked.people.len() as f64;
        // About two ring ties per person (a few lost to tiny towns and duplicates).
        near("knows per person", kinds("knows") / people, RING_NEIGHBOURS as f64, 0.2);
        near("peer per jobseeker", kinds("peer") / jobseekers.len() as f64, PEER, 0.02);
        assert!(kinds("worked_with") > mentors.len() as f64, "colleague ties {}", kinds("worked_with"));
        let mentored_pairs = checked.outcomes.iter().filter(|o| o["outcome"] == "met").count() as f64;
        near("mentored ties", kinds("mentored"), mentored_pairs, 0.5);
    }
}
