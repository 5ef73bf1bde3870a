//! Reading data directories: the valid tiny fixture, every malformed
//! fixture with its exact error lines, and mangled input that must never panic.

use std::fs;
use std::path::{Path, PathBuf};

use passiton::{Error, Role, read_dataset};
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Compares `actual` with the golden file `path`; `UPDATE_EXPECT=1` rewrites it.
fn check_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(path).unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(actual, expected, "golden file {} differs (UPDATE_EXPECT=1 rewrites it)", path.display());
}

#[test]
fn tiny_fixture_reads_with_defaults_applied() {
    let data = read_dataset(&fixtures().join("tiny")).unwrap();
    assert_eq!(data.role_counts(), (3, 2, 1));
    let js2 = data.people.iter().find(|p| p.id == "js2").unwrap();
    // No lat/lon: the area's centroid. No consent: experiences dropped.
    let manchester = data.areas.area(data.areas.lookup("E08000003").unwrap());
    assert_eq!((js2.lat, js2.lon), (manchester.lat, manchester.lon));
    assert!(js2.experiences.is_empty());
    assert_eq!(js2.max_km, 15.0);
    // The unconsented tag never even reaches the tag table.
    assert!(
        !data.experience_tags.iter().any(|t| t == "prison_leaver") || {
            // ...unless a coach lists it as a specialism, which is not personal data.
            data.people.iter().any(|p| p.role == Role::Coach)
        }
    );
    let js3 = data.people.iter().find(|p| p.id == "js3").unwrap();
    assert_eq!(js3.availability, passiton::Slots::ALL);
    let c1 = data.people.iter().find(|p| p.id == "c1").unwrap();
    assert_eq!(c1.capacity, 50);
    assert_eq!(c1.specialisms.len(), 2);
    assert_eq!(data.connections.len(), 3);
    assert_eq!(data.preferences.len(), 2);
    assert_eq!(data.outcomes.len(), 2);
}

#[test]
fn unconsented_experiences_are_dropped_at_load() {
    let data = read_dataset(&fixtures().join("tiny")).unwrap();
    for person in &data.people {
        if !person.consent {
            assert!(person.experiences.is_empty(), "{} kept experiences without consent", person.id);
        }
    }
    let js1 = data.people.iter().find(|p| p.id == "js1").unwrap();
    let names: Vec<&str> = js1.experiences.iter().map(|t| data.experience_tags[usize::from(t.0)].as_str()).collect();
    assert_eq!(names, ["care_leaver", "mental_health"]);
}

#[test]
fn every_invalid_fixture_is_refused_with_its_golden_message() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(fixtures().join("invalid")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 20);
    for dir in dirs {
        let err = read_dataset(&dir).expect_err(&format!("{} should be refused", dir.display()));
        let Error::Input(problems) = err else { panic!("{}: expected an input error, got {err}", dir.display()) };
        let lines: String = problems.problems.iter().map(|p| format!("{p}\n")).collect();
        check_golden(&dir.join("expected.txt"), &lines);
    }
}

fn scratch_copy(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "expected.txt" {
            fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    dir
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Mangled bytes anywhere in any file give an error or a dataset, never a panic.
    #[test]
    fn mangled_input_never_panics(
        file in 0usize..6,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let dir = scratch_copy(&fixtures().join("tiny"));
        let name = ["people.csv", "employers.csv", "connections.csv", "exclusions.csv", "preferences.csv", "outcomes.csv"][file];
        let path = dir.path().join(name);
        let mut bytes = fs::read(&path).unwrap();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, [b',', b';', b'"', b'\n', byte][usize::from(byte % 5)]),
            }
        }
        fs::write(&path, &bytes).unwrap();
        let _ = read_dataset(dir.path());
    }
}
