//! Snapshots: round trips, and refusal of truncated, corrupted, foreign,
//! newer and hostile files.

use std::fs;
use std::path::{Path, PathBuf};

use passiton::snapshot::{FORMAT_VERSION, MAGIC, decode_snapshot};
use passiton::{Dataset, Error, read_dataset, read_snapshot, write_snapshot};
use proptest::prelude::*;

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("tiny")
}

/// Asserts two datasets hold the same records.
fn assert_same(a: &Dataset, b: &Dataset) {
    assert_eq!(a.people, b.people);
    assert_eq!(a.employers, b.employers);
    assert_eq!(a.connections, b.connections);
    assert_eq!(a.exclusions, b.exclusions);
    assert_eq!(a.preferences, b.preferences);
    assert_eq!(a.outcomes, b.outcomes);
    assert_eq!(a.experience_tags, b.experience_tags);
    assert_eq!(a.skill_tags, b.skill_tags);
}

fn snapshot_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.snapshot");
    write_snapshot(&read_dataset(&tiny()).unwrap(), &path).unwrap();
    fs::read(path).unwrap()
}

/// Header fields rewritten, checksum recomputed, so that only the body's content is at issue.
fn with_body(body: &[u8]) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    bytes.extend_from_slice(body);
    bytes
}

fn refusal(bytes: &[u8]) -> String {
    match decode_snapshot(bytes) {
        Ok(_) => panic!("snapshot should be refused"),
        Err(problem) => problem,
    }
}

#[test]
fn round_trip_keeps_every_record() {
    let data = read_dataset(&tiny()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.snapshot");
    write_snapshot(&data, &path).unwrap();
    assert_same(&data, &read_snapshot(&path).unwrap());
    assert_same(&data, &passiton::load_dataset(&path).unwrap());
    // Only the snapshot itself is left behind: the temporary was renamed.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn wrong_magic_is_refused() {
    let mut bytes = snapshot_bytes();
    bytes[0] = b'X';
    assert_eq!(refusal(&bytes), "not a passiton snapshot (wrong magic bytes)");
    assert_eq!(refusal(b"id,role\n"), "not a passiton snapshot (wrong magic bytes)");
}

#[test]
fn newer_version_is_refused_by_name() {
    let mut bytes = snapshot_bytes();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let problem = refusal(&bytes);
    assert!(problem.starts_with(&format!("snapshot format version {} is newer", FORMAT_VERSION + 1)), "{problem}");
}

#[test]
fn truncated_files_are_refused() {
    let bytes = snapshot_bytes();
    for len in [0, 7, 8, 20, 23, 24, bytes.len() / 2, bytes.len() - 1] {
        let problem = decode_snapshot(&bytes[..len]).err().unwrap_or_else(|| panic!("length {len} accepted"));
        assert!(problem.contains("truncated") || problem.contains("magic"), "length {len}: {problem}");
    }
}

#[test]
fn every_flipped_bit_is_refused() {
    let bytes = snapshot_bytes();
    // Every bit of the header and body: the checksum or a header check must catch each.
    for at in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1 << bit;
            assert!(decode_snapshot(&flipped).is_err(), "flip of bit {bit} of byte {at} was accepted");
        }
    }
}

#[test]
fn hostile_length_prefix_cannot_allocate() {
    // A body claiming 2^60 people, with a valid checksum: the decoder must
    // stop at its byte budget instead of trying to reserve the memory.
    let body = bincode::serde::encode_to_vec((0u32, 1u64 << 60), bincode::config::standard()).unwrap();
    let problem = refusal(&with_body(&body));
    assert!(problem.starts_with("corrupted snapshot body"), "{problem}");
    let body = bincode::serde::encode_to_vec(
        (0u32, 0u64, 0u64, 0u64, 0u64, 0u64, 0u64, 1u64 << 50),
        bincode::config::standard(),
    )
    .unwrap();
    assert!(refusal(&with_body(&body)).starts_with("corrupted snapshot body"));
}

#[test]
fn read_snapshot_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.snapshot");
    fs::write(&path, b"PASSITON\x01\x00\x00\x00").unwrap();
    let err = read_snapshot(&path).unwrap_err();
    assert!(matches!(err, Error::Snapshot { .. }));
    assert!(err.to_string().starts_with(&path.display().to_string()), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Any generated population survives a snapshot round trip unchanged.
    #[test]
    fn generated_populations_round_trip(seed in any::<u64>(), jobseekers in 0usize..200, mentors in 0usize..60) {
        let dir = tempfile::tempdir().unwrap();
        let config = passiton::GenerateConfig { jobseekers, mentors, coaches: 3, employers: 8, seed, region: None };
        passiton::generate(&config, &dir.path().join("data"), false).unwrap();
        let data = read_dataset(&dir.path().join("data")).unwrap();
        let path = dir.path().join("data.snapshot");
        write_snapshot(&data, &path).unwrap();
        assert_same(&data, &read_snapshot(&path).unwrap());
    }
}

proptest! {
    /// Arbitrary bytes after a valid header never panic the decoder.
    #[test]
    fn arbitrary_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_snapshot(&with_body(&body));
    }
}
