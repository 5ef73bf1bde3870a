//! Writing the data directory of `passiton pass-on`: the input with promoted
//! jobseekers turned into mentors (see [`crate::pass_on`] for who and how).
//!
//! From a data directory, the original CSV files are copied *as text*: every
//! row that does not change is written byte for byte as it was read, so
//! unconsented experience tags, formatting, quoting and every other field of
//! unpromoted people survive untouched. Only these rows change:
//!
//! * `people.csv`: a promoted person's row is rewritten (through the `csv`
//!   crate, so quoting stays right) with `role` = `mentor`, `capacity` = `1`,
//!   `employer` set and `pass_it_on` emptied; its other fields keep their
//!   values, trimmed of surrounding spaces;
//! * `connections.csv`: new `mentored` rows are appended (the file is created
//!   if there was none);
//! * `preferences.csv`: rows of promoted people are left out.
//!
//! Should `people.csv` lack an `employer` column that a promotion needs, or
//! `connections.csv` a `strength` column, the column is added and that file is
//! rewritten record by record, every other row with an empty field there
//! (which means the same default). Files other than the six data files are
//! not copied.
//!
//! From a snapshot there are no rows to copy, so the whole directory is
//! written from the [`Dataset`]. A snapshot holds no unconsented
//! experiences (they are dropped when data is read), so they are absent from
//! that output; locations are written out even where the original used an
//! area's centroid.
//!
//! The directory is written atomically with [`crate::io::atomic::write_dir`].

use std::fs;
use std::path::Path;

use crate::error::{Error, Result};
use crate::io::atomic::write_dir;
use crate::io::read::DATA_FILES;
use crate::model::{Dataset, Role, Slots};
use crate::pass_on::{PassOnPlan, PassOnSummary, apply_pass_on, plan_pass_on};

/// Reads `data` (a directory or snapshot), promotes who agreed to pass it
/// on, and writes the new data directory `out`.
///
/// # Errors
///
/// `data` cannot be loaded or is invalid; `out` is a non-empty directory and
/// `overwrite` is not set; any I/O error. Nothing is written on error.
///
/// # Examples
///
/// ```
/// let out = tempfile::tempdir()?;
/// let target = out.path().join("after");
/// let summary = passiton::io::pass_on::pass_on(std::path::Path::new("fixtures/sample"), &target, false)?;
/// assert!(!summary.promoted.is_empty());
/// passiton::read_dataset(&target)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pass_on(data: &Path, out: &Path, overwrite: bool) -> Result<PassOnSummary> {
    let dataset = crate::io::load_dataset(data)?;
    let plan = plan_pass_on(&dataset);
    let summary = plan.summary(&dataset);
    if data.is_file() {
        let promoted = apply_pass_on(&dataset, &plan);
        write_dir(out, overwrite, |dir| write_dataset(&promoted, dir, out))?;
    } else {
        write_dir(out, overwrite, |dir| copy_promoted(data, dir, out, &dataset, &plan))?;
    }
    Ok(summary)
}

/// What becomes of one row of a copied file.
enum RowEdit {
    Keep,
    Drop,
    Replace(Vec<String>),
}

/// A CSV file held as bytes, with each record's byte range.
struct RawTable<'b> {
    bytes: &'b [u8],
    headers: csv::StringRecord,
    /// Byte offset where the rows start (the end of the header line).
    body_start: usize,
    /// (start, end, fields) per record; `end` is the next record's start.
    rows: Vec<(usize, usize, csv::StringRecord)>,
    crlf: bool,
}

impl<'b> RawTable<'b> {
    fn parse(bytes: &'b [u8], file: &str) -> Result<RawTable<'b>> {
        let bad = |e: csv::Error| Error::Argument(format!("{file}: cannot read CSV: {e}"));
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
        let headers = reader.headers().map_err(bad)?.clone();
        let mut starts = Vec::new();
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(bad)? {
            // Blank lines belong to the row before them and are copied with it.
            if record.len() == 1 && record[0].is_empty() {
                continue;
            }
            // The reader may place a record's start on the line break before
            // it; the record's own text begins after every line break.
            let at = record.position().map_or(0, |p| p.byte() as usize).min(bytes.len());
            let skip = bytes[at..].iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
            starts.push(at + skip);
            records.push(record.clone());
        }
        let body_start = starts.first().copied().unwrap_or(bytes.len());
        let ends = starts.iter().skip(1).copied().chain(std::iter::once(bytes.len()));
        let rows = starts.iter().zip(ends).zip(records).map(|((&s, e), r)| (s, e, r)).collect();
        let crlf = bytes[..body_start].ends_with(b"\r\n");
        Ok(RawTable { bytes, headers, body_start, rows, crlf })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name)
    }

