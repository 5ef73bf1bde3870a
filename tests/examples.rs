//! Every program in `examples/` runs and says what it should.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A command that runs example `name` through cargo, as a reader of the
/// example's doc comment would.
fn example(name: &str) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.args(["run", "--quiet", "--example", name, "--"]).current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[test]
fn embed_prints_options_and_a_matching() {
    let out = example("embed").arg(fixtures().join("sample")).output().expect("example runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("can choose from:") && text.contains("optimal matching:"), "{text}");
}

#[test]
fn batch_snapshot_writes_shortlists() {
    let dir = tempfile::tempdir().unwrap();
    let (snapshot, csv) = (dir.path().join("s.snapshot"), dir.path().join("shortlist.csv"));
    let out = example("batch_snapshot")
        .args([fixtures().join("tiny").as_os_str(), snapshot.as_os_str(), csv.as_os_str()])
        .output()
        .expect("example runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read_to_string(csv).unwrap();
    assert!(written.starts_with("jobseeker,rank,candidate,role,score"));
    assert_eq!(written.lines().filter(|l| l.starts_with("js1,")).count(), 2);
}

#[test]
fn candidate_search_agrees_with_brute_force() {
    let out = example("candidate_search")
        .args([fixtures().join("sample").as_os_str(), "--apart".as_ref(), "--brute-force".as_ref()])
        .output()
        .expect("example runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("same candidates: yes"), "{text}");
    assert!(text.contains("same lists: yes"), "{text}");
}
