//! `passiton report`: the page is well-formed XML with every chart, the JSON
//! figures agree with a recount from the data files and `match`'s outputs,
//! small and unconsented groups never show, and the output repeats byte for
//! byte whatever the thread count.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use passiton::report::html::FIGURE_IDS;
use passiton::report::{MIN_GROUP_SIZE, OUTCOME_BANDS, Report, SCORE_BINS, band_label, report, to_json};
use passiton::{CandidateOptions, ScoreContext, Weights, candidates, load_dataset};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn passiton(args: &[&str], data: &Path, out: &Path, threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passiton"))
        .args(args)
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("binary runs")
}

fn assert_success(out: &Output) {
    assert!(out.status.success(), "command failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn library_report(data: &Path) -> Report {
    let data = load_dataset(data).unwrap();
    let ctx = ScoreContext::new(&data, Weights::default()).unwrap();
    let found = candidates(&ctx, &CandidateOptions::default());
    report(&ctx, &found).unwrap()
}

/// Parses the page strictly and checks the figures `expected` are there,
/// each with a chart and a caption, and nothing outside the file is used.
fn check_page(html: &str, expected: &[&str]) {
    // The HTML5 doctype is a (trivial) DTD, which must be allowed explicitly.
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let doc = roxmltree::Document::parse_with_options(html, options).expect("report.html is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "html");
    let figures: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("figure")).collect();
    let ids: Vec<&str> = figures.iter().filter_map(|f| f.attribute("id")).collect();
    assert_eq!(ids, expected, "figures present, in page order");
    for figure in &figures {
        let id = figure.attribute("id").unwrap();
        let svg = figure.children().find(|n| n.has_tag_name("svg"));
        let svg = svg.unwrap_or_else(|| panic!("figure {id} has no svg"));
        assert!(svg.descendants().any(|n| n.has_tag_name("rect")), "figure {id} draws nothing");
        let caption = figure.children().find(|n| n.has_tag_name("figcaption")).expect("a caption");
        assert!(caption.text().is_some_and(|t| t.len() > 20), "figure {id} needs a caption in words");
        assert!(figure.children().any(|n| n.has_tag_name("table")), "figure {id} needs its numbers");
    }
    // Self-contained: no script, no link, no external reference.
    for node in doc.descendants() {
        assert!(!node.has_tag_name("script") && !node.has_tag_name("link") && !node.has_tag_name("img"));
        // Namespace declarations are not attributes here, so any URL left is a reference.
        for attr in node.attributes() {
            assert!(!attr.value().contains("://"), "external reference {}={}", attr.name(), attr.value());
            assert!(!matches!(attr.name(), "href" | "src"), "{} attribute on {:?}", attr.name(), node.tag_name());
        }
    }
}

/// Rows of a CSV file as maps from column to value.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        .collect()
}

#[test]
fn sample_page_has_every_chart_and_repeats_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let sample = fixtures().join("sample");
    let (one, two) = (root.path().join("one"), root.path().join("two"));
    assert_success(&passiton(&["report"], &sample, &one, "1"));
    assert_success(&passiton(&["report"], &sample, &two, "2"));
    let mut names: Vec<String> =
        fs::read_dir(&one).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["report.html", "report.json"]);
    for name in &names {
        assert!(fs::read(one.join(name)).unwrap() == fs::read(two.join(name)).unwrap(), "{name} differs");
    }
    let html = fs::read_to_string(one.join("report.html")).unwrap();
    check_page(&html, &FIGURE_IDS);

    // The library gives the same figures as the binary.
    let json = fs::read_to_string(one.join("report.json")).unwrap();
    assert_eq!(to_json(&library_report(&sample)), json);
}

