//! Charts as SVG strings: bars, lines, a heat map and a map of Connecticut's
//! counties. Pure string building (no I/O, no clock), so the server's report
//! and the browser (through wasm) draw the same picture from the same cells.
//!
//! Written by hand rather than with a plotting crate: the crates that draw
//! SVG (plotters and the like) bring font loading and raster back ends, none
//! knows a withheld cell, and none writes the `<title>`/`<desc>` a screen
//! reader needs. What is drawn here is a few rectangles, paths and labels.
//!
//! The rules every chart keeps:
//! - A value is a published cell: `None` is withheld by disclosure control and
//!   is drawn as a hatched mark labelled `*`, never with a number or a size
//!   that hints at one; the legend says why it is withheld.
//! - `<svg role="img" aria-labelledby>` names a `<title>` and a `<desc>`, and
//!   every chart comes with the [`DataTable`] behind it.
//! - Grey shades, patterns and printed values carry the meaning, so a
//!   greyscale print loses nothing; colour is never the only cue.
//! - All text is escaped, and the output is a function of the input alone.

mod bar;
mod heat;
mod line;
mod map;

pub use bar::{BarChart, Orientation};
pub use heat::HeatMap;
pub use line::LineChart;
pub use map::{county_shapes, CountyMap, CountyShape};

use crate::stats::Cell;
use std::fmt::Write;

/// What every chart is called and how it is described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// Unique in the page: it prefixes the ids of the title, the description
    /// and the patterns (inline SVGs share one id space). Characters other
    /// than ASCII letters, digits and `-` are dropped.
    pub id: String,
    pub title: String,
    /// What the chart shows, in words, for a screen reader; the chart adds how
    /// many values are withheld.
    pub description: String,
    /// Why a value is withheld, shown in the legend when one is.
    pub withheld_note: String,
}

impl Meta {
    pub fn new(id: &str, title: &str, description: &str) -> Self {
        Self {
            id: id.to_string(),
            title: title.to_string(),
            description: description.to_string(),
            withheld_note: DEFAULT_WITHHELD_NOTE.to_string(),
        }
    }

    /// `self` with the legend's reason for withheld values.
    pub fn withheld_because(mut self, note: &str) -> Self {
        self.withheld_note = note.to_string();
        self
    }

    fn slug(&self) -> String {
        let s: String = self.id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if s.is_empty() {
            "chart".to_string()
        } else {
            s
        }
    }
}

pub const DEFAULT_WITHHELD_NOTE: &str = "Withheld (*): not shown under disclosure control";

/// A named row of values: one series of a bar or line chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    /// One per category; `None` is withheld.
    pub values: Vec<Option<u64>>,
}

impl Series {
    pub fn new(name: &str, values: Vec<Option<u64>>) -> Self {
        Self { name: name.to_string(), values }
    }

    /// A series from published cells.
    pub fn from_cells(name: &str, cells: &[Cell]) -> Self {
        Self::new(name, cells.iter().map(Cell::get).collect())
    }
}

/// A drawn chart and the table of the values it draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub svg: String,
    pub table: DataTable,
}

/// The values behind a chart, as a table: rows, then one column per series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTable {
    pub caption: String,
    /// The heading of the row labels' column.
    pub row_header: String,
    pub columns: Vec<String>,
    /// Row label and one cell per column: the number, or `*` when withheld.
    pub rows: Vec<(String, Vec<String>)>,
}