    /// The file with `edit` applied to each row, `extra` rows appended and,
    /// when `add_column` is given, that column added to every row.
    fn rewrite(
        &self,
        file: &str,
        add_column: Option<&str>,
        edit: impl Fn(&csv::StringRecord) -> RowEdit,
        extra: &[Vec<String>],
    ) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.bytes.len() + 64 * extra.len());
        let terminator = if self.crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
        let record_bytes = |out: &mut Vec<u8>, fields: &[String]| -> Result<()> {
            if !out.is_empty() && !out.ends_with(b"\n") {
                out.extend_from_slice(if self.crlf { b"\r\n" } else { b"\n" });
            }
            let mut writer = csv::WriterBuilder::new().terminator(terminator).from_writer(Vec::new());
            writer.write_record(fields).map_err(|e| Error::Argument(format!("{file}: cannot write CSV: {e}")))?;
            let text = writer.into_inner().map_err(|e| Error::Argument(format!("{file}: cannot write CSV: {e}")))?;
            out.extend_from_slice(&text);
            Ok(())
        };
        match add_column {
            None => out.extend_from_slice(&self.bytes[..self.body_start]),
            Some(name) => {
                let mut header: Vec<String> = self.headers.iter().map(str::to_string).collect();
                header.push(name.to_string());
                record_bytes(&mut out, &header)?;
            }
        }
        for (start, end, record) in &self.rows {
            match edit(record) {
                RowEdit::Drop => {}
                RowEdit::Keep if add_column.is_none() => out.extend_from_slice(&self.bytes[*start..*end]),
                RowEdit::Keep => {
                    let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
                    fields.push(String::new());
                    record_bytes(&mut out, &fields)?;
                }
                RowEdit::Replace(fields) => record_bytes(&mut out, &fields)?,
            }
        }
        for fields in extra {
            record_bytes(&mut out, fields)?;
        }
        Ok(out)
    }
}

/// Copies the data files of `src` into `dir`, editing only what promotions
/// change. `out` is the final directory, for error messages.
fn copy_promoted(src: &Path, dir: &Path, out: &Path, data: &Dataset, plan: &PassOnPlan) -> Result<()> {
    for name in DATA_FILES {
        let from = src.join(name);
        let to = dir.join(name);
        let write = |bytes: &[u8]| fs::write(&to, bytes).map_err(|e| Error::io(out.join(name), e));
        if !from.exists() {
            if name == "connections.csv" && plan.promotions.iter().any(|p| p.new_tie.is_some()) {
                let empty = b"a,b,kind,strength\n";
                let table = RawTable::parse(empty, name)?;
                write(&table.rewrite(name, None, |_| RowEdit::Keep, &new_ties(data, plan, &table, false))?)?;
            }
            continue;
        }
        let bytes = fs::read(&from).map_err(|e| Error::io(&from, e))?;
        let text = match name {
            "people.csv" => edit_people(&bytes, name, data, plan)?,
            "connections.csv" => {
                let table = RawTable::parse(&bytes, name)?;
                let adding = plan.promotions.iter().any(|p| p.new_tie.is_some());
                let missing = (adding && table.column("strength").is_none()).then_some("strength");
                let rows = new_ties(data, plan, &table, missing.is_some());
                table.rewrite(name, missing, |_| RowEdit::Keep, &rows)?
            }
            "preferences.csv" => {
                let table = RawTable::parse(&bytes, name)?;
                match table.column("person") {
                    Some(person) if !plan.promotions.is_empty() => table.rewrite(
                        name,
                        None,
                        |r| {
                            if plan.find(data, r.get(person).unwrap_or("")).is_some() {
                                RowEdit::Drop
                            } else {
                                RowEdit::Keep
                            }
                        },
                        &[],
                    )?,
                    _ => bytes,
                }
            }
            _ => bytes,
        };
        write(&text)?;
    }
    Ok(())
}

