//! Line charts of series over ordered categories (months): each series has
//! its own dash and marker shape, so lines stay apart in greyscale. A
//! withheld point breaks its line and its month is hatched.

use super::{axis, escape, n, open, shown, withheld_legend, DataTable, Meta, Rendered, Series};
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChart {
    pub meta: Meta,
    /// The heading of the categories in the data table, e.g. "Month".
    pub category_name: String,
    /// In order, e.g. "Jan" … "Dec".
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

const WIDTH: f64 = 640.0;
const LEFT: f64 = 50.0;
const TOP: f64 = 12.0;
const PLOT_W: f64 = 560.0;
const PLOT_H: f64 = 220.0;
const DASHES: [&str; 4] = ["", "6 3", "2 3", "9 3 2 3"];

impl LineChart {
    pub fn render(&self) -> Rendered {
        let id = self.meta.slug();
        let values: Vec<Option<u64>> = self.series.iter().flat_map(|s| s.values.iter().copied()).collect();
        let withheld = values.iter().filter(|v| v.is_none()).count();
        let max = values.iter().flatten().copied().max().unwrap_or(0) as f64;
        let (top, step) = axis(max);
        let legend_y = TOP + PLOT_H + 40.0;
        let lines = self.series.len() + usize::from(withheld > 0);
        let height = legend_y + lines as f64 * 20.0 + 8.0;
        let slot = PLOT_W / self.categories.len().max(1) as f64;
        let x_of = |c: usize| LEFT + slot * (c as f64 + 0.5);
        let y_of = |v: u64| TOP + PLOT_H - v as f64 / top * PLOT_H;

        let mut s = open(&self.meta, WIDTH, height, withheld, values.len());
        // Months with a withheld point: hatched across the plot, labelled `*` at the foot.
        for c in 0..self.categories.len() {
            if self.series.iter().any(|se| matches!(se.values.get(c), Some(None))) {
                let _ = writeln!(
                    s,
                    "<rect class=\"withheld\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-withheld)\" opacity=\"0.6\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">*</text>",
                    n(x_of(c) - slot * 0.3),
                    n(TOP),
                    n(slot * 0.6),
                    n(PLOT_H),
                    n(x_of(c)),
                    n(TOP + PLOT_H - 4.0)
                );
            }
        }
        s.push_str("<g class=\"axis\" stroke=\"#cccccc\">\n");
        let mut v = 0.0;
        while v <= top + step / 2.0 {
            let y = TOP + PLOT_H - v / top * PLOT_H;
            let _ = writeln!(
                s,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" stroke=\"none\" fill=\"#333333\">{}</text>",
                n(LEFT),
                n(LEFT + PLOT_W),
                n(LEFT - 6.0),
                n(y + 4.0),
                n(v),
                y = n(y)
            );
            v += step;
        }
        s.push_str("</g>\n");
        for (c, label) in self.categories.iter().enumerate() {
            let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", n(x_of(c)), n(TOP + PLOT_H + 18.0), escape(label));
        }
        for (i, series) in self.series.iter().enumerate() {
            let dash = DASHES[i % DASHES.len()];
            let dash = if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") };
            // A withheld point ends one run of the line and the next begins after it.
            let mut runs: Vec<Vec<(usize, u64)>> = vec![Vec::new()];
            for (c, v) in series.values.iter().enumerate().take(self.categories.len()) {
                match v {
                    Some(v) => runs.last_mut().map(|r| r.push((c, *v))).unwrap_or_default(),
                    None => runs.push(Vec::new()),
                }
            }
            let _ = writeln!(s, "<g class=\"series\" aria-label=\"{}\">", escape(&series.name));
            for run in runs.iter().filter(|r| r.len() > 1) {
                let points: Vec<String> = run.iter().map(|(c, v)| format!("{},{}", n(x_of(*c)), n(y_of(*v)))).collect();
                let _ = writeln!(s, "<polyline points=\"{}\" fill=\"none\" stroke=\"#222222\" stroke-width=\"2\"{dash}/>", points.join(" "));
            }
            for (c, v) in runs.iter().flatten() {
                let tip = format!("{}, {}: {v}", series.name, self.categories.get(*c).map(String::as_str).unwrap_or_default());
                let _ = writeln!(s, "{}", marker(i, x_of(*c), y_of(*v), &escape(&tip)));
            }
            s.push_str("</g>\n");
            let y = legend_y + 20.0 * i as f64;
            let _ = writeln!(
                s,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#222222\" stroke-width=\"2\"{dash}/>{}<text x=\"{}\" y=\"{}\">{}</text>",
                n(LEFT),
                n(y + 7.0),
                n(LEFT + 28.0),
                n(y + 7.0),
                marker(i, LEFT + 14.0, y + 7.0, ""),
                n(LEFT + 36.0),
                n(y + 11.0),
                escape(&series.name)
            );
        }
        if withheld > 0 {
            withheld_legend(&mut s, &self.meta, LEFT, legend_y + 20.0 * self.series.len() as f64);
        }
        s.push_str("</svg>\n");
        Rendered { svg: s, table: self.table() }
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

/// Series `i`'s marker at (x, y): circle, square, triangle, diamond.
fn marker(i: usize, x: f64, y: f64, tip: &str) -> String {
    let title = if tip.is_empty() { String::new() } else { format!("<title>{tip}</title>") };
    let style = "fill=\"#ffffff\" stroke=\"#222222\" stroke-width=\"1.5\"";
    match i % 4 {
        0 => format!("<circle cx=\"{}\" cy=\"{}\" r=\"4\" {style}>{title}</circle>", n(x), n(y)),
        1 => format!("<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" {style}>{title}</rect>", n(x - 4.0), n(y - 4.0)),
        2 => format!(
            "<path d=\"M{} {}L{} {}L{} {}Z\" {style}>{title}</path>",
            n(x),
            n(y - 5.0),
            n(x + 5.0),
            n(y + 4.0),
            n(x - 5.0),
            n(y + 4.0)
        ),
        _ => format!(
            "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" {style}>{title}</path>",
            n(x),
            n(y - 5.0),
            n(x + 5.0),
            n(y),
            n(x),
            n(y + 5.0),
            n(x - 5.0),
            n(y)
        ),
    }
}
