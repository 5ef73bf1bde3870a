//! The report as one self-contained HTML page: inline CSS, charts as inline
//! SVG drawn with plotters, a table of the key numbers under each chart, no
//! script and no link to anything outside the file.
//!
//! The page is well-formed XML (XHTML syntax: every element closed, all
//! text escaped), so it can be checked with a strict parser and opened
//! offline in any browser.
//!
//! Charts are bar charts drawn by `draw_bars`: categories along one axis,
//! one bar per series in each category. Plotters' SVG backend writes text
//! as `<text>` elements laid out by the browser; label areas are sized from
//! the labels' lengths, since without a font file plotters can only
//! estimate text widths.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    GroupTable, LOAD_BINS, LoadSummary, MIN_GROUP_SIZE, OutcomeCell, OutcomeRates, Report, SCORE_BIN_WIDTH, SCORE_BINS,
    Suppressed, UTILISATION_BANDS, WhatWorked,
};

/// Width of every chart, in pixels.
const WIDTH: u32 = 960;
/// Font size of labels, in plotters units (the SVG gets `size / 1.24` px, so about 12 px).
const LABEL: f64 = 15.0;
/// Font size of chart titles (about 15 px).
const TITLE: f64 = 19.0;
/// Font size of the message that stands in for an empty chart: about
/// 16 px, the page's own text size, since it is the figure's whole content.
const MESSAGE: f64 = 20.0;
/// Height of a chart that only holds its empty message, in pixels.
const MESSAGE_HEIGHT: u32 = 64;
/// Font family of every chart.
const FONT: &str = "sans-serif";
/// Rough width of one character of a label, in pixels, for sizing label areas.
const CHAR_PX: u32 = 7;
/// Longest category label shown whole; longer ones are cut with an ellipsis.
const MAX_LABEL_CHARS: usize = 60;
/// Most coaches shown in the per-coach caseload chart (the busiest ones).
const MAX_COACHES_SHOWN: usize = 30;

/// Colour of each match mode, in [`crate::matching::Mode::ALL`] order.
const MODE_COLOURS: [RGBColor; 4] =
    [RGBColor(27, 108, 168), RGBColor(42, 157, 143), RGBColor(233, 196, 106), RGBColor(150, 150, 150)];
const BLUE: RGBColor = RGBColor(27, 108, 168);
const TEAL: RGBColor = RGBColor(42, 157, 143);
const ORANGE: RGBColor = RGBColor(231, 111, 81);
const LIGHT: RGBColor = RGBColor(214, 220, 228);
const INK: RGBColor = RGBColor(40, 40, 40);

/// How bar values are written.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    /// Whole numbers.
    Count,
    /// Fractions as percentages.
    Percent,
    /// Scores, two decimals.
    Score,
}

impl Format {
    fn text(self, v: f64) -> String {
        match self {
            Format::Count => format!("{v:.0}"),
            Format::Percent => format!("{:.0}%", v * 100.0),
            Format::Score => format!("{v:.2}"),
        }
    }
}

/// One series of a bar chart: a value per category.
struct Series {
    name: String,
    colour: RGBColor,
    values: Vec<f64>,
}

/// A bar chart.
struct Bars {
    title: Option<String>,
    categories: Vec<String>,
    /// A second, smaller line under (or after) each category label, such as a count.
    sublabels: Vec<String>,
    series: Vec<Series>,
    /// Bars of every series drawn on top of each other (the first behind)
    /// instead of side by side.
    overlay: bool,
    horizontal: bool,
    /// What the value axis measures.
    axis: String,
    /// What the categories are, written under a vertical chart's category axis.
    category_axis: String,
    /// Category labels on the left edge of their bar instead of its middle
    /// (for histograms, whose categories are bins starting at the label).
    edge_labels: bool,
    /// Fixed top of the value axis (1 for shares); otherwise from the data.
    max: Option<f64>,
    format: Format,
    /// Reference lines across the bars: (value, colour).
    references: Vec<(f64, RGBColor)>,
    /// What to say when there are no categories.
    empty: String,
    /// Per category of a vertical chart, a note drawn in place of its bars
    /// when its figures are withheld (lines split at `\n`); `None` to draw the bars.
    withheld: Vec<Option<String>>,
}

impl Bars {
    fn new(categories: Vec<String>, axis: &str, format: Format) -> Bars {
        Bars {
            title: None,
            categories,
            sublabels: Vec::new(),
            series: Vec::new(),
            overlay: false,
            horizontal: false,
            axis: axis.to_string(),
            category_axis: String::new(),
            edge_labels: false,
            max: None,
            format,
            references: Vec::new(),
            empty: "nothing to show".to_string(),
            withheld: Vec::new(),
        }
    }

