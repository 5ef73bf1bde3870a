//! Pass it on: jobseekers who found work and agreed to pass it on become
//! mentors.
//!
//! A jobseeker is *promoted* when `pass_it_on` is `yes` and `outcomes.csv`
//! records a `job_start` or `sustained_job` for them. A promoted person:
//!
//! * becomes a `mentor` with capacity 1;
//! * takes as employer the employer of their latest job outcome that names
//!   one (latest by date, then `sustained_job` over `job_start`, then mentor
//!   id), or none when no job outcome names an employer;
//! * gains a `mentored` connection to the mentor or coach of their latest job
//!   outcome (the one who helped them), of strength
//!   [`PASSED_ON_STRENGTH`] or the strongest existing tie between the two if
//!   that is stronger; no row is added when the two already have a
//!   `mentored` connection;
//! * has `pass_it_on` cleared, since it applies to jobseekers only;
//! * loses their rows in `preferences.csv`, whose `person` must be a
//!   jobseeker: someone in work is no longer choosing a mentor.
//!
//! Everyone and everything else is unchanged. Running pass-on on its own
//! output promotes no one new: promoted people are no longer jobseekers.
//!
//! This module decides who is promoted and how ([`plan_pass_on`]) and can
//! apply that to a [`Dataset`] ([`apply_pass_on`]); writing a new data
//! directory, by copying the original rows as text, is in
//! [`crate::io::pass_on`].

use crate::model::{Connection, ConnectionKind, Dataset, EmployerIdx, PersonIdx, Role};

/// Strength of the `mentored` tie added between a promoted person and the
/// one who helped them (the strength mentoring outcomes carry in the network).
pub const PASSED_ON_STRENGTH: f64 = crate::graph::MENTORING_STRENGTH;
/// Capacity of a newly promoted mentor: one mentee to start with.
pub const PROMOTED_CAPACITY: u32 = 1;

/// One jobseeker who becomes a mentor.
#[derive(Clone, Debug, PartialEq)]
pub struct Promotion {
    /// The person promoted.
    pub person: PersonIdx,
    /// Their new employer, from their latest job outcome naming one.
    pub employer: Option<EmployerIdx>,
    /// The mentor or coach of their latest job outcome.
    pub helped_by: PersonIdx,
    /// Strength of the `mentored` connection to add, or `None` when the two
    /// already have one.
    pub new_tie: Option<f64>,
}

/// Who is promoted, in id order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassOnPlan {
    /// The promotions, sorted by the person's id.
    pub promotions: Vec<Promotion>,
}

impl PassOnPlan {
    /// Whether `person` is promoted.
    pub fn promotes(&self, data: &Dataset, person: PersonIdx) -> bool {
        self.find(data, &data.person(person).id).is_some()
    }

    /// The promotion of the person with id `id`, if any.
    pub fn find(&self, data: &Dataset, id: &str) -> Option<&Promotion> {
        self.promotions
            .binary_search_by(|p| data.person(p.person).id.as_str().cmp(id))
            .ok()
            .map(|i| &self.promotions[i])
    }

    /// The summary of this plan over `data`.
    pub fn summary(&self, data: &Dataset) -> PassOnSummary {
        PassOnSummary {
            promoted: self.promotions.iter().map(|p| data.person(p.person).id.clone()).collect(),
            connections_added: self.promotions.iter().filter(|p| p.new_tie.is_some()).count(),
            preferences_dropped: data.preferences.iter().filter(|p| self.promotes(data, p.person)).count(),
        }
    }
}

/// What a pass-on run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassOnSummary {
    /// Ids of the people promoted to mentor, sorted.
    pub promoted: Vec<String>,
    /// `mentored` connections added.
    pub connections_added: usize,
    /// Preference rows dropped (those of promoted people).
    pub preferences_dropped: usize,
}

