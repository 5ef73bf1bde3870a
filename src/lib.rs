//! passiton: peer mentoring and network matching for employment support.
//!
//! passiton reads a data directory of jobseekers, mentors (people in work,
//! often alumni), coaches and employers, and works out who could help whom
//! and why: scores with their components and a plain-words explanation,
//! exact top-K candidate lists, "choose from three" shortlists that are
//! fair to every helper's capacity, and optimal capacity-limited assignment.
//!
//! Everything is deterministic: the same input gives the same output
//! whatever the thread count or the order of rows in the files.
//!
//! # Example: shortlists for the bundled sample
//!
//! ```
//! use passiton::{CandidateOptions, ScoreContext, ShortlistOptions, Weights};
//!
//! let data = passiton::load_dataset(std::path::Path::new("fixtures/tiny"))?;
//! let ctx = ScoreContext::new(&data, Weights::default())?;
//! let found = passiton::candidates(&ctx, &CandidateOptions::default());
//! let lists = passiton::shortlists(&ctx, &found, &ShortlistOptions::default())?;
//! let first = &lists.lists[0];
//! let (helper, _) = first.options[0];
//! let scored = ctx.score(first.jobseeker, helper);
//! println!("{} -> {}: {:.2}, {}", data.person(first.jobseeker).id, data.person(helper).id,
//!          scored.score, ctx.explain(&scored));
//! # Ok::<(), passiton::Error>(())
//! ```
//!
//! See `ARCHITECTURE.md` for a map of the modules, and `docs/data-format.md`
//! for the input files.
#![forbid(unsafe_code)]

pub mod assign;
pub mod candidates;
pub mod error;
pub mod generate;
pub mod geo;
pub mod graph;
pub mod intros;
pub mod io;
pub mod matching;
pub mod model;
mod nearest;
pub mod pair;
pub mod pass_on;
pub mod peers;
pub mod report;
pub mod score;
pub mod shortlist;
pub mod snapshot;
pub mod stable;
pub mod taxonomy;

pub use candidates::{
    CandidateEdge, CandidateOptions, Candidates, Rule, candidates, candidates_brute_force, candidates_streamed,
    check_pair, search_order,
};
pub use error::{Error, Problem, Problems, Result};
pub use generate::{GenerateConfig, GenerateSummary, generate};
pub use geo::{Area, AreaIdx, Areas, Place, great_circle_km};
pub use graph::{Link, LinkKind, Network, NetworkStats, Node};
pub use intros::{Intro, IntroList, IntroOptions, NoIntro, explain_intro, intros};
pub use io::{load_dataset, read_dataset};
pub use model::*;
pub use report::Report;
pub use score::{Components, ScoreContext, Scored, Weights};
pub use shortlist::{Shortlist, ShortlistOptions, Shortlists, search_and_shortlist, shortlists};
pub use snapshot::{read_snapshot, write_snapshot};
pub use taxonomy::{SicIdx, SicLevel, SicNode, Taxonomy};
