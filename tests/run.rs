//! `passiton run`, the whole batch job, through the built binary: every
//! output file, byte-identical results on a re-run, a well-formed run record,
//! and nothing written on refusal.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The deterministic outputs; `run.json` holds timings and is checked apart.
const RESULTS: [&str; 6] =
    ["shortlist.csv", "match.csv", "match_stable.csv", "peers.csv", "intros.csv", "summary.json"];

/// The stages `run.json` must list, in order.
const STAGES: [&str; 12] = [
    "load",
    "score_context",
    "candidates",
    "match_instance",
    "match_optimal",
    "shortlist",
    "match_stable",
    "match_greedy",
    "match_first_free",
    "peers",
    "intros",
    "write",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn run(data: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passiton"))
        .arg("run")
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("binary runs")
}

fn assert_success(out: &Output) {
    assert!(out.status.success(), "run failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn writes_every_output_and_repeats_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let (first, second) = (root.path().join("first"), root.path().join("second"));
    let sample = fixtures().join("sample");
    assert_success(&run(&sample, &first, &[]));
    assert_success(&run(&sample, &second, &[]));

    let mut names: Vec<String> =
        fs::read_dir(&first).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut expected: Vec<String> = RESULTS.iter().chain(&["run.json"]).map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);

    for name in RESULTS {
        let (a, b) = (fs::read(first.join(name)).unwrap(), fs::read(second.join(name)).unwrap());
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between two runs on the same input");
    }

    // The match file is the one `match` writes for the same input.
    let matched = Command::new(env!("CARGO_BIN_EXE_passiton"))
        .args(["match", "--data"])
        .arg(&sample)
        .arg("--out")
        .arg(root.path().join("match.csv"))
        .output()
        .expect("binary runs");
    assert_success(&matched);
    assert_eq!(fs::read(root.path().join("match.csv")).unwrap(), fs::read(first.join("match.csv")).unwrap());

    let summary: serde_json::Value = serde_json::from_slice(&fs::read(first.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["match"]["mode"], "optimal");
    assert!(summary["match"]["modes"]["stable"]["matched"].as_u64().is_some());
    assert!(summary["peers"]["matched"].as_u64().unwrap() > 0);
    assert_eq!(summary["counts"]["jobseekers"], 300);
}

#[test]
fn run_record_lists_every_stage() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    assert_success(&run(&fixtures().join("sample"), &out, &[]));
    let record: serde_json::Value = serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["passiton_version"], env!("CARGO_PKG_VERSION"));
    assert!(record["threads"].as_u64().unwrap() >= 1);
    assert!(record["input"].as_str().unwrap().ends_with("sample"));
    let stages = record["stages"].as_array().unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(names, STAGES);
    assert_eq!(record["stages_in_parallel"], true);
    for stage in stages {
        assert!(stage["seconds"].as_f64().unwrap() >= 0.0, "{stage}");
        assert!(stage["started_seconds"].as_f64().unwrap() >= 0.0, "{stage}");
        assert!(stage["items"].as_u64().is_some(), "{stage}");
        assert!(stage["unit"].as_str().is_some(), "{stage}");
        // Null only where the system has no /proc to read it from.
        let peak = &stage["peak_rss_bytes"];
        assert!(peak.is_null() || peak.as_u64().unwrap() > 0, "{stage}");
        if Path::new("/proc/self/status").exists() {
            assert!(peak.as_u64().is_some(), "{stage}");
        }
    }
    assert_eq!(stages[0]["items"], 388, "people in the sample");
    assert!(record["total_seconds"].as_f64().unwrap() >= 0.0);
}

#[test]
fn one_stage_at_a_time_gives_the_same_results() {
    let root = tempfile::tempdir().unwrap();
    let (side_by_side, sequential) = (root.path().join("side_by_side"), root.path().join("sequential"));
    let sample = fixtures().join("sample");
    assert_success(&run(&sample, &side_by_side, &[]));
    assert_success(&run(&sample, &sequential, &["--sequential"]));
    for name in RESULTS {
        let (a, b) = (fs::read(side_by_side.join(name)).unwrap(), fs::read(sequential.join(name)).unwrap());
        assert!(a == b, "{name} differs when stages run one at a time");
    }
    let record: serde_json::Value = serde_json::from_slice(&fs::read(sequential.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["stages_in_parallel"], false);
    // One at a time: each stage starts after the one before it has ended.
    let stages = record["stages"].as_array().unwrap();
    for pair in stages.windows(2) {
        let ended = pair[0]["started_seconds"].as_f64().unwrap() + pair[0]["seconds"].as_f64().unwrap();
        assert!(pair[1]["started_seconds"].as_f64().unwrap() >= ended - 1e-6, "{} overlaps {}", pair[0], pair[1]);
    }
}

#[test]
fn refuses_a_non_empty_directory_without_force() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "mine\n").unwrap();
    let sample = fixtures().join("sample");

    let refused = run(&sample, &out, &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("not empty") && stderr.contains("--force"), "{stderr}");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "mine\n");

    assert_success(&run(&sample, &out, &["--force"]));
    assert!(!out.join("keep.txt").exists());
    assert!(out.join("run.json").exists());
}

#[test]
fn bad_input_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let refused = run(&fixtures().join("invalid").join("unknown_role"), &out, &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("people.csv"), "{stderr}");
    assert!(!out.exists());
    let left: Vec<_> = fs::read_dir(root.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}
