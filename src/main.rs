//! The `passiton` command line: flags, progress, exit codes. All the work is
//! done by the library; this file only parses arguments, shows progress on a
//! terminal and turns errors into one line and a non-zero exit.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use passiton::{Dataset, Network};

/// Peer mentoring and network matching for employment support.
#[derive(Parser)]
#[command(name = "passiton", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the main job on the bundled sample data and print a summary.
    Demo {
        /// Also write the sample data's results into this directory, as `passiton run` does.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace a non-empty output directory.
        #[arg(long)]
        force: bool,
    },
    /// Write a synthetic population in the data-directory format.
    Generate {
        /// Number of jobseekers.
        #[arg(long)]
        jobseekers: usize,
        /// Number of mentors (people in work).
        #[arg(long)]
        mentors: usize,
        /// Number of coaches (work coaches and specialist advisers).
        #[arg(long)]
        coaches: usize,
        /// Number of employers.
        #[arg(long)]
        employers: usize,
        /// Seed: the same seed gives byte-identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Keep people within one ONS region or nation (e.g. "North West", "Wales").
        #[arg(long)]
        region: Option<String>,
        /// Directory to create.
        #[arg(long)]
        out: PathBuf,
        /// Replace a non-empty output directory.
        #[arg(long)]
        force: bool,
    },
    /// List every problem in a data directory; non-zero exit if there is any.
    Validate {
        /// Data directory or snapshot file.
        #[arg(long)]
        data: PathBuf,
    },
    /// Each jobseeker's k options: good, varied, and fair to helpers' capacity.
    Shortlist {
        #[command(flatten)]
        scoring: Scoring,
        /// Options per jobseeker.
        #[arg(long, default_value_t = passiton::shortlist::DEFAULT_OPTIONS)]
        k: usize,
        /// A helper is shown to at most ceil(exposure x capacity) jobseekers.
        #[arg(long, default_value_t = passiton::shortlist::DEFAULT_EXPOSURE)]
        exposure: f64,
        /// Relevance weight in [0, 1] of maximal marginal relevance; lower means more varied lists.
        #[arg(long, default_value_t = passiton::shortlist::DEFAULT_RELEVANCE)]
        relevance: f64,
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Each jobseeker to at most one mentor or coach, within capacity.
    Match {
        #[command(flatten)]
        scoring: Scoring,
        /// optimal (largest total score), stable, greedy or first-free (nearest with room).
        #[arg(long, default_value = "optimal", value_parser = parse_mode)]
        mode: passiton::matching::Mode,
        /// A previous match output: keep its pairs that still work, change as little as possible
        /// (optimal mode only).
        #[arg(long)]
        previous: Option<PathBuf>,
        /// With --previous: how much score a kept pair is worth on top of its own.
        #[arg(long, default_value_t = passiton::matching::RematchOptions::default().keep_bonus)]
        keep_bonus: f64,
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Optimal assignment on scores you bring: each mentee to at most one mentor, within capacity.
    ///
    /// Writes `mentee,mentor,score` rows, then a JSON line with `matched`,
    /// `unmatched` and `total_score` (exact). The optimum is proved by a
    /// certificate, checked before anything is written.
    Assign {
        /// Edges file with columns `mentee,mentor,score` (integer scores).
        #[arg(long)]
        edges: PathBuf,
        /// Capacities file with columns `id,capacity`; its ids are the mentors.
        #[arg(long)]
        capacities: PathBuf,
        /// First match as many mentees as possible, then maximise the score.
        #[arg(long)]
        max_matched: bool,
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The mentee-optimal stable matching on rankings you bring.
    ///
    /// Writes `mentee,mentor` rows, then a JSON line with `matched`,
    /// `blocking_pairs` (recounted, always 0) and `total_score`, which is the
    /// sum of mentee ranks of matched pairs (1 = first choice; lower is
    /// better), also given as `mentee_rank_sum`.
    Stable {
        /// Mentee rankings, columns `mentee,rank,mentor` (rank 1 = best; lists may be incomplete).
        #[arg(long)]
        mentee_prefs: PathBuf,
        /// Mentor rankings, columns `mentor,rank,mentee` (rank 1 = best; lists may be incomplete).
        #[arg(long)]
        mentor_prefs: PathBuf,
        /// Capacities file with columns `id,capacity`; its ids are the mentors.
        #[arg(long)]
        capacities: PathBuf,
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Maximum-score pairing on a general graph: each id in at most one pair.
    ///
    /// Writes `a,b,score` rows with `a < b`, then a JSON line with `matched`
    /// (pairs), `unpaired` and `total_score` (exact). The optimum is proved
    /// by a certificate, checked before anything is written.
    Pair {
        /// Edges file with columns `a,b,score` (integer scores).
        #[arg(long)]
        edges: PathBuf,
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// For each jobseeker, the strongest chains of people to employers hiring in a sector they want.
    ///
    /// Writes `jobseeker,rank,employer,path,strength,explanation` rows: up to
    /// k chains to different employers, strongest first; a jobseeker with
    /// none gets one row with the reason.
    Intros {
        /// Data directory or snapshot file.
        #[arg(long)]
        data: PathBuf,
        /// Introductions per jobseeker, each to a different employer.
        #[arg(long, default_value_t = passiton::intros::DEFAULT_K)]
        k: usize,
        /// Most person-to-person ties in a chain, not counting the last person's employment.
        #[arg(long, default_value_t = passiton::intros::DEFAULT_MAX_HOPS)]
        max_hops: usize,
        /// Value ties as "moderately weak is best" (4s(1-s), floored) instead of by strength.
        #[arg(long)]
        weak_ties: bool,
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Jobseekers paired with each other for mutual support, largest total peer score.
    ///
    /// Writes `a,b,score,explanation` rows (`a < b`; an unpaired jobseeker has
    /// an empty `b` and the reason in `explanation`), then a JSON line with
    /// `matched` (pairs), `unpaired` and `total_score`. The pairing is exact
    /// over each jobseeker's candidate peers, proved by a certificate.
    Peers {
        /// Data directory or snapshot file.
        #[arg(long)]
        data: PathBuf,
        /// Candidate peers kept per jobseeker.
        #[arg(long, default_value_t = passiton::peers::DEFAULT_PEERS)]
        k: usize,
        /// Nearest feasible peers scored per jobseeker before keeping the best k.
        #[arg(long, default_value_t = passiton::peers::DEFAULT_POOL)]
        pool: usize,
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A new data directory where people in work who agreed to pass it on are mentors.
    PassOn {
        /// Data directory or snapshot file.
        #[arg(long)]
        data: PathBuf,
        /// Directory to create.
        #[arg(long)]
        out: PathBuf,
        /// Replace a non-empty output directory.
        #[arg(long)]
        force: bool,
    },
    /// Write a data directory as one versioned, checksummed binary snapshot.
    Snapshot {
        /// Data directory (or snapshot file) to read.
        #[arg(long)]
        data: PathBuf,
        /// Snapshot file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The whole batch job: candidates, shortlists, optimal and stable matches, peers, introductions.
    ///
    /// Writes into DIR, which appears whole or not at all: `shortlist.csv`,
    /// `match.csv` (optimal), `match_stable.csv`, `peers.csv`, `intros.csv`
    /// (each as its own command writes it, with default options);
    /// `summary.json` (the `match` line comparing every mode, the `peers`
    /// line and counts); and `run.json` (per stage: wall time in seconds,
    /// peak resident memory of the process so far, or null where the system
    /// cannot tell, in bytes, and the number of items made; the thread
    /// count, the input and the passiton version).
    ///
    /// After loading, branches run side by side: candidates, then
    /// shortlists beside the match modes; and peers then introductions. Each
    /// stage's time is then its wall time while sharing the cores, and
    /// `started_seconds` in `run.json` shows the overlap; `--sequential` runs
    /// one stage at a time instead, so that each stage's time is its own.
    ///
    /// The same input gives byte-identical CSV files and `summary.json`,
    /// whether or not stages overlap; `run.json` holds timings, so it
    /// differs from run to run.
    Run {
        /// Data directory or snapshot file.
        #[arg(long)]
        data: PathBuf,
        /// Directory to create.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// JSON object of component weights (sector, locality, experience, network, availability)
        /// for shortlists and matches.
        #[arg(long)]
        weights: Option<PathBuf>,
        /// Replace a non-empty output directory.
        #[arg(long)]
        force: bool,
        /// Run one stage at a time (slower), so that each stage's time is its own.
        #[arg(long)]
        sequential: bool,
    },
    /// An HTML page with charts, and the same figures as JSON.
    ///
    /// Writes into DIR, which appears whole or not at all: `report.html`, a
    /// self-contained page (SVG charts, no network needed to view it), and
    /// `report.json`: every match mode compared, caseloads, who is left
    /// unmatched and why, fairness by lived-experience group and by area
    /// (groups of fewer than 10 jobseekers suppressed), and what worked
    /// according to `outcomes.csv`. The same input gives byte-identical files.
    Report {
        #[command(flatten)]
        scoring: Scoring,
        /// Directory to create.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace a non-empty output directory.
        #[arg(long)]
        force: bool,
    },
}

/// Options shared by every command that scores pairs.
#[derive(clap::Args)]
struct Scoring {
    /// Data directory or snapshot file.
    #[arg(long)]
    data: PathBuf,
    /// JSON object of component weights (sector, locality, experience, network, availability).
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Candidates kept per jobseeker before shortlisting or matching.
    #[arg(long, default_value_t = passiton::candidates::DEFAULT_K)]
    candidates: usize,
}

impl Scoring {
    /// Loads the data, scores it and finds every jobseeker's candidates, then
    /// hands them to `work`: the start of every command that matches.
    fn with_candidates<T>(
        &self,
        work: impl FnOnce(&passiton::ScoreContext<'_>, &passiton::Candidates) -> Result<T>,
    ) -> Result<T> {
        self.with_scores(|ctx| {
            let found =
                with_spinner("finding candidates", || Ok(passiton::candidates(ctx, &self.candidate_options())))?;
            work(ctx, &found)
        })
    }

    /// Loads the data and scores it, then hands the scoring to `work`.
    fn with_scores<T>(&self, work: impl FnOnce(&passiton::ScoreContext<'_>) -> Result<T>) -> Result<T> {
        let weights = self.weights()?;
        let data = load(&self.data)?;
        let ctx = passiton::ScoreContext::new(&data, weights)?;
        work(&ctx)
    }

    fn candidate_options(&self) -> passiton::CandidateOptions {
        passiton::CandidateOptions { k: self.candidates }
    }

    fn weights(&self) -> Result<passiton::Weights> {
        match &self.weights {
            None => Ok(passiton::Weights::default()),
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
                Ok(passiton::Weights::from_json(&text, &path.display().to_string())?)
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`passiton ... | head`) is the reader's choice, not a failure.
            if err.chain().any(|cause| {
                cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Refused input: list every problem so that all can be fixed in
            // one go; the closing line alone names the first and counts the rest.
            let refused = err.chain().find_map(|cause| match cause.downcast_ref::<passiton::Error>() {
                Some(passiton::Error::Input(problems)) => Some(problems),
                _ => None,
            });
            if let Some(problems) = refused.filter(|p| p.problems.len() + p.more > 1) {
                for problem in &problems.problems {
                    eprintln!("{problem}");
                }
                if problems.more > 0 {
                    eprintln!("... and {} more problems not listed", problems.more);
                }
            }
            eprintln!("passiton: error: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, leaving out words already there:
/// a cause the previous text already quotes (library errors include their
/// source), and a path that both the context and the cause begin or end with.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        let text = match text.split_once(": ") {
            Some((head, rest)) if !line.is_empty() && line.ends_with(head) => rest,
            _ => text.as_str(),
        };
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(text);
    }
    line
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Demo { out, force } => demo(out.as_deref(), force),
        Command::Generate { jobseekers, mentors, coaches, employers, seed, region, out, force } => {
            let config = passiton::GenerateConfig { jobseekers, mentors, coaches, employers, seed, region };
            let summary = with_spinner("generating population", || passiton::generate(&config, &out, force))?;
            println!(
                "wrote {}: {} people, {} employers, {} connections, {} exclusions, {} preferences, {} outcomes",
                out.display(),
                summary.people,
                summary.employers,
                summary.connections,
                summary.exclusions,
                summary.preferences,
                summary.outcomes
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { data } => validate(&data),
        Command::Match { scoring, mode, previous, keep_bonus, out } => {
            if previous.is_some() && mode != passiton::matching::Mode::Optimal {
                anyhow::bail!("--previous works with --mode optimal only");
            }
            scoring.with_candidates(|ctx, found| {
                let all = with_spinner("matching", || passiton::matching::compare_modes(ctx, found))?;
                let Some(previous) = previous else {
                    let chosen = all.iter().find(|m| m.mode == mode).expect("every mode is compared");
                    write_output(out.as_deref(), |w| passiton::io::write::write_matching(ctx, chosen, w))?;
                    println!("{}", passiton::io::write::matching_summary(chosen, &all));
                    return Ok(ExitCode::SUCCESS);
                };
                let before = passiton::io::previous::read_previous_matches(&previous, ctx.data)?;
                let options = passiton::matching::RematchOptions { keep_bonus };
                let (matching, mut summary) =
                    with_spinner("rematching", || passiton::matching::rematch(ctx, found, &before.pairs, &options))?;
                summary.ended += before.departed;
                write_output(out.as_deref(), |w| passiton::io::write::write_matching(ctx, &matching, w))?;
                let mut line: serde_json::Value =
                    serde_json::from_str(&passiton::io::write::matching_summary(&matching, &all))?;
                line["previous"] = serde_json::json!({
                    "kept": summary.kept, "changed": summary.changed, "new": summary.new, "ended": summary.ended,
                });
                println!("{line}");
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Shortlist { scoring, k, exposure, relevance, out } => scoring.with_scores(|ctx| {
            let options = passiton::ShortlistOptions { k, exposure, relevance };
            // First options are chosen while the search runs.
            let (_, lists) = with_spinner("finding candidates and building shortlists", || {
                passiton::search_and_shortlist(ctx, &scoring.candidate_options(), &options)
            })?;
            write_output(out.as_deref(), |w| passiton::io::write::write_shortlists(ctx, &lists, w))?;
            Ok(ExitCode::SUCCESS)
        }),
        Command::Assign { edges, capacities, max_matched, out } => {
            let input = with_spinner("reading edges", || passiton::io::solver_input::read_assign(&edges, &capacities))?;
            let options = passiton::assign::AssignOptions { max_matched };
            let assignment = with_spinner("assigning", || {
                let assignment = passiton::assign::assign(&input.problem, &options)?;
                // Cheap next to the solve, and it means no unproven optimum is ever written.
                passiton::assign::verify(&input.problem, &options, &assignment)?;
                Ok(assignment)
            })?;
            write_output(out.as_deref(), |w| passiton::io::write::write_assignment(&input, &assignment, w))?;
            println!("{}", passiton::io::write::assignment_summary(&input, &assignment));
            Ok(ExitCode::SUCCESS)
        }
        Command::Stable { mentee_prefs, mentor_prefs, capacities, out } => {
            let input = with_spinner("reading rankings", || {
                passiton::io::solver_input::read_stable(&mentee_prefs, &mentor_prefs, &capacities)
            })?;
            let (matching, blocking) = with_spinner("matching", || {
                let matching = passiton::stable::stable_matching(&input.problem)?;
                let blocking = passiton::stable::blocking_pairs(&input.problem, &matching)?.len();
                Ok((matching, blocking))
            })?;
            if blocking > 0 {
                anyhow::bail!("internal error: the stable matching has {blocking} blocking pairs");
            }
            write_output(out.as_deref(), |w| passiton::io::write::write_stable_matching(&input, &matching, w))?;
            println!("{}", passiton::io::write::stable_summary(&input, &matching, blocking));
            Ok(ExitCode::SUCCESS)
        }
        Command::Pair { edges, out } => {
            let input = with_spinner("reading edges", || passiton::io::solver_input::read_pair(&edges))?;
            let pairing = with_spinner("pairing", || {
                let pairing = passiton::pair::max_weight_pairing(&input.problem)?;
                passiton::pair::verify(&input.problem, &pairing)?;
                Ok(pairing)
            })?;
            write_output(out.as_deref(), |w| passiton::io::write::write_pairing(&input, &pairing, w))?;
            println!("{}", passiton::io::write::pairing_summary(&input, &pairing));
            Ok(ExitCode::SUCCESS)
        }
        Command::Intros { data, k, max_hops, weak_ties, out } => {
            let options = passiton::IntroOptions { k, max_hops, weak_ties };
            options.validate()?;
            let data = load(&data)?;
            let ctx = passiton::ScoreContext::new(&data, passiton::Weights::default())?;
            let lists = with_spinner("finding introductions", || passiton::intros(&ctx, &options))?;
            write_output(out.as_deref(), |w| passiton::io::write_intros::write_intros(&ctx, &lists, w))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Peers { data, k, pool, out } => {
            let data = load(&data)?;
            let ctx = passiton::ScoreContext::new(&data, passiton::Weights::default())?;
            let options = passiton::peers::PeerOptions { k, pool, ..passiton::peers::PeerOptions::default() };
            let result = with_spinner("pairing peers", || passiton::peers::peer_pairs(&ctx, &options))?;
            write_output(out.as_deref(), |w| passiton::io::peers::write_peer_pairs(&ctx, &result, w))?;
            println!("{}", passiton::io::peers::peers_summary(&result));
            Ok(ExitCode::SUCCESS)
        }
        Command::PassOn { data, out, force } => {
            let summary = with_spinner("passing it on", || passiton::io::pass_on::pass_on(&data, &out, force))
                .with_context(|| format!("cannot write {}", out.display()))?;
            // Enough ids to check by eye; the count says how many there are.
            const SHOWN: usize = 20;
            let shown = summary.promoted.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
            let more = summary.promoted.len().saturating_sub(SHOWN);
            println!(
                "wrote {}: promoted {} jobseeker{} to mentor{}{}{}; added {} mentored connection{}, dropped {} preference{}",
                out.display(),
                summary.promoted.len(),
                if summary.promoted.len() == 1 { "" } else { "s" },
                if summary.promoted.is_empty() { "" } else { ": " },
                shown,
                if more > 0 { format!(" and {more} more") } else { String::new() },
                summary.connections_added,
                if summary.connections_added == 1 { "" } else { "s" },
                summary.preferences_dropped,
                if summary.preferences_dropped == 1 { "" } else { "s" },
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Snapshot { data, out } => {
            let dataset = load(&data)?;
            with_spinner("writing snapshot", || passiton::write_snapshot(&dataset, &out))?;
            let (jobseekers, mentors, coaches) = dataset.role_counts();
            println!(
                "wrote {}: {jobseekers} jobseekers, {mentors} mentors, {coaches} coaches, {} employers",
                out.display(),
                dataset.employers.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { scoring, out, force } => {
            let report = scoring
                .with_candidates(|ctx, found| Ok(with_spinner("matching", || passiton::report::report(ctx, found))?))?;
            passiton::io::report::write_report(&report, &out, force)
                .with_context(|| format!("cannot write {}", out.display()))?;
            let optimal = &report.modes[0];
            // The outcome pairs are counted only where the report shows them.
            let outcome_pairs = match report.what_worked.as_ref().map(|w| w.all.shown()) {
                None => "0".to_string(),
                Some(Some(all)) => all.pairs.to_string(),
                Some(None) => format!("fewer than {}", passiton::report::MIN_GROUP_SIZE),
            };
            println!(
                "wrote {}: {} jobseekers, {} matched (optimal), {} groups shown, {outcome_pairs} outcome pairs",
                out.display(),
                report.counts.jobseekers,
                optimal.matched,
                report.fairness.experience.groups.len() + report.fairness.area.groups.len(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { data, out, weights, force, sequential } => {
            let scoring = Scoring { data, weights, candidates: passiton::candidates::DEFAULT_K };
            batch_run(&scoring, &out, force, sequential)
        }
    }
}

fn parse_mode(text: &str) -> Result<passiton::matching::Mode, String> {
    passiton::matching::Mode::parse(text)
        .ok_or_else(|| format!("{text:?} is not a mode (expected optimal, stable, greedy or first-free)"))
}

/// Runs `work` with a spinner on stderr, shown only when stderr is a terminal.
fn with_spinner<T>(message: &str, work: impl FnOnce() -> passiton::Result<T>) -> passiton::Result<T> {
    let spinner = std::io::stderr()
        .is_terminal()
        .then(|| spinning(ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()), message));
    let res = work();
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    res
}

/// `bar` as a spinner showing `message` and the time since it started.
fn spinning(bar: ProgressBar, message: &str) -> ProgressBar {
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"));
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Writes to `out` atomically, or to stdout when no file is given.
fn write_output(out: Option<&Path>, fill: impl FnOnce(&mut dyn Write) -> passiton::Result<()>) -> Result<()> {
    match out {
        Some(path) => {
            passiton::io::atomic::write_file(path, fill).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            fill(&mut lock)?;
            lock.flush()?;
            Ok(())
        }
    }
}

fn load(data: &Path) -> Result<Dataset> {
    with_spinner("reading data", || passiton::load_dataset(data))
        .with_context(|| format!("cannot load {}", data.display()))
}

fn validate(data: &Path) -> Result<ExitCode> {
    match passiton::load_dataset(data) {
        Ok(dataset) => {
            let (jobseekers, mentors, coaches) = dataset.role_counts();
            println!(
                "{}: valid: {jobseekers} jobseekers, {mentors} mentors, {coaches} coaches, {} employers, \
                 {} connections, {} exclusions, {} preferences, {} outcomes",
                data.display(),
                dataset.employers.len(),
                dataset.connections.len(),
                dataset.exclusions.len(),
                dataset.preferences.len(),
                dataset.outcomes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(passiton::Error::Input(problems)) => {
            let mut stdout = std::io::stdout().lock();
            for problem in &problems.problems {
                writeln!(stdout, "{problem}")?;
            }
            let total = problems.problems.len() + problems.more;
            if problems.more > 0 {
                writeln!(stdout, "... and {} more problems not listed", problems.more)?;
            }
            eprintln!("passiton: error: {}: {total} problem{}", data.display(), if total == 1 { "" } else { "s" });
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other).with_context(|| format!("cannot load {}", data.display())),
    }
}

/// Where the bundled sample data lives: `fixtures/sample` in the source tree.
fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("sample")
}

fn demo(out: Option<&Path>, force: bool) -> Result<ExitCode> {
    let dir = sample_dir();
    let data = load(&dir)?;
    let mut stdout = std::io::stdout().lock();
    let (jobseekers, mentors, coaches) = data.role_counts();
    writeln!(stdout, "passiton demo: sample data in {}", dir.display())?;
    writeln!(
        stdout,
        "  {jobseekers} jobseekers, {mentors} mentors, {coaches} coaches, {} employers",
        data.employers.len()
    )?;
    let consented = data.people.iter().filter(|p| p.consent).count();
    writeln!(stdout, "  {consented} people consented to their lived experience being used for matching")?;
    let stats = Network::build(&data).stats();
    writeln!(stdout)?;
    writeln!(stdout, "network: {} nodes, {} edges", stats.nodes, stats.edges)?;
    for (kind, count) in &stats.edges_by_kind {
        writeln!(stdout, "  {:<12} {count}", kind.as_str())?;
    }
    writeln!(
        stdout,
        "  {} components; the largest holds {} nodes; {} nodes have no tie",
        stats.components, stats.largest_component, stats.isolated
    )?;

    let ctx = passiton::ScoreContext::new(&data, passiton::Weights::default())?;
    let found = passiton::candidates(&ctx, &passiton::CandidateOptions::default());
    let options = passiton::ShortlistOptions::default();
    let lists = passiton::shortlists(&ctx, &found, &options)?;
    demo_shortlists(&mut stdout, &ctx, &lists, options.k)?;

    let all = passiton::matching::compare_modes(&ctx, &found)?;
    writeln!(stdout, "\nmatching (each jobseeker to at most one helper, within capacity):")?;
    writeln!(stdout, "  {:<11} {:>8} {:>12}", "mode", "matched", "total score")?;
    for m in &all {
        writeln!(stdout, "  {:<11} {:>8} {:>12.3}", m.mode.as_str(), m.matched, m.total_score())?;
    }
    let score_of = |mode| all.iter().find(|m| m.mode == mode).map_or(0.0, |m| m.total_score());
    let (optimal, first_free) =
        (score_of(passiton::matching::Mode::Optimal), score_of(passiton::matching::Mode::FirstFree));
    if first_free > 0.0 {
        writeln!(
            stdout,
            "  optimal gives {:.0}% more total score than first-free, the nearest helper with room",
            (optimal / first_free - 1.0) * 100.0
        )?;
    }

    demo_network_ideas(&mut stdout, &ctx)?;

    if let Some(out) = out {
        writeln!(stdout)?;
        let scoring = Scoring { data: dir, weights: None, candidates: passiton::candidates::DEFAULT_K };
        return batch_run(&scoring, out, force, false);
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo's peer pairs, a warm introduction and a pass-it-on step.
fn demo_network_ideas(stdout: &mut dyn Write, ctx: &passiton::ScoreContext<'_>) -> Result<()> {
    let data = ctx.data;
    let options = passiton::peers::PeerOptions::default();
    let peers = passiton::peers::peer_pairs(ctx, &options)?;
    writeln!(stdout, "\npeer pairs (jobseekers supporting each other):")?;
    writeln!(
        stdout,
        "  {} pairs, {} jobseekers unpaired, total peer score {:.3}",
        peers.pairs.len(),
        peers.unpaired.len(),
        peers.total_micros as f64 / passiton::shortlist::SCORE_SCALE
    )?;
    if let Some(best) = peers.pairs.iter().max_by(|x, y| x.score.total_cmp(&y.score)) {
        let why = passiton::peers::explain_peers(ctx, &options.weights, best);
        writeln!(
            stdout,
            "  e.g. {} and {} ({:.3}): {why}",
            data.person(best.a).id,
            data.person(best.b).id,
            best.score
        )?;
    }

    let lists = passiton::intros(ctx, &passiton::IntroOptions::default())?;
    let with_intro = lists.iter().filter(|l| !l.intros.is_empty()).count();
    writeln!(stdout, "\nwarm introductions (chains of people to employers hiring in a wanted sector):")?;
    writeln!(stdout, "  {with_intro} of {} jobseekers have at least one", lists.len())?;
    // The strongest chain that passes through at least one other person.
    let strongest = lists
        .iter()
        .flat_map(|l| l.intros.iter())
        .filter(|intro| intro.path.len() > 2)
        .max_by(|x, y| x.strength.total_cmp(&y.strength).then(y.jobseeker.cmp(&x.jobseeker)));
    if let Some(intro) = strongest {
        let path: Vec<&str> = intro.path.iter().map(|p| data.person(*p).id.as_str()).collect();
        writeln!(
            stdout,
            "  e.g. {} > {} ({:.3}): {}",
            path.join(" > "),
            data.employer(intro.employer).id,
            intro.strength,
            passiton::intros::explain_intro(ctx, intro)
        )?;
    }

    let plan = passiton::pass_on::plan_pass_on(data);
    writeln!(stdout, "\npass it on (people in work who agreed become mentors):")?;
    writeln!(stdout, "  {} people would become mentors", plan.promotions.len())?;
    if let Some(first) = plan.promotions.first() {
        let at = first.employer.map_or_else(|| "their new job".to_string(), |e| data.employer(e).name.clone());
        writeln!(
            stdout,
            "  e.g. {} found work at {at} with help from {}, and will mentor the next person",
            data.person(first.person).id,
            data.person(first.helped_by).id
        )?;
    }
    Ok(())
}

/// The shortlist part of the demo: summary figures and three example lists.
fn demo_shortlists(
    stdout: &mut dyn Write,
    ctx: &passiton::ScoreContext<'_>,
    lists: &passiton::Shortlists,
    k: usize,
) -> Result<()> {
    let data = ctx.data;
    let full = lists.lists.iter().filter(|l| l.options.len() == k).count();
    let none = lists.lists.iter().filter(|l| l.options.is_empty()).count();
    let mut scores: Vec<f64> = lists.lists.iter().flat_map(|l| l.options.iter().map(|&(_, s)| s)).collect();
    scores.sort_by(f64::total_cmp);
    let median = scores.get(scores.len() / 2).copied().unwrap_or(0.0);
    let helpers: Vec<usize> = (0..data.people.len()).filter(|&p| data.people[p].role.is_helper()).collect();
    let shown = helpers.iter().filter(|&&p| lists.exposure[p] > 0).count();
    let busiest = helpers.iter().map(|&p| (lists.exposure[p], lists.caps[p])).max().unwrap_or((0, 0));
    writeln!(stdout, "\nshortlists (choose from {k}):")?;
    writeln!(stdout, "  {full} of {} jobseekers have {k} options; {none} have none", lists.lists.len())?;
    writeln!(stdout, "  median option score {median:.3}")?;
    writeln!(
        stdout,
        "  {shown} of {} helpers are offered to someone; the most shown is on {} lists (cap {})",
        helpers.len(),
        busiest.0,
        busiest.1
    )?;
    let mut examples: Vec<&passiton::Shortlist> = lists.lists.iter().filter(|l| l.options.len() == k).collect();
    examples.sort_by(|a, b| data.person(a.jobseeker).id.cmp(&data.person(b.jobseeker).id));
    for list in examples.iter().step_by((examples.len() / 3).max(1)).take(3) {
        writeln!(stdout, "  {}:", data.person(list.jobseeker).id)?;
        for (rank, &(helper, _)) in list.options.iter().enumerate() {
            let scored = ctx.score(list.jobseeker, helper);
            let who = data.person(helper);
            writeln!(
                stdout,
                "    {}. {} ({}) {:.3}: {}",
                rank + 1,
                who.id,
                who.role.as_str(),
                scored.score,
                ctx.explain(&scored)
            )?;
        }
    }
    if let Some(list) = lists.lists.iter().find(|l| l.options.is_empty()) {
        let reason = list.reason.as_deref().unwrap_or("no options");
        writeln!(stdout, "  {}: no options: {reason}", data.person(list.jobseeker).id)?;
    }
    Ok(())
}

/// One timed stage of `run`, as listed in `run.json`.
struct StageRecord {
    name: &'static str,
    /// Seconds from the start of the run to the start of the stage.
    started_seconds: f64,
    seconds: f64,
    peak_rss_bytes: Option<u64>,
    items: usize,
    unit: &'static str,
}

impl StageRecord {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "stage": self.name,
            "started_seconds": self.started_seconds,
            "seconds": self.seconds,
            "peak_rss_bytes": self.peak_rss_bytes,
            "items": self.items,
            "unit": self.unit,
        })
    }
}

/// The stages of `run` done so far, each with its wall time, when it
/// started and the peak memory after it. Stages that run side by side each
/// record into their own branch ([`StageLog::in_branch`]), appended in a
/// fixed order afterwards so that `run.json` always lists stages in the
/// same order.
struct StageLog {
    started: std::time::Instant,
    /// Spinners of the stages under way, when stderr is a terminal.
    spinners: Option<MultiProgress>,
    stages: Vec<StageRecord>,
}

impl StageLog {
    fn new() -> StageLog {
        let spinners =
            std::io::stderr().is_terminal().then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        StageLog { started: std::time::Instant::now(), spinners, stages: Vec::new() }
    }

    /// Runs `work` on an empty log with this one's clock and spinners, for
    /// stages run beside others; returns its value and that log, to append.
    fn in_branch<T>(&self, work: impl FnOnce(&mut StageLog) -> passiton::Result<T>) -> passiton::Result<(T, StageLog)> {
        let mut branch = StageLog { started: self.started, spinners: self.spinners.clone(), stages: Vec::new() };
        work(&mut branch).map(|value| (value, branch))
    }

    /// Adds a branch's stages after this log's.
    fn append(&mut self, branch: StageLog) {
        self.stages.extend(branch.stages);
    }

    /// Runs `work` as stage `name` under a spinner and records its wall time,
    /// the peak memory after it and `count` of what it made (in `unit`s).
    fn stage<T>(
        &mut self,
        name: &'static str,
        unit: &'static str,
        work: impl FnOnce() -> passiton::Result<T>,
        count: impl FnOnce(&T) -> usize,
    ) -> passiton::Result<T> {
        let spinner = self.spinners.as_ref().map(|spinners| spinning(spinners.add(ProgressBar::new_spinner()), name));
        let start = std::time::Instant::now();
        let value = work();
        let seconds = start.elapsed().as_secs_f64();
        if let Some(bar) = spinner {
            bar.finish_and_clear();
        }
        let value = value?;
        self.stages.push(StageRecord {
            name,
            started_seconds: start.duration_since(self.started).as_secs_f64(),
            seconds,
            peak_rss_bytes: peak_rss_bytes(),
            items: count(&value),
            unit,
        });
        Ok(value)
    }
}

/// Runs `a` and `b` side by side on the thread pool, or `a` then `b` when `sequential`.
fn in_parallel<A: Send, B: Send>(
    sequential: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if sequential {
        let first = a();
        (first, b())
    } else {
        rayon::join(a, b)
    }
}

/// One of `run`'s match modes, as its own stage so that its cost shows.
fn match_stage(
    log: &mut StageLog,
    ctx: &passiton::ScoreContext<'_>,
    instance: &passiton::matching::Instance,
    mode: passiton::matching::Mode,
) -> passiton::Result<passiton::matching::Matching> {
    let name = match mode {
        passiton::matching::Mode::Optimal => "match_optimal",
        passiton::matching::Mode::Stable => "match_stable",
        passiton::matching::Mode::Greedy => "match_greedy",
        passiton::matching::Mode::FirstFree => "match_first_free",
    };
    log.stage(name, "matched", || instance.solve(ctx, mode), |m| m.matched)
}

/// The process's peak resident set so far (`VmHWM` in `/proc/self/status`),
/// or `None` on systems without it. It only grows, so the figure after a
/// stage bounds the memory of that stage and every stage before it.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

/// Writes `text` as the file `name` in `dir`.
fn write_text(dir: &Path, name: &str, text: &str) -> passiton::Result<()> {
    let path = dir.join(name);
    passiton::io::atomic::write_file(&path, |w| w.write_all(text.as_bytes()).map_err(|e| passiton::Error::io(&path, e)))
}

/// `run`: every batch stage on one dataset, all outputs written into `out`
/// in one atomic step, with `run.json` recording what each stage cost.
fn batch_run(scoring: &Scoring, out: &Path, force: bool, sequential: bool) -> Result<ExitCode> {
    // Refuse a non-empty target before the work rather than after it; the
    // atomic directory write checks again when it puts the result in place.
    let existing = std::fs::symlink_metadata(out).ok();
    if existing.as_ref().is_some_and(|meta| !meta.is_dir()) {
        anyhow::bail!("{}: exists and is not a directory", out.display());
    }
    if existing.is_some() && !force {
        let mut entries = std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
        if entries.next().is_some() {
            anyhow::bail!("{}: directory is not empty (use --force to replace it)", out.display());
        }
    }
    let weights = scoring.weights()?;
    let mut log = StageLog::new();
    let data = log
        .stage("load", "people", || passiton::load_dataset(&scoring.data), |d| d.people.len())
        .with_context(|| format!("cannot load {}", scoring.data.display()))?;
    let ctx = log.stage(
        "score_context",
        "jobseekers",
        || passiton::ScoreContext::new(&data, weights),
        |_| data.role_counts().0,
    )?;
    // Two branches side by side: candidates, then the match modes and
    // shortlists; and peers then introductions, which need no candidates.
    // The largest steps after candidates are exact solvers on one thread
    // each (the optimal assignment, shortlists' first round, stable
    // matching, peer pairing), so after candidates the optimal assignment
    // runs on one side and shortlists then the other modes on the other,
    // which keeps both cores busy. `--sequential` runs one stage at a time
    // instead.
    let (helpers, peers_and_intros) = in_parallel(
        sequential,
        || {
            log.in_branch(|branch| {
                let found = branch.stage(
                    "candidates",
                    "candidate_edges",
                    || Ok(passiton::candidates(&ctx, &passiton::CandidateOptions { k: scoring.candidates })),
                    |c| c.edges.len(),
                )?;
                let instance = branch.stage(
                    "match_instance",
                    "jobseekers",
                    || Ok(passiton::matching::Instance::of(&ctx, &found)),
                    |_| found.jobseekers.len(),
                )?;
                let (optimal, rest) = in_parallel(
                    sequential,
                    || {
                        log.in_branch(|optimal| {
                            match_stage(optimal, &ctx, &instance, passiton::matching::Mode::Optimal)
                        })
                    },
                    || {
                        log.in_branch(|rest| {
                            let lists = rest.stage(
                                "shortlist",
                                "options",
                                || passiton::shortlists(&ctx, &found, &passiton::ShortlistOptions::default()),
                                |l| l.lists.iter().map(|l| l.options.len()).sum(),
                            )?;
                            let others = passiton::matching::Mode::ALL
                                .into_iter()
                                .filter(|&mode| mode != passiton::matching::Mode::Optimal)
                                .map(|mode| match_stage(rest, &ctx, &instance, mode))
                                .collect::<passiton::Result<Vec<_>>>()?;
                            Ok((lists, others))
                        })
                    },
                );
                let (optimal, optimal_log) = optimal?;
                let ((lists, others), rest_log) = rest?;
                branch.append(optimal_log);
                branch.append(rest_log);
                let mut all: Vec<passiton::matching::Matching> = std::iter::once(optimal).chain(others).collect();
                all.sort_by_key(|m| passiton::matching::Mode::ALL.iter().position(|&mode| mode == m.mode));
                Ok((found, lists, all))
            })
        },
        || {
            log.in_branch(|branch| {
                let peers = branch.stage(
                    "peers",
                    "pairs",
                    || passiton::peers::peer_pairs(&ctx, &passiton::peers::PeerOptions::default()),
                    |p| p.pairs.len(),
                )?;
                let intros = branch.stage(
                    "intros",
                    "introductions",
                    || passiton::intros(&ctx, &passiton::IntroOptions::default()),
                    |lists| lists.iter().map(|l| l.intros.len()).sum(),
                )?;
                Ok((peers, intros))
            })
        },
    );
    let ((found, lists, all), helpers_log) = helpers?;
    let ((peers, intros), peers_log) = peers_and_intros?;
    log.append(helpers_log);
    log.append(peers_log);
    let by_mode =
        |mode| all.iter().find(|m: &&passiton::matching::Matching| m.mode == mode).expect("every mode is run");
    let (optimal, stable) = (by_mode(passiton::matching::Mode::Optimal), by_mode(passiton::matching::Mode::Stable));

    let (jobseekers, mentors, coaches) = data.role_counts();
    let summary = serde_json::json!({
        "match": serde_json::from_str::<serde_json::Value>(&passiton::io::write::matching_summary(optimal, &all))?,
        "peers": serde_json::from_str::<serde_json::Value>(&passiton::io::peers::peers_summary(&peers))?,
        "counts": {
            "jobseekers": jobseekers,
            "mentors": mentors,
            "coaches": coaches,
            "employers": data.employers.len(),
            "connections": data.connections.len(),
            "candidate_edges": found.edges.len(),
            "pairs_scored": found.pairs_scored,
            "shortlist_options": lists.lists.iter().map(|l| l.options.len()).sum::<usize>(),
            "jobseekers_without_options": lists.lists.iter().filter(|l| l.options.is_empty()).count(),
            "introductions": intros.iter().map(|l| l.intros.len()).sum::<usize>(),
            "jobseekers_with_introductions": intros.iter().filter(|l| !l.intros.is_empty()).count(),
        },
    });
    let summary = serde_json::to_string_pretty(&summary)? + "\n";

    let input = scoring.data.display().to_string();
    passiton::io::atomic::write_dir(out, force, |dir| {
        let start = std::time::Instant::now();
        passiton::io::atomic::write_file(&dir.join("shortlist.csv"), |w| {
            passiton::io::write::write_shortlists(&ctx, &lists, w)
        })?;
        passiton::io::atomic::write_file(&dir.join("match.csv"), |w| {
            passiton::io::write::write_matching(&ctx, optimal, w)
        })?;
        passiton::io::atomic::write_file(&dir.join("match_stable.csv"), |w| {
            passiton::io::write::write_matching(&ctx, stable, w)
        })?;
        passiton::io::atomic::write_file(&dir.join("peers.csv"), |w| {
            passiton::io::peers::write_peer_pairs(&ctx, &peers, w)
        })?;
        passiton::io::atomic::write_file(&dir.join("intros.csv"), |w| {
            passiton::io::write_intros::write_intros(&ctx, &intros, w)
        })?;
        write_text(dir, "summary.json", &summary)?;
        log.stages.push(StageRecord {
            name: "write",
            started_seconds: start.duration_since(log.started).as_secs_f64(),
            seconds: start.elapsed().as_secs_f64(),
            peak_rss_bytes: peak_rss_bytes(),
            items: 6,
            unit: "files",
        });
        let record = serde_json::json!({
            "passiton_version": env!("CARGO_PKG_VERSION"),
            "input": input,
            "threads": rayon::current_num_threads(),
            "total_seconds": log.started.elapsed().as_secs_f64(),
            "stages_in_parallel": !sequential,
            "peak_rss_bytes": peak_rss_bytes(),
            "stages": log.stages.iter().map(StageRecord::to_json).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&record).expect("a JSON value always serialises") + "\n";
        write_text(dir, "run.json", &text)
    })
    .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "wrote {}: {jobseekers} jobseekers, {} matched (optimal), {} matched (stable), {} peer pairs, {} introductions",
        out.display(),
        optimal.matched,
        stable.matched,
        peers.pairs.len(),
        intros.iter().map(|l| l.intros.len()).sum::<usize>()
    );
    Ok(ExitCode::SUCCESS)
}
