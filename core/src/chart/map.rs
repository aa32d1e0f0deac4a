//! A choropleth of Connecticut's eight counties, each shaded in five greys
//! by its value (a count or a rate) and labelled with its name and value; a
//! withheld value is hatched and `*`.
//!
//! The shapes are `data/ct-counties.csv`, derived once from the `us-atlas`
//! package (ISC; U.S. Census Bureau cartographic boundaries, 2017); see
//! `data/SOURCES.md`. The nine planning regions the Census has used since
//! 2022 are not drawn: no permissively licensed package ships their shapes.

use super::{class_labels, class_of, class_width, escape, legend_item, n, open, withheld_legend, DataTable, Meta, Rendered, RAMP};
use std::fmt::Write;

const SHAPES: &str = include_str!("../../data/ct-counties.csv");
const MAP_W: f64 = 600.0;
const MAP_H: f64 = 400.0;
/// Room right of the map for the classes.
const LEGEND_W: f64 = 200.0;
const LEGEND_TOP: f64 = 200.0;

/// One county's outline, projected into a 600 × 400 box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountyShape {
    /// Census FIPS code, 09001 to 09015.
    pub fips: &'static str,
    pub name: &'static str,
    /// Where its label goes (the outline's centroid).
    pub label: (f64, f64),
    /// SVG path data.
    pub path: &'static str,
}

/// The eight counties, by FIPS code.
pub fn county_shapes() -> Vec<CountyShape> {
    SHAPES
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.splitn(5, ',');
            let fips = f.next()?;
            let name = f.next()?;
            let x = f.next()?.parse().ok()?;
            let y = f.next()?.parse().ok()?;
            let path = f.next()?;
            Some(CountyShape { fips, name, label: (x, y), path })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct CountyMap {
    pub meta: Meta,
    /// What the value is, e.g. "Incidents" or "Incidents per 100,000 people".
    pub value_name: String,
    /// Decimal places shown: 0 for counts.
    pub decimals: usize,
    /// (county name, value); `None` is withheld. A county left out is drawn
    /// blank as "no figure".
    pub values: Vec<(String, Option<f64>)>,
}

impl CountyMap {
    /// A map of published counts by county name.
    pub fn of_counts(meta: Meta, value_name: &str, counts: &[(String, Option<u64>)]) -> Self {
        Self {
            meta,
            value_name: value_name.to_string(),
            decimals: 0,
            values: counts.iter().map(|(c, v)| (c.clone(), v.map(|v| v as f64))).collect(),
        }
    }

    /// A map of published counts by county name as rates per `per` residents
    /// (2020 census). A withheld count has no rate — the rate times the
    /// population is the count (`stats::derived::rate`) — and neither has a
    /// county whose population is not fully known: both are drawn withheld.
    pub fn of_rates(meta: Meta, value_name: &str, counts: &[(String, Option<u64>)], per: u64) -> Self {
        use crate::stats::disclosure::Cell;
        let rate = |county: &str, v: Option<u64>| {
            let cell = v.map_or_else(Cell::withheld, Cell::shown);
            crate::stats::derived::rate(&cell, crate::reference::geo::county_population(county)?, per)
        };
        Self {
            meta,
            value_name: value_name.to_string(),
            decimals: 1,
            values: counts.iter().map(|(c, v)| (c.clone(), rate(c, *v))).collect(),
        }
    }

    fn value(&self, county: &str) -> Option<Option<f64>> {
        self.values.iter().find(|(c, _)| c == county).map(|(_, v)| *v)
    }

    fn shown(&self, v: Option<Option<f64>>) -> String {
        match v {
            Some(Some(v)) => format!("{v:.*}", self.decimals),
            Some(None) => "*".to_string(),
            None => "–".to_string(),
        }
    }

    pub fn render(&self) -> Rendered {
        let id = self.meta.slug();
        let shapes = county_shapes();
        let found: Vec<Option<Option<f64>>> = shapes.iter().map(|c| self.value(c.name)).collect();
        let withheld = found.iter().filter(|v| matches!(v, Some(None))).count();
        let missing = found.iter().filter(|v| v.is_none()).count();
        let max = found.iter().flatten().flatten().copied().fold(0.0, f64::max);
        let width_class = class_width(max, self.decimals);
        // Classes beside the map, the longer notes beneath it.
        let notes = usize::from(withheld > 0) + usize::from(missing > 0);
        let height = MAP_H + 20.0 * notes as f64 + 8.0;
        let mut s = open(&self.meta, MAP_W + LEGEND_W, height, withheld, shapes.len());
        s.push_str("<g class=\"counties\" stroke=\"#111111\" stroke-width=\"1\">\n");
        for (shape, v) in shapes.iter().zip(&found) {
            let fill = match v {
                Some(Some(v)) => RAMP[class_of(*v, width_class)].to_string(),
                Some(None) => format!("url(#{id}-withheld)"),
                None => "#ffffff".to_string(),
            };
            let tip = format!(
                "{} County: {}",
                shape.name,
                match v {
                    Some(Some(_)) => self.shown(*v),
                    Some(None) => "withheld".to_string(),
                    None => "no figure".to_string(),
                }
            );
            let _ = writeln!(
                s,
                "<path class=\"county\" data-fips=\"{}\" d=\"{}\" fill=\"{fill}\"><title>{}</title></path>",
                escape(shape.fips),
                escape(shape.path),
                escape(&tip)
            );
        }
        s.push_str("</g>\n<g class=\"labels\" text-anchor=\"middle\" font-size=\"11\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" fill=\"#111111\">\n");
        for (shape, v) in shapes.iter().zip(&found) {
            let (x, y) = shape.label;
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>",
                n(x),
                n(y - 2.0),
                escape(shape.name),
                n(x),
                n(y + 11.0),
                escape(&self.shown(*v))
            );
        }
        s.push_str("</g>\n");
        let x = MAP_W - 40.0;
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>", n(x), n(LEGEND_TOP - 8.0), escape(&self.value_name));
        for (k, label) in class_labels(width_class, self.decimals).iter().enumerate() {
            legend_item(&mut s, x, LEGEND_TOP + 20.0 * k as f64, RAMP[k], label);
        }
        let mut y = MAP_H;
        if withheld > 0 {
            withheld_legend(&mut s, &self.meta, 10.0, y);
            y += 20.0;
        }
        if missing > 0 {
            legend_item(&mut s, 10.0, y, "#ffffff", "– No figure");
        }
        s.push_str("</svg>\n");
        Rendered { svg: s, table: self.table(&shapes, &found) }
    }

    fn table(&self, shapes: &[CountyShape], found: &[Option<Option<f64>>]) -> DataTable {
        DataTable {
            caption: self.meta.title.clone(),
            row_header: "County".to_string(),
            columns: vec![self.value_name.clone()],
            rows: shapes.iter().zip(found).map(|(c, v)| (c.name.to_string(), vec![self.shown(*v)])).collect(),
        }
    }
}