/// Decides who is promoted (see the [module docs](self)).
///
/// O(outcomes + promotions × log connections).
///
/// # Examples
///
/// ```
/// let data = passiton::read_dataset(std::path::Path::new("fixtures/sample"))?;
/// let plan = passiton::pass_on::plan_pass_on(&data);
/// for p in &plan.promotions {
///     assert!(data.person(p.person).pass_it_on);
/// }
/// # Ok::<(), passiton::Error>(())
/// ```
pub fn plan_pass_on(data: &Dataset) -> PassOnPlan {
    let rank = crate::score::id_ranks(data);
    // Outcomes are sorted by mentee, so one pass finds each mentee's latest
    // job outcome and latest job outcome naming an employer.
    let mut latest: Vec<(PersonIdx, usize, Option<usize>)> = Vec::new();
    let later = |x: usize, y: usize| {
        let (a, b) = (&data.outcomes[x], &data.outcomes[y]);
        (a.date, a.outcome, rank[a.mentor.0 as usize]) > (b.date, b.outcome, rank[b.mentor.0 as usize])
    };
    for (i, o) in data.outcomes.iter().enumerate() {
        let person = data.person(o.mentee);
        if !o.outcome.is_job() || person.role != Role::Jobseeker || !person.pass_it_on {
            continue;
        }
        match latest.last_mut() {
            Some((mentee, job, with_employer)) if *mentee == o.mentee => {
                if later(i, *job) {
                    *job = i;
                }
                if o.employer.is_some() && with_employer.is_none_or(|e| later(i, e)) {
                    *with_employer = Some(i);
                }
            }
            _ => latest.push((o.mentee, i, o.employer.is_some().then_some(i))),
        }
    }
    let mut promotions: Vec<Promotion> = latest
        .into_iter()
        .map(|(person, job, with_employer)| {
            let helped_by = data.outcomes[job].mentor;
            let employer = with_employer.and_then(|e| data.outcomes[e].employer);
            let (a, b) = (person.min(helped_by), person.max(helped_by));
            let start = data.connections.partition_point(|c| (c.a, c.b) < (a, b));
            let existing: Vec<&Connection> =
                data.connections[start..].iter().take_while(|c| (c.a, c.b) == (a, b)).collect();
            let new_tie = if existing.iter().any(|c| c.kind == ConnectionKind::Mentored) {
                None
            } else {
                Some(existing.iter().fold(PASSED_ON_STRENGTH, |acc, c| acc.max(c.strength)))
            };
            Promotion { person, employer, helped_by, new_tie }
        })
        .collect();
    promotions.sort_by(|x, y| data.person(x.person).id.cmp(&data.person(y.person).id));
    PassOnPlan { promotions }
}

/// `data` with `plan` applied: promoted people are mentors with capacity 1
/// and their employer, `pass_it_on` cleared, their preferences dropped and
/// the new `mentored` connections added (keeping the dataset's sort orders).
pub fn apply_pass_on(data: &Dataset, plan: &PassOnPlan) -> Dataset {
    let mut out = data.clone();
    let mut promoted = vec![false; data.people.len()];
    for p in &plan.promotions {
        promoted[p.person.0 as usize] = true;
        let person = &mut out.people[p.person.0 as usize];
        person.role = Role::Mentor;
        person.capacity = PROMOTED_CAPACITY;
        person.employer = p.employer;
        person.pass_it_on = false;
        if let Some(strength) = p.new_tie {
            out.connections.push(Connection {
                a: p.person.min(p.helped_by),
                b: p.person.max(p.helped_by),
                kind: ConnectionKind::Mentored,
                strength,
            });
        }
    }
    out.connections.sort_by_key(|c| (c.a, c.b, c.kind));
    out.preferences.retain(|p| !promoted[p.person.0 as usize]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_promotes_only_willing_jobseekers_in_work() {
        let data = crate::io::read_dataset(std::path::Path::new("fixtures/sample")).unwrap();
        let plan = plan_pass_on(&data);
        assert!(!plan.promotions.is_empty());
        for p in &plan.promotions {
            let person = data.person(p.person);
            assert!(person.role == Role::Jobseeker && person.pass_it_on);
            assert!(
                data.outcomes.iter().any(|o| o.mentee == p.person && o.outcome.is_job() && o.mentor == p.helped_by)
            );
        }
        let after = apply_pass_on(&data, &plan);
        assert!(plan_pass_on(&after).promotions.is_empty(), "pass-on twice promotes no one new");
    }
}
