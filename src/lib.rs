//! passiton: peer mentoring and network matching for employment support.
#![forbid(unsafe_code)]

pub mod assign;
pub mod candidates;
pub mod error;
pub mod geo;
pub mod graph;
pub mod io;
pub mod model;
pub mod score;
pub mod shortlist;
pub mod snapshot;
pub mod taxonomy;

pub use candidates::{
    CandidateEdge, CandidateOptions, Candidates, Rule, candidates, candidates_brute_force, check_pair,
};
pub use error::{Error, Problem, Problems, Result};
pub use geo::{Area, AreaIdx, Areas, Place, great_circle_km};
pub use graph::{Link, LinkKind, Network, NetworkStats, Node};
pub use io::{load_dataset, read_dataset};
pub use model::*;
pub use score::{Components, ScoreContext, Scored, Weights};
pub use shortlist::{Shortlist, ShortlistOptions, Shortlists, shortlists};
pub use snapshot::{read_snapshot, write_snapshot};
pub use taxonomy::{SicIdx, SicLevel, SicNode, Taxonomy};
