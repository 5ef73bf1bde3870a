//! Reading a data directory (SPEC.md's CSV files) into a validated [`Dataset`].
//!
//! Every file is read to the end and every problem recorded, so that one run
//! of `passiton validate` lists them all (up to [`crate::error::MAX_PROBLEMS`]
//! per file). Files are read in dependency order (employers, people, then the
//! relations that name them), and a relation naming an id that was refused or
//! never defined is itself a problem.
//!
//! Lived-experience tags of people who did not consent are checked for form
//! and then dropped here: nothing after this module can see them.

use std::collections::hash_map::Entry;
use std::path::Path;

use crate::error::{Problem, Result};
use crate::geo::{AreaIdx, Areas};
use crate::io::csv_table::{Column, ProblemLog, Table, list_items, optional, quoted, required};
use crate::io::intern::{IdHashBuilder, Interner as IdInterner};
use crate::model::{
    Connection, ConnectionKind, Dataset, Date, Employer, EmployerIdx, Exclusion, Language, Outcome, OutcomeKind,
    Person, PersonIdx, Preference, Role, SkillIdx, Slots, TagIdx,
};
use crate::taxonomy::{SicIdx, Taxonomy};

/// Default travel limit in km when `max_km` is empty.
pub const DEFAULT_MAX_KM: f64 = 15.0;
/// Default capacity of a mentor when `capacity` is empty.
pub const DEFAULT_MENTOR_CAPACITY: u32 = 1;
/// Default capacity of a coach when `capacity` is empty.
pub const DEFAULT_COACH_CAPACITY: u32 = 100;
/// Default tie strength when `strength` is empty.
pub const DEFAULT_STRENGTH: f64 = 0.5;

/// The files of a data directory, in the order they are read.
pub const DATA_FILES: [&str; 6] =
    ["employers.csv", "people.csv", "connections.csv", "exclusions.csv", "preferences.csv", "outcomes.csv"];

const PEOPLE_COLUMNS: [Column; 17] = [
    required("id"),
    required("role"),
    required("area"),
    optional("lat"),
    optional("lon"),
    optional("sectors"),
    optional("skills"),
    optional("experiences"),
    optional("consent"),
    optional("languages"),
    optional("availability"),
    optional("remote"),
    optional("max_km"),
    optional("capacity"),
    optional("employer"),
    optional("specialisms"),
    optional("pass_it_on"),
];
const EMPLOYER_COLUMNS: [Column; 7] = [
    required("id"),
    optional("name"),
    optional("sectors"),
    required("area"),
    optional("lat"),
    optional("lon"),
    optional("vacancies"),
];
const CONNECTION_COLUMNS: [Column; 4] = [required("a"), required("b"), required("kind"), optional("strength")];
const EXCLUSION_COLUMNS: [Column; 3] = [required("a"), required("b"), optional("reason")];
const PREFERENCE_COLUMNS: [Column; 3] = [required("person"), required("rank"), required("choice")];
const OUTCOME_COLUMNS: [Column; 5] =
    [required("mentee"), required("mentor"), required("outcome"), required("date"), optional("employer")];

