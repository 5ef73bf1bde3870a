//! Reading the plain inputs of the solver commands: edge files with integer
//! scores (`mentee,mentor,score` for `assign`, `a,b,score` for `pair`),
//! capacity files (`id,capacity`) and ranking files (`mentee,rank,mentor`
//! and `mentor,rank,mentee` for `stable`).
//!
//! Every file goes through [`Table`], so header checks (unknown, duplicate
//! and missing columns) and problem lines (`file:line: column c: problem`)
//! are those of the data directory, and every problem of a file is listed
//! (up to [`crate::error::MAX_PROBLEMS`]) before the input is refused.
//!
//! Ids are interned into dense indices as rows are read, then renumbered in
//! id order (bytewise), so that the solvers' index order is the output's
//! sort order and nothing depends on the order of rows in a file.

use std::path::Path;

use crate::assign::{AssignProblem, Edge};
use crate::error::{Error, Problem, Result};
use crate::io::csv_table::{Column, ProblemLog, Table, quoted, required};
pub use crate::io::intern::Interner;
use crate::io::intern::VACANT_INDEX;
use crate::pair::{PairEdge, PairProblem};
use crate::stable::StableProblem;

/// Line numbers of accepted rows, kept as the few places where they stop
/// running consecutively (blank or refused rows, quoted line breaks): a
/// line per row would cost as much memory as the edges themselves, and is
/// only needed to name a duplicate.
#[derive(Default)]
struct Lines {
    /// `(row, line)`: row `row` is on `line`, and the rows after it on the
    /// lines after it, up to the next jump.
    jumps: Vec<(usize, u64)>,
}

impl Lines {
    fn push(&mut self, row: usize, line: u64) {
        match self.jumps.last() {
            Some(&(r, l)) if l + (row - r) as u64 == line => {}
            _ => self.jumps.push((row, line)),
        }
    }

    fn line(&self, row: usize) -> u64 {
        let at = self.jumps.partition_point(|&(r, _)| r <= row);
        self.jumps.get(at.wrapping_sub(1)).map_or(0, |&(r, l)| l + (row - r) as u64)
    }
}

/// Pairs `(earlier, later)` of rows with the same key, the later row in
/// ascending order; `key(row)` is `(owner, other)` with `owner < n_owners`.
///
/// Rows are bucketed by owner (a counting sort), then each owner's short
/// run is sorted by `other`: linear in the rows plus small sorts, where a
/// hash set of every key would need several times the edges' memory.
fn repeated_keys(n_owners: usize, rows: usize, key: impl Fn(usize) -> (u32, u32)) -> Vec<(usize, usize)> {
    let mut start = vec![0usize; n_owners + 1];
    for row in 0..rows {
        start[key(row).0 as usize + 1] += 1;
    }
    for owner in 0..n_owners {
        start[owner + 1] += start[owner];
    }
    let mut next = start.clone();
    let mut order = vec![0u32; rows];
    for row in 0..rows {
        let owner = key(row).0 as usize;
        order[next[owner]] = row as u32;
        next[owner] += 1;
    }
    let mut repeats = Vec::new();
    for owner in 0..n_owners {
        let run = &mut order[start[owner]..start[owner + 1]];
        run.sort_unstable_by_key(|&row| (key(row as usize).1, row));
        for pair in run.chunk_by(|&a, &b| key(a as usize).1 == key(b as usize).1) {
            repeats.extend(pair[1..].iter().map(|&later| (pair[0] as usize, later as usize)));
        }
    }
    repeats.sort_unstable_by_key(|&(_, later)| later);
    repeats
}

/// The largest number of rows an edge file may have: row numbers are kept
/// as `u32` while looking for duplicates.
const MAX_ROWS: usize = u32::MAX as usize - 1;

/// Whether `rows` rows were already accepted; if so, says so once.
fn too_many_rows(rows: usize, table: &Table, log: &mut ProblemLog) -> bool {
    if rows < MAX_ROWS {
        return false;
    }
    log.push(Problem::line(&table.file, table.line(), format!("more than {MAX_ROWS} rows")));
    true
}

