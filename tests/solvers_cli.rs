//! The solver commands (`assign`, `stable`, `pair`) driven through the built
//! binary: known answers, `--max-matched`, every class of refused input with
//! its exact message and no output file, and byte-identical output whatever
//! the order of input rows.

use std::process::Command;

/// What one run of the binary produced.
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Writes `files` into a fresh directory and runs `passiton ARGS` there,
/// with `--out out.csv` appended when `out` is set. Returns the run and
/// whether `out.csv` exists afterwards.
fn run(files: &[(&str, &str)], args: &[&str], out: bool) -> (Run, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_passiton"));
    command.current_dir(dir.path()).args(args);
    if out {
        command.args(["--out", "out.csv"]);
    }
    let output = command.output().unwrap();
    let written = std::fs::read_to_string(dir.path().join("out.csv")).ok();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".passiton"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
    let run = Run {
        success: output.status.success(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    (run, written)
}

/// Runs a command that must succeed and checks its whole stdout (CSV, then
/// the JSON line); with `--out`, the CSV must be in the file instead.
fn check(files: &[(&str, &str)], args: &[&str], expected_csv: &str, expected_json: &str) {
    let (res, _) = run(files, args, false);
    assert!(res.success, "{args:?} failed: {}", res.stderr);
    assert_eq!(res.stdout, format!("{expected_csv}{expected_json}\n"), "{args:?}");
    let (res, written) = run(files, args, true);
    assert!(res.success, "{args:?} --out failed: {}", res.stderr);
    assert_eq!(res.stdout, format!("{expected_json}\n"));
    assert_eq!(written.as_deref(), Some(expected_csv));
}

/// Runs a command that must refuse its input: non-zero exit, exactly
/// `expected` on stderr, nothing on stdout,
/// no output file.
fn check_refused(files: &[(&str, &str)], args: &[&str], expected: &str) {
    let (res, written) = run(files, args, true);
    assert!(!res.success, "{args:?} should fail");
    assert_eq!(res.stderr, expected, "{args:?}");
    assert_eq!(res.stdout, "");
    assert!(written.is_none(), "output written despite refused input");
}

const ASSIGN: [&str; 5] = ["assign", "--edges", "edges.csv", "--capacities", "caps.csv"];
const STABLE: [&str; 7] =
    ["stable", "--mentee-prefs", "mentees.csv", "--mentor-prefs", "mentors.csv", "--capacities", "caps.csv"];
const PAIR: [&str; 3] = ["pair", "--edges", "edges.csv"];

#[test]
fn assign_known_answer() {
    // Hand-checked: greedy takes j1-m1 (10) and leaves j2 with m2 (5) only,
    // 15; moving j1 to m2 frees m1 for j2 but scores 4 + 9 = 13; j3 has only
    // a negative edge and stays unmatched. Optimum 15 with 2 matched.
    let edges = "mentee,mentor,score\nj2,m1,9\nj1,m1,10\nj2,m2,5\nj1,m2,4\nj3,m2,-1\n";
    check(
        &[("edges.csv", edges), ("caps.csv", "id,capacity\nm2,1\nm1,1\n")],
        &ASSIGN,
        "mentee,mentor,score\nj1,m1,10\nj2,m2,5\n",
        r#"{"matched":2,"total_score":15,"unmatched":1}"#,
    );
}

#[test]
fn max_matched_changes_the_answer() {
    // m1 has one place. By score alone j1-m1 (10) beats j2-m1 + j1-m2
    // (8 + 1 = 9); matching both mentees first forces the second.
    let files =
        [("edges.csv", "mentee,mentor,score\nj1,m1,10\nj1,m2,1\nj2,m1,8\n"), ("caps.csv", "id,capacity\nm1,1\nm2,1\n")];
    check(&files, &ASSIGN, "mentee,mentor,score\nj1,m1,10\n", r#"{"matched":1,"total_score":10,"unmatched":1}"#);
    let mut args = ASSIGN.to_vec();
    args.push("--max-matched");
    check(&files, &args, "mentee,mentor,score\nj1,m2,1\nj2,m1,8\n", r#"{"matched":2,"total_score":9,"unmatched":0}"#);
}

#[test]
fn stable_known_answer() {
    // Gale & Shapley (1962), "College admissions and the stability of
    // marriage", example 1: three men and three women whose rankings form a
    // cycle, with three stable matchings. Men (here mentees) proposing, each
    // gets his first choice: alpha-A, beta-B, gamma-C, rank sum 3.
    let mentees = "mentee,rank,mentor\nalpha,1,A\nalpha,2,B\nalpha,3,C\n\
                   beta,1,B\nbeta,2,C\nbeta,3,A\ngamma,1,C\ngamma,2,A\ngamma,3,B\n";
    let mentors = "mentor,rank,mentee\nA,1,beta\nA,2,gamma\nA,3,alpha\n\
                   B,1,gamma\nB,2,alpha\nB,3,beta\nC,1,alpha\nC,2,beta\nC,3,gamma\n";
    check(
        &[("mentees.csv", mentees), ("mentors.csv", mentors), ("caps.csv", "id,capacity\nA,1\nB,1\nC,1\n")],
        &STABLE,
        "mentee,mentor\nalpha,A\nbeta,B\ngamma,C\n",
        r#"{"blocking_pairs":0,"matched":3,"mentee_rank_sum":3,"total_score":3,"unmatched":0}"#,
    );
}

#[test]
fn pair_known_answer() {
    // Hand-checked: greedy takes n1-n2 (10) and then nothing else fits,
    // while n1-n3 (9) with n2-n4 (7) scores 16, the best of the 4 pairings.
    // Rows name each pair in either orientation; output has a < b.
    let edges = "a,b,score\nn2,n1,10\nn2,n3,8\nn1,n3,9\nn4,n2,7\n";
    check(
        &[("edges.csv", edges)],
        &PAIR,
        "a,b,score\nn1,n3,9\nn2,n4,7\n",
        r#"{"matched":2,"total_score":16,"unpaired":0}"#,
    );
}

#[test]
fn refused_inputs_name_file_line_and_column() {
    let caps = ("caps.csv", "id,capacity\nm1,1\nm2,1\n");
    check_refused(
        &[("edges.csv", "mentee,mentor,score\nj1,m1,3\nj2,m9,4\n"), caps],
        &ASSIGN,
        "passiton: error: edges.csv:3: column mentor: \"m9\" is not in caps.csv\n",
    );
    check_refused(
        &[("edges.csv", "mentee,mentor,score\nj1,m1,3\nj2,m1,4\nj1,m1,5\n"), caps],
        &ASSIGN,
        "passiton: error: edges.csv:4: column mentor: mentee \"j1\" already has a row for mentor \"m1\" at line 2\n",
    );
    check_refused(
        &[("edges.csv", "mentee,mentor,score\nj1,m1,2.5\n"), caps],
        &ASSIGN,
        "passiton: error: edges.csv:2: column score: \"2.5\" is not an integer\n",
    );
    check_refused(
        &[("edges.csv", "mentee,mentor,score\nj1,m1,2\n"), ("caps.csv", "id,capacity\nm1,-1\n")],
        &ASSIGN,
        "passiton: error: caps.csv:2: column capacity: \"-1\" is not a whole number from 0 to 4294967295\n",
    );
    check_refused(
        &[("edges.csv", "mentee,mentor,score,note\nj1,m1,2,x\n"), caps],
        &ASSIGN,
        "passiton: error: edges.csv:1: column note: unknown column (expected some of: mentee, mentor, score)\n",
    );
    check_refused(
        &[("edges.csv", "a,b,score\nx,y,1\ny,x,2\n")],
        &PAIR,
        "passiton: error: edges.csv:3: column b: the pair \"y\" and \"x\" already appears at line 2\n",
    );
    check_refused(
        &[("edges.csv", "a,b,score\nx,y,1\nz,z,2\n")],
        &PAIR,
        "passiton: error: edges.csv:3: column b: \"z\" is paired with itself\n",
    );
    check_refused(
        &[("edges.csv", "a,b,score\nx,y,one\n")],
        &PAIR,
        "passiton: error: edges.csv:2: column score: \"one\" is not an integer\n",
    );
    let mentors = ("mentors.csv", "mentor,rank,mentee\nm1,1,a\nm2,1,a\n");
    check_refused(
        &[("mentees.csv", "mentee,rank,mentor\na,1,m1\na,3,m2\n"), mentors, caps],
        &STABLE,
        "passiton: error: mentees.csv:3: column rank: mentee \"a\" has 2 rows, so ranks run 1 to 2, not 3\n",
    );
    check_refused(
        &[("mentees.csv", "mentee,rank,mentor\na,1,m1\na,1,m2\n"), mentors, caps],
        &STABLE,
        "passiton: error: mentees.csv:3: column rank: rank 1 of mentee \"a\" repeats line 2\n",
    );
    check_refused(
        &[("mentees.csv", "mentee,rank,mentor\na,1,m1\na,2,m1\n"), mentors, caps],
        &STABLE,
        "passiton: error: mentees.csv:3: column mentor: mentor \"m1\" is already ranked by mentee \"a\" at line 2\n",
    );
}

#[test]
fn every_problem_is_listed() {
    // Two files, three problems: each on its own line, then the one-line error.
    let (res, written) = run(
        &[("edges.csv", "mentee,mentor,score\nj1,m1,x\nj2,m3,1\n"), ("caps.csv", "id,capacity\nm1,1\nm2,two\n")],
        &ASSIGN,
        true,
    );
    assert!(!res.success);
    assert!(written.is_none());
    assert_eq!(
        res.stderr,
        "caps.csv:3: column capacity: \"two\" is not a whole number from 0 to 4294967295\n\
         edges.csv:2: column score: \"x\" is not an integer\n\
         edges.csv:3: column mentor: \"m3\" is not in caps.csv\n\
         passiton: error: caps.csv:3: column capacity: \"two\" is not a whole number from 0 to 4294967295 \
         (and 2 more problems)\n"
    );
}

/// A seeded stream of numbers, enough to build and shuffle test instances.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i as u64 + 1) as usize);
        }
    }
}

/// `header` then `rows` in a seeded random order.
fn shuffled(header: &str, rows: &[String], seed: u64) -> String {
    let mut rows = rows.to_vec();
    Lcg(seed).shuffle(&mut rows);
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(&row);
        text.push('\n');
    }
    text
}