    /// Whether the chart is only its empty message.
    fn is_empty(&self) -> bool {
        self.categories.is_empty() || self.series.is_empty()
    }

    /// `height`, or the height of the empty message alone.
    fn height(&self, height: u32) -> u32 {
        if self.is_empty() { MESSAGE_HEIGHT } else { height }
    }

    fn series(mut self, name: &str, colour: RGBColor, values: Vec<f64>) -> Bars {
        self.series.push(Series { name: name.to_string(), colour, values });
        self
    }

    /// Height that fits every category of a horizontal chart.
    fn horizontal_height(&self) -> u32 {
        if self.is_empty() {
            return MESSAGE_HEIGHT;
        }
        let per_bar = if self.overlay { 16 } else { 12 };
        let bars = if self.overlay { 1 } else { self.series.len().max(1) };
        let band = (bars * per_bar + 10) as u32;
        let legend = if self.series.len() > 1 { 40 } else { 14 };
        (90 + legend + band * self.categories.len().max(1) as u32).max(160)
    }
}

fn cut(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

fn text_style(size: f64, colour: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(colour).pos(Pos::new(h, v))
}

/// A round top for a value axis holding `max`, with room for value labels.
fn axis_top(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let padded = max * 1.18;
    let step = 10f64.powf(padded.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * step >= padded {
            return m * step;
        }
    }
    padded
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draws `bars` into `area`.
fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, bars: &Bars) -> DrawResult<DB> {
    let n = bars.categories.len();
    let legend = bars.series.len() > 1;
    // Room above the plot for the legend and for value labels over full bars.
    let top_room = if legend { 46 } else { 22 };
    if bars.is_empty() {
        // The message alone, at the page's text size, under the title if any.
        let (w, h) = area.dim_in_pixel();
        let mut y = h as i32 / 2;
        if let Some(title) = &bars.title {
            area.draw(&Text::new(
                title.clone(),
                (w as i32 / 2, 14),
                text_style(TITLE, &INK, HPos::Center, VPos::Center),
            ))?;
            y += 12;
        }
        area.draw(&Text::new(
            bars.empty.clone(),
            (w as i32 / 2, y),
            text_style(MESSAGE, &INK, HPos::Center, VPos::Center),
        ))?;
        return Ok(());
    }
    let mut builder = ChartBuilder::on(area);
    builder.margin(8).margin_top(top_room).margin_right(28);
    if let Some(title) = &bars.title {
        builder.caption(title, (FONT, TITLE));
    }
    let data_max = bars.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let top = bars.max.unwrap_or_else(|| axis_top(data_max)).max(data_max);
    let value_text = |v: f64| bars.format.text(v);
    let axis_labels = |v: &f64| match bars.format {
        Format::Percent => format!("{:.0}%", v * 100.0),
        Format::Score => format!("{v:.1}"),
        Format::Count => {
            if v.fract().abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        }
    };
    let label_style = text_style(LABEL, &INK, HPos::Center, VPos::Center);
    let small = text_style(LABEL * 0.85, &RGBColor(90, 90, 90), HPos::Center, VPos::Center);
    let base = area.get_base_pixel();
    let rel = |(x, y): (i32, i32)| (x - base.0, y - base.1);
    let slots = if bars.overlay { 1 } else { bars.series.len() };
    if bars.horizontal {
        let longest = bars
            .categories
            .iter()
            .zip(bars.sublabels.iter().map(Some).chain(std::iter::repeat(None)))
            .map(|(c, s)| cut(c).chars().count() + s.map_or(0, |s| s.chars().count() + 1))
            .max()
            .unwrap_or(0);
        let left = (longest as u32 * CHAR_PX + 16).clamp(60, 440);
        builder.set_label_area_size(LabelAreaPosition::Left, left).set_label_area_size(LabelAreaPosition::Bottom, 44);
        let mut chart = builder.build_cartesian_2d(0f64..top, 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_label_formatter(&|_| String::new())
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .x_labels(6)
            .x_label_formatter(&axis_labels)
            .x_desc(bars.axis.clone())
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        for (i, category) in bars.categories.iter().enumerate() {
            // Category 0 at the top.
            let y_top = (n - i) as f64;
            let band = 1.0 / (slots as f64 + 0.8);
            for (k, s) in bars.series.iter().enumerate() {
                let v = s.values.get(i).copied().unwrap_or(0.0);
                let slot = if bars.overlay { 0 } else { k };
                let y1 = y_top - 0.4 * band - slot as f64 * band;
                let y0 = y1 - band;
                chart.draw_series(std::iter::once(Rectangle::new([(0.0, y0), (v, y1)], s.colour.filled())))?;
                let zero_among_many = v == 0.0 && bars.series.len() > 1 && !bars.overlay;
                if (!bars.overlay || k + 1 == bars.series.len()) && !zero_among_many {
                    let (px, py) = rel(chart.backend_coord(&(v, (y0 + y1) / 2.0)));
                    area.draw(&Text::new(
                        value_text(v),
                        (px + 4, py),
                        text_style(LABEL * 0.85, &INK, HPos::Left, VPos::Center),
                    ))?;
                }
            }
            let (px, py) = rel(chart.backend_coord(&(0.0, y_top - 0.5)));
            let mut label = cut(category);
            if let Some(sub) = bars.sublabels.get(i) {
                label = format!("{label} {sub}");
            }
            area.draw(&Text::new(label, (px - 8, py), text_style(LABEL, &INK, HPos::Right, VPos::Center)))?;
        }
        for &(value, colour) in &bars.references {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(value, 0.0), (value, n as f64)],
                colour.stroke_width(2),
            )))?;
        }
    } else {
        let bottom =
            30 + if bars.sublabels.is_empty() { 0 } else { 16 } + if bars.category_axis.is_empty() { 0 } else { 20 };
        builder.set_label_area_size(LabelAreaPosition::Left, 56).set_label_area_size(LabelAreaPosition::Bottom, bottom);
        let mut chart = builder.build_cartesian_2d(0f64..n as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&|_| String::new())
            .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
            .y_labels(6)
            .y_label_formatter(&axis_labels)
            .y_desc(bars.axis.clone())
            .x_desc(bars.category_axis.clone())
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        let band = 1.0 / (slots as f64 + 0.6);
        // Value labels only where bars are wide enough to carry them.
        let plot_width = area.dim_in_pixel().0 as f64;
        let show_values = plot_width / (n * slots) as f64 >= 26.0;
        let note_style = text_style(LABEL, &RGBColor(90, 90, 90), HPos::Center, VPos::Center);
        for (i, category) in bars.categories.iter().enumerate() {
            if let Some(Some(note)) = bars.withheld.get(i) {
                // A shaded band with the note, so a withheld figure never looks like a zero.
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(i as f64 + 0.06, 0.0), (i as f64 + 0.94, top)],
                    RGBColor(241, 243, 246).filled(),
                )))?;
                let lines: Vec<&str> = note.lines().collect();
                let (px, py) = rel(chart.backend_coord(&(i as f64 + 0.5, top / 2.0)));
                for (l, line) in lines.iter().enumerate() {
                    let dy = (2 * l as i32 + 1 - lines.len() as i32) * 9;
                    area.draw(&Text::new(line.to_string(), (px, py + dy), note_style.clone()))?;
                }
            }
            for (k, s) in bars.series.iter().enumerate() {
                if matches!(bars.withheld.get(i), Some(Some(_))) {
                    break;
                }
                let v = s.values.get(i).copied().unwrap_or(0.0);
                let slot = if bars.overlay { 0 } else { k };
                let x0 = i as f64 + 0.3 * band + slot as f64 * band;
                let x1 = x0 + band;
                chart.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, v)], s.colour.filled())))?;
                if show_values && !(v == 0.0 && bars.series.len() > 1) {
                    let (px, py) = rel(chart.backend_coord(&((x0 + x1) / 2.0, v)));
                    area.draw(&Text::new(
                        value_text(v),
                        (px, py - 3),
                        text_style(LABEL * 0.85, &INK, HPos::Center, VPos::Bottom),
                    ))?;
                }
            }
            if !category.is_empty() {
                let at = if bars.edge_labels { i as f64 } else { i as f64 + 0.5 };
                let (px, py) = rel(chart.backend_coord(&(at, 0.0)));
                area.draw(&Text::new(cut(category), (px, py + 12), label_style.clone()))?;
                if let Some(sub) = bars.sublabels.get(i) {
                    area.draw(&Text::new(sub.clone(), (px, py + 28), small.clone()))?;
                }
            }
        }
        for &(value, colour) in &bars.references {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, value), (n as f64, value)],
                colour.stroke_width(2),
            )))?;
        }
    }
    if legend {
        // Swatch then name, left to right along the top; names are spaced by
        // an estimate of their width, which errs on the wide side.
        let mut x = 60;
        for s in &bars.series {
            area.draw(&Rectangle::new([(x, 8), (x + 12, 20)], s.colour.filled()))?;
            area.draw(&Text::new(s.name.clone(), (x + 18, 14), text_style(LABEL, &INK, HPos::Left, VPos::Center)))?;
            x += 18 + (s.name.chars().count() as u32 * CHAR_PX) as i32 + 22;
        }
    }
    Ok(())
}

