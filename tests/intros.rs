//! Warm introductions: the search against every simple path enumerated on
//! small random networks, validity of every chain listed, the same output
//! whatever the thread count or row order, and the command on the fixtures.

use std::path::Path;

use passiton::intros::{IntroOptions, NoIntro, hop_kind, intros_brute_force};
use passiton::io::write_intros::write_intros;
use passiton::{
    Areas, Connection, ConnectionKind, Dataset, Date, Employer, EmployerIdx, Exclusion, IntroList, Language, Outcome,
    OutcomeKind, Person, PersonIdx, Role, ScoreContext, SkillIdx, Slots, Taxonomy, Weights, explain_intro, intros,
};
use proptest::prelude::*;

/// Runs the search, checks every chain it lists, compares it with brute
/// force, and returns it.
fn check(data: &Dataset, options: &IntroOptions) -> Vec<IntroList> {
    let ctx = ScoreContext::new(data, Weights::default()).unwrap();
    let found = intros(&ctx, options).unwrap();
    for list in &found {
        assert_eq!(list.intros.is_empty(), list.reason.is_some(), "a reason exactly when there is no chain");
        assert!(list.intros.len() <= options.k);
        for (i, intro) in list.intros.iter().enumerate() {
            check_chain(&ctx, options, intro);
            assert!(list.intros[..i].iter().all(|other| other.employer != intro.employer), "one chain per employer");
            if i > 0 {
                assert!(list.intros[i - 1].strength >= intro.strength, "strongest first");
            }
        }
    }
    let expected = intros_brute_force(&ctx, options).unwrap();
    assert_eq!(found, expected, "search and enumeration agree");
    found
}

/// A certificate that scales: the chain is legal and its strength is what
/// the module docs say.
fn check_chain(ctx: &ScoreContext<'_>, options: &IntroOptions, intro: &passiton::Intro) {
    let data = ctx.data;
    let path = &intro.path;
    assert_eq!(path[0], intro.jobseeker);
    assert!(path.len() >= 2 && path.len() <= options.max_hops + 1, "1 to max_hops hops");
    let mut sorted = path.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), path.len(), "a simple path");
    let excluded = |a: PersonIdx, b: PersonIdx| data.exclusions.iter().any(|x| (x.a, x.b) == (a.min(b), a.max(b)));
    let mut strength = 1.0;
    for pair in path.windows(2) {
        let tie = ctx.tie(pair[0], pair[1]).expect("consecutive people share a tie");
        assert!(hop_kind(data, pair[0], pair[1]).is_some());
        assert!(!excluded(pair[0], pair[1]), "no hop between an excluded pair");
        assert!(!excluded(intro.jobseeker, pair[1]), "nobody excluded with the jobseeker");
        strength *= options.hop_value(tie);
    }
    let last = data.person(path[path.len() - 1]);
    assert_eq!(last.employer, Some(intro.employer), "the last person works at the employer");
    let employer = data.employer(intro.employer);
    assert!(employer.vacancies > 0, "the employer is hiring");
    let (similarity, _) =
        passiton::score::best_sector_match(&data.taxonomy, &data.person(intro.jobseeker).sectors, &employer.sectors);
    assert!(similarity > 0.0, "in a wanted sector");
    assert_eq!(intro.strength, strength * passiton::graph::EMPLOYMENT_STRENGTH * similarity);
}

const CODES: [&str; 7] = ["Q", "86", "86.21", "87.10", "47.11", "47", "62.01"];
const STRENGTHS: [f64; 5] = [0.5, 1.0, 0.25, 0.8, 0.3];

/// A small random network as plain numbers.
#[derive(Clone, Debug)]
struct Net {
    /// Role (0 jobseeker, 1 mentor, 2 coach), sectors, employer.
    people: Vec<(u8, Vec<usize>, Option<usize>)>,
    /// Sectors and vacancies of each employer.
    employers: Vec<(Vec<usize>, u32)>,
    /// (a, b, kind, strength index or a random strength).
    ties: Vec<(usize, usize, u8, Result<usize, f64>)>,
    /// (mentee, mentor).
    mentoring: Vec<(usize, usize)>,
    excluded: Vec<(usize, usize)>,
    /// Id order differs from file order.
    id_order: Vec<usize>,
}