/// The same rows in two orders give the same bytes on stdout.
fn assert_order_free(files: impl Fn(u64) -> Vec<(&'static str, String)>, args: &[&str]) {
    let outputs: Vec<String> = [1, 2]
        .iter()
        .map(|&seed| {
            let files = files(seed);
            let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
            let (res, _) = run(&borrowed, args, false);
            assert!(res.success, "{args:?}: {}", res.stderr);
            res.stdout
        })
        .collect();
    assert!(outputs[0].lines().count() > 10, "instance too small to mean anything");
    assert_eq!(outputs[0], outputs[1], "{args:?}");
}

#[test]
fn output_does_not_depend_on_row_order() {
    let mut rng = Lcg(7);
    let mut assign_edges = Vec::new();
    let mut pair_edges = Vec::new();
    let mut mentee_ranks = Vec::new();
    for i in 0..60 {
        let mut mentors: Vec<u64> = (0..12).collect();
        rng.shuffle(&mut mentors);
        for (rank, &j) in mentors[..5].iter().enumerate() {
            // Few distinct scores, so that ties have to be broken the same way.
            assign_edges.push(format!("j{i},m{j},{}", rng.below(4)));
            mentee_ranks.push(format!("j{i},{},m{j}", rank + 1));
        }
        for k in (i + 1)..60 {
            if rng.below(8) == 0 {
                pair_edges.push(format!("j{i},j{k},{}", rng.below(4)));
            }
        }
    }
    let mut mentor_ranks = Vec::new();
    for j in 0..12 {
        let mut mentees: Vec<u64> = (0..60).collect();
        rng.shuffle(&mut mentees);
        for (rank, &i) in mentees[..30].iter().enumerate() {
            mentor_ranks.push(format!("m{j},{},j{i}", rank + 1));
        }
    }
    let caps: Vec<String> = (0..12).map(|j| format!("m{j},{}", 1 + j % 4)).collect();

    assert_order_free(
        |seed| {
            vec![
                ("edges.csv", shuffled("mentee,mentor,score", &assign_edges, seed)),
                ("caps.csv", shuffled("id,capacity", &caps, seed)),
            ]
        },
        &ASSIGN,
    );
    assert_order_free(
        |seed| {
            vec![
                ("mentees.csv", shuffled("mentee,rank,mentor", &mentee_ranks, seed)),
                ("mentors.csv", shuffled("mentor,rank,mentee", &mentor_ranks, seed)),
                ("caps.csv", shuffled("id,capacity", &caps, seed)),
            ]
        },
        &STABLE,
    );
    assert_order_free(|seed| vec![("edges.csv", shuffled("a,b,score", &pair_edges, seed))], &PAIR);
}