/// The name a file has in problems: the path as given.
fn file_name(path: &Path) -> String {
    path.display().to_string()
}

/// An id field: non-empty.
fn id_field<'t>(table: &'t Table, column: usize, name: &str, log: &mut ProblemLog) -> Option<&'t str> {
    let id = table.get(column);
    if id.is_empty() {
        log.push(table.problem(name, "empty id"));
        return None;
    }
    Some(id)
}

/// Interns an id, reporting the (theoretical) overflow of the index space.
fn intern_field(ids: &mut Interner, id: &str, table: &Table, name: &str, log: &mut ProblemLog) -> Option<u32> {
    let index = ids.intern(id);
    if index.is_none() {
        log.push(table.problem(name, format!("more than {} distinct ids", VACANT_INDEX - 1)));
    }
    index
}

/// An integer score field.
fn score_field(table: &Table, column: usize, log: &mut ProblemLog) -> Option<i64> {
    let raw = table.get(column);
    let score = raw.parse::<i64>().ok();
    if score.is_none() {
        log.push(table.problem("score", format!("{} is not an integer", quoted(raw))));
    }
    score
}

/// Mentors and their capacities, as read from an `id,capacity` file.
struct Mentors {
    /// The file's name in problems.
    file: String,
    ids: Interner,
    /// Capacity per first-seen mentor index (0 where the field was refused).
    capacities: Vec<u32>,
}

/// Reads an `id,capacity` file. `None` when its header was refused; rows
/// with a refused capacity still define their mentor, so that the other
/// files are checked against the ids the user meant.
fn read_capacities(path: &Path, log: &mut ProblemLog) -> Result<Option<Mentors>> {
    const COLUMNS: [Column; 2] = [required("id"), required("capacity")];
    let file = file_name(path);
    let Some(mut table) = Table::open(path, &file, &COLUMNS, log)? else {
        return Ok(None);
    };
    let mut mentors = Mentors { file, ids: Interner::default(), capacities: Vec::new() };
    let mut line_of = Vec::new();
    while table.next_row(log) {
        let capacity = table.get(1).parse::<u32>().ok();
        if capacity.is_none() {
            let message = format!("{} is not a whole number from 0 to {}", quoted(table.get(1)), u32::MAX);
            log.push(table.problem("capacity", message));
        }
        let Some(id) = id_field(&table, 0, "id", log) else { continue };
        let Some(index) = intern_field(&mut mentors.ids, id, &table, "id", log) else { continue };
        if (index as usize) < mentors.capacities.len() {
            let message = format!("mentor {} already has a capacity at line {}", quoted(id), line_of[index as usize]);
            log.push(table.problem("id", message));
            continue;
        }
        mentors.capacities.push(capacity.unwrap_or(0));
        line_of.push(table.line());
    }
    Ok(Some(mentors))
}

impl Mentors {
    /// The mentor named in column `name` of the current row, which must be
    /// in the capacities file.
    fn lookup(&self, table: &Table, column: usize, name: &str, log: &mut ProblemLog) -> Option<u32> {
        let id = id_field(table, column, name, log)?;
        let index = self.ids.get(id);
        if index.is_none() {
            log.push(table.problem(name, format!("{} is not in {}", quoted(id), self.file)));
        }
        index
    }
}

/// The input of `passiton assign`: ids in sorted order and the problem over
/// their indices.
#[derive(Clone, Debug)]
pub struct AssignInput {
    /// Mentee ids, sorted; mentee `i` of the problem is `mentees[i]`.
    pub mentees: Vec<String>,
    /// Mentor ids, sorted; mentor `j` of the problem is `mentors[j]`.
    pub mentors: Vec<String>,
    /// The assignment problem; edges are in file order.
    pub problem: AssignProblem,
}