fn net() -> impl Strategy<Value = Net> {
    (2usize..=9, 1usize..=4).prop_flat_map(|(n, e)| {
        let person = (0u8..3, prop::collection::vec(0..CODES.len(), 0..3), prop::option::of(0..e));
        let employer = (prop::collection::vec(0..CODES.len(), 1..3), 0u32..3);
        let strength = prop_oneof![3 => (0..STRENGTHS.len()).prop_map(Ok), 1 => (0.01f64..=1.0).prop_map(Err)];
        (
            prop::collection::vec(person, n),
            prop::collection::vec(employer, e),
            prop::collection::vec((0..n, 0..n, 0u8..4, strength), 0..(n * 3)),
            prop::collection::vec((0..n, 0..n), 0..4),
            prop::collection::vec((0..n, 0..n), 0..3),
            Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
        )
            .prop_map(|(people, employers, ties, mentoring, excluded, id_order)| Net {
                people,
                employers,
                ties,
                mentoring,
                excluded,
                id_order,
            })
    })
}

fn build(net: &Net) -> Dataset {
    let mut data = Dataset::empty(Taxonomy::uk_sic_2007(), Areas::uk_2025());
    let area = data.areas.lookup("E08000003").unwrap();
    let code = |c: usize| data.taxonomy.lookup(CODES[c]).unwrap();
    let sorted = |codes: &[usize]| {
        let mut v: Vec<_> = codes.iter().map(|&c| code(c)).collect();
        v.sort();
        v.dedup();
        v
    };
    let employers: Vec<Employer> = net
        .employers
        .iter()
        .enumerate()
        .map(|(i, (sectors, vacancies))| Employer {
            id: format!("e{}", net.employers.len() - i),
            name: format!("Employer {i}"),
            sectors: sorted(sectors),
            area,
            lat: 53.4,
            lon: -2.2,
            vacancies: *vacancies,
        })
        .collect();
    let people: Vec<Person> = net
        .people
        .iter()
        .enumerate()
        .map(|(i, (role, sectors, employer))| {
            let role = [Role::Jobseeker, Role::Mentor, Role::Coach][usize::from(*role)];
            Person {
                id: format!("p{}", net.id_order[i]),
                role,
                area,
                lat: 53.45,
                lon: -2.25,
                sectors: sorted(sectors),
                skills: vec![SkillIdx(0)],
                experiences: vec![],
                consent: false,
                languages: vec![Language::ENGLISH],
                availability: Slots::ALL,
                remote: false,
                max_km: 15.0,
                capacity: if role == Role::Jobseeker { 0 } else { 1 },
                employer: if role == Role::Mentor { employer.map(|e| EmployerIdx(e as u32)) } else { None },
                specialisms: vec![],
                pass_it_on: false,
            }
        })
        .collect();
    data.employers = employers;
    data.people = people;
    data.skill_tags = vec!["any".to_string()];
    let mut connections: Vec<Connection> = Vec::new();
    for &(a, b, kind, strength) in &net.ties {
        let (a, b) = (PersonIdx(a.min(b) as u32), PersonIdx(a.max(b) as u32));
        let kind = ConnectionKind::ALL[usize::from(kind)];
        if a != b && !connections.iter().any(|c| (c.a, c.b, c.kind) == (a, b, kind)) {
            let strength = strength.map_or_else(|s| s, |i| STRENGTHS[i]);
            connections.push(Connection { a, b, kind, strength });
        }
    }
    connections.sort_by_key(|c| (c.a, c.b, c.kind));
    data.connections = connections;
    let date = Date::parse("2025-01-01").unwrap();
    let mut outcomes: Vec<Outcome> = net
        .mentoring
        .iter()
        .filter(|(a, b)| a != b)
        .map(|&(mentee, mentor)| Outcome {
            mentee: PersonIdx(mentee as u32),
            mentor: PersonIdx(mentor as u32),
            outcome: OutcomeKind::Met,
            date,
            employer: None,
        })
        .collect();
    outcomes.sort_by_key(|o| (o.mentee, o.mentor));
    outcomes.dedup_by_key(|o| (o.mentee, o.mentor));
    data.outcomes = outcomes;
    let mut exclusions: Vec<Exclusion> = net
        .excluded
        .iter()
        .filter(|(a, b)| a != b)
        .map(|&(a, b)| Exclusion {
            a: PersonIdx(a.min(b) as u32),
            b: PersonIdx(a.max(b) as u32),
            reason: String::new(),
        })
        .collect();
    exclusions.sort_by_key(|x| (x.a, x.b));
    exclusions.dedup_by_key(|x| (x.a, x.b));
    data.exclusions = exclusions;
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The search lists exactly the chains that enumerating every simple
    /// path lists: the same paths, strengths and order.
    #[test]
    fn search_matches_enumeration(net in net(), k in 1usize..5, max_hops in 1usize..=4, weak_ties: bool) {
        let data = build(&net);
        check(&data, &IntroOptions { k, max_hops, weak_ties });
    }
}

