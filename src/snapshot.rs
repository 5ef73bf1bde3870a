//! Snapshots: a whole [`Dataset`] in one binary file, fast to load.
//!
//! # Format
//!
//! ```text
//! offset  size  field
//!      0     8  magic "PASSITON"
//!      8     4  format version, u32 little-endian (currently 1)
//!     12     8  body length in bytes, u64 little-endian
//!     20     4  CRC-32 (IEEE) of the body, u32 little-endian
//!     24     …  body: bincode 2 (standard configuration) of the snapshot records
//! ```
//!
//! The body holds snapshot records, not the model types themselves, so that
//! the model can change without silently changing the file format: a change
//! to the records is a new format version. Sector and area fields are indices
//! into the bundled reference tables, which the body fingerprints; a snapshot
//! made with other reference tables is refused rather than misread.
//!
//! Reading checks, in order: magic, version (a newer one is refused by name),
//! length (a truncated or padded file is refused), checksum, then decodes
//! with a byte limit proportional to the file's size, so a hostile length
//! prefix cannot make the decoder allocate more than the file justifies, and
//! finally checks every index in the records, so a crafted file with a valid
//! checksum still cannot cause a panic later.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geo::{AreaIdx, Areas};
use crate::io::atomic;
use crate::model::{
    Connection, ConnectionKind, Dataset, Date, Employer, EmployerIdx, Exclusion, Language, Outcome, OutcomeKind,
    Person, PersonIdx, Preference, Role, SkillIdx, Slots, TagIdx,
};
use crate::taxonomy::{SicIdx, Taxonomy};

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"PASSITON";
/// The format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 24;

/// Writes `data` to `path` as a snapshot, atomically.
///
/// # Errors
///
/// I/O errors naming `path`; `path` is untouched on error.
pub fn write_snapshot(data: &Dataset, path: &Path) -> Result<()> {
    let body = encode_body(data);
    atomic::write_file(path, |out| {
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(&MAGIC);
        header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        header.extend_from_slice(&(body.len() as u64).to_le_bytes());
        header.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.write_all(&header).and_then(|()| out.write_all(&body)).map_err(|e| Error::io(path, e))
    })
}

/// Reads a snapshot written by [`write_snapshot`].
///
/// # Errors
///
/// [`Error::Snapshot`] naming `path` when the file is not a snapshot, was
/// written by a newer format version, is truncated or corrupted, or holds
/// out-of-range records; [`Error::Io`] when it cannot be read.
pub fn read_snapshot(path: &Path) -> Result<Dataset> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    decode_snapshot(&bytes).map_err(|problem| Error::Snapshot { path: path.to_path_buf(), problem })
}

/// Whether `path` starts with the snapshot magic (and so should be read as one).
pub fn is_snapshot(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 8];
    fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && magic == MAGIC
}