/// Reads `passiton assign`'s input: an edges file `mentee,mentor,score`
/// (integer scores) and a capacities file `id,capacity`.
///
/// The mentors are the ids of the capacities file; the mentees are the ids
/// in the `mentee` column of the edges file.
///
/// # Errors
///
/// [`crate::Error::Io`] if a file cannot be read. [`crate::Error::Input`]
/// listing every problem found: header problems, empty ids, a capacity that
/// is not a whole number from 0 to `u32::MAX`, a mentor given two
/// capacities, an edge naming a mentor not in the capacities file, a score
/// that is not an integer, and a (mentee, mentor) pair on two rows.
pub fn read_assign(edges: &Path, capacities: &Path) -> Result<AssignInput> {
    const COLUMNS: [Column; 3] = [required("mentee"), required("mentor"), required("score")];
    let mut log = ProblemLog::default();
    let mentors = read_capacities(capacities, &mut log)?;
    let file = file_name(edges);
    let mut mentees = Interner::default();
    let mut rows: Vec<Edge> = Vec::new();
    let mut lines = Lines::default();
    if let Some(mut table) = Table::open(edges, &file, &COLUMNS, &mut log)? {
        // Files are usually grouped by mentee: reuse the previous row's index.
        let mut last: (String, u32) = (String::new(), 0);
        while table.next_row(&mut log) && !too_many_rows(rows.len(), &table, &mut log) {
            let mentee = match id_field(&table, 0, "mentee", &mut log) {
                Some(id) if id == last.0 => Some(last.1),
                Some(id) => intern_field(&mut mentees, id, &table, "mentee", &mut log).inspect(|&i| {
                    last.0.clear();
                    last.0.push_str(id);
                    last.1 = i;
                }),
                None => None,
            };
            let mentor = match &mentors {
                Some(mentors) => mentors.lookup(&table, 1, "mentor", &mut log),
                None => id_field(&table, 1, "mentor", &mut log).map(|_| 0),
            };
            let score = score_field(&table, 2, &mut log);
            if let (Some(mentee), Some(mentor), Some(score)) = (mentee, mentor, score) {
                lines.push(rows.len(), table.line());
                rows.push(Edge { mentee, mentor, score });
            }
        }
    }
    let Some(mentors) = mentors else { return Err(refused(log)) };
    for (first, later) in repeated_keys(mentees.len(), rows.len(), |k| (rows[k].mentee, rows[k].mentor)) {
        let e = rows[later];
        let message = format!(
            "mentee {} already has a row for mentor {} at line {}",
            quoted(mentees.id(e.mentee)),
            quoted(mentors.ids.id(e.mentor)),
            lines.line(first)
        );
        log.push(Problem::field(&file, lines.line(later), "mentor", message));
    }
    log.into_result(())?;

    let (mentee_ids, mentee_index) = mentees.into_sorted();
    let (mentor_ids, mentor_index) = mentors.ids.into_sorted();
    let mut capacities = vec![0u32; mentor_ids.len()];
    for (old, &capacity) in mentors.capacities.iter().enumerate() {
        capacities[mentor_index[old] as usize] = capacity;
    }
    for e in &mut rows {
        e.mentee = mentee_index[e.mentee as usize];
        e.mentor = mentor_index[e.mentor as usize];
    }
    let problem = AssignProblem { n_mentees: mentee_ids.len(), capacities, edges: rows };
    Ok(AssignInput { mentees: mentee_ids, mentors: mentor_ids, problem })
}

/// The error of a log known to hold a problem (a refused header always
/// records one); a generic refusal should that ever not hold.
fn refused(log: ProblemLog) -> Error {
    match log.into_result(()) {
        Err(error) => error,
        Ok(()) => Error::Argument("input refused".to_string()),
    }
}

/// The input of `passiton pair`: ids in sorted order and the problem over
/// their indices.
#[derive(Clone, Debug)]
pub struct PairInput {
    /// Ids, sorted; vertex `v` of the problem is `ids[v]`.
    pub ids: Vec<String>,
    /// The pairing problem; edges are in file order and orientation.
    pub problem: PairProblem,
}

