//! Pass it on: the new data directory validates, promoted people are
//! mentors tied to who helped them, every other row is copied byte for byte,
//! and a second run promotes no one new.

use std::collections::HashSet;
use std::path::Path;

use passiton::io::pass_on::pass_on;
use passiton::{ConnectionKind, Role};

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn sample_promotes_and_copies_everything_else() {
    let sample = Path::new("fixtures/sample");
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("after");
    let summary = pass_on(sample, &out, false).unwrap();
    assert!(!summary.promoted.is_empty());
    let before = passiton::read_dataset(sample).unwrap();
    let after = passiton::read_dataset(&out).unwrap();
    let promoted: HashSet<&str> = summary.promoted.iter().map(String::as_str).collect();
    let id_of = |id: &str| after.people.iter().position(|p| p.id == id).unwrap();
    for id in &promoted {
        let idx = id_of(id);
        let person = &after.people[idx];
        assert_eq!(person.role, Role::Mentor);
        assert_eq!(person.capacity, 1);
        assert!(!person.pass_it_on);
        let helped = before
            .outcomes
            .iter()
            .filter(|o| before.person(o.mentee).id == *id && o.outcome.is_job())
            .map(|o| before.person(o.mentor).id.clone())
            .collect::<HashSet<_>>();
        assert!(
            after.connections.iter().any(|c| c.kind == ConnectionKind::Mentored
                && [c.a, c.b].contains(&passiton::PersonIdx(idx as u32))
                && (helped.contains(&after.person(c.a).id) || helped.contains(&after.person(c.b).id))),
            "{id} has no mentored tie to who helped them"
        );
    }
    // Every unpromoted row of people.csv is byte-identical, in place.
    let (old, new) = (lines(&sample.join("people.csv")), lines(&out.join("people.csv")));
    assert_eq!(old.len(), new.len());
    for (o, n) in old.iter().zip(&new) {
        let id = o.split(',').next().unwrap();
        if promoted.contains(id) {
            assert_ne!(o, n);
        } else {
            assert_eq!(o, n);
        }
    }
    // Files promotions do not touch are copied whole; connections only grow
    // at the end; preferences only lose promoted people's rows.
    for name in ["employers.csv", "exclusions.csv", "outcomes.csv"] {
        assert_eq!(std::fs::read(sample.join(name)).unwrap(), std::fs::read(out.join(name)).unwrap(), "{name}");
    }
    let (old, new) = (lines(&sample.join("connections.csv")), lines(&out.join("connections.csv")));
    assert_eq!(new[..old.len()], old[..]);
    assert_eq!(new.len() - old.len(), summary.connections_added);
    let kept: Vec<String> = lines(&sample.join("preferences.csv"))
        .into_iter()
        .filter(|l| !promoted.contains(l.split(',').next().unwrap()))
        .collect();
    assert_eq!(lines(&out.join("preferences.csv")), kept);
    // A second run promotes no one new.
    let again = root.path().join("again");
    assert!(pass_on(&out, &again, false).unwrap().promoted.is_empty());
    // A non-empty directory is refused without overwrite, and nothing changes.
    assert!(pass_on(sample, &out, false).is_err());
    assert!(pass_on(sample, &out, true).is_ok());
}

#[test]
fn connections_are_added_with_strength_and_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("employers.csv", "id,area\ne1,E08000003\ne2,E08000003\n");
    write(
        "people.csv",
        "id,role,area,experiences,consent,pass_it_on\n\
         \"j,1\",jobseeker,E08000003,prison_leaver,no,yes\n\
         j2,jobseeker,E08000003,,,yes\n\
         j3,jobseeker,E08000003,,,no\n\
         j4,jobseeker,E08000003,,,yes\n\
         m1,mentor,E08000003,,,\n",
    );
    write("connections.csv", "a,b,kind,strength\nj2,m1,knows,0.9\nj4,m1,mentored,0.3\n");
    write("preferences.csv", "person,rank,choice\nj2,1,m1\nj3,1,m1\n");
    write(
        "outcomes.csv",
        "mentee,mentor,outcome,date,employer\n\
         \"j,1\",m1,job_start,2024-01-01,e1\n\
         \"j,1\",m1,sustained_job,2024-07-01,\n\
         j2,m1,job_start,2024-01-01,e2\n\
         j3,m1,job_start,2024-01-01,e2\n\
         j4,m1,met,2024-01-01,\n\
         j4,m1,job_start,2024-02-01,\n",
    );
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("after");
    let summary = pass_on(dir.path(), &out, false).unwrap();
    assert_eq!(summary.promoted, ["j,1", "j2", "j4"]);
    assert_eq!(summary.preferences_dropped, 1);
    assert_eq!(summary.connections_added, 2, "j4 already has a mentored tie");
    let people = std::fs::read_to_string(out.join("people.csv")).unwrap();
    // The promoted row keeps its unconsented tags and quoting; the employer
    // column is added because a promotion needs it.
    assert!(people.contains("\"j,1\",mentor,E08000003,prison_leaver,no,,e1\n"), "{people}");
    assert!(people.contains("j3,jobseeker,E08000003,,,no,\n"), "{people}");
    let connections = std::fs::read_to_string(out.join("connections.csv")).unwrap();
    assert!(connections.ends_with("m1,\"j,1\",mentored,0.800\nm1,j2,mentored,0.900\n"), "{connections}");
    passiton::read_dataset(&out).unwrap();
}

#[test]
fn a_snapshot_is_written_out_whole() {
    let sample = Path::new("fixtures/sample");
    let root = tempfile::tempdir().unwrap();
    let snapshot = root.path().join("sample.snapshot");
    passiton::write_snapshot(&passiton::read_dataset(sample).unwrap(), &snapshot).unwrap();
    let from_dir = pass_on(sample, &root.path().join("a"), false).unwrap();
    let from_snapshot = pass_on(&snapshot, &root.path().join("b"), false).unwrap();
    assert_eq!(from_dir, from_snapshot);
    let (a, b) = (
        passiton::read_dataset(&root.path().join("a")).unwrap(),
        passiton::read_dataset(&root.path().join("b")).unwrap(),
    );
    assert_eq!(a.people, b.people, "consented data is the same either way");
    assert_eq!(a.connections, b.connections);
    assert_eq!(a.outcomes, b.outcomes);
}