/// Reads and validates the data directory `dir`.
///
/// `people.csv` is required; the other files of SPEC.md are optional.
///
/// # Errors
///
/// [`crate::Error::Input`] with every problem found (file, line, column), or
/// [`crate::Error::Io`] when a file exists but cannot be read.
///
/// # Examples
///
/// ```
/// let data = passiton::read_dataset(std::path::Path::new("fixtures/sample"))?;
/// let (jobseekers, mentors, coaches) = data.role_counts();
/// assert!(jobseekers > 0 && mentors > 0 && coaches > 0);
/// # Ok::<(), passiton::Error>(())
/// ```
pub fn read_dataset(dir: &Path) -> Result<Dataset> {
    if !dir.is_dir() {
        let what = if dir.exists() { "is not a directory" } else { "does not exist" };
        return Err(crate::Error::Argument(format!("{}: data directory {what}", dir.display())));
    }
    let mut reader = DatasetReader::new();
    let open = |name: &str, columns: &[Column], log: &mut ProblemLog| -> Result<Option<Table>> {
        let path = dir.join(name);
        if !path.exists() {
            return Ok(None);
        }
        Table::open(&path, name, columns, log)
    };
    match open("employers.csv", &EMPLOYER_COLUMNS, &mut reader.log)? {
        Some(mut t) => reader.read_employers(&mut t),
        // Without the file, every employer reference is unknown and reported;
        // with a refused header, its problems are already listed.
        None => reader.employer_ids.unreadable = dir.join("employers.csv").exists(),
    }
    match open("people.csv", &PEOPLE_COLUMNS, &mut reader.log)? {
        Some(mut t) => reader.read_people(&mut t),
        None => {
            reader.person_ids.unreadable = true;
            if !dir.join("people.csv").exists() {
                reader.log.start_file();
                reader.log.push(Problem::file("people.csv", "file is missing (a data directory needs people.csv)"));
            }
        }
    }
    if let Some(mut t) = open("connections.csv", &CONNECTION_COLUMNS, &mut reader.log)? {
        reader.read_connections(&mut t);
    }
    if let Some(mut t) = open("exclusions.csv", &EXCLUSION_COLUMNS, &mut reader.log)? {
        reader.read_exclusions(&mut t);
    }
    if let Some(mut t) = open("preferences.csv", &PREFERENCE_COLUMNS, &mut reader.log)? {
        reader.read_preferences(&mut t);
    }
    if let Some(mut t) = open("outcomes.csv", &OUTCOME_COLUMNS, &mut reader.log)? {
        reader.read_outcomes(&mut t);
    }
    reader.finish()
}

/// A `HashMap` with the fast unkeyed hash of [`crate::io::intern`]: keys
/// are ids and dense indices from the user's own files, not adversarial
/// input, and SipHash was a large share of loading a big directory.
type HashMap<K, V> = std::collections::HashMap<K, V, IdHashBuilder>;

/// Interns strings to dense indices in first-seen order; [`Interner::sorted`]
/// later renumbers them in string order so that indices never depend on row order.
#[derive(Default)]
struct Interner {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&idx) = self.index.get(name) {
            return idx;
        }
        let idx = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), idx);
        idx
    }

    /// The names sorted, and for each first-seen index its sorted index.
    fn sorted(self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut remap = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let mut names = self.names;
        let sorted = order.iter().map(|&old| std::mem::take(&mut names[old as usize])).collect();
        (sorted, remap)
    }
}

/// The ids one file defined, for references from other files.
///
/// Every id is looked up once per relation row that names it (millions in a
/// large directory), so ids live in an [`IdInterner`], whose table keeps
/// short ids inline: one cache miss per lookup.
struct KnownIds<I> {
    /// Every id defined, accepted or refused; an id is defined once, since
    /// a repeated id is reported and not defined again.
    ids: IdInterner,
    /// Per interned id: its index if its row was accepted (`None` if
    /// refused), and the line that defined it.
    defined: Vec<(Option<I>, u64)>,
    /// Whether the file could not be read at all (missing, or its header refused).
    unreadable: bool,
}

impl<I: Copy> KnownIds<I> {
    fn new() -> KnownIds<I> {
        KnownIds { ids: IdInterner::default(), defined: Vec::new(), unreadable: false }
    }

    /// The line an id was first defined on, accepted or refused.
    fn first_line(&self, id: &str) -> Option<u64> {
        self.ids.get(id).map(|at| self.defined[at as usize].1)
    }

    /// How `id` was defined: `Some(Some(index))` if accepted, `Some(None)`
    /// if its row was refused, `None` if never defined.
    fn lookup(&self, id: &str) -> Option<Option<I>> {
        self.ids.get(id).map(|at| self.defined[at as usize].0)
    }

    /// Defines `id` on `line`, accepted with `index` or refused (`None`).
    /// Callers define an id only after [`KnownIds::first_line`] found it
    /// new; an id beyond the interner's capacity (over four billion) is
    /// left undefined.
    fn define(&mut self, id: &str, index: Option<I>, line: u64) {
        if self.ids.intern(id).is_some() {
            self.defined.push((index, line));
        }
    }
}