/// Reads `passiton pair`'s input: an edges file `a,b,score` with integer
/// scores. The vertices are every id in columns `a` and `b`.
///
/// # Errors
///
/// [`crate::Error::Io`] if the file cannot be read. [`crate::Error::Input`]
/// listing every problem found: header problems, empty ids, a score that is
/// not an integer, a row pairing an id with itself, and a pair on two rows
/// (in either orientation).
pub fn read_pair(edges: &Path) -> Result<PairInput> {
    const COLUMNS: [Column; 3] = [required("a"), required("b"), required("score")];
    let mut log = ProblemLog::default();
    let file = file_name(edges);
    let mut ids = Interner::default();
    let mut rows: Vec<PairEdge> = Vec::new();
    let mut lines = Lines::default();
    let Some(mut table) = Table::open(edges, &file, &COLUMNS, &mut log)? else { return Err(refused(log)) };
    while table.next_row(&mut log) && !too_many_rows(rows.len(), &table, &mut log) {
        let a = id_field(&table, 0, "a", &mut log);
        let b = id_field(&table, 1, "b", &mut log);
        let score = score_field(&table, 2, &mut log);
        let (Some(a), Some(b), Some(score)) = (a, b, score) else { continue };
        if a == b {
            log.push(table.problem("b", format!("{} is paired with itself", quoted(b))));
            continue;
        }
        let Some(a) = intern_field(&mut ids, a, &table, "a", &mut log) else { continue };
        let Some(b) = intern_field(&mut ids, b, &table, "b", &mut log) else { continue };
        lines.push(rows.len(), table.line());
        rows.push(PairEdge { a, b, score });
    }
    let key = |k: usize| (rows[k].a.min(rows[k].b), rows[k].a.max(rows[k].b));
    for (first, later) in repeated_keys(ids.len(), rows.len(), key) {
        let e = rows[later];
        let message = format!(
            "the pair {} and {} already appears at line {}",
            quoted(ids.id(e.a)),
            quoted(ids.id(e.b)),
            lines.line(first)
        );
        log.push(Problem::field(&file, lines.line(later), "b", message));
    }
    log.into_result(())?;

    let (sorted, new_index) = ids.into_sorted();
    for e in &mut rows {
        e.a = new_index[e.a as usize];
        e.b = new_index[e.b as usize];
    }
    Ok(PairInput { problem: PairProblem { n: sorted.len(), edges: rows }, ids: sorted })
}

/// The input of `passiton stable`: ids in sorted order and the problem over
/// their indices.
#[derive(Clone, Debug)]
pub struct StableInput {
    /// Mentee ids, sorted; mentee `i` of the problem is `mentees[i]`.
    pub mentees: Vec<String>,
    /// Mentor ids, sorted; mentor `j` of the problem is `mentors[j]`.
    pub mentors: Vec<String>,
    /// The rankings, best first, and the capacities.
    pub problem: StableProblem,
}

/// Which side a ranking file is written from: `owner,rank,other`.
#[derive(Clone, Copy)]
struct Side {
    owner: &'static str,
    other: &'static str,
}

const MENTEE_SIDE: Side = Side { owner: "mentee", other: "mentor" };
const MENTOR_SIDE: Side = Side { owner: "mentor", other: "mentee" };

/// One ranking row: `owner` ranks `other` at `rank` (1 = best). A refused
/// rank is 0 and a refused `other` is [`VACANT_INDEX`]: the row still
/// counts towards its owner's list length, so one bad field does not also
/// make the owner's later ranks look like a gap.
struct Ranking {
    owner: u32,
    rank: u32,
    other: u32,
    line: u64,
}

/// How the ids of one column of a ranking file become indices.
enum Lookup<'a> {
    /// Mentee ids: any id, interned on first sight.
    Mentees(&'a mut Interner),
    /// Mentor ids: only those of the capacities file (if its header was
    /// accepted; otherwise only checked for being non-empty).
    Mentors(Option<&'a Mentors>),
}

impl Lookup<'_> {
    fn resolve(&mut self, table: &Table, column: usize, name: &str, log: &mut ProblemLog) -> Option<u32> {
        match self {
            Lookup::Mentees(ids) => {
                let id = id_field(table, column, name, log)?;
                intern_field(ids, id, table, name, log)
            }
            Lookup::Mentors(Some(mentors)) => mentors.lookup(table, column, name, log),
            Lookup::Mentors(None) => id_field(table, column, name, log).map(|_| 0),
        }
    }
}