/// Decodes a snapshot held in memory; the error is the problem, in words.
pub fn decode_snapshot(bytes: &[u8]) -> std::result::Result<Dataset, String> {
    if bytes.len() < 8 || bytes[..8] != MAGIC {
        return Err("not a passiton snapshot (wrong magic bytes)".into());
    }
    if bytes.len() < HEADER_LEN {
        return Err(format!("truncated snapshot: {} bytes, shorter than the {HEADER_LEN}-byte header", bytes.len()));
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let version = word(8);
    if version > FORMAT_VERSION {
        return Err(format!(
            "snapshot format version {version} is newer than this passiton reads (up to {FORMAT_VERSION}); \
             upgrade passiton or remake the snapshot"
        ));
    }
    if version == 0 {
        return Err("snapshot format version 0 does not exist".into());
    }
    let body_len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let body = &bytes[HEADER_LEN..];
    if body.len() as u64 != body_len {
        return Err(format!(
            "truncated or padded snapshot: header promises {body_len} body bytes, file holds {}",
            body.len()
        ));
    }
    if crc32fast::hash(body) != word(20) {
        return Err("corrupted snapshot: checksum does not match".into());
    }
    let records = decode_limited(body)?;
    records.into_dataset()
}

/// Decodes the body with a byte budget of 16 bytes of memory per body byte
/// (at least 1 MiB): ample for any real snapshot, whose in-memory size is a
/// small multiple of its encoding, and a hard cap for a crafted one.
fn decode_limited(body: &[u8]) -> std::result::Result<Body, String> {
    fn with_limit<const N: usize>(body: &[u8]) -> std::result::Result<Body, String> {
        let config = bincode::config::standard().with_limit::<N>();
        let (records, used): (Body, usize) =
            bincode::serde::decode_from_slice(body, config).map_err(|e| format!("corrupted snapshot body: {e}"))?;
        if used != body.len() {
            return Err(format!("corrupted snapshot body: {} trailing bytes", body.len() - used));
        }
        Ok(records)
    }
    let budget = body.len().saturating_mul(16).max(1 << 20);
    // bincode's limit is a const generic, so pick the smallest power of two
    // that covers the budget.
    match budget.next_power_of_two().trailing_zeros() {
        ..=20 => with_limit::<{ 1 << 20 }>(body),
        21 => with_limit::<{ 1 << 21 }>(body),
        22 => with_limit::<{ 1 << 22 }>(body),
        23 => with_limit::<{ 1 << 23 }>(body),
        24 => with_limit::<{ 1 << 24 }>(body),
        25 => with_limit::<{ 1 << 25 }>(body),
        26 => with_limit::<{ 1 << 26 }>(body),
        27 => with_limit::<{ 1 << 27 }>(body),
        28 => with_limit::<{ 1 << 28 }>(body),
        29 => with_limit::<{ 1 << 29 }>(body),
        30 => with_limit::<{ 1 << 30 }>(body),
        31 => with_limit::<{ 1 << 31 }>(body),
        32 => with_limit::<{ 1 << 32 }>(body),
        33 => with_limit::<{ 1 << 33 }>(body),
        34 => with_limit::<{ 1 << 34 }>(body),
        35 => with_limit::<{ 1 << 35 }>(body),
        36 => with_limit::<{ 1 << 36 }>(body),
        _ => with_limit::<{ 1 << 40 }>(body),
    }
}

/// A fingerprint of the bundled reference tables the indices refer to.
fn reference_fingerprint(taxonomy: &Taxonomy, areas: &Areas) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    for node in &taxonomy.nodes {
        hasher.update(node.code.as_bytes());
        hasher.update(b"\n");
    }
    for area in &areas.areas {
        hasher.update(area.code.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize()
}

#[derive(Serialize, Deserialize)]
struct Body {
    reference: u32,
    people: Vec<PersonRecord>,
    employers: Vec<EmployerRecord>,
    connections: Vec<(u32, u32, u8, f64)>,
    exclusions: Vec<(u32, u32, String)>,
    preferences: Vec<(u32, u32, u32)>,
    outcomes: Vec<OutcomeRecord>,
    experience_tags: Vec<String>,
    skill_tags: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct PersonRecord {
    id: String,
    role: u8,
    area: u16,
    lat: f64,
    lon: f64,
    sectors: Vec<u16>,
    skills: Vec<u32>,
    experiences: Vec<u16>,
    consent: bool,
    languages: Vec<[u8; 2]>,
    availability: u32,
    remote: bool,
    max_km: f64,
    capacity: u32,
    employer: Option<u32>,
    specialisms: Vec<u16>,
    pass_it_on: bool,
}

#[derive(Serialize, Deserialize)]
struct EmployerRecord {
    id: String,
    name: String,
    sectors: Vec<u16>,
    area: u16,
    lat: f64,
    lon: f64,
    vacancies: u32,
}

#[derive(Serialize, Deserialize)]
struct OutcomeRecord {
    mentee: u32,
    mentor: u32,
    outcome: u8,
    date: (i32, u8, u8),
    employer: Option<u32>,
}

const ROLES: [Role; 3] = [Role::Jobseeker, Role::Mentor, Role::Coach];

fn encode_body(data: &Dataset) -> Vec<u8> {
    let sectors = |list: &[SicIdx]| list.iter().map(|s| s.0).collect::<Vec<_>>();
    let tags = |list: &[TagIdx]| list.iter().map(|t| t.0).collect::<Vec<_>>();
    let body = Body {
        reference: reference_fingerprint(&data.taxonomy, &data.areas),
        people: data
            .people
            .iter()
            .map(|p| PersonRecord {
                id: p.id.clone(),
                role: ROLES.iter().position(|r| *r == p.role).expect("every role is listed") as u8,
                area: p.area.0,
                lat: p.lat,
                lon: p.lon,
                sectors: sectors(&p.sectors),
                skills: p.skills.iter().map(|s| s.0).collect(),
                experiences: tags(&p.experiences),
                consent: p.consent,
                languages: p.languages.iter().map(|l| l.0).collect(),
                availability: p.availability.0,
                remote: p.remote,
                max_km: p.max_km,
                capacity: p.capacity,
                employer: p.employer.map(|e| e.0),
                specialisms: tags(&p.specialisms),
                pass_it_on: p.pass_it_on,
            })
            .collect(),
        employers: data
            .employers
            .iter()
            .map(|e| EmployerRecord {
                id: e.id.clone(),
                name: e.name.clone(),
                sectors: sectors(&e.sectors),
                area: e.area.0,
                lat: e.lat,
                lon: e.lon,
                vacancies: e.vacancies,
            })
            .collect(),
        connections: data.connections.iter().map(|c| (c.a.0, c.b.0, c.kind as u8, c.strength)).collect(),
        exclusions: data.exclusions.iter().map(|x| (x.a.0, x.b.0, x.reason.clone())).collect(),
        preferences: data.preferences.iter().map(|p| (p.person.0, p.rank, p.choice.0)).collect(),
        outcomes: data
            .outcomes
            .iter()
            .map(|o| OutcomeRecord {
                mentee: o.mentee.0,
                mentor: o.mentor.0,
                outcome: o.outcome as u8,
                date: (o.date.year, o.date.month, o.date.day),
                employer: o.employer.map(|e| e.0),
            })
            .collect(),
        experience_tags: data.experience_tags.clone(),
        skill_tags: data.skill_tags.clone(),
    };
    bincode::serde::encode_to_vec(&body, bincode::config::standard()).expect("encoding to memory cannot fail")
}

/// Range checks shared by the record conversions.
struct Bounds {
    n_sic: usize,
    n_areas: usize,
    n_people: usize,
    n_employers: usize,
    n_tags: usize,
    n_skills: usize,
}

impl Bounds {
    fn check(what: &str, value: usize, bound: usize) -> std::result::Result<(), String> {
        if value < bound { Ok(()) } else { Err(format!("corrupted snapshot: {what} index {value} out of range")) }
    }
    fn sectors(&self, list: &[u16]) -> std::result::Result<Vec<SicIdx>, String> {
        list.iter().map(|&s| Bounds::check("sector", usize::from(s), self.n_sic).map(|()| SicIdx(s))).collect()
    }
    fn area(&self, area: u16) -> std::result::Result<AreaIdx, String> {
        Bounds::check("area", usize::from(area), self.n_areas).map(|()| AreaIdx(area))
    }
    fn person(&self, p: u32) -> std::result::Result<PersonIdx, String> {
        Bounds::check("person", p as usize, self.n_people).map(|()| PersonIdx(p))
    }
    fn employer(&self, e: Option<u32>) -> std::result::Result<Option<EmployerIdx>, String> {
        e.map(|e| Bounds::check("employer", e as usize, self.n_employers).map(|()| EmployerIdx(e))).transpose()
    }
    fn tags(&self, list: &[u16]) -> std::result::Result<Vec<TagIdx>, String> {
        list.iter().map(|&t| Bounds::check("tag", usize::from(t), self.n_tags).map(|()| TagIdx(t))).collect()
    }
}

impl Body {
    fn into_dataset(self) -> std::result::Result<Dataset, String> {
        let taxonomy = Taxonomy::uk_sic_2007();
        let areas = Areas::uk_2025();
        if self.reference != reference_fingerprint(&taxonomy, &areas) {
            return Err("snapshot was made with different reference tables (SIC or areas); remake it".into());
        }
        let bounds = Bounds {
            n_sic: taxonomy.nodes.len(),
            n_areas: areas.areas.len(),
            n_people: self.people.len(),
            n_employers: self.employers.len(),
            n_tags: self.experience_tags.len(),
            n_skills: self.skill_tags.len(),
        };
        let finite = |what: &str, x: f64| {
            if x.is_finite() { Ok(x) } else { Err(format!("corrupted snapshot: {what} is not finite")) }
        };
        let people = self
            .people
            .into_iter()
            .map(|p| {
                let languages = p
                    .languages
                    .iter()
                    .map(|l| {
                        Language::parse(std::str::from_utf8(l).unwrap_or(""))
                            .ok_or_else(|| "corrupted snapshot: bad language code".to_string())
                    })
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                let skills = p
                    .skills
                    .iter()
                    .map(|&s| Bounds::check("skill", s as usize, bounds.n_skills).map(|()| SkillIdx(s)))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Ok(Person {
                    role: *ROLES.get(usize::from(p.role)).ok_or("corrupted snapshot: bad role")?,
                    area: bounds.area(p.area)?,
                    lat: finite("latitude", p.lat)?,
                    lon: finite("longitude", p.lon)?,
                    sectors: bounds.sectors(&p.sectors)?,
                    skills,
                    experiences: bounds.tags(&p.experiences)?,
                    consent: p.consent,
                    languages,
                    availability: Slots(p.availability & Slots::ALL.0),
                    remote: p.remote,
                    max_km: finite("max_km", p.max_km)?,
                    capacity: p.capacity,
                    employer: bounds.employer(p.employer)?,
                    specialisms: bounds.tags(&p.specialisms)?,
                    pass_it_on: p.pass_it_on,
                    id: p.id,
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let employers = self
            .employers
            .into_iter()
            .map(|e| {
                Ok(Employer {
                    sectors: bounds.sectors(&e.sectors)?,
                    area: bounds.area(e.area)?,
                    lat: finite("latitude", e.lat)?,
                    lon: finite("longitude", e.lon)?,
                    vacancies: e.vacancies,
                    id: e.id,
                    name: e.name,
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let connections = self
            .connections
            .into_iter()
            .map(|(a, b, kind, strength)| {
                Ok(Connection {
                    a: bounds.person(a)?,
                    b: bounds.person(b)?,
                    kind: *ConnectionKind::ALL
                        .get(usize::from(kind))
                        .ok_or("corrupted snapshot: bad connection kind")?,
                    strength: if strength > 0.0 && strength <= 1.0 {
                        strength
                    } else {
                        return Err("corrupted snapshot: strength outside (0, 1]".to_string());
                    },
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let exclusions = self
            .exclusions
            .into_iter()
            .map(|(a, b, reason)| Ok(Exclusion { a: bounds.person(a)?, b: bounds.person(b)?, reason }))
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let preferences = self
            .preferences
            .into_iter()
            .map(|(person, rank, choice)| {
                Ok(Preference { person: bounds.person(person)?, rank, choice: bounds.person(choice)? })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let outcomes = self
            .outcomes
            .into_iter()
            .map(|o| {
                let (year, month, day) = o.date;
                let date = Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
                    .ok_or_else(|| "corrupted snapshot: bad date".to_string())?;
                Ok(Outcome {
                    mentee: bounds.person(o.mentee)?,
                    mentor: bounds.person(o.mentor)?,
                    outcome: *OutcomeKind::ALL.get(usize::from(o.outcome)).ok_or("corrupted snapshot: bad outcome")?,
                    date,
                    employer: bounds.employer(o.employer)?,
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        Ok(Dataset {
            taxonomy,
            areas,
            people,
            employers,
            connections,
            exclusions,
            preferences,
            outcomes,
            experience_tags: self.experience_tags,
            skill_tags: self.skill_tags,
        })
    }
}