impl DataTable {
    /// The table as HTML, every text escaped.
    pub fn to_html(&self) -> String {
        let mut h = String::new();
        let _ = write!(h, "<table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th>", escape(&self.caption), escape(&self.row_header));
        for c in &self.columns {
            let _ = write!(h, "<th scope=\"col\" class=\"count\">{}</th>", escape(c));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for (label, cells) in &self.rows {
            let _ = write!(h, "<tr><th scope=\"row\">{}</th>", escape(label));
            for c in cells {
                let _ = write!(h, "<td class=\"count\">{}</td>", escape(c));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
        h
    }
}

/// `s` with the five characters that matter in XML/HTML text and attributes escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value as the table and the labels show it: the number, or `*`.
pub(crate) fn shown(v: Option<u64>) -> String {
    v.map_or_else(|| "*".to_string(), |v| v.to_string())
}

/// A coordinate: rounded to a tenth, without a trailing `.0`, so output is
/// short and the same on every platform.
pub(crate) fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Fills that stay apart in greyscale, each with its own texture, for series
/// and classes: (fill, pattern) where a pattern overlays the fill.
const SERIES_FILLS: [&str; 4] = ["#333333", "#9a9a9a", "#d9d9d9", "#5f5f5f"];

/// Five sequential greys, light to dark, for classed values.
pub(crate) const RAMP: [&str; 5] = ["#f0f0f0", "#bdbdbd", "#969696", "#636363", "#252525"];

/// The fill of series `i`: a grey, and past the first three a dotted texture.
pub(crate) fn series_fill(id: &str, i: usize) -> String {
    if i % SERIES_FILLS.len() == 3 {
        format!("url(#{id}-dots)")
    } else {
        SERIES_FILLS[i % SERIES_FILLS.len()].to_string()
    }
}

/// The opening of a chart: the `<svg>` element with its title, description
/// and the patterns its marks use.
pub(crate) fn open(meta: &Meta, width: f64, height: f64, withheld: usize, total: usize) -> String {
    let id = meta.slug();
    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}{withheld_text}</desc>\n",
        w = n(width),
        h = n(height),
        title = escape(&meta.title),
        desc = escape(&meta.description),
        withheld_text = escape(&withheld_sentence(withheld, total)),
    );
    let _ = write!(
        s,
        "<defs>\n<pattern id=\"{id}-withheld\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555555\" stroke-width=\"2\"/></pattern>\n\
         <pattern id=\"{id}-dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">\
         <rect width=\"5\" height=\"5\" fill=\"#ffffff\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.4\" fill=\"#222222\"/></pattern>\n</defs>\n"
    );
    s
}

fn withheld_sentence(withheld: usize, total: usize) -> String {
    match withheld {
        0 => String::new(),
        1 => format!(" 1 of the {total} values is withheld and not drawn."),
        w => format!(" {w} of the {total} values are withheld and not drawn."),
    }
}

/// One legend line at (x, y): a swatch filled with `fill`, then `text`.
pub(crate) fn legend_item(s: &mut String, x: f64, y: f64, fill: &str, text: &str) {
    let _ = writeln!(
        s,
        "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"#333333\"/><text x=\"{}\" y=\"{}\">{}</text>",
        n(x),
        n(y),
        n(x + 20.0),
        n(y + 11.0),
        escape(text)
    );
}

/// The withheld legend line, when anything is withheld.
pub(crate) fn withheld_legend(s: &mut String, meta: &Meta, x: f64, y: f64) {
    legend_item(s, x, y, &format!("url(#{}-withheld)", meta.slug()), &meta.withheld_note);
}

/// A "nice" axis for values up to `max`: the top of the axis and its step
/// (1, 2 or 5 times a power of ten, about four steps).
pub(crate) fn axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    // Whole numbers only where counts are whole.
    let step = if max >= 1.0 { step.max(1.0).round() } else { step };
    let top = (max / step).ceil() * step;
    (top, step)
}

/// The width of five equal classes from 0 that cover `max`: 1, 2 or 5
/// times a power of ten (whole for counts, `decimals == 0`).
pub(crate) fn class_width(max: f64, decimals: usize) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / RAMP.len() as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let w = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    if decimals == 0 {
        w.max(1.0).round()
    } else {
        w
    }
}

/// The class of `v` (0 to 4) for classes `width` wide.
pub(crate) fn class_of(v: f64, width: f64) -> usize {
    if width <= 0.0 {
        return 0;
    }
    ((v / width).floor().max(0.0) as usize).min(RAMP.len() - 1)
}

/// Each class's bounds, as legend text; the last is open-ended.
pub(crate) fn class_labels(width: f64, decimals: usize) -> Vec<String> {
    (0..RAMP.len())
        .map(|i| {
            let lo = width * i as f64;
            let hi = width * (i + 1) as f64;
            if i + 1 == RAMP.len() {
                format!("{lo:.decimals$} or more")
            } else {
                format!("{lo:.decimals$} to under {hi:.decimals$}")
            }
        })
        .collect()
}

/// Text colour readable on ramp class `c`.
pub(crate) fn ink_on(c: usize) -> &'static str {
    if c >= 3 {
        "#ffffff"
    } else {
        "#111111"
    }
}