/// Reads the rows of an `owner,rank,other` file; `None` when its header was
/// refused.
fn read_rankings(
    path: &Path,
    side: Side,
    mut owners: Lookup<'_>,
    mut others: Lookup<'_>,
    log: &mut ProblemLog,
) -> Result<Option<Vec<Ranking>>> {
    let columns = [required(side.owner), required("rank"), required(side.other)];
    let file = file_name(path);
    let Some(mut table) = Table::open(path, &file, &columns, log)? else { return Ok(None) };
    let mut rows = Vec::new();
    while table.next_row(log) {
        let owner = owners.resolve(&table, 0, side.owner, log);
        let raw = table.get(1);
        let rank = raw.parse::<u32>().ok().filter(|&r| r >= 1);
        if rank.is_none() {
            log.push(table.problem("rank", format!("{} is not a rank (a whole number from 1)", quoted(raw))));
        }
        let other = others.resolve(&table, 2, side.other, log);
        if let Some(owner) = owner {
            rows.push(Ranking {
                owner,
                rank: rank.unwrap_or(0),
                other: other.unwrap_or(VACANT_INDEX),
                line: table.line(),
            });
        }
    }
    Ok(Some(rows))
}

/// Turns rows into one list per owner, best first, reporting rank gaps,
/// rank repeats and the same person ranked twice by one owner.
///
/// Linear: an owner with `c` rows must use ranks exactly `1..=c`, so each
/// row has one slot, and a clash or a rank beyond `c` is the problem.
fn assemble(
    file: &str,
    side: Side,
    (owner_ids, other_ids): (&Interner, &Interner),
    rows: &[Ranking],
    log: &mut ProblemLog,
) -> Vec<Vec<u32>> {
    let mut count = vec![0usize; owner_ids.len()];
    for row in rows {
        count[row.owner as usize] += 1;
    }
    // `line_at[owner][rank - 1]`: the line of the row placed at that rank (0 = none yet).
    let mut line_at: Vec<Vec<u64>> = count.iter().map(|&c| vec![0; c]).collect();
    let mut lists: Vec<Vec<u32>> = count.iter().map(|&c| vec![VACANT_INDEX; c]).collect();
    for row in rows.iter().filter(|row| row.rank > 0) {
        let owner = row.owner as usize;
        let who = || format!("{} {}", side.owner, quoted(owner_ids.id(row.owner)));
        let Some(slot) = line_at[owner].get_mut(row.rank as usize - 1) else {
            let c = count[owner];
            let message = format!("{} has {c} rows, so ranks run 1 to {c}, not {}", who(), row.rank);
            log.push(Problem::field(file, row.line, "rank", message));
            continue;
        };
        if *slot != 0 {
            let message = format!("rank {} of {} repeats line {}", row.rank, who(), slot);
            log.push(Problem::field(file, row.line, "rank", message));
            continue;
        }
        *slot = row.line;
        lists[owner][row.rank as usize - 1] = row.other;
    }
    // The same person twice in one list, checked along the lists now that
    // ranks are in place. `seen[other]`: the owner and line that last ranked `other`.
    let mut seen = vec![(VACANT_INDEX, 0u64); other_ids.len()];
    let mut repeats = Vec::new();
    for (owner, (list, lines)) in lists.iter().zip(&line_at).enumerate() {
        for (&other, &line) in list.iter().zip(lines) {
            if other == VACANT_INDEX {
                continue;
            }
            let (last_owner, first) = std::mem::replace(&mut seen[other as usize], (owner as u32, line));
            if last_owner == owner as u32 {
                let (earlier, later) = (first.min(line), first.max(line));
                let message = format!(
                    "{} {} is already ranked by {} {} at line {earlier}",
                    side.other,
                    quoted(other_ids.id(other)),
                    side.owner,
                    quoted(owner_ids.id(owner as u32))
                );
                repeats.push(Problem::field(file, later, side.other, message));
            }
        }
    }
    // Lists are walked by owner and rank; report in line order like the rest.
    repeats.sort_by_key(|p| p.line);
    for problem in repeats {
        log.push(problem);
    }
    lists
}