/// Draws one chart of `height` pixels with `draw`, returning the SVG, or
/// an SVG holding a note if drawing failed (the string backend does not
/// fail in practice; a report should not be lost to one chart).
fn svg(
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), DrawingAreaErrorKind<std::io::Error>>,
) -> String {
    let mut buf = String::new();
    let failed = {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        let res = root.fill(&WHITE).and_then(|_| draw(&root)).and_then(|_| root.present());
        res.err().map(|e| e.to_string())
    };
    match failed {
        None => buf,
        Some(e) => format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"40\"><text x=\"10\" y=\"25\">chart could not be drawn: {}</text></svg>",
            escape(&e)
        ),
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn opt(v: Option<f64>, format: Format) -> String {
    v.map_or_else(|| "–".to_string(), |v| format.text(v))
}

/// A table: a header row, then rows of cells (already plain text; escaped
/// here). A row shorter than the header ends in a note that spans the
/// columns left.
fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table>\n<thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", escape(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() && row.len() < head.len() {
                let _ = write!(s, "<td class=\"note\" colspan=\"{}\">{}</td>", head.len() - i, escape(cell));
            } else {
                let _ = write!(s, "<td>{}</td>", escape(cell));
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A figure: its chart, a caption in plain words and the table of its numbers.
fn figure(id: &str, caption: &str, chart: String, numbers: String) -> String {
    format!(
        "<figure id=\"{}\">\n{chart}\n<figcaption>{}</figcaption>\n{numbers}</figure>\n",
        escape(id),
        escape(caption)
    )
}

/// The ids of every figure the page can hold, in page order; the outcome
/// figures are there only when the data has outcomes.
pub const FIGURE_IDS: [&str; 11] = [
    "modes",
    "scores",
    "caseload-coaches",
    "caseloads",
    "utilisation",
    "unmatched",
    "fairness-experience",
    "fairness-area",
    "outcomes-score-band",
    "outcomes-component",
    "outcomes-helper-role",
];

/// The report as a self-contained XHTML page.
pub fn render_html(report: &Report) -> String {
    let mut body = String::new();
    let c = &report.counts;
    let _ = write!(
        body,
        "<h1>passiton report</h1>\n<p class=\"lead\">{} jobseekers, {} mentors and {} coaches offering {} places; {} recorded outcomes.</p>\n",
        c.jobseekers, c.mentors, c.coaches, c.places, c.outcomes
    );
    body.push_str("<h2>Matching, four ways</h2>\n");
    body.push_str(&modes_figure(report));
    body.push_str(&scores_figure(report));
    body.push_str("<h2>Caseloads</h2>\n");
    body.push_str(&caseload_figures(report));
    body.push_str("<h2>Who is left unmatched, and why</h2>\n");
    body.push_str(&unmatched_figure(report));
    body.push_str("<h2>Fairness</h2>\n");
    let _ = writeln!(
        body,
        "<p>Share of jobseekers matched and their mean score in the optimal matching, by group. Groups of fewer than {MIN_GROUP_SIZE} jobseekers are suppressed: they are not named, and neither their size nor any figure about them is shown, so that no one can be picked out. Only lived experience that people consented to share is used.</p>"
    );
    body.push_str(&fairness_figure(
        "fairness-experience",
        "by lived experience",
        "Share matched and mean score of jobseekers with each lived experience, in the optimal matching; the vertical lines are all jobseekers' figures.",
        &report.fairness.experience,
        report,
    ));
    body.push_str(&fairness_figure(
        "fairness-area",
        "by area",
        "Share matched and mean score of jobseekers in each local area, in the optimal matching; the vertical lines are all jobseekers' figures.",
        &report.fairness.area,
        report,
    ));
    body.push_str("<h2>What worked</h2>\n");
    match &report.what_worked {
        Some(w) => body.push_str(&what_worked_figures(w)),
        None => body.push_str("<p>There are no recorded outcomes (no rows in outcomes.csv), so nothing can be said yet about what worked.</p>\n"),
    }
    format!(
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>passiton report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
}

const STYLE: &str = "body { font-family: sans-serif; color: #282828; background: #f6f7f9; margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 1em 1.5em 3em; background: #fff; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #d6dce4; padding-bottom: 0.2em; }
p.lead { font-size: 1.1em; }
figure { margin: 1.5em 0; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { margin: 0.5em 0; font-size: 0.95em; color: #444; }
table { border-collapse: collapse; font-size: 0.9em; margin-top: 0.5em; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 0.25em 0.8em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.note { text-align: left; color: #555; font-style: italic; }
thead th { background: #eef1f5; }
";

fn modes_figure(report: &Report) -> String {
    let names: Vec<String> = report.modes.iter().map(|m| m.mode.to_string()).collect();
    let chart = svg(340, |root| {
        let (left, right) = root.split_horizontally(WIDTH / 2);
        let mut matched = Bars::new(names.clone(), "jobseekers matched", Format::Count);
        matched.title = Some("jobseekers matched".into());
        matched = matched.series("matched", BLUE, report.modes.iter().map(|m| m.matched as f64).collect());
        draw_bars(&left, &matched)?;
        let mut mean = Bars::new(names.clone(), "mean score of matched pairs", Format::Score);
        mean.title = Some("mean score".into());
        mean.max = Some(1.0);
        mean = mean.series("mean score", TEAL, report.modes.iter().map(|m| m.mean_score.unwrap_or(0.0)).collect());
        draw_bars(&right, &mean)
    });
    let rows: Vec<Vec<String>> = report
        .modes
        .iter()
        .map(|m| {
            vec![
                m.mode.to_string(),
                m.matched.to_string(),
                m.unmatched.to_string(),
                Format::Percent.text(m.share_matched),
                format!("{:.2}", m.total_score),
                opt(m.mean_score, Format::Score),
            ]
        })
        .collect();
    figure(
        "modes",
        "How many jobseekers each way of matching places, and how good the matches are. Optimal gives the largest total score, stable leaves no jobseeker and helper who would both rather be together, greedy takes the best remaining pair first, and first-free sends each jobseeker to the nearest helper with room, as is often done today.",
        chart,
        table(&["mode", "matched", "unmatched", "share matched", "total score", "mean score"], &rows),
    )
}

fn scores_figure(report: &Report) -> String {
    let bins: Vec<String> = (0..SCORE_BINS)
        .map(|b| if b % 4 == 0 { format!("{:.1}", b as f64 * SCORE_BIN_WIDTH) } else { String::new() })
        .collect();
    let chart = svg(620, |root| {
        let panels = root.split_evenly((2, 2));
        for ((panel, m), colour) in panels.iter().zip(&report.modes).zip(MODE_COLOURS.iter().cycle()) {
            let mut bars = Bars::new(bins.clone(), "matched pairs", Format::Count);
            bars.title = Some(m.mode.to_string());
            bars.category_axis = "score".into();
            bars.edge_labels = true;
            bars = bars.series(m.mode, *colour, m.score_histogram.iter().map(|&n| n as f64).collect());
            draw_bars(panel, &bars)?;
        }
        Ok(())
    });
    let rows: Vec<Vec<String>> = (0..SCORE_BINS)
        .map(|b| {
            let low = b as f64 * SCORE_BIN_WIDTH;
            let mut row = vec![format!("{:.2}-{:.2}", low, low + SCORE_BIN_WIDTH)];
            row.extend(report.modes.iter().map(|m| m.score_histogram.get(b).copied().unwrap_or(0).to_string()));
            row
        })
        .filter(|row| row[1..].iter().any(|c| c != "0"))
        .collect();
    let mut head = vec!["score"];
    head.extend(report.modes.iter().map(|m| m.mode));
    figure(
        "scores",
        &format!(
            "How good the matches are: matched pairs by score, in bins {SCORE_BIN_WIDTH} wide, for each way of matching (a score is between 0 and 1; higher is a better fit). The table lists the bins that hold any pair."
        ),
        chart,
        table(&head, &rows),
    )
}

/// Each count as a share of the summary's helpers.
fn shares(summary: &LoadSummary, counts: &[usize]) -> Vec<f64> {
    counts.iter().map(|&n| if summary.helpers == 0 { 0.0 } else { n as f64 / summary.helpers as f64 }).collect()
}

fn caseload_figures(report: &Report) -> String {
    let load = &report.caseload;
    let mut out = String::new();
    // Busiest coaches first, then by id; the list is in id order already.
    let mut coaches: Vec<&super::HelperLoad> = load.helpers.iter().filter(|h| h.role == "coach").collect();
    coaches.sort_by(|a, b| b.assigned.cmp(&a.assigned).then_with(|| a.id.cmp(&b.id)));
    coaches.truncate(MAX_COACHES_SHOWN);
    let mut bars = Bars::new(coaches.iter().map(|h| h.id.clone()).collect(), "jobseekers", Format::Count);
    bars.horizontal = true;
    bars.overlay = true;
    bars.empty = "no coaches with capacity".into();
    bars = bars.series("capacity", LIGHT, coaches.iter().map(|h| f64::from(h.capacity)).collect()).series(
        "assigned",
        BLUE,
        coaches.iter().map(|h| f64::from(h.assigned)).collect(),
    );
    let chart = svg(bars.horizontal_height(), |root| draw_bars(root, &bars));
    let rows: Vec<Vec<String>> = coaches
        .iter()
        .map(|h| {
            vec![
                h.id.clone(),
                h.assigned.to_string(),
                h.capacity.to_string(),
                Format::Percent.text(f64::from(h.assigned) / f64::from(h.capacity.max(1))),
            ]
        })
        .collect();
    out.push_str(&figure(
        "caseload-coaches",
        &format!(
            "Caseload per coach in the optimal matching: jobseekers assigned (dark) against capacity (light){}.",
            if load.coaches.helpers > MAX_COACHES_SHOWN {
                format!(", for the {MAX_COACHES_SHOWN} busiest of {} coaches", load.coaches.helpers)
            } else {
                String::new()
            }
        ),
        chart,
        table(&["coach", "assigned", "capacity", "utilisation"], &rows),
    ));

    let (m, c) = (&load.mentors, &load.coaches);
    let mut bars = Bars::new(LOAD_BINS.iter().map(|s| s.to_string()).collect(), "share of helpers", Format::Percent);
    bars.max = Some(1.0);
    bars.category_axis = "jobseekers assigned".into();
    bars.empty = "no mentors or coaches with capacity".into();
    bars = bars.series("mentors", TEAL, shares(m, &m.load_bins)).series("coaches", BLUE, shares(c, &c.load_bins));
    let chart = svg(bars.height(340), |root| draw_bars(root, &bars));
    let rows: Vec<Vec<String>> = LOAD_BINS
        .iter()
        .enumerate()
        .map(|(b, name)| vec![name.to_string(), m.load_bins[b].to_string(), c.load_bins[b].to_string()])
        .collect();
    out.push_str(&figure(
        "caseloads",
        &format!(
            "How many jobseekers each helper has in the optimal matching, as a share of mentors and of coaches, in the same bins for both. {} mentors offer {} places, of which {} are taken ({}); {} coaches offer {}, of which {} are taken ({}).",
            m.helpers,
            m.places,
            m.assigned,
            Format::Percent.text(m.utilisation),
            c.helpers,
            c.places,
            c.assigned,
            Format::Percent.text(c.utilisation)
        ),
        chart,
        table(&["jobseekers assigned", "mentors", "coaches"], &rows),
    ));

    let mut bars =
        Bars::new(UTILISATION_BANDS.iter().map(|s| s.to_string()).collect(), "share of helpers", Format::Percent);
    bars.max = Some(1.0);
    bars.category_axis = "share of their places used".into();
    bars = bars.series("mentors", TEAL, shares(m, &m.utilisation_bands)).series(
        "coaches",
        BLUE,
        shares(c, &c.utilisation_bands),
    );
    let chart = svg(340, |root| draw_bars(root, &bars));
    let rows: Vec<Vec<String>> = UTILISATION_BANDS
        .iter()
        .enumerate()
        .map(|(b, name)| vec![name.to_string(), m.utilisation_bands[b].to_string(), c.utilisation_bands[b].to_string()])
        .collect();
    out.push_str(&figure(
        "utilisation",
        &format!(
            "How full helpers are in the optimal matching: the share of mentors and of coaches whose places are unused, partly used or full. Overall, mentors' places are {} used and coaches' {}.",
            Format::Percent.text(m.utilisation),
            Format::Percent.text(c.utilisation)
        ),
        chart,
        table(&["places used", "mentors", "coaches"], &rows),
    ));
    out
}

fn unmatched_figure(report: &Report) -> String {
    // Reasons in order of how many each leaves out over all modes, then by name.
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for m in &report.modes {
        for r in &m.unmatched_reasons {
            match reasons.iter_mut().find(|(name, _)| *name == r.reason) {
                Some((_, n)) => *n += r.jobseekers,
                None => reasons.push((r.reason.clone(), r.jobseekers)),
            }
        }
    }
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let count = |m: &super::ModeFigures, reason: &str| {
        m.unmatched_reasons.iter().find(|r| r.reason == reason).map_or(0, |r| r.jobseekers)
    };
    let mut bars = Bars::new(reasons.iter().map(|(r, _)| r.clone()).collect(), "jobseekers unmatched", Format::Count);
    bars.horizontal = true;
    bars.empty = "every jobseeker is matched in every mode".into();
    for (m, colour) in report.modes.iter().zip(MODE_COLOURS.iter().cycle()) {
        bars = bars.series(m.mode, *colour, reasons.iter().map(|(r, _)| count(m, r) as f64).collect());
    }
    let chart = svg(bars.horizontal_height(), |root| draw_bars(root, &bars));
    let rows: Vec<Vec<String>> = reasons
        .iter()
        .map(|(r, _)| {
            let mut row = vec![r.clone()];
            row.extend(report.modes.iter().map(|m| count(m, r).to_string()));
            row
        })
        .collect();
    let mut head = vec!["reason"];
    head.extend(report.modes.iter().map(|m| m.mode));
    figure(
        "unmatched",
        "Jobseekers left unmatched, by reason, for each way of matching. \"No … within reach\" and the like mean no helper passes the hard rules at all; \"places went to …\" and \"full when their turn came\" mean helpers were there but their places were used for others.",
        chart,
        table(&head, &rows),
    )
}

fn fairness_figure(id: &str, title: &str, caption: &str, groups: &GroupTable, report: &Report) -> String {
    let all = &report.fairness.all;
    let labels: Vec<String> = groups.groups.iter().map(|g| g.label.clone()).collect();
    let mut bars = Bars::new(labels, "share matched; mean score", Format::Percent);
    bars.horizontal = true;
    bars.max = Some(1.0);
    bars.format = Format::Score;
    bars.sublabels = groups.groups.iter().map(|g| format!("({})", g.jobseekers)).collect();
    bars.empty = format!("no group {title} has {MIN_GROUP_SIZE} or more jobseekers");
    bars.references = vec![(all.share_matched, BLUE), (all.mean_score.unwrap_or(0.0), TEAL)];
    bars = bars.series("share matched", BLUE, groups.groups.iter().map(|g| g.share_matched).collect()).series(
        "mean score",
        TEAL,
        groups.groups.iter().map(|g| g.mean_score.unwrap_or(0.0)).collect(),
    );
    let chart = svg(bars.horizontal_height(), |root| draw_bars(root, &bars));
    let mut rows: Vec<Vec<String>> = vec![vec![
        all.label.clone(),
        all.jobseekers.to_string(),
        all.matched.to_string(),
        Format::Percent.text(all.share_matched),
        opt(all.mean_score, Format::Score),
    ]];
    rows.extend(groups.groups.iter().map(|g| {
        vec![
            format!("{} ({})", g.label, g.group),
            g.jobseekers.to_string(),
            g.matched.to_string(),
            Format::Percent.text(g.share_matched),
            opt(g.mean_score, Format::Score),
        ]
    }));
    let note = if groups.suppressed_groups > 0 {
        format!(
            " {} smaller group{} suppressed.",
            groups.suppressed_groups,
            if groups.suppressed_groups == 1 { " is" } else { "s are" }
        )
    } else {
        String::new()
    };
    figure(
        id,
        &format!("{caption} Bar labels give each group's number of jobseekers in brackets.{note}"),
        chart,
        table(&["group", "jobseekers", "matched", "share matched", "mean score"], &rows),
    )
}

/// What a withheld outcome cell says in place of its figures: in the
/// table, and (split at `\n`) in the chart.
fn withheld_note(why: Suppressed) -> String {
    match why {
        Suppressed::Small => format!("fewer than {MIN_GROUP_SIZE}, not shown"),
        Suppressed::Complementary => "not shown, as it would\nreveal a smaller group".to_string(),
    }
}

fn rates_figure(id: &str, caption: &str, groups: &[OutcomeRates], all: &OutcomeRates) -> String {
    let any_shown = groups.iter().any(|g| g.shown().is_some());
    let categories = if any_shown { groups.iter().map(|g| g.group.replace('_', " ")).collect() } else { Vec::new() };
    let mut bars = Bars::new(categories, "share of pairs", Format::Percent);
    bars.max = Some(1.0);
    bars.sublabels =
        groups.iter().map(|g| g.shown().map_or_else(String::new, |f| format!("{} pairs", f.pairs))).collect();
    bars.withheld = groups
        .iter()
        .map(|g| match g.cell {
            OutcomeCell::Shown(_) => None,
            OutcomeCell::Suppressed { suppressed } => Some(withheld_note(suppressed)),
        })
        .collect();
    bars.empty = if all.shown().is_some() {
        format!("no group can be shown without revealing one of fewer than {MIN_GROUP_SIZE} pairs")
    } else {
        format!("fewer than {MIN_GROUP_SIZE} pairs have outcomes, so no group is shown")
    };
    if let Some(a) = all.shown() {
        bars.references = vec![(a.job_start_rate, BLUE), (a.sustained_rate, ORANGE)];
    }
    let rate = |g: &OutcomeRates, of: fn(&super::OutcomeFigures) -> f64| g.shown().map_or(0.0, of);
    bars = bars.series("started a job", BLUE, groups.iter().map(|g| rate(g, |f| f.job_start_rate)).collect()).series(
        "job sustained",
        ORANGE,
        groups.iter().map(|g| rate(g, |f| f.sustained_rate)).collect(),
    );
    let chart = svg(bars.height(340), |root| draw_bars(root, &bars));
    let rows: Vec<Vec<String>> = std::iter::once(all)
        .chain(groups)
        .map(|g| {
            let mut row = vec![g.group.replace('_', " ")];
            match &g.cell {
                OutcomeCell::Shown(f) => row.extend([
                    f.pairs.to_string(),
                    f.job_starts.to_string(),
                    f.sustained_jobs.to_string(),
                    Format::Percent.text(f.job_start_rate),
                    Format::Percent.text(f.sustained_rate),
                    Format::Score.text(f.mean_score),
                ]),
                OutcomeCell::Suppressed { suppressed } => row.push(withheld_note(*suppressed).replace('\n', " ")),
            }
            row
        })
        .collect();
    figure(
        id,
        caption,
        chart,
        table(&["group", "pairs", "job starts", "sustained", "job start rate", "sustained rate", "mean score"], &rows),
    )
}

fn what_worked_figures(w: &WhatWorked) -> String {
    let mut out = String::new();
    let suppression = format!(
        "Groups of fewer than {MIN_GROUP_SIZE} pairs are not shown, as in the fairness figures, and neither is a larger group whose figures, taken from those of all pairs, would give theirs away."
    );
    match (w.all.shown(), &w.best_outcome) {
        (Some(all), Some(best_outcome)) => {
            let best: Vec<String> =
                best_outcome.iter().map(|o| format!("{} {}", o.pairs, o.outcome.replace('_', " "))).collect();
            let _ = writeln!(
                out,
                "<p>{} mentoring pairs have recorded outcomes; each pair counts once, with its best outcome ({}). A sustained job counts as a job start too. Scores are today's scores of each pair, leaving out the tie that their own mentoring created{}. The horizontal lines are the rates over all pairs. {}</p>",
                all.pairs,
                best.join(", "),
                match w.outside_hard_rules {
                    Some(n) if n > 0 => format!("; {n} pairs would not pass today's hard rules and are still counted"),
                    _ => String::new(),
                },
                escape(&suppression)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "<p>Fewer than {MIN_GROUP_SIZE} mentoring pairs have recorded outcomes, so no figure about them is shown: with so few, someone who knows a few of the people could tell how each of them did.</p>"
            );
        }
    }
    out.push_str(&rates_figure(
        "outcomes-score-band",
        "Job starts and sustained jobs by the pair's match score: do better-scored pairs do better?",
        &w.by_score_band,
        &w.all,
    ));
    out.push_str(&rates_figure(
        "outcomes-component",
        "Job starts and sustained jobs by what made the pair's score: the component (sector, locality, shared experience, network, availability) that contributes most to it.",
        &w.by_component,
        &w.all,
    ));
    out.push_str(&rates_figure(
        "outcomes-helper-role",
        "Job starts and sustained jobs by who helped: a mentor (a person in work) or a coach.",
        &w.by_helper_role,
        &w.all,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(axis_top(0.0), 1.0);
        assert_eq!(axis_top(100.0), 120.0);
        assert_eq!(axis_top(7.0), 10.0);
    }

    #[test]
    fn long_labels_are_cut() {
        let long = "x".repeat(60);
        assert_eq!(cut(&long).chars().count(), MAX_LABEL_CHARS);
        assert_eq!(cut("short"), "short");
    }
}