/// `people.csv` with promoted rows rewritten.
fn edit_people(bytes: &[u8], name: &str, data: &Dataset, plan: &PassOnPlan) -> Result<Vec<u8>> {
    if plan.promotions.is_empty() {
        return Ok(bytes.to_vec());
    }
    let table = RawTable::parse(bytes, name)?;
    let column = |c: &str| table.column(c);
    let (Some(id), Some(role)) = (column("id"), column("role")) else {
        return Err(Error::Argument(format!("{name}: no id or role column")));
    };
    let needs_employer = plan.promotions.iter().any(|p| p.employer.is_some());
    let add_employer = needs_employer && column("employer").is_none();
    let width = table.headers.len() + usize::from(add_employer);
    let employer_at = column("employer").or(add_employer.then_some(table.headers.len()));
    let (capacity_at, pass_it_on_at) = (column("capacity"), column("pass_it_on"));
    table.rewrite(
        name,
        add_employer.then_some("employer"),
        |record| {
            let Some(promotion) = plan.find(data, record.get(id).unwrap_or("")) else {
                return RowEdit::Keep;
            };
            let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
            fields.resize(width, String::new());
            fields[role] = Role::Mentor.as_str().to_string();
            // Without a capacity column, a mentor's default capacity (1) applies.
            if let Some(at) = capacity_at {
                fields[at] = crate::pass_on::PROMOTED_CAPACITY.to_string();
            }
            if let Some(at) = employer_at {
                fields[at] = promotion.employer.map(|e| data.employer(e).id.clone()).unwrap_or_default();
            }
            if let Some(at) = pass_it_on_at {
                fields[at] = String::new();
            }
            RowEdit::Replace(fields)
        },
        &[],
    )
}

/// The `mentored` rows to append, laid out for `table`'s header, with a
/// trailing `strength` field when that column is being added.
fn new_ties(data: &Dataset, plan: &PassOnPlan, table: &RawTable<'_>, add_strength: bool) -> Vec<Vec<String>> {
    let width = table.headers.len() + usize::from(add_strength);
    let at = |name: &str| if add_strength && name == "strength" { Some(width - 1) } else { table.column(name) };
    plan.promotions
        .iter()
        .filter_map(|p| {
            let strength = p.new_tie?;
            let mut fields = vec![String::new(); width];
            for (name, value) in [
                ("a", data.person(p.helped_by).id.clone()),
                ("b", data.person(p.person).id.clone()),
                ("kind", "mentored".to_string()),
                ("strength", format!("{strength:.3}")),
            ] {
                if let Some(i) = at(name) {
                    fields[i] = value;
                }
            }
            Some(fields)
        })
        .collect()
}

/// A file to write: name, header and rows.
type Table<'h> = (&'h str, Vec<&'h str>, Vec<Vec<String>>);

