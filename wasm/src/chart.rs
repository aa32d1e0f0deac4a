//! `renderChart`: the core's chart module for the dashboard, so the browser draws exactly the
//! SVG (and the data table behind it) that the server's report draws from the same cells.

use beacon_core::chart::{BarChart, CountyMap, LineChart, Meta, Orientation, Rendered, Series};
use serde::{Deserialize, Serialize};

/// What the dashboard asks to draw: one series of published counts (`null` = withheld).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// `bar`, `line` or `county_map`.
    kind: String,
    /// Unique in the page (prefixes the SVG's ids).
    id: String,
    title: String,
    description: String,
    /// The categories' heading in the data table, e.g. "Month".
    category_name: String,
    /// What the values count, e.g. "Incidents".
    value_name: String,
    categories: Vec<String>,
    values: Vec<Option<u64>>,
}

#[derive(Debug, Serialize)]
pub struct Drawn {
    svg: String,
    /// The data table behind the chart, as HTML (every text escaped).
    table: String,
}

impl From<Rendered> for Drawn {
    fn from(r: Rendered) -> Self {
        Drawn { table: r.table.to_html(), svg: r.svg }
    }
}

pub fn render(spec: &str) -> Result<Drawn, String> {
    let spec: ChartSpec = serde_json::from_str(spec).map_err(|e| format!("not a chart: {e}"))?;
    if spec.categories.len() != spec.values.len() {
        return Err("a chart needs one value per category".to_string());
    }
    let meta = Meta::new(&spec.id, &spec.title, &spec.description);
    let series = || vec![Series::new(&spec.value_name, spec.values.clone())];
    let rendered = match spec.kind.as_str() {
        "bar" => BarChart {
            meta,
            orientation: Orientation::Vertical,
            category_name: spec.category_name.clone(),
            categories: spec.categories.clone(),
            series: series(),
        }
        .render(),
        "line" => LineChart { meta, category_name: spec.category_name.clone(), categories: spec.categories.clone(), series: series() }
            .render(),
        "county_map" => {
            let counts: Vec<(String, Option<u64>)> = spec.categories.iter().cloned().zip(spec.values.iter().copied()).collect();
            CountyMap::of_counts(meta, &spec.value_name, &counts).render()
        }
        other => return Err(format!("no chart of kind `{other}`: bar, line or county_map")),
    };
    Ok(rendered.into())
}