fn load(dir: &str) -> Dataset {
    passiton::load_dataset(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap()
}

fn csv_of(data: &Dataset, options: &IntroOptions) -> String {
    let ctx = ScoreContext::new(data, Weights::default()).unwrap();
    let lists = intros(&ctx, options).unwrap();
    let mut out = Vec::new();
    write_intros(&ctx, &lists, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn tiny_fixture() {
    let data = load("fixtures/tiny");
    let lists = check(&data, &IntroOptions::default());
    let expected = "\
jobseeker,rank,employer,path,strength,explanation
js1,1,e1,js1>m1>e1,0.800000,\"via mentor m1 (mentored you), who works at Northern Care Trust, hiring in human health activities\"
js2,,,,,no hiring employer in a wanted sector within 3 hops
js3,,,,,no hiring employer in a wanted sector within 3 hops
";
    assert_eq!(csv_of(&data, &IntroOptions::default()), expected);
    // js2 wants retail: the only retail employer has no vacancies, and js2
    // is an excluded pair with m1, so m1 never carries js2 anywhere.
    let js2 = lists.iter().find(|l| data.person(l.jobseeker).id == "js2").unwrap();
    assert_eq!(js2.reason, Some(NoIntro::NoneWithinReach { max_hops: 3 }));
}

#[test]
fn sample_fixture() {
    let data = load("fixtures/sample");
    for options in [
        IntroOptions::default(),
        IntroOptions { k: 5, max_hops: 5, weak_ties: false },
        IntroOptions { weak_ties: true, ..IntroOptions::default() },
        IntroOptions { k: 1, max_hops: 1, weak_ties: false },
    ] {
        let lists = check(&data, &options);
        assert!(lists.iter().any(|l| !l.intros.is_empty()), "some jobseeker gets an introduction");
        let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
        for intro in lists.iter().flat_map(|l| &l.intros) {
            let words = explain_intro(&ctx, intro);
            assert!(words.starts_with("via "), "{words}");
            assert!(words.contains(&data.employer(intro.employer).name), "{words}");
            // Explanations name roles, ids, employers and sectors, never lived experience.
            for tag in &data.experience_tags {
                assert!(!words.contains(tag.as_str()), "{words} mentions {tag}");
            }
        }
    }
    let csv = csv_of(&data, &IntroOptions::default());
    let jobseekers = data.people.iter().filter(|p| p.role == Role::Jobseeker).count();
    let mut seen = 0;
    let mut last: Option<(String, String)> = None;
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.splitn(6, ',').collect();
        let key = (fields[0].to_string(), fields[1].to_string());
        if fields[1].is_empty() || fields[1] == "1" {
            seen += 1;
        }
        assert!(last.as_ref().is_none_or(|l| *l < key), "sorted by jobseeker, then rank");
        last = Some(key);
    }
    assert_eq!(seen, jobseekers, "every jobseeker has a row");
}

#[test]
fn same_output_for_any_thread_count() {
    let data = load("fixtures/sample");
    for options in [IntroOptions::default(), IntroOptions { k: 4, max_hops: 4, weak_ties: true }] {
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| csv_of(&data, &options))
        };
        assert_eq!(run(1), run(2));
    }
}

/// Writes `dir`'s files with their data rows reversed into a new directory.
fn reversed_copy(dir: &str, into: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        std::fs::write(into.join(path.file_name().unwrap()), lines.join("\n") + "\n").unwrap();
    }
}

#[test]
fn same_output_for_any_row_order() {
    let dir = tempfile::tempdir().unwrap();
    reversed_copy("fixtures/sample", dir.path());
    let (original, reversed) = (load("fixtures/sample"), passiton::load_dataset(dir.path()).unwrap());
    assert_ne!(original.people[0].id, reversed.people[0].id, "rows really moved");
    for options in [IntroOptions::default(), IntroOptions { weak_ties: true, ..IntroOptions::default() }] {
        assert_eq!(csv_of(&original, &options), csv_of(&reversed, &options));
    }
}

#[test]
fn command_line_writes_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("intros.csv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_passiton"))
        .args(["intros", "--data"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tiny"))
        .args(["--k", "2", "--max-hops", "2", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("jobseeker,rank,employer,path,strength,explanation\njs1,1,e1,js1>m1>e1,"));
    assert!(text.contains("within 2 hops"));

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_passiton"))
        .args(["intros", "--data", "fixtures/tiny", "--max-hops", "0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("max hops"));
}
