//! The built binary, as a user drives it: exit codes, one-line errors,
//! nothing written on refusal, and byte-identical output whatever the thread
//! count, the order of rows in the files, or whether the data came from CSV
//! or a snapshot.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn passiton() -> Command {
    Command::new(env!("CARGO_BIN_EXE_passiton"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn run(args: &[&str], threads: &str) -> Output {
    passiton().args(args).env("RAYON_NUM_THREADS", threads).output().expect("binary runs")
}

fn stdout_of(args: &[&str], threads: &str) -> String {
    let out = run(args, threads);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A copy of `from` with the data rows of every CSV file in reverse order.
fn reversed_copy(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let text = fs::read_to_string(entry.path()).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        fs::write(dir.path().join(entry.file_name()), lines.join("\n") + "\n").unwrap();
    }
    dir
}

#[test]
fn validate_accepts_good_data_and_lists_every_problem_in_bad() {
    let out = run(&["validate", "--data", fixtures().join("sample").to_str().unwrap()], "2");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid: 300 jobseekers, 80 mentors, 8 coaches"));

    let bad = fixtures().join("invalid").join("lat_out_of_range");
    let out = run(&["validate", "--data", bad.to_str().unwrap()], "2");
    assert!(!out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), fs::read_to_string(bad.join("expected.txt")).unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one-line error: {stderr}");
}

#[test]
fn refused_input_writes_nothing() {
    let out_dir = tempfile::tempdir().unwrap();
    for case in ["unknown_column", "duplicate_id", "strength_out_of_range"] {
        let bad = fixtures().join("invalid").join(case);
        let target = out_dir.path().join(format!("{case}.snapshot"));
        let out = run(&["snapshot", "--data", bad.to_str().unwrap(), "--out", target.to_str().unwrap()], "2");
        assert!(!out.status.success(), "{case} accepted");
        let listed = run(&["shortlist", "--data", bad.to_str().unwrap(), "--out", target.to_str().unwrap()], "2");
        assert!(!listed.status.success());
    }
    assert_eq!(fs::read_dir(out_dir.path()).unwrap().count(), 0, "no file and no temporary left behind");
}

#[test]
fn a_corrupted_snapshot_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("sample.snapshot");
    let sample = fixtures().join("sample");
    stdout_of(&["snapshot", "--data", sample.to_str().unwrap(), "--out", snapshot.to_str().unwrap()], "2");
    let mut bytes = fs::read(&snapshot).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    fs::write(&snapshot, &bytes).unwrap();
    let out = run(&["validate", "--data", snapshot.to_str().unwrap()], "2");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("checksum does not match"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn output_does_not_depend_on_threads_row_order_or_snapshot() {
    let sample = fixtures().join("sample");
    let reversed = reversed_copy(&sample);
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("sample.snapshot");
    stdout_of(&["snapshot", "--data", sample.to_str().unwrap(), "--out", snapshot.to_str().unwrap()], "2");
    for command in [
        &["shortlist"][..],
        &["match", "--mode", "optimal"],
        &["match", "--mode", "stable"],
        &["match", "--mode", "first-free"],
    ] {
        let with = |data: &Path, threads: &str| {
            let mut args: Vec<&str> = command.to_vec();
            args.extend(["--data", data.to_str().unwrap()]);
            stdout_of(&args, threads)
        };
        let reference = with(&sample, "1");
        assert!(reference.lines().count() > 300, "{command:?} wrote too little");
        assert_eq!(reference, with(&sample, "2"), "{command:?}: thread count changed the output");
        assert_eq!(reference, with(reversed.path(), "2"), "{command:?}: row order changed the output");
        assert_eq!(reference, with(&snapshot, "2"), "{command:?}: the snapshot gave other output");
    }
}

#[test]
fn generate_is_deterministic_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let generate = |name: &str, seed: &str| {
        let out = dir.path().join(name);
        let args = ["generate", "--jobseekers", "120", "--mentors", "30", "--coaches", "3", "--employers", "10"];
        let mut args: Vec<&str> = args.to_vec();
        args.extend(["--seed", seed, "--out", out.to_str().unwrap()]);
        (run(&args, "2"), out)
    };
    let (first, a) = generate("a", "5");
    assert!(first.status.success());
    let (_, b) = generate("b", "5");
    for file in ["people.csv", "employers.csv", "connections.csv", "exclusions.csv", "preferences.csv", "outcomes.csv"]
    {
        assert_eq!(fs::read(a.join(file)).unwrap(), fs::read(b.join(file)).unwrap(), "{file} differs for one seed");
    }
    let (again, _) = generate("a", "6");
    assert!(!again.status.success(), "a non-empty directory was overwritten without --force");
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    stdout_of(&["validate", "--data", a.to_str().unwrap()], "2");
}

#[test]
fn demo_runs_on_the_bundled_sample() {
    let out = stdout_of(&["demo"], "2");
    assert!(out.contains("300 jobseekers"), "{out}");
}

#[test]
fn bad_weights_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("w.json");
    fs::write(&weights, r#"{"sector": -1}"#).unwrap();
    let out = run(
        &["shortlist", "--data", fixtures().join("tiny").to_str().unwrap(), "--weights", weights.to_str().unwrap()],
        "2",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("w.json") && stderr.contains("non-negative"), "{stderr}");
}