/// Writes a whole dataset as a data directory (used for snapshot input).
/// `out` is the final directory, for error messages.
pub fn write_dataset(data: &Dataset, dir: &Path, out: &Path) -> Result<()> {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let join = |items: Vec<String>| items.join(";");
    let sectors =
        |codes: &[crate::taxonomy::SicIdx]| join(codes.iter().map(|&c| data.taxonomy.node(c).code.clone()).collect());
    let tags = |list: &[crate::model::TagIdx]| {
        join(list.iter().filter_map(|t| data.experience_tags.get(usize::from(t.0)).cloned()).collect())
    };
    let person = |p: crate::model::PersonIdx| data.person(p).id.clone();
    let mut tables: Vec<Table<'_>> = Vec::new();
    let people = data
        .people
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.role.as_str().to_string(),
                data.areas.area(p.area).code.clone(),
                p.lat.to_string(),
                p.lon.to_string(),
                sectors(&p.sectors),
                join(p.skills.iter().filter_map(|s| data.skill_tags.get(s.0 as usize).cloned()).collect()),
                tags(&p.experiences),
                yes_no(p.consent),
                join(p.languages.iter().map(|l| l.as_str().to_string()).collect()),
                // Every slot is written as an empty field, which means "any time".
                if p.availability == Slots::ALL { String::new() } else { join(p.availability.names().collect()) },
                yes_no(p.remote),
                p.max_km.to_string(),
                if p.role.is_helper() { p.capacity.to_string() } else { String::new() },
                if p.role == Role::Mentor {
                    p.employer.map(|e| data.employer(e).id.clone()).unwrap_or_default()
                } else {
                    String::new()
                },
                tags(&p.specialisms),
                if p.role == Role::Jobseeker { yes_no(p.pass_it_on) } else { String::new() },
            ]
        })
        .collect();
    tables.push((
        "people.csv",
        vec![
            "id",
            "role",
            "area",
            "lat",
            "lon",
            "sectors",
            "skills",
            "experiences",
            "consent",
            "languages",
            "availability",
            "remote",
            "max_km",
            "capacity",
            "employer",
            "specialisms",
            "pass_it_on",
        ],
        people,
    ));
    let employers = data
        .employers
        .iter()
        .map(|e| {
            vec![
                e.id.clone(),
                e.name.clone(),
                sectors(&e.sectors),
                data.areas.area(e.area).code.clone(),
                e.lat.to_string(),
                e.lon.to_string(),
                e.vacancies.to_string(),
            ]
        })
        .collect();
    tables.push(("employers.csv", vec!["id", "name", "sectors", "area", "lat", "lon", "vacancies"], employers));
    let connections = data
        .connections
        .iter()
        .map(|c| vec![person(c.a), person(c.b), c.kind.as_str().to_string(), c.strength.to_string()])
        .collect();
    tables.push(("connections.csv", vec!["a", "b", "kind", "strength"], connections));
    let exclusions = data.exclusions.iter().map(|x| vec![person(x.a), person(x.b), x.reason.clone()]).collect();
    tables.push(("exclusions.csv", vec!["a", "b", "reason"], exclusions));
    let preferences =
        data.preferences.iter().map(|p| vec![person(p.person), p.rank.to_string(), person(p.choice)]).collect();
    tables.push(("preferences.csv", vec!["person", "rank", "choice"], preferences));
    let outcomes = data
        .outcomes
        .iter()
        .map(|o| {
            vec![
                person(o.mentee),
                person(o.mentor),
                o.outcome.as_str().to_string(),
                o.date.to_string(),
                o.employer.map(|e| data.employer(e).id.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    tables.push(("outcomes.csv", vec!["mentee", "mentor", "outcome", "date", "employer"], outcomes));
    for (name, header, rows) in tables {
        let io_err = |e: std::io::Error| Error::io(out.join(name), e);
        let file = fs::File::create(dir.join(name)).map_err(io_err)?;
        let mut writer = csv::WriterBuilder::new().from_writer(std::io::BufWriter::new(file));
        let csv_err = |e: csv::Error| Error::Argument(format!("{}: cannot write CSV: {e}", out.join(name).display()));
        writer.write_record(&header).map_err(csv_err)?;
        for row in rows {
            writer.write_record(&row).map_err(csv_err)?;
        }
        writer.flush().map_err(io_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_rows_are_copied_as_bytes() {
        let text = b"id,role\r\n\"a, 1\",jobseeker\r\n\r\nb,mentor";
        let table = RawTable::parse(text, "t.csv").unwrap();
        assert_eq!(table.rows.len(), 2);
        let same = table.rewrite("t.csv", None, |_| RowEdit::Keep, &[]).unwrap();
        assert_eq!(same, text);
        let edited = table
            .rewrite(
                "t.csv",
                None,
                |r| if &r[0] == "b" { RowEdit::Replace(vec!["b".into(), "x,y".into()]) } else { RowEdit::Keep },
                &[vec!["c".into(), "coach".into()]],
            )
            .unwrap();
        assert_eq!(edited, b"id,role\r\n\"a, 1\",jobseeker\r\n\r\nb,\"x,y\"\r\nc,coach\r\n");
    }
}