/// State shared while the files of one directory are read.
struct DatasetReader {
    taxonomy: Taxonomy,
    areas: Areas,
    log: ProblemLog,
    people: Vec<Person>,
    person_ids: KnownIds<PersonIdx>,
    employers: Vec<Employer>,
    employer_ids: KnownIds<EmployerIdx>,
    connections: Vec<Connection>,
    exclusions: Vec<Exclusion>,
    preferences: Vec<Preference>,
    outcomes: Vec<Outcome>,
    tags: Interner,
    skills: Interner,
}

/// Which files a person id may come from, for messages.
enum IdRef {
    Person,
    Employer,
}

impl DatasetReader {
    fn new() -> DatasetReader {
        DatasetReader {
            taxonomy: Taxonomy::uk_sic_2007(),
            areas: Areas::uk_2025(),
            log: ProblemLog::default(),
            people: Vec::new(),
            person_ids: KnownIds::new(),
            employers: Vec::new(),
            employer_ids: KnownIds::new(),
            connections: Vec::new(),
            exclusions: Vec::new(),
            preferences: Vec::new(),
            outcomes: Vec::new(),
            tags: Interner::default(),
            skills: Interner::default(),
        }
    }

    fn read_employers(&mut self, t: &mut Table) {
        const ID: usize = 0;
        const NAME: usize = 1;
        const SECTORS: usize = 2;
        const AREA: usize = 3;
        const LAT: usize = 4;
        const LON: usize = 5;
        const VACANCIES: usize = 6;
        while t.next_row(&mut self.log) {
            let mut row = RowCheck::new(t, &mut self.log);
            let id = row.id(ID, "id");
            let sectors = row.sectors(SECTORS, "sectors", &self.taxonomy);
            let area = row.area(AREA, "area", &self.areas);
            let location = row.location(LAT, LON, area, &self.areas);
            let vacancies = row.count(VACANCIES, "vacancies", 0);
            let ok = row.ok;
            let name = t.get(NAME);
            let Some(id) = id else { continue };
            let line = t.line();
            if let Some(first) = self.employer_ids.first_line(id) {
                self.log.push(t.problem("id", format!("duplicate id {} (first on line {first})", quoted(id))));
                continue;
            }
            if !ok {
                self.employer_ids.define(id, None, line);
                continue;
            }
            let (Some(area), Some((lat, lon)), Some(vacancies)) = (area, location, vacancies) else { continue };
            let idx = EmployerIdx(self.employers.len() as u32);
            self.employer_ids.define(id, Some(idx), line);
            self.employers.push(Employer {
                id: id.to_string(),
                name: if name.is_empty() { id.to_string() } else { name.to_string() },
                sectors,
                area,
                lat,
                lon,
                vacancies,
            });
        }
    }

