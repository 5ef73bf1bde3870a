//! The data model: people, employers and the relations between them, with
//! string ids interned once into dense indices.
//!
//! A [`Dataset`] is what every later stage (scoring, solvers, reports)
//! reads. Ids stay strings only at the edges (`id` fields, for output);
//! everything inside refers to people and employers by [`PersonIdx`] and
//! [`EmployerIdx`], and to tags by small integers into the dataset's tables.

use crate::geo::{AreaIdx, Areas};
use crate::taxonomy::{SicIdx, Taxonomy};

/// Dense index of a person in [`Dataset::people`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonIdx(pub u32);

/// Dense index of an employer in [`Dataset::employers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EmployerIdx(pub u32);

/// Index of a tag in [`Dataset::experience_tags`] (experiences and specialisms share it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagIdx(pub u16);

/// Index of a skill in [`Dataset::skill_tags`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SkillIdx(pub u32);

/// What a person is to the programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Someone looking for work.
    Jobseeker,
    /// Someone in work, often an alumnus, who mentors.
    Mentor,
    /// A work coach or specialist adviser.
    Coach,
}

impl Role {
    /// The word used in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Jobseeker => "jobseeker",
            Role::Mentor => "mentor",
            Role::Coach => "coach",
        }
    }

    /// Parses the word used in data files.
    pub fn parse(text: &str) -> Option<Role> {
        Some(match text {
            "jobseeker" => Role::Jobseeker,
            "mentor" => Role::Mentor,
            "coach" => Role::Coach,
            _ => return None,
        })
    }

    /// Whether this person helps others (mentor or coach).
    pub fn is_helper(self) -> bool {
        self != Role::Jobseeker
    }
}

/// An ISO 639-1 language code packed into two bytes (`en`, `pl`, `cy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Language(pub [u8; 2]);

impl Language {
    /// English, the default when a person lists no language.
    pub const ENGLISH: Language = Language(*b"en");

    /// Parses a two-letter lower-case code.
    pub fn parse(text: &str) -> Option<Language> {
        match text.as_bytes() {
            &[a, b] if a.is_ascii_lowercase() && b.is_ascii_lowercase() => Some(Language([a, b])),
            _ => None,
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// The days of a week, in slot order.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// The parts of a day, in slot order.
pub const PARTS: [&str; 3] = ["am", "pm", "eve"];

/// A set of weekly slots (*I will*): `mon_am` … `sun_eve`, 21 in all, as a bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slots(pub u32);

impl Slots {
    /// Every slot of the week.
    pub const ALL: Slots = Slots((1 << 21) - 1);

    /// The bit of one slot name (`tue_eve`), or `None` if it is not a slot.
    pub fn parse_one(name: &str) -> Option<Slots> {
        let (day, part) = name.split_once('_')?;
        let d = DAYS.iter().position(|x| *x == day)?;
        let p = PARTS.iter().position(|x| *x == part)?;
        Some(Slots(1 << (d * 3 + p)))
    }

    /// Slots in both sets.
    pub fn intersection(self, other: Slots) -> Slots {
        Slots(self.0 & other.0)
    }

    /// How many slots the set holds.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set holds no slot.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Slot names in week order.
    pub fn names(self) -> impl Iterator<Item = String> {
        (0..21).filter(move |bit| self.0 & (1 << bit) != 0).map(|bit| format!("{}_{}", DAYS[bit / 3], PARTS[bit % 3]))
    }
}

/// A jobseeker, mentor or coach.
///
/// Experience tags are present only when the person consented: tags given
/// without consent are dropped when the data is read and never reach a score
/// or an output.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    /// The id from `people.csv`.
    pub id: String,
    /// Jobseeker, mentor or coach.
    pub role: Role,
    /// Local area.
    pub area: AreaIdx,
    /// Latitude in decimal degrees (the area's centroid when none was given).
    pub lat: f64,
    /// Longitude in decimal degrees (the area's centroid when none was given).
    pub lon: f64,
    /// Sectors wanted (jobseeker) or worked in (mentor, coach), sorted, deduplicated.
    pub sectors: Vec<SicIdx>,
    /// Skills (*I can*), sorted, deduplicated.
    pub skills: Vec<SkillIdx>,
    /// Consented lived-experience tags (*I am*), sorted, deduplicated; empty without consent.
    pub experiences: Vec<TagIdx>,
    /// Whether the person consented to their experiences being used.
    pub consent: bool,
    /// Languages spoken, sorted, deduplicated; never empty.
    pub languages: Vec<Language>,
    /// Weekly availability.
    pub availability: Slots,
    /// Whether meeting online is fine.
    pub remote: bool,
    /// Furthest the person will travel, in km.
    pub max_km: f64,
    /// How many people a mentor or coach takes on (0 for jobseekers).
    pub capacity: u32,
    /// A mentor's current employer.
    pub employer: Option<EmployerIdx>,
    /// A coach's specialisms (experience tags), sorted, deduplicated.
    pub specialisms: Vec<TagIdx>,
    /// A jobseeker's promise to mentor someone once in work.
    pub pass_it_on: bool,
}

/// An employer, the end point of warm introductions.
#[derive(Clone, Debug, PartialEq)]
pub struct Employer {
    /// The id from `employers.csv`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Sectors the employer works in, sorted, deduplicated.
    pub sectors: Vec<SicIdx>,
    /// Local area.
    pub area: AreaIdx,
    /// Latitude in decimal degrees.
    pub lat: f64,
    /// Longitude in decimal degrees.
    pub lon: f64,
    /// Open vacancies.
    pub vacancies: u32,
}

/// The kind of tie between two people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConnectionKind {
    /// Acquaintance.
    Knows,
    /// Colleagues, now or before.
    WorkedWith,
    /// One mentored the other.
    Mentored,
    /// Jobseekers supporting each other.
    Peer,
}

impl ConnectionKind {
    /// Every kind, in file-format order.
    pub const ALL: [ConnectionKind; 4] =
        [ConnectionKind::Knows, ConnectionKind::WorkedWith, ConnectionKind::Mentored, ConnectionKind::Peer];