/// Reads `passiton stable`'s input: mentee rankings `mentee,rank,mentor`,
/// mentor rankings `mentor,rank,mentee` (rank 1 = best; lists may be
/// incomplete) and capacities `id,capacity`.
///
/// The mentors are the ids of the capacities file; the mentees are every id
/// of the two ranking files' mentee columns. A mentee only mentors rank has
/// an empty list and stays unmatched.
///
/// # Errors
///
/// [`crate::Error::Io`] if a file cannot be read. [`crate::Error::Input`]
/// listing every problem found: header problems, empty ids, a capacity that
/// is not a whole number from 0 to `u32::MAX`, a mentor given two
/// capacities, a mentor not in the capacities file, a rank that is not a
/// whole number from 1, ranks of one person that do not run `1..=n` (a gap
/// or a repeat), and the same person ranked twice by one person.
pub fn read_stable(mentee_prefs: &Path, mentor_prefs: &Path, capacities: &Path) -> Result<StableInput> {
    let mut log = ProblemLog::default();
    let mentors = read_capacities(capacities, &mut log)?;
    let mut mentees = Interner::default();
    let no_ids = Interner::default();
    let mentor_ids = mentors.as_ref().map_or(&no_ids, |m| &m.ids);

    let mentee_rows = read_rankings(
        mentee_prefs,
        MENTEE_SIDE,
        Lookup::Mentees(&mut mentees),
        Lookup::Mentors(mentors.as_ref()),
        &mut log,
    )?;
    // Rank checks run before the next file is opened, so that they count
    // towards this file's cap on problems.
    let mentee_lists = match (&mentee_rows, &mentors) {
        (Some(rows), Some(_)) => {
            assemble(&file_name(mentee_prefs), MENTEE_SIDE, (&mentees, mentor_ids), rows, &mut log)
        }
        _ => Vec::new(),
    };
    let mentor_rows = read_rankings(
        mentor_prefs,
        MENTOR_SIDE,
        Lookup::Mentors(mentors.as_ref()),
        Lookup::Mentees(&mut mentees),
        &mut log,
    )?;
    let mentor_lists = match (&mentor_rows, &mentors) {
        (Some(rows), Some(_)) => {
            assemble(&file_name(mentor_prefs), MENTOR_SIDE, (mentor_ids, &mentees), rows, &mut log)
        }
        _ => Vec::new(),
    };
    let Some(mentors) = mentors else { return Err(refused(log)) };
    log.into_result(())?;

    let (mentee_ids, mentee_index) = mentees.into_sorted();
    let (mentor_ids, mentor_index) = mentors.ids.into_sorted();
    let mut mentee_prefs = vec![Vec::new(); mentee_ids.len()];
    for (old, list) in mentee_lists.into_iter().enumerate() {
        mentee_prefs[mentee_index[old] as usize] = list.into_iter().map(|j| mentor_index[j as usize]).collect();
    }
    let mut mentor_prefs = vec![Vec::new(); mentor_ids.len()];
    let mut capacities = vec![0u32; mentor_ids.len()];
    for (old, list) in mentor_lists.into_iter().enumerate() {
        mentor_prefs[mentor_index[old] as usize] = list.into_iter().map(|i| mentee_index[i as usize]).collect();
    }
    for (old, &capacity) in mentors.capacities.iter().enumerate() {
        capacities[mentor_index[old] as usize] = capacity;
    }
    let problem = StableProblem { mentee_prefs, mentor_prefs, capacities };
    Ok(StableInput { mentees: mentee_ids, mentors: mentor_ids, problem })
}
