//! Writes `passiton report`'s directory: `report.json` always, and
//! `report.html` when the `report-html` feature is on (the binary's default).

use std::path::Path;

use crate::error::{Error, Result};
use crate::report::{Report, to_json};

/// Writes `report.json` (and `report.html` with the `report-html` feature)
/// into the directory `out`, which appears whole or not at all.
///
/// # Errors
///
/// `out` exists and is not an empty directory (unless `overwrite`), or any
/// I/O error; then nothing is written.
pub fn write_report(report: &Report, out: &Path, overwrite: bool) -> Result<()> {
    let json = to_json(report);
    #[cfg(feature = "report-html")]
    let html = crate::report::html::render_html(report);
    crate::io::atomic::write_dir(out, overwrite, |dir| {
        write_text(&dir.join("report.json"), &json)?;
        #[cfg(feature = "report-html")]
        write_text(&dir.join("report.html"), &html)?;
        Ok(())
    })
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    crate::io::atomic::write_file(path, |w| w.write_all(text.as_bytes()).map_err(|e| Error::io(path, e)))
}
