//! A heat map: rows × columns of counts, each cell shaded in five greys by
//! class and printed with its value; a withheld cell is hatched and `*`.

use super::{class_labels, class_of, class_width, escape, ink_on, legend_item, n, open, shown, withheld_legend, DataTable, Meta, Rendered, RAMP};
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeatMap {
    pub meta: Meta,
    /// The heading of the row labels, e.g. "Service".
    pub row_name: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `values[r][c]`; `None` is withheld.
    pub values: Vec<Vec<Option<u64>>>,
}

const LEFT: f64 = 170.0;
const TOP: f64 = 40.0;
const CELL_W: f64 = 56.0;
const CELL_H: f64 = 26.0;

impl HeatMap {
    fn value(&self, r: usize, c: usize) -> Option<u64> {
        self.values.get(r).and_then(|row| row.get(c)).copied().flatten()
    }

    pub fn render(&self) -> Rendered {
        let id = self.meta.slug();
        let all: Vec<Option<u64>> = (0..self.rows.len()).flat_map(|r| (0..self.columns.len()).map(move |c| (r, c))).map(|(r, c)| self.value(r, c)).collect();
        let withheld = all.iter().filter(|v| v.is_none()).count();
        let width_class = class_width(all.iter().flatten().copied().max().unwrap_or(0) as f64, 0);
        let grid_w = CELL_W * self.columns.len() as f64;
        let grid_h = CELL_H * self.rows.len() as f64;
        let legend_y = TOP + grid_h + 16.0;
        let lines = RAMP.len() + usize::from(withheld > 0);
        let width = (LEFT + grid_w + 16.0).max(480.0);
        let height = legend_y + 20.0 * lines as f64 + 8.0;

        let mut s = open(&self.meta, width, height, withheld, all.len());
        for (c, label) in self.columns.iter().enumerate() {
            let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", n(LEFT + CELL_W * (c as f64 + 0.5)), n(TOP - 8.0), escape(label));
        }
        for (r, label) in self.rows.iter().enumerate() {
            let y = TOP + CELL_H * r as f64;
            let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", n(LEFT - 8.0), n(y + CELL_H / 2.0 + 4.0), escape(label));
            for (c, column) in self.columns.iter().enumerate() {
                let x = LEFT + CELL_W * c as f64;
                let v = self.value(r, c);
                let (fill, ink) = match v {
                    Some(v) => {
                        let k = class_of(v as f64, width_class);
                        (RAMP[k].to_string(), ink_on(k))
                    }
                    None => (format!("url(#{id}-withheld)"), "#111111"),
                };
                let tip = format!("{label}, {column}: {}", v.map_or_else(|| "withheld".to_string(), |v| v.to_string()));
                let _ = writeln!(
                    s,
                    "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\"><title>{}</title></rect>\
                     <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\" paint-order=\"stroke\">{}</text>",
                    if v.is_some() { "cell" } else { "cell withheld" },
                    n(x),
                    n(y),
                    n(CELL_W),
                    n(CELL_H),
                    escape(&tip),
                    n(x + CELL_W / 2.0),
                    n(y + CELL_H / 2.0 + 4.0),
                    shown(v)
                );
            }
        }
        let mut y = legend_y;
        for (k, label) in class_labels(width_class, 0).iter().enumerate() {
            legend_item(&mut s, LEFT, y, RAMP[k], label);
            y += 20.0;
        }
        if withheld > 0 {
            withheld_legend(&mut s, &self.meta, LEFT, y);
        }
        s.push_str("</svg>\n");
        Rendered { svg: s, table: self.table() }
    }

    fn table(&self) -> DataTable {
        DataTable {
            caption: self.meta.title.clone(),
            row_header: self.row_name.clone(),
            columns: self.columns.clone(),
            rows: self
                .rows
                .iter()
                .enumerate()
                .map(|(r, label)| (label.clone(), (0..self.columns.len()).map(|c| shown(self.value(r, c))).collect()))
                .collect(),
        }
    }
}
