//! Everything that touches files: reading data directories, writing results,
//! and doing both atomically.

pub mod atomic;
pub mod csv_table;
pub mod intern;
pub mod pass_on;
pub mod peers;
pub mod previous;
pub mod read;
pub mod report;
pub mod solver_input;
pub mod write;
pub mod write_intros;

pub use read::read_dataset;

use std::path::Path;

use crate::error::Result;
use crate::model::Dataset;

/// Loads a dataset from a data directory or a snapshot file, whichever `path` is.
///
/// # Errors
///
/// As [`read_dataset`] for a directory, as [`crate::snapshot::read_snapshot`] for a file.
pub fn load_dataset(path: &Path) -> Result<Dataset> {
    if path.is_file() { crate::snapshot::read_snapshot(path) } else { read_dataset(path) }
}