    fn read_people(&mut self, t: &mut Table) {
        const ID: usize = 0;
        const ROLE: usize = 1;
        const AREA: usize = 2;
        const LAT: usize = 3;
        const LON: usize = 4;
        const SECTORS: usize = 5;
        const SKILLS: usize = 6;
        const EXPERIENCES: usize = 7;
        const CONSENT: usize = 8;
        const LANGUAGES: usize = 9;
        const AVAILABILITY: usize = 10;
        const REMOTE: usize = 11;
        const MAX_KM: usize = 12;
        const CAPACITY: usize = 13;
        const EMPLOYER: usize = 14;
        const SPECIALISMS: usize = 15;
        const PASS_IT_ON: usize = 16;
        while t.next_row(&mut self.log) {
            let mut row = RowCheck::new(t, &mut self.log);
            let id = row.id(ID, "id");
            let role_text = t.get(ROLE);
            let role = Role::parse(role_text);
            if role.is_none() {
                row.fail(
                    "role",
                    if role_text.is_empty() {
                        "is empty (expected jobseeker, mentor or coach)".to_string()
                    } else {
                        format!("{} is not a role (expected jobseeker, mentor or coach)", quoted(role_text))
                    },
                );
            }
            let area = row.area(AREA, "area", &self.areas);
            let location = row.location(LAT, LON, area, &self.areas);
            let sectors = row.sectors(SECTORS, "sectors", &self.taxonomy);
            let skills: Vec<SkillIdx> = list_items(t.get(SKILLS)).map(|s| SkillIdx(self.skills.intern(s))).collect();
            row.tags(EXPERIENCES, "experiences");
            let consent = row.yes_no(CONSENT, "consent").unwrap_or(false);
            let languages = row.languages(LANGUAGES, "languages");
            let availability = row.slots(AVAILABILITY, "availability");
            let remote = row.yes_no(REMOTE, "remote").unwrap_or(false);
            let max_km = row.non_negative(MAX_KM, "max_km", DEFAULT_MAX_KM);
            let default_capacity = match role {
                Some(Role::Coach) => DEFAULT_COACH_CAPACITY,
                Some(Role::Mentor) => DEFAULT_MENTOR_CAPACITY,
                _ => 0,
            };
            let capacity = row.count(CAPACITY, "capacity", default_capacity);
            let n_specialisms = row.tags(SPECIALISMS, "specialisms");
            let pass_it_on = row.yes_no(PASS_IT_ON, "pass_it_on").unwrap_or(false);
            let employer_id = t.get(EMPLOYER);
            if let Some(role) = role {
                let only = |column: &str, who: &str, applies: bool, given: bool, row: &mut RowCheck| {
                    if given && !applies {
                        row.fail(column, format!("applies to {who} only, not to a {}", role.as_str()));
                    }
                };
                only("capacity", "mentors and coaches", role.is_helper(), !t.get(CAPACITY).is_empty(), &mut row);
                only("employer", "mentors", role == Role::Mentor, !employer_id.is_empty(), &mut row);
                only("specialisms", "coaches", role == Role::Coach, n_specialisms > 0, &mut row);
                only("pass_it_on", "jobseekers", role == Role::Jobseeker, pass_it_on, &mut row);
            }
            let employer = if employer_id.is_empty() {
                None
            } else {
                row.reference(employer_id, "employer", &self.employer_ids, IdRef::Employer)
            };
            let ok = row.ok;
            let Some(id) = id else { continue };
            let line = t.line();
            if let Some(first) = self.person_ids.first_line(id) {
                self.log.push(t.problem("id", format!("duplicate id {} (first on line {first})", quoted(id))));
                continue;
            }
            if !ok {
                self.person_ids.define(id, None, line);
                continue;
            }
            let (
                Some(role),
                Some(area),
                Some((lat, lon)),
                Some(languages),
                Some(availability),
                Some(max_km),
                Some(capacity),
            ) = (role, area, location, languages, availability, max_km, capacity)
            else {
                continue;
            };
            // Every tag of an accepted row passed `RowCheck::tags`, so the
            // fields are split again here rather than copied out per tag.
            let intern_all = |tags: &str, interner: &mut Interner| -> Vec<TagIdx> {
                list_items(tags).map(|tag| TagIdx(interner.intern(tag) as u16)).collect()
            };
            // Unconsented experiences stop here: they were checked for form
            // above, but are neither interned nor stored.
            let experiences = if consent { intern_all(t.get(EXPERIENCES), &mut self.tags) } else { Vec::new() };
            let specialisms = intern_all(t.get(SPECIALISMS), &mut self.tags);
            if self.tags.names.len() > usize::from(u16::MAX) {
                self.log.push(t.problem("experiences", "more than 65535 distinct experience tags"));
                continue;
            }
            let idx = PersonIdx(self.people.len() as u32);
            self.person_ids.define(id, Some(idx), line);
            self.people.push(Person {
                id: id.to_string(),
                role,
                area,
                lat,
                lon,
                sectors,
                skills,
                experiences,
                consent,
                languages,
                availability,
                remote,
                max_km,
                capacity,
                employer,
                specialisms,
                pass_it_on,
            });
        }
    }

    fn person_ref(&mut self, t: &Table, column: &str, id: &str, ok: &mut bool) -> Option<PersonIdx> {
        let mut row = RowCheck::new(t, &mut self.log);
        if id.is_empty() {
            row.fail(column, "is empty");
        }
        let found = if id.is_empty() { None } else { row.reference(id, column, &self.person_ids, IdRef::Person) };
        *ok &= row.ok;
        found
    }