    /// The word used in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::Knows => "knows",
            ConnectionKind::WorkedWith => "worked_with",
            ConnectionKind::Mentored => "mentored",
            ConnectionKind::Peer => "peer",
        }
    }

    /// Parses the word used in data files.
    pub fn parse(text: &str) -> Option<ConnectionKind> {
        ConnectionKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A tie between two people, from `connections.csv`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Connection {
    /// One end.
    pub a: PersonIdx,
    /// The other end.
    pub b: PersonIdx,
    /// What kind of tie.
    pub kind: ConnectionKind,
    /// Tie strength in (0, 1].
    pub strength: f64,
}

/// Two people never to be put together, from `exclusions.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclusion {
    /// One person.
    pub a: PersonIdx,
    /// The other.
    pub b: PersonIdx,
    /// Why, as given (may be empty).
    pub reason: String,
}

/// A jobseeker's ranked choice, from `preferences.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preference {
    /// The jobseeker choosing.
    pub person: PersonIdx,
    /// 1 = first choice.
    pub rank: u32,
    /// The mentor or coach chosen.
    pub choice: PersonIdx,
}

/// What came of a mentoring relationship.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutcomeKind {
    /// The mentee did not turn up.
    NoShow,
    /// They met.
    Met,
    /// The mentee started a job.
    JobStart,
    /// The mentee is still in work after the programme's sustainment period.
    SustainedJob,
}

impl OutcomeKind {
    /// Every kind, from worst to best.
    pub const ALL: [OutcomeKind; 4] =
        [OutcomeKind::NoShow, OutcomeKind::Met, OutcomeKind::JobStart, OutcomeKind::SustainedJob];

    /// The word used in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::NoShow => "no_show",
            OutcomeKind::Met => "met",
            OutcomeKind::JobStart => "job_start",
            OutcomeKind::SustainedJob => "sustained_job",
        }
    }

    /// Parses the word used in data files.
    pub fn parse(text: &str) -> Option<OutcomeKind> {
        OutcomeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether the mentee got into work.
    pub fn is_job(self) -> bool {
        matches!(self, OutcomeKind::JobStart | OutcomeKind::SustainedJob)
    }
}

