//! Bar charts: one bar per category and series (grouped when there are
//! several series), vertical or horizontal, each bar labelled with its value.

use super::{axis, escape, legend_item, n, open, series_fill, shown, withheld_legend, DataTable, Meta, Rendered, Series};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Categories along the bottom, bars rising.
    Vertical,
    /// Categories down the side, bars running right: for long labels.
    Horizontal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub meta: Meta,
    pub orientation: Orientation,
    /// The heading of the categories in the data table, e.g. "Quarter".
    pub category_name: String,
    pub categories: Vec<String>,
    /// One or more series, each with one value per category.
    pub series: Vec<Series>,
}

const WIDTH: f64 = 640.0;
const PLOT_HEIGHT: f64 = 220.0;
const LEGEND_LINE: f64 = 20.0;

/// Where the plot sits: left, top, width, height.
struct Frame {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl BarChart {
    pub fn render(&self) -> Rendered {
        let values: Vec<Option<u64>> = self.series.iter().flat_map(|s| s.values.iter().copied()).collect();
        let withheld = values.iter().filter(|v| v.is_none()).count();
        let max = values.iter().flatten().copied().max().unwrap_or(0) as f64;
        let (top, step) = axis(max);

        let horizontal = self.orientation == Orientation::Horizontal;
        let label_room = if horizontal { 150.0 } else { 50.0 };
        let rows = self.categories.len().max(1) as f64;
        let plot_h = if horizontal { (rows * 16.0 * self.series.len().max(1) as f64 + rows * 10.0).max(80.0) } else { PLOT_HEIGHT };
        let frame = Frame { x: label_room, y: 12.0, w: WIDTH - label_room - 40.0, h: plot_h };
        let legend_lines = if self.series.len() > 1 { self.series.len() } else { 0 } + usize::from(withheld > 0);
        let legend_y = frame.y + frame.h + if horizontal { 30.0 } else { 44.0 };
        let height = legend_y + legend_lines as f64 * LEGEND_LINE + 8.0;

        let mut s = open(&self.meta, WIDTH, height, withheld, values.len());
        self.grid(&mut s, &frame, top, step);
        self.bars(&mut s, &frame, top);
        let mut y = legend_y;
        if self.series.len() > 1 {
            for (i, series) in self.series.iter().enumerate() {
                legend_item(&mut s, frame.x, y, &series_fill(&self.meta.slug(), i), &series.name);
                y += LEGEND_LINE;
            }
        }
        if withheld > 0 {
            withheld_legend(&mut s, &self.meta, frame.x, y);
        }
        s.push_str("</svg>\n");
        Rendered { svg: s, table: self.table() }
    }

    /// The value axis: gridlines and their numbers, and the baseline.
    fn grid(&self, s: &mut String, f: &Frame, top: f64, step: f64) {
        s.push_str("<g class=\"axis\" stroke=\"#cccccc\">\n");
        let mut v = 0.0;
        while v <= top + step / 2.0 {
            let _ = match self.orientation {
                Orientation::Vertical => {
                    let y = f.y + f.h - v / top * f.h;
                    writeln!(
                        s,
                        "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" stroke=\"none\" fill=\"#333333\">{}</text>",
                        n(f.x),
                        n(f.x + f.w),
                        n(f.x - 6.0),
                        n(y + 4.0),
                        n(v),
                        y = n(y)
                    )
                }
                Orientation::Horizontal => {
                    let x = f.x + v / top * f.w;
                    writeln!(
                        s,
                        "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333333\">{}</text>",
                        n(f.y),
                        n(f.y + f.h),
                        n(f.y + f.h + 16.0),
                        n(v),
                        x = n(x)
                    )
                }
            };
            v += step;
        }
        s.push_str("</g>\n");
    }

    /// The bars, with their values; a withheld value is a hatched band across
    /// the whole axis, so its size says nothing, labelled `*`.
    fn bars(&self, s: &mut String, f: &Frame, top: f64) {
        let id = self.meta.slug();
        let groups = self.categories.len().max(1) as f64;
        let k = self.series.len().max(1) as f64;
        let along = if self.orientation == Orientation::Vertical { f.w } else { f.h };
        let slot = along / groups;
        let bar = slot * 0.8 / k;
        s.push_str("<g class=\"bars\">\n");
        for (c, category) in self.categories.iter().enumerate() {
            let start = slot * c as f64 + slot * 0.1;
            for (i, series) in self.series.iter().enumerate() {
                let value = series.values.get(c).copied().flatten();
                let pos = start + bar * i as f64;
                let name = if self.series.len() > 1 { format!("{}, {}", series.name, category) } else { category.clone() };
                let tip = format!("{name}: {}", value.map_or_else(|| "withheld".to_string(), |v| v.to_string()));
                let (fill, len) = match value {
                    Some(v) => (series_fill(&id, i), v as f64 / top * if self.orientation == Orientation::Vertical { f.h } else { f.w }),
                    None => (format!("url(#{id}-withheld)"), if self.orientation == Orientation::Vertical { f.h } else { f.w }),
                };
                let class = if value.is_some() { "bar" } else { "bar withheld" };
                let (x, y, w, h, lx, ly, anchor) = match self.orientation {
                    Orientation::Vertical => {
                        let y = f.y + f.h - len;
                        let ly = if value.is_some() { y - 4.0 } else { f.y + f.h - 4.0 };
                        (f.x + pos, y, bar, len, f.x + pos + bar / 2.0, ly, "middle")
                    }
                    Orientation::Horizontal => {
                        let lx = if value.is_some() { f.x + len + 4.0 } else { f.x + 4.0 };
                        (f.x, f.y + pos, len, bar, lx, f.y + pos + bar / 2.0 + 4.0, "start")
                    }
                };
                let _ = writeln!(
                    s,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#333333\" stroke-width=\"0.5\"><title>{}</title></rect>\
                     <text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#111111\">{}</text>",
                    n(x),
                    n(y),
                    n(w),
                    n(h),
                    escape(&tip),
                    n(lx),
                    n(ly),
                    shown(value)
                );
            }
            let _ = match self.orientation {
                Orientation::Vertical => writeln!(
                    s,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    n(f.x + slot * (c as f64 + 0.5)),
                    n(f.y + f.h + 18.0),
                    escape(category)
                ),
                Orientation::Horizontal => writeln!(
                    s,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                    n(f.x - 6.0),
                    n(f.y + slot * (c as f64 + 0.5) + 4.0),
                    escape(category)
                ),
            };
        }
        s.push_str("</g>\n");
    }

    fn table(&self) -> DataTable {
        DataTable {
            caption: self.meta.title.clone(),
            row_header: self.category_name.clone(),
            columns: self.series.iter().map(|s| s.name.clone()).collect(),
            rows: self
                .categories
                .iter()
                .enumerate()
                .map(|(c, label)| (label.clone(), self.series.iter().map(|s| shown(s.values.get(c).copied().flatten())).collect()))
                .collect(),
        }
    }
}