    fn check_role(&mut self, t: &Table, column: &str, idx: PersonIdx, helper: bool, ok: &mut bool) {
        let person = &self.people[idx.0 as usize];
        let fits = if helper { person.role.is_helper() } else { person.role == Role::Jobseeker };
        if !fits {
            let want = if helper { "a mentor or coach" } else { "a jobseeker" };
            self.log
                .push(t.problem(column, format!("{} is a {}, not {want}", quoted(&person.id), person.role.as_str())));
            *ok = false;
        }
    }

    fn read_connections(&mut self, t: &mut Table) {
        let mut seen: HashMap<(PersonIdx, PersonIdx, ConnectionKind), u64> = HashMap::default();
        while t.next_row(&mut self.log) {
            let mut ok = true;
            let a = self.person_ref(t, "a", t.get(0), &mut ok);
            let b = self.person_ref(t, "b", t.get(1), &mut ok);
            let mut row = RowCheck::new(t, &mut self.log);
            let kind_text = t.get(2);
            let kind = ConnectionKind::parse(kind_text);
            if kind.is_none() {
                row.fail(
                    "kind",
                    format!(
                        "{} is not a connection kind (expected knows, worked_with, mentored or peer)",
                        quoted(kind_text)
                    ),
                );
            }
            let strength = row.strength(3, "strength");
            ok &= row.ok;
            let (Some(a), Some(b), Some(kind), Some(strength)) = (a, b, kind, strength) else { continue };
            if !ok {
                continue;
            }
            if a == b {
                self.log.push(t.problem("b", "a person cannot be connected to themselves"));
                continue;
            }
            let (a, b) = (a.min(b), a.max(b));
            match seen.entry((a, b, kind)) {
                Entry::Occupied(first) => {
                    let msg = format!("duplicate {} connection (first on line {})", kind.as_str(), first.get());
                    self.log.push(t.problem("b", msg));
                }
                Entry::Vacant(slot) => {
                    slot.insert(t.line());
                    self.connections.push(Connection { a, b, kind, strength });
                }
            }
        }
    }

    fn read_exclusions(&mut self, t: &mut Table) {
        let mut seen: HashMap<(PersonIdx, PersonIdx), u64> = HashMap::default();
        while t.next_row(&mut self.log) {
            let mut ok = true;
            let a = self.person_ref(t, "a", t.get(0), &mut ok);
            let b = self.person_ref(t, "b", t.get(1), &mut ok);
            let (Some(a), Some(b)) = (a, b) else { continue };
            if !ok {
                continue;
            }
            if a == b {
                self.log.push(t.problem("b", "a person cannot be excluded from themselves"));
                continue;
            }
            let (a, b) = (a.min(b), a.max(b));
            match seen.entry((a, b)) {
                Entry::Occupied(first) => {
                    let msg = format!("duplicate exclusion (first on line {})", first.get());
                    self.log.push(t.problem("b", msg));
                }
                Entry::Vacant(slot) => {
                    slot.insert(t.line());
                    self.exclusions.push(Exclusion { a, b, reason: t.get(2).to_string() });
                }
            }
        }
    }