/// A calendar date (proleptic Gregorian), as read from ISO 8601 `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists (no 30 February).
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            text.get(range.clone()).filter(|s| s.bytes().all(|c| c.is_ascii_digit())).and_then(|s| s.parse().ok())
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month).contains(&day).then_some(Date { year: year as i32, month: month as u8, day: day as u8 })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A recorded outcome, from `outcomes.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The person mentored.
    pub mentee: PersonIdx,
    /// Who mentored them.
    pub mentor: PersonIdx,
    /// What came of it.
    pub outcome: OutcomeKind,
    /// When.
    pub date: Date,
    /// Where a job started, if known.
    pub employer: Option<EmployerIdx>,
}

/// A whole data directory, validated and indexed.
///
/// Every index inside is valid for the vectors here; every list is sorted,
/// so equal inputs give equal datasets whatever their row order within a
/// relation file. People and employers keep file order (their indices are
/// their row numbers), and all output sorts by id.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// The SIC 2007 hierarchy that `sectors` index into.
    pub taxonomy: Taxonomy,
    /// The local areas that `area` fields index into.
    pub areas: Areas,
    /// People, in file order.
    pub people: Vec<Person>,
    /// Employers, in file order.
    pub employers: Vec<Employer>,
    /// Ties between people, sorted by (a, b, kind) with a < b.
    pub connections: Vec<Connection>,
    /// Pairs never to be matched, sorted by (a, b) with a < b.
    pub exclusions: Vec<Exclusion>,
    /// Ranked choices, sorted by (person, rank).
    pub preferences: Vec<Preference>,
    /// Outcomes, sorted by (mentee, date, mentor).
    pub outcomes: Vec<Outcome>,
    /// Experience and specialism tag names; [`TagIdx`] indexes this; sorted.
    pub experience_tags: Vec<String>,
    /// Skill names; [`SkillIdx`] indexes this; sorted.
    pub skill_tags: Vec<String>,
}

impl Dataset {
    /// A dataset with no people, employers or relations.
    pub fn empty(taxonomy: Taxonomy, areas: Areas) -> Dataset {
        Dataset {
            taxonomy,
            areas,
            people: Vec::new(),
            employers: Vec::new(),
            connections: Vec::new(),
            exclusions: Vec::new(),
            preferences: Vec::new(),
            outcomes: Vec::new(),
            experience_tags: Vec::new(),
            skill_tags: Vec::new(),
        }
    }

    /// The person at `idx`.
    ///
    /// # Panics
    ///
    /// If `idx` did not come from this dataset.
    pub fn person(&self, idx: PersonIdx) -> &Person {
        &self.people[idx.0 as usize]
    }

    /// The employer at `idx`.
    ///
    /// # Panics
    ///
    /// If `idx` did not come from this dataset.
    pub fn employer(&self, idx: EmployerIdx) -> &Employer {
        &self.employers[idx.0 as usize]
    }

    /// Indices of the people with `role`, in file order.
    pub fn people_with_role(&self, role: Role) -> impl Iterator<Item = PersonIdx> + '_ {
        self.people.iter().enumerate().filter(move |(_, p)| p.role == role).map(|(i, _)| PersonIdx(i as u32))
    }

    /// Mentors and coaches with room for at least one person, in dataset order:
    /// the only people a jobseeker can be put with.
    pub fn helpers_with_capacity(&self) -> Vec<PersonIdx> {
        let helps = |p: &Person| p.role.is_helper() && p.capacity > 0;
        self.people.iter().enumerate().filter(|(_, p)| helps(p)).map(|(i, _)| PersonIdx(i as u32)).collect()
    }

    /// How many people have each role: (jobseekers, mentors, coaches).
    pub fn role_counts(&self) -> (usize, usize, usize) {
        let count = |role| self.people.iter().filter(|p| p.role == role).count();
        (count(Role::Jobseeker), count(Role::Mentor), count(Role::Coach))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip_names() {
        let s = Slots(Slots::parse_one("mon_am").unwrap().0 | Slots::parse_one("sun_eve").unwrap().0);
        assert_eq!(s.names().collect::<Vec<_>>(), ["mon_am", "sun_eve"]);
        assert_eq!(Slots::ALL.len(), 21);
        assert_eq!(Slots::parse_one("mon_night"), None);
        assert_eq!(Slots::parse_one("monday_am"), None);
    }

    #[test]
    fn dates_check_the_calendar() {
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()), Some("2024-02-29".to_string()));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("1900-02-29"), None);
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("2023-1-01"), None);
        assert_eq!(Date::parse("+023-01-01"), None);
    }

    #[test]
    fn words_round_trip() {
        for kind in ConnectionKind::ALL {
            assert_eq!(ConnectionKind::parse(kind.as_str()), Some(kind));
        }
        for kind in OutcomeKind::ALL {
            assert_eq!(OutcomeKind::parse(kind.as_str()), Some(kind));
        }
        for role in [Role::Jobseeker, Role::Mentor, Role::Coach] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Language::parse("cy").unwrap().as_str(), "cy");
        assert_eq!(Language::parse("EN"), None);
    }
}