#[test]
fn sample_figures_match_a_recount_of_the_data_and_match_outputs() {
    let root = tempfile::tempdir().unwrap();
    let sample = fixtures().join("sample");
    let out = root.path().join("report");
    assert_success(&passiton(&["report"], &sample, &out, "2"));
    let report: serde_json::Value = serde_json::from_slice(&fs::read(out.join("report.json")).unwrap()).unwrap();

    let people = read_csv(&sample.join("people.csv"));
    let role_of: BTreeMap<&str, &str> = people.iter().map(|p| (p["id"].as_str(), p["role"].as_str())).collect();
    let jobseekers: Vec<&BTreeMap<String, String>> = people.iter().filter(|p| p["role"] == "jobseeker").collect();
    assert_eq!(report["counts"]["jobseekers"], jobseekers.len());
    assert_eq!(report["min_group_size"], MIN_GROUP_SIZE);

    // Every mode against `match`'s own output for that mode.
    let modes = report["modes"].as_array().unwrap();
    let mut optimal_rows = Vec::new();
    for (i, mode) in ["optimal", "stable", "greedy", "first-free"].into_iter().enumerate() {
        let file = root.path().join(format!("{mode}.csv"));
        let run = passiton(&["match", "--mode", mode], &sample, &file, "2");
        assert_success(&run);
        let summary: serde_json::Value =
            serde_json::from_str(String::from_utf8_lossy(&run.stdout).lines().last().unwrap()).unwrap();
        let rows = read_csv(&file);
        let matched: Vec<&BTreeMap<String, String>> = rows.iter().filter(|r| !r["candidate"].is_empty()).collect();
        let figures = &modes[i];
        assert_eq!(figures["mode"], mode);
        assert_eq!(figures["matched"], matched.len(), "{mode}");
        assert_eq!(figures["matched"], summary["matched"], "{mode}");
        assert_eq!(figures["unmatched"], rows.len() - matched.len(), "{mode}");
        let total = summary["total_score"].as_f64().unwrap();
        assert!((figures["total_score"].as_f64().unwrap() - total).abs() < 1e-4, "{mode}");
        let mean = figures["mean_score"].as_f64().unwrap();
        assert!((mean - total / matched.len() as f64).abs() < 1e-4, "{mode}");

        // Histogram from the CSV scores (4 decimals): bins can differ only
        // by scores printed right on a bin edge.
        let histogram: Vec<u64> =
            figures["score_histogram"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(histogram.len(), SCORE_BINS);
        assert_eq!(histogram.iter().sum::<u64>(), matched.len() as u64);
        let mut recount = vec![0u64; SCORE_BINS];
        let mut on_edge = 0;
        for r in &matched {
            let s: f64 = r["score"].parse().unwrap();
            let scaled = s * SCORE_BINS as f64;
            if (scaled - scaled.round()).abs() < 1e-3 {
                on_edge += 1;
            }
            recount[(scaled.floor() as usize).min(SCORE_BINS - 1)] += 1;
        }
        for (a, b) in histogram.iter().zip(&recount) {
            assert!(a.abs_diff(*b) <= on_edge, "{mode}: {histogram:?} vs {recount:?}");
        }

        // Reasons: the explanations of unmatched rows, without their detail.
        let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
        for r in rows.iter().filter(|r| r["candidate"].is_empty()) {
            *reasons.entry(r["explanation"].split(" (").next().unwrap().to_string()).or_insert(0) += 1;
        }
        let reported: BTreeMap<String, u64> = figures["unmatched_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["reason"].as_str().unwrap().to_string(), r["jobseekers"].as_u64().unwrap()))
            .collect();
        assert_eq!(reported, reasons, "{mode}");
        if mode == "optimal" {
            optimal_rows = rows;
        }
    }

    // Caseloads: helpers' loads recounted from match.csv.
    let mut load: BTreeMap<&str, u64> = BTreeMap::new();
    for r in optimal_rows.iter().filter(|r| !r["candidate"].is_empty()) {
        *load.entry(r["candidate"].as_str()).or_insert(0) += 1;
    }
    let helpers = report["caseload"]["helpers"].as_array().unwrap();
    let ids: Vec<&str> = helpers.iter().map(|h| h["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "helpers in id order");
    for h in helpers {
        let id = h["id"].as_str().unwrap();
        assert_eq!(h["assigned"].as_u64().unwrap(), load.get(id).copied().unwrap_or(0), "{id}");
        assert!(h["assigned"].as_u64().unwrap() <= h["capacity"].as_u64().unwrap());
        assert_eq!(h["role"], role_of[id]);
    }
    for (kind, role) in [("mentors", "mentor"), ("coaches", "coach")] {
        let s = &report["caseload"][kind];
        let of_kind: Vec<&serde_json::Value> = helpers.iter().filter(|h| h["role"] == role).collect();
        assert_eq!(s["helpers"], of_kind.len());
        assert_eq!(s["assigned"], of_kind.iter().map(|h| h["assigned"].as_u64().unwrap()).sum::<u64>());
        let bands: u64 = s["utilisation_bands"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(bands, of_kind.len() as u64);
        // Load bins, the same for both kinds, recounted from each helper's load.
        let labels: Vec<&str> =
            report["caseload"]["load_bin_labels"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(labels, ["0", "1", "2", "3-4", "5-9", "10-19", "20-49", "50 or more"]);
        let starts: Vec<u64> = labels.iter().map(|l| l.split(['-', ' ']).next().unwrap().parse().unwrap()).collect();
        let mut recount = vec![0u64; labels.len()];
        for h in &of_kind {
            let load = h["assigned"].as_u64().unwrap();
            recount[starts.iter().rposition(|&start| load >= start).unwrap()] += 1;
        }
        let bins: Vec<u64> = s["load_bins"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(bins, recount, "{kind}");
    }

    // Fairness, recounted from people.csv (consented tags only) and match.csv.
    let score_of: BTreeMap<&str, f64> = optimal_rows
        .iter()
        .filter(|r| !r["candidate"].is_empty())
        .map(|r| (r["jobseeker"].as_str(), r["score"].parse().unwrap()))
        .collect();
    let mut by_tag: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut by_area: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &jobseekers {
        if p["consent"] == "yes" {
            for tag in p["experiences"].split(';').filter(|t| !t.is_empty()) {
                by_tag.entry(tag).or_default().push(p["id"].as_str());
            }
        }
        by_area.entry(p["area"].as_str()).or_default().push(p["id"].as_str());
    }
    let all = &report["fairness"]["all"];
    assert_eq!(all["jobseekers"], jobseekers.len());
    assert_eq!(all["matched"], score_of.len());
    for (name, groups) in [("experience", &by_tag), ("area", &by_area)] {
        let table = &report["fairness"][name];
        let shown: Vec<&serde_json::Value> = table["groups"].as_array().unwrap().iter().collect();
        let big: Vec<(&&str, &Vec<&str>)> = groups.iter().filter(|(_, ids)| ids.len() >= MIN_GROUP_SIZE).collect();
        assert_eq!(shown.len(), big.len(), "{name}");
        assert_eq!(table["suppressed_groups"], groups.len() - big.len(), "{name}");
        for (g, (tag, ids)) in shown.iter().zip(&big) {
            assert_eq!(g["group"], **tag);
            assert_eq!(g["jobseekers"], ids.len());
            let scores: Vec<f64> = ids.iter().filter_map(|id| score_of.get(id).copied()).collect();
            assert_eq!(g["matched"], scores.len(), "{tag}");
            let share = scores.len() as f64 / ids.len() as f64;
            assert!((g["share_matched"].as_f64().unwrap() - share).abs() < 1e-4, "{tag}");
            let mean = scores.iter().sum::<f64>() / scores.len() as f64;
            assert!((g["mean_score"].as_f64().unwrap() - mean).abs() < 2e-4, "{tag}");
        }
    }

    // What worked, recounted from outcomes.csv: best outcome per pair.
    let mut best: BTreeMap<(String, String), usize> = BTreeMap::new();
    let order = ["no_show", "met", "job_start", "sustained_job"];
    for o in read_csv(&sample.join("outcomes.csv")) {
        let rank = order.iter().position(|k| *k == o["outcome"]).unwrap();
        let slot = best.entry((o["mentee"].clone(), o["mentor"].clone())).or_insert(rank);
        *slot = (*slot).max(rank);
    }
    let worked = &report["what_worked"];
    assert_eq!(worked["all"]["pairs"], best.len());
    let starts = best.values().filter(|&&r| r >= 2).count();
    let sustained = best.values().filter(|&&r| r == 3).count();
    assert_eq!(worked["all"]["job_starts"], starts);
    assert_eq!(worked["all"]["sustained_jobs"], sustained);
    let rate = worked["all"]["job_start_rate"].as_f64().unwrap();
    assert!((rate - starts as f64 / best.len() as f64).abs() < 1e-4);
    for (i, role) in ["mentor", "coach"].into_iter().enumerate() {
        let of_role: Vec<usize> =
            best.iter().filter(|((_, h), _)| role_of[h.as_str()] == role).map(|(_, &r)| r).collect();
        let g = &worked["by_helper_role"][i];
        assert_eq!(g["group"], role);
        // Both kinds of helper have enough pairs in the sample to be shown.
        assert!(of_role.len() >= MIN_GROUP_SIZE);
        assert_eq!(g["pairs"], of_role.len());
        assert_eq!(g["job_starts"], of_role.iter().filter(|&&r| r >= 2).count());
        assert_eq!(g["sustained_jobs"], of_role.iter().filter(|&&r| r == 3).count());
    }
    for (i, kind) in order.into_iter().enumerate() {
        assert_eq!(worked["best_outcome"][i]["outcome"], kind);
        assert_eq!(worked["best_outcome"][i]["pairs"], best.values().filter(|&&r| r == i).count());
    }
    // Each shown band's mean lies in it.
    for (b, g) in worked["by_score_band"].as_array().unwrap().iter().enumerate() {
        if let Some(mean) = g["mean_score"].as_f64() {
            assert!(mean >= b as f64 * 0.2 - 1e-9 && mean <= (b + 1) as f64 * 0.2 + 1e-9, "{g}");
        }
    }
    let suppressed = check_outcome_cells(worked);
    // The sample has small score bands and components.
    assert!(suppressed.iter().any(|(key, _)| key == "by_score_band"));
    assert!(suppressed.iter().any(|(key, _)| key == "by_component"));
    check_outcome_page(&fs::read_to_string(out.join("report.html")).unwrap(), worked);
}

/// The outcome breakdowns of `report.json` and the page figure of each.
const OUTCOME_BREAKDOWNS: [(&str, &str); 3] = [
    ("by_score_band", "outcomes-score-band"),
    ("by_component", "outcomes-component"),
    ("by_helper_role", "outcomes-helper-role"),
];

/// Checks the outcome cells of `report.json`: each is shown, with at least
/// `MIN_GROUP_SIZE` pairs, or suppressed, with nothing but its name and
/// why; and no breakdown lets suppressed cells' counts be worked out as
/// all pairs minus the shown cells. Returns the suppressed cells as
/// (breakdown, group).
fn check_outcome_cells(worked: &serde_json::Value) -> Vec<(String, String)> {
    let figures = ["pairs", "job_starts", "sustained_jobs", "job_start_rate", "sustained_rate", "mean_score"];
    let mut suppressed = Vec::new();
    let mut check = |key: &str, cell: &serde_json::Value| -> Option<u64> {
        let fields: BTreeSet<&str> = cell.as_object().unwrap().keys().map(String::as_str).collect();
        if cell.get("suppressed").is_some() {
            assert_eq!(fields, BTreeSet::from(["group", "suppressed"]), "{key}: {cell}");
            assert!(matches!(cell["suppressed"].as_str(), Some("small" | "complementary")), "{cell}");
            suppressed.push((key.to_string(), cell["group"].as_str().unwrap().to_string()));
            None
        } else {
            let mut expected = BTreeSet::from(figures);
            expected.insert("group");
            assert_eq!(fields, expected, "{key}: {cell}");
            let pairs = cell["pairs"].as_u64().unwrap();
            assert!(pairs >= MIN_GROUP_SIZE as u64, "{key}: {cell}");
            Some(pairs)
        }
    };
    let all = check("all", &worked["all"]);
    if all.is_none() {
        assert!(worked["best_outcome"].is_null() && worked["outside_hard_rules"].is_null());
    }
    for (key, _) in OUTCOME_BREAKDOWNS {
        let cells = worked[key].as_array().unwrap();
        let shown: Vec<u64> = cells.iter().filter_map(|cell| check(key, cell)).collect();
        match all {
            Some(all) => {
                let hidden = all - shown.iter().sum::<u64>();
                assert!(hidden == 0 || hidden >= MIN_GROUP_SIZE as u64, "{key}: {hidden} pairs could be worked out");
            }
            None => assert!(shown.is_empty(), "{key}: a cell is shown while all pairs are not"),
        }
    }
    suppressed
}

/// The text of a node and everything under it.
fn text_of(node: roxmltree::Node) -> String {
    node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds a number other than the threshold itself.
fn has_number_besides_threshold(text: &str) -> bool {
    text.replace(&MIN_GROUP_SIZE.to_string(), "").chars().any(|c| c.is_ascii_digit())
}

/// Checks the outcome figures of the page against `worked`: a suppressed
/// group's table row says so and holds no number; the chart gives pair
/// counts only of shown groups; and when all pairs are suppressed, the
/// whole section holds no number but the threshold and the band names.
fn check_outcome_page(html: &str, worked: &serde_json::Value) {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let doc = roxmltree::Document::parse_with_options(html, options).unwrap();
    for (key, id) in OUTCOME_BREAKDOWNS {
        let figure = doc.descendants().find(|n| n.attribute("id") == Some(id)).unwrap();
        let cells = worked[key].as_array().unwrap();
        let rows: Vec<Vec<String>> = figure
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .map(|tr| tr.children().filter(|c| c.has_tag_name("td")).map(text_of).collect())
            .filter(|row: &Vec<String>| !row.is_empty())
            .collect();
        for cell in std::iter::once(&worked["all"]).chain(cells) {
            let name = cell["group"].as_str().unwrap().replace('_', " ");
            let row = rows.iter().find(|r| r[0] == name).unwrap_or_else(|| panic!("{id}: no row for {name}"));
            let rest = row[1..].join(" ");
            match cell["suppressed"].as_str() {
                Some(why) => {
                    assert!(rest.contains("not shown"), "{id}: {name}: {rest}");
                    if why == "small" {
                        assert!(rest.contains(&format!("fewer than {MIN_GROUP_SIZE}, not shown")), "{rest}");
                    }
                    assert!(!has_number_besides_threshold(&rest), "{id}: {name} shows {rest}");
                }
                None => assert!(rest.starts_with(&cell["pairs"].to_string()), "{id}: {name}: {rest}"),
            }
        }
        // "N pairs" under a bar only for shown groups.
        let shown: BTreeSet<String> =
            cells.iter().filter_map(|c| c["pairs"].as_u64()).map(|n| format!("{n} pairs")).collect();
        let svg = figure.children().find(|n| n.has_tag_name("svg")).unwrap();
        for text in svg.descendants().filter(|n| n.has_tag_name("text")).map(text_of) {
            if text.trim_end().ends_with("pairs") || text.trim_end().ends_with("pair") {
                assert!(shown.contains(text.trim()) || !has_number_besides_threshold(&text), "{id}: {text}");
            }
        }
    }
    if worked["all"]["suppressed"].is_string() {
        let main = doc.descendants().find(|n| n.has_tag_name("main")).unwrap();
        let section: String = main
            .children()
            .skip_while(|n| !(n.has_tag_name("h2") && text_of(*n) == "What worked"))
            .map(text_of)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(section.contains("not shown"));
        let mut without_names = section;
        for band in 0..OUTCOME_BANDS {
            without_names = without_names.replace(&band_label(band), "");
        }
        assert!(!has_number_besides_threshold(&without_names), "outcome figures of too few pairs: {without_names}");
    }
}

/// A data directory with a consented tag held by 12 jobseekers, a rare
/// consented tag held by 3 and a tag given by 12 without consent.
fn privacy_fixture(dir: &Path, with_outcomes: bool) {
    fs::create_dir_all(dir).unwrap();
    let mut people = String::from(
        "id,role,area,lat,lon,sectors,skills,experiences,consent,languages,availability,remote,max_km,capacity,employer,specialisms,pass_it_on\n",
    );
    for i in 0..27 {
        let (tags, consent) = match i {
            0..12 => ("widely_shared", "yes"),
            12..15 => ("rare_condition", "yes"),
            _ => ("withheld_experience", "no"),
        };
        people.push_str(&format!(
            "j{i:02},jobseeker,E08000003,53.48,-2.24,86,,{tags},{consent},en,mon_am;tue_pm,no,15,,,,no\n"
        ));
    }
    people.push_str("m1,mentor,E08000003,53.47,-2.25,86,,widely_shared;rare_condition,yes,en,mon_am,no,15,2,,,\n");
    people.push_str("c1,coach,E08000003,53.49,-2.23,Q,,,,en,mon_am;tue_pm,yes,30,10,,rare_condition,\n");
    fs::write(dir.join("people.csv"), people).unwrap();
    if with_outcomes {
        // 12 pairs with the mentor and 3 with the coach: enough pairs in
        // all to show, too few with the coach.
        let mut outcomes = String::from("mentee,mentor,outcome,date,employer\n");
        let kinds = ["met", "job_start", "sustained_job", "no_show"];
        for i in 0..15 {
            let helper = if i < 12 { "m1" } else { "c1" };
            outcomes.push_str(&format!("j{i:02},{helper},{},2025-01-02,\n", kinds[i % kinds.len()]));
        }
        fs::write(dir.join("outcomes.csv"), outcomes).unwrap();
    }
}

#[test]
fn small_and_unconsented_groups_never_show() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    privacy_fixture(&data, true);
    let out = root.path().join("out");
    assert_success(&passiton(&["report"], &data, &out, "2"));
    let json = fs::read_to_string(out.join("report.json")).unwrap();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    check_page(&html, &FIGURE_IDS);
    for text in [&json, &html] {
        assert!(text.contains("widely_shared"));
        // Neither the rare group (3 people) nor the withheld one, under any spelling.
        for hidden in ["rare_condition", "rare condition", "withheld_experience", "withheld experience"] {
            assert!(!text.contains(hidden), "{hidden} shown");
        }
    }
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let experience = &report["fairness"]["experience"];
    assert_eq!(experience["groups"].as_array().unwrap().len(), 1);
    assert_eq!(experience["groups"][0]["jobseekers"], 12);
    // The rare tag is suppressed; the withheld one was never read at all.
    assert_eq!(experience["suppressed_groups"], 1);
    assert_eq!(report["fairness"]["area"]["groups"][0]["jobseekers"], 27);

    // 15 pairs in all are shown; 3 with the coach are not, and so neither
    // are the 12 with the mentor, which the total would give away.
    let worked = &report["what_worked"];
    assert_eq!(worked["all"]["pairs"], 15);
    assert_eq!(worked["by_helper_role"][0], serde_json::json!({"group": "mentor", "suppressed": "complementary"}));
    assert_eq!(worked["by_helper_role"][1], serde_json::json!({"group": "coach", "suppressed": "small"}));
    check_outcome_cells(worked);
    check_outcome_page(&html, worked);
}

#[test]
fn tiny_data_and_no_outcomes_give_a_page_without_panics() {
    let root = tempfile::tempdir().unwrap();
    let tiny = library_report(&fixtures().join("tiny"));
    assert!(tiny.fairness.experience.groups.is_empty() && tiny.fairness.area.groups.is_empty());
    assert!(tiny.fairness.experience.suppressed_groups > 0 && tiny.fairness.area.suppressed_groups > 0);
    let json = to_json(&tiny);
    for tag in ["care_leaver", "mental_health", "prison_leaver"] {
        assert!(!json.contains(tag), "{tag} is in a group of fewer than {MIN_GROUP_SIZE}");
    }
    // Two pairs with outcomes: every outcome cell is suppressed, and no
    // count of them is anywhere in the JSON.
    let worked = serde_json::to_value(tiny.what_worked.as_ref().unwrap()).unwrap();
    let suppressed = check_outcome_cells(&worked);
    assert_eq!(suppressed.len(), 5 + 5 + 2 + 1);
    let mut json = worked.to_string();
    for band in 0..OUTCOME_BANDS {
        json = json.replace(&band_label(band), "");
    }
    assert!(!has_number_besides_threshold(&json), "{json}");
    let out = root.path().join("tiny");
    assert_success(&passiton(&["report"], &fixtures().join("tiny"), &out, "1"));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    check_page(&html, &FIGURE_IDS);
    check_outcome_page(&html, &worked);

    // Without outcomes.csv the section says so and the JSON holds null.
    let data = root.path().join("no_outcomes");
    privacy_fixture(&data, false);
    let out = root.path().join("no_outcomes_report");
    assert_success(&passiton(&["report"], &data, &out, "1"));
    let report: serde_json::Value = serde_json::from_slice(&fs::read(out.join("report.json")).unwrap()).unwrap();
    assert!(report["what_worked"].is_null());
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let without_outcomes: Vec<&str> = FIGURE_IDS.iter().copied().filter(|id| !id.starts_with("outcomes")).collect();
    check_page(&html, &without_outcomes);
    assert!(html.contains("no recorded outcomes"));
}

#[test]
fn refuses_a_non_empty_directory_without_force_and_writes_nothing_on_bad_input() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "mine\n").unwrap();
    let tiny = fixtures().join("tiny");
    let refused = passiton(&["report"], &tiny, &out, "1");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "mine\n");
    assert_success(&passiton(&["report", "--force"], &tiny, &out, "1"));
    let names: BTreeSet<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, BTreeSet::from(["report.html".to_string(), "report.json".to_string()]));

    let bad = root.path().join("bad");
    let refused = passiton(&["report"], &fixtures().join("invalid").join("unknown_role"), &bad, "1");
    assert!(!refused.status.success());
    assert!(!bad.exists());
}