    fn read_preferences(&mut self, t: &mut Table) {
        // (person, rank) and (person, choice) must each be unique; ranks per
        // person must run 1..n, checked once all rows are in.
        let mut by_rank: HashMap<(PersonIdx, u32), u64> = HashMap::default();
        let mut by_choice: HashMap<(PersonIdx, PersonIdx), u64> = HashMap::default();
        let mut lines: Vec<(Preference, u64)> = Vec::new();
        // People with a refused preference row: their ranks cannot be checked for gaps.
        let mut incomplete: Vec<PersonIdx> = Vec::new();
        while t.next_row(&mut self.log) {
            let mut ok = true;
            let person = self.person_ref(t, "person", t.get(0), &mut ok);
            let choice = self.person_ref(t, "choice", t.get(2), &mut ok);
            if let Some(person) = person {
                self.check_role(t, "person", person, false, &mut ok);
            }
            if let Some(choice) = choice {
                self.check_role(t, "choice", choice, true, &mut ok);
            }
            let mut row = RowCheck::new(t, &mut self.log);
            let rank = row.positive(1, "rank");
            ok &= row.ok;
            let (Some(person), Some(choice), Some(rank)) = (person, choice, rank) else {
                incomplete.extend(person);
                continue;
            };
            if !ok {
                incomplete.push(person);
                continue;
            }
            if let Some(first) = by_rank.get(&(person, rank)) {
                let msg = format!(
                    "rank {rank} repeated for {} (first on line {first})",
                    quoted(&self.people[person.0 as usize].id)
                );
                self.log.push(t.problem("rank", msg));
                continue;
            }
            if let Some(first) = by_choice.get(&(person, choice)) {
                let msg =
                    format!("{} chosen twice (first on line {first})", quoted(&self.people[choice.0 as usize].id));
                self.log.push(t.problem("choice", msg));
                continue;
            }
            by_rank.insert((person, rank), t.line());
            by_choice.insert((person, choice), t.line());
            lines.push((Preference { person, rank, choice }, t.line()));
        }
        lines.sort_by_key(|(p, _)| (p.person, p.rank));
        incomplete.sort_unstable();
        for (i, (pref, line)) in lines.iter().enumerate() {
            if incomplete.binary_search(&pref.person).is_ok() {
                continue;
            }
            let expected = match i.checked_sub(1).map(|j| &lines[j].0) {
                Some(prev) if prev.person == pref.person => prev.rank + 1,
                _ => 1,
            };
            if pref.rank != expected {
                let id = quoted(&self.people[pref.person.0 as usize].id);
                let msg = format!("ranks of {id} skip from {} to {}", expected - 1, pref.rank);
                self.log.push(Problem::field(&t.file, *line, "rank", msg));
            }
        }
        self.preferences = lines.into_iter().map(|(p, _)| p).collect();
    }

    fn read_outcomes(&mut self, t: &mut Table) {
        while t.next_row(&mut self.log) {
            let mut ok = true;
            let mentee = self.person_ref(t, "mentee", t.get(0), &mut ok);
            let mentor = self.person_ref(t, "mentor", t.get(1), &mut ok);
            if let Some(mentor) = mentor {
                self.check_role(t, "mentor", mentor, true, &mut ok);
            }
            let mut row = RowCheck::new(t, &mut self.log);
            let outcome_text = t.get(2);
            let outcome = OutcomeKind::parse(outcome_text);
            if outcome.is_none() {
                row.fail(
                    "outcome",
                    format!(
                        "{} is not an outcome (expected no_show, met, job_start or sustained_job)",
                        quoted(outcome_text)
                    ),
                );
            }
            let date_text = t.get(3);
            let date = Date::parse(date_text);
            if date.is_none() {
                row.fail("date", format!("{} is not a date (expected YYYY-MM-DD)", quoted(date_text)));
            }
            let employer_id = t.get(4);
            let employer = if employer_id.is_empty() {
                None
            } else {
                row.reference(employer_id, "employer", &self.employer_ids, IdRef::Employer)
            };
            ok &= row.ok;
            let (Some(mentee), Some(mentor), Some(outcome), Some(date)) = (mentee, mentor, outcome, date) else {
                continue;
            };
            if !ok {
                continue;
            }
            if mentee == mentor {
                self.log.push(t.problem("mentor", "a person cannot mentor themselves"));
                continue;
            }
            self.outcomes.push(Outcome { mentee, mentor, outcome, date, employer });
        }
    }

    fn finish(self) -> Result<Dataset> {
        let DatasetReader {
            taxonomy,
            areas,
            log,
            mut people,
            employers,
            mut connections,
            mut exclusions,
            preferences,
            mut outcomes,
            tags,
            skills,
            ..
        } = self;
        if !log.is_empty() {
            return log.into_result(Dataset::empty(taxonomy, areas));
        }
        let (experience_tags, tag_remap) = tags.sorted();
        let (skill_tags, skill_remap) = skills.sorted();
        for person in &mut people {
            for tag in person.experiences.iter_mut().chain(person.specialisms.iter_mut()) {
                *tag = TagIdx(tag_remap[usize::from(tag.0)] as u16);
            }
            for skill in &mut person.skills {
                *skill = SkillIdx(skill_remap[skill.0 as usize]);
            }
            for list in [&mut person.experiences, &mut person.specialisms] {
                list.sort_unstable();
                list.dedup();
            }
            person.skills.sort_unstable();
            person.skills.dedup();
        }
        connections.sort_by_key(|c| (c.a, c.b, c.kind));
        exclusions.sort_by_key(|x| (x.a, x.b));
        outcomes.sort_by_key(|o| (o.mentee, o.date, o.mentor, o.outcome));
        Ok(Dataset {
            taxonomy,
            areas,
            people,
            employers,
            connections,
            exclusions,
            preferences,
            outcomes,
            experience_tags,
            skill_tags,
        })
    }
}

