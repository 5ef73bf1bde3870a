//! The `passiton` command line: flags, progress, exit codes. All the work is
//! done by the library; this file only parses arguments, shows progress on a
//! terminal and turns errors into one line and a non-zero exit.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
        /// Also write the sample data's results into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
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
        /// Write the CSV here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
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
            eprintln!("passiton: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Demo { out } => demo(out.as_deref()),
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
        Command::Match { scoring, mode, out } => {
            let weights = scoring.weights()?;
            let data = load(&scoring.data)?;
            let ctx = passiton::ScoreContext::new(&data, weights)?;
            let found = with_spinner("finding candidates", || {
                Ok(passiton::candidates(&ctx, &passiton::CandidateOptions { k: scoring.candidates }))
            })?;
            let all = with_spinner("matching", || passiton::matching::compare_modes(&ctx, &found))?;
            let chosen = all.iter().find(|m| m.mode == mode).expect("every mode is compared");
            write_output(out.as_deref(), |w| passiton::io::write::write_matching(&ctx, chosen, w))?;
            println!("{}", passiton::io::write::matching_summary(chosen, &all));
            Ok(ExitCode::SUCCESS)
        }
        Command::Shortlist { scoring, k, exposure, relevance, out } => {
            let weights = scoring.weights()?;
            let data = load(&scoring.data)?;
            let ctx = passiton::ScoreContext::new(&data, weights)?;
            let found = with_spinner("finding candidates", || {
                Ok(passiton::candidates(&ctx, &passiton::CandidateOptions { k: scoring.candidates }))
            })?;
            let options = passiton::ShortlistOptions { k, exposure, relevance };
            let lists = with_spinner("building shortlists", || passiton::shortlists(&ctx, &found, &options))?;
            write_output(out.as_deref(), |w| passiton::io::write::write_shortlists(&ctx, &lists, w))?;
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
    }
}

fn parse_mode(text: &str) -> Result<passiton::matching::Mode, String> {
    passiton::matching::Mode::parse(text)
        .ok_or_else(|| format!("{text:?} is not a mode (expected optimal, stable, greedy or first-free)"))
}

/// Runs `work` with a spinner on stderr, shown only when stderr is a terminal.
fn with_spinner<T>(message: &str, work: impl FnOnce() -> passiton::Result<T>) -> passiton::Result<T> {
    let spinner = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"));
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Some(bar)
    } else {
        None
    };
    let res = work();
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    res
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

fn demo(out: Option<&Path>) -> Result<ExitCode> {
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
    if let Some(out) = out {
        passiton::write_snapshot(&data, &out.join("sample.snapshot"))
            .with_context(|| format!("cannot write into {}", out.display()))?;
        writeln!(stdout, "\nwrote {}", out.join("sample.snapshot").display())?;
    }
    Ok(ExitCode::SUCCESS)
}