/// Field checks for one row; each records its own problem and returns `None`
/// (or a default) on failure, so a row reports every bad field at once.
struct RowCheck<'t, 'l> {
    table: &'t Table,
    log: &'l mut ProblemLog,
    ok: bool,
}

impl<'t, 'l> RowCheck<'t, 'l> {
    fn new(table: &'t Table, log: &'l mut ProblemLog) -> RowCheck<'t, 'l> {
        RowCheck { table, log, ok: true }
    }

    fn fail(&mut self, column: &str, message: impl Into<String>) {
        self.ok = false;
        self.log.push(self.table.problem(column, message));
    }

    fn id(&mut self, at: usize, column: &str) -> Option<&'t str> {
        let id = self.table.get(at);
        if id.is_empty() {
            self.fail(column, "is empty (every row needs an id)");
            return None;
        }
        Some(id)
    }

    fn area(&mut self, at: usize, column: &str, areas: &Areas) -> Option<AreaIdx> {
        let code = self.table.get(at);
        let found = areas.lookup(code);
        if found.is_none() {
            let message = if code.is_empty() {
                "is empty (expected an ONS local authority code such as E08000025)".to_string()
            } else {
                format!("{} is not an ONS local authority code", quoted(code))
            };
            self.fail(column, message);
        }
        found
    }

    fn coordinate(&mut self, at: usize, column: &str, limit: f64) -> Option<f64> {
        let text = self.table.get(at);
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() && value.abs() <= limit => Some(value),
            Ok(_) => {
                self.fail(column, format!("{} is out of range (-{limit} to {limit})", quoted(text)));
                None
            }
            Err(_) => {
                self.fail(column, format!("{} is not a number", quoted(text)));
                None
            }
        }
    }

    /// `lat`/`lon`, both given or both empty (then the area's centroid).
    fn location(&mut self, lat_at: usize, lon_at: usize, area: Option<AreaIdx>, areas: &Areas) -> Option<(f64, f64)> {
        let (lat_text, lon_text) = (self.table.get(lat_at), self.table.get(lon_at));
        match (lat_text.is_empty(), lon_text.is_empty()) {
            (true, true) => area.map(|a| (areas.area(a).lat, areas.area(a).lon)),
            (false, true) => {
                self.fail("lon", "is empty but lat is given (give both or neither)");
                None
            }
            (true, false) => {
                self.fail("lat", "is empty but lon is given (give both or neither)");
                None
            }
            (false, false) => {
                let lat = self.coordinate(lat_at, "lat", 90.0);
                let lon = self.coordinate(lon_at, "lon", 180.0);
                lat.zip(lon)
            }
        }
    }

    fn sectors(&mut self, at: usize, column: &str, taxonomy: &Taxonomy) -> Vec<SicIdx> {
        let mut sectors = Vec::new();
        for code in list_items(self.table.get(at)) {
            match taxonomy.lookup(code) {
                Some(idx) => sectors.push(idx),
                None => self.fail(column, format!("{} is not a SIC 2007 code", quoted(code))),
            }
        }
        sectors.sort_unstable();
        sectors.dedup();
        sectors
    }

    /// Experience and specialism tags: lower-case letters, digits, `_` and
    /// `-`. Returns how many tags are well formed.
    fn tags(&mut self, at: usize, column: &str) -> usize {
        let mut good = 0;
        for tag in list_items(self.table.get(at)) {
            if tag.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-') {
                good += 1;
            } else {
                self.fail(column, format!("{} is not a tag (use lower-case letters, digits and _)", quoted(tag)));
            }
        }
        good
    }

    fn yes_no(&mut self, at: usize, column: &str) -> Option<bool> {
        match self.table.get(at) {
            "yes" => Some(true),
            "no" | "" => Some(false),
            other => {
                self.fail(column, format!("{} is not yes or no", quoted(other)));
                None
            }
        }
    }

    fn languages(&mut self, at: usize, column: &str) -> Option<Vec<Language>> {
        let mut languages = Vec::new();
        for code in list_items(self.table.get(at)) {
            match Language::parse(code) {
                Some(language) => languages.push(language),
                None => {
                    self.fail(column, format!("{} is not an ISO 639-1 code (two lower-case letters)", quoted(code)))
                }
            }
        }
        if languages.is_empty() {
            languages.push(Language::ENGLISH);
        }
        languages.sort_unstable();
        languages.dedup();
        self.ok.then_some(languages)
    }

    /// Weekly slots; an empty field means any time of the week.
    fn slots(&mut self, at: usize, column: &str) -> Option<Slots> {
        let text = self.table.get(at);
        if list_items(text).next().is_none() {
            return Some(Slots::ALL);
        }
        let mut slots = Slots(0);
        for name in list_items(text) {
            match Slots::parse_one(name) {
                Some(slot) => slots.0 |= slot.0,
                None => self.fail(column, format!("{} is not a slot (expected mon_am … sun_eve)", quoted(name))),
            }
        }
        Some(slots)
    }

    fn non_negative(&mut self, at: usize, column: &str, default: f64) -> Option<f64> {
        let text = self.table.get(at);
        if text.is_empty() {
            return Some(default);
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() && value >= 0.0 => Some(value),
            Ok(_) => {
                self.fail(column, format!("{} is negative or not finite", quoted(text)));
                None
            }
            Err(_) => {
                self.fail(column, format!("{} is not a number", quoted(text)));
                None
            }
        }
    }

    fn count(&mut self, at: usize, column: &str, default: u32) -> Option<u32> {
        let text = self.table.get(at);
        if text.is_empty() {
            return Some(default);
        }
        match text.parse::<u32>() {
            Ok(value) => Some(value),
            Err(_) if text.starts_with('-') && text[1..].bytes().all(|c| c.is_ascii_digit()) => {
                self.fail(column, format!("{} is negative", quoted(text)));
                None
            }
            Err(_) => {
                self.fail(column, format!("{} is not a whole number", quoted(text)));
                None
            }
        }
    }

    fn positive(&mut self, at: usize, column: &str) -> Option<u32> {
        let value = self.count(at, column, 0)?;
        if value == 0 {
            self.fail(column, format!("{} is not a positive whole number", quoted(self.table.get(at))));
            return None;
        }
        Some(value)
    }

    fn strength(&mut self, at: usize, column: &str) -> Option<f64> {
        let text = self.table.get(at);
        if text.is_empty() {
            return Some(DEFAULT_STRENGTH);
        }
        match text.parse::<f64>() {
            Ok(value) if value > 0.0 && value <= 1.0 => Some(value),
            Ok(_) => {
                self.fail(column, format!("{} is outside (0, 1]", quoted(text)));
                None
            }
            Err(_) => {
                self.fail(column, format!("{} is not a number", quoted(text)));
                None
            }
        }
    }

    /// Looks up an id in another file. An unknown id is a problem; an id
    /// whose own row was refused (or whose file could not be read) is not
    /// reported again, since its problem is already listed, but the row
    /// still fails.
    fn reference<I: Copy>(&mut self, id: &str, column: &str, ids: &KnownIds<I>, kind: IdRef) -> Option<I> {
        let defined = ids.lookup(id);
        if let Some(Some(idx)) = defined {
            return Some(idx);
        }
        self.ok = false;
        if ids.unreadable || defined.is_some() {
            return None;
        }
        let file = match kind {
            IdRef::Person => "people.csv",
            IdRef::Employer => "employers.csv",
        };
        self.log.push(self.table.problem(column, format!("{} is not an id in {file}", quoted(id))));
        None
    }
}
